/**
 * Cleanup pull requests (issue #13 point 6), built through the Git data API (blobs, tree, commit,
 * ref): no push, no checkout. One per flag on `rollgate/flag-cleanup/<flag>`, idempotent:
 * - an open one of ours is updated in place (new commit only when the tree changed, body always);
 * - a closed-unmerged one is left closed until the flag's state changes (the state fingerprint is in
 *   the body's hidden marker); then a new pull request is opened;
 * - verification failing at creation opens it as a draft with the output in the body; failing on a
 *   later run (REST cannot turn an open pull request into a draft) updates the body and adds the
 *   `verify-failed` label.
 */
import type { Octokit } from '../github/client.js'
import { gitHubError } from '../github/client.js'
import type { FlagInfo } from './source.js'
import type { StaleVerdict } from './stale.js'
import { describeState, stateFingerprint } from './stale.js'
import type { FileEdit, FlagReference, LeftByHand } from './types.js'
import { describeStep, type Verification } from './verify.js'

type Rest = Octokit['rest']

/** The slice of the GitHub client this module uses (`octokit.rest` satisfies it). */
export interface CleanupPort {
  git: Pick<Rest['git'], 'getRef' | 'createRef' | 'updateRef' | 'createBlob' | 'createTree' | 'createCommit' | 'getCommit'>
  pulls: Pick<Rest['pulls'], 'list' | 'create' | 'update' | 'requestReviewers'>
  issues: Pick<Rest['issues'], 'addLabels'>
}

export const BRANCH_PREFIX = 'rollgate/flag-cleanup/'
export const VERIFY_FAILED_LABEL = 'verify-failed'
/** GitHub refuses pull request bodies over 65,536 characters. */
export const MAX_BODY = 65_536
const MARKER = /<!-- rollgate:flag-cleanup flag=(\S+) state=(\S+) -->/

export interface CleanupRequest {
  flag: FlagInfo
  verdict: StaleVerdict
  edits: FileEdit[]
  leftByHand: LeftByHand[]
  references: FlagReference[]
  verification: Verification
}

export interface CleanupContext {
  github: CleanupPort
  owner: string
  repo: string
  /** The branch the pull request targets (the default branch). */
  base: string
  labels: readonly string[]
  /** Reviewers when the flag has no owner (policy `flags.owners`). */
  fallbackOwners: readonly string[]
}

export type CleanupAction = 'created' | 'updated' | 'unchanged' | 'closed-unchanged'

export interface CleanupOutcome {
  flag: string
  action: CleanupAction
  number?: number
  url?: string
  draft: boolean
  /** REST requests this pull request took. */
  calls: number
  branch: string
}

/** A git ref component: what `git check-ref-format` accepts, kept readable. */
export function branchFor(flag: string): string {
  const safe = flag.replace(/[^A-Za-z0-9._/-]+/g, '-').replace(/\.{2,}/g, '.').replace(/^[./-]+|[./-]+$/g, '').replace(/\/{2,}/g, '/').replace(/\.lock$/, '-lock')
  return `${BRANCH_PREFIX}${safe || 'flag'}`
}

export function fingerprintToken(flag: FlagInfo): string {
  return Buffer.from(stateFingerprint(flag)).toString('base64url')
}

export function readMarker(body: string | null | undefined): { flag: string; state: string } | undefined {
  const match = MARKER.exec(body ?? '')
  return match ? { flag: match[1] as string, state: match[2] as string } : undefined
}

function lineCount(text: string | null): number {
  if (text === null || text === '') return 0
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
}

/** Lines removed and added per file: a line-level summary, not a full diff (the PR shows that). */
export function diffSummary(edits: readonly FileEdit[]): { file: string; removed: number; added: number; deleted: boolean }[] {
  return edits.map((edit) => {
    if (edit.after === null) return { file: edit.file, removed: lineCount(edit.before), added: 0, deleted: true }
    const before = edit.before.split('\n')
    const after = edit.after.split('\n')
    let start = 0
    while (start < before.length && start < after.length && before[start] === after[start]) start++
    let end = 0
    while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++
    return { file: edit.file, removed: before.length - start - end, added: after.length - start - end, deleted: false }
  })
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const ticks = '`'.repeat(longest + 1)
  return `${ticks}text\n${text}\n${ticks}`
}

/** The owner as GitHub knows it: `@org/team` or a login; emails and other names are not asked to review. */
export function reviewersFor(owner: string | undefined, fallback: readonly string[]): { reviewers: string[]; teams: string[] } {
  const candidates = owner !== undefined && /^@?[A-Za-z0-9][A-Za-z0-9-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)?$/.test(owner) ? [owner] : [...fallback]
  const reviewers: string[] = []
  const teams: string[] = []
  for (const candidate of candidates) {
    const name = candidate.replace(/^@/, '')
    if (name.includes('/')) teams.push(name.split('/')[1] as string)
    else reviewers.push(name)
  }
  return { reviewers, teams }
}

export function renderBody(request: CleanupRequest, verifyFailedLater = false): string {
  const { flag, verdict, edits, leftByHand, verification } = request
  const summary = diffSummary(edits)
  const removedRefs = request.references.filter((r) => r.kind !== 'text').length
  const lines: string[] = [
    `Rollgate found the feature flag \`${flag.name}\` stale and removed it, keeping **${verdict.keep}** (${describeState(flag.state)}).`,
    '',
    '### Why it is stale',
    ...verdict.explanation.map((e) => `- ${e}`),
    '',
    '### What the provider says',
    ...flag.evidence.map((e) => `- ${e}`),
    '',
    `### Changes (${summary.length} file${summary.length === 1 ? '' : 's'}, ${removedRefs} reference${removedRefs === 1 ? '' : 's'} in code)`,
    '',
    '| file | lines removed | lines added |',
    '| --- | ---: | ---: |',
    ...summary.map((s) => `| \`${s.file}\`${s.deleted ? ' (deleted)' : ''} | ${s.removed} | ${s.added} |`),
    '',
  ]
  if (leftByHand.length > 0) {
    lines.push('### Left for you', '', 'These references were not changed; remove them by hand:', '', ...leftByHand.map((l) => `- \`${l.file}:${l.line}\`: ${l.reason}`), '')
  }
  lines.push('### Verification', '', ...verification.steps.map((s) => `- ${describeStep(s)}`))
  if (verification.steps.length === 0) lines.push('- no checks configured (set `flags.verify` in the policy, e.g. `[npm, test]`)')
  if (!verification.ok) {
    lines.push('', verifyFailedLater ? `**Verification failed on the latest run** (label \`${VERIFY_FAILED_LABEL}\`).` : '**Verification failed**: this pull request is a draft until it passes.')
  }
  const footer = ['', `<!-- rollgate:flag-cleanup flag=${flag.name} state=${fingerprintToken(flag)} -->`]
  let body = lines.join('\n')
  for (const step of verification.steps.filter((s) => !s.ok && !s.skipped)) {
    const room = MAX_BODY - body.length - footer.join('\n').length - 200
    if (room < 500) break
    const output = step.output.length > room ? `…${step.output.slice(step.output.length - room)}` : step.output
    body += `\n\n<details><summary>${describeStep(step)}${step.truncated ? ' (output cut to its end)' : ''}</summary>\n\n${fence(output.trimEnd() || '(no output)')}\n\n</details>`
  }
  return `${body}\n${footer.join('\n')}`.slice(0, MAX_BODY)
}

function title(request: CleanupRequest): string {
  return `Remove stale feature flag ${request.flag.name} (keep ${request.verdict.keep})`
}

function isNotFound(error: unknown): boolean {
  return (error as { status?: unknown }).status === 404
}

/** Opens or updates the cleanup pull request of one flag; every request goes through `github`. */
export async function upsertCleanupPullRequest(request: CleanupRequest, ctx: CleanupContext): Promise<CleanupOutcome> {
  let calls = 0
  const call = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    calls++
    try {
      return await fn()
    } catch (error) {
      throw gitHubError(name, error)
    }
  }
  const repo = { owner: ctx.owner, repo: ctx.repo }
  const branch = branchFor(request.flag.name)
  const token = fingerprintToken(request.flag)

  const pulls = (await call('pulls.list', () => ctx.github.pulls.list({ ...repo, head: `${ctx.owner}:${branch}`, state: 'all', per_page: 100 }))).data
  const ours = pulls.filter((p) => readMarker(p.body)?.flag === request.flag.name)
  const open = ours.find((p) => p.state === 'open')
  if (!open) {
    const closed = ours.find((p) => p.state === 'closed' && readMarker(p.body)?.state === token)
    if (closed) return { flag: request.flag.name, action: 'closed-unchanged', number: closed.number, url: closed.html_url, draft: closed.draft === true, calls, branch }
  }

  const baseRef = (await call(`git.getRef heads/${ctx.base}`, () => ctx.github.git.getRef({ ...repo, ref: `heads/${ctx.base}` }))).data
  const baseCommit = (await call('git.getCommit', () => ctx.github.git.getCommit({ ...repo, commit_sha: baseRef.object.sha }))).data
  const tree: { path: string; mode: '100644'; type: 'blob'; sha: string | null }[] = []
  for (const edit of request.edits) {
    if (edit.after === null) {
      tree.push({ path: edit.file, mode: '100644', type: 'blob', sha: null })
      continue
    }
    const after = edit.after
    const blob = (await call(`git.createBlob ${edit.file}`, () => ctx.github.git.createBlob({ ...repo, content: Buffer.from(after).toString('base64'), encoding: 'base64' }))).data
    tree.push({ path: edit.file, mode: '100644', type: 'blob', sha: blob.sha })
  }
  const newTree = (await call('git.createTree', () => ctx.github.git.createTree({ ...repo, base_tree: baseCommit.tree.sha, tree }))).data

  let headTreeSha: string | undefined
  if (open) headTreeSha = (await call('git.getCommit (pull request head)', () => ctx.github.git.getCommit({ ...repo, commit_sha: open.head.sha }))).data.tree.sha
  const treeChanged = headTreeSha !== newTree.sha
  if (treeChanged) {
    const message = `Remove stale feature flag ${request.flag.name}\n\nKeeps ${request.verdict.keep}: ${request.verdict.explanation.join('; ')}.`
    const commit = (await call('git.createCommit', () => ctx.github.git.createCommit({ ...repo, message, tree: newTree.sha, parents: [baseRef.object.sha] }))).data
    if (open) {
      await call(`git.updateRef heads/${branch}`, () => ctx.github.git.updateRef({ ...repo, ref: `heads/${branch}`, sha: commit.sha, force: true }))
    } else {
      try {
        calls++
        await ctx.github.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: commit.sha })
      } catch (error) {
        // Left behind by a closed pull request: point it at the new commit.
        if ((error as { status?: unknown }).status !== 422) throw gitHubError(`git.createRef heads/${branch}`, error)
        await call(`git.updateRef heads/${branch}`, () => ctx.github.git.updateRef({ ...repo, ref: `heads/${branch}`, sha: commit.sha, force: true }))
      }
    }
  }

  if (open) {
    const body = renderBody(request, !request.verification.ok)
    if (open.body !== body || open.title !== title(request)) {
      await call(`pulls.update #${open.number}`, () => ctx.github.pulls.update({ ...repo, pull_number: open.number, title: title(request), body }))
    }
    const hasLabel = open.labels.some((l) => l.name === VERIFY_FAILED_LABEL)
    if (!request.verification.ok && !hasLabel) {
      await call(`issues.addLabels #${open.number}`, () => ctx.github.issues.addLabels({ ...repo, issue_number: open.number, labels: [VERIFY_FAILED_LABEL] }))
    }
    const changed = treeChanged || open.body !== body || (!request.verification.ok && !hasLabel)
    return { flag: request.flag.name, action: changed ? 'updated' : 'unchanged', number: open.number, url: open.html_url, draft: open.draft === true, calls, branch }
  }

  const draft = !request.verification.ok
  const created = (await call('pulls.create', () => ctx.github.pulls.create({ ...repo, head: branch, base: ctx.base, title: title(request), body: renderBody(request), draft, maintainer_can_modify: true }))).data
  if (ctx.labels.length > 0) await call(`issues.addLabels #${created.number}`, () => ctx.github.issues.addLabels({ ...repo, issue_number: created.number, labels: [...ctx.labels] }))
  const { reviewers, teams } = reviewersFor(request.flag.owner, ctx.fallbackOwners)
  if (reviewers.length + teams.length > 0) {
    try {
      await call(`pulls.requestReviewers #${created.number}`, () => ctx.github.pulls.requestReviewers({ ...repo, pull_number: created.number, reviewers, team_reviewers: teams }))
    } catch (error) {
      // A reviewer who is not a collaborator is refused (422); the pull request stands without one.
      if (!isNotFound(error) && (error as { cause?: { status?: unknown } }).cause?.status !== 422) throw error
    }
  }
  return { flag: request.flag.name, action: 'created', number: created.number, url: created.html_url, draft, calls, branch }
}
