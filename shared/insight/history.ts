/**
 * Reads the delivery history the report is computed from, through GitHub's GraphQL API (batched and
 * paginated; docs/insight.md, "Report"):
 * - the deployments of the chosen environments, newest first, 100 a page, each with its statuses,
 *   until the page reaches past the start of the window. Only Rollgate's own deployments are kept
 *   (task `deploy:rollgate` and a payload carrying a `rollgate` object, as the GitHub state store
 *   writes them); the ones GitHub creates for every job that names `environment:` are counted and
 *   left out;
 * - for each deployed commit, its merged pull requests (labels, head branch) and each one's first
 *   commit, 50 commits a query;
 * - the rollout record of each environment (`<environment>.json` on the state branch), read as a
 *   blob in one query: its history (the newest 50 events) holds the analysis verdicts.
 */
import type { Logger } from '../action/logger.js'
import type { GraphQLClient, RateLimitInfo } from '../github/graphql.js'
import type { RepoRef } from '../github/ports.js'
import { parseRecord, type HistoryEntry, type RolloutRecord } from '../state/record.js'
import { DEFAULT_STATE_BRANCH, DEPLOYMENT_TASK } from '../state/github-store.js'
import { environmentSlug } from '../state/store.js'

export type StatusState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success'

export interface StatusEvent {
  state: StatusState
  description: string
  createdAt: string
}

export interface RollgateDeployment {
  id: number
  environment: string
  createdAt: string
  sha: string
  description: string
  /** The canary as the payload's record names it. */
  version?: string
  ref?: string
  /** Oldest first. */
  statuses: StatusEvent[]
  /** The record as it was when the deployment was created (the payload's copy, short history). */
  payloadHistory: HistoryEntry[]
}

export interface PullInfo {
  number: number
  mergedAt: string | null
  headRefName: string
  labels: string[]
  /** Author date of the pull request's first commit. */
  firstCommitAt: string | undefined
}

export interface CommitInfo {
  oid: string
  authoredDate: string
  pulls: PullInfo[]
}

export interface History {
  repo: RepoRef
  environments: string[]
  since: string
  until: string
  /** Rollgate's deployments created in or after the window's start (newest first as read). */
  deployments: RollgateDeployment[]
  /** Deployments in the window that are not Rollgate's (GitHub's per-job ones, other tools). */
  ignored: number
  commits: Map<string, CommitInfo>
  /** The live rollout record of each environment that has one. */
  records: RolloutRecord[]
  /** Problems that did not stop the report (an unreadable record, a page cap reached). */
  warnings: string[]
}

export interface ReadHistoryOptions {
  repo: RepoRef
  environments: string[]
  since: Date
  until: Date
  stateBranch?: string
  /**
   * Deployments are read this far before the window too, so a rollout created before it but ended
   * inside it is counted (default 7 days).
   */
  lookBehindMs?: number
  /** Deployment pages of 100 read at most (a budget guard; default 100, i.e. 10,000 deployments). */
  maxPages?: number
  logger?: Pick<Logger, 'warn' | 'debug'>
}

export const DEPLOYMENTS_PER_PAGE = 100
export const STATUSES_PER_DEPLOYMENT = 30
export const COMMITS_PER_QUERY = 50
const PULLS_PER_COMMIT = 3
const LABELS_PER_PULL = 10

type GqlStatusState = 'ERROR' | 'FAILURE' | 'INACTIVE' | 'IN_PROGRESS' | 'QUEUED' | 'PENDING' | 'SUCCESS' | 'WAITING'

interface GqlStatusConnection {
  pageInfo: { hasNextPage: boolean; endCursor: string | null }
  nodes: ({ state: GqlStatusState; description: string | null; createdAt: string } | null)[] | null
}

interface GqlDeployment {
  id: string
  databaseId: number | null
  createdAt: string
  environment: string | null
  task: string | null
  description: string | null
  payload: string | null
  commitOid: string
  statuses: GqlStatusConnection | null
}

const STATUS_FIELDS = 'pageInfo { hasNextPage endCursor } nodes { state description createdAt }'

export const DEPLOYMENTS_QUERY = `query RollgateDeployments($owner: String!, $name: String!, $environments: [String!], $after: String) {
  rateLimit { cost remaining }
  repository(owner: $owner, name: $name) {
    deployments(environments: $environments, first: ${DEPLOYMENTS_PER_PAGE}, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id databaseId createdAt environment task description payload commitOid
        statuses(first: ${STATUSES_PER_DEPLOYMENT}) { ${STATUS_FIELDS} }
      }
    }
  }
}`

export async function readHistory(client: GraphQLClient, options: ReadHistoryOptions): Promise<History> {
  const { repo, environments } = options
  const warnings: string[] = []
  const warn = (message: string) => {
    warnings.push(message)
    options.logger?.warn(message)
  }
  const records = await readRecords(client, options, warn)
  const readFrom = options.since.getTime() - (options.lookBehindMs ?? 7 * 86_400_000)
  const maxPages = options.maxPages ?? 100

  const deployments: RollgateDeployment[] = []
  const unfinished: { deployment: RollgateDeployment; nodeId: string; after: string }[] = []
  let ignored = 0
  let after: string | null = null
  for (let page = 1; ; page++) {
    const data: {
      rateLimit: RateLimitInfo | null
      repository: { deployments: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: (GqlDeployment | null)[] | null } } | null
    } = await client.query('RollgateDeployments', DEPLOYMENTS_QUERY, { owner: repo.owner, name: repo.repo, environments, after })
    if (!data.repository) throw new Error(`GitHub GraphQL API: repository ${repo.owner}/${repo.repo} not found, or the token cannot read it`)
    const connection = data.repository.deployments
    let reachedStart = false
    for (const node of connection.nodes ?? []) {
      if (!node) continue
      const created = Date.parse(node.createdAt)
      if (created < readFrom) {
        reachedStart = true
        continue
      }
      const payload = rollgatePayload(node)
      if (!payload) {
        if (created >= options.since.getTime() && created <= options.until.getTime()) ignored++
        continue
      }
      const deployment: RollgateDeployment = {
        id: node.databaseId ?? 0,
        environment: node.environment ?? payload.record?.environment ?? '',
        createdAt: node.createdAt,
        sha: node.commitOid,
        description: node.description ?? '',
        statuses: statusesOf(node.statuses),
        payloadHistory: payload.record?.history ?? [],
        ...(payload.record?.canary ? { version: payload.record.canary.version, ref: payload.record.canary.ref } : {}),
      }
      deployments.push(deployment)
      if (node.statuses?.pageInfo.hasNextPage && node.statuses.pageInfo.endCursor) unfinished.push({ deployment, nodeId: node.id, after: node.statuses.pageInfo.endCursor })
    }
    if (reachedStart || !connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break
    if (page >= maxPages) {
      warn(`stopped after ${maxPages} pages of ${DEPLOYMENTS_PER_PAGE} deployments; the window's oldest rollouts are missing (raise the page cap, or shorten the window)`)
      break
    }
    after = connection.pageInfo.endCursor
  }
  await readRemainingStatuses(client, unfinished)

  const commits = await readCommits(client, repo, [...new Set(deployments.map((d) => d.sha))])
  return {
    repo,
    environments,
    since: options.since.toISOString(),
    until: options.until.toISOString(),
    deployments,
    ignored,
    commits,
    records,
    warnings,
  }
}

interface RollgatePayload {
  record?: Partial<RolloutRecord>
}

/**
 * Rollgate's own deployment: the task the GitHub state store sets and a payload with a `rollgate`
 * object. GitHub's per-job deployments have task `deploy` and an empty payload.
 */
export function rollgatePayload(node: Pick<GqlDeployment, 'task' | 'payload'>): RollgatePayload | undefined {
  if (node.task !== DEPLOYMENT_TASK || !node.payload) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(node.payload)
  } catch {
    return undefined
  }
  const rollgate = (parsed as { rollgate?: unknown } | null)?.rollgate
  if (!rollgate || typeof rollgate !== 'object') return undefined
  const record = (rollgate as { record?: unknown }).record
  if (!record || typeof record !== 'object') return {}
  const r = record as Partial<RolloutRecord>
  return { record: { ...r, history: Array.isArray(r.history) ? r.history.filter(isHistoryEntry) : [] } }
}

function isHistoryEntry(e: unknown): e is HistoryEntry {
  const entry = e as Partial<HistoryEntry> | null
  return !!entry && typeof entry.at === 'string' && typeof entry.action === 'string' && typeof entry.weight === 'number'
}

function statusesOf(connection: GqlStatusConnection | null): StatusEvent[] {
  return (connection?.nodes ?? []).flatMap((s) => (s ? [{ state: s.state.toLowerCase() as StatusState, description: s.description ?? '', createdAt: s.createdAt }] : []))
}

/** Deployments with more statuses than the first page: the rest, 20 deployments a query. */
async function readRemainingStatuses(client: GraphQLClient, unfinished: { deployment: RollgateDeployment; nodeId: string; after: string }[]): Promise<void> {
  let pending = unfinished
  while (pending.length > 0) {
    const batch = pending.slice(0, 20)
    pending = pending.slice(20)
    const vars: Record<string, unknown> = {}
    const fields = batch.map((b, i) => {
      vars[`id${i}`] = b.nodeId
      vars[`after${i}`] = b.after
      return `d${i}: node(id: $id${i}) { ... on Deployment { statuses(first: 100, after: $after${i}) { ${STATUS_FIELDS} } } }`
    })
    const defs = batch.map((_, i) => `$id${i}: ID!, $after${i}: String`).join(', ')
    const data = await client.query<{ rateLimit: RateLimitInfo | null } & Record<string, { statuses?: GqlStatusConnection | null } | null>>(
      'RollgateDeploymentStatuses',
      `query RollgateDeploymentStatuses(${defs}) {\n  rateLimit { cost remaining }\n  ${fields.join('\n  ')}\n}`,
      vars,
    )
    batch.forEach((b, i) => {
      const connection = (data[`d${i}`] as { statuses?: GqlStatusConnection | null } | null)?.statuses ?? null
      b.deployment.statuses.push(...statusesOf(connection))
      if (connection?.pageInfo.hasNextPage && connection.pageInfo.endCursor) pending.push({ ...b, after: connection.pageInfo.endCursor })
    })
  }
}

interface GqlCommit {
  oid: string
  authoredDate: string
  associatedPullRequests: {
    nodes: ({
      number: number
      mergedAt: string | null
      headRefName: string
      labels: { nodes: ({ name: string } | null)[] | null } | null
      commits: { nodes: ({ commit: { authoredDate: string } } | null)[] | null }
    } | null)[] | null
  } | null
}

const COMMIT_FIELDS = `... on Commit {
      oid authoredDate
      associatedPullRequests(first: ${PULLS_PER_COMMIT}) {
        nodes { number mergedAt headRefName labels(first: ${LABELS_PER_PULL}) { nodes { name } } commits(first: 1) { nodes { commit { authoredDate } } } }
      }
    }`

/** The deployed commits with their merged pull requests, 50 commits a query (aliases c0…c49). */
export async function readCommits(client: GraphQLClient, repo: RepoRef, oids: string[]): Promise<Map<string, CommitInfo>> {
  const out = new Map<string, CommitInfo>()
  for (let start = 0; start < oids.length; start += COMMITS_PER_QUERY) {
    const batch = oids.slice(start, start + COMMITS_PER_QUERY)
    const vars: Record<string, unknown> = { owner: repo.owner, name: repo.repo }
    const defs = batch.map((oid, i) => {
      vars[`o${i}`] = oid
      return `$o${i}: GitObjectID!`
    })
    const fields = batch.map((_, i) => `c${i}: object(oid: $o${i}) {\n    ${COMMIT_FIELDS}\n    }`)
    const query = `query RollgateCommits($owner: String!, $name: String!, ${defs.join(', ')}) {\n  rateLimit { cost remaining }\n  repository(owner: $owner, name: $name) {\n    ${fields.join('\n    ')}\n  }\n}`
    const data = await client.query<{ rateLimit: RateLimitInfo | null; repository: Record<string, GqlCommit | null> | null }>('RollgateCommits', query, vars)
    batch.forEach((oid, i) => {
      const c = data.repository?.[`c${i}`]
      if (!c || typeof c.authoredDate !== 'string') return
      out.set(oid, {
        oid,
        authoredDate: c.authoredDate,
        pulls: (c.associatedPullRequests?.nodes ?? []).flatMap((p) =>
          p
            ? [
                {
                  number: p.number,
                  mergedAt: p.mergedAt,
                  headRefName: p.headRefName,
                  labels: (p.labels?.nodes ?? []).flatMap((l) => (l ? [l.name] : [])),
                  firstCommitAt: p.commits.nodes?.[0]?.commit.authoredDate,
                },
              ]
            : [],
        ),
      })
    })
  }
  return out
}

/** Each environment's live record, `<environment>.json` on the state branch, in one query. */
async function readRecords(client: GraphQLClient, options: ReadHistoryOptions, warn: (m: string) => void): Promise<RolloutRecord[]> {
  const branch = options.stateBranch ?? DEFAULT_STATE_BRANCH
  const vars: Record<string, unknown> = { owner: options.repo.owner, name: options.repo.repo }
  const defs = options.environments.map((env, i) => {
    vars[`e${i}`] = `${branch}:${environmentSlug(env)}.json`
    return `$e${i}: String!`
  })
  const fields = options.environments.map((_, i) => `r${i}: object(expression: $e${i}) { ... on Blob { text isTruncated } }`)
  const query = `query RollgateRecords($owner: String!, $name: String!, ${defs.join(', ')}) {\n  rateLimit { cost remaining }\n  repository(owner: $owner, name: $name) {\n    ${fields.join('\n    ')}\n  }\n}`
  const data = await client.query<{ rateLimit: RateLimitInfo | null; repository: Record<string, { text?: string | null; isTruncated?: boolean } | null> | null }>('RollgateRecords', query, vars)
  const records: RolloutRecord[] = []
  options.environments.forEach((env, i) => {
    const blob = data.repository?.[`r${i}`]
    const where = `${options.repo.owner}/${options.repo.repo}@${branch}:${environmentSlug(env)}.json`
    if (!blob?.text) return
    if (blob.isTruncated) {
      warn(`${where} is too large for the GraphQL API to return whole; its verdicts are left out`)
      return
    }
    try {
      records.push(parseRecord(blob.text, where))
    } catch (error) {
      warn(`${where} cannot be read, so its verdicts are left out: ${(error as Error).message}`)
    }
  })
  return records
}
