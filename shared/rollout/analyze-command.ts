/**
 * The analyze command: read the rollout record, plan the analysis for the step in force, look
 * (every interval until a decision in `watch` mode; one new interval in `once` mode, the earlier
 * ones kept in the record), record the verdict and report it.
 */
import type { Clock } from '../clock.js'
import { ConfigError } from '../errors.js'
import type { IntervalData, Observation } from '../analysis/observations.js'
import type { InstanceInterval } from '../analysis/instances.js'
import type { Policy } from '../config/policy.generated.js'
import { mirrorOf, mirroringPhrase } from '../config/mirror.js'
import type { MetricsProvider, TimeWindow } from '../metrics/types.js'
import type { AnalysisDecision, AnalysisReport } from '../report/model.js'
import { describeState } from '../state/machine.js'
import type { JsonValue, RolloutRecord } from '../state/record.js'
import { environmentOf, planAnalysis, templateFor, type AnalysisPlan } from './analysis-plan.js'
import { toAnalysisReport } from '../report/analysis.js'
import { addInstanceCounts, collectInterval, judgeRecorded, watchAnalysis, type AnalysisOutcome, type AnalysisRunDeps, type DataProblem } from './analysis-run.js'
import { recordVerdict, stableVersionOf, type LifecycleDeps } from './lifecycle.js'
import { toRolloutReport } from './reporter.js'
import { intervalJson, withInfiniteBounds } from './replay-record.js'

export interface AnalyzeRequest {
  policy: Policy
  environment: string
  template?: string
  mode: 'watch' | 'once'
}

export interface AnalyzeDeps extends LifecycleDeps {
  metrics: (plan: AnalysisPlan) => MetricsProvider
  clock: Clock
  /** Called after every look of a `watch` analysis, before the reports update (the demo's live display). */
  onLook?: AnalysisRunDeps['onLook']
}

export interface AnalyzeResult {
  /** `continue` only in `once` mode, while the analysis has not decided yet. */
  decision: 'pass' | 'fail' | 'inconclusive' | 'continue'
  outcome: AnalysisOutcome
  plan: AnalysisPlan
  record: RolloutRecord
  report: AnalysisReport
}

/** Least time between two progress updates of the check run during a `watch` analysis. */
export const PROGRESS_UPDATE_MS = 30_000

/** Raw values kept per interval and arm between `once` runs: a quantile-preserving thinning. */
export const ONCE_VALUES_KEPT = 256

interface OnceEvidence {
  startedAt: string
  windows: { start: string; end: string }[]
  intervals: IntervalData[]
  problems: DataProblem[]
  /** Per-instance counts of the ratio metrics, summed over the intervals (when the provider splits them). */
  instances?: InstanceInterval
}

export async function analyzeRollout(request: AnalyzeRequest, deps: AnalyzeDeps): Promise<AnalyzeResult> {
  const environment = environmentOf(request.policy, request.environment)
  const snapshot = await deps.store.load(request.environment)
  const record = snapshot?.record
  if (!record || record.phase !== 'canary' || !record.canary) {
    throw new ConfigError(
      `No canary is out in ${request.environment} to analyze (the rollout is ${record ? describeState(record, environment) : 'idle: no rollout yet'}); run deploy-canary first.`,
      { reasonCode: 'illegal-move' },
    )
  }
  const templateName = templateFor(request.policy, request.environment, request.template, record.step)
  // A mirror step's shadow answers copies of stable's requests: the paired judge compares them.
  const mirror = mirrorOf(environment.steps[record.step])
  const plan = { ...planAnalysis(request.policy, request.environment, templateName, record.step), ...(mirror ? { paired: true } : {}) }
  const arms = { canaryVersion: record.canary.version, stableVersion: stableVersionOf(environment, record) }
  const metrics = deps.metrics(plan)
  const stepInfo = { index: record.step + 1, count: environment.steps.length }
  const reportOf = (outcome: Pick<AnalysisOutcome, 'looks' | 'intervals' | 'windows' | 'decidedAt' | 'decidingMetric' | 'reason'>, decision: AnalysisDecision): AnalysisReport =>
    toAnalysisReport({
      plan,
      looks: outcome.looks,
      intervals: outcome.intervals,
      windows: outcome.windows,
      decision,
      decidedAt: outcome.decidedAt,
      decidingMetric: outcome.decidingMetric,
      reason: outcome.reason,
      versions: { canary: arms.canaryVersion, stable: arms.stableVersion },
      weight: record.weight,
      ...(mirror ? { mirror: mirror.percent } : {}),
      step: stepInfo,
    })

  let outcome: AnalysisOutcome
  let decision: AnalyzeResult['decision']
  let evidence: JsonValue | undefined
  deps.logger.info(
    mirror
      ? `paired analysis '${templateName}' of the shadow ${arms.canaryVersion} against ${arms.stableVersion} on the same requests (${mirroringPhrase(mirror.percent)}, methods ${mirror.methods.join(', ')}; step ${stepInfo.index} of ${stepInfo.count}), ${request.mode} mode`
      : `analysis '${templateName}' of ${arms.canaryVersion} against ${arms.stableVersion} at ${record.weight}% (step ${stepInfo.index} of ${stepInfo.count}), ${request.mode} mode`,
  )
  if (request.mode === 'watch') {
    let links = record.report
    let lastUpdate = Number.NEGATIVE_INFINITY
    outcome = await watchAnalysis(plan, arms, {
      metrics,
      clock: deps.clock,
      logger: deps.logger,
      onLook: async (look, progress) => {
        await deps.onLook?.(look, progress)
        if (look.decision !== 'continue') return // the verdict is published with the record below
        // Progress goes to the check run only, at most every PROGRESS_UPDATE_MS: an hour at one
        // look a minute costs 60 calls, not 180, of the token's 1,000 an hour.
        const now = deps.clock.now().getTime()
        if (now - lastUpdate < PROGRESS_UPDATE_MS) return
        lastUpdate = now
        const live = { ...record, ...(links ? { report: links } : {}) }
        const report = reportOf({ ...progress, decidedAt: null, decidingMetric: look.decidingMetric, reason: look.reason }, 'in-progress')
        links = (await deps.reporter.publish({ record: live, rollout: toRolloutReport(live, environment), analysis: report, status: 'in_progress', only: 'check-run' })) ?? links
        if (links) record.report = links
      },
    })
    decision = outcome.decision
  } else {
    const previous = readOnceEvidence(record, plan)
    const now = deps.clock.now()
    const lastEnd = previous?.windows.at(-1)?.end
    const window: TimeWindow = { start: lastEnd ? new Date(lastEnd) : new Date(now.getTime() - plan.intervalMs), end: now }
    const index = previous?.intervals.length ?? 0
    await metrics.begin?.(window.start)
    const { data, problems, instances: split } = await collectInterval(plan, arms, metrics, window, index)
    const instances = addInstanceCounts(previous?.instances, split, plan.judge.metrics)
    const intervals = [...(previous?.intervals ?? []), thin(data)]
    const windows = [...(previous?.windows.map((w) => ({ start: new Date(w.start), end: new Date(w.end) })) ?? []), window]
    const allProblems = [...(previous?.problems ?? []), ...problems].slice(-50)
    const startedAt = previous ? new Date(previous.startedAt) : window.start
    outcome = judgeRecorded(plan, intervals, windows, allProblems, startedAt, now, instances)
    decision = outcome.action === 'continue' ? 'continue' : outcome.decision
    const kept: OnceEvidence = {
      startedAt: startedAt.toISOString(),
      windows: windows.map((w) => ({ start: w.start.toISOString(), end: w.end.toISOString() })),
      intervals,
      problems: allProblems,
      ...(instances ? { instances } : {}),
    }
    evidence = { ...kept, intervals: intervals.map(intervalJson) } as unknown as JsonValue // JSON has no Infinity: +Inf bounds as "+Inf"
  }

  const report = reportOf(outcome, decision === 'continue' ? 'in-progress' : decision)
  const verdict = await recordVerdict(
    {
      policy: request.policy,
      environment: request.environment,
      decision,
      template: templateName,
      summary: outcome.reason,
      step: record.step,
      ...(evidence !== undefined ? { evidence } : {}),
      analysis: report,
    },
    deps,
  )
  return { decision, outcome, plan, record: verdict.record, report }
}

function readOnceEvidence(record: RolloutRecord, plan: AnalysisPlan): OnceEvidence | undefined {
  const evidence = record.evidence
  if (!evidence || evidence.step !== record.step || evidence.template !== plan.templateName) return undefined
  const data = withInfiniteBounds(evidence.data) as Partial<OnceEvidence> | null
  if (!data || !Array.isArray(data.intervals) || !Array.isArray(data.windows) || typeof data.startedAt !== 'string') return undefined
  const instances = data.instances && typeof data.instances === 'object' ? { instances: data.instances } : {}
  return { startedAt: data.startedAt, windows: data.windows, intervals: data.intervals, problems: Array.isArray(data.problems) ? data.problems : [], ...instances }
}

/** Keeps the record small: raw values are thinned to evenly spaced order statistics. */
function thin(data: IntervalData): IntervalData {
  const arm = (observations: Record<string, Observation | undefined>) =>
    Object.fromEntries(
      Object.entries(observations).map(([name, o]) => {
        if (!o || !('values' in o) || o.values.length <= ONCE_VALUES_KEPT) return [name, o]
        const sorted = [...o.values].sort((a, b) => a - b)
        const step = sorted.length / ONCE_VALUES_KEPT
        return [name, { values: Array.from({ length: ONCE_VALUES_KEPT }, (_, i) => sorted[Math.floor((i + 0.5) * step)] as number) }]
      }),
    )
  return { canary: arm(data.canary), baseline: arm(data.baseline) }
}

