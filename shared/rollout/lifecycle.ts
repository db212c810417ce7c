/**
 * The rollout commands the actions, the CLI and the demo share: deploy-canary, promote, rollback,
 * and recording an analysis verdict. Each runs one state-machine transition against the store
 * (lease, pending move, traffic, final write), runs the step hooks around the traffic move, and
 * publishes the reports. Everything outside is injected.
 */
import { ConfigError, ProviderError, tagged } from '../errors.js'
import type { Logger } from '../action/logger.js'
import type { ReasonCode } from '../reason-codes.js'
import type { Environment, Policy } from '../config/policy.generated.js'
import { mirrorOf, mirrorPercentOf, mirroringPhrase } from '../config/mirror.js'
import type { AnalysisReport } from '../report/model.js'
import type { Command, CommandContext, PromoteTarget, TrafficMove } from '../state/machine.js'
import type { JsonValue, RolloutRecord, VersionRef } from '../state/record.js'
import type { StateStore } from '../state/store.js'
import { runTransition, type TransitionOutcome } from '../state/transition.js'
import type { TrafficProvider } from '../traffic/types.js'
import { environmentOf } from './analysis-plan.js'
import type { HookRunner } from './hooks.js'
import { toRolloutReport, type RolloutReporter } from './reporter.js'
import { recordSummary } from './result.js'
import { assertNoPendingContract, contractIfDrained, keptAfterRollback, needsExpand, type MigrationRunner } from '../migration/migration.js'
import { runRef } from '../state/transition.js'

export interface LifecycleDeps {
  store: StateStore
  traffic: TrafficProvider
  hooks: HookRunner
  reporter: RolloutReporter
  logger: Logger
  context: CommandContext
  /** How long one command may hold the environment's lease (default 15 minutes). */
  leaseTtlMs?: number
  /** Runs an environment's migration commands (required when the policy has `migration:`). */
  migrations?: MigrationRunner
  /** The time now (the action's clock); default the system clock. */
  now?: () => Date
}

export interface LifecycleOutcome {
  effect: TransitionOutcome['effect']
  /** The reason code when it says more than the effect (e.g. `repaired`). */
  reasonCode?: ReasonCode
  message: string
  record: RolloutRecord
  /** What happened to the traffic, when this command moved it. */
  move?: TrafficMove
  /** The stored version of `record` (what a next write names), when it is stored. */
  version?: string
}

const DEFAULT_LEASE_MS = 15 * 60_000

/**
 * The stable version a traffic provider and hooks see: the move's, else the record's, else the
 * policy's. Never a placeholder: a first rollout without one is refused by deploy-canary.
 */
export function stableVersionOf(environment: Pick<Environment, 'stableVersion'>, record: RolloutRecord | undefined, move?: Pick<TrafficMove, 'stable'>): string {
  const version = move?.stable?.version ?? record?.stable?.version ?? environment.stableVersion
  if (version === undefined) {
    throw new ConfigError(
      `${record?.environment ?? 'this environment'} has no known stable version; run deploy-canary with the input 'stable-version', or set stableVersion for the environment in the policy`,
      { reasonCode: 'stable-version-unknown' },
    )
  }
  return version
}

/** Which step a move lands on, for its hooks: deploy the first, finalize the last, a shift the one at that weight. */
function targetStep(environment: Environment, record: RolloutRecord, move: TrafficMove): number | undefined {
  if (move.kind === 'deploy') return 0
  if (move.kind === 'finalize') return environment.steps.length - 1
  if (move.kind === 'shift') {
    const index = environment.steps.findIndex((s, i) => i > record.step && s.weight === move.to)
    return index < 0 ? undefined : index
  }
  return undefined
}

async function execute(
  policy: Policy,
  environmentName: string,
  command: Command,
  deps: LifecycleDeps,
  report: (record: RolloutRecord) => { status: 'in_progress' | { conclusion: 'success' | 'failure' | 'neutral' }; analysis?: AnalysisReport },
): Promise<LifecycleOutcome> {
  const environment = environmentOf(policy, environmentName)
  const { traffic, hooks, logger } = deps
  const migration = environment.migration
  const now = deps.now ?? (() => new Date())
  // Whether this deploy-canary runs the migration's expand (decided on the record it claims).
  let expanding = false
  const outcome = await withRollout(deps.store, environmentName, () => runTransition({
    store: deps.store,
    environment: environmentName,
    command,
    policy: environment,
    context: deps.context,
    leaseTtlMs: deps.leaseTtlMs ?? DEFAULT_LEASE_MS,
    // The read-back of an interrupted move sees the same template context as the move had.
    readWeight: (record) =>
      inStage('traffic-failed', () =>
        traffic.readWeight({
          environment: environmentName,
          canaryVersion: record.canary?.version ?? '',
          stableVersion: stableVersionOf(environment, record, record.pendingMove?.stable ? { stable: record.pendingMove.stable } : undefined),
          recordedWeight: record.weight,
        }),
      ),
    repairHint: (pending) =>
      `if traffic is at ${pending.to}%, run the promote action with \`repair-weight: ${pending.to}\`; if it is at ${pending.from}%, ` +
      `with \`repair-weight: ${pending.from}\` (it records the weight you state and moves nothing); or run rollback, which sets the weight outright`,
    check: (record) => {
      if (command.type === 'deploy-canary') assertNoPendingContract(migration, record, command.canary.version)
    },
    prepare: (claim, transition) => {
      if (command.type !== 'deploy-canary' || transition.move?.kind !== 'deploy' || !needsExpand(migration, claim, command.canary.version)) return claim
      expanding = true
      return { ...claim, migration: { state: 'expanding', version: command.canary.version } }
    },
    moveTraffic: async (move, record) => {
      // Expand before the first traffic move: the canary starts only on a schema both versions can use.
      if (expanding && migration) {
        if (!deps.migrations) throw new Error('the policy has a migration, but no migration runner was given')
        await deps.migrations.run('expand', migration.expand, migration.timeout, {
          environment: environmentName,
          canaryVersion: move.canary.version,
          stableVersion: stableVersionOf(environment, record, move),
        })
      }
      const step = targetStep(environment, record, move)
      const hookContext = (phase: 'before' | 'after', index: number) => ({
        environment: environmentName,
        step: index + 1,
        phase,
        canaryVersion: move.canary.version,
        stableVersion: stableVersionOf(environment, record, move),
        weight: move.to,
      })
      // Leaving a step runs its `after` hooks; entering one runs its `before` hooks.
      if (move.kind === 'shift' && record.step >= 0) {
        const leaving = environment.steps[record.step]
        if (leaving && leaving.after.length > 0) await runHooks(hooks, leaving.after, hookContext('after', record.step))
      }
      if (step !== undefined) {
        const entering = environment.steps[step]
        if (entering && entering.before.length > 0) await runHooks(hooks, entering.before, hookContext('before', step))
      }
      // A step's `mirror:` (#16) travels with its weight; every other move leaves no mirror behind.
      const mirror = step !== undefined && (move.kind === 'deploy' || move.kind === 'shift') ? mirrorOf(environment.steps[step]) : undefined
      const fromMirror = mirrorPercentOf(environment.steps[record.step])
      const from = record.mirror ?? (record.phase === 'canary' ? fromMirror : undefined)
      const fromText = move.kind === 'deploy' ? 'no canary' : from === undefined ? `${move.from}%` : `mirror ${from}%`
      const toText = mirror ? mirroringPhrase(mirror.percent) : `${move.to}%`
      await logger.group(`traffic: ${traffic.describe()} ${fromText} → ${toText} (${move.kind})`, () => inStage('traffic-failed', async () => {
        if (mirror && !traffic.mirrors) throw new ConfigError(`step ${(step ?? 0) + 1} mirrors requests, which the ${traffic.name} traffic provider cannot do`, { reasonCode: 'invalid-policy' })
        const ctx = { environment: environmentName, canaryVersion: move.canary.version, stableVersion: stableVersionOf(environment, record, move), recordedWeight: move.from, ...(mirror ? { mirror } : {}) }
        if (move.kind === 'finalize' && traffic.promote) await traffic.promote()
        else if ((move.kind === 'rollback' || move.kind === 'abort') && traffic.abort) await traffic.abort()
        else {
          const change = await traffic.setWeight(move.to, ctx)
          for (const line of change.changes) logger.info(line)
          if (change.readBack !== undefined && change.readBack !== move.to) {
            throw new ProviderError(traffic.name, 'set weight', `asked for ${move.to}% but ${change.target} reads back ${change.readBack}%`)
          }
          if (mirror) logger.info(change.readBack === undefined ? `set the mirror: ${mirroringPhrase(mirror.percent)}, methods ${mirror.methods.join(', ')} (this provider cannot read weights back)` : `set the mirror and read back that the canary serves no user: ${mirroringPhrase(mirror.percent)}, methods ${mirror.methods.join(', ')}`)
          else logger.info(change.readBack === undefined ? `set ${move.to}% (this provider cannot read weights back)` : `set and read back ${change.readBack}%`)
        }
      }))
      // The contract half of a migration runs only once no old version serves traffic.
      if (move.kind === 'finalize') {
        const last = environment.steps.length - 1
        const final = environment.steps[last]
        if (final && final.after.length > 0) await runHooks(hooks, final.after, hookContext('after', last))
      }
    },
    amend: async (settled) => {
      const record = await migrationAfter(settled)
      const shown = report(record)
      const links = await deps.reporter.publish({
        record,
        rollout: toRolloutReport(record, environment),
        status: shown.status,
        ...(shown.analysis ? { analysis: shown.analysis } : {}),
      })
      return links && Object.keys(links).length > 0 ? { ...record, report: links } : record
    },
  }))
  if (outcome.repair) logger.info(`repaired an interrupted move first: ${outcome.repair.message}`)
  logger.info(outcome.message)
  const record = outcome.snapshot?.record ?? outcome.record
  return {
    effect: outcome.effect,
    message: outcome.message,
    record,
    ...(outcome.move ? { move: outcome.move } : {}),
    ...(outcome.snapshot ? { version: outcome.snapshot.version } : {}),
  }

  /** The migration as the command leaves it, written with its final record. */
  async function migrationAfter(record: RolloutRecord): Promise<RolloutRecord> {
    if (!migration) return record
    if (expanding && record.canary) return { ...record, migration: { state: 'expanded', version: record.canary.version, expandedAt: now().toISOString() } }
    if (command.type === 'rollback' || command.type === 'abort') {
      const kept = keptAfterRollback(record)
      if (kept !== record.migration) {
        logger.info(`migration: the expanded schema of ${record.canary?.version ?? '?'} stays; contract will not run for this rollout`)
        return kept ? { ...record, migration: kept } : record
      }
    }
    const m = record.migration
    if (record.phase === 'promoted' && migration.contract && m?.state === 'expanded' && m.version === record.canary?.version && !m.drainingSince) {
      // The old version drains from the moment its traffic reads back at zero.
      const observed = await readCanaryWeight(record)
      if (observed === 100) return { ...record, migration: { ...m, drainingSince: now().toISOString() } }
    }
    return record
  }

  function readCanaryWeight(record: RolloutRecord): Promise<number | undefined> {
    return traffic.readWeight({
      environment: environmentName,
      canaryVersion: record.canary?.version ?? '',
      stableVersion: stableVersionOf(environment, record),
      recordedWeight: record.weight,
    })
  }
}

/** After a promote: the migration's contract, once the old version has drained. */
async function settleMigration(policy: Policy, environmentName: string, outcome: LifecycleOutcome, deps: LifecycleDeps): Promise<LifecycleOutcome> {
  const environment = environmentOf(policy, environmentName)
  const migration = environment.migration
  if (!migration?.contract || outcome.version === undefined || outcome.record.phase !== 'promoted') return outcome
  const record = outcome.record
  const settled = await inStage('migration-failed', () =>
    contractIfDrained(
      {
        environment: environmentName,
        migration,
        snapshot: { record, version: outcome.version as string },
        readWeight: () =>
          deps.traffic.readWeight({ environment: environmentName, canaryVersion: record.canary?.version ?? '', stableVersion: stableVersionOf(environment, record), recordedWeight: record.weight }),
        context: { environment: environmentName, canaryVersion: record.canary?.version ?? '', stableVersion: stableVersionOf(environment, record) },
      },
      {
        store: deps.store,
        runner: deps.migrations ?? { run: () => Promise.reject(new Error('the policy has a migration, but no migration runner was given')) },
        logger: deps.logger,
        owner: runRef(deps.context),
        leaseTtlMs: deps.leaseTtlMs ?? DEFAULT_LEASE_MS,
        now: deps.now ?? (() => new Date()),
      },
    ),
  )
  if (!settled) return outcome
  deps.logger.info(settled.message)
  return { ...outcome, record: settled.record, reasonCode: settled.reasonCode, message: `${outcome.message}; ${settled.message}` }
}

/** Runs `fn`; an error it throws carries the rollout as the store last saw it, for the `result` output. */
export async function withRollout<T>(store: StateStore, environment: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    const record = store.lastSeen?.(environment)
    if (record && error instanceof Error && !('rollout' in error)) Object.assign(error, { rollout: recordSummary(record) })
    throw error
  }
}

/** Runs `fn`, giving a user error it throws the reason code of this stage. */
async function inStage<T>(code: ReasonCode, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw tagged(error, code)
  }
}

function runHooks(hooks: HookRunner, list: Parameters<HookRunner['run']>[0], context: Parameters<HookRunner['run']>[1]): Promise<void> {
  return inStage('hook-failed', () => hooks.run(list, context))
}

const progress = (record: RolloutRecord) => ({
  status:
    record.phase === 'promoted'
      ? { conclusion: 'success' as const }
      : record.phase === 'rolled-back' || record.phase === 'aborted'
        ? { conclusion: 'failure' as const }
        : ('in_progress' as const),
})

export interface DeployRequest {
  policy: Policy
  environment: string
  version: string
  ref: string
  sha: string
  /** The version serving the rest of the traffic, when the record does not know it yet. */
  stableVersion?: string
}

export async function deployCanary(request: DeployRequest, deps: LifecycleDeps): Promise<LifecycleOutcome> {
  const stable: VersionRef | undefined = request.stableVersion !== undefined ? { version: request.stableVersion } : undefined
  const fallback = environmentOf(request.policy, request.environment).stableVersion
  return execute(
    request.policy,
    request.environment,
    {
      type: 'deploy-canary',
      canary: { version: request.version, ref: request.ref, sha: request.sha },
      ...(stable ? { stable } : {}),
      ...(fallback !== undefined ? { defaultStable: { version: fallback } } : {}),
    },
    deps,
    progress,
  )
}

export async function promote(request: { policy: Policy; environment: string; target: PromoteTarget }, deps: LifecycleDeps): Promise<LifecycleOutcome> {
  const outcome = await execute(request.policy, request.environment, { type: 'promote', target: request.target }, deps, progress)
  return settleMigration(request.policy, request.environment, outcome, deps)
}

export async function rollback(request: { policy: Policy; environment: string; reason: string }, deps: LifecycleDeps): Promise<LifecycleOutcome> {
  return execute(request.policy, request.environment, { type: 'rollback', reason: request.reason }, deps, progress)
}

/**
 * Settles an interrupted move by the weight the operator observed (the promote action's
 * `repair-weight`): for traffic providers that cannot read weights back. Moves nothing.
 */
export async function repair(request: { policy: Policy; environment: string; observedWeight: number }, deps: LifecycleDeps): Promise<LifecycleOutcome> {
  const outcome = await execute(request.policy, request.environment, { type: 'repair', observedWeight: request.observedWeight }, deps, progress)
  return outcome.effect === 'applied' ? { ...outcome, reasonCode: 'repaired' } : outcome
}

export interface VerdictRequest {
  policy: Policy
  environment: string
  decision: 'pass' | 'fail' | 'inconclusive' | 'continue'
  template: string
  summary: string
  step: number
  evidence?: JsonValue
  analysis: AnalysisReport
}

/** Records an analysis verdict (and the evidence a `mode: once` analysis carries) and reports it. */
export async function recordVerdict(request: VerdictRequest, deps: LifecycleDeps): Promise<LifecycleOutcome> {
  return execute(
    request.policy,
    request.environment,
    {
      type: 'analyze',
      decision: request.decision,
      template: request.template,
      summary: request.summary,
      step: request.step,
      ...(request.evidence !== undefined ? { evidence: request.evidence } : {}),
    },
    deps,
    (record) => ({ ...progress(record), analysis: request.analysis }),
  )
}
