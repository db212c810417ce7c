/**
 * Commands run against a real store with a traffic fake: idempotent replays, and the crash between
 * moving traffic and writing the record, on both stores.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import { IllegalMoveError, beginMove, decide, type Command, type CommandContext } from '../../shared/state/machine.js'
import { idleRecord, type RolloutRecord } from '../../shared/state/record.js'
import { LeaseHeldError, withLease, type Snapshot, type StateStore } from '../../shared/state/store.js'
import { InterruptedMoveError, runTransition, type TransitionRequest } from '../../shared/state/transition.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { Clock, ENV, FakeTraffic, POLICY, V1, abort, next, pass, rollback } from './fixtures.js'
import { REPOSITORY, fileHarness, gitHubHarness, type StoreHarness } from './stores.js'

const github = useFakeGitHub({ repository: REPOSITORY })
const MINUTE = 60_000
const TTL = 10 * MINUTE

/** A store whose process "dies" at the n-th write: that write never reaches the store. */
class CrashingStore implements StateStore {
  private writes = 0
  constructor(
    private readonly inner: StateStore,
    private readonly crashAt: number,
  ) {}
  describe = (e: string): string => this.inner.describe(e)
  load = (e: string): Promise<Snapshot | undefined> => this.inner.load(e)
  claim: StateStore['claim'] = (...args) => this.inner.claim(...args)
  release: StateStore['release'] = (...args) => this.inner.release(...args)
  history = (e: string): ReturnType<StateStore['history']> => this.inner.history(e)
  lastKnownGood = (e: string): ReturnType<StateStore['lastKnownGood']> => this.inner.lastKnownGood(e)
  save: StateStore['save'] = async (record, expected) => {
    if (++this.writes === this.crashAt) throw new Error('runner lost (the job was cancelled)')
    return this.inner.save(record, expected)
  }
}

describe.each([fileHarness(), gitHubHarness(github)])('$name', (harness: StoreHarness) => {
  let clock: Clock
  let traffic: FakeTraffic
  beforeEach(async () => {
    clock = new Clock()
    traffic = new FakeTraffic()
    await harness.setup()
  })
  afterEach(() => harness.teardown())

  const context = (runId: number, overrides: Partial<CommandContext> = {}): CommandContext => ({
    runId,
    runAttempt: 1,
    job: 'rollout',
    actor: 'alice',
    now: clock.now(),
    ...overrides,
  })
  const request = (store: StateStore, command: Command, ctx: CommandContext, extra: Partial<TransitionRequest> = {}): TransitionRequest => ({
    store,
    environment: ENV,
    command,
    policy: POLICY,
    context: { ...ctx, now: clock.now() },
    leaseTtlMs: TTL,
    moveTraffic: traffic.move,
    readWeight: traffic.read,
    ...extra,
  })
  const deployV2 = (): Command => ({ type: 'deploy-canary', canary: harness.canary('v2'), stable: V1 })
  const stored = async (): Promise<RolloutRecord> => {
    const snapshot = await harness.store(clock).load(ENV)
    if (!snapshot) throw new Error('no record')
    return snapshot.record
  }

  /** Deploys v2 and passes step 1, so the next promote moves 5% → 25%. */
  async function atStepOne(): Promise<void> {
    await runTransition(request(harness.store(clock), deployV2(), context(900)))
    await runTransition(request(harness.store(clock), pass, context(901)))
  }

  it('runs a whole rollout, moving traffic once per step however often each job is re-run', async () => {
    const jobs: [Command, CommandContext][] = [
      [deployV2(), context(1001, { job: 'deploy' })],
      [pass, context(1002, { job: 'analyze' })],
      [next, context(1003, { job: 'promote' })],
      [pass, context(1004, { job: 'analyze' })],
      [next, context(1005, { job: 'promote' })],
      [pass, context(1006, { job: 'analyze' })],
      [next, context(1007, { job: 'promote' })],
    ]
    for (const [command, ctx] of jobs) {
      const first = await runTransition(request(harness.store(clock), command, ctx))
      expect(first.effect).toBe('applied')
      // The same job again, then a re-run attempt of it: neither does anything.
      const again = await runTransition(request(harness.store(clock), command, ctx))
      expect(again.effect).toBe('replayed')
      if (command.type !== 'analyze') {
        const rerun = await runTransition(request(harness.store(clock), command, { ...ctx, runAttempt: 2 }))
        expect(rerun.effect).toBe('replayed')
      }
      clock.advance(MINUTE)
    }
    expect(traffic.moves.map((m) => `${m.kind} ${m.from}→${m.to}`)).toEqual(['deploy 0→5', 'shift 5→25', 'shift 25→50', 'finalize 50→100'])
    const record = await stored()
    expect(record).toMatchObject({ phase: 'promoted', weight: 100, stable: { version: 'v2' } })
    expect(record.lease).toBeUndefined()
    expect(record.history.map((e) => `${e.action}:${e.to}@${e.weight}`)).toEqual([
      'deploy-canary:canary@5',
      'analyze:canary@5',
      'promote:canary@25',
      'analyze:canary@25',
      'promote:canary@50',
      'analyze:canary@50',
      'promote:promoted@100',
    ])
  })

  describe('a crash between moving traffic and writing the record', () => {
    async function crashDuringPromote(): Promise<void> {
      await atStepOne()
      const crashing = new CrashingStore(harness.store(clock), 2)
      await expect(runTransition(request(crashing, next, context(1001, { job: 'promote', step: 'widen' })))).rejects.toThrow(
        'production: traffic moved to 25% but the record could not be written (runner lost (the job was cancelled))',
      )
      expect(traffic.weight).toBe(25)
      expect((await stored()).pendingMove).toMatchObject({ from: 5, to: 25, runId: 1001, command: 'promote' })
    }

    it('keeps the environment locked until the crashed run’s lease expires', async () => {
      await crashDuringPromote()
      await expect(runTransition(request(harness.store(clock), pass, context(1002)))).rejects.toThrow(LeaseHeldError)
    })

    it('is repaired by the next command when the provider reads traffic back at the new weight', async () => {
      await crashDuringPromote()
      clock.advance(TTL + 1)
      const outcome = await runTransition(request(harness.store(clock), pass, context(1002, { job: 'analyze' })))
      expect(outcome.repair?.message).toBe('repaired: completed the promote by run 1001/1, interrupted after traffic reached 25%')
      expect(outcome).toMatchObject({ effect: 'applied', message: 'analysis pass at 25% (step 2 of 4)' })
      const record = await stored()
      expect(record).toMatchObject({ phase: 'canary', step: 1, weight: 25 })
      expect(record.pendingMove).toBeUndefined()
      expect(record.lease).toBeUndefined()
      expect(record.history.slice(-2).map((e) => e.action)).toEqual(['repair', 'analyze'])
      expect(traffic.moves).toHaveLength(2) // the deploy and the interrupted promote: nothing moved twice

      // Re-running the crashed job is a replay: its promote did land.
      const rerun = await runTransition(request(harness.store(clock), next, context(1001, { job: 'promote', step: 'widen', runAttempt: 2 })))
      expect(rerun.effect).toBe('replayed')
      expect(traffic.moves).toHaveLength(2)
    })

    it('is undone when the provider reads traffic back at the old weight, and the command proceeds', async () => {
      await atStepOne()
      // The first write landed, then the run died before the provider was called.
      const store = harness.store(clock)
      const loaded = (await store.load(ENV)) as Snapshot
      const promote = decide(loaded.record, next, POLICY, context(1001))
      await store.save(withLease(beginMove(loaded.record, promote, context(1001)), { runId: 1001, runAttempt: 1, job: 'rollout' }, TTL, clock.now()), loaded.version)
      clock.advance(TTL + 1)

      const outcome = await runTransition(request(harness.store(clock), next, context(1002)))
      expect(outcome.repair?.message).toBe('repaired: the promote by run 1001/1 never moved traffic; it is still at 5%')
      expect(outcome.effect).toBe('applied')
      expect(traffic.weight).toBe(25)
      expect(await stored()).toMatchObject({ phase: 'canary', step: 1, weight: 25 })
    })

    it('is refused when traffic is at neither weight', async () => {
      await crashDuringPromote()
      clock.advance(TTL + 1)
      traffic.weight = 12
      const attempt = runTransition(request(harness.store(clock), pass, context(1002)))
      await expect(attempt).rejects.toThrow(IllegalMoveError)
      await expect(runTransition(request(harness.store(clock), pass, context(1002)))).rejects.toThrow(
        'repair refused: traffic is at 12%, neither the 5% before nor the 25% the promote by run 1001/1 was setting; ' +
          'set it to one of them with the traffic provider and repair again, or roll back',
      )
    })

    it('is refused with what to do when the provider cannot read weights; rollback still works', async () => {
      await crashDuringPromote()
      clock.advance(TTL + 1)
      const { readWeight: _r, ...withoutRead } = request(harness.store(clock), pass, context(1002))
      await expect(runTransition(withoutRead)).rejects.toThrow(InterruptedMoveError)
      await expect(runTransition(withoutRead)).rejects.toThrow(
        'production: run 1001/1 (job promote) stopped during a promote that was moving traffic 5% → 25% (started 2025-03-01T10:00:00.000Z), ' +
          'so traffic may be at either weight. The traffic provider cannot read weights back, so Rollgate cannot tell which: ' +
          'run repair with the weight you observe (5 or 25), or roll back',
      )
      const { readWeight: _r2, ...rollbackBlind } = request(harness.store(clock), rollback, context(1003))
      const outcome = await runTransition(rollbackBlind)
      expect(outcome.effect).toBe('applied')
      expect(traffic.weight).toBe(0)
      expect(await stored()).toMatchObject({ phase: 'rolled-back', weight: 0 })
      expect((await stored()).pendingMove).toBeUndefined()
    })

    it('is repaired by an explicit repair with the weight a person observed', async () => {
      await crashDuringPromote()
      clock.advance(TTL + 1)
      const { readWeight: _r, ...blind } = request(harness.store(clock), { type: 'repair', observedWeight: 25 }, context(1002))
      const outcome = await runTransition(blind)
      expect(outcome.message).toBe('repaired: completed the promote by run 1001/1, interrupted after traffic reached 25%')
      expect(await stored()).toMatchObject({ phase: 'canary', weight: 25, step: 1 })
    })
  })

  it('leaves the record as it was, saying what failed, when the provider fails and restores the weights', async () => {
    await atStepOne()
    traffic.failNext = new Error('HTTPRoute web: admission webhook denied the patch')
    await expect(runTransition(request(harness.store(clock), next, context(1001)))).rejects.toThrow('admission webhook denied')
    const record = await stored()
    expect(record).toMatchObject({ phase: 'canary', step: 0, weight: 5 })
    expect(record.pendingMove).toBeUndefined()
    expect(record.lease).toBeUndefined()
    expect(record.history.at(-1)?.note).toBe('promote failed, traffic left at 5%: HTTPRoute web: admission webhook denied the patch')
    // Not a replay: the same job may try again.
    expect((await runTransition(request(harness.store(clock), next, context(1001)))).effect).toBe('applied')
  })

  it('ends a deploy whose first move failed as aborted, so the next deploy-canary starts clean', async () => {
    traffic.failNext = new Error('kubectl: connection refused')
    await expect(runTransition(request(harness.store(clock), deployV2(), context(1001)))).rejects.toThrow('connection refused')
    expect(await stored()).toMatchObject({ phase: 'aborted', weight: 0, reason: 'deploy-canary failed, traffic left at 0%: kubectl: connection refused' })
    const retry = await runTransition(request(harness.store(clock), deployV2(), context(1001, { runAttempt: 2 })))
    expect(retry.effect).toBe('applied')
    expect(await stored()).toMatchObject({ phase: 'canary', weight: 5 })
  })

  it('does not let a run whose lease expired mid-move overwrite the run that took over', async () => {
    await atStepOne()
    const slow = async (): Promise<void> => {
      traffic.weight = 25
      clock.advance(TTL + 1)
      await runTransition(request(harness.store(clock), abort, context(2002)))
    }
    const attempt = runTransition(request(harness.store(clock), next, context(1001), { moveTraffic: slow }))
    await expect(attempt).rejects.toThrow(ConfigError)
    await expect(attempt).rejects.toThrow('another command took the environment over (its lease had expired)')
    expect(await stored()).toMatchObject({ phase: 'aborted', weight: 0 })
  })

  it('writes nothing for a no-op or a replay', async () => {
    await atStepOne()
    const before = await harness.store(clock).load(ENV)
    const outcome = await runTransition(request(harness.store(clock), { type: 'resume' }, context(1001)))
    expect(outcome.effect).toBe('noop')
    expect((await harness.store(clock).load(ENV))?.version).toBe(before?.version)
  })

  it('starts from an empty environment', async () => {
    expect(idleRecord(ENV, clock.now()).phase).toBe('idle')
    const outcome = await runTransition(request(harness.store(clock), deployV2(), context(1001)))
    expect(outcome.message).toBe('deployed v2 as the canary at 5% (step 1 of 4)')
    expect(outcome.snapshot?.record.revision).toBe(2)
  })
})
