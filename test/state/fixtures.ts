/**
 * Shared fixtures for the state tests: a policy, run contexts, a settable clock, a traffic fake
 * that counts moves, and records in every state reached by real commands from an idle record.
 */
import {
  beginMove,
  decide,
  type Command,
  type CommandContext,
  type RolloutPolicy,
  type TrafficMove,
} from '../../shared/state/machine.js'
import { idleRecord, type CanaryRef, type RolloutRecord, type VersionRef } from '../../shared/state/record.js'

export const ENV = 'production'

/**
 * Step 1 (5%) and step 3 (50%) require a passing analysis; step 2 (25%) has one but may be
 * skipped; the last step (100%) has none, so reaching it completes the rollout.
 */
export const POLICY: RolloutPolicy = {
  steps: [
    { weight: 5, analysis: 'default', skippable: false },
    { weight: 25, analysis: 'default' },
    { weight: 50, analysis: 'default', skippable: false },
    { weight: 100 },
  ],
}

export const SHA1 = '1111111111111111111111111111111111111111'
export const SHA2 = '2222222222222222222222222222222222222222'
export const SHA3 = '3333333333333333333333333333333333333333'

export const V1: VersionRef = { version: 'v1', ref: 'refs/tags/v1', sha: SHA1 }
export const V2: CanaryRef = { version: 'v2', ref: 'refs/tags/v2', sha: SHA2 }
export const V3: CanaryRef = { version: 'v3', ref: 'refs/tags/v3', sha: SHA3 }

export const T0 = new Date('2025-03-01T10:00:00.000Z')

export function at(offsetMs: number): Date {
  return new Date(T0.getTime() + offsetMs)
}

export class Clock {
  constructor(public current: Date = T0) {}
  now = (): Date => this.current
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms)
  }
}

let nextRun = 1000

/** A fresh run (a new workflow run id) unless given; job `rollout`, attempt 1. */
export function ctx(overrides: Partial<CommandContext> = {}): CommandContext {
  return { runId: overrides.runId ?? ++nextRun, runAttempt: 1, job: 'rollout', actor: 'alice', now: T0, ...overrides }
}

/** Deploys `canary` over the stable version V1 (pass `null` for an unknown stable version). */
export const deploy = (canary: CanaryRef = V2, stable: VersionRef | null = V1): Command =>
  stable ? { type: 'deploy-canary', canary, stable } : { type: 'deploy-canary', canary }
export const pass: Command = { type: 'analyze', decision: 'pass', template: 'default', summary: 'no regression' }
export const fail: Command = { type: 'analyze', decision: 'fail', template: 'default', summary: 'errors up 40%' }
export const inconclusive: Command = { type: 'analyze', decision: 'inconclusive', template: 'default', summary: 'not enough traffic' }
export const next: Command = { type: 'promote', target: { kind: 'next' } }
export const to = (weight: number): Command => ({ type: 'promote', target: { kind: 'to', weight } })
export const full: Command = { type: 'promote', target: { kind: 'full' } }
export const rollback: Command = { type: 'rollback', reason: 'errors up' }
export const abort: Command = { type: 'abort', reason: 'wrong build' }

/** Applies commands one by one (each from a fresh run), as the actions would. */
export function run(commands: Command[], from: RolloutRecord = idleRecord(ENV, T0)): RolloutRecord {
  let record = from
  for (const command of commands) record = decide(record, command, POLICY, ctx()).record
  return record
}

/** The records of every state the table walks through, each reached by real commands. */
export function states(): Record<string, RolloutRecord> {
  const idle = idleRecord(ENV, T0)
  const deployT = decide(idle, deploy(), POLICY, ctx())
  return {
    idle,
    pending: beginMove(idle, deployT, ctx()),
    canary: run([deploy()]),
    'canary-passed': run([deploy(), pass]),
    'canary-50-passed': run([deploy(), pass, next, pass, next, pass]),
    paused: run([deploy(), { type: 'pause' }]),
    promoted: run([deploy(), pass, next, pass, next, pass, next]),
    'rolled-back': run([deploy(), rollback]),
    aborted: run([deploy(), abort]),
  }
}

/** A traffic provider fake: the weight it holds, every move it made, and switchable failures. */
export class FakeTraffic {
  weight = 0
  readonly moves: TrafficMove[] = []
  /** Throw before moving (the provider restored nothing because nothing moved). */
  failNext: Error | undefined

  move = async (move: TrafficMove): Promise<void> => {
    if (this.failNext) {
      const error = this.failNext
      this.failNext = undefined
      throw error
    }
    this.moves.push(move)
    this.weight = move.to
  }

  read = async (): Promise<number> => this.weight
}
