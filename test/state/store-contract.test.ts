/**
 * The StateStore contract, on both stores: the lease under contention and expiry, optimistic
 * concurrency, release and the history queries.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decide } from '../../shared/state/machine.js'
import { idleRecord, type RunRef } from '../../shared/state/record.js'
import { LeaseHeldError, StateConflictError } from '../../shared/state/store.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { Clock, ENV, POLICY, V1, ctx } from './fixtures.js'
import { REPOSITORY, fileHarness, gitHubHarness } from './stores.js'

const github = useFakeGitHub({ repository: REPOSITORY })
const MINUTE = 60_000
const A: RunRef = { runId: 1001, runAttempt: 1, job: 'promote' }
const B: RunRef = { runId: 2002, runAttempt: 1, job: 'rollback' }

describe.each([fileHarness(), gitHubHarness(github)])('$name', (harness) => {
  let clock: Clock
  beforeEach(async () => {
    clock = new Clock()
    await harness.setup()
  })
  afterEach(() => harness.teardown())

  it('has no record before the first write', async () => {
    const store = harness.store(clock)
    expect(await store.load(ENV)).toBeUndefined()
    expect(await store.history(ENV)).toEqual([])
    expect(await store.lastKnownGood(ENV)).toBeUndefined()
  })

  it('lets exactly one of two simultaneous claimers win; the other learns who holds the lease', async () => {
    const results = await Promise.allSettled([harness.store(clock).claim(ENV, A, 5 * MINUTE), harness.store(clock).claim(ENV, B, 5 * MINUTE)])
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect(lost[0]?.reason).toBeInstanceOf(LeaseHeldError)
    const holder = (await harness.store(clock).load(ENV))?.record.lease?.owner
    const loser = holder?.runId === A.runId ? B : A
    expect(holder?.runId).not.toBe(loser.runId)
    expect((lost[0]?.reason as Error).message).toContain(`locked by run ${holder?.runId}/1`)
  })

  it('lets exactly one of two claimers that read the same (empty) state win the write', async () => {
    const results = await Promise.allSettled([
      harness.store(clock).claim(ENV, A, 5 * MINUTE, { from: null }),
      harness.store(clock).claim(ENV, B, 5 * MINUTE, { from: null }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(rejected?.reason).toBeInstanceOf(LeaseHeldError)
  })

  it('refuses a live lease held by another run, naming the owner and the expiry', async () => {
    await harness.store(clock).claim(ENV, A, 10 * MINUTE)
    clock.advance(4 * MINUTE)
    const claim = harness.store(clock).claim(ENV, B, 10 * MINUTE)
    await expect(claim).rejects.toThrow(LeaseHeldError)
    await expect(harness.store(clock).claim(ENV, B, 10 * MINUTE)).rejects.toThrow(
      'production is locked by run 1001/1 (job promote) until 2025-03-01T10:10:00.000Z (6m from now): another Rollgate command is running there; ' +
        'wait for it to finish or for its lease to expire',
    )
  })

  it('hands an expired lease to the next claimer', async () => {
    await harness.store(clock).claim(ENV, A, 5 * MINUTE)
    clock.advance(5 * MINUTE + 1)
    const taken = await harness.store(clock).claim(ENV, B, 5 * MINUTE)
    expect(taken.record.lease).toEqual({
      owner: B,
      claimedAt: clock.current.toISOString(),
      expiresAt: new Date(clock.current.getTime() + 5 * MINUTE).toISOString(),
    })
    // The run that lost its lease cannot write over the new holder's claim either.
    await expect(harness.store(clock).claim(ENV, A, 5 * MINUTE)).rejects.toThrow(LeaseHeldError)
  })

  it('renews the lease for the run that holds it', async () => {
    const store = harness.store(clock)
    await store.claim(ENV, A, 5 * MINUTE)
    clock.advance(4 * MINUTE)
    const renewed = await harness.store(clock).claim(ENV, A, 5 * MINUTE)
    expect(renewed.record.lease?.expiresAt).toBe('2025-03-01T10:09:00.000Z')
  })

  it('releases only the holder’s lease', async () => {
    await harness.store(clock).claim(ENV, A, 5 * MINUTE)
    const notMine = await harness.store(clock).release(ENV, B)
    expect(notMine?.record.lease?.owner).toEqual(A)
    const released = await harness.store(clock).release(ENV, A)
    expect(released?.record.lease).toBeUndefined()
    await harness.store(clock).claim(ENV, B, 5 * MINUTE)
  })

  it('refuses a write based on a stale version', async () => {
    const first = harness.store(clock)
    const second = harness.store(clock)
    const empty = await first.save(idleRecord(ENV, clock.now()), null)
    const seen = await second.load(ENV)
    await first.save({ ...empty.record }, empty.version)
    clock.advance(1000)
    await expect(second.save({ ...(seen?.record ?? empty.record) }, seen?.version ?? null)).rejects.toThrow(StateConflictError)
    await expect(second.save(idleRecord(ENV, clock.now()), null)).rejects.toThrow(StateConflictError)
  })

  it('bumps the revision on every write and reads back what it wrote', async () => {
    const store = harness.store(clock)
    const a = await store.save(idleRecord(ENV, clock.now()), null)
    const canary = harness.canary('v2')
    const t = decide(a.record, { type: 'deploy-canary', canary, stable: V1 }, POLICY, ctx())
    const b = await store.save(t.record, a.version)
    expect([a.record.revision, b.record.revision]).toEqual([1, 2])
    const read = await harness.store(clock).load(ENV)
    expect(read?.record).toEqual(b.record)
    expect(read?.version).toBe(b.version)
    expect(await harness.store(clock).history(ENV)).toEqual(b.record.history)
    expect(await harness.store(clock).lastKnownGood(ENV)).toEqual(V1)
  })

  it('keeps environments apart, whatever their names', async () => {
    const store = harness.store(clock)
    await store.claim('Production EU/1', A, MINUTE)
    await store.claim('staging', B, MINUTE)
    expect((await harness.store(clock).load('Production EU/1'))?.record.lease?.owner).toEqual(A)
    expect((await harness.store(clock).load('staging'))?.record.lease?.owner).toEqual(B)
  })
})
