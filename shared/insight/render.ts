/**
 * The delivery report as Markdown (job summary, check run `rollgate/report`) with Mermaid charts
 * of the weekly trend, and as plain text for the CLI. Pure: an InsightReport in, text out.
 */
import { mirrorCell } from '../config/mirror.js'
import { mermaidNumber } from '../report/mermaid.js'
import { closeAndCut } from '../report/fit.js'
import { CHECK_OUTPUT_LIMIT } from '../report/limits.js'
import { escapeInline, mermaidLabel } from '../report/text.js'
import { DORA_SOURCE, type Band, type InsightReport } from './metrics.js'

export const REPORT_CHECK_NAME = 'rollgate/report'

/** Which DORA table the levels are read from, for every surface that shows a level. */
export const DORA_LEVELS_NOTE = `Levels: DORA, ${DORA_SOURCE.report} (${DORA_SOURCE.table}, ${DORA_SOURCE.url}), each metric on its own; how each figure and level is computed: docs/insight.md.`

/** 90 s, 42 min, 5.2 h, 3.1 d: the unit that keeps the number short. */
export function formatDurationMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  const abs = Math.abs(ms)
  const num = (v: number) => String(Number(v.toPrecision(3)))
  if (abs < 60_000) return `${num(ms / 1000)} s`
  if (abs < 3_600_000) return `${num(ms / 60_000)} min`
  if (abs < 86_400_000) return `${num(ms / 3_600_000)} h`
  return `${num(ms / 86_400_000)} d`
}

export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${Number((rate * 100).toPrecision(3))}%`
}

const BAND_LABEL: Record<Band, string> = { elite: 'Elite', high: 'High', medium: 'Medium', low: 'Low' }

function band(b: Band | null): string {
  return b === null ? 'no data' : BAND_LABEL[b]
}

/** One-line headline: check run title, CLI first line. */
export function insightTitle(report: InsightReport): string {
  const f = report.deploymentFrequency
  return `${f.promotions} promotions in ${Math.round(report.window.days)} days · lead time ${formatDurationMs(report.leadTime.medianMs)} · change failure ${formatRate(report.changeFailureRate.rate)} · restore ${formatDurationMs(report.timeToRestore.medianMs)}`
}

function barChart(title: string, yTitle: string, weeks: string[], values: number[]): string {
  return [
    '```mermaid',
    'xychart-beta',
    `    title "${mermaidLabel(title)}"`,
    `    x-axis [${weeks.map((w) => `"${mermaidLabel(w)}"`).join(', ')}]`,
    `    y-axis "${mermaidLabel(yTitle)}"`,
    `    bar [${values.map(mermaidNumber).join(', ')}]`,
    '```',
    '',
  ].join('\n')
}

export function renderInsightMarkdown(report: InsightReport, options: { limitBytes?: number } = {}): string {
  const envs = report.environments.map((e) => `\`${escapeInline(e).replace(/`/g, '')}\``).join(', ')
  const lines: string[] = []
  lines.push(`### Delivery report · ${envs}`, '')
  lines.push(`${escapeInline(report.repository)}, ${report.window.since.slice(0, 10)} → ${report.window.until.slice(0, 10)} (${Math.round(report.window.days)} days). Rollgate's own deployments only; ${report.ignoredDeployments} other deployment${report.ignoredDeployments === 1 ? '' : 's'} in the window left out.`, '')
  const f = report.deploymentFrequency
  const lt = report.leadTime
  const cfr = report.changeFailureRate
  const ttr = report.timeToRestore
  lines.push('| Metric | Value | DORA level |', '| --- | --- | --- |')
  lines.push(`| Deployment frequency | ${f.promotions} promotions to 100% (${Number(f.perWeek.toPrecision(3))} a week) | ${band(f.band)} |`)
  lines.push(`| Lead time for changes | median ${formatDurationMs(lt.medianMs)}, p90 ${formatDurationMs(lt.p90Ms)} (${lt.count} changes) | ${band(lt.band)} |`)
  lines.push(`| Change failure rate | ${formatRate(cfr.rate)} (${cfr.failed} of ${cfr.ended}: ${cfr.rollbacks} rolled back, ${cfr.reverts} reverted, ${cfr.hotfixFollowed} followed by a hotfix) | ${band(cfr.band)} |`)
  lines.push(`| Time to restore | median ${formatDurationMs(ttr.medianMs)}, p90 ${formatDurationMs(ttr.p90Ms)} (${ttr.count} restores) | ${band(ttr.band)} |`)
  lines.push('', `<sub>${DORA_LEVELS_NOTE}</sub>`, '')

  const weeks = report.trend.map((w) => w.week.slice(5))
  if (report.trend.length > 1) {
    lines.push('#### Weekly trend', '')
    lines.push(barChart('Promotions to full traffic per week', 'promotions', weeks, report.trend.map((w) => w.promotions)))
    lines.push(barChart('Median lead time per week (hours)', 'hours', weeks, report.trend.map((w) => (w.leadTimeMedianMs ?? 0) / 3_600_000)))
    lines.push(barChart('Change failure rate per week (percent)', 'percent', weeks, report.trend.map((w) => (w.changeFailureRate ?? 0) * 100)))
    lines.push('| Week of | Promotions | Ended | Failed | Failure rate | Lead time (median) | Restore (median) |', '| --- | --: | --: | --: | --: | --: | --: |')
    for (const w of report.trend) {
      lines.push(`| ${w.week} | ${w.promotions} | ${w.endedRollouts} | ${w.failures} | ${formatRate(w.changeFailureRate)} | ${formatDurationMs(w.leadTimeMedianMs)} | ${formatDurationMs(w.timeToRestoreMedianMs)} |`)
    }
    lines.push('')
  }

  const j = report.judge
  lines.push('#### Rollgate', '')
  lines.push(`Verdicts in the kept record history: ${j.verdicts} (${j.failed} failed, ${j.passedEarly} passed before the maximum duration, ${j.ranToMax} ran to the maximum${j.undetermined ? `, ${j.undetermined} undetermined` : ''}); median time to verdict ${formatDurationMs(j.timeToVerdict.medianMs)}.`, '')
  if (j.steps.length > 0) {
    lines.push('| Step | Weight | Rollouts | Median time | Total |', '| --: | --: | --: | --: | --: |')
    for (const s of j.steps) lines.push(`| ${s.step} | ${s.mirror === undefined ? `${mermaidNumber(s.weight)}%` : mirrorCell(s.mirror)} | ${s.rollouts} | ${formatDurationMs(s.medianMs)} | ${formatDurationMs(s.totalMs)} |`)
    lines.push('')
  }
  if (report.budget) {
    lines.push(`<sub>Read with ${report.budget.graphqlCalls} GraphQL calls (${report.budget.graphqlPoints} points${report.budget.remaining !== undefined ? `, ${report.budget.remaining} left this hour` : ''}) and ${report.budget.restCalls} REST calls.</sub>`, '')
  }
  for (const w of report.warnings) lines.push(`> [!WARNING]\n> ${escapeInline(w)}`, '')
  return closeAndCut(lines.join('\n'), options.limitBytes ?? CHECK_OUTPUT_LIMIT, 'report truncated; full figures in the JSON (`--json`, or the `result` output)')
}

/** Plain text for a terminal. */
export function renderInsightText(report: InsightReport): string {
  const f = report.deploymentFrequency
  const lt = report.leadTime
  const cfr = report.changeFailureRate
  const ttr = report.timeToRestore
  const j = report.judge
  const out = [
    `${report.repository} · ${report.environments.join(', ')} · ${report.window.since.slice(0, 10)} → ${report.window.until.slice(0, 10)}`,
    `deployment frequency  ${f.promotions} promotions, ${Number(f.perWeek.toPrecision(3))}/week  [${band(f.band)}]`,
    `lead time             median ${formatDurationMs(lt.medianMs)}, p90 ${formatDurationMs(lt.p90Ms)} (${lt.count} changes)  [${band(lt.band)}]`,
    `change failure rate   ${formatRate(cfr.rate)} (${cfr.failed} of ${cfr.ended})  [${band(cfr.band)}]`,
    `time to restore       median ${formatDurationMs(ttr.medianMs)}, p90 ${formatDurationMs(ttr.p90Ms)} (${ttr.count})  [${band(ttr.band)}]`,
    `judge                 ${j.failed} failed, ${j.passedEarly} passed early, ${j.ranToMax} ran to max; median time to verdict ${formatDurationMs(j.timeToVerdict.medianMs)}`,
    `left out              ${report.ignoredDeployments} deployments that are not Rollgate's`,
  ]
  if (report.budget) out.push(`API                   ${report.budget.graphqlCalls} GraphQL calls, ${report.budget.graphqlPoints} points; ${report.budget.restCalls} REST calls`)
  for (const w of report.warnings) out.push(`warning: ${w}`)
  return `${out.join('\n')}\n`
}
