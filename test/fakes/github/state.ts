/**
 * What the fake GitHub knows: one repository with its git objects, deployments, checks, statuses,
 * comments, pull requests and collaborators. Tests seed it before a scenario and inspect it after.
 */
import { createHash } from 'node:crypto'
import {
  iso,
  legacyPermission,
  repository,
  simpleUser,
  type Person,
  type Role,
  type Site,
} from './factories.js'
import type {
  CheckRun,
  CommitStatus,
  Deployment,
  DeploymentStatus,
  IssueComment,
  Reaction,
  Repository,
  SimpleUser,
} from './types.js'

/** A role (`'maintain'`), or a custom role with the built-in role it extends. */
export type PermissionSeed = Role | { roleName: string; base: Role }

export interface PullModel {
  id: number
  number: number
  title: string
  body: string | null
  state: 'open' | 'closed'
  draft: boolean
  user: string
  head: { ref: string; sha: string }
  base: { ref: string; sha: string }
  /** `owner/name` of the fork the head branch lives in; the repository itself when unset. */
  headRepository?: string
  merged: boolean
  mergeCommitSha: string | null
  mergedBy: string | null
  labels: string[]
  /** Logins and team slugs asked to review (pulls/request-reviewers). */
  requestedReviewers?: string[]
  requestedTeams?: string[]
  /** Commits that belong to the PR besides its head (for "PRs associated with a commit"). */
  commits: string[]
  createdAt: Date
  updatedAt: Date
  closedAt: Date | null
  mergedAt: Date | null
}

export interface CommentRecord {
  issueNumber: number
  comment: IssueComment
  /** Kept apart from the comment: the comment's reaction rollup is derived from these. */
  reactions: Reaction[]
  /** Raw fields the rendered comment is rebuilt from. */
  createdAt: Date
  updatedAt: Date
}

export interface CheckRunRecord {
  run: CheckRun
  annotations: unknown[]
}

export interface TreeEntry {
  mode: string
  type: 'blob' | 'tree' | 'commit'
  sha: string
}

export interface CommitObject {
  sha: string
  tree: string
  parents: string[]
  message: string
  author: Person
  committer: Person
}

export interface WorkflowDispatch {
  workflowId: string | number
  ref: string
  inputs: Record<string, unknown>
  runId: number
}

/** Git objects with real git SHA-1 ids, so SHAs behave (same content → same SHA). */
export class GitStore {
  readonly blobs = new Map<string, Buffer>()
  /** Tree sha → direct children by name. */
  readonly trees = new Map<string, Map<string, TreeEntry>>()
  readonly commits = new Map<string, CommitObject>()
  /** Full ref name (`refs/heads/main`) → commit sha. */
  readonly refs = new Map<string, string>()

  writeBlob(content: Buffer): string {
    const sha = gitHash('blob', content)
    this.blobs.set(sha, content)
    return sha
  }

  /** Stores a tree (and its subtrees) from a flat map of file paths; returns the root sha. */
  writeTree(files: Map<string, TreeEntry>): string {
    const children = new Map<string, TreeEntry>()
    const subdirs = new Map<string, Map<string, TreeEntry>>()
    for (const [path, entry] of files) {
      const slash = path.indexOf('/')
      if (slash === -1) {
        children.set(path, entry)
        continue
      }
      const dir = path.slice(0, slash)
      const sub = subdirs.get(dir) ?? new Map<string, TreeEntry>()
      sub.set(path.slice(slash + 1), entry)
      subdirs.set(dir, sub)
    }
    for (const [dir, sub] of subdirs) children.set(dir, { mode: '040000', type: 'tree', sha: this.writeTree(sub) })
    // git orders tree entries by name, directories compared as if they ended in '/'.
    const sorted = [...children.entries()].sort(([a, ea], [b, eb]) =>
      compareBytes(ea.type === 'tree' ? `${a}/` : a, eb.type === 'tree' ? `${b}/` : b),
    )
    const body = Buffer.concat(
      sorted.map(([name, e]) =>
        Buffer.concat([Buffer.from(`${e.mode.replace(/^0/, '')} ${name}\0`), Buffer.from(e.sha, 'hex')]),
      ),
    )
    const sha = gitHash('tree', body)
    this.trees.set(sha, new Map(sorted))
    return sha
  }

  /** Every non-tree entry below a tree, by full path. */
  flatten(treeSha: string, prefix = ''): Map<string, TreeEntry> {
    const out = new Map<string, TreeEntry>()
    const tree = this.trees.get(treeSha)
    if (!tree) throw new Error(`fake GitHub: unknown tree ${treeSha}`)
    for (const [name, entry] of tree) {
      const path = `${prefix}${name}`
      if (entry.type === 'tree') for (const [p, e] of this.flatten(entry.sha, `${path}/`)) out.set(p, e)
      else out.set(path, entry)
    }
    return out
  }

  writeCommit(input: Omit<CommitObject, 'sha'>): string {
    const person = (p: Person): string => `${p.name} <${p.email}> ${Math.floor(Date.parse(p.date) / 1000)} +0000`
    const text = [
      `tree ${input.tree}`,
      ...input.parents.map((p) => `parent ${p}`),
      `author ${person(input.author)}`,
      `committer ${person(input.committer)}`,
      '',
      input.message,
    ].join('\n')
    const sha = gitHash('commit', Buffer.from(text))
    this.commits.set(sha, { sha, ...input })
    return sha
  }

  isAncestor(ancestor: string, of: string): boolean {
    const seen = new Set<string>()
    const queue = [of]
    while (queue.length > 0) {
      const sha = queue.pop() as string
      if (sha === ancestor) return true
      if (seen.has(sha)) continue
      seen.add(sha)
      queue.push(...(this.commits.get(sha)?.parents ?? []))
    }
    return false
  }
}

export interface FakeGitHubStateOptions {
  /** `owner/repo` the fake serves; requests for any other repository get 404. */
  repository?: string
  defaultBranch?: string
  /** The login every token authenticates as. */
  viewer?: string
}

export class FakeGitHubState {
  readonly owner: string
  readonly repo: string
  readonly defaultBranch: string
  /** The login every token authenticates as (GITHUB_TOKEN acts as github-actions[bot]). */
  viewer: string
  /** Time source for created_at/updated_at; tests may pin it. */
  clock: () => Date = () => new Date()

  readonly git = new GitStore()
  readonly deployments: Deployment[] = []
  readonly deploymentStatuses = new Map<number, DeploymentStatus[]>()
  readonly checkRuns: CheckRunRecord[] = []
  readonly checkSuites = new Map<string, number>()
  readonly commitStatuses: { sha: string; status: CommitStatus }[] = []
  readonly comments: CommentRecord[] = []
  /** Collaborators by login; unknown users answer role `none`. */
  readonly permissions = new Map<string, PermissionSeed>()
  readonly pulls = new Map<number, PullModel>()
  /** Numbers of plain issues (pull requests are issues too, and live in `pulls`). */
  readonly issues = new Set<number>()
  readonly dispatches: WorkflowDispatch[] = []
  /** GitHub environments by name, with their deployment branch policies (see environments.ts). */
  readonly environments = new Map<string, EnvironmentModel>()

  private nextIdValue = 1000
  private nextNumber = 1
  private readonly userIds = new Map<string, number>()
  private readonly createdAt = new Date('2024-01-02T03:04:05Z')

  constructor(options: FakeGitHubStateOptions = {}) {
    const [owner = 'octo-org', repo = 'octo-repo'] = (options.repository ?? 'octo-org/octo-repo').split('/')
    this.owner = owner
    this.repo = repo
    this.defaultBranch = options.defaultBranch ?? 'main'
    this.viewer = options.viewer ?? 'github-actions[bot]'
    this.userIds.set('github-actions[bot]', 41898282)
    this.commitFiles({ branch: this.defaultBranch, files: { 'README.md': `# ${repo}\n` }, message: 'Initial commit' })
  }

  nextId(): number {
    return this.nextIdValue++
  }

  /** Issue and pull request numbers share one sequence, as on GitHub. */
  nextIssueNumber(): number {
    while (this.pulls.has(this.nextNumber) || this.issues.has(this.nextNumber)) this.nextNumber++
    return this.nextNumber++
  }

  now(): Date {
    return this.clock()
  }

  site(api: string, web: string): Site {
    return { api, web, owner: this.owner, repo: this.repo, repoId: 500_000 + hashLogin(`${this.owner}/${this.repo}`) }
  }

  user(site: Pick<Site, 'api' | 'web'>, login: string): SimpleUser {
    let id = this.userIds.get(login)
    if (id === undefined) {
      id = 100_000 + this.userIds.size
      this.userIds.set(login, id)
    }
    return simpleUser(site, login, id)
  }

  repository(site: Site): Repository {
    const owner = { ...this.user(site, this.owner), type: 'Organization' }
    return repository(site, owner, { defaultBranch: this.defaultBranch, createdAt: this.createdAt, pushedAt: this.createdAt })
  }

  /** The role and legacy permission GitHub reports for a user. */
  grant(login: string): { roleName: string; base: Role } {
    const seed = this.permissions.get(login) ?? 'none'
    return typeof seed === 'string' ? { roleName: seed, base: seed } : seed
  }

  legacyPermission(login: string): string {
    return legacyPermission(this.grant(login).base)
  }

  /** Branch, tag, full ref or commit sha → commit sha (undefined when unknown). */
  resolveRef(ref: string): string | undefined {
    if (/^[0-9a-f]{40}$/.test(ref)) return this.git.commits.has(ref) ? ref : undefined
    for (const candidate of [ref, `refs/heads/${ref}`, `refs/tags/${ref}`]) {
      const sha = this.git.refs.get(candidate)
      if (sha) return sha
    }
    return undefined
  }

  /** The files of a branch (or any ref), by path. */
  files(ref: string = this.defaultBranch): Map<string, string> {
    const sha = this.resolveRef(ref)
    if (!sha) throw new Error(`fake GitHub: unknown ref ${ref}`)
    const commit = this.git.commits.get(sha) as CommitObject
    const out = new Map<string, string>()
    for (const [path, entry] of this.git.flatten(commit.tree)) {
      const blob = this.git.blobs.get(entry.sha)
      if (blob) out.set(path, blob.toString('utf8'))
    }
    return out
  }

  /**
   * Commits files to a branch (created from the default branch when missing); `null` deletes a
   * file. Returns the new commit sha.
   */
  commitFiles(input: { branch: string; files: Record<string, string | null>; message?: string; author?: string }): string {
    const refName = `refs/heads/${input.branch}`
    const parent = this.git.refs.get(refName) ?? this.git.refs.get(`refs/heads/${this.defaultBranch}`)
    const base = parent ? this.git.flatten((this.git.commits.get(parent) as CommitObject).tree) : new Map<string, TreeEntry>()
    for (const [path, content] of Object.entries(input.files)) {
      if (content === null) base.delete(path)
      else base.set(path, { mode: '100644', type: 'blob', sha: this.git.writeBlob(Buffer.from(content)) })
    }
    const login = input.author ?? 'octocat'
    const person = { name: login, email: `${login}@users.noreply.github.com`, date: iso(this.now()) }
    const sha = this.git.writeCommit({
      tree: this.git.writeTree(base),
      parents: parent ? [parent] : [],
      message: input.message ?? `Update ${Object.keys(input.files).join(', ')}`,
      author: person,
      committer: person,
    })
    this.git.refs.set(refName, sha)
    return sha
  }

  /** Opens a pull request; its head branch is created with one commit when it does not exist. */
  seedPull(input: {
    head: string
    base?: string
    number?: number
    title?: string
    body?: string | null
    user?: string
    draft?: boolean
    state?: 'open' | 'closed'
    labels?: string[]
    files?: Record<string, string | null>
    /** `owner/name` of a fork holding the head branch. */
    headRepository?: string
  }): PullModel {
    const base = input.base ?? this.defaultBranch
    if (input.files || !this.git.refs.has(`refs/heads/${input.head}`)) {
      this.commitFiles({ branch: input.head, files: input.files ?? { [`${input.head}.txt`]: `${input.head}\n` }, message: input.title ?? input.head })
    }
    const number = input.number ?? this.nextIssueNumber()
    const now = this.now()
    const pull: PullModel = {
      id: this.nextId(),
      number,
      title: input.title ?? `Change ${input.head}`,
      body: input.body ?? null,
      state: input.state ?? 'open',
      draft: input.draft ?? false,
      user: input.user ?? 'octocat',
      head: { ref: input.head, sha: this.resolveRef(input.head) as string },
      base: { ref: base, sha: this.resolveRef(base) as string },
      merged: false,
      mergeCommitSha: null,
      mergedBy: null,
      labels: input.labels ?? [],
      commits: [],
      createdAt: now,
      updatedAt: now,
      closedAt: input.state === 'closed' ? now : null,
      mergedAt: null,
      ...(input.headRepository !== undefined ? { headRepository: input.headRepository } : {}),
    }
    this.pulls.set(number, pull)
    return pull
  }

  seedIssue(number: number = this.nextIssueNumber()): number {
    this.issues.add(number)
    return number
  }

  /** The current head sha of a PR: its branch head while the branch exists. */
  pullHeadSha(pull: PullModel): string {
    return (pull.state === 'open' ? this.git.refs.get(`refs/heads/${pull.head.ref}`) : undefined) ?? pull.head.sha
  }

  statusesOf(deploymentId: number): DeploymentStatus[] {
    let list = this.deploymentStatuses.get(deploymentId)
    if (!list) {
      list = []
      this.deploymentStatuses.set(deploymentId, list)
    }
    return list
  }

  checkSuiteFor(sha: string): number {
    let id = this.checkSuites.get(sha)
    if (id === undefined) {
      id = this.nextId()
      this.checkSuites.set(sha, id)
    }
    return id
  }
}

function gitHash(kind: string, body: Buffer): string {
  return createHash('sha1').update(Buffer.concat([Buffer.from(`${kind} ${body.length}\0`), body])).digest('hex')
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

function hashLogin(text: string): number {
  let h = 0
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) % 100_000
  return h
}

/** A GitHub environment of the fake, with its deployment branch policies (served by environments.ts). */
export interface EnvironmentModel {
  id: number
  name: string
  /** null: any branch may deploy. */
  branchPolicy: null | { protectedBranches: true } | { customPatterns: { name: string; type: 'branch' | 'tag' }[] }
  /** Required reviewers (logins): GitHub holds a job naming the environment until one approves. */
  reviewers?: string[]
  createdAt: Date
}
