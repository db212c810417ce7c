/**
 * Narrow slices of the Octokit client, one per use (as in github/branch-deploy): a module declares
 * the port it needs, production passes the real Octokit (it satisfies every port structurally) and
 * a test passes an object with just those methods, or the Octokit pointed at the fake GitHub server.
 */
import type { Octokit } from './client.js'

type Rest = Octokit['rest']

/**
 * The call signatures only: Octokit's endpoint methods also carry `defaults` and `endpoint`, which
 * a fake should not have to provide.
 */
type Calls<T, K extends keyof T> = {
  [P in K]: T[P] extends (...args: infer A) => infer R ? (...args: A) => R : never
}

export interface DeploymentsPort {
  repos: Calls<Rest['repos'],
    'createDeployment' | 'listDeployments' | 'getDeployment' | 'createDeploymentStatus' | 'listDeploymentStatuses'
  >
}

export interface ChecksPort {
  checks: Calls<Rest['checks'], 'create' | 'update' | 'listForRef'>
}

export interface CommentsPort {
  issues: Calls<Rest['issues'], 'createComment' | 'updateComment' | 'listComments'>
  reactions: Calls<Rest['reactions'], 'createForIssueComment'>
}

export interface PermissionsPort {
  repos: Calls<Rest['repos'], 'getCollaboratorPermissionLevel'>
}

export interface PullsPort {
  pulls: Calls<Rest['pulls'], 'get' | 'list' | 'create'>
  repos: Calls<Rest['repos'], 'listPullRequestsAssociatedWithCommit'>
}

export interface GitDataPort {
  git: Calls<Rest['git'],
    'getRef' | 'createRef' | 'updateRef' | 'createBlob' | 'createTree' | 'createCommit' | 'getCommit' | 'getTree'
  >
}

export interface ContentsPort {
  repos: Calls<Rest['repos'], 'getContent' | 'createOrUpdateFileContents'>
}

export interface StatusesPort {
  repos: Calls<Rest['repos'], 'createCommitStatus'>
}

export interface WorkflowsPort {
  actions: Calls<Rest['actions'], 'createWorkflowDispatch'>
}

/** Owner and name, spread into every call. */
export interface RepoRef {
  owner: string
  repo: string
}

/** The data type a port method resolves to, e.g. `ResponseData<DeploymentsPort['repos']['getDeployment']>`. */
export type ResponseData<F extends (...args: never[]) => Promise<{ data: unknown }>> = Awaited<ReturnType<F>>['data']

export const MAX_PER_PAGE = 100

export interface ListAllOptions<Item, Data> {
  /** Where the items are in a page whose body is an object (`(d) => d.check_runs`). */
  items?: (data: Data) => Item[]
  /** Stop after this many pages (a budget guard: each page is one request). */
  maxPages?: number
  /** Stop early once this returns true for an item (it is included). */
  until?: (item: Item) => boolean
}

type PageFn<Params, Data> = (params: Params & { per_page: number; page: number }) => Promise<{
  data: Data
  headers: { link?: string | undefined }
}>

/**
 * Pages through a list endpoint 100 at a time, following `Link: rel="next"` (deployments and their
 * statuses often pass 100). Works on a narrow port method, which Octokit's `paginate` cannot.
 */
export async function listAll<Params, Data, Item = Data extends (infer I)[] ? I : never>(
  list: PageFn<Params, Data>,
  params: Params,
  options: ListAllOptions<Item, Data> = {},
): Promise<Item[]> {
  const pick = options.items ?? ((data: Data) => data as unknown as Item[])
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY
  const all: Item[] = []
  for (let page = 1; page <= maxPages; page++) {
    const response = await list({ ...params, per_page: MAX_PER_PAGE, page })
    const items = pick(response.data)
    for (const item of items) {
      all.push(item)
      if (options.until?.(item)) return all
    }
    // GitHub sends a Link header with rel="next" whenever another page exists (as Octokit's
    // paginate assumes); a full page without one is the last.
    if (!/<[^>]*>;\s*rel="next"/.test(response.headers.link ?? '')) break
  }
  return all
}
