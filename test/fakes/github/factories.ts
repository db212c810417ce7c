/**
 * One factory per kind of API object, building the whole object GitHub returns (every required
 * field, realistic URLs) so responses validate against the OpenAPI schema and code reading any
 * field of them meets what production would.
 */
import type {
  Blob,
  CheckRun,
  CollaboratorPermission,
  CombinedStatus,
  CommitStatus,
  ContentDirectory,
  ContentFile,
  Deployment,
  DeploymentStatus,
  FileCommit,
  GitCommit,
  GitRef,
  GitTree,
  Integration,
  IssueComment,
  MinimalRepository,
  PullRequest,
  PullRequestSimple,
  Reaction,
  Repository,
  ShortBlob,
  SimpleUser,
  WorkflowDispatchResponse,
} from './types.js'

/** Where objects live: the fake's own API root (so followed URLs hit the fake) and the web root. */
export interface Site {
  api: string
  web: string
  owner: string
  repo: string
  repoId: number
}

export const DOCS = 'https://docs.github.com/rest'

export function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function nodeId(kind: string, id: number): string {
  return Buffer.from(`0${kind.length}:${kind}${id}`).toString('base64').replace(/=+$/, '')
}

const repoApi = (site: Site): string => `${site.api}/repos/${site.owner}/${site.repo}`
const repoWeb = (site: Site): string => `${site.web}/${site.owner}/${site.repo}`

export function simpleUser(site: Pick<Site, 'api' | 'web'>, login: string, id: number): SimpleUser {
  const api = `${site.api}/users/${encodeURIComponent(login)}`
  const isBot = login.endsWith('[bot]')
  return {
    login,
    id,
    node_id: nodeId(isBot ? 'Bot' : 'User', id),
    avatar_url: `https://avatars.githubusercontent.com/${isBot ? 'in/' : 'u/'}${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: isBot ? `${site.web}/apps/${login.slice(0, -'[bot]'.length)}` : `${site.web}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: isBot ? 'Bot' : 'User',
    site_admin: false,
    user_view_type: 'public',
  }
}

/** The GitHub Actions app: the author of check runs created with GITHUB_TOKEN. */
export function actionsApp(site: Pick<Site, 'api' | 'web'>): Integration {
  const owner = { ...simpleUser(site, 'github', 9919), type: 'Organization', node_id: nodeId('Organization', 9919) }
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    client_id: 'Iv1.05c79e9ad1f6bdfa',
    owner,
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${site.web}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2024-04-10T20:33:16Z',
    permissions: {
      actions: 'write',
      checks: 'write',
      contents: 'write',
      deployments: 'write',
      issues: 'write',
      metadata: 'read',
      pull_requests: 'write',
      statuses: 'write',
    },
    events: ['branch_protection_rule', 'check_run', 'check_suite', 'create', 'delete', 'deployment', 'deployment_status', 'issue_comment', 'pull_request', 'push', 'status', 'workflow_dispatch'],
  }
}

export function repository(site: Site, owner: SimpleUser, options: { defaultBranch: string; createdAt: Date; pushedAt: Date }): Repository {
  const api = repoApi(site)
  const web = repoWeb(site)
  return {
    id: site.repoId,
    node_id: nodeId('Repository', site.repoId),
    name: site.repo,
    full_name: `${site.owner}/${site.repo}`,
    owner,
    private: false,
    html_url: web,
    description: 'A repository served by the fake GitHub API',
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git:${web.replace(/^https?:/, '')}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${new URL(site.web).host}:${site.owner}/${site.repo}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${web}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: web,
    homepage: null,
    language: 'TypeScript',
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 120,
    default_branch: options.defaultBranch,
    open_issues_count: 0,
    open_issues: 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'public',
    license: null,
    pushed_at: iso(options.pushedAt),
    created_at: iso(options.createdAt),
    updated_at: iso(options.pushedAt),
    allow_forking: true,
    web_commit_signoff_required: false,
  }
}

export function minimalRepository(full: Repository): MinimalRepository {
  return full as unknown as MinimalRepository
}

export interface DeploymentInput {
  id: number
  sha: string
  ref: string
  task: string
  payload: Deployment['payload']
  environment: string
  description: string | null
  creator: SimpleUser
  transientEnvironment: boolean
  productionEnvironment: boolean
  createdAt: Date
}

export function deployment(site: Site, input: DeploymentInput): Deployment {
  const url = `${repoApi(site)}/deployments/${input.id}`
  return {
    url,
    id: input.id,
    node_id: nodeId('Deployment', input.id),
    sha: input.sha,
    ref: input.ref,
    task: input.task,
    payload: input.payload,
    original_environment: input.environment,
    environment: input.environment,
    description: input.description,
    creator: input.creator,
    created_at: iso(input.createdAt),
    updated_at: iso(input.createdAt),
    statuses_url: `${url}/statuses`,
    repository_url: repoApi(site),
    transient_environment: input.transientEnvironment,
    production_environment: input.productionEnvironment,
    performed_via_github_app: null,
  }
}

export interface DeploymentStatusInput {
  id: number
  state: DeploymentStatus['state']
  description: string
  environment: string
  /** GitHub answers '' for URLs that were not given. */
  logUrl: string
  environmentUrl: string
  creator: SimpleUser
  createdAt: Date
}

export function deploymentStatus(site: Site, of: Deployment, input: DeploymentStatusInput): DeploymentStatus {
  return {
    url: `${of.url}/statuses/${input.id}`,
    id: input.id,
    node_id: nodeId('DeploymentStatus', input.id),
    state: input.state,
    creator: input.creator,
    description: input.description,
    environment: input.environment,
    target_url: input.logUrl,
    log_url: input.logUrl,
    environment_url: input.environmentUrl,
    created_at: iso(input.createdAt),
    updated_at: iso(input.createdAt),
    deployment_url: of.url,
    repository_url: repoApi(site),
    performed_via_github_app: null,
  }
}

export interface CheckRunInput {
  id: number
  name: string
  headSha: string
  status: CheckRun['status']
  conclusion: CheckRun['conclusion']
  startedAt: string | null
  completedAt: string | null
  externalId: string
  detailsUrl: string | null
  output: { title: string | null; summary: string | null; text: string | null; annotationsCount: number }
  checkSuiteId: number
  pullRequests: CheckRun['pull_requests']
}

export function checkRun(site: Site, input: CheckRunInput): CheckRun {
  const url = `${repoApi(site)}/check-runs/${input.id}`
  const html = `${repoWeb(site)}/runs/${input.id}`
  return {
    id: input.id,
    head_sha: input.headSha,
    node_id: nodeId('CheckRun', input.id),
    external_id: input.externalId,
    url,
    html_url: html,
    details_url: input.detailsUrl ?? html,
    status: input.status,
    conclusion: input.conclusion,
    started_at: input.startedAt,
    completed_at: input.completedAt,
    output: {
      title: input.output.title,
      summary: input.output.summary,
      text: input.output.text,
      annotations_count: input.output.annotationsCount,
      annotations_url: `${url}/annotations`,
    },
    name: input.name,
    check_suite: { id: input.checkSuiteId },
    app: actionsApp(site),
    pull_requests: input.pullRequests,
  }
}

export interface CommitStatusInput {
  id: number
  sha: string
  state: string
  description: string | null
  targetUrl: string | null
  context: string
  creator: SimpleUser
  createdAt: Date
}

export function commitStatus(site: Site, input: CommitStatusInput): CommitStatus {
  return {
    url: `${repoApi(site)}/statuses/${input.sha}`,
    avatar_url: input.creator.avatar_url,
    id: input.id,
    node_id: nodeId('StatusContext', input.id),
    state: input.state,
    description: input.description,
    target_url: input.targetUrl,
    context: input.context,
    created_at: iso(input.createdAt),
    updated_at: iso(input.createdAt),
    creator: input.creator,
  }
}

export function combinedStatus(site: Site, sha: string, latest: CommitStatus[], repo: Repository): CombinedStatus {
  const states = latest.map((s) => s.state)
  const state = states.some((s) => s === 'error' || s === 'failure')
    ? 'failure'
    : states.length > 0 && states.every((s) => s === 'success')
      ? 'success'
      : 'pending'
  return {
    state,
    statuses: latest.map((s) => ({
      description: s.description,
      id: s.id,
      node_id: s.node_id,
      state: s.state,
      context: s.context,
      target_url: s.target_url,
      required: false,
      avatar_url: s.avatar_url,
      url: s.url,
      created_at: s.created_at,
      updated_at: s.updated_at,
    })),
    sha,
    total_count: latest.length,
    repository: minimalRepository(repo),
    commit_url: `${repoApi(site)}/commits/${sha}`,
    url: `${repoApi(site)}/commits/${sha}/status`,
  }
}

const REACTIONS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'] as const

export interface IssueCommentInput {
  id: number
  issueNumber: number
  isPullRequest: boolean
  body: string
  user: SimpleUser
  createdAt: Date
  updatedAt: Date
  reactions: { content: string }[]
}

export function issueComment(site: Site, input: IssueCommentInput): IssueComment {
  const url = `${repoApi(site)}/issues/comments/${input.id}`
  const count = (content: string): number => input.reactions.filter((r) => r.content === content).length
  const rollup = Object.fromEntries(REACTIONS.map((c) => [c, count(c)])) as Record<(typeof REACTIONS)[number], number>
  return {
    id: input.id,
    node_id: nodeId('IssueComment', input.id),
    url,
    html_url: `${repoWeb(site)}/${input.isPullRequest ? 'pull' : 'issues'}/${input.issueNumber}#issuecomment-${input.id}`,
    body: input.body,
    user: input.user,
    created_at: iso(input.createdAt),
    updated_at: iso(input.updatedAt),
    issue_url: `${repoApi(site)}/issues/${input.issueNumber}`,
    author_association: input.user.type === 'Bot' ? 'NONE' : 'COLLABORATOR',
    performed_via_github_app: null,
    reactions: { url: `${url}/reactions`, total_count: input.reactions.length, ...rollup },
  }
}

export function reaction(input: { id: number; user: SimpleUser; content: Reaction['content']; createdAt: Date }): Reaction {
  return {
    id: input.id,
    node_id: nodeId('Reaction', input.id),
    user: input.user,
    content: input.content,
    created_at: iso(input.createdAt),
  }
}

export const ROLES = ['admin', 'maintain', 'write', 'triage', 'read', 'none'] as const
export type Role = (typeof ROLES)[number]

/** The legacy `permission` a role maps to (maintain → write, triage → read). */
export function legacyPermission(role: Role): 'admin' | 'write' | 'read' | 'none' {
  switch (role) {
    case 'admin':
      return 'admin'
    case 'maintain':
    case 'write':
      return 'write'
    case 'triage':
    case 'read':
      return 'read'
    case 'none':
      return 'none'
  }
}

export function collaboratorPermission(user: SimpleUser, grant: { roleName: string; base: Role }): CollaboratorPermission {
  const rank = ROLES.length - 1 - ROLES.indexOf(grant.base)
  const atLeast = (role: Role): boolean => rank >= ROLES.length - 1 - ROLES.indexOf(role)
  return {
    permission: legacyPermission(grant.base),
    role_name: grant.roleName,
    user: {
      ...user,
      permissions: { admin: atLeast('admin'), maintain: atLeast('maintain'), push: atLeast('write'), triage: atLeast('triage'), pull: atLeast('read') },
      role_name: grant.roleName,
    },
  }
}

export interface PullInput {
  id: number
  number: number
  title: string
  body: string | null
  state: 'open' | 'closed'
  draft: boolean
  user: SimpleUser
  head: { ref: string; sha: string }
  base: { ref: string; sha: string }
  merged: boolean
  mergeCommitSha: string | null
  mergedBy: SimpleUser | null
  labels: string[]
  requestedReviewers?: SimpleUser[]
  createdAt: Date
  updatedAt: Date
  closedAt: Date | null
  mergedAt: Date | null
  repo: Repository
  /** The fork holding the head branch, when it is not `repo`. */
  headRepo?: Repository
}

export function pullRequestSimple(site: Site, input: PullInput): PullRequestSimple {
  return pullRequest(site, input) as unknown as PullRequestSimple
}

export function pullRequest(site: Site, input: PullInput): PullRequest {
  const api = `${repoApi(site)}/pulls/${input.number}`
  const web = `${repoWeb(site)}/pull/${input.number}`
  const issue = `${repoApi(site)}/issues/${input.number}`
  const side = (s: { ref: string; sha: string }, repo: Repository = input.repo) => ({
    label: `${repo.owner.login}:${s.ref}`,
    ref: s.ref,
    sha: s.sha,
    user: repo.owner,
    repo,
  })
  return {
    url: api,
    id: input.id,
    node_id: nodeId('PullRequest', input.id),
    html_url: web,
    diff_url: `${web}.diff`,
    patch_url: `${web}.patch`,
    issue_url: issue,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${repoApi(site)}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: `${repoApi(site)}/statuses/${input.head.sha}`,
    number: input.number,
    state: input.state,
    locked: false,
    title: input.title,
    user: input.user,
    body: input.body,
    labels: input.labels.map((name, i) => ({
      id: 1000 + i,
      node_id: nodeId('Label', 1000 + i),
      url: `${repoApi(site)}/labels/${encodeURIComponent(name)}`,
      name,
      // pull-request-simple requires a string here, pull-request allows null: '' satisfies both.
      description: '',
      color: 'ededed',
      default: false,
    })),
    milestone: null,
    active_lock_reason: null,
    created_at: iso(input.createdAt),
    updated_at: iso(input.updatedAt),
    closed_at: input.closedAt ? iso(input.closedAt) : null,
    merged_at: input.mergedAt ? iso(input.mergedAt) : null,
    merge_commit_sha: input.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: input.requestedReviewers ?? [],
    requested_teams: [],
    head: side(input.head, input.headRepo),
    base: side(input.base),
    _links: {
      self: { href: api },
      html: { href: web },
      issue: { href: issue },
      comments: { href: `${issue}/comments` },
      review_comments: { href: `${api}/comments` },
      review_comment: { href: `${repoApi(site)}/pulls/comments{/number}` },
      commits: { href: `${api}/commits` },
      statuses: { href: `${repoApi(site)}/statuses/${input.head.sha}` },
    },
    author_association: 'COLLABORATOR',
    auto_merge: null,
    draft: input.draft,
    merged: input.merged,
    mergeable: input.state === 'open' ? true : null,
    rebaseable: input.state === 'open' ? true : null,
    mergeable_state: input.state === 'open' ? 'clean' : 'unknown',
    merged_by: input.mergedBy,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  }
}

export function gitRef(site: Site, ref: string, target: { sha: string; type: 'commit' | 'tag' }): GitRef {
  return {
    ref,
    node_id: nodeId('Ref', hashNumber(ref)),
    url: `${repoApi(site)}/git/${ref}`,
    object: { type: target.type, sha: target.sha, url: `${repoApi(site)}/git/${target.type}s/${target.sha}` },
  }
}

export function shortBlob(site: Site, sha: string): ShortBlob {
  return { url: `${repoApi(site)}/git/blobs/${sha}`, sha }
}

export function blob(site: Site, sha: string, content: Buffer): Blob {
  return {
    sha,
    node_id: nodeId('Blob', hashNumber(sha)),
    url: `${repoApi(site)}/git/blobs/${sha}`,
    size: content.length,
    content: base64Lines(content),
    encoding: 'base64',
  }
}

export interface TreeEntryInput {
  path: string
  mode: string
  type: 'blob' | 'tree' | 'commit'
  sha: string
  size?: number
}

export function gitTree(site: Site, sha: string, entries: TreeEntryInput[]): GitTree {
  return {
    sha,
    url: `${repoApi(site)}/git/trees/${sha}`,
    truncated: false,
    tree: entries.map((e) => ({
      path: e.path,
      mode: e.mode,
      type: e.type,
      sha: e.sha,
      ...(e.type === 'blob' ? { size: e.size ?? 0, url: `${repoApi(site)}/git/blobs/${e.sha}` } : {}),
      ...(e.type === 'tree' ? { url: `${repoApi(site)}/git/trees/${e.sha}` } : {}),
    })),
  }
}

export interface Person {
  name: string
  email: string
  date: string
}

export interface CommitInput {
  sha: string
  tree: string
  parents: string[]
  message: string
  author: Person
  committer: Person
}

export function gitCommit(site: Site, input: CommitInput): GitCommit {
  return {
    sha: input.sha,
    node_id: nodeId('Commit', hashNumber(input.sha)),
    url: `${repoApi(site)}/git/commits/${input.sha}`,
    html_url: `${repoWeb(site)}/commit/${input.sha}`,
    author: input.author,
    committer: input.committer,
    tree: { sha: input.tree, url: `${repoApi(site)}/git/trees/${input.tree}` },
    message: input.message,
    parents: input.parents.map((p) => ({
      sha: p,
      url: `${repoApi(site)}/git/commits/${p}`,
      html_url: `${repoWeb(site)}/commit/${p}`,
    })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  }
}

function contentLinks(site: Site, path: string, ref: string, sha: string, kind: 'blob' | 'tree') {
  const self = `${repoApi(site)}/contents/${encodePath(path)}?ref=${encodeURIComponent(ref)}`
  const git = `${repoApi(site)}/git/${kind}s/${sha}`
  const html = `${repoWeb(site)}/${kind}/${encodeURIComponent(ref)}/${encodePath(path)}`
  return { self, git, html }
}

export function contentFile(site: Site, input: { path: string; ref: string; sha: string; content: Buffer }): ContentFile {
  const links = contentLinks(site, input.path, input.ref, input.sha, 'blob')
  return {
    type: 'file',
    encoding: 'base64',
    size: input.content.length,
    name: input.path.split('/').pop() ?? input.path,
    path: input.path,
    content: base64Lines(input.content),
    sha: input.sha,
    url: links.self,
    git_url: links.git,
    html_url: links.html,
    download_url: `https://raw.githubusercontent.com/${site.owner}/${site.repo}/${encodeURIComponent(input.ref)}/${encodePath(input.path)}`,
    _links: links,
  }
}

export function contentDirectory(site: Site, ref: string, entries: { path: string; sha: string; type: 'file' | 'dir'; size: number }[]): ContentDirectory {
  return entries.map((e) => {
    const links = contentLinks(site, e.path, ref, e.sha, e.type === 'dir' ? 'tree' : 'blob')
    return {
      type: e.type,
      size: e.size,
      name: e.path.split('/').pop() ?? e.path,
      path: e.path,
      sha: e.sha,
      url: links.self,
      git_url: links.git,
      html_url: links.html,
      download_url:
        e.type === 'file' ? `https://raw.githubusercontent.com/${site.owner}/${site.repo}/${encodeURIComponent(ref)}/${encodePath(e.path)}` : null,
      _links: links,
    }
  })
}

export function fileCommit(site: Site, file: { path: string; ref: string; sha: string; size: number }, commit: CommitInput): FileCommit {
  const links = contentLinks(site, file.path, file.ref, file.sha, 'blob')
  const git = gitCommit(site, commit)
  return {
    content: {
      name: file.path.split('/').pop() ?? file.path,
      path: file.path,
      sha: file.sha,
      size: file.size,
      url: links.self,
      html_url: links.html,
      git_url: links.git,
      download_url: `https://raw.githubusercontent.com/${site.owner}/${site.repo}/${encodeURIComponent(file.ref)}/${encodePath(file.path)}`,
      type: 'file',
      _links: links,
    },
    commit: {
      sha: git.sha,
      node_id: git.node_id,
      url: git.url,
      html_url: git.html_url,
      author: git.author,
      committer: git.committer,
      message: git.message,
      tree: git.tree,
      parents: git.parents,
      verification: git.verification,
    },
  }
}

export function workflowDispatchResponse(site: Site, runId: number): WorkflowDispatchResponse {
  return {
    workflow_run_id: runId,
    run_url: `${repoApi(site)}/actions/runs/${runId}`,
    html_url: `${repoWeb(site)}/actions/runs/${runId}`,
  }
}

export function basicError(message: string, status: number, docs = DOCS): { message: string; documentation_url: string; status: string } {
  return { message, documentation_url: docs, status: String(status) }
}

export interface FieldError {
  resource: string
  field: string
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom'
  message?: string
}

export function validationError(message: string, errors: FieldError[] = [], docs = DOCS) {
  return { message, documentation_url: docs, status: '422', ...(errors.length > 0 ? { errors } : {}) }
}

/** GitHub wraps base64 content at 60 characters per line. */
export function base64Lines(content: Buffer): string {
  const b64 = content.toString('base64')
  return `${(b64.match(/.{1,60}/g) ?? []).join('\n')}\n`
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}

function hashNumber(text: string): number {
  let h = 0
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  return h
}
