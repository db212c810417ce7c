/**
 * One renderer per place a report lands, each held to that place's limit: the check run output,
 * the sticky PR comment, the job summary, a deployment status description.
 */
import { analysisBlocks, analysisDetailBlocks, analysisSummaryBlocks, DEFAULT_HINT, renderLinks, verdictLine } from './analysis.js'
import { fitBlocks, fixed } from './fit.js'
import { CHECK_OUTPUT_LIMIT, CHECK_TITLE_LIMIT, COMMENT_LIMIT, JOB_SUMMARY_LIMIT, STATUS_DESCRIPTION_LIMIT } from './limits.js'
import type { AnalysisReport, RolloutReport } from './model.js'
import { rolloutBlocks, rolloutLine } from './rollout.js'
import { sanitize, truncateText } from './text.js'

/** The check run's name, usable as a required status check. */
export function checkRunName(environment: string): string {
  return `rollgate/${sanitize(environment).replace(/\s+/g, ' ').trim()}`
}

/** The check run `output` object, each field within its limit. */
export interface CheckRunOutput {
  title: string
  summary: string
  text?: string
}

export interface TargetOptions {
  /** Where the reader finds what was cut (default: the `result` output). */
  hint?: string
  charts?: boolean
  maxChartPoints?: number
}

/** Title: the verdict; summary: banner, metric table, links; text: charts and look history. */
export function renderCheckRunOutput(report: AnalysisReport, options: TargetOptions = {}): CheckRunOutput {
  const hint = options.hint ?? DEFAULT_HINT
  const opts = { ...options, hint }
  const summary = fitBlocks(
    [...analysisSummaryBlocks(report, { ...opts, headingLevel: 0 }), fixed(renderLinks(report.links))],
    CHECK_OUTPUT_LIMIT,
    `summary truncated; ${hint}`,
  )
  const details = analysisDetailBlocks(report, opts)
  const output: CheckRunOutput = { title: plainTitle(verdictLine(report)), summary }
  if (details.length > 0) output.text = fitBlocks(details, CHECK_OUTPUT_LIMIT, `details truncated; ${hint}`)
  return output
}

/** For deploy, promote and rollback: the rollout's state as a check run output. */
export function renderRolloutCheckOutput(rollout: RolloutReport, options: Pick<TargetOptions, 'hint'> = {}): CheckRunOutput {
  const summary = fitBlocks(rolloutBlocks(rollout, { headingLevel: 0, ...(options.hint ? { hint: options.hint } : {}) }), CHECK_OUTPUT_LIMIT)
  return { title: plainTitle(rolloutLine(rollout)), summary }
}

export function plainTitle(text: string): string {
  return truncateText(sanitize(text).replace(/\s+/g, ' ').trim(), CHECK_TITLE_LIMIT)
}

/**
 * The hidden marker that finds an environment's sticky comment again. The environment name is
 * user text: only a safe alphabet goes into the HTML comment, the rest is percent-encoded, so the
 * marker can neither close the comment early nor collide between environments.
 */
export function stickyMarker(environment: string): string {
  const safe = [...environment]
    .map((c) => (/^[A-Za-z0-9._/-]$/.test(c) ? c : [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')))
    .join('')
  return `<!-- rollgate:${safe} -->`
}

export interface StickyCommentInput {
  environment: string
  rollout?: RolloutReport
  analysis?: AnalysisReport
  /** An experiment's section (renderExperimentComment), after the rollout and the analysis. */
  experiment?: string
}

/**
 * The PR comment for one environment: marker, rollout timeline, then the latest analysis (banner,
 * table, charts). Within 65,536 bytes; what does not fit is pointed to the check run.
 */
export function renderStickyComment(input: StickyCommentInput, options: TargetOptions = {}): string {
  const hint = options.hint ?? 'full report in the check run'
  const opts = { ...options, hint }
  return fitBlocks(
    [
      fixed(`${stickyMarker(input.environment)}\n`),
      ...(input.rollout ? rolloutBlocks(input.rollout, { hint, links: !input.analysis }) : []),
      ...(input.analysis ? analysisBlocks(input.analysis, opts) : []),
      ...(input.experiment ? [fixed(input.experiment)] : []),
    ],
    COMMENT_LIMIT,
    `report truncated; ${hint}`,
  )
}

export interface JobSummaryOptions extends TargetOptions {
  /** Bytes the summary file already holds in this step (another writer's content). */
  alreadyUsed?: number
}

/** The same report for `$GITHUB_STEP_SUMMARY`, within what is left of the step's 1 MiB. */
export function renderJobSummary(input: Omit<StickyCommentInput, 'environment'>, options: JobSummaryOptions = {}): string {
  const hint = options.hint ?? DEFAULT_HINT
  const opts = { ...options, hint }
  // The runner appends a line end after each write; keep room for it.
  const limit = Math.max(0, JOB_SUMMARY_LIMIT - (options.alreadyUsed ?? 0) - 2)
  return fitBlocks(
    [
      ...(input.rollout ? rolloutBlocks(input.rollout, { hint, links: !input.analysis }) : []),
      ...(input.analysis ? analysisBlocks(input.analysis, opts) : []),
    ],
    limit,
    `report truncated; ${hint}`,
  )
}

/** A deployment (or commit) status description: one plain line within 140 characters. */
export function renderStatusDescription(source: AnalysisReport | RolloutReport): string {
  const line = 'phase' in source ? rolloutLine(source) : verdictLine(source)
  return truncateText(sanitize(line).replace(/\s+/g, ' ').trim(), STATUS_DESCRIPTION_LIMIT)
}
