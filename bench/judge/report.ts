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
  /**
   * Passes that are errors (Wilson 95% CI): any pass of a canary worse than its tolerance
   * (`inferior`), or of a healthy canary judged at tolerance 0 on every metric (it can only pass by
   * being proven better, which it is not). null where a pass is the right answer.
   */
  falsePass: Rate | null
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
      const zeroTolerance = scenario.metrics.every((m) => m.policy.tolerance === 0)
      const passIsWrong = scenario.kind === 'inferior' || (healthy && zeroTolerance && judge.canPassEarly)
      return {
        judge: t.judge,
        label: judge.label,
        runs: t.runs,
        errors: t.errors,
        ...(t.firstError === undefined ? {} : { firstError: t.firstError }),
        falseFail: healthy ? rate(t.fails, valid) : null,
        detection: scenario.kind === 'regression' ? rate(t.fails, valid) : null,
        falsePass: passIsWrong ? rate(t.passes, valid) : null,
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
    '| Scenario | Judge | Runs | False fail [95% CI] | Detected [95% CI] | TTD median | TTD p90 | Early pass median | Passed | False pass [95% CI] |',
    '|---|---|---:|---|---|---:|---:|---:|---:|---|',
  ]
  for (const s of all) {
    s.judges.forEach((j, i) => {
      const name = i === 0 ? `**${s.title}**` : ''
      const healthy = s.kind === 'healthy'
      const regression = s.kind === 'regression'
      const errors = j.errors > 0 ? ` (${j.errors} errors)` : ''
      lines.push(
        `| ${name} | ${j.label} | ${j.runs}${errors} | ${healthy ? rateCell(j.falseFail) : '·'} | ${regression ? rateCell(j.detection) : '·'} | ${
          regression ? minutes(j.detectMedian) : '·'
        } | ${regression ? minutes(j.detectP90) : '·'} | ${minutes(j.earlyPassMedian)} | ${pct(j.passRate)} | ${j.falsePass ? rateCell(j.falsePass) : '·'} |`,
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

/**
 * Issue 14's targets. Validity: every healthy scenario's false-fail rate ≤ alpha, and its 95% upper
 * bound ≤ 1.25 alpha (meaningful in full mode); false passes likewise. Detection: the figures of
 * point 3.
 */
export function v2TargetChecks(all: ScenarioFigures[], alpha = 0.05, judge = 'rollgate'): TargetCheck[] {
  const checks: TargetCheck[] = []
  const missing = (name: string): TargetCheck => ({ name, ok: null, detail: 'not measured in this run' })
  const v2 = all.filter((s) => s.id.startsWith('v2-'))
  const rows = v2.flatMap((s) => {
    const f = s.judges.find((j) => j.judge === judge)
    return f ? [{ s, f }] : []
  })
  const healthy = rows.filter((r) => r.f.falseFail !== null)
  if (healthy.length === 0) checks.push(missing('v2: false fail ≤ alpha on every healthy regime'))
  else {
    const worst = healthy.reduce((a, b) => (((b.f.falseFail as Rate).rate > (a.f.falseFail as Rate).rate ? b : a)))
    const worstUpper = healthy.reduce((a, b) => (((b.f.falseFail as Rate).upper > (a.f.falseFail as Rate).upper ? b : a)))
    checks.push({
      name: `v2: false fail ≤ ${alpha} on every healthy regime`,
      ok: (worst.f.falseFail as Rate).rate <= alpha,
      detail: `max ${pct((worst.f.falseFail as Rate).rate)} (${worst.s.title})`,
    })
    checks.push({
      name: `v2: 95% upper bound of every false-fail rate ≤ ${1.25 * alpha} (full mode)`,
      ok: (worstUpper.f.falseFail as Rate).upper <= 1.25 * alpha,
      detail: `highest ${pct((worstUpper.f.falseFail as Rate).upper)} (${worstUpper.s.title}, ${worstUpper.f.runs} runs)`,
    })
  }
  const passes = rows.filter((r) => r.f.falsePass !== null)
  if (passes.length > 0) {
    const worst = passes.reduce((a, b) => (((b.f.falsePass as Rate).rate > (a.f.falsePass as Rate).rate ? b : a)))
    checks.push({
      name: `v2: false passes (tolerance 0 on a healthy canary; a canary beyond its tolerance) ≤ ${alpha}`,
      ok: (worst.f.falsePass as Rate).rate <= alpha,
      detail: `max ${pct((worst.f.falsePass as Rate).rate)} [upper ${pct((worst.f.falsePass as Rate).upper)}] (${worst.s.title})`,
    })
  }
  const det = (id: string, name: string, ok: (f: JudgeFigures) => boolean): void => {
    const f = find(all, id, judge)
    if (!f?.detection) checks.push(missing(name))
    else
      checks.push({
        name,
        ok: ok(f),
        detail: `${pct(f.detection.rate)} detected, median ${minutes(f.detectMedian)} min, p90 ${minutes(f.detectP90)} min, ${pct(f.detectedBy30 ?? Number.NaN)} within 30`,
      })
  }
  const median = (f: JudgeFigures): number => f.detectMedian ?? Number.POSITIVE_INFINITY
  det('v2-noisy-errors-x5', 'v2: ×5 under shared AR(1) noise, 100 req/s: ≥ 99%, median ≤ 3 min', (f) => (f.detection as Rate).rate >= 0.99 && median(f) <= 3)
  det('v2-noisy-errors-x2', 'v2: ×2 under shared AR(1) noise, 100 req/s: median ≤ 10 min', (f) => median(f) <= 10)
  det('v2-noisy-new-error-class', 'v2: new error class under shared AR(1) noise: ≥ 80% within 30 min', (f) => (f.detectedBy30 ?? 0) >= 0.8)
  det('v2-noisy-latency-p50+50', 'v2: latency +50% under shared AR(1) noise: median ≤ 5 min', (f) => median(f) <= 5)
  det('v2-bursts-errors-x2', 'v2: ×2 under bursts CV 200%, 1000 req/s: ≥ 40% within 60 min', (f) => (f.detection as Rate).rate >= 0.4)
  det('v2-low-errors-x2', 'v2: ×2 at 10 req/s: ≥ 50% within 60 looks', (f) => (f.detection as Rate).rate >= 0.5)
  det('v2-low-errors-x5', 'v2: ×5 at 10 req/s: ≥ 99%, median ≤ 5 min', (f) => (f.detection as Rate).rate >= 0.99 && median(f) <= 5)
  const early = (id: string, name: string, limit: number): void => {
    const f = find(all, id, judge)
    if (!f) checks.push(missing(name))
    else checks.push({ name, ok: (f.earlyPassMedian ?? Infinity) <= limit, detail: `median ${minutes(f.earlyPassMedian)} min (passed ${pct(f.passRate)})` })
  }
  early('v2-early-pass-1000', 'v2: early pass, tolerance 25%, 1000 req/s, no noise: median ≤ 15 min', 15)
  early('v2-early-pass-noisy-1000', 'v2: early pass, tolerance 25%, 1000 req/s, shared AR(1) noise: median ≤ 45 min', 45)
  const stops = find(all, 'v2-traffic-stops', judge)
  if (stops?.failsAfterStop !== null && stops !== undefined)
    checks.push({ name: 'v2: traffic stopping midway: no fail after the stop', ok: stops.failsAfterStop === 0, detail: `${stops.failsAfterStop} fails after the stop` })
  return checks
}

export function formatChecks(checks: TargetCheck[]): string {
  return checks.map((c) => `${c.ok === null ? '·' : c.ok ? '✔' : '✘'} ${c.name}: ${c.detail}`).join('\n')
}
