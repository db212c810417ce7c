/**
 * Policy configuration errors as check run annotations on the policy file (file, line, column), and
 * as a list in the check summary for readers who do not open the Files tab.
 */
import { fitBlocks, fixed, omissionNote } from './fit.js'
import { ANNOTATION_MESSAGE_LIMIT, ANNOTATION_TITLE_LIMIT, ANNOTATIONS_PER_REQUEST, CHECK_OUTPUT_LIMIT } from './limits.js'
import type { ConfigIssue } from './model.js'
import { plainTitle, type CheckRunOutput } from './targets.js'
import { clip, codeSpan, escapeInline, sanitize, truncateText } from './text.js'

/** The REST shape of one annotation (`output.annotations[]`). */
export interface CheckAnnotation {
  path: string
  start_line: number
  end_line: number
  start_column?: number
  end_column?: number
  annotation_level: 'notice' | 'warning' | 'failure'
  message: string
  title?: string
}

export function toCheckAnnotations(issues: ConfigIssue[]): CheckAnnotation[] {
  return issues.map((issue) => {
    const start = positive(issue.line)
    const end = Math.max(start, positive(issue.endLine ?? start))
    const annotation: CheckAnnotation = {
      path: repoPath(issue.file),
      start_line: start,
      end_line: end,
      annotation_level: issue.level ?? 'failure',
      message: truncateText(sanitize(issue.message), ANNOTATION_MESSAGE_LIMIT) || 'invalid configuration',
    }
    // GitHub accepts columns only on single-line annotations.
    if (start === end && issue.column !== undefined) {
      annotation.start_column = positive(issue.column)
      annotation.end_column = Math.max(annotation.start_column, positive(issue.endColumn ?? issue.column))
    }
    if (issue.title) annotation.title = truncateText(sanitize(issue.title).replace(/\s+/g, ' ').trim(), ANNOTATION_TITLE_LIMIT)
    return annotation
  })
}

/** Splits into requests of at most 50 (GitHub appends each update's annotations to the run). */
export function batches<T>(items: readonly T[], size = ANNOTATIONS_PER_REQUEST): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** A check output for a policy that failed validation; the issues also go out as annotations. */
export function renderConfigErrorOutput(environment: string, issues: ConfigIssue[]): CheckRunOutput {
  const files = [...new Set(issues.map((i) => repoPath(i.file)))]
  const where = files.length === 1 ? ` in ${files[0]}` : ''
  const count = `${issues.length} configuration error${issues.length === 1 ? '' : 's'}`
  const summary = fitBlocks(
    [
      fixed(`> [!CAUTION]\n> **Policy invalid**: ${count}${where ? ` in ${codeSpan(files[0] as string)}` : ''}; ${escapeInline(environment)} was not analysed.\n\n`),
      {
        kind: 'list',
        open: '',
        items: issues.map((i) => `- ${codeSpan(`${repoPath(i.file)}:${positive(i.line)}${i.column ? `:${positive(i.column)}` : ''}`)} ${escapeInline(clip(i.message, 1000))}\n`),
        close: '\n',
        omitted: (n) => omissionNote(n, 'errors', 'all are annotated on the file'),
        priority: 0,
      },
    ],
    CHECK_OUTPUT_LIMIT,
  )
  return { title: plainTitle(`Policy invalid: ${count}${where}`), summary }
}

function positive(n: number): number {
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1
}

/** Annotations need the path relative to the repository root, with forward slashes. */
function repoPath(file: string): string {
  return sanitize(file).replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '')
}
