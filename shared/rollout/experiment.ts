/**
 * Judging an A/B experiment from live metrics (analyze with `experiment: <name>`, docs/experiments.md).
 * Stateless: every run re-reads every complete interval since the experiment's `start` (one query per
 * interval, variant and metric) and replays them through the experiment judge, so a scheduled
 * workflow can look as often as it likes, each look as valid as the last, and nothing is stored.
 */
import { ConfigError } from '../errors.js'
import { createExperimentJudge } from '../analysis/experiment/judge.js'
import type { ExperimentConfig, ExperimentInterval, ExperimentLook, ExperimentResult } from '../analysis/experiment/types.js'
import type { Observation } from '../analysis/observations.js'
import type { JudgeConfig } from '../analysis/types.js'
import type { Clock } from '../clock.js'
import type { Logger } from '../action/logger.js'
import type { Environment, Experiment, Policy } from '../config/policy.generated.js'
import { formatDuration } from '../config/units.js'
import type { MetricCheck, MetricsProvider, MetricsProviderConfig, TimeWindow } from '../metrics/types.js'
import type { ExperimentReport } from '../report/experiment.js'
import type { RolloutRecord } from '../state/record.js'
import type { StateStore } from '../state/store.js'
import { planAnalysis } from './analysis-plan.js'
import { stableVersionOf } from './lifecycle.js'

export interface ExperimentPlan {
  name: string
  experiment: Experiment
  judge: ExperimentConfig
  provider: MetricsProviderConfig
  primary: MetricCheck
  guardrails: MetricCheck[]
  variables: Record<string, string>
  intervalMs: number
  maxIntervals: number
  start: Date
}

/** Queries in flight at once: a 28-day experiment with 3 variants and 3 metrics is 252 queries per look. */
export const EXPERIMENT_QUERY_CONCURRENCY = 8

export function experimentOf(policy: Policy, name: string): Experiment {
  const experiment = policy.experiments[name]
  if (!experiment) {
    const known = Object.keys(policy.experiments)
    throw new ConfigError(`Input 'experiment': experiment '${name}' is not defined in the policy file; defined: ${known.length > 0 ? known.join(', ') : 'none (add an experiments: section, docs/experiments.md)'}.`, { reasonCode: 'invalid-input' })
  }
  return experiment
}

/** From the policy to what the experiment runs: the judge's configuration and the queries. Pure. */
export function planExperiment(policy: Policy, name: string): ExperimentPlan {
  const experiment = experimentOf(policy, name)
  // The analysis template brings the metrics provider, its variables and the guardrail checks; it
  // is planned as for a canary on a stand-in environment (experiments have no steps).
  const host = experiment.split.type === 'traffic' ? policy.environments[experiment.split.environment] : Object.values(policy.environments)[0]
  const standIn = `experiment ${name}`
  const environment = { ...(host ?? ({ onInconclusive: 'hold' } as Environment)), steps: [] } as Environment
  const plan = planAnalysis({ ...policy, environments: { ...policy.environments, [standIn]: environment } }, standIn, experiment.analysis, undefined)
  if (plan.provider.type === 'scrape') {
    throw new ConfigError(`Experiment '${name}': analysis template '${experiment.analysis}' uses the scrape provider, which reads only the present; an experiment re-reads every interval since its start, so it needs a metrics server (prometheus, datadog, cloudwatch, newrelic, http).`)
  }
  const guardrailNames = new Set(experiment.guardrails)
  const guardrailConfig: JudgeConfig = { alpha: plan.judge.alpha, metrics: plan.judge.metrics.filter((m) => guardrailNames.has(m.name)) }
  const p = experiment.primary
  const primary: MetricCheck =
    p.type === 'ratio'
      ? { name: p.name, type: 'ratio', events: p.events, total: p.total }
      : p.buckets !== undefined
        ? { name: p.name, type: 'samples', buckets: p.buckets }
        : p.values !== undefined
          ? { name: p.name, type: 'samples', values: p.values }
          : (() => {
              throw new ConfigError(`Experiment '${name}': the samples metric '${p.name}' needs \`values\` or \`buckets\`.`)
            })()
  const maxIntervals = Math.max(1, Math.floor(experiment.maxDuration / experiment.interval))
  const judge: ExperimentConfig = {
    alpha: experiment.alpha,
    variants: experiment.variants.map((v) => v.name),
    control: experiment.control,
    primary: { name: p.name, type: p.type, direction: p.direction },
    minimumEffect: experiment.minimumEffect,
    maxIntervals,
    weights: Object.fromEntries(experiment.variants.map((v) => [v.name, v.weight])),
    ...(guardrailConfig.metrics.length > 0 ? { guardrails: guardrailConfig } : {}),
  }
  return {
    name,
    experiment,
    judge,
    provider: plan.provider,
    primary,
    guardrails: plan.checks.filter((c) => guardrailNames.has(c.name)),
    variables: { ...plan.template.variables },
    intervalMs: experiment.interval,
    maxIntervals,
    start: new Date(experiment.start),
  }
}

/** The complete intervals since start, up to now and at most maxIntervals. */
export function experimentWindows(plan: Pick<ExperimentPlan, 'start' | 'intervalMs' | 'maxIntervals'>, now: Date): TimeWindow[] {
  const elapsed = now.getTime() - plan.start.getTime()
  const count = Math.max(0, Math.min(plan.maxIntervals, Math.floor(elapsed / plan.intervalMs)))
  return Array.from({ length: count }, (_, i) => ({ start: new Date(plan.start.getTime() + i * plan.intervalMs), end: new Date(plan.start.getTime() + (i + 1) * plan.intervalMs) }))
}

export interface ExperimentRunDeps {
  metrics: MetricsProvider
  clock: Clock
  logger: Logger
  /** The traffic split's rollout record, for the versions behind control and the other variant. */
  store?: Pick<StateStore, 'load'>
  policy: Policy
}

export interface ExperimentDataProblem {
  interval: number
  variant: string
  metric: string
  reason: string
}

export interface ExperimentOutcome {
  /** `continue` while undecided before the maximum duration. */
  decision: 'winner' | 'no-difference' | 'inconclusive' | 'continue'
  winner: string | null
  reason: string
  result: ExperimentResult
  windows: TimeWindow[]
  problems: ExperimentDataProblem[]
  versions: Record<string, string>
  /** A traffic split's rollout record as read: its sticky comment is where the verdict also goes. */
  record: RolloutRecord | null
}

/** `{{version}}` per variant: the rollout's versions for a traffic split, else the variant's own name. */
async function variantVersions(plan: ExperimentPlan, deps: ExperimentRunDeps): Promise<{ versions: Record<string, string>; record: RolloutRecord | null }> {
  const names = plan.judge.variants
  const own = Object.fromEntries(names.map((n) => [n, n]))
  const split = plan.experiment.split
  if (split.type !== 'traffic' || !deps.store) return { versions: own, record: null }
  const environment = deps.policy.environments[split.environment]
  const snapshot = await deps.store.load(split.environment)
  const record = snapshot?.record ?? null
  if (!environment || !record?.canary) {
    deps.logger.warn(`experiment ${plan.name}: no canary is out in ${split.environment}; {{version}} is each variant's name`)
    return { versions: own, record }
  }
  const other = names.find((n) => n !== plan.judge.control) as string
  return { versions: { [plan.judge.control]: stableVersionOf(environment, record), [other]: record.canary.version }, record }
}

async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++
      out[i] = await (jobs[i] as () => Promise<T>)()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker))
  return out
}

/** Reads every complete interval since start and judges them, look by look. */
export async function judgeExperiment(plan: ExperimentPlan, deps: ExperimentRunDeps): Promise<ExperimentOutcome> {
  const { versions, record } = await variantVersions(plan, deps)
  const control = plan.judge.control
  const varsOf = (variant: string): Record<string, string> => ({
    ...plan.variables,
    version: versions[variant] ?? variant,
    variant,
    experiment: plan.name,
    environment: plan.experiment.split.type === 'traffic' ? plan.experiment.split.environment : '',
  })
  const checks = [plan.primary, ...plan.guardrails]
  for (const check of checks) for (const v of plan.judge.variants) deps.metrics.validate(check, varsOf(v))
  const windows = experimentWindows(plan, deps.clock.now())
  deps.logger.info(
    `experiment ${plan.name}: ${windows.length} complete interval${windows.length === 1 ? '' : 's'} of ${formatDuration(plan.intervalMs)} since ${plan.start.toISOString()} (maximum ${plan.maxIntervals}), ${plan.judge.variants.length} variants, ${checks.length} metric${checks.length === 1 ? '' : 's'}`,
  )
  const intervals: ExperimentInterval[] = windows.map(() => ({ variants: Object.fromEntries(plan.judge.variants.map((v) => [v, {} as Record<string, Observation | undefined>])) }))
  const problems: ExperimentDataProblem[] = []
  const jobs: (() => Promise<void>)[] = []
  windows.forEach((window, i) => {
    for (const variant of plan.judge.variants) {
      const arm = variant === control ? 'baseline' : 'canary'
      for (const check of checks) {
        if (check.type === 'value' && variant === control) continue
        jobs.push(async () => {
          const result = await deps.metrics.query({ check, arm, vars: varsOf(variant), window })
          const target = intervals[i]?.variants[variant] as Record<string, Observation | undefined>
          if (result.ok) target[check.name] = result.observation as Observation
          else problems.push({ interval: i, variant, metric: check.name, reason: result.reason })
        })
      }
    }
  })
  await pool(jobs, EXPERIMENT_QUERY_CONCURRENCY)
  for (const p of problems.slice(0, 10)) deps.logger.info(`no data: ${p.metric} (${p.variant}, interval ${p.interval}): ${p.reason}`)
  const judge = createExperimentJudge(plan.judge)
  const looks: ExperimentLook[] = intervals.map((iv) => judge.look(iv))
  const decided = looks.find((l) => l.decision !== 'continue')
  const last = looks.at(-1)
  const result: ExperimentResult = decided
    ? { decision: decided.decision as ExperimentResult['decision'], winner: decided.winner, decidedAt: decided.decision === 'inconclusive' ? null : decided.interval, reason: decided.reason, needed: decided.needed, looks }
    : { decision: 'inconclusive', winner: null, decidedAt: null, reason: last ? last.reason : `no complete interval yet: the first look judges ${plan.start.toISOString()} to ${new Date(plan.start.getTime() + plan.intervalMs).toISOString()}`, needed: last?.needed ?? null, looks }
  const decision = decided ? result.decision : 'continue'
  return { decision, winner: result.winner, reason: result.reason, result, windows, problems: problems.slice(-50), versions, record }
}

export function toExperimentReport(plan: ExperimentPlan, outcome: ExperimentOutcome): ExperimentReport {
  const looks = outcome.result.looks
  const last = looks.at(-1)
  return {
    experiment: plan.name,
    decision: outcome.decision === 'continue' ? 'in-progress' : outcome.decision,
    winner: outcome.winner,
    reason: outcome.reason,
    primary: plan.judge.primary,
    minimumEffect: plan.judge.minimumEffect,
    alpha: plan.judge.alpha,
    control: plan.judge.control,
    looks,
    needed: outcome.result.needed,
    unit: last?.unit ?? (plan.judge.primary.type === 'ratio' ? 'sessions' : 'samples'),
    intervalsLeft: Math.max(0, plan.maxIntervals - looks.length),
    interval: formatDuration(plan.intervalMs),
    startedAt: plan.start.toISOString(),
    ...(outcome.windows.length > 0 ? { endedAt: (outcome.windows.at(-1) as TimeWindow).end.toISOString() } : {}),
  }
}
