/** Figures per scenario × judge, the markdown table, and the target checks of issue 3. */

import type { Scenario } from './sim/model.js'
import type { BenchJudge } from './judges/types.js'
import type { JudgeTally, ScenarioResult } from './runner.js'
import { timeQuantile, wilson } from './stats.js'

export interface Rate {
  rate: number
  lower: number
  upper: number
  count: number
  runs: number
}

export interface JudgeFigures {
  judge: string
  label: string
  runs: number
  errors: number
  firstError?: string
  /** Healthy scenarios: fraction of runs that failed (Wilson 95% CI). */
  falseFail: Rate | null
  /** Regression scenarios: fraction of runs that failed (Wilson 95% CI). */
  detection: Rate | null
  /** Minutes to a fail over all runs; runs that never failed count as never (Infinity). */
  detectMedian: number | null
  detectP90: number | null
  /** Regression scenarios: fraction of runs failed by minute 30. */
  detectedBy30: number | null
  /** Fraction of runs that passed at any time (early or at the end). */
  passRate: number
  /** Median minute of an early pass over all runs (Infinity if most runs never passed early); null if the judge cannot. */
  earlyPassMedian: number | null
  inconclusiveRate: number
  /** Fails per deciding metric, when the judge reports it. */
  failsBy: Record<string, number>
  /** Scenarios whose traffic stops: fails after the last minute with traffic (null otherwise). */
  failsAfterStop: number | null
}

export interface ScenarioFigures {
  id: string
  title: string
  kind: Scenario['kind']
  runs: number
  elapsedMs: number
  judges: JudgeFigures[]
}

function rate(count: number, runs: number): Rate {
  const w = wilson(count, runs)
  return { rate: w.rate, lower: w.lower, upper: w.upper, count, runs }
}

export function figures(scenario: Scenario, result: ScenarioResult, judges: BenchJudge[]): ScenarioFigures {
  return {
    id: scenario.id,
    title: scenario.title,
    kind: scenario.kind,
    runs: result.runs,
    elapsedMs: Math.round(result.elapsedMs),
    judges: result.tallies.map((t: JudgeTally) => {
      const judge = judges.find((j) => j.id === t.judge) as BenchJudge
      const valid = t.runs - t.errors
      const healthy = scenario.kind === 'healthy'
      return {
        judge: t.judge,
        label: judge.label,
        runs: t.runs,
        errors: t.errors,
        ...(t.firstError === undefined ? {} : { firstError: t.firstError }),
        falseFail: healthy ? rate(t.fails, valid) : null,
        detection: healthy ? null : rate(t.fails, valid),
        detectMedian: healthy ? null : timeQuantile(t.failTimes, valid, 0.5),
        detectP90: healthy ? null : timeQuantile(t.failTimes, valid, 0.9),
        detectedBy30: healthy || valid === 0 ? null : t.failTimes.filter((m) => m <= 30).length / valid,
        passRate: valid > 0 ? t.passes / valid : Number.NaN,
        earlyPassMedian: judge.canPassEarly ? timeQuantile(t.earlyPassTimes, valid, 0.5) : null,
        inconclusiveRate: valid > 0 ? t.inconclusive / valid : Number.NaN,
        failsBy: t.failsBy,
        failsAfterStop: scenario.traffic.stopAfter === undefined ? null : t.failTimes.filter((m) => m > (scenario.traffic.stopAfter as number)).length,
      }
    }),
  }
}

const pct = (x: number): string => (Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(1)}%`)
const minutes = (x: number | null): string => (x === null ? '—' : Number.isFinite(x) ? String(x) : '> 60')

function rateCell(r: Rate | null): string {
  if (r === null) return ''
  return `${pct(r.rate)} [${pct(r.lower)}, ${pct(r.upper)}]`
}

/** One markdown table: a row per scenario × judge, the scenario named on its first row only. */
export function markdownTable(all: ScenarioFigures[]): string {
  const lines = [
    '| Scenario | Judge | Runs | False fail [95% CI] | Detected [95% CI] | TTD median | TTD p90 | Early pass median | Passed |',
    '|---|---|---:|---|---|---:|---:|---:|---:|',
  ]
  for (const s of all) {
    s.judges.forEach((j, i) => {
      const name = i === 0 ? `**${s.title}**` : ''
      const healthy = s.kind === 'healthy'
      const errors = j.errors > 0 ? ` (${j.errors} errors)` : ''
      lines.push(
        `| ${name} | ${j.label} | ${j.runs}${errors} | ${healthy ? rateCell(j.falseFail) : '·'} | ${healthy ? '·' : rateCell(j.detection)} | ${
          healthy ? '·' : minutes(j.detectMedian)
        } | ${healthy ? '·' : minutes(j.detectP90)} | ${minutes(j.earlyPassMedian)} | ${pct(j.passRate)} |`,
      )
    })
  }
  return lines.join('\n')
}

export interface TargetCheck {
  name: string
  /** null: not measured in this run (scenario not selected). */
  ok: boolean | null
  detail: string
}

function find(all: ScenarioFigures[], scenario: string, judge: string): JudgeFigures | undefined {
  return all.find((s) => s.id === scenario)?.judges.find((j) => j.judge === judge)
}

/** The issue's targets, checked on the Rollgate judge's figures (missing scenarios are reported). */
export function targetChecks(all: ScenarioFigures[], judge = 'rollgate'): TargetCheck[] {
  const checks: TargetCheck[] = []
  const missing = (name: string): TargetCheck => ({ name, ok: null, detail: 'not measured in this run' })

  const healthy = all.filter((s) => s.kind === 'healthy').flatMap((s) => {
    const f = s.judges.find((j) => j.judge === judge)
    return f?.falseFail ? [{ s, f: f.falseFail, errors: f.errors }] : []
  })
  if (healthy.length === 0) checks.push(missing('false-fail ≤ 0.05 on every healthy scenario'))
  else {
    const worst = healthy.reduce((a, b) => (b.f.rate > a.f.rate ? b : a))
    const worstUpper = healthy.reduce((a, b) => (b.f.upper > a.f.upper ? b : a))
    const errors = healthy.reduce((n, h) => n + h.errors, 0)
    checks.push({
      name: 'false-fail ≤ 0.05 on every healthy scenario',
      ok: worst.f.rate <= 0.05 && errors === 0,
      detail: `max ${worst.f.rate.toFixed(3)} (${worst.s.title}); highest 95% upper bound ${worstUpper.f.upper.toFixed(3)} (${worstUpper.s.title})${
        errors > 0 ? `; ${errors} runs errored` : ''
      }`,
    })
  }

  const x5 = find(all, 'errors-x5', judge)
  if (!x5?.detection) checks.push(missing('errors ×5: detected ≥ 99%, median ≤ 3 min'))
  else
    checks.push({
      name: 'errors ×5: detected ≥ 99%, median ≤ 3 min',
      ok: x5.detection.rate >= 0.99 && (x5.detectMedian ?? Infinity) <= 3,
      detail: `${pct(x5.detection.rate)}, median ${minutes(x5.detectMedian)} min`,
    })

  const x2 = find(all, 'errors-x2', judge)
  if (!x2?.detection) checks.push(missing('errors ×2: median ≤ 10 min'))
  else
    checks.push({
      name: 'errors ×2: median ≤ 10 min',
      ok: (x2.detectMedian ?? Infinity) <= 10,
      detail: `median ${minutes(x2.detectMedian)} min (detected ${pct(x2.detection.rate)})`,
    })

  const newClass = all.find((s) => s.id === 'new-error-class')
  const nc = newClass?.judges.find((j) => j.judge === judge)
  if (!nc?.detection) checks.push(missing('new error class: ≥ 80% detected within 30 min'))
  else {
    const within30 = nc.detectedBy30 ?? Number.NaN
    checks.push({
      name: 'new error class: ≥ 80% detected within 30 min',
      ok: within30 >= 0.8,
      detail: `${pct(within30)} within 30 min (${pct(nc.detection.rate)} within 60, median ${minutes(nc.detectMedian)} min)`,
    })
  }

  const lat = find(all, 'latency-p50+50', judge)
  if (!lat?.detection) checks.push(missing('latency median +50%: median ≤ 5 min'))
  else
    checks.push({
      name: 'latency median +50%: median ≤ 5 min',
      ok: (lat.detectMedian ?? Infinity) <= 5,
      detail: `median ${minutes(lat.detectMedian)} min (detected ${pct(lat.detection.rate)})`,
    })

  const early = find(all, 'early-pass-1000', judge)
  if (!early) checks.push(missing('early pass median ≤ 30 min (1000 req/s, 5%, tolerances 20% / 5%)'))
  else
    checks.push({
      name: 'early pass median ≤ 30 min (1000 req/s, 5%, tolerances 20% / 5%)',
      ok: (early.earlyPassMedian ?? Infinity) <= 30,
      detail: `median ${minutes(early.earlyPassMedian)} min (passed ${pct(early.passRate)})`,
    })

  const zero = find(all, 'zero-traffic', judge)
  if (!zero?.falseFail) checks.push(missing('zero traffic: no fail'))
  else
    checks.push({
      name: 'zero traffic: no fail',
      ok: zero.falseFail.count === 0 && zero.errors === 0,
      detail: `${zero.falseFail.count} fails in ${zero.falseFail.runs} runs${zero.errors > 0 ? `, ${zero.errors} errors` : ''}, passed ${pct(zero.passRate)}`,
    })
  // A healthy canary may fail falsely while it has traffic (within alpha: the false-fail check above
  // counts those); the missing data after the stop must never cause a fail.
  const stops = find(all, 'traffic-stops', judge)
  if (!stops?.falseFail || stops.failsAfterStop === null) checks.push(missing('traffic stopping midway: no fail after the stop'))
  else
    checks.push({
      name: 'traffic stopping midway: no fail after the stop',
      ok: stops.failsAfterStop === 0 && stops.errors === 0,
      detail: `${stops.failsAfterStop} fails after the stop, ${stops.falseFail.count - stops.failsAfterStop} before it (ordinary false fails) in ${stops.falseFail.runs} runs${stops.errors > 0 ? `, ${stops.errors} errors` : ''}`,
    })
  return checks
}

export function formatChecks(checks: TargetCheck[]): string {
  return checks.map((c) => `${c.ok === null ? '·' : c.ok ? '✔' : '✘'} ${c.name}: ${c.detail}`).join('\n')
}
