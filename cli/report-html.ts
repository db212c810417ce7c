/**
 * `rollgate report --html FILE`: the delivery report as one self-contained page (inline CSS and
 * SVG, no script, font or network fetch), drawn with the demo report's chart renderer and styles.
 */
import { DORA_LEVELS_NOTE, formatDurationMs, formatRate } from '../shared/insight/render.js'
import type { Band, InsightReport } from '../shared/insight/metrics.js'
import { mirrorCell } from '../shared/config/mirror.js'
import { ROLLGATE_VERSION } from '../shared/version.js'
import { htmlPage } from './demo/report-html.js'
import { escapeHtml as esc, niceTicks, svgChart, type Point } from './demo/svg.js'

const BAND_COLOUR: Record<Band, string> = { elite: '#2b8a3e', high: '#1c7ed6', medium: '#e67700', low: '#c92a2a' }
const DAY = 86_400_000
const HOUR = 3_600_000

function bandCell(band: Band | null): string {
  if (band === null) return '<td>no data</td>'
  return `<td style="color:${BAND_COLOUR[band]};font-weight:600">${esc(band)}</td>`
}

function weekly(report: InsightReport, id: string, title: string, label: string, value: (w: InsightReport['trend'][number]) => number | null, format: (v: number) => string): string {
  const weeks = report.trend.map((w) => Date.parse(w.week))
  const points: Point[] = report.trend.flatMap((w, i) => {
    const v = value(w)
    return v === null ? [] : [[weeks[i] as number, v] as Point]
  })
  const max = Math.max(1, ...points.map((p) => p[1]))
  const ticks = niceTicks(0, max)
  const first = weeks[0] ?? 0
  const last = Math.max(weeks.at(-1) ?? first + DAY * 7, first + DAY)
  return svgChart({
    id,
    title,
    height: 220,
    x: { min: first, max: last, label: 'week (Monday, UTC)', ticks: weeks, format: (v) => new Date(v).toISOString().slice(5, 10) },
    y: { min: 0, max: ticks.at(-1) ?? max, label, ticks, format },
    lines: [{ name: title, color: '#364fc7', segments: [points], dots: true, width: 2 }],
  })
}

export function renderInsightHtml(report: InsightReport): string {
  const f = report.deploymentFrequency
  const lt = report.leadTime
  const cfr = report.changeFailureRate
  const ttr = report.timeToRestore
  const j = report.judge
  const body: string[] = []
  body.push(
    `<h1>Delivery report · ${esc(report.environments.join(', '))}</h1>`,
    `<p class="meta">${esc(report.repository)} · ${esc(report.window.since.slice(0, 10))} → ${esc(report.window.until.slice(0, 10))} (${Math.round(report.window.days)} days) · Rollgate's own deployments only; ${report.ignoredDeployments} other deployments left out</p>`,
    '<h2>The four keys</h2>',
    '<table><thead><tr><th>Metric</th><th>Value</th><th>DORA level</th></tr></thead><tbody>',
    `<tr><td>Deployment frequency</td><td>${f.promotions} promotions to 100% (${Number(f.perWeek.toPrecision(3))} a week)</td>${bandCell(f.band)}</tr>`,
    `<tr><td>Lead time for changes</td><td>median ${esc(formatDurationMs(lt.medianMs))}, p90 ${esc(formatDurationMs(lt.p90Ms))} (${lt.count} changes)</td>${bandCell(lt.band)}</tr>`,
    `<tr><td>Change failure rate</td><td>${esc(formatRate(cfr.rate))}: ${cfr.failed} of ${cfr.ended} (${cfr.rollbacks} rolled back, ${cfr.reverts} reverted, ${cfr.hotfixFollowed} followed by a hotfix)</td>${bandCell(cfr.band)}</tr>`,
    `<tr><td>Time to restore</td><td>median ${esc(formatDurationMs(ttr.medianMs))}, p90 ${esc(formatDurationMs(ttr.p90Ms))} (${ttr.count} restores)</td>${bandCell(ttr.band)}</tr>`,
    '</tbody></table>',
    `<p class="meta">${esc(DORA_LEVELS_NOTE)}</p>`,
  )
  if (report.trend.length > 0) {
    body.push('<h2>Weekly trend</h2>')
    body.push(`<figure>${weekly(report, 'promotions', 'Promotions to 100% per week', 'promotions', (w) => w.promotions, (v) => String(v))}</figure>`)
    body.push(`<figure>${weekly(report, 'lead-time', 'Median lead time per week', 'hours', (w) => (w.leadTimeMedianMs === null ? null : w.leadTimeMedianMs / HOUR), (v) => `${v} h`)}</figure>`)
    body.push(`<figure>${weekly(report, 'failure-rate', 'Change failure rate per week', 'percent', (w) => (w.changeFailureRate === null ? null : w.changeFailureRate * 100), (v) => `${v}%`)}</figure>`)
  }
  body.push(
    '<h2>Rollgate</h2>',
    `<p>${j.verdicts} verdicts in the kept record history: <span class="fail">${j.failed} failed</span>, <span class="pass">${j.passedEarly} passed before the maximum duration</span>, <span class="inconclusive">${j.ranToMax} ran to the maximum</span>${j.undetermined ? `, ${j.undetermined} undetermined` : ''}. Median time to verdict ${esc(formatDurationMs(j.timeToVerdict.medianMs))}.</p>`,
    '<table><thead><tr><th>Step</th><th>Weight</th><th>Rollouts</th><th>Median time</th><th>Total</th></tr></thead><tbody>',
    ...j.steps.map((s) => `<tr><td class="num">${s.step}</td><td class="num">${s.mirror === undefined ? `${s.weight}%` : esc(mirrorCell(s.mirror))}</td><td class="num">${s.rollouts}</td><td class="num">${esc(formatDurationMs(s.medianMs))}</td><td class="num">${esc(formatDurationMs(s.totalMs))}</td></tr>`),
    '</tbody></table>',
    '<h2>Rollouts</h2>',
    '<table><thead><tr><th>Created</th><th>Environment</th><th>Version</th><th>Outcome</th><th>Lead time</th><th>Failure</th></tr></thead><tbody>',
    ...report.rollouts.map(
      (r) =>
        `<tr><td>${esc(r.createdAt.replace('T', ' ').slice(0, 16))}</td><td>${esc(r.environment)}</td><td>${esc(r.version ?? r.sha.slice(0, 12))}</td><td class="${r.failed ? 'fail' : r.outcome === 'promoted' ? 'pass' : ''}">${esc(r.outcome)}${r.hotfix ? ' (hotfix)' : ''}</td><td class="num">${esc(formatDurationMs(r.leadTimeMs))}</td><td>${r.failure ? `${esc(r.failure.kind)}, restored in ${esc(formatDurationMs(r.failure.restoreMs))}` : ''}</td></tr>`,
    ),
    '</tbody></table>',
  )
  if (report.budget) body.push(`<p class="meta">Read with ${report.budget.graphqlCalls} GraphQL calls (${report.budget.graphqlPoints} points) and ${report.budget.restCalls} REST calls.</p>`)
  for (const w of report.warnings) body.push(`<p class="fail">${esc(w)}</p>`)
  body.push(`<footer>Generated by <code>rollgate report</code> ${esc(ROLLGATE_VERSION)}. The same figures as JSON: <code>rollgate report --json</code>.</footer>`)
  return htmlPage('Rollgate delivery report', body)
}
