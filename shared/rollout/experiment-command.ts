/**
 * analyze with `experiment: <name>`: plan the experiment, read and judge every complete interval
 * since its start, and report: the check run `rollgate/experiment/<name>` on the workflow's commit
 * and the job summary, both saying how much more traffic a decision needs. The `result` output is
 * versioned JSON with the decision, and the lift and its confidence sequence per variant.
 */
import { ConfigError } from '../errors.js'
import type { Logger } from '../action/logger.js'
import type { Clock } from '../clock.js'
import { experimentVerdict } from '../analysis/experiment/json.js'
import type { Policy } from '../config/policy.generated.js'
import { gitHubError } from '../github/client.js'
import type { ChecksPort, RepoRef } from '../github/ports.js'
import type { MetricsProvider, MetricsProviderConfig } from '../metrics/types.js'
import { experimentCheckName, renderExperimentCheckOutput, renderExperimentMarkdown, type ExperimentReport } from '../report/experiment.js'
import { appendJobSummary, publishCheckRun, type SummaryWriter } from '../report/publish.js'
import type { ReasonCode } from '../reason-codes.js'
import type { StateStore } from '../state/store.js'
import { judgeExperiment, planExperiment, toExperimentReport, type ExperimentOutcome, type ExperimentPlan } from './experiment.js'
import { RESULT_SCHEMA_VERSION } from './result.js'

export interface ExperimentCommandDeps {
  metrics: (config: MetricsProviderConfig) => MetricsProvider
  clock: Clock
  logger: Logger
  store?: Pick<StateStore, 'load'>
  /** Where the check run goes; without it only the job summary is written (CLI, tests). */
  checks?: { port: ChecksPort; repo: RepoRef; headSha: string; detailsUrl?: string }
  summary?: SummaryWriter
}

export interface ExperimentCommandResult {
  decision: ExperimentOutcome['decision']
  plan: ExperimentPlan
  outcome: ExperimentOutcome
  report: ExperimentReport
  reasonCode: ReasonCode
  checkRunUrl: string | null
}

export function experimentReasonCode(outcome: ExperimentOutcome): ReasonCode {
  const last = outcome.result.looks.at(-1)
  if (outcome.decision === 'inconclusive' && last?.sampleRatio?.mismatch) return 'experiment-sample-ratio-mismatch'
  switch (outcome.decision) {
    case 'winner':
      return 'experiment-winner'
    case 'no-difference':
      return 'experiment-no-difference'
    case 'inconclusive':
      return 'experiment-inconclusive'
    case 'continue':
      return 'experiment-in-progress'
  }
}

export async function analyzeExperiment(policy: Policy, name: string, environment: string, deps: ExperimentCommandDeps): Promise<ExperimentCommandResult> {
  const plan = planExperiment(policy, name)
  const split = plan.experiment.split
  if (split.type === 'traffic' && split.environment.toLowerCase() !== environment.toLowerCase()) {
    throw new ConfigError(`Input 'environment' is ${JSON.stringify(environment)}, but experiment '${name}' splits traffic in '${split.environment}'; pass environment: ${split.environment}.`, { reasonCode: 'invalid-input' })
  }
  const metrics = deps.metrics(plan.provider)
  const outcome = await judgeExperiment(plan, { metrics, clock: deps.clock, logger: deps.logger, policy, ...(deps.store ? { store: deps.store } : {}) })
  const report = toExperimentReport(plan, outcome)
  const reasonCode = experimentReasonCode(outcome)
  deps.logger.info(`experiment ${name}: ${outcome.decision}${outcome.winner ? ` ${outcome.winner}` : ''}: ${outcome.reason}`)
  if (deps.summary) await appendJobSummary(deps.summary, renderExperimentMarkdown(report))
  let checkRunUrl: string | null = null
  if (deps.checks) {
    const checkName = experimentCheckName(name)
    try {
      const state =
        outcome.decision === 'continue'
          ? { status: 'in_progress' as const }
          : { status: 'completed' as const, conclusion: outcome.decision === 'inconclusive' ? ('neutral' as const) : ('success' as const) }
      const run = await publishCheckRun(deps.checks.port, {
        ...deps.checks.repo,
        ...state,
        headSha: deps.checks.headSha,
        name: checkName,
        output: renderExperimentCheckOutput(report),
        externalId: `rollgate:experiment:${name}`,
        logger: deps.logger,
        sleep: (ms) => deps.clock.sleep(ms),
        ...(deps.checks.detailsUrl ? { detailsUrl: deps.checks.detailsUrl } : {}),
      })
      checkRunUrl = run.htmlUrl
    } catch (error) {
      deps.logger.warn(`could not update the check run ${checkName}: ${gitHubError('checks', error).message}`)
    }
  }
  return { decision: outcome.decision, plan, outcome, report, reasonCode, checkRunUrl }
}

/** The analyze action's `result` output for an experiment. */
export function experimentResultJson(result: ExperimentCommandResult): string {
  const { outcome, plan } = result
  const verdict = experimentVerdict(outcome.result, { looks: false })
  return JSON.stringify({
    schemaVersion: RESULT_SCHEMA_VERSION,
    action: 'analyze',
    reasonCode: result.reasonCode,
    message: `experiment ${plan.name} ${outcome.decision === 'continue' ? 'in progress' : outcome.decision}${outcome.winner ? ` ${outcome.winner}` : ''}: ${outcome.reason}`,
    experiment: plan.name,
    ...verdict,
    decision: outcome.decision,
    alpha: plan.judge.alpha,
    minimumEffect: plan.judge.minimumEffect,
    looks: outcome.result.looks.length,
    maxLooks: plan.maxIntervals,
    startedAt: plan.start.toISOString(),
    versions: outcome.versions,
    noData: outcome.problems.slice(-20),
    rollout: null,
  })
}
