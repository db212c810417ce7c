/**
 * One demo run as plain data, and the series its reports draw: each metric per interval for both
 * arms, the estimate with its interval, the evidence against its thresholds, and the weight steps,
 * all on one time axis (seconds since the demo started).
 */
import type { HistogramBucket, IntervalData, Observation } from '../../shared/analysis/observations.js'
import type { MetricLook } from '../../shared/analysis/types.js'
import { quantileOf } from '../../shared/report/analysis.js'
import type { RolloutOutcome, StepAnalysis } from './pipeline.js'
import type { DemoCanary, DemoPace, DemoVersion } from './scenario.js'

export interface DemoRun {
  startedAt: number
  endedAt: number
  router: 'haproxy' | 'built-in'
  routerDetail: string
  pace: DemoPace
  stable: DemoVersion
  canaries: readonly DemoCanary[]
  rollouts: RolloutOutcome[]
  policyText: string
  policyFile: string
}

export interface ArmPoint {
  t: number
  /** This interval alone. */
  interval: number | null
  /** Everything the analysis has seen so far (what the judge weighs). */
  cumulative: number | null
}

export interface AnalysisSeries {
  analysis: StepAnalysis
  label: string
  from: number
  to: number
  /** Time of the deciding look. */
  decidedAt: number | null
  metrics: Map<string, MetricSeries>
}

export interface MetricSeries {
  name: string
  type: MetricLook['type']
  canary: ArmPoint[]
  baseline: ArmPoint[]
  /** Relative change canary vs baseline with its confidence sequence, per look. */
  estimate: { t: number; estimate: number | null; lower: number | null; upper: number | null }[]
  /** How far each e-value has come to its threshold, ln(e) ÷ ln(threshold) (1 decides): of a regression, and of none. */
  evidence: { t: number; fail: number; pass: number }[]
  tolerance: number
  /** The quantile compared (samples) or null. */
  level: number | null
}

export const seconds = (run: DemoRun, at: number): number => (at - run.startedAt) / 1000

export function analysisSeries(run: DemoRun): AnalysisSeries[] {
  const out: AnalysisSeries[] = []
  for (const rollout of run.rollouts) {
    for (const a of rollout.analyses) {
      const { outcome, plan } = a.result
      const metrics = new Map<string, MetricSeries>()
      const canaryAll = new Map<string, Observation[]>()
      const baselineAll = new Map<string, Observation[]>()
      for (const config of plan.judge.metrics) {
        const level = config.type === 'samples' ? (typeof config.quantile === 'number' ? config.quantile : 0.5) : null
        metrics.set(config.name, {
          name: config.name,
          type: config.type,
          canary: [],
          baseline: [],
          estimate: [],
          evidence: [],
          tolerance: config.type === 'value' ? 0 : (config.tolerance ?? 0),
          level,
        })
      }
      for (const [i, look] of outcome.looks.entries()) {
        const window = outcome.windows[i]
        const data: IntervalData | undefined = outcome.intervals[i]
        if (!window || !data) continue
        const t = seconds(run, window.end.getTime())
        for (const m of look.metrics) {
          const series = metrics.get(m.name)
          if (!series) continue
          for (const [arm, all, points] of [
            ['canary', canaryAll, series.canary],
            ['baseline', baselineAll, series.baseline],
          ] as const) {
            const observation = data[arm][m.name]
            const seen = all.get(m.name) ?? []
            if (observation) seen.push(observation)
            all.set(m.name, seen)
            points.push({ t, interval: observation ? reading(observation, series.level) : null, cumulative: combined(seen, series.level) })
          }
          series.estimate.push({ t, estimate: m.estimate, lower: m.lower, upper: m.upper })
          series.evidence.push({ t, fail: progress(m.eValue, m.threshold), pass: progress(m.passEValue, m.passThreshold) })
        }
      }
      const decided = outcome.decidedAt === null ? null : outcome.windows[outcome.decidedAt]
      out.push({
        analysis: a,
        label: `${a.version} at ${a.weight}%`,
        from: seconds(run, a.startedAt),
        to: seconds(run, a.endedAt),
        decidedAt: decided ? seconds(run, decided.end.getTime()) : null,
        metrics,
      })
    }
  }
  return out
}

/** ln(e) ÷ ln(threshold): 0 with no evidence (e = 1), 1 at the threshold, negative against. */
function progress(e: number, threshold: number): number {
  if (!Number.isFinite(threshold) || threshold <= 1) return 0
  if (Number.isNaN(e)) return 0
  if (e <= 0) return Number.NEGATIVE_INFINITY
  return Number.isFinite(e) ? Math.log(e) / Math.log(threshold) : Number.POSITIVE_INFINITY
}

/** Error rate (ratio) or the quantile in milliseconds (samples, Prometheus histograms in seconds). */
function reading(o: Observation, level: number | null): number | null {
  if ('events' in o) return o.total > 0 ? o.events / o.total : null
  if ('value' in o) return o.value
  const q = quantileOf(o, level ?? 0.5)
  return q === null ? null : q * 1000
}

function combined(observations: Observation[], level: number | null): number | null {
  if (observations.length === 0) return null
  const first = observations[0] as Observation
  if ('events' in first) {
    let events = 0
    let total = 0
    for (const o of observations) {
      if (!('events' in o)) continue
      events += o.events
      total += o.total
    }
    return total > 0 ? events / total : null
  }
  if ('value' in first) {
    const last = observations[observations.length - 1] as Observation
    return 'value' in last ? last.value : null
  }
  if ('buckets' in first) {
    const sum = new Map<number, number>()
    for (const o of observations) if ('buckets' in o) for (const b of o.buckets) sum.set(b.le, (sum.get(b.le) ?? 0) + b.count)
    const buckets: HistogramBucket[] = [...sum].map(([le, count]) => ({ le, count }))
    const q = quantileOf({ buckets }, level ?? 0.5)
    return q === null ? null : q * 1000
  }
  const values = observations.flatMap((o) => ('values' in o ? o.values : []))
  const q = quantileOf({ values }, level ?? 0.5)
  return q === null ? null : q * 1000
}

/** The canary weight over time as steps: (seconds, weight, version). */
export function weightSteps(run: DemoRun): { t: number; weight: number; version: string }[] {
  const steps: { t: number; weight: number; version: string }[] = [{ t: 0, weight: 0, version: run.stable.version }]
  for (const rollout of run.rollouts) for (const move of rollout.moves) steps.push({ t: seconds(run, move.at), weight: move.to, version: move.version })
  return steps
}

export function expectedOutcome(run: DemoRun): { ok: boolean; problems: string[] } {
  const problems: string[] = []
  for (const canary of run.canaries) {
    const rollout = run.rollouts.find((r) => r.version === canary.version)
    if (!rollout) {
      problems.push(`${canary.version} was not rolled out`)
      continue
    }
    if (rollout.outcome !== canary.expected) {
      problems.push(`${canary.version} was ${rollout.outcome} (expected ${canary.expected}): ${rollout.reason ?? rollout.analyses.map((a) => a.result.decision).join(', ')}`)
      continue
    }
    const decisions = rollout.analyses.map((a) => a.result.decision)
    const wanted = canary.expected === 'promoted' ? 'pass' : 'fail'
    if (decisions.at(-1) !== wanted) problems.push(`${canary.version} ended with an analysis that said ${decisions.at(-1) ?? 'nothing'} (expected ${wanted})`)
  }
  return { ok: problems.length === 0, problems }
}
