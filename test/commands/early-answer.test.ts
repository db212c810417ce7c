/**
 * The router's early answer from the record (busy, paused): the pure judgement agrees with what the
 * lifecycle would decide (it never refuses what the action would accept), and the router answers it
 * before dispatching, with a reply naming the commands that would proceed.
 */
import { describe, expect, it } from 'vitest'
import { actionLogger } from '../../shared/action/logger.js'
import { earlyAnswer } from '../../shared/commands/early-answer.js'
import { createGitHubClient } from '../../shared/github/client.js'
import { decide, IllegalMoveError, type CommandContext } from '../../shared/state/machine.js'
import { GitHubStateStore } from '../../shared/state/github-store.js'
import { idleRecord, PHASES, type RolloutRecord } from '../../shared/state/record.js'
import { assertLeaseAvailable, LeaseHeldError } from '../../shared/state/store.js'
import { FakeActionIO } from '../fakes/action-io.js'
import type { FakeGitHub } from '../fakes/github/server.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { commentEvent, postComment, runRouter } from './support.js'

const steps = { steps: [{ weight: 10 }, { weight: 50 }, { weight: 100 }] }
const NOW = new Date('2026-03-01T12:00:00Z')
const HEAD = 'a'.repeat(40)
const OTHER = 'b'.repeat(40)
const ROUTER_RUN = 4242

function recordOf(phase: RolloutRecord['phase'], options: { sha?: string; paused?: boolean; lease?: 'live' | 'expired' | 'own' } = {}): RolloutRecord {
  const record: RolloutRecord = { ...idleRecord('production', new Date('2026-03-01T11:00:00Z')), phase }
  if (phase !== 'idle') Object.assign(record, { step: 0, weight: 10, canary: { version: 'v2', ref: 'refs/pull/1/head', sha: options.sha ?? OTHER }, stable: { version: 'v1' } })
  if (options.paused) record.paused = { at: '2026-03-01T11:30:00.000Z', actor: 'maria', reason: 'incident 42' }
  if (options.lease) {
    const expiresAt = new Date(NOW.getTime() + (options.lease === 'expired' ? -1000 : 90_000)).toISOString()
    record.lease = { owner: { runId: options.lease === 'own' ? ROUTER_RUN : 9001, runAttempt: 2, job: 'deploy' }, claimedAt: '2026-03-01T11:59:00.000Z', expiresAt }
  }
  return record
}

const ctx = (runId = 5555): CommandContext => ({ runId, runAttempt: 1, job: 'run', actor: 'maria', now: NOW })

/** What the action would do: refused (true) or not (false), judged by the real machine and lease. */
function actionRefuses(command: 'canary' | 'promote', record: RolloutRecord): boolean {
  try {
    assertLeaseAvailable(record, { runId: 5555, runAttempt: 1, job: 'run' }, NOW)
    decide(record, command === 'canary' ? { type: 'deploy-canary', canary: { version: 'v2', ref: 'refs/pull/1/head', sha: HEAD } } : { type: 'promote', target: { kind: 'next' } }, steps, ctx())
    return false
  } catch (error) {
    if (error instanceof IllegalMoveError || error instanceof LeaseHeldError) return true
    throw error
  }
}

describe('earlyAnswer (pure)', () => {
  const variants = PHASES.flatMap((phase) =>
    [HEAD, OTHER].flatMap((sha) =>
      [false, true].flatMap((paused) => (['none', 'live', 'expired', 'own'] as const).map((lease) => ({ phase, sha, paused, lease }))),
    ),
  ).filter((v) => !(v.paused && v.phase !== 'canary'))

  it.each(['canary', 'promote'] as const)('%s: answered early only when the action would refuse it too (%#)', (command) => {
    let answered = 0
    for (const v of variants) {
      const record = recordOf(v.phase, { sha: v.sha, paused: v.paused, ...(v.lease !== 'none' ? { lease: v.lease } : {}) })
      const early = earlyAnswer(command, 'production', record, { headSha: HEAD, now: NOW, runId: ROUTER_RUN }, steps)
      if (early !== undefined) {
        answered++
        // The router's own run never counts as another holder, so re-check as the dispatched job.
        expect(actionRefuses(command, record), `${command} on ${JSON.stringify(v)}`).toBe(true)
      }
    }
    expect(answered).toBeGreaterThan(5)
  })

  it('a live lease of another run is busy for canary and promote, with its holder, its expiry and what to do after', () => {
    const record = recordOf('canary', { sha: HEAD, lease: 'live' })
    for (const command of ['canary', 'promote'] as const) {
      const early = earlyAnswer(command, 'production', record, { headSha: HEAD, now: NOW, runId: ROUTER_RUN }, steps)
      expect(early).toMatchObject({ code: 'busy', proceeds: [command, 'status'], after: record.lease?.expiresAt })
      expect(early?.message).toBe(`busy: production is held by run 9001/2 (job deploy) until ${record.lease?.expiresAt}: another Rollgate command is running there`)
    }
    expect(earlyAnswer('promote', 'production', recordOf('canary', { lease: 'expired' }), { headSha: HEAD, now: NOW, runId: ROUTER_RUN }, steps)).toBeUndefined()
    expect(earlyAnswer('promote', 'production', recordOf('canary', { lease: 'own' }), { headSha: HEAD, now: NOW, runId: ROUTER_RUN }, steps)).toBeUndefined()
  })

  it('canary over another commit\'s rollout in flight is busy, naming it and the commands that would proceed', () => {
    const early = earlyAnswer('canary', 'production', recordOf('canary'), { headSha: HEAD, now: NOW, runId: ROUTER_RUN }, steps)
    expect(early?.code).toBe('busy')
    expect(early?.message).toContain(`v2 (${OTHER.slice(0, 12)})`)
    expect(early?.proceeds).toEqual(['analyze', 'promote', 'pause', 'rollback'])
    // The same commit again is the action's to decide (a re-run is a noop there).
    expect(earlyAnswer('canary', 'production', recordOf('canary', { sha: HEAD }), { headSha: HEAD, now: NOW, runId: ROUTER_RUN }, steps)).toBeUndefined()
    for (const phase of ['idle', 'promoted', 'rolled-back', 'aborted'] as const) {
      expect(earlyAnswer('canary', 'production', recordOf(phase), { headSha: HEAD, now: NOW, runId: ROUTER_RUN }, steps)).toBeUndefined()
    }
  })

  it('promote on a paused rollout is paused, with resume among what would proceed; other commands are never answered early', () => {
    const record = recordOf('canary', { sha: HEAD, paused: true })
    const early = earlyAnswer('promote', 'production', record, { headSha: HEAD, now: NOW, runId: ROUTER_RUN }, steps)
    expect(early).toMatchObject({ code: 'paused', proceeds: ['resume', 'analyze', 'rollback'] })
    expect(early?.message).toContain('paused by maria at 2026-03-01T11:30:00.000Z (incident 42)')
    for (const command of ['rollback', 'analyze', 'pause', 'resume', 'status', 'help'] as const) {
      expect(earlyAnswer(command, 'production', recordOf('canary', { paused: true, lease: 'live' }), { headSha: HEAD, now: NOW, runId: ROUTER_RUN }, steps)).toBeUndefined()
    }
    expect(earlyAnswer('promote', 'production', undefined, { headSha: HEAD, now: NOW, runId: ROUTER_RUN }, steps)).toBeUndefined()
  })
})

const POLICY = `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [./set-weight.sh, "{{weight}}"] }
    steps: [ { weight: 10 }, { weight: 50 }, { weight: 100 } ]
`

// The first event of a file compiles GitHub's webhook schema (test/commands/support.ts): well over
// the default 20 s on a loaded two-core runner, so these tests get longer.
describe('the router answers busy and paused before dispatching', { timeout: 120_000 }, () => {
  const github = useFakeGitHub()

  async function seedRecord(gh: FakeGitHub, record: RolloutRecord): Promise<void> {
    const io = new FakeActionIO()
    const octokit = createGitHubClient({ token: 'ghs_seed', version: 'test', logger: actionLogger(io), env: { GITHUB_API_URL: gh.url }, paceWrites: false, request: { retries: 0 } })
    const store = new GitHubStateStore({ github: octokit.rest, repo: { owner: gh.state.owner, repo: gh.state.repo }, logger: actionLogger(io) })
    await store.save(record, null)
  }

  async function command(body: string, record?: (head: string) => RolloutRecord) {
    github.state.commitFiles({ branch: 'main', files: { '.github/rollgate.yml': POLICY } })
    const pull = github.state.seedPull({ head: 'feature' })
    if (record) await seedRecord(github, record(pull.head.sha))
    github.state.permissions.set('maria', 'admin')
    const commentId = await postComment(github, pull.number, body)
    const run = await runRouter(github, commentEvent({ github, body, login: 'maria', pr: pull.number, commentId }))
    const reactions = github.state.comments.find((c) => c.comment.id === commentId)?.reactions.map((r) => r.content) ?? []
    const reply = github.state.comments.find((c) => c.comment.id === Number(run.outputs['comment-id']))?.comment.body ?? ''
    return { ...run, reactions, reply, pull }
  }

  const live = (record: RolloutRecord): RolloutRecord => ({
    ...record,
    lease: { owner: { runId: 9001, runAttempt: 1, job: 'deploy' }, claimedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 600_000).toISOString() },
  })
  const canaryOf = (sha: string, extra: Partial<RolloutRecord> = {}): RolloutRecord => ({
    ...idleRecord('production', new Date()),
    phase: 'canary',
    step: 0,
    weight: 10,
    canary: { version: 'v2', ref: 'refs/pull/1/head', sha },
    stable: { version: 'v1' },
    ...extra,
  })

  it('promote while another run holds the lease: busy, the holder and expiry, 😕, no dispatch', async () => {
    const run = await command('/rollgate promote production', (head) => live(canaryOf(head)))
    expect(run.result['reasonCode']).toBe('busy')
    expect(run.outputs['command']).toBe('')
    expect(run.reactions).toEqual(['confused'])
    expect(run.reply).toMatch(/was not dispatched \(`busy`\): busy: production is held by run 9001\/1 \(job deploy\) until \S+/)
    expect(run.reply).toMatch(/After \S+: `\/rollgate promote production`, `\/rollgate status production`\./)
  })

  it('canary while another commit is rolling out: busy, and the reply names what would proceed', async () => {
    const other = github.state.commitFiles({ branch: 'other-feature', files: { 'other.txt': 'x\n' } })
    const run = await command('/rollgate canary production --version v3', () => canaryOf(other))
    expect(run.result['reasonCode']).toBe('busy')
    expect(run.outputs['command']).toBe('')
    expect(run.reply).toContain(`another rollout is in flight in production: v2 (${other.slice(0, 12)})`)
    expect(run.reply).toContain('Would proceed now: `/rollgate analyze production`, `/rollgate promote production`, `/rollgate pause production`, `/rollgate rollback production`.')
  })

  it('promote on a paused rollout: paused, with resume first; rollback and analyze are still dispatched', async () => {
    const paused = (head: string) => canaryOf(head, { paused: { at: '2026-03-01T11:30:00.000Z', actor: 'maria', reason: 'incident' } })
    const run = await command('/rollgate promote production', paused)
    expect(run.result['reasonCode']).toBe('paused')
    expect(run.outputs['command']).toBe('')
    expect(run.reply).toContain('Would proceed now: `/rollgate resume production`, `/rollgate analyze production`, `/rollgate rollback production`.')
    for (const body of ['/rollgate rollback production', '/rollgate analyze production']) {
      github.reset()
      const other = await command(body, paused)
      expect(other.result['reasonCode']).toBe('dispatched')
    }
  })

  it('dispatches when the record gives no reason to refuse (none, an expired lease, the same commit)', async () => {
    expect((await command('/rollgate promote production')).result['reasonCode']).toBe('dispatched')
    github.reset()
    const expired = (head: string) => ({ ...canaryOf(head), lease: { owner: { runId: 9001, runAttempt: 1, job: 'deploy' }, claimedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T00:01:00.000Z' } })
    expect((await command('/rollgate promote production', expired)).result['reasonCode']).toBe('dispatched')
    github.reset()
    expect((await command('/rollgate canary production', (head) => canaryOf(head))).result['reasonCode']).toBe('dispatched')
  })
})
