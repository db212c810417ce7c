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
import type { ChecksPort, CommentsPort, RepoRef } from '../github/ports.js'
import type { MetricsProvider, MetricsProviderConfig } from '../metrics/types.js'
import { experimentCheckName, renderExperimentCheckOutput, renderExperimentComment, renderExperimentMarkdown, type ExperimentReport } from '../report/experiment.js'
import { renderStickyComment } from '../report/targets.js'
import type { RolloutRecord } from '../state/record.js'
import { DEFAULT_COMMENT_AUTHOR, toRolloutReport, upsertComment } from './reporter.js'
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
  /**
   * The environment's sticky PR comment, which also carries the verdict: on the event's pull
   * request, else on the one a traffic split's rollout record names. Without it, no comment.
   */
  comment?: { port: Pick<CommentsPort, 'issues'>; repo: RepoRef; pullRequest?: number }
  summary?: SummaryWriter
}

export interface ExperimentCommandResult {
  decision: ExperimentOutcome['decision']
  plan: ExperimentPlan
  outcome: ExperimentOutcome
  report: ExperimentReport
  reasonCode: ReasonCode
  checkRunUrl: string | null
  /** The sticky comment the verdict went to, when there was a pull request to put it on. */
  commentUrl: string | null
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
  let appSlug: string | undefined
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
      appSlug = run.appSlug
    } catch (error) {
      deps.logger.warn(`could not update the check run ${checkName}: ${gitHubError('checks', error).message}`)
    }
  }
  const commentUrl = deps.comment ? await publishComment(policy, environment, report, outcome.record, { ...deps.comment, logger: deps.logger, sleep: (ms) => deps.clock.sleep(ms), checkRunUrl, appSlug }) : null
  return { decision: outcome.decision, plan, outcome, report, reasonCode, checkRunUrl, commentUrl }
}

/**
 * The verdict in the environment's one sticky comment, in the same single update that keeps it
 * current: below the rollout's timeline when a traffic split's record is at hand (already read for
 * the versions, so no extra call), with the comment id the record caches (one call), or found by
 * its marker (two). A failure is a warning: the check run and the summary still carry the verdict.
 */
async function publishComment(
  policy: Policy,
  environment: string,
  report: ExperimentReport,
  record: RolloutRecord | null,
  target: NonNullable<ExperimentCommandDeps['comment']> & { logger: Logger; sleep: (ms: number) => Promise<void>; checkRunUrl: string | null; appSlug: string | undefined },
): Promise<string | null> {
  // Only a rollout whose canary is out serves the split now; an older record's pull request is done.
  const live = record?.phase === 'canary' ? record : null
  const links = live?.report ?? {}
  const pr = target.pullRequest ?? links.pullRequest
  if (pr === undefined) {
    target.logger.info(`experiment ${report.experiment}: no pull request (none in the event${live ? ', none in the rollout record' : ''}); the verdict is in the check run and the job summary`)
    return null
  }
  const ours = links.pullRequest === pr
  const author = (ours ? links.commentAuthor : undefined) ?? (target.appSlug ? `${target.appSlug}[bot]` : undefined) ?? links.commentAuthor ?? DEFAULT_COMMENT_AUTHOR
  const name = live?.environment ?? environment
  const config = policy.environments[name]
  const body = renderStickyComment({
    environment: name,
    ...(live && config ? { rollout: toRolloutReport(live, config) } : {}),
    experiment: renderExperimentComment(report, { checkRunUrl: target.checkRunUrl }),
  })
  try {
    const comment = await upsertComment(target.port, target.repo, pr, name, body, ours ? links.commentId : undefined, author, target.logger, target.sleep)
    return comment.htmlUrl
  } catch (error) {
    target.logger.warn(`could not update the pull request comment: ${gitHubError('issues comments', error).message}`)
    return null
  }
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
