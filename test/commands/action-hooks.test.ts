/**
 * The lifecycle actions' comment-command hooks (shared/commands/action-hooks.ts), against the fake
 * GitHub through the real client: every branch of the pinned-SHA check and of the reply, and what
 * happens when the GitHub call they make fails.
 */
import { describe, expect, it } from 'vitest'
import { actionLogger } from '../../shared/action/logger.js'
import {
  commandReply,
  pinnedShaDrift,
  readExpectedSha,
  readReplyCommentId,
  readShaInput,
  reuseLoaded,
  rollbackDriftNote,
  verifyPinnedSha,
  withCommandReply,
} from '../../shared/commands/action-hooks.js'
import { ConfigError, GateError, reasonCodeOf } from '../../shared/errors.js'
import { createGitHubClient } from '../../shared/github/client.js'
import type { RunContext } from '../../shared/github/context.js'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileStateStore } from '../../shared/state/file-store.js'
import { idleRecord, type RolloutRecord } from '../../shared/state/record.js'
import { StateConflictError } from '../../shared/state/store.js'
import { FakeActionIO } from '../fakes/action-io.js'
import type { FakeGitHub } from '../fakes/github/server.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { postComment } from './support.js'

const github = useFakeGitHub()

function client(io = new FakeActionIO()) {
  return createGitHubClient({ token: 'ghs_hooks', version: 'test', logger: actionLogger(io), env: { GITHUB_API_URL: github.url }, paceWrites: false, request: { retries: 0 } })
}

const repo = () => ({ owner: github.state.owner, repo: github.state.repo })

function commentRun(gh: FakeGitHub, pr: number, commentId?: number): RunContext {
  return {
    owner: gh.state.owner,
    repo: gh.state.repo,
    sha: gh.state.resolveRef('main') as string,
    ref: 'refs/heads/main',
    runId: 777,
    runAttempt: 1,
    actor: 'maria',
    eventName: 'issue_comment',
    event: { action: 'created', issue: { number: pr, pull_request: { url: 'x' } }, ...(commentId !== undefined ? { comment: { id: commentId } } : {}) },
    serverUrl: 'https://github.com',
    apiUrl: gh.url,
    workflow: 'rollgate commands',
    job: 'run',
  }
}

const pushRun = (gh: FakeGitHub): RunContext => ({ ...commentRun(gh, 1), eventName: 'push', event: { ref: 'refs/heads/main' } })

function record(phase: RolloutRecord['phase'], sha: string): RolloutRecord {
  return {
    schemaVersion: 1,
    environment: 'production',
    revision: 3,
    updatedAt: '2026-01-01T00:00:00.000Z',
    phase,
    step: 0,
    weight: 10,
    canary: { version: 'v2', ref: 'refs/pull/1/head', sha },
    verdicts: [],
    history: [],
  }
}

const pullCalls = () => github.requests.filter((r) => r.operationId === 'pulls/get').length
const other = 'f'.repeat(40)

async function refusal(p: Promise<unknown>): Promise<ConfigError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConfigError)
  return error as ConfigError
}

describe('verifyPinnedSha and pinnedShaDrift', () => {
  it('passes when the pull request is open at the expected head, reading it once', async () => {
    const pull = github.state.seedPull({ head: 'feature' })
    await expect(verifyPinnedSha(client().rest, repo(), commentRun(github, pull.number), pull.head.sha)).resolves.toBeUndefined()
    expect(pullCalls()).toBe(1)
    expect(await pinnedShaDrift(client().rest, repo(), commentRun(github, pull.number), pull.head.sha, record('canary', pull.head.sha))).toBeUndefined()
  })

  it('refuses sha-changed when the head was pushed after the command, naming both commits', async () => {
    const pull = github.state.seedPull({ head: 'feature' })
    const read = pull.head.sha
    const pushed = github.state.commitFiles({ branch: 'feature', files: { 'app.txt': 'v3\n' } })
    const error = await refusal(verifyPinnedSha(client().rest, repo(), commentRun(github, pull.number), read))
    expect(error.reasonCode).toBe('sha-changed')
    expect(error.message).toContain(pushed.slice(0, 12))
    expect(error.message).toContain(read.slice(0, 12))
    expect(error.message).toMatch(/nothing moved/)
  })

  it.each([
    ['closed', false],
    ['merged', true],
  ] as const)('refuses pr-closed on a %s pull request, before looking at the head', async (word, merged) => {
    const pull = github.state.seedPull({ head: 'feature' })
    pull.state = 'closed'
    pull.merged = merged
    if (merged) pull.mergedAt = new Date()
    pull.closedAt = new Date()
    // Even at the very SHA the command was read at.
    const error = await refusal(verifyPinnedSha(client().rest, repo(), commentRun(github, pull.number), pull.head.sha))
    expect(error.reasonCode).toBe('pr-closed')
    expect(error.message).toContain(`#${pull.number} is ${word}`)
  })

  it('refuses sha-changed when the rollout\'s canary is another commit, with or without a pull request', async () => {
    const pull = github.state.seedPull({ head: 'feature' })
    const viaComment = await refusal(verifyPinnedSha(client().rest, repo(), commentRun(github, pull.number), pull.head.sha, record('canary', other)))
    expect(viaComment.reasonCode).toBe('sha-changed')
    expect(viaComment.message).toContain(`rollout's canary is ${other.slice(0, 12)}`)
    const before = pullCalls()
    const viaPush = await refusal(verifyPinnedSha(client().rest, repo(), pushRun(github), pull.head.sha, record('canary', other)))
    expect(viaPush.reasonCode).toBe('sha-changed')
    // Without a pull request in the event there is nothing to read.
    expect(pullCalls()).toBe(before)
  })

  it.each(['promoted', 'rolled-back', 'idle', 'aborted'] as const)('ignores the canary SHA of a rollout that is %s (nothing in flight to mismatch)', async (phase) => {
    await expect(verifyPinnedSha(client().rest, repo(), pushRun(github), 'a'.repeat(40), record(phase, other))).resolves.toBeUndefined()
  })

  it('a failing GitHub call is a github-api-error naming the call, never a sha-changed or pr-closed', async () => {
    const pull = github.state.seedPull({ head: 'feature' })
    github.faults.push({ match: { operationId: 'pulls/get' }, status: 500 })
    const error = await verifyPinnedSha(client().rest, repo(), commentRun(github, pull.number), pull.head.sha).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(reasonCodeOf(error)).toBe('github-api-error')
    expect(String((error as Error).message)).toContain(`GET pulls/${pull.number}`)
    // A pull request that is gone (404) is an error too, not a pass.
    const gone = await verifyPinnedSha(client().rest, repo(), commentRun(github, 9999), pull.head.sha).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(reasonCodeOf(gone)).toBe('github-api-error')
  })
})

describe('rollbackDriftNote', () => {
  it('is undefined when nothing moved, and says what moved otherwise (never throwing)', async () => {
    const pull = github.state.seedPull({ head: 'feature' })
    const read = pull.head.sha
    expect(await rollbackDriftNote(client().rest, repo(), commentRun(github, pull.number), read, record('canary', read))).toBeUndefined()
    const pushed = github.state.commitFiles({ branch: 'feature', files: { 'app.txt': 'v3\n' } })
    const moved = await rollbackDriftNote(client().rest, repo(), commentRun(github, pull.number), read, record('canary', read))
    expect(moved).toBe(`rolled back although pull request #${pull.number} moved to ${pushed.slice(0, 12)} after the command was read at ${read.slice(0, 12)} (sha-changed)`)
    pull.state = 'closed'
    const closed = await rollbackDriftNote(client().rest, repo(), commentRun(github, pull.number), read)
    expect(closed).toBe(`rolled back although pull request #${pull.number} is closed (pr-closed)`)
    const canary = await rollbackDriftNote(client().rest, repo(), pushRun(github), read, record('canary', other))
    expect(canary).toMatch(/rollout's canary is ffffffffffff, not .* \(sha-changed\)$/)
  })
})

describe('commandReply', () => {
  async function setup() {
    const pull = github.state.seedPull({ head: 'feature' })
    const commandId = await postComment(github, pull.number, '/rollgate promote production')
    const replyId = await postComment(github, pull.number, '⏳ dispatched')
    const io = new FakeActionIO()
    const gh = client(io)
    const comment = (id: number) => github.state.comments.find((c) => c.comment.id === id)
    return { pull, commandId, replyId, io, gh, comment }
  }

  it('is silent without reply-comment-id: no call at start or finish', async () => {
    const { pull, commandId, gh } = await setup()
    const before = github.requests.length
    const reply = commandReply(gh.rest, commentRun(github, pull.number, commandId), actionLogger(new FakeActionIO()), undefined, { command: 'promote', environment: 'production' })
    await reply.start()
    await reply.finish({ ok: true, code: 'applied', message: 'promoted to 50%' })
    await reply.finish({ ok: false, error: new Error('x') })
    expect(github.requests.length).toBe(before)
  })

  it('reacts 👀 at start, then edits the reply with 🚀, the code, the message and the run link', async () => {
    const { pull, commandId, replyId, io, gh, comment } = await setup()
    const reply = commandReply(gh.rest, commentRun(github, pull.number, commandId), actionLogger(io), replyId, { command: 'promote', environment: 'production' })
    await reply.start()
    expect(comment(commandId)?.reactions.map((r) => r.content)).toEqual(['eyes'])
    expect(comment(replyId)?.comment.body).toBe('⏳ dispatched')
    await reply.finish({ ok: true, code: 'applied', message: 'promoted to 50% (step 2 of 3)' })
    expect(comment(commandId)?.reactions.map((r) => r.content)).toEqual(['eyes', 'rocket'])
    const body = comment(replyId)?.comment.body ?? ''
    expect(body).toMatch(/^🚀 `\/rollgate promote production`: promoted to 50% \(step 2 of 3\) \(`applied`\)/)
    expect(body).toContain('https://github.com/octo-org/octo-repo/actions/runs/777')
    expect(io.warnings).toEqual([])
  })

  it('a user error finishes 😕 with its reason code and message; a bug shows no internals', async () => {
    const { pull, commandId, replyId, io, gh, comment } = await setup()
    const run = commentRun(github, pull.number, commandId)
    const reply = commandReply(gh.rest, run, actionLogger(io), replyId, { command: 'canary', environment: 'staging' })
    await reply.finish({ ok: false, error: new ConfigError('pull request #3 is merged; @octocat see #12', { reasonCode: 'pr-closed' }) })
    const body = comment(replyId)?.comment.body ?? ''
    expect(body).toMatch(/^😕 /)
    expect(body).toContain('(`pr-closed`)')
    // User-visible text is neutralized: no live mention, no issue link.
    expect(body).not.toMatch(/(^|[^\w\u200d])@octocat/)
    expect(body).not.toMatch(/(^|\s)#12\b/)
    expect(comment(commandId)?.reactions.map((r) => r.content)).toEqual(['confused'])

    await reply.finish({ ok: false, error: new TypeError('cannot read properties of undefined (reading "secret")') })
    const bug = comment(replyId)?.comment.body ?? ''
    expect(bug).toContain('(`internal-error`)')
    expect(bug).toContain('the job failed; see the workflow run')
    expect(bug).not.toContain('secret')

    await reply.finish({ ok: false, error: new GateError('Analysis of staging decided fail: errors', 'fail') })
    expect(comment(replyId)?.comment.body).toContain('(`fail`)')
  })

  it('without the command\'s comment id in the event it still edits the reply, and reacts nowhere', async () => {
    const { pull, replyId, io, gh, comment } = await setup()
    const reply = commandReply(gh.rest, commentRun(github, pull.number), actionLogger(io), replyId, { command: 'rollback', environment: 'production' })
    await reply.start()
    await reply.finish({ ok: true, code: 'applied', message: 'rolled back' })
    expect(github.requests.some((r) => r.operationId === 'reactions/create-for-issue-comment')).toBe(false)
    expect(comment(replyId)?.comment.body).toMatch(/^🚀/)
  })

  it('a failing GitHub call only warns: the action\'s own outcome is never replaced by a reply failure', async () => {
    const { pull, commandId, replyId, io, gh } = await setup()
    const reply = commandReply(gh.rest, commentRun(github, pull.number, commandId), actionLogger(io), replyId, { command: 'promote', environment: 'production' })
    github.faults.push({ match: { operationId: 'reactions/create-for-issue-comment' }, status: 500 })
    await expect(reply.start()).resolves.toBeUndefined()
    github.faults.push({ match: { operationId: 'issues/update-comment' }, status: 502 })
    await expect(reply.finish({ ok: true, code: 'applied', message: 'promoted' })).resolves.toBeUndefined()
    expect(io.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^could not react to the command: /), expect.stringMatching(/^could not finish the reply: /)])
    // The reply was deleted meanwhile (404): still a warning, not a failure.
    await expect(commandReply(gh.rest, commentRun(github, pull.number, commandId), actionLogger(io), 987654, { command: 'promote', environment: 'production' }).finish({ ok: true, code: 'applied', message: 'x' })).resolves.toBeUndefined()
    expect(io.warnings).toHaveLength(3)
  })
})

describe('withCommandReply', () => {
  it('finishes with the outcome, or with the error it then rethrows unchanged', async () => {
    const seen: unknown[] = []
    const reply = { start: async () => void seen.push('start'), finish: async (r: unknown) => void seen.push(r) }
    const ok = await withCommandReply(reply, async () => ({ effect: 'applied', message: 'promoted', extra: 1 }))
    expect(ok.extra).toBe(1)
    expect(seen).toEqual(['start', { ok: true, code: 'applied', message: 'promoted' }])
    const boom = new ConfigError('paused by maria', { reasonCode: 'paused' })
    seen.length = 0
    await expect(withCommandReply(reply, async () => Promise.reject(boom))).rejects.toBe(boom)
    expect(seen).toEqual(['start', { ok: false, error: boom }])
  })
})

describe('the hook inputs', () => {
  const io = (inputs: Record<string, string>) => new FakeActionIO(inputs)
  it.each([
    ['sha', readShaInput],
    ['expected-sha', readExpectedSha],
  ] as const)('%s takes a full lowercase SHA and names itself when given anything else', (name, read) => {
    expect(read(io({}))).toBeUndefined()
    expect(read(io({ [name]: 'a'.repeat(40) }))).toBe('a'.repeat(40))
    expect(read(io({ [name]: 'b'.repeat(64) }))).toBe('b'.repeat(64))
    for (const bad of ['abc123', 'A'.repeat(40), `${'a'.repeat(40)} `.repeat(2), 'refs/heads/main']) {
      expect(() => read(io({ [name]: bad }))).toThrow(new RegExp(`Input '${name}'`))
    }
  })

  it('reply-comment-id takes a positive id and names itself otherwise', () => {
    expect(readReplyCommentId(io({}))).toBeUndefined()
    expect(readReplyCommentId(io({ 'reply-comment-id': '123456' }))).toBe(123456)
    for (const bad of ['0', '-1', '1.5', '12ab', '01', '9'.repeat(17)]) expect(() => readReplyCommentId(io({ 'reply-comment-id': bad }))).toThrow(/Input 'reply-comment-id'/)
  })
})

describe('reuseLoaded', () => {
  it('answers the next read with the snapshot taken, then reads again; a change in between still fails the write', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'rollgate-reuse-'))
    const store = new FileStateStore({ directory })
    const other = new FileStateStore({ directory })
    const first = await store.save({ ...idleRecord('production', new Date()), weight: 0 }, null)
    const snapshot = await store.load('production')
    // Another writer moves the record on after the action's read.
    await other.save({ ...(snapshot?.record as RolloutRecord), weight: 7 }, first.version)
    const reused = reuseLoaded(store, 'production', snapshot)
    expect((await reused.load('production'))?.record.weight).toBe(0)
    expect((await reused.load('production'))?.record.weight).toBe(7)
    // Other environments and other methods are the store's own.
    expect(await reused.load('staging')).toBeUndefined()
    expect(reused.describe('production')).toBe(store.describe('production'))
    // The lifecycle writes against the reused snapshot: a compare-and-swap that now fails.
    const stale = reuseLoaded(store, 'production', snapshot)
    const loaded = await stale.load('production')
    await expect(stale.save({ ...(loaded?.record as RolloutRecord), weight: 10 }, loaded?.version ?? null)).rejects.toBeInstanceOf(StateConflictError)
  })
})
