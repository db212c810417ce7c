/**
 * The rollout record: everything Rollgate knows about one environment's rollout, versioned so a
 * newer Rollgate can refuse a record it does not understand instead of misreading it.
 *
 * Records are parsed with errors that name the field (`history[3].at must be ...`), and every write
 * goes through `serializeRecord`, which parses its own output first: a record the next command
 * cannot read is never written.
 */
import type { Decision } from '../analysis/types.js'
import { ConfigError } from '../errors.js'
import { recordSchemaProblem } from './record-schema.js'

export const RECORD_SCHEMA_VERSION = 1

/**
 * History keeps the newest 50 entries (a rollout of four steps writes about eight), plus the two
 * newest entries that name a stable version, so a revert always finds its known-good target.
 */
export const HISTORY_LIMIT = 50

/**
 * Upper bound on a serialized record. The store file has room for far more (the Contents API
 * serves files up to 1 MB), but the judge's evidence must stay small enough to read and rewrite on
 * every command; a larger record is refused with the size of its largest field.
 */
export const MAX_RECORD_BYTES = 256 * 1024

export const PHASES = ['idle', 'pending', 'canary', 'promoted', 'rolled-back', 'aborted'] as const
/**
 * - `idle`: no rollout has started here yet (the record only holds a lease or history);
 * - `pending`: a rollout was created and its first traffic move has not been confirmed;
 * - `canary`: the canary serves `weight`% at `step` (possibly `paused`);
 * - `promoted`, `rolled-back`, `aborted`: the rollout ended.
 */
export type Phase = (typeof PHASES)[number]

export const COMMAND_TYPES = [
  'deploy-canary',
  'analyze',
  'promote',
  'rollback',
  'pause',
  'resume',
  'abort',
  'finalize',
  'repair',
] as const
export type CommandType = (typeof COMMAND_TYPES)[number]

export type FinalDecision = Exclude<Decision, 'continue'>

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** A version of the application; `deploymentId` is the GitHub deployment that shipped it, when known. */
export interface VersionRef {
  version: string
  ref?: string
  sha?: string
  deploymentId?: number
  /** That deployment's GraphQL node ID (statuses for several deployments go in one GraphQL request). */
  deploymentNodeId?: string
}

export interface CanaryRef {
  version: string
  ref: string
  sha: string
}

/** Who holds a lease or ran a command: one job attempt of one workflow run (run id 0 outside Actions). */
export interface RunRef {
  runId: number
  runAttempt: number
  job: string
}

export interface Lease {
  owner: RunRef
  claimedAt: string
  expiresAt: string
}

export interface Verdict {
  decision: Decision
  at: string
  template: string
  summary: string
  step: number
}

export interface StepVerdict {
  step: number
  decision: FinalDecision
  at: string
  template: string
  /** The canary version and commit the analysis judged. */
  version?: string
  sha?: string
}

/** The judge's own state, carried between `mode: once` runs; Rollgate stores it without looking inside. */
export interface Evidence {
  step: number
  template: string
  data: JsonValue
}

/**
 * Written before traffic moves and cleared by the write that follows the move: finding one that
 * belongs to no live lease means a run stopped between the two writes, and the traffic may be at
 * either weight.
 */
export interface PendingMove {
  from: number
  to: number
  startedAt: string
  runId: number
  runAttempt: number
  job: string
  command: CommandType
  /** The phase and step the interrupted command was moving to. */
  phase: Phase
  step: number
  /** The interrupted command's operation key (see machine.ts). */
  op: string
  /** The stable version after the move, when the move changes it (a promotion or a revert). */
  stable?: VersionRef
}

export interface HistoryEntry {
  at: string
  action: CommandType
  from: Phase
  to: Phase
  fromWeight: number
  weight: number
  /** Percent of requests mirrored to the canary after the entry (a `mirror:` step, #16); its weight is 0 and it serves none. */
  mirror?: number
  /** The canary version the command acted on. */
  version?: string
  /**
   * Set on entries that establish a known-good version: a deploy-canary names the stable version it
   * started from, a promotion names the version it made stable, a revert names the one it restored.
   */
  stable?: VersionRef
  actor: string
  runId: number
  runAttempt: number
  note?: string
  /** Operation key, for replay detection. */
  op?: string
}

export interface Pause {
  at: string
  actor: string
  reason?: string
}

/** Where later commands update the rollout's report in place, without searching for it. */
export interface ReportLinks {
  checkRunId?: number
  commentId?: number
  /** The pull request `commentId` belongs to. */
  pullRequest?: number
  /** Who wrote the comment (the token's identity): only its comments are searched for the marker. */
  commentAuthor?: string
}

/**
 * `expanding`: expand was started and not yet recorded as done (it runs again: expand commands must
 * be idempotent); `expanded`: done, both versions can run on the schema; `contracting`: contract
 * started; `contracted`: done; `kept`: the rollout was rolled back after expand, so contract never
 * runs for it and the expanded schema stays.
 */
export interface MigrationState {
  state: 'expanding' | 'expanded' | 'contracting' | 'contracted' | 'kept'
  /** The canary version the migration was expanded for. */
  version: string
  expandedAt?: string
  /** When the old version's traffic was read back at zero (the promotion); contract waits `drain` from here. */
  drainingSince?: string
  contractedAt?: string
}

export interface RolloutRecord {
  schemaVersion: typeof RECORD_SCHEMA_VERSION
  environment: string
  /** Incremented by every write. */
  revision: number
  updatedAt: string
  phase: Phase
  /** The version serving the rest of the traffic; unknown before the first rollout unless given. */
  stable?: VersionRef
  /** Absent only while `idle`. */
  canary?: CanaryRef
  startedAt?: string
  /** Index into the environment's steps; -1 before the first step. */
  step: number
  /** Percentage of traffic on the canary, as last confirmed. */
  weight: number
  /** Percent of requests mirrored to the canary at a `mirror:` step (#16): it serves none, so `weight` is 0. */
  mirror?: number
  paused?: Pause
  /** Why the rollout was rolled back or aborted. */
  reason?: string
  lastVerdict?: Verdict
  /** The latest final verdict of each step that has one, by step. */
  verdicts: StepVerdict[]
  evidence?: Evidence
  lease?: Lease
  pendingMove?: PendingMove
  deploymentId?: number
  /** The deployment's GraphQL node ID; records written before it existed lack it. */
  deploymentNodeId?: string
  /** Where the environment's expand/contract migration stands for `version` (see shared/migration). */
  migration?: MigrationState
  report?: ReportLinks
  /** Oldest first, bounded (HISTORY_LIMIT). */
  history: HistoryEntry[]
}

/** A record that cannot be read or must not be written. Names the field at fault. */
export class RecordError extends ConfigError {
}

/** An empty record for an environment that has never had a rollout. */
export function idleRecord(environment: string, now: Date): RolloutRecord {
  return {
    schemaVersion: RECORD_SCHEMA_VERSION,
    environment,
    revision: 0,
    updatedAt: now.toISOString(),
    phase: 'idle',
    step: -1,
    weight: 0,
    verdicts: [],
    history: [],
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Reads a record from JSON text or an already-parsed value. `where` names the source in errors
 * (e.g. `rollgate-state:production.json`).
 */
export function parseRecord(input: string | unknown, where = 'rollout record'): RolloutRecord {
  let value: unknown = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input)
    } catch (error) {
      throw new RecordError(`${where} is not valid JSON: ${(error as Error).message}`)
    }
  }
  const r = new Reader(where)
  const schemaVersion = (value as { schemaVersion?: unknown } | null)?.schemaVersion
  if (typeof schemaVersion === 'number' && Number.isInteger(schemaVersion) && schemaVersion > RECORD_SCHEMA_VERSION) {
    throw new RecordError(
      `${where} has schemaVersion ${schemaVersion}, written by a newer Rollgate; this one reads schemaVersion ${RECORD_SCHEMA_VERSION}: upgrade the Rollgate actions`,
    )
  }
  const problem = recordSchemaProblem(value)
  if (problem) {
    if (problem.hasGot) r.fail(problem.path, problem.problem, problem.got)
    r.fail(problem.path, problem.problem)
  }
  // Valid by the schema: a fresh copy, so callers never share objects with the input.
  const record = JSON.parse(JSON.stringify(value)) as RolloutRecord
  checkInvariants(r, record)
  return record
}

function checkInvariants(r: Reader, record: RolloutRecord): void {
  if (record.phase === 'idle') {
    if (record.canary !== undefined) r.fail('canary', 'must be absent while the phase is idle')
  } else if (record.canary === undefined) {
    r.fail('canary', `is required when the phase is ${record.phase}`)
  }
  if (record.phase === 'pending' && record.pendingMove === undefined) {
    r.fail('pendingMove', 'is required when the phase is pending (the first traffic move of the rollout)')
  }
  if (record.paused !== undefined && record.phase !== 'canary') {
    r.fail('paused', `is only allowed while the phase is canary, not ${record.phase}`)
  }
  if (record.phase === 'canary' && record.step < 0) r.fail('step', 'must be 0 or more while the phase is canary', record.step)
  const steps = new Set<number>()
  record.verdicts.forEach((v, i) => {
    if (steps.has(v.step)) r.fail(`verdicts[${i}].step`, 'appears twice (keep one verdict per step)', v.step)
    steps.add(v.step)
  })
}












const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/

/** Field readers that throw a RecordError naming the field path. */
class Reader {
  constructor(private readonly where: string) {}

  fail(path: string, problem: string, ...got: [unknown?]): never {
    const shown = got.length > 0 ? `, got ${describe(got[0])}` : ''
    const subject = path === '' ? this.where : `${this.where}: ${path}`
    throw new RecordError(`${subject} ${problem}${shown}`)
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'must be an object', value)
    return value as Record<string, unknown>
  }

  known(o: Record<string, unknown>, path: string, keys: readonly string[]): void {
    for (const key of Object.keys(o)) {
      if (!keys.includes(key)) {
        this.fail(path === '' ? key : `${path}.${key}`, `is not part of schemaVersion ${RECORD_SCHEMA_VERSION} (known: ${keys.join(', ')})`)
      }
    }
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, 'must be an array', value)
    return value
  }

  string(value: unknown, path: string, allowEmpty = false): string {
    if (typeof value !== 'string') this.fail(path, 'must be a string', value)
    if (!allowEmpty && value.trim() === '') this.fail(path, 'must not be empty')
    return value
  }

  sha(value: unknown, path: string): string {
    const text = this.string(value, path)
    if (!/^[0-9a-f]{7,64}$/i.test(text)) this.fail(path, 'must be a commit SHA (7 to 64 hex digits)', value)
    return text
  }

  integer(value: unknown, path: string, min: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(path, 'must be an integer', value)
    if (value < min) this.fail(path, `must be ${min} or more`, value)
    return value
  }

  weight(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
      this.fail(path, 'must be a percentage from 0 to 100', value)
    }
    return value
  }

  time(value: unknown, path: string): string {
    const text = this.string(value, path)
    if (!ISO_TIME.test(text) || Number.isNaN(Date.parse(text))) this.fail(path, 'must be an ISO 8601 time such as 2025-01-31T12:00:00Z', value)
    return text
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(path, `must be one of ${allowed.join(', ')}`, value)
    }
    return value as T
  }

  json(value: unknown, path: string): JsonValue {
    const seen = new Set<object>()
    const visit = (v: unknown, at: string): JsonValue => {
      if (v === null || typeof v === 'string' || typeof v === 'boolean') return v
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) this.fail(at, 'must be a finite number (JSON has no NaN or Infinity)', v)
        return v
      }
      if (typeof v === 'object') {
        const proto = Object.getPrototypeOf(v) as unknown
        if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) this.fail(at, 'must be a plain JSON object', v)
        if (seen.has(v)) this.fail(at, 'refers to itself (JSON cannot hold cycles)')
        seen.add(v)
        const out: JsonValue = Array.isArray(v)
          ? v.map((item, i) => visit(item, `${at}[${i}]`))
          : Object.fromEntries(Object.entries(v).map(([k, item]) => [k, visit(item, `${at}.${k}`)]))
        seen.delete(v)
        return out
      }
      return this.fail(at, 'must be a JSON value', v)
    }
    return visit(value, path)
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return String(value)
}

// ---------------------------------------------------------------------------------------------
// Serializing

/**
 * The record as compact JSON (no indentation) with history trimmed, after checking that it parses
 * back to the same record and fits MAX_RECORD_BYTES. Throws a RecordError instead of writing a
 * record the next command could not read.
 */
export function serializeRecord(record: RolloutRecord, where = 'rollout record'): string {
  const trimmed = { ...record, history: trimHistory(record.history) }
  let normalized: RolloutRecord
  try {
    // JSON.stringify would silently drop what JSON cannot hold (an undefined, a function) or turn
    // it into something else (a Date); the judge's evidence is the one free-form field, so check
    // it as given before the round trip below.
    if (record.evidence !== undefined) new Reader(where).json(record.evidence.data, 'evidence.data')
    normalized = parseRecord(JSON.parse(JSON.stringify(trimmed)) as unknown, where)
  } catch (error) {
    if (error instanceof RecordError) throw new RecordError(`refusing to write an invalid record: ${error.message}`)
    throw error
  }
  const text = JSON.stringify(normalized)
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_RECORD_BYTES) {
    const largest = Object.entries(normalized)
      .map(([key, value]) => [key, Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8')] as const)
      .sort((a, b) => b[1] - a[1])[0]
    throw new RecordError(
      `refusing to write ${where}: it is ${formatBytes(bytes)}, over the ${formatBytes(MAX_RECORD_BYTES)} Rollgate stores` +
        (largest ? `; its largest field is ${largest[0]} (${formatBytes(largest[1])})` : ''),
    )
  }
  return text
}

/**
 * Keeps the newest HISTORY_LIMIT entries, plus (if they would fall off) the two newest entries that
 * establish a stable version, so `lastKnownGood` keeps working however long the history gets.
 */
export function trimHistory(history: readonly HistoryEntry[]): HistoryEntry[] {
  if (history.length <= HISTORY_LIMIT) return [...history]
  const cut = history.length - HISTORY_LIMIT
  const kept = history.slice(cut)
  const keptStable = new Set(kept.filter((e) => e.stable).map((e) => e.stable?.version))
  const rescued: HistoryEntry[] = []
  for (let i = cut - 1; i >= 0 && keptStable.size < 2; i--) {
    const entry = history[i]
    if (entry?.stable && !keptStable.has(entry.stable.version)) {
      rescued.unshift(entry)
      keptStable.add(entry.stable.version)
    }
  }
  return [...rescued, ...kept]
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} B`
}

// ---------------------------------------------------------------------------------------------
// Reading the history

/**
 * The newest version known to have served all traffic successfully and not been reverted since:
 * read from history entries that name a stable version, newest first. `excluding` skips a version
 * (the one being reverted).
 */
export function lastKnownGood(record: RolloutRecord, excluding?: string): VersionRef | undefined {
  const reverted = new Set<string>()
  for (let i = record.history.length - 1; i >= 0; i--) {
    const entry = record.history[i]
    if (!entry) continue
    if (entry.action === 'rollback' && entry.from === 'promoted' && entry.version !== undefined) reverted.add(entry.version)
    const stable = entry.stable
    if (stable && stable.version !== excluding && !reverted.has(stable.version)) return stable
  }
  if (record.stable && record.stable.version !== excluding && !reverted.has(record.stable.version)) return record.stable
  return undefined
}

/** `run 1001/2` (attempt 2), or `a local run` outside Actions. */
export function formatRun(run: { runId: number; runAttempt: number }): string {
  return run.runId === 0 ? 'a local run' : `run ${run.runId}/${run.runAttempt}`
}

/** Whether a lease is in force at `now`. */
export function leaseIsLive(lease: Lease | undefined, now: Date): lease is Lease {
  return lease !== undefined && Date.parse(lease.expiresAt) > now.getTime()
}

export function sameRun(a: RunRef, b: RunRef): boolean {
  return a.runId === b.runId && a.runAttempt === b.runAttempt && a.job === b.job
}
