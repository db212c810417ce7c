/**
 * Where a rollout's state shows up: the check run `rollgate/<environment>` on the canary's commit,
 * one sticky comment per environment on its pull request, and the job summary. Reporting never
 * undoes a traffic move: a failed report is a warning, the record keeps the truth.
 */
import type { Logger } from '../action/logger.js'
import { mirrorPercentOf } from '../config/mirror.js'
import type { Environment } from '../config/policy.generated.js'
import { gitHubError } from '../github/client.js'
import type { ChecksPort, CommentsPort, PullsPort, RepoRef } from '../github/ports.js'
import type { AnalysisReport, RolloutEvent, RolloutPhase, RolloutReport, RolloutStep, StepState } from '../report/model.js'
import { appendJobSummary, publishCheckRun, upsertStickyComment, type CheckConclusion, type SummaryWriter } from '../report/publish.js'
import { checkRunName, renderCheckRunOutput, renderJobSummary, renderRolloutCheckOutput, renderStickyComment, stickyMarker } from '../report/targets.js'
import type { ReportLinks as RecordReportLinks, RolloutRecord } from '../state/record.js'

export interface PublishRequest {
  record: RolloutRecord
  rollout: RolloutReport
  analysis?: AnalysisReport
  /** `in_progress` while the canary is out; completed with a conclusion at the end. */
  status: 'in_progress' | { conclusion: CheckConclusion }
  /** Where to publish (default everywhere); progress during an analysis updates the check run only. */
  only?: 'check-run'
}

export interface RolloutReporter {
  /** Publishes everywhere it can; returns where the reports now live, for the record. */
  publish(request: PublishRequest): Promise<RecordReportLinks | undefined>
  /** URL of the check run, when there is one. */
  readonly checkRunUrl: string | undefined
}

export interface GitHubReporterOptions {
  github: { checks: ChecksPort['checks']; issues: CommentsPort['issues']; repos: Pick<PullsPort['repos'], 'listPullRequestsAssociatedWithCommit'> }
  repo: RepoRef
  /** The pull request from the event, when the workflow runs for one (saves a lookup). */
  pullRequest?: number
  detailsUrl?: string
  summary?: SummaryWriter
  logger: Logger
  /** Counts REST calls (the API budget the tests and bench hold us to). */
  onRequest?: (count: number) => void
  /** Waits before a create whose answer was lost is sent again (the action's clock). */
  sleep?: (ms: number) => Promise<void>
}

/** The author of comments made with the workflow's GITHUB_TOKEN. */
export const DEFAULT_COMMENT_AUTHOR = 'github-actions[bot]'

export function createGitHubReporter(options: GitHubReporterOptions): RolloutReporter {
  const { logger, repo } = options
  let checkRunUrl: string | undefined
  const count = (n: number): void => options.onRequest?.(n)
  const pullRequestFor = async (record: RolloutRecord): Promise<number | undefined> => {
    if (options.pullRequest !== undefined) return options.pullRequest
    if (record.report?.pullRequest !== undefined) return record.report.pullRequest
    const sha = record.canary?.sha
    if (!sha) return undefined
    try {
      count(1)
      const { data } = await options.github.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: sha, per_page: 10 })
      return data.find((p) => p.state === 'open')?.number
    } catch (error) {
      logger.warn(gitHubError('repos.listPullRequestsAssociatedWithCommit', error).message)
      return undefined
    }
  }
  return {
    get checkRunUrl() {
      return checkRunUrl
    },
    async publish(request) {
      const { record } = request
      const links: RecordReportLinks = { ...record.report }
      const sha = record.canary?.sha
      let appSlug: string | undefined
      if (options.summary && request.only === undefined) {
        await appendJobSummary(options.summary, renderJobSummary({ rollout: request.rollout, ...(request.analysis ? { analysis: request.analysis } : {}) }))
      }
      if (sha) {
        try {
          const output = request.analysis ? renderCheckRunOutput(request.analysis) : renderRolloutCheckOutput(request.rollout)
          const state = request.status === 'in_progress' ? { status: 'in_progress' as const } : { status: 'completed' as const, conclusion: request.status.conclusion }
          const run = await publishCheckRun(options.github, {
            ...repo,
            ...state,
            headSha: sha,
            name: checkRunName(record.environment),
            output,
            ...(links.checkRunId !== undefined ? { checkRunId: links.checkRunId } : { createNew: true }),
            ...(options.detailsUrl ? { detailsUrl: options.detailsUrl } : {}),
            externalId: `rollgate:${record.environment}`,
            logger,
            ...(options.sleep ? { sleep: options.sleep } : {}),
          })
          count(run.requests)
          links.checkRunId = run.id
          appSlug = run.appSlug
          checkRunUrl = run.htmlUrl ?? undefined
        } catch (error) {
          logger.warn(`could not update the check run ${checkRunName(record.environment)}: ${gitHubError('checks', error).message}`)
          delete links.checkRunId
        }
      }
      const pr = request.only === undefined ? await pullRequestFor(record) : undefined
      if (pr !== undefined) {
        const known = links.pullRequest === pr ? links.commentId : undefined
        const body = renderStickyComment({ environment: record.environment, rollout: request.rollout, ...(request.analysis ? { analysis: request.analysis } : {}) })
        // Whose comments are ours: learnt from the check run (the token's app) or the cached comment.
        const author = (links.pullRequest === pr ? links.commentAuthor : undefined) ?? (appSlug ? `${appSlug}[bot]` : undefined) ?? links.commentAuthor ?? DEFAULT_COMMENT_AUTHOR
        try {
          const comment = await upsertComment(options.github, repo, pr, record.environment, body, known, author, logger, options.sleep)
          count(comment.requests)
          links.commentId = comment.id
          links.pullRequest = pr
          links.commentAuthor = comment.author ?? author
        } catch (error) {
          logger.warn(`could not update the pull request comment: ${gitHubError('issues comments', error).message}`)
        }
      }
      return links
    },
  }
}

/**
 * The environment's one sticky comment on the pull request: updated in place when the record
 * caches its id (for this PR), otherwise found by its hidden marker among the token's own comments
 * (paged; a marker pasted by someone else is not ours), and created only when there is none.
 * A cached comment that was deleted is searched for, then re-created.
 */
export async function upsertComment(
  github: Pick<GitHubReporterOptions['github'], 'issues'>,
  repo: RepoRef,
  pr: number,
  environment: string,
  body: string,
  known: number | undefined,
  author: string,
  logger: Logger,
  sleep: ((ms: number) => Promise<void>) | undefined,
) {
  const params = { ...repo, issueNumber: pr, marker: stickyMarker(environment), body, authorLogin: author, logger, ...(sleep ? { sleep } : {}) }
  if (known !== undefined) {
    try {
      return await upsertStickyComment(github, { ...params, commentId: known })
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error
      const found = await upsertStickyComment(github, params)
      return { ...found, requests: found.requests + 1 }
    }
  }
  return upsertStickyComment(github, params)
}

/** For the CLI and the demo: the same reports as Markdown through a callback. */
export function createLocalReporter(write: (markdown: string, request: PublishRequest) => void | Promise<void>): RolloutReporter {
  return {
    checkRunUrl: undefined,
    async publish(request) {
      await write(renderJobSummary({ rollout: request.rollout, ...(request.analysis ? { analysis: request.analysis } : {}) }), request)
      return request.record.report
    },
  }
}

const PHASES: Record<RolloutRecord['phase'], RolloutPhase> = {
  idle: 'pending',
  pending: 'pending',
  canary: 'canary',
  promoted: 'promoted',
  'rolled-back': 'rolled-back',
  aborted: 'aborted',
}

/** The record and the environment's steps as the report's view model. */
export function toRolloutReport(record: RolloutRecord, environment: Environment, links?: RolloutReport['links']): RolloutReport {
  const verdictOf = (i: number) => record.verdicts.find((v) => v.step === i)?.decision
  const steps: RolloutStep[] = environment.steps.map((step, i) => {
    let state: StepState = 'pending'
    if (record.phase === 'promoted') state = 'done'
    else if (i < record.step) state = 'done'
    else if (i === record.step) state = record.phase === 'rolled-back' || record.phase === 'aborted' ? 'failed' : 'current'
    const verdict = verdictOf(i)
    const mirror = mirrorPercentOf(step)
    return { weight: step.weight, ...(mirror === undefined ? {} : { mirror }), state, ...(step.analysis ? { analysis: step.analysis } : {}), ...(verdict ? { verdict } : {}) }
  })
  const history: RolloutEvent[] = record.history.map((h) => ({
    at: h.at,
    actor: h.actor,
    action: h.action,
    weight: h.weight,
    ...(h.mirror === undefined ? {} : { mirror: h.mirror }),
    ...(h.note ? { detail: h.note } : {}),
  }))
  return {
    environment: record.environment,
    phase: record.paused && record.phase === 'canary' ? 'paused' : PHASES[record.phase],
    versions: {
      ...(record.canary ? { canary: record.canary.version } : {}),
      ...(record.stable ? { stable: record.stable.version } : {}),
    },
    weight: record.weight,
    ...(record.mirror !== undefined && (record.phase === 'canary' || record.phase === 'pending') ? { mirror: record.mirror } : {}),
    steps,
    history,
    ...(record.reason ? { reason: record.reason } : {}),
    ...(links ? { links } : {}),
  }
}
