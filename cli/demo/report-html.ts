/**
 * `report.html`: one self-contained page (inline CSS and SVG, no script, font or network fetch)
 * with the weight steps over time, each metric over time for both arms, the estimate with its
 * interval against the tolerance, the evidence against its thresholds, and every decision.
 */
import { formatE, formatInterval, formatRelative } from '../../shared/analysis/evidence.js'
import { CHART_COLOURS } from '../../shared/report/mermaid.js'
import { ROLLGATE_VERSION } from '../../shared/version.js'
import { decidingFigure, outcomeText, timelineRows } from './report-markdown.js'
import { analysisSeries, weightSteps, type AnalysisSeries, type DemoRun, type MetricSeries } from './run.js'
import { escapeHtml as esc, niceTicks, svgChart, type Band, type LineSeries, type Marker, type Point } from './svg.js'

const RED = '#c92a2a'
const GREEN = '#2b8a3e'
const GREY = '#868e96'
const METRIC_COLOURS = ['#862e9c', '#0b7285', '#e67700', '#364fc7']
const VERSION_COLOURS = [RED, GREEN, '#364fc7', '#e67700']

const REPORT_CSS = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #212529; background: #f8f9fa; margin: 0; }
main { max-width: 960px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 1px solid #dee2e6; padding-bottom: 4px; }
p.meta { color: #495057; margin: 0 0 16px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { flex: 1 1 260px; background: #fff; border: 1px solid #dee2e6; border-left: 6px solid ${GREY}; border-radius: 6px; padding: 10px 14px; }
.card.rolled-back { border-left-color: ${RED}; }
.card.promoted { border-left-color: ${GREEN}; }
.card .version { font-weight: 700; font-size: 17px; }
.card .outcome { font-weight: 600; }
.card.rolled-back .outcome { color: ${RED}; }
.card.promoted .outcome { color: ${GREEN}; }
.card .story { color: #495057; font-size: 14px; }
figure { background: #fff; border: 1px solid #dee2e6; border-radius: 6px; margin: 12px 0; padding: 6px 8px 2px; }
figcaption { color: #495057; font-size: 13px; padding: 0 6px 6px; }
svg.chart { display: block; font-family: inherit; }
svg .chart-title { font-size: 14px; font-weight: 600; fill: #212529; }
svg .tick { font-size: 11px; fill: #495057; }
svg .axis-label { font-size: 12px; fill: #495057; }
svg .legend { font-size: 12px; fill: #212529; }
svg .clamp-note { font-size: 11px; fill: #495057; }
svg .band-label { font-size: 11px; fill: #495057; }
svg .marker-label { font-size: 11px; font-weight: 600; }
svg .ref-label { font-size: 11px; }
svg .point-label { font-size: 11px; font-weight: 600; }
svg .grid { stroke: #e9ecef; stroke-width: 1; }
svg .axis { stroke: #adb5bd; }
svg .frame { fill: none; stroke: #ced4da; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13.5px; }
th, td { border: 1px solid #dee2e6; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f1f3f5; }
td.num { text-align: right; white-space: nowrap; }
.fail { color: ${RED}; font-weight: 600; }
.pass { color: ${GREEN}; font-weight: 600; }
.inconclusive { color: #e67700; font-weight: 600; }
pre { background: #fff; border: 1px solid #dee2e6; border-radius: 6px; padding: 12px; overflow-x: auto; font-size: 13px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
footer { color: #868e96; font-size: 13px; margin-top: 32px; }
`

const pct = (v: number): string => `${Number((v * 100).toPrecision(3))}%`
const secondsLabel = (v: number): string => `${v}s`

export function renderDemoHtml(run: DemoRun): string {
  const series = analysisSeries(run)
  const end = Math.max(1, (run.endedAt - run.startedAt) / 1000)
  const bands: Band[] = series.map((s) => ({ from: s.from, to: s.to, label: s.label, color: s.analysis.result.decision === 'pass' ? GREEN : s.analysis.result.decision === 'fail' ? RED : '#e67700' }))
  const markers: Marker[] = series.flatMap((s) =>
    s.decidedAt === null ? [] : [{ x: s.decidedAt, label: `${s.analysis.result.decision === 'pass' ? '✓ pass' : '✗ fail'}`, color: s.analysis.result.decision === 'pass' ? GREEN : RED }],
  )
  const x = { min: 0, max: Math.ceil(end), label: 'time since the demo started (s)', format: secondsLabel }
  const names = [...(series[0]?.metrics.keys() ?? [])]

  const body: string[] = []
  body.push(
    '<h1>Rollgate demo</h1>',
    `<p class="meta">Ran ${esc(new Date(run.startedAt).toISOString())} in ${((run.endedAt - run.startedAt) / 1000).toFixed(1)} s · router: ${esc(run.routerDetail)} · a look every ${run.pace.intervalMs / 1000} s · ${run.pace.requestsPerSecond} requests/s of generated traffic</p>`,
    '<div class="cards">',
    card(run.stable.version, 'stable', 'stable', run.stable.story),
    ...run.canaries.map((c) => {
      const rollout = run.rollouts.find((r) => r.version === c.version)
      return card(c.version, rollout?.outcome ?? 'pending', rollout ? (rollout.outcome === 'promoted' ? 'promoted' : 'rolled back') : 'not rolled out', `${c.story}. ${outcomeText(rollout)}`)
    }),
    '</div>',
    '<h2>Traffic</h2>',
    figure(weightChart(run, x, bands, markers), 'The share of requests the router sent to the canary. Shaded: an analysis running at that weight (green: passed, red: failed).'),
  )
  for (const [i, name] of names.entries()) {
    const metric = series.map((s) => s.metrics.get(name)).filter((m): m is MetricSeries => m !== undefined)
    const first = metric[0]
    if (!first) continue
    body.push(`<h2>${esc(name)}</h2>`)
    body.push(figure(armsChart(name, first, series, x, bands, markers), armsCaption(first)))
    body.push(figure(estimateChart(name, first, series, x, bands, METRIC_COLOURS[i % METRIC_COLOURS.length] as string), estimateCaption(first)))
  }
  body.push('<h2>Evidence</h2>')
  body.push(
    figure(
      evidenceChart(names, series, x, bands),
      'Each metric carries two e-values, drawn as the share of the way to their thresholds, ln e ÷ ln threshold: evidence of a regression (solid; reaching 100% fails the canary) and evidence of no regression beyond the tolerance (dashed; every metric reaching 100% passes it). 0% is no evidence either way (e = 1), 50% an e-value of the square root of its threshold, below 0% evidence against. Every analysis starts from nothing. The thresholds split the false-rollback budget alpha between the metrics, so the rates stay honest however often the judge looks.',
    ),
  )
  body.push('<h2>Decisions</h2>', decisionsTable(series))
  body.push('<h2>Timeline</h2>', timelineTable(run))
  body.push('<h2>The policy</h2>', `<p>Written to <code>${esc(run.policyFile)}</code> and loaded from there through the policy loader, as the actions load <code>.github/rollgate.yml</code>.</p>`, `<pre><code>${esc(run.policyText)}</code></pre>`)
  body.push(`<footer>Generated by <code>rollgate demo</code> ${esc(ROLLGATE_VERSION)}. The same run as Markdown: <code>report.md</code>.</footer>`)
  return htmlPage('Rollgate demo report', body)
}

/** The page around a report's body: inline styles, nothing fetched. */
export function htmlPage(title: string, body: string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${body.join('\n')}
</main>
</body>
</html>
`
}

function card(version: string, kind: string, outcome: string, story: string): string {
  return `<div class="card ${esc(kind)}"><div class="version">${esc(version)} · <span class="outcome">${esc(outcome)}</span></div><div class="story">${esc(story)}</div></div>`
}

function figure(svg: string, caption: string): string {
  return `<figure>\n${svg}\n<figcaption>${esc(caption)}</figcaption>\n</figure>`
}

function weightChart(run: DemoRun, x: ChartX, bands: Band[], markers: Marker[]): string {
  const steps = weightSteps(run)
  const end = (run.endedAt - run.startedAt) / 1000
  const lines: LineSeries[] = []
  const idle: Point[][] = []
  let idleFrom = 0
  for (const [i, rollout] of run.rollouts.entries()) {
    const own = steps.filter((s) => s.version === rollout.version)
    const first = own[0]
    if (!first) continue
    idle.push([
      [idleFrom, 0],
      [first.t, 0],
    ])
    const points: Point[] = [[first.t, 0], ...own.map((s) => [s.t, s.weight] as Point)]
    const last = own[own.length - 1] as (typeof own)[number]
    const until = i === run.rollouts.length - 1 ? end : last.t
    points.push([until, last.weight])
    idleFrom = last.weight === 0 ? last.t : until
    lines.push({ name: `${rollout.version} (canary)`, color: VERSION_COLOURS[i % VERSION_COLOURS.length] as string, segments: [points], step: true, width: 2.5 })
  }
  if (idleFrom < end) idle.push([[idleFrom, 0], [end, 0]])
  lines.unshift({ name: 'no canary', color: GREY, segments: idle, step: true, width: 2 })
  return svgChart({
    id: 'weight',
    title: 'Canary weight over time',
    height: 220,
    x,
    y: { min: 0, max: 100, label: 'canary weight (%)', ticks: [0, 25, 50, 75, 100], format: (v) => `${v}%` },
    lines,
    bands,
    markers,
    labels: steps.filter((s) => s.weight > 0).map((s) => ({ x: s.t, y: s.weight, text: `${s.weight}%`, color: '#212529' })),
  })
}

type ChartX = { min: number; max: number; label: string; format: (v: number) => string }

function unitOf(m: MetricSeries): { scale: number; label: string; format: (v: number) => string } {
  if (m.type === 'ratio') return { scale: 1, label: 'error rate (%)', format: pct }
  if (m.type === 'samples') return { scale: 1, label: `p${Math.round((m.level ?? 0.5) * 100)} latency (ms)`, format: (v) => `${v} ms` }
  return { scale: 1, label: 'reading (as queried)', format: (v) => String(v) }
}

function armsChart(name: string, first: MetricSeries, series: AnalysisSeries[], x: ChartX, bands: Band[], markers: Marker[]): string {
  const unit = unitOf(first)
  const per = (arm: 'canary' | 'baseline', cumulative: boolean): Point[][] =>
    series.map((s) => (s.metrics.get(name)?.[arm] ?? []).flatMap((p) => {
      const v = cumulative ? p.cumulative : p.interval
      return v === null ? [] : [[p.t, v] as Point]
    }))
  const all = [...per('canary', false), ...per('baseline', false), ...per('canary', true), ...per('baseline', true)].flat().map((p) => p[1])
  const top = Math.max(...all, first.type === 'ratio' ? 0.05 : 1)
  const ticks = first.type === 'ratio' ? niceRange(top) : undefined
  return svgChart({
    id: `metric:${name}`,
    title: `${name}: canary vs baseline, per interval (dots) and over the whole analysis (lines)`,
    x,
    y: { min: 0, max: ticks ? (ticks[ticks.length - 1] as number) : Math.ceil(top * 1.1), label: unit.label, format: unit.format, ...(ticks ? { ticks } : {}) },
    lines: [
      { name: '', color: CHART_COLOURS.baseline, segments: per('baseline', false), dotsOnly: true, opacity: 0.45 },
      { name: '', color: CHART_COLOURS.canary, segments: per('canary', false), dotsOnly: true, opacity: 0.45 },
      { name: 'baseline (stable)', color: CHART_COLOURS.baseline, segments: per('baseline', true) },
      { name: 'canary', color: CHART_COLOURS.canary, segments: per('canary', true) },
    ],
    bands,
    markers,
  })
}

function niceRange(top: number): number[] {
  const step = top > 0.4 ? 0.1 : top > 0.2 ? 0.05 : top > 0.08 ? 0.02 : 0.01
  const ticks: number[] = []
  for (let v = 0; v < top + step; v += step) ticks.push(Number(v.toFixed(4)))
  return ticks
}

function armsCaption(m: MetricSeries): string {
  if (m.type === 'ratio') return 'Errors out of requests per arm. The judge weighs the counts with the real traffic split: at 5% the canary sees few requests, so single intervals are noisy and the evidence accumulates over the analysis.'
  if (m.type === 'samples') return `The p${Math.round((m.level ?? 0.5) * 100)} of each arm's latency histogram (the services' /metrics buckets, read by the scrape provider).`
  return 'The canary reading per interval.'
}

/** Signed percent with a true minus: `+50%`, `−25%`, `0%` (the convention of report.md too). */
const signedPct = (v: number): string => (v === 0 ? '0%' : `${v > 0 ? '+' : '−'}${Math.abs(Number(v.toPrecision(3)))}%`)

/**
 * The y range of a change chart, in percent: from −100% (a canary that never errs) to a round bound
 * that shows the tolerance twice over and the estimates, at most +400%; beyond it, values are
 * clamped and marked.
 */
export function changeRange(tolerance: number, estimates: readonly number[]): { min: number; max: number; ticks: number[] } {
  const finite = estimates.filter((v) => Number.isFinite(v)).map((v) => v * 100)
  const want = Math.max(100, tolerance * 200, ...finite.map((v) => v * 1.15))
  const max = Math.min(400, [100, 150, 200, 300, 400].find((m) => m >= want) ?? 400)
  return { min: -100, max, ticks: niceTicks(-100, max, 5) }
}

function estimateChart(name: string, first: MetricSeries, series: AnalysisSeries[], x: ChartX, bands: Band[], color: string): string {
  const seg = series.map((s) => s.metrics.get(name)?.estimate ?? [])
  const percent = (v: number | null, missing: number): number => (v === null ? missing : v * 100)
  const range = changeRange(first.tolerance, seg.flat().flatMap((p) => (p.estimate === null ? [] : [p.estimate])))
  return svgChart({
    id: `estimate:${name}`,
    title: `${name}: change of the canary against the baseline, with its confidence sequence`,
    height: 220,
    x,
    y: { ...range, label: 'change vs baseline (%)', format: signedPct },
    areas: [{ color, segments: seg.map((points) => points.filter((p) => p.estimate !== null).map((p) => ({ x: p.t, lower: percent(p.lower, -100), upper: percent(p.upper, Number.POSITIVE_INFINITY) }))), opacity: 0.18 }],
    lines: [{ name: 'estimate (band: interval)', color, segments: seg.map((points) => points.flatMap((p) => (p.estimate === null ? [] : [[p.t, p.estimate * 100] as Point]))), dots: true }],
    references: [
      { y: first.tolerance * 100, label: `tolerance ${signedPct(Number((first.tolerance * 100).toPrecision(3)))}`, color: RED },
      { y: 0, label: 'no change', color: GREY },
    ],
    bands,
  })
}

function estimateCaption(m: MetricSeries): string {
  return `The band is the anytime-valid interval on the change, in percent of the baseline: a regression is proven when it lies above the tolerance (${signedPct(Number((m.tolerance * 100).toPrecision(3)))}), no regression when it lies below. The axis is linear; an estimate or bound beyond it (an unbounded side runs to +∞) is drawn at the edge and marked ▲ or ▼.`
}

/** The evidence axis, in percent of the way to the threshold: 100% decides. */
const EVIDENCE_RANGE = { min: -50, max: 150, ticks: [-50, 0, 50, 100, 150] }

function evidenceChart(names: string[], series: AnalysisSeries[], x: ChartX, bands: Band[]): string {
  const lines: LineSeries[] = []
  for (const [i, name] of names.entries()) {
    const color = METRIC_COLOURS[i % METRIC_COLOURS.length] as string
    const ev = series.map((s) => s.metrics.get(name)?.evidence ?? [])
    lines.push({ name: `${name}: regression`, color, segments: ev.map((points) => points.map((p) => [p.t, p.fail * 100] as Point)) })
    lines.push({ name: `${name}: no regression`, color, dashed: true, segments: ev.map((points) => points.map((p) => [p.t, p.pass * 100] as Point)) })
  }
  return svgChart({
    id: 'evidence',
    title: 'Evidence, as a share of the way to its threshold: 100% decides',
    height: 260,
    x,
    y: { ...EVIDENCE_RANGE, label: 'ln e ÷ ln threshold (%)', format: (v) => `${v}%` },
    lines,
    references: [{ y: 100, label: 'threshold', color: '#212529' }],
    bands,
  })
}

function decisionsTable(series: AnalysisSeries[]): string {
  const rows = series.map((s) => {
    const a = s.analysis
    const { outcome, decision } = a.result
    const last = outcome.looks.at(-1)
    const metrics = (last?.metrics ?? [])
      .map((m) => `${esc(m.name)}: ${esc(formatRelative(m.estimate))} ${esc(formatInterval(m.lower, m.upper))}, regression e=${esc(formatE(m.eValue))}/${esc(formatE(m.threshold))}, no regression e=${esc(formatE(m.passEValue))}/${esc(formatE(m.passThreshold))} (${esc(m.state)})`)
      .join('<br>')
    return `<tr><td>${esc(a.version)}</td><td class="num">${a.weight}%</td><td class="num">${outcome.looks.length}</td><td class="num">${((a.endedAt - a.startedAt) / 1000).toFixed(1)} s</td><td class="${esc(decision)}">${esc(decision)}</td><td>${esc(decision === 'pass' ? decidingFigure(a) : outcome.reason)}</td><td>${metrics}</td></tr>`
  })
  return `<table><thead><tr><th>Version</th><th>Weight</th><th>Looks</th><th>Took</th><th>Decision</th><th>Why</th><th>Metrics at the last look</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`
}

function timelineTable(run: DemoRun): string {
  const rows = timelineRows(run).map(
    (r) => `<tr><td class="num">+${r.t.toFixed(1)} s</td><td>${esc(r.version)}</td><td>${esc(r.event)}</td><td class="num">${esc(r.weight)}</td><td>${esc(r.detail)}</td></tr>`,
  )
  return `<table><thead><tr><th>Time</th><th>Version</th><th>Event</th><th>Weight</th><th>Detail</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`
}
