/**
 * Expand/contract database migrations gated on the rollout (`environments.<env>.migration`).
 *
 * - expand runs once per rollout, in deploy-canary, after the claim write (which records
 *   `migration.state: expanding`) and before the first traffic move: if it fails, the canary does not
 *   start. The final write records `expanded`. A run killed in between leaves `expanding` with the
 *   pending move; the repair that completes the move records `expanded` (traffic only moves after
 *   expand succeeded), and one that finds traffic never moved leaves `expanding`, so the next
 *   deploy-canary runs expand again. Expand is therefore required to be idempotent (`ADD COLUMN IF
 *   NOT EXISTS`); once recorded as done it never runs again for that version.
 * - contract runs only when the rollout is promoted, the old version's traffic read back at zero at
 *   the promotion (`drainingSince`) and again now, and `drain` has passed since. It is recorded
 *   `contracting` (with the lease) before it runs and `contracted` after, so it never runs again once
 *   done; a run killed in between runs it again on the next promote (idempotent: `DROP COLUMN IF
 *   EXISTS`).
 * - a rollback or abort after expand records `kept`: the expanded schema stays and contract never
 *   runs for that rollout (the old version must work with the expanded schema).
 */
import { ConfigError, tagged } from '../errors.js'
import type { Logger } from '../action/logger.js'
import type { Migration } from '../config/policy.generated.js'
import type { MigrationState, RolloutRecord, RunRef } from '../state/record.js'
import { assertLeaseAvailable, withLease, withoutLease, type Snapshot, type StateStore } from '../state/store.js'

export interface MigrationContext {
  environment: string
  canaryVersion: string
  stableVersion: string
}

/** Runs a migration command (argv, no shell, through shared/process like command hooks: rollout/hooks.ts). */
export interface MigrationRunner {
  run(phase: 'expand' | 'contract', argv: readonly string[], timeoutMs: number, context: MigrationContext): Promise<void>
}

/** Whether deploy-canary of `version` runs expand: unless this version's expand is recorded as done. */
export function needsExpand(migration: Migration | undefined, record: RolloutRecord | undefined, version: string): boolean {
  if (!migration) return false
  const m = record?.migration
  return !(m && m.version === version && m.state !== 'expanding')
}

/**
 * Refuses a new rollout while the promoted one's contract has not run: starting another would
 * forget it (the record holds one migration).
 */
export function assertNoPendingContract(migration: Migration | undefined, record: RolloutRecord | undefined, version: string): void {
  const m = record?.migration
  if (!migration?.contract || !m || record?.phase !== 'promoted' || m.version === version) return
  if (m.state !== 'expanded' && m.state !== 'contracting') return
  throw new ConfigError(
    `${record.environment}: the migration of ${m.version} has not contracted yet (${m.state}${m.drainingSince ? `, the old version drains since ${m.drainingSince}` : ''}); ` +
      `run the promote action once the old version has drained (it runs contract), then deploy ${version}`,
    { reasonCode: 'migration-draining' },
  )
}

/** The migration a rollback or abort leaves: the expanded schema is kept and contract never runs. */
export function keptAfterRollback(record: RolloutRecord): MigrationState | undefined {
  const m = record.migration
  if (!m || m.version !== record.canary?.version) return m
  return m.state === 'expanding' || m.state === 'expanded' ? { ...m, state: 'kept' } : m
}

export interface ContractRequest {
  environment: string
  migration: Migration
  snapshot: Snapshot
  /** The canary weight as the traffic provider reads it back now (undefined: it cannot). */
  readWeight: () => Promise<number | undefined>
  context: MigrationContext
}

export interface ContractDeps {
  store: StateStore
  runner: MigrationRunner
  logger: Logger
  owner: RunRef
  leaseTtlMs: number
  now: () => Date
}

export interface ContractOutcome {
  reasonCode: 'contracted' | 'migration-draining'
  message: string
  record: RolloutRecord
}

/** Runs contract when the promoted rollout's old version has drained; undefined when there is nothing to contract. */
export async function contractIfDrained(request: ContractRequest, deps: ContractDeps): Promise<ContractOutcome | undefined> {
  const { environment, migration } = request
  let snapshot = request.snapshot
  const record = snapshot.record
  const m = record.migration
  if (!migration.contract || record.phase !== 'promoted' || !m || m.version !== record.canary?.version) return undefined
  if (m.state !== 'expanded' && m.state !== 'contracting') return undefined

  const observed = await request.readWeight()
  if (observed === undefined) {
    throw new ConfigError(
      `${environment}: contract waits until the old version is read back at zero traffic, and this traffic provider cannot read weights back; give it a getWeight (or run the contract yourself and leave out migration.contract)`,
      { reasonCode: 'migration-draining' },
    )
  }
  if (observed !== 100) {
    return { reasonCode: 'migration-draining', record, message: `${environment}: the old version still serves ${100 - observed}% of the traffic (read back); contract waits until it serves none` }
  }
  if (m.drainingSince === undefined) {
    snapshot = await deps.store.save({ ...record, migration: { ...m, drainingSince: deps.now().toISOString() } }, snapshot.version)
  }
  const since = Date.parse(snapshot.record.migration?.drainingSince ?? '')
  const until = since + migration.drain
  if (deps.now().getTime() < until) {
    return {
      reasonCode: 'migration-draining',
      record: snapshot.record,
      message: `${environment}: the old version serves no traffic since ${new Date(since).toISOString()}; contract runs after the drain time, from ${new Date(until).toISOString()} (run promote again then)`,
    }
  }

  // The claim: lease and `contracting` in one compare-and-swap, so contract never runs twice at once.
  assertLeaseAvailable(snapshot.record, deps.owner, deps.now())
  const current = snapshot.record.migration as MigrationState
  const claimed = await deps.store.save(withLease({ ...snapshot.record, migration: { ...current, state: 'contracting' } }, deps.owner, deps.leaseTtlMs, deps.now()), snapshot.version)
  try {
    await deps.runner.run('contract', migration.contract, migration.timeout, request.context)
  } catch (error) {
    // Nothing says how far it got: it stays `contracting` and runs again next time (idempotent).
    await deps.store.save(withoutLease(claimed.record), claimed.version).catch(() => undefined)
    throw tagged(error, 'migration-failed')
  }
  const done = await deps.store.save(
    withoutLease({ ...claimed.record, migration: { ...current, state: 'contracted', contractedAt: deps.now().toISOString() } }),
    claimed.version,
  )
  return { reasonCode: 'contracted', record: done.record, message: `${environment}: contracted the migration of ${m.version} (the old version served no traffic since ${new Date(since).toISOString()})` }
}
