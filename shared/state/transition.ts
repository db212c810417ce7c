/**
 * Runs one command against a store: read, decide, and for a traffic move the two writes around it.
 *
 *   load ─▶ (repair an interrupted move) ─▶ decide ─▶ write { lease, pendingMove } ─▶ move traffic
 *        ─▶ write { next state, no pendingMove, lease released }
 *
 * The first write is the lease claim (a compare-and-swap on the version just read), so two
 * commands racing for the environment cannot both move traffic. Commands that move nothing
 * (analyze, pause, resume) are one compare-and-swap write; no-ops and replays write nothing.
 *
 * A pending move left by a run that stopped between the two writes is repaired from the traffic
 * provider's read-back when there is one (`readWeight`), and otherwise refused with what to do:
 * rollback and abort still work, since they set the weight outright.
 */
import { ConfigError, errorMessage } from '../errors.js'
import type { ReasonCode } from '../reason-codes.js'
import {
  beginMove,
  decide,
  failedMove,
  IllegalMoveError,
  interruptedMoveProblem,
  type Command,
  type CommandContext,
  type RolloutPolicy,
  type TrafficMove,
  type Transition,
} from './machine.js'
import type { PendingMove } from './record.js'
import { idleRecord, leaseIsLive, sameRun, type RolloutRecord, type RunRef } from './record.js'
import { StateConflictError, assertLeaseAvailable, supersededAttempt, withLease, withoutLease, type Snapshot, type StateStore } from './store.js'

export interface TransitionRequest {
  store: StateStore
  environment: string
  command: Command
  policy: RolloutPolicy
  context: CommandContext
  /** How long the command may hold the environment's lease; released when it ends. */
  leaseTtlMs: number
  /**
   * Sets the traffic (running the step's hooks around it), once the pending move is recorded.
   * Must leave the previous weights in place when it throws. Required for commands that move traffic.
   */
  moveTraffic?: (move: TrafficMove, current: RolloutRecord) => Promise<void>
  /**
   * The canary weight as the traffic provider reads it back, with the template context of the move
   * recorded in `record` (its canary and stable versions); undefined when the provider cannot read
   * weights back. Lets an interrupted move be repaired.
   */
  readWeight?: (record: RolloutRecord) => Promise<number | undefined>
  /** What the refusal of an unreadable interrupted move tells the operator to run. */
  repairHint?: (pending: PendingMove) => string
  /** Keep the lease after the command (the caller releases it later). */
  keepLease?: boolean
  /**
   * Last changes to an applied command's record before its final write (e.g. the ids of the
   * reports just published), so they cost no write of their own.
   */
  amend?: (record: RolloutRecord, transition: Transition) => Promise<RolloutRecord>
  /** Refuses the command on the record as loaded, before anything is written (throw a user error). */
  check?: (record: RolloutRecord | undefined) => void
  /** Changes written with the claim (lease + pending move), e.g. a migration about to start. */
  prepare?: (claim: RolloutRecord, transition: Transition) => RolloutRecord
}

export interface TransitionOutcome extends Transition {
  /** The record as stored after the command (undefined only when nothing was ever stored). */
  snapshot: Snapshot | undefined
  /** The repair applied first, when an interrupted move was found and read back. */
  repair?: Transition
}

/** A pending move of a run that is gone, and no way to read where traffic is. */
export class InterruptedMoveError extends ConfigError {
  protected override defaultReasonCode(): ReasonCode {
    return 'interrupted-move'
  }
}

export function runRef(context: CommandContext): RunRef {
  return { runId: context.runId, runAttempt: context.runAttempt, job: context.job }
}

export async function runTransition(request: TransitionRequest): Promise<TransitionOutcome> {
  const { store, environment, context, policy } = request
  const owner = runRef(context)
  const loaded = await store.load(environment)
  assertLeaseAvailable(loaded?.record, owner, context.now)
  request.check?.(loaded?.record)
  let record = loaded?.record ?? idleRecord(environment, context.now)

  let repair: Transition | undefined
  const pending = record.pendingMove
  const settlesTraffic = request.command.type === 'repair' || request.command.type === 'rollback' || request.command.type === 'abort'
  if (pending && !settlesTraffic) {
    try {
      ;({ repair, record } = await repairFirst(request, record, pending))
    } catch (error) {
      // A refusal by the re-run of a killed job: the dead attempt's lease would otherwise block the
      // very command the refusal names (rollback, repair) until it expires.
      const lease = loaded?.record.lease
      if (loaded && lease && supersededAttempt(lease.owner, owner)) await store.save(withoutLease(loaded.record), loaded.version).catch(() => undefined)
      throw error
    }
  }

  const transition = decide(record, request.command, policy, context)
  const outcome = (snapshot: Snapshot | undefined, t: Transition = transition): TransitionOutcome => ({
    ...t,
    snapshot,
    ...(repair ? { repair } : {}),
  })
  const settle = (r: RolloutRecord): RolloutRecord => settleLease(r, owner, context.now, request.keepLease ?? false)

  const amend = async (r: RolloutRecord): Promise<RolloutRecord> => (request.amend ? request.amend(r, transition) : r)
  if (transition.effect !== 'applied') {
    if (!repair) {
      // A re-run of a command that was stopped after its record write may have lost the deployment
      // status that echoes it: show it now (a read, and a write only when it is missing). Only a
      // replay can be that re-run, so other no-ops cost nothing more.
      if (loaded && store.reconcile && transition.effect === 'replayed') await store.reconcile(loaded.record)
      return outcome(loaded)
    }
    return outcome(await store.save(settle(transition.record), loaded?.version ?? null))
  }
  if (!transition.move) return outcome(await store.save(settle(await amend(transition.record)), loaded?.version ?? null))

  if (!request.moveTraffic) throw new Error(`${transition.command} moves traffic, but no traffic provider was given`)
  // The claim: lease and pending move in one compare-and-swap on the version read above.
  const claim = withLease(beginMove(record, transition, context), owner, request.leaseTtlMs, context.now)
  const begun = await store.save(request.prepare ? request.prepare(claim, transition) : claim, loaded?.version ?? null)

  try {
    await request.moveTraffic(transition.move, record)
  } catch (error) {
    await recordFailure(request, begun, transition, error)
    throw error
  }

  let final = settle(transition.record)
  // The store may have filled in what the first write created (the rollout's deployment).
  if (final.deploymentId === undefined && begun.record.deploymentId !== undefined) {
    final = { ...final, deploymentId: begun.record.deploymentId, ...(begun.record.deploymentNodeId ? { deploymentNodeId: begun.record.deploymentNodeId } : {}) }
  }
  final = await amend(final)
  try {
    return outcome(await store.save(final, begun.version))
  } catch (error) {
    const why = error instanceof StateConflictError ? 'another command took the environment over (its lease had expired)' : errorMessage(error)
    throw new ConfigError(
      `${environment}: traffic moved to ${transition.move.to}% but the record could not be written (${why}). The record keeps the ` +
        `pending move, so the next command repairs it from the traffic provider's read-back, or says how to`,
      { cause: error, reasonCode: 'record-write-failed' },
    )
  }
}

/** Settles a pending move left by a run that is gone, from the traffic provider's read-back. */
async function repairFirst(request: TransitionRequest, record: RolloutRecord, pending: PendingMove): Promise<{ repair: Transition; record: RolloutRecord }> {
  const { environment, policy, context } = request
  const observed = request.readWeight ? await request.readWeight(record) : undefined
  if (observed === undefined) {
    const hint =
      request.repairHint?.(pending) ??
      `settle it with a repair command giving the weight you observe (${pending.from} or ${pending.to}), or roll back`
    throw new InterruptedMoveError(
      `${environment}: ${interruptedMoveProblem(pending)}. The traffic provider cannot read weights back, so Rollgate cannot tell which: ${hint}`,
    )
  }
  let repair: Transition
  try {
    repair = decide(record, { type: 'repair', observedWeight: observed }, policy, context)
  } catch (error) {
    // Traffic is at neither weight (a move stopped half way): say what settles it.
    if (error instanceof IllegalMoveError && request.repairHint) {
      throw new InterruptedMoveError(`${environment}: ${interruptedMoveProblem(pending)}. ${error.message}. To settle it: ${request.repairHint(pending)}`, { cause: error })
    }
    throw error
  }
  return { repair, record: repair.record }
}

/**
 * After a failed move: when the provider put the previous weights back (read back, or trusted
 * when it cannot be read), the record returns to the state before the command and says what
 * failed; when traffic is elsewhere, the pending move stays for the next command to repair, and
 * only the lease is released.
 */
async function recordFailure(request: TransitionRequest, begun: Snapshot, transition: Transition, error: unknown): Promise<void> {
  const move = transition.move as TrafficMove
  let observed: number | undefined = move.from
  if (request.readWeight) {
    try {
      observed = (await request.readWeight(begun.record)) ?? move.from
    } catch {
      observed = undefined
    }
  }
  const owner = runRef(request.context)
  const record =
    observed === move.from
      ? settleLease(failedMove(begun.record, transition, request.context, errorMessage(error)), owner, request.context.now, false)
      : withoutLease(begun.record)
  try {
    await request.store.save(record, begun.version)
  } catch {
    // The command's own error is the one to report; the pending move (and the lease's expiry)
    // lets the next command sort the record out.
  }
}

/** Drops the lease unless it is ours and the caller keeps it; an expired lease of anyone is dropped. */
function settleLease(record: RolloutRecord, owner: RunRef, now: Date, keep: boolean): RolloutRecord {
  const lease = record.lease
  if (keep && lease && sameRun(lease.owner, owner) && leaseIsLive(lease, now)) return record
  return withoutLease(record)
}
