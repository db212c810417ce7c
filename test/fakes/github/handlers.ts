/**
 * What the fake does for each operation it implements, keyed by operationId. Requests reach a
 * handler only after they validated against the OpenAPI description, so handlers check the rules
 * the schema cannot express (unknown refs, description length, fast-forwards...) and answer with
 * GitHub's status codes and messages for them.
 */
import {
  basicError,
  checkRun,
  collaboratorPermission,
  combinedStatus,
  commitStatus,
  contentDirectory,
  contentFile,
  deployment,
  deploymentStatus,
  fileCommit,
  gitCommit,
  gitRef,
  gitTree,
  iso,
  issueComment,
  pullRequest,
  pullRequestSimple,
  reaction,
  shortBlob,
  blob as blobObject,
  validationError,
  workflowDispatchResponse,
  type FieldError,
  type PullInput,
  type Site,
  type TreeEntryInput,
} from './factories.js'
import { unifiedDiff } from '../../../shared/flags/unified-diff.js'
import type { CheckRunRecord, CommentRecord, FakeGitHubState, PullModel, TreeEntry } from './state.js'
import type { CheckRun, CommitStatus, Deployment, DeploymentStatus, Reaction, SimpleUser } from './types.js'

export interface HandlerContext {
  state: FakeGitHubState
  site: Site
  viewer: SimpleUser
  pathParams: Record<string, unknown>
  query: Record<string, unknown>
  /** The validated JSON body; `{}` for operations without one. */
  body: Record<string, unknown>
  /** Absolute URL of the request, for Link headers. */
  requestUrl: URL
}

export interface HandlerResult {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export type Handler = (ctx: HandlerContext) => HandlerResult

/** An error answer GitHub would give; thrown by handlers, turned into a response by the server. */
export class GitHubHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${status}: ${JSON.stringify(body)}`)
  }
}

const notFound = (message = 'Not Found'): GitHubHttpError => new GitHubHttpError(404, basicError(message, 404))
const unprocessable = (message: string, errors: FieldError[] = []): GitHubHttpError =>
  new GitHubHttpError(422, validationError(message, errors))

const MAX_STATUS_DESCRIPTION = 140
const MAX_COMMENT_BODY = 65_536
const MAX_STATUSES_PER_CONTEXT = 1000

/** Slices one page and builds GitHub's Link header (first/prev/next/last). */
function paginate<T>(ctx: HandlerContext, items: T[]): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(ctx.query['per_page'] ?? 30), 1), 100)
  const page = Math.max(Number(ctx.query['page'] ?? 1), 1)
  const last = Math.max(1, Math.ceil(items.length / perPage))
  const link = (n: number, rel: string): string => {
    const url = new URL(ctx.requestUrl)
    url.searchParams.set('page', String(n))
    return `<${url.toString()}>; rel="${rel}"`
  }
  const links: string[] = []
  if (page > 1) links.push(link(page - 1, 'prev'))
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
  if (page > 1) links.push(link(1, 'first'))
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {},
  }
}

function list<T>(ctx: HandlerContext, items: T[]): HandlerResult {
  const { items: pageItems, headers } = paginate(ctx, items)
  return { status: 200, body: pageItems, headers }
}

const int = (ctx: HandlerContext, name: string): number => ctx.pathParams[name] as number
const str = (ctx: HandlerContext, name: string): string => String(ctx.pathParams[name])
const newestFirst = <T extends { id: number }>(items: T[]): T[] => [...items].sort((a, b) => b.id - a.id)

function commitOf(ctx: HandlerContext, ref: string, message = `No commit found for SHA: ${ref}`): string {
  const sha = ctx.state.resolveRef(ref)
  if (!sha) throw unprocessable(message)
  return sha
}

// ---------------------------------------------------------------------------------------------
// Deployments

function findDeployment(ctx: HandlerContext): Deployment {
  const found = ctx.state.deployments.find((d) => d.id === int(ctx, 'deployment_id'))
  if (!found) throw notFound()
  return found
}

/** Per context, the newest status of a commit. */
function latestStatuses(state: FakeGitHubState, sha: string): Map<string, CommitStatus> {
  const latest = new Map<string, CommitStatus>()
  for (const { status } of state.commitStatuses.filter((s) => s.sha === sha).sort((a, b) => b.status.id - a.status.id)) {
    if (!latest.has(status.context)) latest.set(status.context, status)
  }
  return latest
}

const createDeployment: Handler = (ctx) => {
  const body = ctx.body as {
    ref: string
    task?: string
    required_contexts?: string[]
    payload?: Record<string, unknown> | string
    environment?: string
    description?: string | null
    transient_environment?: boolean
    production_environment?: boolean
  }
  const sha = commitOf(ctx, body.ref, `No ref found for: ${body.ref}`)
  // Omitting required_contexts means every status context on the commit must be success.
  const latest = latestStatuses(ctx.state, sha)
  const required = body.required_contexts ?? [...latest.keys()]
  const failing = required.filter((c) => latest.get(c)?.state !== 'success')
  if (failing.length > 0) {
    throw new GitHubHttpError(409, {
      message: `Conflict: Commit status checks failed for ${body.ref}.`,
      errors: [{ contexts: failing.map((context) => ({ context, state: latest.get(context)?.state ?? 'missing' })), resource: 'Deployment', field: 'required_contexts', code: 'invalid' }],
      documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
    })
  }
  const environment = body.environment ?? 'production'
  let payload: Deployment['payload'] = body.payload ?? {}
  if (typeof payload === 'string') {
    try {
      const parsed: unknown = JSON.parse(payload)
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) payload = parsed as Record<string, unknown>
    } catch {
      // GitHub keeps a payload string that is not JSON as it is.
    }
  }
  const created = deployment(ctx.site, {
    id: ctx.state.nextId(),
    sha,
    ref: body.ref,
    task: body.task ?? 'deploy',
    payload,
    environment,
    description: body.description === undefined ? '' : body.description,
    creator: ctx.viewer,
    transientEnvironment: body.transient_environment ?? false,
    productionEnvironment: body.production_environment ?? environment === 'production',
    createdAt: ctx.state.now(),
  })
  ctx.state.deployments.push(created)
  return { status: 201, body: created }
}

const listDeployments: Handler = (ctx) => {
  const q = ctx.query as { sha?: string; ref?: string; task?: string; environment?: string | null }
  const matches = ctx.state.deployments.filter(
    (d) =>
      (q.sha === undefined || d.sha === q.sha) &&
      (q.ref === undefined || d.ref === q.ref) &&
      (q.task === undefined || d.task === q.task) &&
      (q.environment === undefined || q.environment === null || d.environment === q.environment),
  )
  return list(ctx, newestFirst(matches))
}

const createDeploymentStatus: Handler = (ctx) => {
  const target = findDeployment(ctx)
  const status = addDeploymentStatus(ctx, target, ctx.body as unknown as DeploymentStatusBody)
  return { status: 201, body: status, headers: { location: status.url } }
}

export interface DeploymentStatusBody {
  state: DeploymentStatus['state']
  target_url?: string
  log_url?: string
  description?: string
  environment?: string
  environment_url?: string
  auto_inactive?: boolean
}

/** Posts a deployment status as GitHub does, for REST and GraphQL alike (`auto_inactive` included). */
export function addDeploymentStatus(ctx: Pick<HandlerContext, 'state' | 'site' | 'viewer'>, target: Deployment, body: DeploymentStatusBody): DeploymentStatus {
  const description = body.description ?? ''
  if (description.length > MAX_STATUS_DESCRIPTION) {
    throw unprocessable('Validation Failed', [
      { resource: 'DeploymentStatus', field: 'description', code: 'custom', message: `description is too long (maximum is ${MAX_STATUS_DESCRIPTION} characters)` },
    ])
  }
  const now = ctx.state.now()
  if (body.environment !== undefined) target.environment = body.environment
  target.updated_at = iso(now)
  const status = deploymentStatus(ctx.site, target, {
    id: ctx.state.nextId(),
    state: body.state,
    description,
    environment: target.environment,
    logUrl: body.log_url ?? body.target_url ?? '',
    environmentUrl: body.environment_url ?? '',
    creator: ctx.viewer,
    createdAt: now,
  })
  ctx.state.statusesOf(target.id).push(status)
  // auto_inactive (default true): a success marks earlier successful deployments to the same
  // environment inactive, but only non-transient, non-production ones.
  if (body.state === 'success' && body.auto_inactive !== false) {
    for (const other of ctx.state.deployments) {
      if (other.id >= target.id || other.environment !== target.environment) continue
      if (other.transient_environment || other.production_environment) continue
      const statuses = ctx.state.statusesOf(other.id)
      if (statuses[statuses.length - 1]?.state !== 'success') continue
      statuses.push(
        deploymentStatus(ctx.site, other, {
          id: ctx.state.nextId(),
          state: 'inactive',
          description: '',
          environment: other.environment,
          logUrl: '',
          environmentUrl: '',
          creator: ctx.viewer,
          createdAt: now,
        }),
      )
    }
  }
  return status
}

// ---------------------------------------------------------------------------------------------
// Check runs

function findCheckRun(ctx: HandlerContext): CheckRunRecord {
  const found = ctx.state.checkRuns.find((r) => r.run.id === int(ctx, 'check_run_id'))
  if (!found) throw notFound()
  return found
}

type CheckRunBody = {
  name?: string
  head_sha?: string
  details_url?: string
  external_id?: string
  status?: CheckRun['status']
  started_at?: string
  conclusion?: NonNullable<CheckRun['conclusion']> | 'stale'
  completed_at?: string
  output?: { title?: string; summary?: string; text?: string; annotations?: unknown[] }
}

function minimalPulls(ctx: HandlerContext, sha: string): CheckRun['pull_requests'] {
  const repo = { id: ctx.site.repoId, url: `${ctx.site.api}/repos/${ctx.site.owner}/${ctx.site.repo}`, name: ctx.site.repo }
  return [...ctx.state.pulls.values()]
    .filter((p) => p.state === 'open' && ctx.state.pullHeadSha(p) === sha)
    .map((p) => ({
      id: p.id,
      number: p.number,
      url: `${repo.url}/pulls/${p.number}`,
      head: { ref: p.head.ref, sha, repo },
      base: { ref: p.base.ref, sha: p.base.sha, repo },
    }))
}

function applyCheckRunBody(record: CheckRunRecord, body: CheckRunBody, now: string): void {
  const run = record.run
  if (body.name !== undefined) run.name = body.name
  if (body.details_url !== undefined) run.details_url = body.details_url
  if (body.external_id !== undefined) run.external_id = body.external_id
  if (body.started_at !== undefined) run.started_at = body.started_at
  if (body.status !== undefined) run.status = body.status
  // Giving a conclusion completes the run, as on GitHub.
  if (body.conclusion !== undefined) {
    if (body.conclusion === 'stale') throw unprocessable('Validation Failed', [{ resource: 'CheckRun', field: 'conclusion', code: 'invalid', message: 'stale is set by GitHub only' }])
    run.conclusion = body.conclusion
    run.status = 'completed'
  }
  if (run.status === 'completed') {
    if (run.conclusion === null) {
      throw unprocessable('Validation Failed', [{ resource: 'CheckRun', field: 'conclusion', code: 'missing_field', message: 'conclusion must be given when status is completed' }])
    }
    run.completed_at = body.completed_at ?? run.completed_at ?? now
  }
  if (body.output) {
    if (body.output.title !== undefined) run.output.title = body.output.title
    if (body.output.summary !== undefined) run.output.summary = body.output.summary
    if (body.output.text !== undefined) run.output.text = body.output.text
    // Annotations are appended across updates (50 per request).
    record.annotations.push(...(body.output.annotations ?? []))
    run.output.annotations_count = record.annotations.length
  }
}

const createCheckRun: Handler = (ctx) => {
  const body = ctx.body as CheckRunBody & { name: string; head_sha: string }
  const sha = commitOf(ctx, body.head_sha)
  if (sha !== body.head_sha) throw unprocessable(`No commit found for SHA: ${body.head_sha}`)
  const now = iso(ctx.state.now())
  const record: CheckRunRecord = {
    run: checkRun(ctx.site, {
      id: ctx.state.nextId(),
      name: body.name,
      headSha: sha,
      status: 'queued',
      conclusion: null,
      startedAt: now,
      completedAt: null,
      externalId: '',
      detailsUrl: null,
      output: { title: null, summary: null, text: null, annotationsCount: 0 },
      checkSuiteId: ctx.state.checkSuiteFor(sha),
      pullRequests: minimalPulls(ctx, sha),
    }),
    annotations: [],
  }
  applyCheckRunBody(record, body, now)
  ctx.state.checkRuns.push(record)
  return { status: 201, body: record.run }
}

const updateCheckRun: Handler = (ctx) => {
  const record = findCheckRun(ctx)
  const draft: CheckRunRecord = { run: structuredClone(record.run), annotations: [...record.annotations] }
  applyCheckRunBody(draft, ctx.body as CheckRunBody, iso(ctx.state.now()))
  record.run = draft.run
  record.annotations = draft.annotations
  return { status: 200, body: record.run }
}

const listCheckRunsForRef: Handler = (ctx) => {
  const sha = commitOf(ctx, str(ctx, 'ref'))
  const q = ctx.query as { check_name?: string; status?: string; filter?: 'latest' | 'all' }
  let runs = newestFirst(ctx.state.checkRuns.map((r) => r.run)).filter(
    (r) => r.head_sha === sha && (q.check_name === undefined || r.name === q.check_name) && (q.status === undefined || r.status === q.status),
  )
  if ((q.filter ?? 'latest') === 'latest') {
    const seen = new Set<string>()
    runs = runs.filter((r) => !seen.has(r.name) && seen.add(r.name) !== undefined)
  }
  const { items, headers } = paginate(ctx, runs)
  return { status: 200, body: { total_count: runs.length, check_runs: items }, headers }
}

// ---------------------------------------------------------------------------------------------
// Commit statuses

const createCommitStatus: Handler = (ctx) => {
  const sha = str(ctx, 'sha')
  if (!/^[0-9a-f]{40}$/.test(sha) || !ctx.state.git.commits.has(sha)) throw unprocessable(`No commit found for SHA: ${sha}`)
  const body = ctx.body as { state: string; target_url?: string | null; description?: string | null; context?: string }
  const description = body.description ?? null
  if (description !== null && description.length > MAX_STATUS_DESCRIPTION) {
    throw unprocessable('Validation Failed', [
      { resource: 'Status', field: 'description', code: 'custom', message: `description is too long (maximum is ${MAX_STATUS_DESCRIPTION} characters)` },
    ])
  }
  const context = body.context ?? 'default'
  if (ctx.state.commitStatuses.filter((s) => s.sha === sha && s.status.context === context).length >= MAX_STATUSES_PER_CONTEXT) {
    throw unprocessable('Validation Failed', [
      { resource: 'Status', field: 'context', code: 'custom', message: 'This SHA and context has reached the maximum number of statuses.' },
    ])
  }
  const status = commitStatus(ctx.site, {
    id: ctx.state.nextId(),
    sha,
    state: body.state,
    description,
    targetUrl: body.target_url ?? null,
    context,
    creator: ctx.viewer,
    createdAt: ctx.state.now(),
  })
  ctx.state.commitStatuses.push({ sha, status })
  return { status: 201, body: status, headers: { location: status.url } }
}

const listCommitStatuses: Handler = (ctx) => {
  const sha = commitOf(ctx, str(ctx, 'ref'))
  return list(ctx, newestFirst(ctx.state.commitStatuses.filter((s) => s.sha === sha).map((s) => s.status)))
}

const getCombinedStatus: Handler = (ctx) => {
  const sha = commitOf(ctx, str(ctx, 'ref'))
  const { items } = paginate(ctx, [...latestStatuses(ctx.state, sha).values()])
  return { status: 200, body: combinedStatus(ctx.site, sha, items, ctx.state.repository(ctx.site)) }
}

// ---------------------------------------------------------------------------------------------
// Issue comments and reactions

function issueExists(ctx: HandlerContext, number: number): { isPullRequest: boolean } {
  if (ctx.state.pulls.has(number)) return { isPullRequest: true }
  if (ctx.state.issues.has(number)) return { isPullRequest: false }
  throw notFound()
}

function findComment(ctx: HandlerContext): CommentRecord {
  const found = ctx.state.comments.find((c) => c.comment.id === int(ctx, 'comment_id'))
  if (!found) throw notFound()
  return found
}

function checkCommentBody(body: string): void {
  if (body.length > MAX_COMMENT_BODY) {
    throw unprocessable('Validation Failed', [
      { resource: 'IssueComment', field: 'data', code: 'unprocessable', message: `Body is too long (maximum is ${MAX_COMMENT_BODY} characters)` },
    ])
  }
}

function renderComment(ctx: HandlerContext, record: CommentRecord, body: string, user: SimpleUser): void {
  record.comment = issueComment(ctx.site, {
    id: record.comment.id,
    issueNumber: record.issueNumber,
    isPullRequest: ctx.state.pulls.has(record.issueNumber),
    body,
    user,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    reactions: record.reactions,
  })
}

const createComment: Handler = (ctx) => {
  const number = int(ctx, 'issue_number')
  issueExists(ctx, number)
  const body = (ctx.body as { body: string }).body
  checkCommentBody(body)
  const now = ctx.state.now()
  const record: CommentRecord = {
    issueNumber: number,
    comment: { id: ctx.state.nextId() } as CommentRecord['comment'],
    reactions: [],
    createdAt: now,
    updatedAt: now,
  }
  renderComment(ctx, record, body, ctx.viewer)
  ctx.state.comments.push(record)
  return { status: 201, body: record.comment, headers: { location: record.comment.url } }
}

const updateComment: Handler = (ctx) => {
  const record = findComment(ctx)
  const body = (ctx.body as { body: string }).body
  checkCommentBody(body)
  record.updatedAt = ctx.state.now()
  renderComment(ctx, record, body, record.comment.user as SimpleUser)
  return { status: 200, body: record.comment }
}

const listComments: Handler = (ctx) => {
  const number = int(ctx, 'issue_number')
  issueExists(ctx, number)
  const since = ctx.query['since'] === undefined ? undefined : Date.parse(String(ctx.query['since']))
  const comments = ctx.state.comments
    .filter((c) => c.issueNumber === number && (since === undefined || c.updatedAt.getTime() >= since))
    .sort((a, b) => a.comment.id - b.comment.id)
    .map((c) => c.comment)
  return list(ctx, comments)
}

const createReaction: Handler = (ctx) => {
  const record = findComment(ctx)
  const content = (ctx.body as { content: Reaction['content'] }).content
  const existing = record.reactions.find((r) => r.content === content && r.user?.login === ctx.viewer.login)
  if (existing) return { status: 200, body: existing }
  const created = reaction({ id: ctx.state.nextId(), user: ctx.viewer, content, createdAt: ctx.state.now() })
  record.reactions.push(created)
  renderComment(ctx, record, record.comment.body ?? '', record.comment.user as SimpleUser)
  return { status: 201, body: created }
}

// ---------------------------------------------------------------------------------------------
// Pull requests

function renderPull(ctx: HandlerContext, pull: PullModel): PullInput {
  return {
    id: pull.id,
    number: pull.number,
    title: pull.title,
    body: pull.body,
    state: pull.state,
    draft: pull.draft,
    user: ctx.state.user(ctx.site, pull.user),
    head: { ref: pull.head.ref, sha: ctx.state.pullHeadSha(pull) },
    base: pull.base,
    merged: pull.merged,
    mergeCommitSha: pull.mergeCommitSha,
    mergedBy: pull.mergedBy === null ? null : ctx.state.user(ctx.site, pull.mergedBy),
    labels: pull.labels,
    requestedReviewers: (pull.requestedReviewers ?? []).map((login) => ctx.state.user(ctx.site, login)),
    createdAt: pull.createdAt,
    updatedAt: pull.updatedAt,
    closedAt: pull.closedAt,
    mergedAt: pull.mergedAt,
    repo: ctx.state.repository(ctx.site),
    ...(pull.headRepository !== undefined ? { headRepo: forkOf(ctx, pull.headRepository) } : {}),
  }
}

/** The fork a pull request's head lives in: the base repository under another owner and name. */
function forkOf(ctx: HandlerContext, fullName: string): ReturnType<FakeGitHubState['repository']> {
  const [owner = 'fork', name = ctx.state.repo] = fullName.split('/')
  const site = { ...ctx.site, owner, repo: name, repoId: ctx.site.repoId + 1 }
  return { ...ctx.state.repository(site), owner: ctx.state.user(site, owner), fork: true }
}

const getPull: Handler = (ctx) => {
  const pull = ctx.state.pulls.get(int(ctx, 'pull_number'))
  if (!pull) throw notFound()
  return { status: 200, body: pullRequest(ctx.site, renderPull(ctx, pull)) }
}

const listPulls: Handler = (ctx) => {
  const q = ctx.query as { state?: 'open' | 'closed' | 'all'; head?: string; base?: string; sort?: string; direction?: 'asc' | 'desc' }
  const wanted = q.state ?? 'open'
  // `head` is `user:branch` on GitHub.
  const headBranch = q.head === undefined ? undefined : q.head.includes(':') ? q.head.split(':')[1] : q.head
  const sortKey = q.sort === 'updated' ? (p: PullModel) => p.updatedAt.getTime() : (p: PullModel) => p.number
  const direction = q.direction ?? (q.sort === undefined || q.sort === 'created' ? 'desc' : 'asc')
  const pulls = [...ctx.state.pulls.values()]
    .filter((p) => (wanted === 'all' || p.state === wanted) && (headBranch === undefined || p.head.ref === headBranch) && (q.base === undefined || p.base.ref === q.base))
    .sort((a, b) => (direction === 'asc' ? 1 : -1) * (sortKey(a) - sortKey(b)))
  return list(
    ctx,
    pulls.map((p) => pullRequestSimple(ctx.site, renderPull(ctx, p))),
  )
}

const createPull: Handler = (ctx) => {
  const body = ctx.body as { title?: string; head: string; base: string; body?: string; draft?: boolean; issue?: number }
  const head = body.head.includes(':') ? (body.head.split(':')[1] ?? body.head) : body.head
  const headSha = ctx.state.git.refs.get(`refs/heads/${head}`)
  const baseSha = ctx.state.git.refs.get(`refs/heads/${body.base}`)
  const invalid: FieldError[] = []
  if (!headSha) invalid.push({ resource: 'PullRequest', field: 'head', code: 'invalid' })
  if (!baseSha) invalid.push({ resource: 'PullRequest', field: 'base', code: 'invalid' })
  if (body.title === undefined && body.issue === undefined) invalid.push({ resource: 'PullRequest', field: 'title', code: 'missing_field' })
  if (invalid.length > 0 || !headSha || !baseSha) throw unprocessable('Validation Failed', invalid)
  const duplicate = [...ctx.state.pulls.values()].find((p) => p.state === 'open' && p.head.ref === head && p.base.ref === body.base)
  if (duplicate) {
    throw unprocessable('Validation Failed', [{ resource: 'PullRequest', field: 'head', code: 'custom', message: `A pull request already exists for ${ctx.site.owner}:${head}.` }])
  }
  if (ctx.state.git.isAncestor(headSha, baseSha)) {
    throw unprocessable('Validation Failed', [{ resource: 'PullRequest', field: 'head', code: 'custom', message: `No commits between ${body.base} and ${head}` }])
  }
  const pull = ctx.state.seedPull({
    head,
    base: body.base,
    title: body.title ?? `Issue #${body.issue}`,
    body: body.body ?? null,
    user: ctx.viewer.login,
    draft: body.draft ?? false,
  })
  const created = pullRequest(ctx.site, renderPull(ctx, pull))
  return { status: 201, body: created, headers: { location: created.url } }
}

/** The pull request's files against its base, with unified-diff patches as GitHub sends them. */
const listPullFiles: Handler = (ctx) => {
  const pull = ctx.state.pulls.get(int(ctx, 'pull_number'))
  if (!pull) throw notFound()
  const before = ctx.state.files(pull.base.sha)
  const after = ctx.state.files(ctx.state.pullHeadSha(pull))
  const names = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f)).sort()
  const entries = names.map((filename) => {
    const a = before.get(filename) ?? null
    const b = after.get(filename) ?? null
    const patch = unifiedDiff({ file: filename, before: a ?? '', after: b }).split('\n').filter((l) => !l.startsWith('--- ') && !l.startsWith('+++ ')).join('\n').trimEnd()
    const additions = patch.split('\n').filter((l) => l.startsWith('+')).length
    const deletions = patch.split('\n').filter((l) => l.startsWith('-')).length
    const sha = b === null ? '0'.repeat(40) : ctx.state.git.writeBlob(Buffer.from(b))
    const web = `${ctx.site.web}/${ctx.site.owner}/${ctx.site.repo}`
    return {
      sha,
      filename,
      status: a === null ? ('added' as const) : b === null ? ('removed' as const) : ('modified' as const),
      additions,
      deletions,
      changes: additions + deletions,
      blob_url: `${web}/blob/${pull.head.sha}/${filename}`,
      raw_url: `${web}/raw/${pull.head.sha}/${filename}`,
      contents_url: `${ctx.site.api}/repos/${ctx.site.owner}/${ctx.site.repo}/contents/${filename}?ref=${pull.head.sha}`,
      patch,
    }
  })
  return list(ctx, entries)
}

const updatePull: Handler = (ctx) => {
  const pull = ctx.state.pulls.get(int(ctx, 'pull_number'))
  if (!pull) throw notFound()
  const body = ctx.body as { title?: string; body?: string; state?: 'open' | 'closed'; base?: string }
  if (body.title !== undefined) pull.title = body.title
  if (body.body !== undefined) pull.body = body.body
  if (body.state === 'closed' && pull.state === 'open') {
    pull.state = 'closed'
    pull.closedAt = ctx.state.now()
  } else if (body.state === 'open' && pull.state === 'closed' && !pull.merged) {
    pull.state = 'open'
    pull.closedAt = null
  }
  if (body.base !== undefined) {
    const baseSha = ctx.state.git.refs.get(`refs/heads/${body.base}`)
    if (!baseSha) throw unprocessable('Validation Failed', [{ resource: 'PullRequest', field: 'base', code: 'invalid' }])
    pull.base = { ref: body.base, sha: baseSha }
  }
  pull.updatedAt = ctx.state.now()
  return { status: 200, body: pullRequest(ctx.site, renderPull(ctx, pull)) }
}

const requestReviewers: Handler = (ctx) => {
  const pull = ctx.state.pulls.get(int(ctx, 'pull_number'))
  if (!pull) throw notFound()
  const body = ctx.body as { reviewers?: string[]; team_reviewers?: string[] }
  if ((body.reviewers ?? []).some((login) => login.toLowerCase() === pull.user.toLowerCase())) {
    throw unprocessable('Review cannot be requested from pull request author.')
  }
  pull.requestedReviewers = [...new Set([...(pull.requestedReviewers ?? []), ...(body.reviewers ?? [])])]
  pull.requestedTeams = [...new Set([...(pull.requestedTeams ?? []), ...(body.team_reviewers ?? [])])]
  return { status: 201, body: pullRequestSimple(ctx.site, renderPull(ctx, pull)) }
}

const addLabels: Handler = (ctx) => {
  const number = int(ctx, 'issue_number')
  const pull = ctx.state.pulls.get(number)
  if (!pull && !ctx.state.issues.has(number)) throw notFound()
  const raw = ctx.body as unknown
  const names = Array.isArray(raw) ? (raw as (string | { name: string })[]) : ((raw as { labels?: (string | { name: string })[] }).labels ?? [])
  const labels = names.map((l) => (typeof l === 'string' ? l : l.name))
  if (pull) pull.labels = [...new Set([...pull.labels, ...labels])]
  const all = pull ? pull.labels : labels
  return { status: 200, body: all.map((name, i) => ({ id: 2000 + i, node_id: `LA_${2000 + i}`, url: `${ctx.site.api}/repos/${ctx.site.owner}/${ctx.site.repo}/labels/${encodeURIComponent(name)}`, name, description: null, color: 'ededed', default: false })) }
}

const listPullsForCommit: Handler = (ctx) => {
  const sha = str(ctx, 'commit_sha')
  const resolved = ctx.state.resolveRef(sha)
  if (!resolved) throw unprocessable(`No commit found for SHA: ${sha}`)
  const pulls = [...ctx.state.pulls.values()]
    .filter((p) => ctx.state.pullHeadSha(p) === resolved || p.head.sha === resolved || p.mergeCommitSha === resolved || p.commits.includes(resolved))
    .sort((a, b) => b.number - a.number)
  return list(
    ctx,
    pulls.map((p) => pullRequestSimple(ctx.site, renderPull(ctx, p))),
  )
}

// ---------------------------------------------------------------------------------------------
// Git data

function refResult(ctx: HandlerContext, name: string): HandlerResult {
  const sha = ctx.state.git.refs.get(name)
  if (!sha) throw notFound()
  return { status: 200, body: gitRef(ctx.site, name, { sha, type: 'commit' }) }
}

const getRef: Handler = (ctx) => refResult(ctx, `refs/${str(ctx, 'ref')}`)

const createRef: Handler = (ctx) => {
  const body = ctx.body as { ref: string; sha: string }
  if (!/^refs\/[^/]+\/.+/.test(body.ref)) throw unprocessable(`Reference name must start with 'refs/' and have at least two slashes: ${body.ref}`)
  if (ctx.state.git.refs.has(body.ref)) throw unprocessable('Reference already exists')
  if (!ctx.state.git.commits.has(body.sha)) throw unprocessable('Object does not exist')
  ctx.state.git.refs.set(body.ref, body.sha)
  const created = gitRef(ctx.site, body.ref, { sha: body.sha, type: 'commit' })
  return { status: 201, body: created, headers: { location: created.url } }
}

const updateRef: Handler = (ctx) => {
  const name = `refs/${str(ctx, 'ref')}`
  const body = ctx.body as { sha: string; force?: boolean }
  const current = ctx.state.git.refs.get(name)
  if (!current) throw unprocessable('Reference does not exist')
  if (!ctx.state.git.commits.has(body.sha)) throw unprocessable('Object does not exist')
  if (!body.force && !ctx.state.git.isAncestor(current, body.sha)) throw unprocessable('Update is not a fast forward')
  ctx.state.git.refs.set(name, body.sha)
  return refResult(ctx, name)
}

const deleteRef: Handler = (ctx) => {
  const name = `refs/${str(ctx, 'ref')}`
  if (!ctx.state.git.refs.delete(name)) throw unprocessable('Reference does not exist')
  return { status: 204 }
}

const createBlob: Handler = (ctx) => {
  const body = ctx.body as { content: string; encoding?: string }
  const encoding = body.encoding ?? 'utf-8'
  if (encoding !== 'utf-8' && encoding !== 'base64') {
    throw unprocessable('Validation Failed', [{ resource: 'Blob', field: 'encoding', code: 'invalid', message: `encoding must be utf-8 or base64, got ${encoding}` }])
  }
  if (encoding === 'base64' && !isBase64(body.content)) throw unprocessable('content is not valid Base64')
  const sha = ctx.state.git.writeBlob(Buffer.from(body.content, encoding === 'base64' ? 'base64' : 'utf8'))
  const created = shortBlob(ctx.site, sha)
  return { status: 201, body: created, headers: { location: created.url } }
}

const getBlob: Handler = (ctx) => {
  const sha = str(ctx, 'file_sha')
  const content = ctx.state.git.blobs.get(sha)
  if (!content) throw notFound()
  return { status: 200, body: blobObject(ctx.site, sha, content) }
}

const MODES: Record<string, TreeEntry['type']> = { '100644': 'blob', '100755': 'blob', '120000': 'blob', '040000': 'tree', '160000': 'commit' }

const createTree: Handler = (ctx) => {
  const body = ctx.body as {
    base_tree?: string
    tree: { path?: string; mode?: string; type?: TreeEntry['type']; sha?: string | null; content?: string }[]
  }
  const git = ctx.state.git
  if (body.base_tree !== undefined && !git.trees.has(body.base_tree)) throw unprocessable('Invalid tree info')
  const files = body.base_tree === undefined ? new Map<string, TreeEntry>() : git.flatten(body.base_tree)
  body.tree.forEach((entry, index) => {
    const bad = (message: string): GitHubHttpError =>
      unprocessable('Validation Failed', [{ resource: 'Tree', field: `tree[${index}]`, code: 'invalid', message }])
    if (!entry.path || !entry.mode || !entry.type) throw bad('path, mode and type are required for each entry')
    if (MODES[entry.mode] !== entry.type) throw bad(`mode ${entry.mode} does not go with type ${entry.type}`)
    const path = entry.path.replace(/^\/+|\/+$/g, '')
    const removeAt = (): void => {
      for (const p of [...files.keys()]) if (p === path || p.startsWith(`${path}/`)) files.delete(p)
    }
    if (entry.sha === null) {
      removeAt()
    } else if (entry.content !== undefined) {
      if (entry.sha !== undefined) throw bad('give either sha or content, not both')
      if (entry.type !== 'blob') throw bad('content can only be given for blobs')
      files.set(path, { mode: entry.mode, type: 'blob', sha: git.writeBlob(Buffer.from(entry.content)) })
    } else if (entry.sha !== undefined) {
      if (entry.type === 'blob' && !git.blobs.has(entry.sha)) throw bad(`GitRPC::BadObjectState: blob ${entry.sha} does not exist`)
      if (entry.type === 'tree') {
        if (!git.trees.has(entry.sha)) throw bad(`GitRPC::BadObjectState: tree ${entry.sha} does not exist`)
        removeAt()
        for (const [p, e] of git.flatten(entry.sha, `${path}/`)) files.set(p, e)
      } else {
        files.set(path, { mode: entry.mode, type: entry.type, sha: entry.sha })
      }
    } else {
      throw bad('each entry needs sha or content')
    }
  })
  const sha = git.writeTree(files)
  const created = gitTree(ctx.site, sha, treeEntries(ctx, sha, false))
  return { status: 201, body: created, headers: { location: created.url ?? '' } }
}

function treeEntries(ctx: HandlerContext, sha: string, recursive: boolean, prefix = ''): TreeEntryInput[] {
  const tree = ctx.state.git.trees.get(sha)
  if (!tree) throw notFound()
  const out: TreeEntryInput[] = []
  for (const [name, entry] of tree) {
    const size = entry.type === 'blob' ? ctx.state.git.blobs.get(entry.sha)?.length ?? 0 : undefined
    out.push({ path: `${prefix}${name}`, mode: entry.mode, type: entry.type, sha: entry.sha, ...(size === undefined ? {} : { size }) })
    if (recursive && entry.type === 'tree') out.push(...treeEntries(ctx, entry.sha, true, `${prefix}${name}/`))
  }
  return out
}

const getTree: Handler = (ctx) => {
  const requested = str(ctx, 'tree_sha')
  const commit = ctx.state.git.commits.get(ctx.state.resolveRef(requested) ?? '')
  const sha = ctx.state.git.trees.has(requested) ? requested : commit?.tree
  if (!sha) throw notFound()
  // Any value of `recursive` turns it on, as documented.
  return { status: 200, body: gitTree(ctx.site, sha, treeEntries(ctx, sha, ctx.query['recursive'] !== undefined)) }
}

type PersonBody = { name: string; email: string; date?: string }

const createCommit: Handler = (ctx) => {
  const body = ctx.body as { message: string; tree: string; parents?: string[]; author?: PersonBody; committer?: Partial<PersonBody> }
  const git = ctx.state.git
  if (!git.trees.has(body.tree)) throw unprocessable('Tree SHA does not exist')
  for (const parent of body.parents ?? []) if (!git.commits.has(parent)) throw unprocessable('Parent SHA does not exist or is not a commit object')
  const now = iso(ctx.state.now())
  const author = body.author
    ? { name: body.author.name, email: body.author.email, date: body.author.date ?? now }
    : { name: ctx.viewer.login, email: `${ctx.viewer.id}+${ctx.viewer.login}@users.noreply.github.com`, date: now }
  const committer =
    body.committer?.name && body.committer.email ? { name: body.committer.name, email: body.committer.email, date: body.committer.date ?? now } : author
  const input = { tree: body.tree, parents: body.parents ?? [], message: body.message, author, committer }
  const sha = git.writeCommit(input)
  const created = gitCommit(ctx.site, { sha, ...input })
  return { status: 201, body: created, headers: { location: created.url } }
}

const getCommit: Handler = (ctx) => {
  const commit = ctx.state.git.commits.get(str(ctx, 'commit_sha'))
  if (!commit) throw notFound()
  return { status: 200, body: gitCommit(ctx.site, commit) }
}

// ---------------------------------------------------------------------------------------------
// Contents

function lookup(ctx: HandlerContext, treeSha: string, path: string): TreeEntry | undefined {
  let entry: TreeEntry | undefined = { mode: '040000', type: 'tree', sha: treeSha }
  for (const part of path.split('/').filter((p) => p !== '')) {
    if (entry?.type !== 'tree') return undefined
    entry = ctx.state.git.trees.get(entry.sha)?.get(part)
  }
  return entry
}

const getContent: Handler = (ctx) => {
  const path = str(ctx, 'path').replace(/^\/+|\/+$/g, '')
  const ref = (ctx.query['ref'] as string | undefined) ?? ctx.state.defaultBranch
  const sha = ctx.state.resolveRef(ref)
  if (!sha) throw notFound(`No commit found for the ref ${ref}`)
  const commit = ctx.state.git.commits.get(sha)
  const entry = commit ? lookup(ctx, commit.tree, path) : undefined
  if (!entry) throw notFound()
  if (entry.type === 'blob') {
    const content = ctx.state.git.blobs.get(entry.sha) ?? Buffer.alloc(0)
    return { status: 200, body: contentFile(ctx.site, { path, ref, sha: entry.sha, content }) }
  }
  const children = [...(ctx.state.git.trees.get(entry.sha) ?? new Map<string, TreeEntry>())].map(([name, e]) => ({
    path: path === '' ? name : `${path}/${name}`,
    sha: e.sha,
    type: e.type === 'tree' ? ('dir' as const) : ('file' as const),
    size: e.type === 'blob' ? (ctx.state.git.blobs.get(e.sha)?.length ?? 0) : 0,
  }))
  return { status: 200, body: contentDirectory(ctx.site, ref, children) }
}

const putContent: Handler = (ctx) => {
  const path = str(ctx, 'path').replace(/^\/+|\/+$/g, '')
  const body = ctx.body as { message: string; content: string; sha?: string; branch?: string; committer?: PersonBody; author?: PersonBody }
  const branch = body.branch ?? ctx.state.defaultBranch
  const head = ctx.state.git.refs.get(`refs/heads/${branch}`)
  if (!head) throw notFound(`Branch ${branch} not found`)
  if (!isBase64(body.content)) throw unprocessable('content is not valid Base64')
  const git = ctx.state.git
  const files = git.flatten(git.commits.get(head)?.tree ?? '')
  const existing = files.get(path)
  if (existing && body.sha === undefined) throw unprocessable(`Invalid request.\n\n"sha" wasn't supplied.`)
  if (existing && body.sha !== existing.sha) throw new GitHubHttpError(409, basicError(`${path} does not match ${body.sha}`, 409))
  const content = Buffer.from(body.content, 'base64')
  const blobSha = git.writeBlob(content)
  files.set(path, { mode: existing?.mode ?? '100644', type: 'blob', sha: blobSha })
  const now = iso(ctx.state.now())
  const author = body.author
    ? { name: body.author.name, email: body.author.email, date: body.author.date ?? now }
    : { name: ctx.viewer.login, email: `${ctx.viewer.id}+${ctx.viewer.login}@users.noreply.github.com`, date: now }
  const committer = body.committer ? { name: body.committer.name, email: body.committer.email, date: body.committer.date ?? now } : author
  const input = { tree: git.writeTree(files), parents: [head], message: body.message, author, committer }
  const sha = git.writeCommit(input)
  git.refs.set(`refs/heads/${branch}`, sha)
  return {
    status: existing ? 200 : 201,
    body: fileCommit(ctx.site, { path, ref: branch, sha: blobSha, size: content.length }, { sha, ...input }),
  }
}

// ---------------------------------------------------------------------------------------------
// Workflows and permissions

const dispatchWorkflow: Handler = (ctx) => {
  const body = ctx.body as { ref: string; inputs?: Record<string, unknown>; return_run_details?: boolean }
  commitOf(ctx, body.ref, `No ref found for: ${body.ref}`)
  const runId = ctx.state.nextId()
  ctx.state.dispatches.push({ workflowId: ctx.pathParams['workflow_id'] as string | number, ref: body.ref, inputs: body.inputs ?? {}, runId })
  if (body.return_run_details) return { status: 200, body: workflowDispatchResponse(ctx.site, runId) }
  return { status: 204 }
}

const getPermission: Handler = (ctx) => {
  const login = str(ctx, 'username')
  return { status: 200, body: collaboratorPermission(ctx.state.user(ctx.site, login), ctx.state.grant(login)) }
}

function isBase64(text: string): boolean {
  const compact = text.replace(/\s+/g, '')
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact)
}

export const handlers: Readonly<Record<string, Handler>> = {
  'repos/create-deployment': createDeployment,
  'repos/list-deployments': listDeployments,
  'repos/get-deployment': (ctx) => ({ status: 200, body: findDeployment(ctx) }),
  'repos/create-deployment-status': createDeploymentStatus,
  'repos/list-deployment-statuses': (ctx) => list(ctx, newestFirst(ctx.state.statusesOf(findDeployment(ctx).id))),
  'repos/get-deployment-status': (ctx) => {
    const status = ctx.state.statusesOf(findDeployment(ctx).id).find((s) => s.id === int(ctx, 'status_id'))
    if (!status) throw notFound()
    return { status: 200, body: status }
  },
  'checks/create': createCheckRun,
  'checks/update': updateCheckRun,
  'checks/get': (ctx) => ({ status: 200, body: findCheckRun(ctx).run }),
  'checks/list-for-ref': listCheckRunsForRef,
  'repos/create-commit-status': createCommitStatus,
  'repos/list-commit-statuses-for-ref': listCommitStatuses,
  'repos/get-combined-status-for-ref': getCombinedStatus,
  'issues/create-comment': createComment,
  'issues/update-comment': updateComment,
  'issues/list-comments': listComments,
  'issues/get-comment': (ctx) => ({ status: 200, body: findComment(ctx).comment }),
  'issues/delete-comment': (ctx) => {
    const record = findComment(ctx)
    ctx.state.comments.splice(ctx.state.comments.indexOf(record), 1)
    return { status: 204 }
  },
  'reactions/create-for-issue-comment': createReaction,
  'reactions/list-for-issue-comment': (ctx) => {
    const content = ctx.query['content']
    return list(ctx, findComment(ctx).reactions.filter((r) => content === undefined || r.content === content))
  },
  'repos/get-collaborator-permission-level': getPermission,
  'pulls/get': getPull,
  'pulls/list': listPulls,
  'pulls/create': createPull,
  'pulls/update': updatePull,
  'pulls/list-files': listPullFiles,
  'pulls/request-reviewers': requestReviewers,
  'issues/add-labels': addLabels,
  'repos/list-pull-requests-associated-with-commit': listPullsForCommit,
  'git/get-ref': getRef,
  'git/create-ref': createRef,
  'git/update-ref': updateRef,
  'git/delete-ref': deleteRef,
  'git/create-blob': createBlob,
  'git/get-blob': getBlob,
  'git/create-tree': createTree,
  'git/get-tree': getTree,
  'git/create-commit': createCommit,
  'git/get-commit': getCommit,
  'repos/get-content': getContent,
  'repos/create-or-update-file-contents': putContent,
  'actions/create-workflow-dispatch': dispatchWorkflow,
}

