/**
 * The analysis report: a verdict banner, the per-metric table at the latest look, a chart per metric
 * over the looks, the look history and links. Built as blocks (fit.ts) so every target can shorten
 * it to its own limit, keeping the banner, the table's worst rows and the links first.
 */
import { fitBlocks, fixed, omissionNote, type Block, type ListBlock } from './fit.js'
import {
  NONE,
  armValue,
  readingScale,
  formatArm,
  formatChange,
  formatEstimate,
  formatEvidence,
  formatNumber,
  formatTime,
  metricType,
  quantileLabel,
} from './format.js'
import { mirroringPhrase } from '../config/mirror.js'
import { CHECK_OUTPUT_LIMIT } from './limits.js'
import { CHART_LEGEND, DEFAULT_MAX_POINTS, renderLineChart } from './mermaid.js'
import type { AnalysisDecision, AnalysisReport, ArmFigures, MetricLook, ReportLinks } from './model.js'
import type { MetricState } from '../analysis/types.js'
import { clip, codeSpan, escapeInline, link, sanitize } from './text.js'
import type { IntervalData, Observation } from '../analysis/observations.js'
import type { JudgeConfig, LookResult, MetricLook as JudgeMetric } from '../analysis/types.js'

export interface AnalysisRenderOptions {
  /** Byte budget of the whole Markdown (default: a check run summary's 65,535). */
  limitBytes?: number
  /** Mermaid charts per metric (default true). */
  charts?: boolean
  /** Looks plotted per chart before thinning (default 60). */
  maxChartPoints?: number
  /** Where the reader finds what was cut, ending every omission note. */
  hint?: string
  /** Heading level of the report's title (default 3); 0 for none. */
  headingLevel?: number
}

export const DEFAULT_HINT = 'full data in the `result` output'

/** Bytes of user text kept in a banner, a table cell, a full-reason section. */
const BANNER_REASON_BYTES = 600
const CELL_BYTES = 200
/** Environment, version and template names, wherever they appear. */
const NAME_BYTES = 128
const FULL_REASON_BYTES = 16_000
/** Names listed per look-history cell before "and N more". */
const NAMES_PER_CELL = 5

/** Priorities: lower fills first when space is short. */
const PRIORITY = { table: 0, reason: 1, charts: 2, looks: 3 } as const

export function renderAnalysisMarkdown(report: AnalysisReport, options: AnalysisRenderOptions = {}): string {
  const hint = options.hint ?? DEFAULT_HINT
  return fitBlocks(analysisBlocks(report, options), options.limitBytes ?? CHECK_OUTPUT_LIMIT, `report truncated; ${hint}`)
}

/** The whole report as blocks, in reading order. */
export function analysisBlocks(report: AnalysisReport, options: AnalysisRenderOptions = {}): Block[] {
  return [...analysisSummaryBlocks(report, options), ...analysisDetailBlocks(report, options), fixed(renderLinks(report.links))]
}

/** Heading, banner, context line, metric table and the full reason: what a check summary holds. */
export function analysisSummaryBlocks(report: AnalysisReport, options: AnalysisRenderOptions = {}): Block[] {
  const hint = options.hint ?? DEFAULT_HINT
  const level = options.headingLevel ?? 3
  const blocks: Block[] = []
  if (level > 0) blocks.push(fixed(`${'#'.repeat(Math.min(6, level))} Canary analysis · ${escapeInline(clip(report.environment, NAME_BYTES))}\n\n`))
  blocks.push(fixed(renderBanner(report)), fixed(renderContext(report)), metricTable(report, hint))
  const reason = report.reason ? sanitize(report.reason).trim() : ''
  if (Buffer.byteLength(reason) > BANNER_REASON_BYTES) {
    blocks.push({
      kind: 'list',
      open: '<details><summary>Full reason</summary>\n\n',
      items: [`${escapeInline(clip(reason, FULL_REASON_BYTES))}\n`],
      close: '\n</details>\n\n',
      omitted: () => omissionNote(1, 'reasons', hint),
      priority: PRIORITY.reason,
    })
  }
  return blocks
}

/** Charts and the look history: the long part (a check run's `text`). */
export function analysisDetailBlocks(report: AnalysisReport, options: AnalysisRenderOptions = {}): Block[] {
  const hint = options.hint ?? DEFAULT_HINT
  const blocks: Block[] = []
  if (options.charts !== false) {
    const charts = chartBlock(report, options.maxChartPoints ?? DEFAULT_MAX_POINTS, hint)
    if (charts) blocks.push(charts)
  }
  if (report.looks.length > 0) blocks.push(lookHistory(report, hint))
  return blocks
}

const ALERT: Record<AnalysisDecision, { kind: string; headline: string }> = {
  fail: { kind: 'CAUTION', headline: 'Canary failed' },
  pass: { kind: 'TIP', headline: 'Canary passed' },
  inconclusive: { kind: 'WARNING', headline: 'Canary inconclusive' },
  'in-progress': { kind: 'NOTE', headline: 'Analysis in progress' },
}

/** A GitHub alert: `> [!CAUTION]` and one sentence saying what was decided, on what evidence. */
export function renderBanner(report: AnalysisReport): string {
  const { kind, headline } = ALERT[report.decision]
  const lines = [`> [!${kind}]`, `> **${headline}**: ${bannerDetail(report)}`]
  if (report.reason?.trim()) lines.push('>', `> ${escapeInline(clip(report.reason, BANNER_REASON_BYTES))}`)
  return `${lines.join('\n')}\n\n`
}

function bannerDetail(report: AnalysisReport): string {
  const latest = latestMetrics(report)
  const deciding = report.decidingMetric ? latest.find((m) => m.name === report.decidingMetric) : undefined
  const looks = report.looks.length
  const at = report.decidedAtLook ?? looks
  const evidence = evidencePhrase(report, deciding, at)
  switch (report.decision) {
    case 'fail': {
      // A verdict recorded without any look (a rollback drill's injected failure) proves nothing.
      if (!deciding) return looks === 0 ? 'recorded without a look at any metric.' : `regression proven at look ${at}.`
      return `${codeSpan(clip(deciding.name, NAME_BYTES))} ${formatEstimate(deciding)}, ${evidence}.`
    }
    case 'pass': {
      const settled = deciding ? ` (last to settle: ${codeSpan(clip(deciding.name, NAME_BYTES))} ${formatEstimate(deciding)})` : ''
      return `no metric worse than its tolerance, proven at look ${at} of ${looks}${settled}.`
    }
    case 'inconclusive':
      return `no decision after ${plural(looks, 'look')}; ${stateCounts(latest)}.`
    case 'in-progress':
      return `look ${looks}${whereCanary(report)}; ${stateCounts(latest)}.`
  }
}

function evidencePhrase(report: AnalysisReport, metric: MetricLook | undefined, at: number): string {
  const e = metric?.evidence
  // `(e = 24.1)`, or `(e > 10⁶)` when the figure is itself a bound.
  const shown = e !== null && e !== undefined ? formatEvidence(e) : undefined
  const value = shown === undefined ? '' : shown.startsWith('> ') ? ` (e ${shown})` : ` (e = ${shown})`
  // A failure decided by the combined evidence names its strongest metric, whose own evidence may
  // still be short of that metric's threshold: say so rather than claim the threshold was reached.
  if (metric?.threshold !== undefined && report.decision === 'fail' && metric.state !== 'fail') {
    return `the combined evidence decided at look ${at}; its own evidence is ${e !== null && e !== undefined ? formatEvidence(e) : 'not yet'} of its threshold ${formatNumber(metric.threshold)}`
  }
  if (metric?.threshold !== undefined) return `evidence reached its threshold ${formatNumber(metric.threshold)} at look ${at}${value}`
  const threshold = report.alpha !== undefined && report.alpha > 0 ? ` = ${formatNumber(1 / report.alpha)}` : ''
  return `evidence 1/α${threshold} reached at look ${at}${value}`
}

function whereCanary(report: AnalysisReport): string {
  const parts: string[] = []
  if (report.mirror !== undefined) parts.push(mirroringPhrase(report.mirror))
  else if (report.weight !== undefined) parts.push(`canary at ${formatNumber(report.weight)}%`)
  if (report.step) parts.push(`step ${report.step.index} of ${report.step.count}`)
  return parts.length ? `, ${parts.join(', ')}` : ''
}

const STATE_ORDER: Record<MetricState, number> = { fail: 0, nodata: 1, continue: 2, pass: 3 }
const STATE_WORD: Record<MetricState, string> = { fail: 'failing', nodata: 'without data', continue: 'undecided', pass: 'passing' }

function stateCounts(metrics: MetricLook[]): string {
  if (metrics.length === 0) return 'no metric has data yet'
  const counts = new Map<MetricState, number>()
  for (const m of metrics) counts.set(m.state, (counts.get(m.state) ?? 0) + 1)
  return (Object.keys(STATE_ORDER) as MetricState[])
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${STATE_WORD[s]}`)
    .join(', ')
}

function renderContext(report: AnalysisReport): string {
  const parts: string[] = []
  const { canary, stable } = report.versions
  if (canary || stable) parts.push(`Canary ${canary ? codeSpan(clip(canary, NAME_BYTES)) : NONE} against stable ${stable ? codeSpan(clip(stable, NAME_BYTES)) : NONE}`)
  if (report.mirror !== undefined) parts.push(mirroringPhrase(report.mirror, 'the shadow'))
  else if (report.weight !== undefined) parts.push(`${formatNumber(report.weight)}% of traffic`)
  if (report.step) parts.push(`step ${report.step.index} of ${report.step.count}`)
  parts.push(plural(report.looks.length, 'look'))
  if (report.analysis) parts.push(`analysis ${codeSpan(clip(report.analysis, NAME_BYTES))}`)
  if (report.alpha !== undefined) parts.push(`α = ${formatNumber(report.alpha)}`)
  return `${parts.join(' · ')}\n\n`
}

function latestMetrics(report: AnalysisReport): MetricLook[] {
  return report.looks.at(-1)?.metrics ?? []
}

/** Worst first, so a shortened table keeps what matters; the deciding metric leads its state. */
function ordered(report: AnalysisReport): MetricLook[] {
  return latestMetrics(report)
    .map((m, i) => ({ m, i }))
    .sort((a, b) => {
      const byState = STATE_ORDER[a.m.state] - STATE_ORDER[b.m.state]
      if (byState !== 0) return byState
      const aLead = a.m.name === report.decidingMetric ? 0 : 1
      const bLead = b.m.name === report.decidingMetric ? 0 : 1
      return aLead - bLead || a.i - b.i
    })
    .map(({ m }) => m)
}

function metricTable(report: AnalysisReport, hint: string): ListBlock {
  const perMetric = report.looks.at(-1)?.metrics.some((m) => m.threshold !== undefined) ?? false
  const evidenceHeader = perMetric
    ? 'Evidence (e-value / fails at)'
    : report.alpha !== undefined && report.alpha > 0
      ? `Evidence (decides at ${formatNumber(1 / report.alpha)})`
      : 'Evidence'
  return {
    kind: 'list',
    open: `| Metric | State | Estimate (interval) | ${evidenceHeader} | Canary | Baseline | Note |\n|---|---|---|---|---|---|---|\n`,
    items: ordered(report).map((m) => metricRow(m, report.alpha)),
    close: '\n',
    omitted: (n) => omissionNote(n, 'metrics', hint),
    priority: PRIORITY.table,
  }
}

function metricRow(m: MetricLook, alpha: number | undefined): string {
  const name = `${escapeInline(clip(m.name, CELL_BYTES))}${m.critical ? ' (critical)' : ''}`
  const state = m.state === 'fail' ? '**fail**' : m.state
  const note = m.reason ? escapeInline(clip(m.reason, CELL_BYTES)) : ''
  const unit = m.unit ? clip(m.unit, 32) : undefined
  const evidence =
    m.threshold !== undefined
      ? `${formatEvidence(m.evidence)} / ${formatNumber(m.threshold)}${m.evidence !== null && m.evidence >= m.threshold ? ' (reached)' : ''}`
      : formatEvidence(m.evidence, alpha)
  const cells = [name, state, formatEstimate(m), evidence, formatArm(m.canary, unit), formatArm(m.baseline, unit), note]
  return `| ${cells.join(' | ')} |\n`
}

function chartBlock(report: AnalysisReport, maxPoints: number, hint: string): ListBlock | null {
  const byName = report.looks.map((look) => new Map(look.metrics.map((m) => [m.name, m])))
  const items: string[] = []
  for (const latest of ordered(report)) {
    const name = latest.name
    const points = byName.map((metrics, i) => {
      const m = metrics.get(name)
      return { look: i + 1, canary: armValue(m?.canary, latest.unit), baseline: armValue(m?.baseline, latest.unit) }
    })
    const chart = renderLineChart(points, { title: clip(name, 80), yTitle: yAxisTitle(latest), maxPoints })
    if (chart) items.push(`**${escapeInline(clip(name, CELL_BYTES))}**\n\n${chart}\n${trendLine(points, latest)}\n\n`)
  }
  if (items.length === 0) return null
  const open = items.length <= 4 ? '<details open>' : '<details>'
  return {
    kind: 'list',
    open: `${open}<summary>Charts: each metric over ${plural(report.looks.length, 'look')}</summary>\n\n${CHART_LEGEND}\n\n`,
    items,
    close: '</details>\n\n',
    omitted: (n) => omissionNote(n, 'charts', hint),
    priority: PRIORITY.charts,
  }
}

/**
 * The chart in one line of text (`canary 0.9% → 1.2% · baseline 0.3% → 0.3%, looks 1–4`): readable
 * where Mermaid is not rendered (mail notifications, the mobile app, an older GitHub Enterprise).
 */
function trendLine(points: { look: number; canary: number | null; baseline: number | null }[], metric: MetricLook): string {
  // The points are already in the display unit (armValue): only the unit's name is added.
  const shown = readingScale(metric.unit).unit
  const unit = metricType(metric) === 'ratio' ? '%' : shown ? ` ${escapeInline(clip(shown, 32))}` : ''
  const arm = (label: string, values: (number | null)[]) => {
    const seen = values.filter((v): v is number => v !== null && Number.isFinite(v))
    if (seen.length === 0) return null
    return `${label} ${formatNumber(seen[0])}${unit} → ${formatNumber(seen.at(-1))}${unit}`
  }
  const parts = [arm('canary', points.map((p) => p.canary)), arm('baseline', points.map((p) => p.baseline))].filter((p) => p !== null)
  return `<sub>${parts.join(' · ')}, looks 1–${points.length}</sub>`
}

function yAxisTitle(metric: MetricLook): string {
  const shown = readingScale(metric.unit).unit
  const unit = shown ? ` (${clip(shown, 32)})` : ''
  switch (metricType(metric)) {
    case 'ratio':
      return 'rate (percent)'
    case 'samples': {
      const arm = metric.canary ?? metric.baseline
      return `${quantileLabel(arm && 'n' in arm ? arm.level : undefined)}${unit}`
    }
    case 'value':
      return `value${unit}`
  }
}

function lookHistory(report: AnalysisReport, hint: string): ListBlock {
  const items = report.looks.map((look, i) => {
    const failing = look.metrics.filter((m) => m.state === 'fail').map((m) => m.name)
    const nodata = look.metrics.filter((m) => m.state === 'nodata').map((m) => m.name)
    const decision = look.decision ?? (failing.length > 0 ? 'fail' : NONE)
    const deciding = report.decidedAtLook === i + 1 ? ' (decided)' : ''
    return `| ${i + 1}${deciding} | ${formatTime(look.at)} | ${decision} | ${nameList(failing)} | ${nameList(nodata)} |\n`
  })
  return {
    kind: 'list',
    open: `<details><summary>Looks (${report.looks.length})</summary>\n\n| Look | Time | Decision | Failing | No data |\n|---|---|---|---|---|\n`,
    items,
    close: '\n</details>\n\n',
    omitted: (n) => omissionNote(n, 'looks', hint),
    priority: PRIORITY.looks,
    keep: 'tail',
  }
}

function nameList(names: string[]): string {
  if (names.length === 0) return NONE
  const shown = names.slice(0, NAMES_PER_CELL).map((n) => escapeInline(clip(n, 80)))
  const more = names.length - shown.length
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ')
}

export function renderLinks(links: ReportLinks | undefined): string {
  if (!links) return ''
  const parts = [
    links.run ? link('Workflow run', links.run) : '',
    links.deployment ? link('Deployment', links.deployment) : '',
    links.policy ? link('Policy file', links.policy) : '',
  ].filter((p) => p !== '')
  return parts.length ? `${parts.join(' · ')}\n` : ''
}

/** A one-line verdict in plain text: check run titles, deployment status descriptions. */
export function verdictLine(report: AnalysisReport): string {
  const latest = latestMetrics(report)
  const deciding = report.decidingMetric ? latest.find((m) => m.name === report.decidingMetric) : undefined
  const looks = report.looks.length
  const name = (m: MetricLook) => sanitize(m.name).replace(/\s+/g, ' ').trim()
  switch (report.decision) {
    case 'fail':
      return deciding
        ? `Canary failed: ${name(deciding)} ${formatChange(deciding.estimate)} at look ${report.decidedAtLook ?? looks}`
        : `Canary failed at look ${report.decidedAtLook ?? looks}`
    case 'pass':
      return `Canary passed at look ${report.decidedAtLook ?? looks}`
    case 'inconclusive':
      return `Canary inconclusive after ${plural(looks, 'look')}`
    case 'in-progress': {
      const where = report.mirror !== undefined ? ` ${mirroringPhrase(report.mirror)}` : report.weight !== undefined ? ` at ${formatNumber(report.weight)}%` : ''
      return `Canary${where}: analysing, look ${looks}`
    }
  }
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`
}

// From the judge's looks to the report's view model (formerly shared/rollout/analysis-report.ts):
// the analysis report has one home, its model here and its rendering above; the renderers never
// see the judge's types.

export interface AnalysisReportInput {
  /** The parts of the analysis plan (shared/rollout/analysis-plan.ts) the report shows. */
  plan: { environment: string; templateName: string; judge: Pick<JudgeConfig, 'alpha' | 'metrics'>; template?: { checks: readonly { name: string; unit?: string | undefined }[] } }
  looks: LookResult[]
  intervals: IntervalData[]
  windows: { start: Date; end: Date }[]
  decision: AnalysisDecision
  decidedAt: number | null
  decidingMetric: string | null
  reason: string
  versions: { canary?: string; stable?: string }
  weight?: number
  /** At a mirror step: the percent of requests copied to the canary. */
  mirror?: number
  step?: { index: number; count: number }
  links?: ReportLinks
}

export function toAnalysisReport(input: AnalysisReportInput): AnalysisReport {
  const quantiles = new Map(input.plan.judge.metrics.map((m) => [m.name, m.type === 'samples' && typeof m.quantile === 'number' ? m.quantile : 0.5]))
  const units = new Map((input.plan.template?.checks ?? []).flatMap((c) => (c.unit ? [[c.name, c.unit] as const] : [])))
  return {
    environment: input.plan.environment,
    decision: input.decision,
    decidingMetric: input.decidingMetric,
    reason: input.reason,
    alpha: input.plan.judge.alpha,
    decidedAtLook: input.decidedAt === null ? null : input.decidedAt + 1,
    versions: input.versions,
    ...(input.weight !== undefined ? { weight: input.weight } : {}),
    ...(input.mirror !== undefined ? { mirror: input.mirror } : {}),
    ...(input.step ? { step: input.step } : {}),
    analysis: input.plan.templateName,
    looks: input.looks.map((look, i) => ({
      at: (input.windows[i]?.end ?? new Date(0)).toISOString(),
      decision: look.decision === 'continue' ? 'in-progress' : look.decision,
      metrics: look.metrics.map((m) => toMetricLook(m, input.intervals[i], quantiles.get(m.name) ?? 0.5, input.plan.judge.metrics.find((c) => c.name === m.name)?.critical ?? false, units.get(m.name))),
    })),
    ...(input.links ? { links: input.links } : {}),
  }
}

function toMetricLook(m: JudgeMetric, interval: IntervalData | undefined, level: number, critical: boolean, unit: string | undefined): MetricLook {
  const look: MetricLook = {
    name: m.name,
    type: m.type,
    state: m.state,
    estimate: m.estimate,
    lower: m.lower,
    upper: m.upper,
    evidence: Number.isFinite(m.eValue) ? m.eValue : null,
    ...(m.type !== 'value' && Number.isFinite(m.threshold) ? { threshold: m.threshold } : {}),
    reason: m.reason,
    critical,
    ...(unit !== undefined && m.type !== 'ratio' ? { unit } : {}),
  }
  const canary = armFigures(m, 'canary', interval?.canary[m.name], level)
  const baseline = armFigures(m, 'baseline', interval?.baseline[m.name], level)
  if (canary) look.canary = canary
  if (baseline) look.baseline = baseline
  return look
}

/** Ratio: the judge's cumulative counts. Samples: this interval's quantile. Value: this interval's reading. */
function armFigures(m: JudgeMetric, arm: 'canary' | 'baseline', observation: Observation | undefined, level: number): ArmFigures | undefined {
  const counts = m[arm]
  if (m.type === 'ratio') return counts.total > 0 || (counts.events ?? 0) > 0 ? { events: counts.events ?? 0, total: counts.total } : undefined
  if (m.type === 'value') return observation && 'value' in observation ? { value: observation.value } : undefined
  if (!observation) return undefined
  const q = quantileOf(observation, level)
  return q === null ? undefined : { n: counts.total, quantile: q, level }
}

/** A quantile of one interval's raw values or histogram buckets (linear within a bucket, as Prometheus does). */
export function quantileOf(observation: Observation, level: number): number | null {
  if ('values' in observation) {
    if (observation.values.length === 0) return null
    const sorted = [...observation.values].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.floor(level * sorted.length))] ?? null
  }
  if ('buckets' in observation) {
    const buckets = [...observation.buckets].sort((a, b) => a.le - b.le)
    const total = buckets[buckets.length - 1]?.count ?? 0
    if (total <= 0) return null
    const rank = level * total
    let previousLe = 0
    let previousCount = 0
    for (const b of buckets) {
      if (b.count >= rank) {
        if (!Number.isFinite(b.le)) return previousLe
        const inBucket = b.count - previousCount
        return inBucket <= 0 ? b.le : previousLe + ((b.le - previousLe) * (rank - previousCount)) / inBucket
      }
      previousLe = b.le
      previousCount = b.count
    }
    return previousLe
  }
  return null
}
