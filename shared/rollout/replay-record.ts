/**
 * The replay file of a live analysis (#14: the analyze action's `replay-file` input): exactly the
 * intervals the judge consumed, per metric, per interval, both arms, the weight, the per-instance
 * breakdown where the provider gave one, and `mode: paired` for a mirror step, in the replay format
 * (docs/replay.md, version 1). `rollgate replay` of that file reaches the live verdict and reason:
 * the file carries the judge's configuration as the plan built it, the maximum duration, and the
 * minimum duration that held an early pass (`minIntervals`).
 */
import type { IntervalData, Observation } from '../analysis/observations.js'
import type { InstanceInterval } from '../analysis/instances.js'
import type { MetricConfig } from '../analysis/types.js'
import type { AnalysisOutcome, RunPlan } from './analysis-run.js'

/** What the live analysis ran at: the canary's weight, or a mirror step's percent copied to the shadow. */
export interface RecordedTraffic {
  weight: number
  mirror?: number
}

type Json = Record<string, unknown>

/** An observation as JSON: a histogram's +Inf bound as the string "+Inf" (JSON has no Infinity). */
function observationJson(o: Observation): Json {
  if ('buckets' in o) return { buckets: o.buckets.map((b) => ({ le: Number.isFinite(b.le) ? b.le : '+Inf', count: b.count })) }
  return { ...o }
}

function armJson(arm: Record<string, Observation | undefined>): Json {
  const out: Json = {}
  for (const [name, o] of Object.entries(arm)) if (o !== undefined) out[name] = observationJson(o)
  return out
}

/** An interval as JSON (the rollout record's `once` evidence): +Inf bucket bounds as "+Inf". */
export function intervalJson(interval: IntervalData): Json {
  return { canary: armJson(interval.canary), baseline: armJson(interval.baseline) }
}

/** The inverse of intervalJson for intervals read back from the record ("+Inf" bounds to +Inf). */
export function intervalFromJson(value: IntervalData): IntervalData {
  const arm = (observations: Record<string, Observation | undefined> | undefined): Record<string, Observation | undefined> =>
    Object.fromEntries(
      Object.entries(observations ?? {}).map(([name, o]) => [
        name,
        o && typeof o === 'object' && Array.isArray((o as { buckets?: unknown }).buckets)
          ? { buckets: (o as { buckets: { le: unknown; count: number }[] }).buckets.map((b) => ({ le: b?.le === '+Inf' ? Number.POSITIVE_INFINITY : (b?.le as number), count: b?.count })) }
          : o,
      ]),
    )
  return { canary: arm(value?.canary), baseline: arm(value?.baseline) }
}

/** Record evidence (`{intervals, ...}`) with its intervals' "+Inf" bounds read back as +Inf; anything else as it is. */
export function withInfiniteBounds(data: unknown): unknown {
  if (!data || typeof data !== 'object' || !Array.isArray((data as { intervals?: unknown }).intervals)) return data
  return { ...data, intervals: ((data as { intervals: IntervalData[] }).intervals).map(intervalFromJson) }
}

function instancesJson(interval: InstanceInterval): Json {
  const out: Json = {}
  for (const arm of ['canary', 'baseline'] as const) {
    const byInstance = interval[arm]
    if (byInstance) out[arm] = Object.fromEntries(Object.entries(byInstance).map(([instance, arms]) => [instance, armJson(arms)]))
  }
  return out
}

/** Drops undefined fields; in a paired file, what the paired judge does not read (and the format refuses). */
function metricJson(metric: MetricConfig, paired: boolean): Json {
  const out: Json = {}
  for (const [key, value] of Object.entries(metric)) if (value !== undefined) out[key] = value
  if (paired) {
    delete out.tuning
    // The paired judge compares the median for `distribution` (docs/insight.md, "The paired analysis").
    if (out.quantile === 'distribution') out.quantile = 0.5
  }
  return out
}

export function replayRecord(plan: RunPlan, outcome: Pick<AnalysisOutcome, 'intervals' | 'instances'>, traffic: RecordedTraffic): Json {
  const paired = plan.paired === true
  if (paired && traffic.mirror === undefined) throw new Error('a paired analysis is recorded with its mirror percent')
  const judge = plan.judge
  const file: Json = { version: 1 }
  if (paired) {
    file.mode = 'paired'
    file.mirror = traffic.mirror
  }
  file.alpha = judge.alpha
  if (judge.beta !== undefined) file.beta = judge.beta
  file.maxIntervals = judge.maxIntervals ?? plan.maxIntervals
  if (plan.minIntervals > 1) file.minIntervals = plan.minIntervals
  if (judge.onInconclusive !== undefined) file.onInconclusive = judge.onInconclusive
  // The paired judge has no Mann-Whitney mode and no Kayenta scoring: a mirror step ignores them live.
  if (!paired && judge.test !== undefined) file.test = judge.test
  if (!paired && judge.engine !== undefined) file.engine = judge.engine
  if (!paired && judge.kayenta !== undefined) file.kayenta = JSON.parse(JSON.stringify(judge.kayenta)) as Json
  file.metrics = judge.metrics.map((m) => metricJson(m, paired))
  const weight = paired ? traffic.mirror : traffic.weight
  file.intervals = outcome.intervals.map((interval, i) => {
    const out: Json = { weight, ...intervalJson(interval) }
    const split = outcome.instances?.[i]
    if (split && (split.canary || split.baseline)) out.instances = instancesJson(split)
    return out
  })
  return file
}
