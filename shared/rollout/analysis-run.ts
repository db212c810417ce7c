/**
 * Runs an analysis: per interval, query every check for both arms, feed the judge, log one compact
 * line per metric, report, and stop at the first decision or the maximum duration. Time and the
 * metrics backend are injected, so tests run it against a fake clock and local servers.
 */
import type { Logger } from '../action/logger.js'
import type { Clock } from '../clock.js'
import { createJudge, type Judge } from '../analysis/judge.js'
import { createPairedJudge } from '../analysis/paired.js'
import type { IntervalData, Observation } from '../analysis/observations.js'
import type { Action, LookResult, MetricLook } from '../analysis/types.js'
import { formatE, formatInterval, formatRelative } from '../analysis/evidence.js'
import type { Arm, MetricsProvider, TimeWindow } from '../metrics/types.js'
import type { AnalysisPlan } from './analysis-plan.js'
import { describeOutlier, instanceOutliers, type InstanceInterval } from '../analysis/instances.js'

/** A query that returned no observation, and why (which provider, which query, what came back). */
export interface DataProblem {
  interval: number
  metric: string
  arm: Arm
  reason: string
}

export interface AnalysisOutcome {
  decision: 'pass' | 'fail' | 'inconclusive'
  /** 0-based index of the look that decided; null when none did. */
  decidedAt: number | null
  action: Action
  decidingMetric: string | null
  reason: string
  looks: LookResult[]
  intervals: IntervalData[]
  windows: TimeWindow[]
  problems: DataProblem[]
  startedAt: string
  endedAt: string
  /** The per-instance breakdown per interval, when the provider gave one (issue 14). */
  instances?: (InstanceInterval | undefined)[]
}

export interface AnalysisRunDeps {
  metrics: MetricsProvider
  clock: Clock
  logger: Logger
  /** Called after every look (reports update here); errors are the caller's to handle. */
  onLook?: (look: LookResult, progress: { looks: LookResult[]; intervals: IntervalData[]; windows: TimeWindow[]; problems: DataProblem[] }) => Promise<void>
}

export interface Arms {
  canaryVersion: string
  stableVersion: string
}

/** Template variables for one arm, besides the per-query ones the provider adds. */
export function armVariables(plan: AnalysisPlan, arms: Arms, arm: Arm): Record<string, string> {
  return {
    ...plan.template.variables,
    version: arm === 'canary' ? arms.canaryVersion : arms.stableVersion,
    canaryVersion: arms.canaryVersion,
    stableVersion: arms.stableVersion,
    environment: plan.environment,
  }
}

/** Fails before the first look when a check cannot be served (unknown variable, bad selector...). */
export function validatePlan(plan: AnalysisPlan, arms: Arms, metrics: MetricsProvider): void {
  for (const check of plan.checks) for (const arm of ['canary', 'baseline'] as const) metrics.validate(check, armVariables(plan, arms, arm))
}

/** Queries every check for both arms over one window. Value checks are read for the canary only. */
export async function collectInterval(plan: AnalysisPlan, arms: Arms, metrics: MetricsProvider, window: TimeWindow, index: number): Promise<{ data: IntervalData; problems: DataProblem[]; instances?: InstanceInterval }> {
  const data: IntervalData = { canary: {}, baseline: {} }
  const instances: InstanceInterval = {}
  const problems: DataProblem[] = []
  const jobs: Promise<void>[] = []
  for (const check of plan.checks) {
    for (const arm of ['canary', 'baseline'] as const) {
      if (check.type === 'value' && arm === 'baseline') continue
      jobs.push(
        metrics.query({ check, arm, vars: armVariables(plan, arms, arm), window }).then((result) => {
          if (result.ok) {
            data[arm][check.name] = result.observation as Observation
            for (const [instance, o] of Object.entries(result.instances ?? {})) ((instances[arm] ??= {})[instance] ??= {})[check.name] = o as Observation
          } else problems.push({ interval: index, metric: check.name, arm, reason: result.reason })
        }),
      )
    }
  }
  await Promise.all(jobs)
  return instances.canary || instances.baseline ? { data, problems, instances } : { data, problems }
}

/** `http-errors  +12.0% [-30.0%, +80.0%]  e=1.3 (needs 40)  continue` */
export function lookLine(metric: MetricLook): string {
  const estimate = metric.type === 'value' ? (metric.estimate === null ? 'no reading' : String(metric.estimate)) : formatRelative(metric.estimate)
  const interval = metric.type === 'value' ? '' : ` ${formatInterval(metric.lower, metric.upper)}`
  return `${metric.name}: ${estimate}${interval}  e=${formatE(metric.eValue)} (fails at ${formatE(metric.threshold)})  ${metric.state}`
}

/** A plan for a mirror step (`paired`): the shadow answers copies of stable's requests, judged in pairs. */
export type RunPlan = AnalysisPlan & { paired?: boolean }

/** The paired judge for mirror steps (shared/analysis/paired.ts), the split-traffic judge otherwise. */
function judgeFor(plan: RunPlan): Pick<Judge, 'look'> {
  return plan.paired ? createPairedJudge(plan.judge) : createJudge(plan.judge)
}

/** Watches the canary: a look after every interval until a decision or the maximum duration. */
export async function watchAnalysis(plan: RunPlan, arms: Arms, deps: AnalysisRunDeps): Promise<AnalysisOutcome> {
  validatePlan(plan, arms, deps.metrics)
  const judge = judgeFor(plan)
  const start = deps.clock.now()
  await deps.metrics.begin?.(start)
  const looks: LookResult[] = []
  const intervals: IntervalData[] = []
  const windows: TimeWindow[] = []
  const problems: DataProblem[] = []
  const instances: (InstanceInterval | undefined)[] = []
  let final: LookResult | undefined
  for (let i = 0; i < plan.maxIntervals; i++) {
    const window = { start: new Date(start.getTime() + i * plan.intervalMs), end: new Date(start.getTime() + (i + 1) * plan.intervalMs) }
    await deps.clock.sleep(window.end.getTime() - deps.clock.now().getTime())
    const { data, problems: found, instances: split } = await collectInterval(plan, arms, deps.metrics, window, i)
    instances.push(split)
    const look = judge.look(data)
    looks.push(look)
    intervals.push(data)
    windows.push(window)
    problems.push(...found)
    // The pod that stands out so far, named in the log and the progress report as it appears, not only at the verdict.
    const outliers = split ? instanceOutliers(plan.judge.metrics, instances, i).map(describeOutlier) : []
    await deps.logger.group(`look ${i + 1}/${plan.maxIntervals}: ${look.decision}`, async () => {
      for (const metric of look.metrics) deps.logger.info(lookLine(metric))
      for (const problem of found) deps.logger.info(`no data: ${problem.metric} (${problem.arm}): ${problem.reason}`)
      for (const outlier of outliers) deps.logger.info(outlier)
    })
    await deps.onLook?.(outliers.length === 0 ? look : { ...look, reason: `${look.reason}; ${outliers.join('; ')}` }, { looks, intervals, windows, problems })
    // A pass waits for the minimum duration; a fail or inconclusive ends the analysis at once.
    if (look.decision === 'fail' || look.decision === 'inconclusive' || (look.decision === 'pass' && i + 1 >= plan.minIntervals)) {
      final = look
      break
    }
  }
  return withOutliers(plan, conclude(plan, looks, intervals, windows, problems, start, deps.clock.now(), final), instances)
}

/** Names the instance that stands out on each ratio metric at the end of the reason, as `rollgate replay` does. */
function withOutliers(plan: AnalysisPlan, outcome: AnalysisOutcome, instances: (InstanceInterval | undefined)[]): AnalysisOutcome {
  if (!instances.some((x) => x !== undefined)) return outcome
  const outliers = instanceOutliers(plan.judge.metrics, instances, outcome.decidedAt ?? instances.length - 1)
  const reason = outliers.length === 0 ? outcome.reason : `${outcome.reason}; ${outliers.map(describeOutlier).join('; ')}`
  return { ...outcome, reason, instances }
}

/**
 * Adds one interval's per-instance counts of the ratio metrics to a running total (a `mode: once`
 * analysis keeps the total in the rollout record: a few numbers per pod, not a breakdown per interval).
 */
export function addInstanceCounts(total: InstanceInterval | undefined, split: InstanceInterval | undefined, metrics: readonly { name: string; type: string }[]): InstanceInterval | undefined {
  if (!split) return total
  const out: InstanceInterval = structuredClone(total ?? {})
  for (const arm of ['canary', 'baseline'] as const) {
    for (const [instance, observed] of Object.entries(split[arm] ?? {})) {
      for (const metric of metrics) {
        const o = observed[metric.name]
        if (metric.type !== 'ratio' || !o || !('events' in o)) continue
        const kept = (((out[arm] ??= {})[instance] ??= {})[metric.name] ?? { events: 0, total: 0 }) as { events: number; total: number }
        out[arm][instance][metric.name] = { events: kept.events + o.events, total: kept.total + o.total }
      }
    }
  }
  for (const arm of ['canary', 'baseline'] as const) {
    const pods = Object.entries(out[arm] ?? {})
    if (pods.length <= ONCE_INSTANCES_KEPT) continue
    // Pods come and go over a long analysis: the busiest are kept, so the record stays small.
    const busy = (metrics: Record<string, Observation | undefined>) => Object.values(metrics).reduce((sum, o) => sum + (o && 'total' in o ? o.total : 0), 0)
    out[arm] = Object.fromEntries(pods.sort((a, b) => busy(b[1]) - busy(a[1])).slice(0, ONCE_INSTANCES_KEPT))
  }
  return out.canary || out.baseline ? out : total
}

/** The most instances per arm a `mode: once` analysis keeps counts of between runs. */
export const ONCE_INSTANCES_KEPT = 64

/**
 * Judges recorded intervals (a `mode: once` analysis keeps them in the rollout record between runs);
 * `instances`, the per-instance counts summed over those intervals, names a pod that stands out.
 */
export function judgeRecorded(plan: RunPlan, intervals: IntervalData[], windows: TimeWindow[], problems: DataProblem[], startedAt: Date, now: Date, instances?: InstanceInterval): AnalysisOutcome {
  const judge = judgeFor(plan)
  const looks: LookResult[] = []
  let final: LookResult | undefined
  for (const [i, data] of intervals.entries()) {
    const look = judge.look(data)
    looks.push(look)
    if (look.decision === 'fail' || look.decision === 'inconclusive' || (look.decision === 'pass' && i + 1 >= plan.minIntervals)) {
      final = look
      break
    }
  }
  const outcome = conclude(plan, looks, intervals, windows, problems, startedAt, now, final)
  if (!instances) return outcome
  // One summed interval: the counts are the once runs' so far, the rule the same as a watch.
  const outliers = instanceOutliers(plan.judge.metrics, [instances], 0)
  return outliers.length === 0 ? outcome : { ...outcome, reason: `${outcome.reason}; ${outliers.map(describeOutlier).join('; ')}` }
}

function conclude(
  plan: AnalysisPlan,
  looks: LookResult[],
  intervals: IntervalData[],
  windows: TimeWindow[],
  problems: DataProblem[],
  start: Date,
  end: Date,
  final: LookResult | undefined,
): AnalysisOutcome {
  const last = looks[looks.length - 1]
  const base = { looks, intervals, windows, problems, startedAt: start.toISOString(), endedAt: end.toISOString() }
  if (final && final.decision !== 'continue') {
    return {
      ...base,
      decision: final.decision,
      decidedAt: final.decision === 'inconclusive' ? null : final.interval,
      action: final.action,
      decidingMetric: final.decidingMetric,
      reason: final.reason,
    }
  }
  const complete = looks.length >= plan.maxIntervals
  return {
    ...base,
    decision: 'inconclusive',
    decidedAt: null,
    action: complete ? plan.onInconclusive : 'continue',
    decidingMetric: last?.decidingMetric ?? null,
    reason: complete
      ? `no decision after ${looks.length} looks (the maximum duration): ${last?.reason ?? 'no data'}`
      : `no decision yet after ${looks.length} of ${plan.maxIntervals} looks: ${last?.reason ?? 'no data'}`,
  }
}
