/**
 * Where rollout records live. Two implementations share these semantics: github-store.ts (a file
 * per environment on a dedicated branch, written with the Contents API's compare-and-swap, plus
 * one GitHub deployment per rollout) and file-store.ts (a JSON file per environment, for the CLI
 * and the demo).
 *
 * Concurrency model, the same for both:
 * - every write is a compare-and-swap against the version the writer read (`save(record,
 *   expectedVersion)`); a lost race is a StateConflictError, never a silent overwrite;
 * - the lease is a field of the record, so claiming it is one such write: it succeeds only when the
 *   lease was free, expired or already ours when read, and nobody wrote in between;
 * - a lease covers one command (a few minutes of traffic moves, hooks or analysis), not the whole
 *   rollout: that one rollout per environment is active at a time is the state machine's rule
 *   (deploy-canary is refused while a canary is out).
 */
import { ConfigError } from '../errors.js'
import type { ReasonCode } from '../reason-codes.js'
import {
  formatRun,
  idleRecord,
  lastKnownGood,
  leaseIsLive,
  sameRun,
  type HistoryEntry,
  type Lease,
  type RolloutRecord,
  type RunRef,
  type VersionRef,
} from './record.js'

/** A record as read or written, with the version a later write must name. */
export interface Snapshot {
  record: RolloutRecord
  /** Opaque: a blob SHA on GitHub, a content hash in the file store. */
  version: string
}

export interface ClaimOptions {
  /**
   * Claim against this snapshot (or `null`: known to have no record) instead of reading the store
   * first; the write still fails if the record changed since.
   */
  from?: Snapshot | null
  /** More changes written in the same write as the lease (e.g. the pending move). */
  update?: (record: RolloutRecord) => RolloutRecord
}

export interface StateStore {
  /** Where an environment's record lives, for messages (`acme/shop@rollgate-state:production.json`). */
  describe(environment: string): string
  /** The environment's record, or undefined before its first write. */
  load(environment: string): Promise<Snapshot | undefined>
  /**
   * Takes the environment's lease for `ttlMs`: succeeds when it is free, expired or already held
   * by `owner` (then it is renewed). A live lease of another owner is a LeaseHeldError naming the
   * owner and the expiry; losing a race to another claimer is a StateConflictError.
   */
  claim(environment: string, owner: RunRef, ttlMs: number, options?: ClaimOptions): Promise<Snapshot>
  /**
   * Writes the record if the stored one is still at `expectedVersion` (`null`: no record yet).
   * Bumps `revision` and `updatedAt`. The record is validated first (RecordError).
   */
  save(record: RolloutRecord, expectedVersion: string | null): Promise<Snapshot>
  /** Drops `owner`'s lease; a no-op when the lease is someone else's or gone. */
  release(environment: string, owner: RunRef): Promise<Snapshot | undefined>
  /** The bounded history, oldest first. */
  history(environment: string): Promise<HistoryEntry[]>
  /** The record this store last read or wrote for the environment, without a request (for error reports). */
  lastSeen?(environment: string): RolloutRecord | undefined
  /**
   * Makes what the store shows beside the record (GitHub's deployment statuses) match `record`,
   * for a command that writes nothing: a run stopped between its record write and its statuses
   * left them behind. Optional: stores that show nothing beside the record have nothing to do.
   */
  reconcile?(record: RolloutRecord): Promise<void>
  /** The newest version that served all traffic and was not reverted since (see record.ts). */
  lastKnownGood(environment: string): Promise<VersionRef | undefined>
}

/** Someone else holds the lease and it has not expired. */
export class LeaseHeldError extends ConfigError {
  protected override defaultReasonCode(): ReasonCode {
    return 'lease-held'
  }
  constructor(
    readonly environment: string,
    readonly lease: Lease,
    now: Date,
  ) {
    const left = Math.max(0, Date.parse(lease.expiresAt) - now.getTime())
    super(
      `${environment} is locked by ${formatRun(lease.owner)} (job ${lease.owner.job || '?'}) until ${lease.expiresAt} ` +
        `(${formatWait(left)} from now): another Rollgate command is running there; wait for it to finish or for its lease to expire ` +
        `(if that run was stopped, re-running its failed jobs takes the lease over at once)`,
    )
  }
}

/** The stored record changed between this command's read and its write. */
export class StateConflictError extends ConfigError {
  protected override defaultReasonCode(): ReasonCode {
    return 'state-conflict'
  }
  constructor(
    readonly environment: string,
    where: string,
    detail = 'another Rollgate command wrote it first',
  ) {
    super(`the rollout record of ${environment} (${where}) changed while this command ran: ${detail}; run the command again to act on the new state`)
  }
}

/** Throws LeaseHeldError unless `owner` may take the record's lease at `now`. */
export function assertLeaseAvailable(record: RolloutRecord | undefined, owner: RunRef, now: Date): void {
  const lease = record?.lease
  if (record && leaseIsLive(lease, now) && !sameRun(lease.owner, owner) && !supersededAttempt(lease.owner, owner)) {
    throw new LeaseHeldError(record.environment, lease, now)
  }
}

/**
 * Whether `holder` is an earlier attempt of the run `claimer` belongs to. GitHub re-runs jobs only
 * of a workflow run that has completed, so every job of an earlier attempt has ended: its lease is
 * a leftover (a job killed mid-command), and re-running the job takes over at once instead of
 * waiting for the lease to expire.
 */
export function supersededAttempt(holder: RunRef, claimer: RunRef): boolean {
  return holder.runId === claimer.runId && holder.runAttempt < claimer.runAttempt
}

export function withLease(record: RolloutRecord, owner: RunRef, ttlMs: number, now: Date): RolloutRecord {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new ConfigError(`a lease needs a positive duration, got ${ttlMs} ms`)
  return {
    ...record,
    lease: { owner: { ...owner }, claimedAt: now.toISOString(), expiresAt: new Date(now.getTime() + ttlMs).toISOString() },
  }
}

export function withoutLease(record: RolloutRecord): RolloutRecord {
  const { lease: _lease, ...rest } = record
  return rest
}

/** The record a store writes: the next revision, stamped now. */
export function nextRevision(record: RolloutRecord, previous: RolloutRecord | undefined, now: Date): RolloutRecord {
  return { ...record, revision: Math.max(record.revision, previous?.revision ?? 0) + 1, updatedAt: now.toISOString() }
}

/**
 * The parts both stores share: claim, release and the history queries on top of load and a
 * compare-and-swap `save`.
 */
export abstract class BaseStateStore implements StateStore {
  /** The last snapshot this store read or wrote per environment: lets claim and release skip a read. */
  protected readonly known = new Map<string, Snapshot | null>()

  constructor(protected readonly clock: () => Date = () => new Date()) {}

  abstract describe(environment: string): string
  protected abstract read(environment: string): Promise<Snapshot | undefined>
  protected abstract write(record: RolloutRecord, expectedVersion: string | null, previous: RolloutRecord | undefined): Promise<Snapshot>

  async load(environment: string): Promise<Snapshot | undefined> {
    const snapshot = await this.read(environment)
    this.known.set(environment, snapshot ?? null)
    return snapshot
  }

  async save(record: RolloutRecord, expectedVersion: string | null): Promise<Snapshot> {
    const known = this.known.get(record.environment)
    const previous = known && known.version === expectedVersion ? known.record : undefined
    try {
      const written = await this.write(nextRevision(record, previous, this.clock()), expectedVersion, previous)
      this.known.set(record.environment, written)
      return written
    } catch (error) {
      if (error instanceof StateConflictError) this.known.delete(record.environment)
      throw error
    }
  }

  async claim(environment: string, owner: RunRef, ttlMs: number, options: ClaimOptions = {}): Promise<Snapshot> {
    // undefined: not known yet, read it; null: known to have no record.
    let base: Snapshot | null | undefined = options.from !== undefined ? options.from : this.known.get(environment)
    for (let attempt = 1; ; attempt++) {
      if (base === undefined) base = (await this.load(environment)) ?? null
      const now = this.clock()
      assertLeaseAvailable(base?.record, owner, now)
      let record = withLease(base?.record ?? idleRecord(environment, now), owner, ttlMs, now)
      if (options.update) record = options.update(record)
      try {
        return await this.save(record, base?.version ?? null)
      } catch (error) {
        if (!(error instanceof StateConflictError)) throw error
        // Lost a race: say who won when it was another claimer. A plain claim may try again on the
        // fresh record (the winner may have been a release); one carrying other changes may not,
        // since those were decided on the record that just went stale.
        const fresh = await this.load(environment)
        assertLeaseAvailable(fresh?.record, owner, this.clock())
        if (options.update || attempt >= 3) throw error
        base = fresh ?? null
      }
    }
  }

  async release(environment: string, owner: RunRef): Promise<Snapshot | undefined> {
    for (let attempt = 0; ; attempt++) {
      const cached = attempt === 0 ? this.known.get(environment) : undefined
      const base = cached ?? (await this.load(environment))
      if (!base) return undefined
      const lease = base.record.lease
      if (!lease || !sameRun(lease.owner, owner)) return base
      try {
        return await this.save(withoutLease(base.record), base.version)
      } catch (error) {
        if (error instanceof StateConflictError && cached) continue
        throw error
      }
    }
  }

  lastSeen(environment: string): RolloutRecord | undefined {
    return this.known.get(environment)?.record
  }

  async history(environment: string): Promise<HistoryEntry[]> {
    return (await this.load(environment))?.record.history ?? []
  }

  async lastKnownGood(environment: string): Promise<VersionRef | undefined> {
    const snapshot = await this.load(environment)
    return snapshot ? lastKnownGood(snapshot.record) : undefined
  }
}

/**
 * A file name for an environment: lower case (GitHub environment names are case-insensitive),
 * with anything outside [a-z0-9_-] written as `~xx` (UTF-8 bytes in hex), so it is safe as a
 * path segment and no two environments share one.
 */
export function environmentSlug(environment: string): string {
  let out = ''
  for (const byte of Buffer.from(environment.toLowerCase(), 'utf8')) {
    const ch = String.fromCharCode(byte)
    out += /[a-z0-9_-]/.test(ch) ? ch : `~${byte.toString(16).padStart(2, '0')}`
  }
  return out
}

function formatWait(ms: number): string {
  const s = Math.ceil(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  return s % 60 === 0 ? `${m}m` : `${m}m ${s % 60}s`
}
