/**
 * The judge: one look after every interval, on all data so far, keeping sufficient statistics so a
 * look costs the same whatever the history length. Pure: plain numbers in, plain data out.
 *
 *   const judge = createJudge(config)
 *   for (const interval of intervals) {
 *     const look = judge.look(interval)       // per-metric states, estimates, intervals, evidence
 *     if (look.decision !== 'continue') break // pass | fail | inconclusive (→ look.action)
 *   }
 *
 * `replay(config, intervals)` does exactly that for recorded data and keeps looking after a decision
 * (the decision is sticky), as `rollgate replay` prints it. See docs/judge.md.
 */
import { actionFor, combineLooks, metricShares } from './combine.js'
import { classifyKayenta, scoreKayenta, type KayentaClassification } from './kayenta.js'
import type { IntervalData, Observation } from './observations.js'
import { RatioMetric } from './ratio.js'
import { SamplesMetric } from './samples.js'
import type { Decision, JudgeConfig, JudgeOptions, LookResult, MetricConfig, MetricLook, ReplayResult } from './types.js'
import { ValueMetric } from './value.js'
import { finiteOrNull, formatRelative } from './evidence.js'

export interface Judge {
  readonly config: JudgeConfig
  /** Number of looks taken so far. */
  readonly looks: number
  /** Add the next interval's data and judge all data so far. */
  look(interval: IntervalData): LookResult
}

export function createJudge(config: JudgeConfig, options: JudgeOptions = {}): Judge {
  return config.test === 'mann-whitney' ? new KayentaJudge(config) : new SequentialJudge(config, options)
}

/** Run every interval through a fresh judge; the first decisive look decides. */
export function replay(config: JudgeConfig, intervals: readonly IntervalData[], options: JudgeOptions = {}): ReplayResult {
  const maxIntervals = config.maxIntervals ?? intervals.length
  const judge = createJudge({ ...config, maxIntervals }, options)
  const looks: LookResult[] = []
  let decided: LookResult | undefined
  for (const interval of intervals) {
    const look = judge.look(interval)
    looks.push(look)
    if (decided === undefined && (look.decision === 'pass' || look.decision === 'fail' || look.decision === 'inconclusive')) decided = look
  }
  const policy = config.onInconclusive ?? 'hold'
  if (decided === undefined) {
    const last = looks[looks.length - 1]
    return {
      decision: 'inconclusive',
      decidedAt: null,
      action: policy,
      decidingMetric: last?.decidingMetric ?? null,
      reason: last ? `the recording ended before the maximum duration (${maxIntervals} intervals) without a decision: ${last.reason}` : 'no intervals recorded',
      looks,
    }
  }
  const decision = decided.decision as 'pass' | 'fail' | 'inconclusive'
  return {
    decision,
    decidedAt: decision === 'inconclusive' ? null : decided.interval,
    action: actionFor(decision, policy),
    decidingMetric: decided.decidingMetric,
    reason: decided.reason,
    looks,
  }
}

type Tracker = RatioMetric | SamplesMetric | ValueMetric

class SequentialJudge implements Judge {
  looks = 0
  private readonly trackers: Tracker[]
  private readonly shares: number[]
  private readonly beta: number
  private final: LookResult | undefined

  constructor(
    readonly config: JudgeConfig,
    private readonly options: JudgeOptions,
  ) {
    const bounds = options.bounds ?? true
    this.trackers = config.metrics.map((m) =>
      m.type === 'ratio' ? new RatioMetric(m, config.engine) : m.type === 'samples' ? new SamplesMetric(m, bounds, config.engine) : new ValueMetric(m),
    )
    this.shares = metricShares(config.metrics)
    this.beta = config.beta ?? config.alpha
  }

  look(interval: IntervalData): LookResult {
    const index = this.looks++
    const bounds = this.options.bounds ?? true
    const metricLooks: MetricLook[] = []
    this.trackers.forEach((t, i) => {
      const name = t.config.name
      const share = this.shares[i] as number
      if (t instanceof ValueMetric) {
        t.add(interval.canary[name])
        metricLooks.push(t.look(index))
      } else {
        t.add(interval.canary[name], interval.baseline[name])
        metricLooks.push(t.look(index, { alpha: share * this.config.alpha, beta: share * this.beta, bounds }))
      }
    })
    const last = this.config.maxIntervals !== undefined && index + 1 >= this.config.maxIntervals
    const policy = this.config.onInconclusive ?? 'hold'
    const verdict = combineLooks(metricLooks, this.shares, this.config.alpha, last, policy)
    // A decision stands once taken (a live analysis stops there).
    if (this.final && this.final.decision !== 'continue') {
      return { ...this.final, interval: index, eValue: verdict.eValue, metrics: metricLooks }
    }
    const result: LookResult = { interval: index, ...verdict, metrics: metricLooks }
    if (verdict.decision !== 'continue') this.final = result
    return result
  }
}

/** Per-metric series kept by the Kayenta mode (it re-tests all data at every judgment). */
interface Series {
  canary: number[]
  baseline: number[]
  failures: number
  readings: number
}

function seriesPoint(o: Observation | undefined, quantileOf: (values: number[]) => number): number[] {
  if (o === undefined) return []
  if ('events' in o) return o.total > 0 ? [o.events / o.total] : []
  if ('values' in o) return o.values.filter((v) => Number.isFinite(v))
  if ('buckets' in o) {
    // Kayenta compares series of per-interval aggregates: use the interval's median from the buckets.
    const sorted = [...o.buckets].sort((a, b) => a.le - b.le)
    const total = sorted[sorted.length - 1]?.count ?? 0
    if (total <= 0) return []
    let prevLe = 0
    let prevCum = 0
    for (const b of sorted) {
      if (b.count >= total / 2) {
        if (!Number.isFinite(b.le)) return [prevLe]
        return [prevLe + ((b.le - prevLe) * (total / 2 - prevCum)) / Math.max(b.count - prevCum, 1e-12)]
      }
      prevLe = b.le
      prevCum = b.count
    }
    return [quantileOf([])]
  }
  if ('value' in o) return Number.isFinite(o.value) ? [o.value] : []
  return []
}

class KayentaJudge implements Judge {
  looks = 0
  private readonly series: Series[]
  private final: LookResult | undefined

  constructor(readonly config: JudgeConfig) {
    this.series = config.metrics.map(() => ({ canary: [], baseline: [], failures: 0, readings: 0 }))
  }

  look(interval: IntervalData): LookResult {
    const index = this.looks++
    const k = this.config.kayenta ?? {}
    const every = Math.max(1, Math.floor(k.judgeEvery ?? 1))
    const last = this.config.maxIntervals !== undefined && index + 1 >= this.config.maxIntervals
    this.config.metrics.forEach((m, i) => {
      const s = this.series[i] as Series
      for (const v of seriesPoint(interval.canary[m.name], () => Number.NaN)) s.canary.push(v)
      for (const v of seriesPoint(interval.baseline[m.name], () => Number.NaN)) s.baseline.push(v)
      if (m.type === 'value') {
        const o = interval.canary[m.name]
        if (o && 'value' in o && Number.isFinite(o.value)) {
          s.readings++
          if ((m.max !== undefined && o.value > m.max) || (m.min !== undefined && o.value < m.min)) s.failures++
        }
      }
    })
    const judging = last || (index + 1) % every === 0
    const classes = this.config.metrics.map((m, i) => this.classify(m, this.series[i] as Series))
    const metrics = this.config.metrics.map((m, i) => this.metricLook(m, classes[i] as KayentaClassification, this.series[i] as Series))
    const policy = this.config.onInconclusive ?? 'hold'
    const threshold = Number.POSITIVE_INFINITY
    if (this.final) return { ...this.final, interval: index, metrics }
    if (!judging) {
      return { interval: index, decision: 'continue', action: 'continue', decidingMetric: null, reason: 'between judgments', eValue: 1, threshold, score: null, metrics }
    }
    const scored = scoreKayenta(
      this.config.metrics.map((m, i) => ({ name: m.name, group: m.group ?? 'default', classification: (classes[i] as KayentaClassification).classification, critical: (classes[i] as KayentaClassification).critical })),
      k.groupWeights,
    )
    const passAt = k.pass ?? 95
    const marginal = k.marginal ?? 75
    let decision: Decision = 'continue'
    let reason: string
    let deciding: string | null = null
    if (scored.override === 'nodata') {
      decision = last ? 'inconclusive' : 'continue'
      reason = `score 0: half or more of the metrics have no data (Rollgate never fails on missing data)`
    } else if (scored.override === 'critical') {
      decision = 'fail'
      deciding = scored.criticalMetric
      reason = `score 0: critical metric ${scored.criticalMetric} did not pass`
    } else if (!last) {
      if (scored.score <= marginal) decision = 'fail'
      reason = `interim score ${scored.score} ${scored.score <= marginal ? '≤' : '>'} marginal ${marginal}`
    } else {
      decision = scored.score >= passAt ? 'pass' : 'fail'
      reason = `final score ${scored.score} ${scored.score >= passAt ? '≥' : '<'} pass ${passAt}`
    }
    if (decision === 'fail' && deciding === null) deciding = metrics.find((l) => l.kayenta?.classification === 'High' || l.kayenta?.classification === 'Low')?.name ?? null
    const result: LookResult = { interval: index, decision, action: actionFor(decision, policy), decidingMetric: deciding, reason, eValue: 1, threshold, score: scored.score, metrics }
    if (decision !== 'continue') this.final = result
    return result
  }

  private classify(m: MetricConfig, s: Series): KayentaClassification {
    const k = this.config.kayenta ?? {}
    if (m.type === 'value' && s.baseline.length === 0) {
      // No baseline series: the absolute bound decides (failure-limit semantics).
      const c = s.readings === 0 ? 'Nodata' : s.failures > (m.failureLimit ?? 0) ? 'High' : 'Pass'
      return { classification: c, critical: (m.critical ?? false) && c !== 'Pass', test: null, meanRatio: null }
    }
    const direction = m.type === 'value' ? 'either' : (m.direction ?? 'either')
    return classifyKayenta(
      s.canary,
      s.baseline,
      {
        direction,
        critical: m.critical ?? false,
        allowedIncrease: m.allowedIncrease ?? 1,
        allowedDecrease: m.allowedDecrease ?? 1,
        criticalIncrease: m.criticalIncrease ?? 1,
        criticalDecrease: m.criticalDecrease ?? 1,
      },
      k.tolerance ?? 0.25,
      k.confidence ?? 0.98,
    )
  }

  private metricLook(m: MetricConfig, c: KayentaClassification, s: Series): MetricLook {
    const mb = s.baseline.length > 0 ? s.baseline.reduce((a, b) => a + b, 0) / s.baseline.length : Number.NaN
    const rel = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(mb) || mb === 0 ? null : finiteOrNull(v / Math.abs(mb)))
    const state = c.classification === 'Nodata' ? 'nodata' : c.classification === 'High' || c.classification === 'Low' ? 'fail' : c.classification === 'Pass' ? 'pass' : 'continue'
    const t = c.test
    const reason =
      c.classification === 'Nodata'
        ? 'no data in one arm'
        : t
          ? `${c.classification}: shift ${t.estimate.toPrecision(4)} [${t.lower.toPrecision(4)}, ${t.upper.toPrecision(4)}], Mann-Whitney p = ${t.pValue.toPrecision(3)}, mean ratio ${c.meanRatio === null ? 'n/a' : c.meanRatio.toFixed(3)} (${formatRelative(c.meanRatio === null ? null : c.meanRatio - 1)})`
          : `${c.classification}`
    return {
      name: m.name,
      type: m.type,
      state,
      estimate: c.meanRatio === null ? null : c.meanRatio - 1,
      lower: rel(t?.lower),
      upper: rel(t?.upper),
      eValue: 1,
      threshold: Number.POSITIVE_INFINITY,
      pValue: t?.pValue ?? 1,
      passEValue: 1,
      passThreshold: Number.POSITIVE_INFINITY,
      canary: { total: s.canary.length },
      baseline: { total: s.baseline.length },
      kayenta: {
        classification: c.classification,
        pValue: t?.pValue ?? null,
        shift: t?.estimate ?? null,
        shiftLower: t?.lower ?? null,
        shiftUpper: t?.upper ?? null,
        meanRatio: c.meanRatio,
        critical: c.critical,
      },
      reason,
    }
  }
}
