import { describe, expect, it } from 'vitest'
import { streamLogger } from '../../shared/action/logger.js'
import { createGitHubClient } from '../../shared/github/client.js'
import { branchFor, readMarker, upsertCleanupPullRequest, VERIFY_FAILED_LABEL, type CleanupContext, type CleanupRequest } from '../../shared/flags/cleanup-pr.js'
import type { FlagInfo } from '../../shared/flags/source.js'
import { judgeStale } from '../../shared/flags/stale.js'
import type { Verification } from '../../shared/flags/verify.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'

const github = useFakeGitHub({ repository: 'acme/shop' })
const NOW = new Date('2026-06-01T00:00:00Z')

function client(): CleanupContext['github'] {
  return createGitHubClient({ token: 'ghs_test', version: '0.0.0-test', logger: streamLogger(() => undefined), baseUrl: github.url, paceWrites: false, request: { retries: 0 } }).rest
}

const passed: Verification = { ok: true, steps: [{ name: 'verify', argv: ['npm', 'test'], ok: true, exitCode: 0, timedOut: false, output: '', truncated: false, durationMs: 1200 }] }
const failed: Verification = { ok: false, steps: [{ name: 'verify', argv: ['npm', 'test'], ok: false, exitCode: 1, timedOut: false, output: 'FAIL src/app.test.ts\n  expected 2 to be 3', truncated: false, durationMs: 900 }] }

function request(over: { flag?: Partial<FlagInfo>; verification?: Verification; after?: string } = {}): CleanupRequest {
  const flag: FlagInfo = { name: 'new-checkout', aliases: [], owner: 'alice', state: { kind: 'boolean', value: true }, changedAt: new Date('2026-03-01T00:00:00Z'), archived: false, markedStale: false, evidence: ['Unleash default/production: enabled, flexibleRollout 100%'], ...over.flag }
  return {
    flag,
    verdict: judgeStale(flag, { afterDays: 30 }, NOW),
    edits: [
      { file: 'src/checkout.ts', before: 'if (isEnabled("new-checkout")) {\n  a()\n} else {\n  b()\n}\n', after: over.after ?? 'a()\n' },
      { file: 'src/old-checkout.ts', before: 'export const b = () => 1\n', after: null },
    ],
    leftByHand: [{ file: 'docs/flags.md', line: 3, reason: 'text reference in a Markdown file' }],
    references: [{ flag: 'new-checkout', file: 'src/checkout.ts', line: 1, column: 15, kind: 'evaluation' }],
    verification: over.verification ?? passed,
  }
}

function seed(): void {
  github.state.commitFiles({ branch: 'main', files: { 'src/checkout.ts': 'if (isEnabled("new-checkout")) {\n  a()\n} else {\n  b()\n}\n', 'src/old-checkout.ts': 'export const b = () => 1\n' } })
  github.state.permissions.set('alice', 'write')
}

describe('cleanup pull requests through the Git data API', () => {
  it('opens one pull request with the removal as a commit on rollgate/flag-cleanup/<flag>, labels and the owner as reviewer', async () => {
    seed()
    const ctx: CleanupContext = { github: client(), owner: 'acme', repo: 'shop', base: 'main', labels: ['flag-cleanup'], fallbackOwners: [] }
    const outcome = await upsertCleanupPullRequest(request(), ctx)
    expect(outcome).toMatchObject({ action: 'created', draft: false, branch: 'rollgate/flag-cleanup/new-checkout' })
    const files = github.state.files('rollgate/flag-cleanup/new-checkout')
    expect(files.get('src/checkout.ts')).toBe('a()\n')
    expect(files.has('src/old-checkout.ts')).toBe(false)
    const pull = github.state.pulls.get(outcome.number as number)
    expect(pull).toMatchObject({ state: 'open', draft: false, labels: ['flag-cleanup'], requestedReviewers: ['alice'] })
    expect(pull?.body).toContain('keeping **on**')
    expect(pull?.body).toContain('`docs/flags.md:3`: text reference in a Markdown file')
    expect(pull?.body).toContain('| `src/old-checkout.ts` (deleted) | 1 | 0 |')
    expect(readMarker(pull?.body)?.flag).toBe('new-checkout')
    // The REST budget of one new cleanup pull request: list, ref, commit, 1 blob, tree, commit, ref, PR, labels, reviewers.
    expect(outcome.calls).toBe(10)
    expect(github.requests.length).toBe(10)
    expect(['git/create-blob', 'git/create-tree', 'git/create-commit', 'git/create-ref'].map((op) => github.count(op))).toEqual([1, 1, 1, 1])
  })

  it('a re-run updates its own open pull request and never opens a second', async () => {
    seed()
    const ctx: CleanupContext = { github: client(), owner: 'acme', repo: 'shop', base: 'main', labels: ['flag-cleanup'], fallbackOwners: [] }
    const first = await upsertCleanupPullRequest(request(), ctx)
    const again = await upsertCleanupPullRequest(request(), ctx)
    expect(again).toMatchObject({ action: 'unchanged', number: first.number })
    const changed = await upsertCleanupPullRequest(request({ after: 'a()\n// simplified\n' }), ctx)
    expect(changed).toMatchObject({ action: 'updated', number: first.number })
    expect(github.state.pulls.size).toBe(1)
    expect(github.state.files('rollgate/flag-cleanup/new-checkout').get('src/checkout.ts')).toBe('a()\n// simplified\n')
    expect(github.count('pulls/create')).toBe(1)
  })

  it('verification failing at creation opens a draft with the failing output in the body', async () => {
    seed()
    const ctx: CleanupContext = { github: client(), owner: 'acme', repo: 'shop', base: 'main', labels: [], fallbackOwners: ['@acme/web'] }
    const outcome = await upsertCleanupPullRequest(request({ verification: failed, flag: { owner: 'someone@example.com' } }), ctx)
    const pull = github.state.pulls.get(outcome.number as number)
    expect(pull?.draft).toBe(true)
    expect(pull?.body).toContain('expected 2 to be 3')
    expect(pull?.requestedTeams).toEqual(['web'])
  })

  it('verification failing on a later run updates the body and adds verify-failed', async () => {
    seed()
    const ctx: CleanupContext = { github: client(), owner: 'acme', repo: 'shop', base: 'main', labels: ['flag-cleanup'], fallbackOwners: [] }
    const first = await upsertCleanupPullRequest(request(), ctx)
    await upsertCleanupPullRequest(request({ verification: failed }), ctx)
    const pull = github.state.pulls.get(first.number as number)
    expect(pull?.draft).toBe(false)
    expect(pull?.labels).toEqual(['flag-cleanup', VERIFY_FAILED_LABEL])
    expect(pull?.body).toContain('Verification failed on the latest run')
    expect(pull?.body).toContain('expected 2 to be 3')
  })

  it('a closed, unmerged pull request is not reopened until the flag state changes', async () => {
    seed()
    const ctx: CleanupContext = { github: client(), owner: 'acme', repo: 'shop', base: 'main', labels: [], fallbackOwners: [] }
    const first = await upsertCleanupPullRequest(request(), ctx)
    const pull = github.state.pulls.get(first.number as number)
    if (pull) pull.state = 'closed'
    const same = await upsertCleanupPullRequest(request(), ctx)
    expect(same).toMatchObject({ action: 'closed-unchanged', number: first.number })
    expect(github.state.pulls.size).toBe(1)
    const changedState = await upsertCleanupPullRequest(request({ flag: { changedAt: new Date('2026-04-01T00:00:00Z') } }), ctx)
    expect(changedState.action).toBe('created')
    expect(changedState.number).not.toBe(first.number)
    expect([...github.state.pulls.values()].filter((p) => p.state === 'open').length).toBe(1)
  })

  it.each([
    ['new-checkout', 'rollgate/flag-cleanup/new-checkout'],
    ['team:flag..x.lock', 'rollgate/flag-cleanup/team-flag.x-lock'],
    ['  spaced name ', 'rollgate/flag-cleanup/spaced-name'],
  ])('branch name for %j', (flag, branch) => {
    expect(branchFor(flag)).toBe(branch)
  })
})
