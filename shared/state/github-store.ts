/**
 * The state store on GitHub.
 *
 * Where the record lives, and why. A rollout's record changes at every command (weight, verdicts,
 * lease, pending move), must be read back in one call, and must be written with a
 * compare-and-swap so that a lease claim is atomic. GitHub offers:
 * - the deployment payload: written once at creation, immutable after, and two concurrent
 *   createDeployment calls both succeed, so no claim can be atomic there;
 * - deployment statuses: `description` holds 140 characters, `log_url`/`environment_url` are URLs;
 *   far too small for the record;
 * - one deployment per state transition (the newest payload is the record): one read, but still
 *   no compare-and-swap, and the environment's page fills with a deployment per promote;
 * - a git ref per environment whose commit holds the record, updated fast-forward only: a real
 *   compare-and-swap, but a read costs two calls (ref, then commit) and a write three (tree,
 *   commit, ref update);
 * - a file on a dedicated branch through the Contents API: one call to read (`getContent` returns
 *   the text and its blob SHA) and one to write (`createOrUpdateFileContents` with `sha`, which
 *   GitHub refuses with 409 when the file is no longer at that blob, or with 422 when it exists and
 *   no `sha` was given). That is the compare-and-swap the lease needs, at one call per read or write.
 *
 * Rollgate uses the last: `<environment>.json` on the branch `rollgate-state` (created on the first
 * write, as an orphan commit holding only a README). The Deployments API still carries the rollout
 * where people look: one deployment per rollout (task `deploy:rollgate`, `ref` = the canary's SHA,
 * payload = the record as it was created, with the branch and file of the live record), and a
 * deployment status for every visible change (`in_progress` "canary at 25% (step 2)", `success`,
 * `failure`, `error`, and `inactive` on the deployment a promotion supersedes). Those are posted by
 * `save`, after the record was written, so a write that lost its race publishes nothing.
 *
 * Costs (REST calls): load 1; save 1, plus 1 createDeployment for a new rollout, plus 1 status when
 * the visible state changed. Two statuses at once (a production promotion marks the deployment it
 * supersedes `inactive`, since GitHub's `auto_inactive` skips production deployments; a revert marks
 * the restored one `success` again) go in one GraphQL request with one `createDeploymentStatus` per
 * deployment, instead of two REST calls. The environment's first Rollgate promotion, which knows no
 * predecessor, reads the environment's newest 100 deployments in that request's answer and marks
 * the older active ones in a second (only when there are some). Without a GraphQL port, or for a
 * deployment recorded before node IDs were kept, the REST calls are used. The first write to a
 * repository also creates the branch (3 calls, once).
 *
 * Commits to the state branch say `[skip ci]`; tokens whose pushes start workflows (PATs, apps)
 * would otherwise run `on: push` workflows for them. The token needs `contents: write` and
 * `deployments: write`.
 */
import { mirroringPhrase } from '../config/mirror.js'
import { ProviderError } from '../errors.js'
import type { Logger } from '../action/logger.js'
import { gitHubError } from '../github/client.js'
import { writeOnce } from '../github/write-once.js'
import { GraphQLClient, type GraphQLPort } from '../github/graphql.js'
import { listAll, type ContentsPort, type DeploymentsPort, type GitDataPort, type RepoRef } from '../github/ports.js'
import { RecordError, parseRecord, serializeRecord, type RolloutRecord } from './record.js'
import { BaseStateStore, StateConflictError, environmentSlug, type Snapshot } from './store.js'

export const DEFAULT_STATE_BRANCH = 'rollgate-state'
export const DEPLOYMENT_TASK = 'deploy:rollgate'
/** GitHub refuses longer deployment status descriptions (422). */
export const MAX_STATUS_DESCRIPTION = 140
/** At most this many deployments are marked inactive by one sweep (each is one request). */
export const SWEEP_LIMIT = 100

/** The calls this store makes: a narrow slice of Octokit. */
export interface GitHubStatePort {
  repos: DeploymentsPort['repos'] & ContentsPort['repos']
  git: Pick<GitDataPort['git'], 'createTree' | 'createCommit' | 'createRef'>
}

export interface GitHubStateStoreOptions {
  github: GitHubStatePort
  repo: RepoRef
  /** Branch holding the records (default `rollgate-state`). */
  branch?: string
  /** Whether the environment's deployments are production ones (the policy's `production`). */
  production?: (environment: string) => boolean
  /** This run's page, linked from every deployment status. */
  logUrl?: string
  /** The environment's URL, shown on its deployments. */
  environmentUrl?: (environment: string) => string | undefined
  /** GitHub's GraphQL API (the same Octokit): several deployment statuses in one request. */
  graphql?: GraphQLPort
  logger?: Logger
  clock?: () => Date
  /** Waits before a write is sent again after an ambiguous failure (the action's clock). */
  sleep?: (ms: number) => Promise<void>
}

type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success'

interface VisibleStatus {
  state: DeploymentState
  description: string
}

/** A status to post on one deployment; `nodeId` lets it go through GraphQL. */
interface StatusPost {
  id: number
  nodeId: string | undefined
  status: VisibleStatus
  environment?: string
}

/** Deployments of an environment as a status mutation's answer lists them, newest first. */
interface SweepList {
  nodes: { id: string; databaseId: number | null; state: string | null }[]
  pageInfo: { hasNextPage: boolean }
}

const README = `# Rollgate state

Rollgate keeps one rollout record per environment here (\`<environment>.json\`): versions, traffic
weight, verdicts, the command lease and a bounded history. Rollgate's actions read and write these
files with compare-and-swap; do not edit them while a rollout runs. Deleting this branch forgets the
rollouts (deployments keep their own copy of each record as it was created).
`

export class GitHubStateStore extends BaseStateStore {
  private readonly github: GitHubStatePort
  private readonly repo: RepoRef
  readonly branch: string
  /** Deployment status updates that failed (also sent to the logger): the record was written regardless. */
  readonly warnings: string[] = []
  private readonly options: GitHubStateStoreOptions

  constructor(options: GitHubStateStoreOptions) {
    super(options.clock)
    this.github = options.github
    this.repo = { owner: options.repo.owner, repo: options.repo.repo }
    this.branch = options.branch ?? DEFAULT_STATE_BRANCH
    this.options = options
  }

  describe(environment: string): string {
    return `${this.repo.owner}/${this.repo.repo}@${this.branch}:${this.pathOf(environment)}`
  }

  private pathOf(environment: string): string {
    return `${environmentSlug(environment)}.json`
  }

  /** Where the environment's record lives (for a caller that reads it together with something else). */
  location(environment: string): { branch: string; path: string } {
    return { branch: this.branch, path: this.pathOf(environment) }
  }

  /** A record read elsewhere (that caller's GraphQL request), checked as `load` checks it. */
  parse(environment: string, text: string): RolloutRecord {
    return parseRecord(text, this.describe(environment))
  }

  protected async read(environment: string): Promise<Snapshot | undefined> {
    const where = this.describe(environment)
    let data: Awaited<ReturnType<GitHubStatePort['repos']['getContent']>>['data']
    try {
      ;({ data } = await this.github.repos.getContent({ ...this.repo, path: this.pathOf(environment), ref: this.branch }))
    } catch (error) {
      // Missing file or missing branch: no record yet.
      if (statusOf(error) === 404) return undefined
      throw gitHubError(`repos.getContent (${where})`, error)
    }
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data) || typeof data.content !== 'string') {
      throw new RecordError(`${where} is not a file Rollgate can read`)
    }
    const text = Buffer.from(data.content, 'base64').toString('utf8')
    return { record: parseRecord(text, where), version: data.sha }
  }

  protected async write(record: RolloutRecord, expectedVersion: string | null, previous: RolloutRecord | undefined): Promise<Snapshot> {
    const where = this.describe(record.environment)
    // Validate before any side effect: a record that cannot be written creates no deployment either.
    serializeRecord(record, where)
    let toWrite = record
    let created: number | undefined
    if (needsDeployment(record)) {
      const deployment = await this.createDeployment(record)
      created = deployment.id
      toWrite = { ...record, deploymentId: deployment.id, ...(deployment.nodeId ? { deploymentNodeId: deployment.nodeId } : {}) }
    }
    const text = serializeRecord(toWrite, where)
    let version: string
    try {
      version = await this.putFile(toWrite, text, expectedVersion)
    } catch (error) {
      if (created !== undefined) {
        await this.postStatus(created, { state: 'error', description: 'Superseded: another Rollgate command changed the rollout first' })
      }
      throw error
    }
    const written = parseRecord(text, where)
    await this.publish(previous, written)
    return { record: written, version }
  }

  /**
   * Marks the environment's other deployments older than `keepId` inactive, paging past 100.
   * GitHub's `auto_inactive` skips production environments, and deployments made by other tools
   * never learn about Rollgate's: this is the first promotion's one-time cleanup. Returns how many
   * were marked; stops at `limit` (with a warning) to protect the API budget.
   */
  async markSuperseded(environment: string, keepId: number, limit = SWEEP_LIMIT): Promise<number> {
    let deployments: { id: number }[]
    try {
      deployments = await listAll(
        (params) => this.github.repos.listDeployments(params),
        { ...this.repo, environment },
      )
    } catch (error) {
      throw gitHubError(`repos.listDeployments (environment ${environment})`, error)
    }
    const older = deployments.filter((d) => d.id < keepId)
    const marked = older.slice(0, limit)
    for (const d of marked) {
      await this.postStatus(d.id, { state: 'inactive', description: `Superseded by Rollgate deployment ${keepId}` })
    }
    if (older.length > marked.length) {
      this.options.logger?.warn(
        `${environment} has ${older.length} earlier deployments; marked the newest ${marked.length} inactive and left the rest (a sweep is capped at ${limit} requests)`,
      )
    }
    return marked.length
  }

  /**
   * Posts the record's deployment status when the deployment's newest status is not it: a command
   * stopped after its record write (the runner killed it) left the deployment showing the state
   * before. One read; a write only when something is missing.
   */
  async reconcile(record: RolloutRecord): Promise<void> {
    const id = record.deploymentId
    const status = visibleStatus(record)
    if (id === undefined || !status) return
    let newest: { state: string; description?: string | null } | undefined
    try {
      const { data } = await this.github.repos.listDeploymentStatuses({ ...this.repo, deployment_id: id, per_page: 1 })
      newest = data[0]
    } catch (error) {
      this.warn(gitHubError(`repos.listDeploymentStatuses (deployment ${id})`, error))
      return
    }
    if (newest && newest.state === status.state && (newest.description ?? '') === truncate(status.description, MAX_STATUS_DESCRIPTION)) return
    this.options.logger?.info(`deployment ${id} showed ${newest ? `"${newest.state}"` : 'no status'}; posting "${status.state}: ${status.description}" to match the record`)
    await this.postStatus(id, status, record.environment)
  }

  private async putFile(record: RolloutRecord, text: string, expectedVersion: string | null): Promise<string> {
    const where = this.describe(record.environment)
    const params = {
      ...this.repo,
      path: this.pathOf(record.environment),
      branch: this.branch,
      message: `rollgate(${record.environment}): ${commitSummary(record)} [skip ci]`,
      content: Buffer.from(text, 'utf8').toString('base64'),
      ...(expectedVersion === null ? {} : { sha: expectedVersion }),
      // A 409 is a lost compare-and-swap, not a fault: the client's retries would only repeat it.
      request: { retries: 0 },
    }
    let branchCreated = false
    const call = `repos.createOrUpdateFileContents (${where})`
    const send = async (): Promise<string> => {
      const { data } = await this.github.repos.createOrUpdateFileContents(params)
      const sha = data.content?.sha
      if (!sha) throw new ProviderError('GitHub API', call, 'the answer names no blob SHA')
      return sha
    }
    // After an answer that does not say whether the write happened: ours if the file now holds
    // exactly our text; not landed if it is still at the version we wrote against; anything else
    // is someone else's write, which is never overwritten.
    const landed = async (): Promise<string | undefined> => {
      const current = await this.read(record.environment)
      if (current && serializeRecord(current.record, where) === text) return current.version
      if ((current?.version ?? null) === expectedVersion) return undefined
      throw new StateConflictError(record.environment, where, 'another command wrote it while this write went unanswered')
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await writeOnce({ call, logger: this.options.logger, write: send, landed, ...(this.options.sleep ? { sleep: this.options.sleep } : {}) })
      } catch (error) {
        if (error instanceof ProviderError || error instanceof StateConflictError) throw error
        const status = statusOf(error)
        const message = messageOf(error)
        if ((status === 404 || status === 422) && /branch/i.test(message) && expectedVersion === null && !branchCreated) {
          await this.createBranch()
          branchCreated = true
          continue
        }
        if (status === 404 || (status === 422 && /branch/i.test(message))) {
          throw new StateConflictError(record.environment, where, `the record (or the ${this.branch} branch) was deleted meanwhile`)
        }
        if (status === 409 || (status === 422 && expectedVersion === null && /sha/i.test(message))) {
          const current = await this.read(record.environment)
          // 409 also answers a write that raced a write to another file of the branch: if our
          // file is still at the expected blob, only the branch moved, and trying again is safe.
          if (current && current.version === expectedVersion && attempt < 4) continue
          // A retried request whose first attempt did land finds our own record there.
          if (current && serializeRecord(current.record, where) === text) return current.version
          throw new StateConflictError(record.environment, where, expectedVersion === null ? 'another command created it first' : undefined)
        }
        throw gitHubError(`repos.createOrUpdateFileContents (${where})`, error)
      }
    }
  }

  private async createBranch(): Promise<void> {
    const ref = `refs/heads/${this.branch}`
    try {
      const { data: tree } = await this.github.git.createTree({
        ...this.repo,
        tree: [{ path: 'README.md', mode: '100644', type: 'blob', content: README }],
      })
      const { data: commit } = await this.github.git.createCommit({
        ...this.repo,
        message: `rollgate: state branch [skip ci]`,
        tree: tree.sha,
        parents: [],
      })
      await this.github.git.createRef({ ...this.repo, ref, sha: commit.sha })
    } catch (error) {
      // Another command created it between our write and now: that is all we wanted.
      if (statusOf(error) === 422 && /already exists/i.test(messageOf(error))) return
      throw gitHubError(`creating the ${this.branch} branch (${ref})`, error)
    }
  }

  private async createDeployment(record: RolloutRecord): Promise<{ id: number; nodeId?: string }> {
    const canary = record.canary
    if (!canary) throw new RecordError(`${this.describe(record.environment)}: a rollout needs a canary before its deployment is created`)
    const environment = record.environment
    const op = record.pendingMove?.op ?? record.history.at(-1)?.op
    const create = async (): Promise<{ id: number; nodeId?: string }> => {
      const { data } = await this.github.repos.createDeployment({
        ...this.repo,
        ref: canary.sha,
        task: DEPLOYMENT_TASK,
        auto_merge: false,
        required_contexts: [],
        payload: this.payloadOf(record),
        environment,
        description: truncate(`Rollgate canary ${canary.version} (${canary.ref})`, MAX_STATUS_DESCRIPTION),
        transient_environment: false,
        production_environment: this.isProduction(environment),
        request: { retries: 0 },
      })
      if (!('id' in data)) {
        throw new ProviderError('GitHub API', 'repos.createDeployment', `GitHub answered "${data.message ?? 'no deployment'}" instead of creating one`)
      }
      return { id: data.id, ...(data.node_id ? { nodeId: data.node_id } : {}) }
    }
    // Ours: the deployment of this commit and environment whose payload carries this command's key.
    const landed = async (): Promise<{ id: number; nodeId?: string } | undefined> => {
      if (op === undefined) return undefined
      const { data } = await this.github.repos.listDeployments({ ...this.repo, sha: canary.sha, environment, task: DEPLOYMENT_TASK, per_page: 10 })
      const mine = data.find((d) => typeof d.payload === 'object' && (d.payload['rollgate'] as { op?: unknown } | undefined)?.op === op)
      return mine ? { id: mine.id, ...(mine.node_id ? { nodeId: mine.node_id } : {}) } : undefined
    }
    try {
      return await writeOnce({
        call: `repos.createDeployment (${environment}, ${canary.sha})`,
        logger: this.options.logger,
        write: create,
        landed,
        ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
      })
    } catch (error) {
      if (error instanceof ProviderError) throw error
      throw gitHubError(`repos.createDeployment (${environment}, ${canary.sha})`, error)
    }
  }

  /** The record as the rollout started, without the judge's evidence and with a short history. */
  private payloadOf(record: RolloutRecord): Record<string, unknown> {
    const { evidence: _evidence, lease: _lease, ...rest } = record
    const snapshot = JSON.parse(serializeRecord({ ...rest, history: record.history.slice(-5) })) as unknown
    const op = record.pendingMove?.op ?? record.history.at(-1)?.op
    return { rollgate: { schemaVersion: record.schemaVersion, liveRecord: this.describe(record.environment), ...(op ? { op } : {}), record: snapshot } }
  }

  private isProduction(environment: string): boolean {
    return this.options.production?.(environment) ?? environment.toLowerCase() === 'production'
  }

  /** Deployment statuses for what changed between two records (after the write succeeded). */
  private async publish(previous: RolloutRecord | undefined, written: RolloutRecord): Promise<void> {
    const id = written.deploymentId
    const status = visibleStatus(written)
    if (id === undefined || !status) return
    const before = previous?.deploymentId === id ? visibleStatus(previous) : undefined
    if (before && before.state === status.state && before.description === status.description) return
    const posts: StatusPost[] = [{ id, nodeId: written.deploymentNodeId, status, environment: written.environment }]
    let sweep = false

    const entry = written.history[written.history.length - 1]
    if (written.phase === 'promoted' && entry?.to === 'promoted' && this.isProduction(written.environment)) {
      // Production deployments are skipped by auto_inactive, so the one this promotion replaces is
      // marked here; without a known predecessor (the environment's first Rollgate promotion),
      // sweep whatever came before.
      const replaced = baselineDeployment(written)
      if (replaced?.deploymentId !== undefined && replaced.deploymentId !== id) {
        posts.push({ id: replaced.deploymentId, nodeId: replaced.deploymentNodeId, status: { state: 'inactive', description: `Superseded by ${written.canary?.version ?? 'a newer version'}` } })
      } else if (replaced?.deploymentId === undefined) {
        sweep = true
      }
    }
    if (written.phase === 'rolled-back' && entry?.from === 'promoted' && entry.to === 'rolled-back') {
      // A revert makes the known-good version's deployment the active one again.
      const restored = written.stable
      if (restored?.deploymentId !== undefined && restored.deploymentId !== id) {
        posts.push({
          id: restored.deploymentId,
          nodeId: restored.deploymentNodeId,
          status: { state: 'success', description: truncate(`Restored ${restored.version} after reverting ${written.canary?.version ?? ''}`, MAX_STATUS_DESCRIPTION) },
        })
      }
    }

    const graphql = this.options.graphql
    if (graphql && (posts.length > 1 || sweep) && posts.every((p) => p.nodeId !== undefined)) {
      const listed = await this.postStatusesGraphQL(graphql, posts, sweep ? written.environment : undefined)
      if (listed !== false) {
        if (listed) await this.sweepListed(graphql, written.environment, id, listed)
        return
      }
      // The GraphQL request failed (already warned): the REST calls say it again, once each.
    }
    for (const post of posts) await this.postStatus(post.id, post.status, post.environment)
    if (sweep) await this.markSuperseded(written.environment, id).catch((error: unknown) => this.warn(error))
  }

  /**
   * Posts the statuses in one GraphQL request (one aliased `createDeploymentStatus` each). With
   * `sweepEnvironment`, the first status's answer also lists that environment's newest deployments.
   * Returns that list (undefined without a sweep), or false when the request failed.
   */
  private async postStatusesGraphQL(port: GraphQLPort, posts: StatusPost[], sweepEnvironment?: string): Promise<SweepList | undefined | false> {
    const variables: Record<string, unknown> = {}
    const fields = posts.map((post, i) => {
      const environmentUrl = post.environment === undefined ? undefined : this.options.environmentUrl?.(post.environment)
      variables[`s${i}`] = {
        deploymentId: post.nodeId,
        state: post.status.state.toUpperCase(),
        description: truncate(post.status.description, MAX_STATUS_DESCRIPTION),
        ...(this.options.logUrl ? { logUrl: this.options.logUrl } : {}),
        ...(environmentUrl ? { environmentUrl } : {}),
      }
      const list =
        i === 0 && sweepEnvironment !== undefined
          ? ' deployment { repository { deployments(environments: [$environment], first: 100, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { id databaseId state } pageInfo { hasNextPage } } } }'
          : ''
      return `s${i}: createDeploymentStatus(input: $s${i}) { deploymentStatus { id${list} } }`
    })
    if (sweepEnvironment !== undefined) variables['environment'] = sweepEnvironment
    const declared = [...posts.map((_, i) => `$s${i}: CreateDeploymentStatusInput!`), ...(sweepEnvironment !== undefined ? ['$environment: String!'] : [])]
    const query = `mutation RollgateDeploymentStatuses(${declared.join(', ')}) {\n  ${fields.join('\n  ')}\n}`
    type Answer = Record<string, { deploymentStatus: { id: string; deployment?: { repository: { deployments: SweepList } } } | null } | null>
    try {
      const data = await new GraphQLClient(port, this.options.logger).query<Answer>('createDeploymentStatus', query, variables)
      return sweepEnvironment === undefined ? undefined : (data['s0']?.deploymentStatus?.deployment?.repository.deployments ?? { nodes: [], pageInfo: { hasNextPage: false } })
    } catch (error) {
      this.warn(error)
      return false
    }
  }

  /** Marks the listed deployments older than `keepId` that are not inactive yet, in one more GraphQL request. */
  private async sweepListed(port: GraphQLPort, environment: string, keepId: number, listed: SweepList): Promise<void> {
    const older = listed.nodes.filter((d) => d.databaseId !== null && d.databaseId < keepId && d.state !== 'INACTIVE' && d.state !== 'DESTROYED')
    const marked = older.slice(0, SWEEP_LIMIT)
    if (marked.length > 0) {
      const posts = marked.map((d) => ({ id: d.databaseId as number, nodeId: d.id, status: { state: 'inactive' as const, description: `Superseded by Rollgate deployment ${keepId}` } }))
      if ((await this.postStatusesGraphQL(port, posts)) === false) {
        for (const post of posts) await this.postStatus(post.id, post.status)
      }
    }
    if (listed.pageInfo.hasNextPage) {
      this.options.logger?.warn(`${environment} has more than 100 deployments; marked the older active ones among the newest 100 inactive and left the rest (a sweep reads one page)`)
    }
  }

  /** Statuses are the visible echo of a record already written: a failure is a warning, not a failed command. */
  private async postStatus(deploymentId: number, status: VisibleStatus, environment?: string): Promise<void> {
    const environmentUrl = environment === undefined ? undefined : this.options.environmentUrl?.(environment)
    try {
      await this.github.repos.createDeploymentStatus({
        ...this.repo,
        deployment_id: deploymentId,
        state: status.state,
        description: truncate(status.description, MAX_STATUS_DESCRIPTION),
        ...(this.options.logUrl ? { log_url: this.options.logUrl } : {}),
        ...(environmentUrl ? { environment_url: environmentUrl } : {}),
      })
    } catch (error) {
      this.warn(gitHubError(`repos.createDeploymentStatus (deployment ${deploymentId}, ${status.state})`, error))
    }
  }

  private warn(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error)
    this.warnings.push(message)
    this.options.logger?.warn(message)
  }
}

function needsDeployment(record: RolloutRecord): boolean {
  return record.deploymentId === undefined && record.canary !== undefined && (record.phase === 'pending' || record.phase === 'canary')
}

/** The stable version this rollout started from (with its deployment), as its deploy-canary recorded it. */
function baselineDeployment(record: RolloutRecord): { deploymentId?: number; deploymentNodeId?: string } | undefined {
  for (let i = record.history.length - 1; i >= 0; i--) {
    const entry = record.history[i]
    if (entry?.action === 'deploy-canary') return entry.stable
  }
  return undefined
}

/** The deployment status a record shows; none while a move is in flight or before the first one. */
export function visibleStatus(record: RolloutRecord): VisibleStatus | undefined {
  if (record.pendingMove) return undefined
  const version = record.canary?.version ?? ''
  switch (record.phase) {
    case 'canary':
      return {
        state: 'in_progress',
        // A mirror step's canary serves none: `mirroring 20% of requests to the canary (serves none) (step 1): v2`.
        description: truncate(
          `${record.mirror === undefined ? `${record.paused ? 'paused' : 'canary'} at ${record.weight}%` : `${record.paused ? 'paused, ' : ''}${mirroringPhrase(record.mirror)}`} (step ${record.step + 1}): ${version}`,
          MAX_STATUS_DESCRIPTION,
        ),
      }
    case 'promoted':
      return { state: 'success', description: truncate(`promoted ${version} to 100%`, MAX_STATUS_DESCRIPTION) }
    case 'rolled-back':
      return {
        state: 'failure',
        description: truncate(`rolled back to ${record.stable?.version ?? 'the stable version'}: ${record.reason ?? 'no reason given'}`, MAX_STATUS_DESCRIPTION),
      }
    case 'aborted':
      return { state: 'error', description: truncate(`aborted: ${record.reason ?? 'no reason given'}`, MAX_STATUS_DESCRIPTION) }
    default:
      return undefined
  }
}

function commitSummary(record: RolloutRecord): string {
  if (record.pendingMove) return `${record.pendingMove.command} moving ${record.pendingMove.from}% → ${record.pendingMove.to}%`
  const status = visibleStatus(record)
  if (status) return status.description
  return record.lease ? `lease for run ${record.lease.owner.runId}/${record.lease.owner.runAttempt}` : record.phase
}

/** At most `max` UTF-16 units (GitHub counts those), never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  let cut = max - 1
  const code = text.charCodeAt(cut - 1)
  if (code >= 0xd800 && code <= 0xdbff) cut--
  return `${text.slice(0, cut)}…`
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status
  return typeof status === 'number' ? status : undefined
}

function messageOf(error: unknown): string {
  const response = (error as { response?: { data?: { message?: unknown } } }).response
  const fromBody = response?.data?.message
  return typeof fromBody === 'string' ? fromBody : error instanceof Error ? error.message : String(error)
}
