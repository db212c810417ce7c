/**
 * The one place reports leave the process: the check run, the sticky PR comment and the job summary.
 * Each call is the fewest REST requests that do the job (a known id skips the lookup, an unchanged
 * comment is not rewritten), and each re-checks its size limit so a renderer bug truncates instead
 * of failing the step with a 422.
 */
import { stat } from 'node:fs/promises'
import type { ActionIO } from '../action/io.js'
import type { Logger } from '../action/logger.js'
import { writeOnce } from '../github/write-once.js'
import { MAX_PER_PAGE, listAll, type ChecksPort, type CommentsPort, type RepoRef, type ResponseData } from '../github/ports.js'
import { batches, type CheckAnnotation } from './annotations.js'
import { closeAndCut } from './fit.js'
import { CHECK_OUTPUT_LIMIT, COMMENT_LIMIT, JOB_SUMMARY_LIMIT } from './limits.js'
import { plainTitle, type CheckRunOutput } from './targets.js'
import { byteLength } from './text.js'

export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required'

/** GitHub requires a conclusion exactly when the run is completed. */
export type CheckRunState =
  | { status: 'queued' | 'in_progress'; conclusion?: undefined }
  | { status: 'completed'; conclusion: CheckConclusion }

export type PublishCheckRunParams = RepoRef &
  CheckRunState & {
    headSha: string
    /** `rollgate/<environment>`. */
    name: string
    output: CheckRunOutput
    /** Any number: sent 50 per request, the first batch with the create or update itself. */
    annotations?: CheckAnnotation[]
    detailsUrl?: string
    /** Tells our run apart from another with the same name on the same SHA. */
    externalId?: string
    /** A run created earlier in this job: updated without a lookup. */
    checkRunId?: number
    /** Known to have no run yet (a new rollout): created without a lookup. */
    createNew?: boolean
    completedAt?: string
    /** Says what happened after an ambiguous create (a lost answer). */
    logger?: Logger
    retryBackoffMs?: number
  }

export interface PublishedCheckRun {
  id: number
  htmlUrl: string | null
  created: boolean
  /** The GitHub App the token belongs to (`github-actions` for GITHUB_TOKEN): whose comments are ours. */
  appSlug?: string
  /** REST requests made: the budget the tests hold us to. */
  requests: number
}

/**
 * Creates or updates the check run `name` on `headSha`. Without `checkRunId`, one `listForRef`
 * finds the latest run of that name (ours by `externalId` when given) and updates it in place.
 */
export async function publishCheckRun(port: ChecksPort, params: PublishCheckRunParams): Promise<PublishedCheckRun> {
  const { owner, repo } = params
  const output = boundOutput(params.output)
  const [first = [], ...rest] = batches(params.annotations ?? [])
  let requests = 0
  let id = params.checkRunId
  let htmlUrl: string | null = null

  if (id === undefined && params.createNew !== true) {
    requests += 1
    const { data } = await port.checks.listForRef({
      owner,
      repo,
      ref: params.headSha,
      check_name: params.name,
      filter: 'latest',
      per_page: MAX_PER_PAGE,
    })
    const named = data.check_runs.filter((run) => run.name === params.name)
    const existing =
      (params.externalId !== undefined ? named.find((run) => run.external_id === params.externalId) : undefined) ?? named[0]
    if (existing) {
      id = existing.id
      htmlUrl = existing.html_url
    }
  }

  const common = {
    owner,
    repo,
    status: params.status,
    ...(params.conclusion !== undefined ? { conclusion: params.conclusion } : {}),
    ...(params.detailsUrl !== undefined ? { details_url: params.detailsUrl } : {}),
    ...(params.externalId !== undefined ? { external_id: params.externalId } : {}),
    ...(params.completedAt !== undefined ? { completed_at: params.completedAt } : {}),
    output: withAnnotations(output, first),
  }

  let created = false
  let appSlug: string | undefined
  if (id === undefined) {
    const create = async () => {
      requests += 1
      const { data } = await port.checks.create({ ...common, name: params.name, head_sha: params.headSha, request: { retries: 0 } })
      return { id: data.id, htmlUrl: data.html_url, slug: data.app?.slug }
    }
    // A create whose answer was lost: ours is the run of this name (and external id) on the commit.
    const landed = async () => {
      requests += 1
      const { data } = await port.checks.listForRef({ owner, repo, ref: params.headSha, check_name: params.name, filter: 'latest', per_page: MAX_PER_PAGE })
      const run = data.check_runs.find((r) => r.name === params.name && (params.externalId === undefined || r.external_id === params.externalId))
      return run ? { id: run.id, htmlUrl: run.html_url, slug: run.app?.slug } : undefined
    }
    const made = await writeOnce({ call: `checks.create (${params.name})`, logger: params.logger, write: create, landed, backoffMs: params.retryBackoffMs ?? 1000 })
    id = made.id
    htmlUrl = made.htmlUrl
    appSlug = made.slug ?? undefined
    created = true
  } else {
    requests += 1
    const { data } = await port.checks.update({ ...common, check_run_id: id })
    htmlUrl = data.html_url
    appSlug = data.app?.slug ?? undefined
  }

  // Later batches are appended by updates; the output is resent whole so nothing is cleared.
  for (const batch of rest) {
    requests += 1
    await port.checks.update({ owner, repo, check_run_id: id, output: withAnnotations(output, batch) })
  }
  return { id, htmlUrl, created, requests, ...(appSlug ? { appSlug } : {}) }
}

function withAnnotations(output: CheckRunOutput, annotations: CheckAnnotation[]) {
  return {
    title: output.title,
    summary: output.summary,
    ...(output.text !== undefined ? { text: output.text } : {}),
    ...(annotations.length > 0 ? { annotations } : {}),
  }
}

function boundOutput(output: CheckRunOutput): CheckRunOutput {
  const bounded: CheckRunOutput = {
    title: plainTitle(output.title) || 'Rollgate',
    summary: closeAndCut(output.summary, CHECK_OUTPUT_LIMIT, 'summary truncated'),
  }
  if (output.text !== undefined) bounded.text = closeAndCut(output.text, CHECK_OUTPUT_LIMIT, 'details truncated')
  return bounded
}

export interface UpsertCommentParams extends RepoRef {
  issueNumber: number
  /** The hidden marker (`stickyMarker(environment)`); the body is made to start with it. */
  marker: string
  body: string
  /** A comment found earlier: updated without paging through the thread. */
  commentId?: number
  /** Only a comment by this login counts as ours (e.g. `github-actions[bot]`), so nobody can plant the marker. */
  authorLogin?: string
  /** Pages of 100 comments searched before creating a new one (default 30). */
  maxPages?: number
  logger?: Logger
  retryBackoffMs?: number
}

export interface UpsertedComment {
  id: number
  htmlUrl: string
  created: boolean
  /** False when the comment already said exactly this. */
  changed: boolean
  requests: number
  /** Who the comment is by (the token's identity), to recognize it later. */
  author?: string
}

type IssueComment = ResponseData<CommentsPort['issues']['listComments']>[number]

/** Updates this environment's sticky comment in place, or creates it. */
export async function upsertStickyComment(port: Pick<CommentsPort, 'issues'>, params: UpsertCommentParams): Promise<UpsertedComment> {
  const { owner, repo, marker } = params
  const withMarker = params.body.startsWith(marker) ? params.body : `${marker}\n${params.body}`
  const body = closeAndCut(withMarker, COMMENT_LIMIT, 'comment truncated')
  let requests = 0

  if (params.commentId !== undefined) {
    requests += 1
    const { data } = await port.issues.updateComment({ owner, repo, comment_id: params.commentId, body })
    return { id: data.id, htmlUrl: data.html_url, created: false, changed: true, requests, ...(data.user?.login ? { author: data.user.login } : {}) }
  }

  const isOurs = (comment: IssueComment) =>
    (comment.body ?? '').trimStart().startsWith(marker) &&
    (params.authorLogin === undefined || comment.user?.login === params.authorLogin)
  const list: typeof port.issues.listComments = (async (...args: Parameters<typeof port.issues.listComments>) => {
    requests += 1
    return port.issues.listComments(...args)
  }) as typeof port.issues.listComments
  const comments = await listAll(list, { owner, repo, issue_number: params.issueNumber }, { until: isOurs, maxPages: params.maxPages ?? 30 })
  const existing = comments.find(isOurs)

  if (existing) {
    const author = existing.user?.login ? { author: existing.user.login } : {}
    if (existing.body === body) return { id: existing.id, htmlUrl: existing.html_url, created: false, changed: false, requests, ...author }
    requests += 1
    const { data } = await port.issues.updateComment({ owner, repo, comment_id: existing.id, body })
    return { id: data.id, htmlUrl: data.html_url, created: false, changed: true, requests, ...author }
  }
  const create = async () => {
    requests += 1
    const { data } = await port.issues.createComment({ owner, repo, issue_number: params.issueNumber, body, request: { retries: 0 } })
    return data
  }
  // A create whose answer was lost: look once more for our marker before posting a second comment.
  const landed = async () => {
    const again = await listAll(list, { owner, repo, issue_number: params.issueNumber }, { until: isOurs, maxPages: params.maxPages ?? 30 })
    return again.find(isOurs)
  }
  const data = await writeOnce({ call: `issues.createComment (#${params.issueNumber})`, logger: params.logger, write: create, landed, backoffMs: params.retryBackoffMs ?? 1000 })
  return { id: data.id, htmlUrl: data.html_url, created: true, changed: true, requests, ...(data.user?.login ? { author: data.user.login } : {}) }
}

/** Where the job summary goes: the runner's file through ActionIO, or a test's buffer. */
export interface SummaryWriter {
  /** Bytes already in this step's summary. */
  size(): Promise<number>
  /** Appends, followed by a line end. */
  append(markdown: string): Promise<void>
}

/** The step summary file behind `io.appendSummary` (`$GITHUB_STEP_SUMMARY`). */
export function stepSummaryWriter(io: ActionIO): SummaryWriter {
  return {
    size: async () => {
      const path = io.env.GITHUB_STEP_SUMMARY
      if (!path) return 0
      try {
        return (await stat(path)).size
      } catch {
        return 0
      }
    },
    append: (markdown) => io.appendSummary(markdown),
  }
}

export interface AppendedSummary {
  bytes: number
  truncated: boolean
}

/** Room left for the line end each append adds (CRLF on Windows runners). */
const LINE_END_BYTES = 2

/**
 * Appends to the step summary without ever passing the step's 1 MiB in total: past it the runner
 * drops the whole summary, so what does not fit is cut (with a note) or, with no room at all, skipped.
 */
export async function appendJobSummary(writer: SummaryWriter, markdown: string, limitBytes = JOB_SUMMARY_LIMIT): Promise<AppendedSummary> {
  const room = limitBytes - (await writer.size()) - LINE_END_BYTES
  if (room <= 0) return { bytes: 0, truncated: byteLength(markdown) > 0 }
  const text = closeAndCut(markdown, room, 'job summary truncated; full data in the `result` output')
  const bytes = byteLength(text)
  if (bytes === 0) return { bytes: 0, truncated: true }
  await writer.append(text)
  return { bytes, truncated: text !== markdown }
}
