/**
 * The `rollgate/flags` check on pull requests (issue #13 point 7). Pure core: flags introduced by
 * the diff (evaluation calls on added lines) without an owner and an expiry fail it; stale and
 * past-expiry flags referenced in the changed files are reported. Each finding is an annotation at
 * file:line; the same findings become a SARIF file for code scanning. Publishing goes to a check run
 * (annotations 50 per request), or, on fork pull requests whose token is read-only, to
 * workflow-command annotations and the job summary.
 */
import type { ActionIO } from '../action/io.js'
import type { ChecksPort, RepoRef } from '../github/ports.js'
import type { CheckAnnotation } from '../report/annotations.js'
import { publishCheckRun } from '../report/publish.js'
import { codeSpan, sanitize, truncateText } from '../report/text.js'
import type { FlagInfo } from './source.js'
import type { StaleVerdict } from './stale.js'
import type { FlagReference } from './types.js'

export const FLAGS_CHECK_NAME = 'rollgate/flags'

export interface AddedLine {
  line: number
  text: string
}

/** The lines a pull request adds, per file (from its patches). */
export type AddedLines = Map<string, AddedLine[]>

/** Parses a unified diff patch (as `pulls.listFiles` returns it) into the new file's added lines. */
export function addedLinesOf(patch: string): AddedLine[] {
  const out: AddedLine[] = []
  let line = 0
  for (const raw of patch.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw)
    if (hunk) {
      line = Number(hunk[1])
      continue
    }
    if (line === 0 || raw.startsWith('\\')) continue
    if (raw.startsWith('+')) out.push({ line: line++, text: raw.slice(1) })
    else if (raw.startsWith('-')) continue
    else line++
  }
  return out
}

/** SDK evaluation calls whose first argument is a literal flag name (the same family the scanner parses). */
const EVALUATION =
  /\b(isEnabled|isDisabled|getVariant|variation|boolVariation|stringVariation|jsonVariation|numberVariation|variationDetail|boolVariationDetail|useFlag|useFeature|useFeatureFlag|useFeatureIsOn|useFeatureValue|useVariant|getBooleanValue|getStringValue|getNumberValue|getObjectValue|getBooleanDetails|getStringDetails|getNumberDetails|getObjectDetails|isOn|isOff|getFeatureValue|hasFeature)\s*\(\s*(['"`])([A-Za-z0-9][A-Za-z0-9_.:-]*)\2/g

export interface IntroducedFlag {
  name: string
  file: string
  line: number
  column: number
}

export function findIntroducedFlags(added: AddedLines): IntroducedFlag[] {
  const out: IntroducedFlag[] = []
  for (const [file, lines] of added) {
    for (const { line, text } of lines) {
      for (const match of text.matchAll(EVALUATION)) {
        out.push({ name: match[3] as string, file, line, column: (match.index ?? 0) + match[0].indexOf(match[2] as string) + 2 })
      }
    }
  }
  return out
}

export type FindingRule = 'flag-without-owner-or-expiry' | 'flag-expired' | 'flag-stale'

export interface FlagFinding {
  rule: FindingRule
  level: 'failure' | 'warning'
  flag: string
  file: string
  line: number
  column: number
  message: string
}

export interface FlagCheckInput {
  introduced: IntroducedFlag[]
  flags: FlagInfo[]
  verdicts: StaleVerdict[]
  /** References found by the scan, limited to the files the pull request changes. */
  references: FlagReference[]
  /** e.g. `the flag registry flags.yml`. */
  sourceDescription: string
  /** Where a missing owner or expiry is added (the registry file), for the message. */
  registryFile: string
}

export interface FlagCheckResult {
  conclusion: 'success' | 'failure' | 'neutral'
  title: string
  summary: string
  findings: FlagFinding[]
}

export function evaluateFlagCheck(input: FlagCheckInput): FlagCheckResult {
  const byName = new Map<string, FlagInfo>()
  for (const flag of input.flags) {
    byName.set(flag.name, flag)
    for (const alias of flag.aliases) byName.set(alias, flag)
  }
  const findings: FlagFinding[] = []
  for (const use of input.introduced) {
    const flag = byName.get(use.name)
    const missing: string[] = []
    if (!flag) missing.push('owner', 'expiry')
    else {
      if (!flag.owner) missing.push('owner')
      // A provider's own "temporary" marker (LaunchDarkly) stands for an expiry where it has no date.
      if (!flag.expires && flag.temporary !== true) missing.push('expiry')
    }
    if (missing.length === 0) continue
    findings.push({
      rule: 'flag-without-owner-or-expiry',
      level: 'failure',
      flag: use.name,
      file: use.file,
      line: use.line,
      column: use.column,
      message: flag
        ? `New flag ${use.name} has no ${missing.join(' and no ')} in ${input.sourceDescription}; add ${missing.map((m) => (m === 'owner' ? 'owner:' : 'expires: YYYY-MM-DD')).join(' and ')} to it in ${input.registryFile}.`
        : `New flag ${use.name} is not in ${input.sourceDescription}: add it to ${input.registryFile} with an owner and an expiry (expires: YYYY-MM-DD).`,
    })
  }
  const stale = new Map(input.verdicts.filter((v) => v.stale).map((v) => [v.name, v]))
  for (const ref of input.references) {
    const verdict = stale.get(ref.flag)
    if (!verdict) continue
    const expired = verdict.reasons.includes('expired')
    findings.push({
      rule: expired ? 'flag-expired' : 'flag-stale',
      level: 'warning',
      flag: ref.flag,
      file: ref.file,
      line: ref.line,
      column: ref.column,
      message: `Flag ${ref.flag} is ${expired ? 'past its expiry' : 'stale'}: ${verdict.explanation.join('; ')}. ${verdict.removable ? `Its cleanup keeps ${verdict.keep}.` : (verdict.refusal ?? '')}`.trim(),
    })
  }
  const failures = findings.filter((f) => f.level === 'failure')
  const staleNames = [...stale.keys()]
  const conclusion = failures.length > 0 ? 'failure' : findings.length > 0 ? 'neutral' : 'success'
  const title =
    failures.length > 0
      ? `${failures.length} new flag use${failures.length === 1 ? '' : 's'} without an owner and an expiry`
      : findings.length > 0
        ? `${findings.length} reference${findings.length === 1 ? '' : 's'} to stale flags in the changed files`
        : 'No new flags without an owner and an expiry'
  const lines = [
    `**${title}** (flags from ${sanitize(input.sourceDescription)}).`,
    '',
    ...(failures.length > 0 ? ['| flag | where | missing |', '| --- | --- | --- |', ...failures.map((f) => `| ${codeSpan(f.flag, { cell: true })} | ${codeSpan(`${f.file}:${f.line}`, { cell: true })} | ${f.message.includes('not in') ? 'owner, expiry' : f.message.replace(/^.* has no (.*?) in .*$/, '$1')} |`), ''] : []),
    staleNames.length > 0 ? `Stale flags in the repository: ${staleNames.map((n) => codeSpan(n)).join(', ')}.` : 'No stale flags.',
  ]
  return { conclusion, title, summary: lines.join('\n'), findings }
}

export function toAnnotations(findings: readonly FlagFinding[]): CheckAnnotation[] {
  return findings.map((f) => ({
    path: f.file,
    start_line: f.line,
    end_line: f.line,
    start_column: f.column,
    end_column: f.column,
    annotation_level: f.level,
    title: f.rule === 'flag-without-owner-or-expiry' ? `Flag ${f.flag} needs an owner and an expiry` : `Flag ${f.flag} is ${f.rule === 'flag-expired' ? 'past its expiry' : 'stale'}`,
    message: truncateText(sanitize(f.message), 4000),
  }))
}

const RULES: Record<FindingRule, string> = {
  'flag-without-owner-or-expiry': 'A feature flag introduced without an owner and an expiry',
  'flag-expired': 'A feature flag past its expiry',
  'flag-stale': 'A stale feature flag',
}

/** SARIF 2.1.0 for code scanning (upload with github/codeql-action/upload-sarif). */
export function toSarif(findings: readonly FlagFinding[], version: string): Record<string, unknown> {
  const rules = Object.keys(RULES) as FindingRule[]
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rollgate-flags',
            version,
            informationUri: 'https://github.com/rollgate/rollgate',
            rules: rules.map((id) => ({ id, shortDescription: { text: RULES[id] }, defaultConfiguration: { level: id === 'flag-without-owner-or-expiry' ? 'error' : 'warning' } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: rules.indexOf(f.rule),
          level: f.level === 'failure' ? 'error' : 'warning',
          message: { text: f.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: f.file, uriBaseId: '%SRCROOT%' }, region: { startLine: f.line, startColumn: f.column } } }],
          partialFingerprints: { flagLocation: `${f.rule}:${f.flag}:${f.file}` },
        })),
      },
    ],
  }
}

export interface PublishFlagCheckOptions extends RepoRef {
  headSha: string
  /** A fork pull request: the token cannot write checks. */
  readOnly: boolean
  checks: ChecksPort
  io: Pick<ActionIO, 'error' | 'warning' | 'appendSummary'>
}

/** Returns the REST requests made (0 in the read-only fallback). */
export async function publishFlagCheck(result: FlagCheckResult, options: PublishFlagCheckOptions): Promise<{ requests: number; mode: 'check-run' | 'workflow-commands' }> {
  const summary = `### ${FLAGS_CHECK_NAME}\n\n${result.summary}\n`
  if (options.readOnly) {
    for (const f of result.findings) {
      const where = { file: f.file, startLine: f.line, startColumn: f.column, title: toAnnotations([f])[0]?.title ?? f.flag }
      if (f.level === 'failure') options.io.error(f.message, where)
      else options.io.warning(f.message, where)
    }
    await options.io.appendSummary(summary)
    return { requests: 0, mode: 'workflow-commands' }
  }
  const published = await publishCheckRun(options.checks, {
    owner: options.owner,
    repo: options.repo,
    headSha: options.headSha,
    name: FLAGS_CHECK_NAME,
    status: 'completed',
    conclusion: result.conclusion,
    output: { title: result.title, summary: result.summary },
    annotations: toAnnotations(result.findings),
  })
  await options.io.appendSummary(summary)
  return { requests: published.requests, mode: 'check-run' }
}
