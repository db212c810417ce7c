/**
 * A rollback drill (#16 point 2): in an environment the policy allows, ship a canary through the
 * deploy-canary path, inject a failure (a failing verdict, optionally with the traffic provider
 * failing the rollback's first move), roll back through the rollback path, then check what a user
 * relies on in a real incident: traffic read back from the provider at 0%, the record and the
 * deployment's statuses saying "rolled back", the alert where the policy says, and the time to
 * restore within `maxTimeToRestore`. Each check is reported; a broken one names what broke.
 */
import { mirroringPhrase } from '../config/mirror.js'
import type { Drill, Policy } from '../config/policy.generated.js'
import { ConfigError, errorMessage, ProviderError, reasonCodeOf } from '../errors.js'
import type { ReasonCode } from '../reason-codes.js'
import type { AnalysisReport } from '../report/model.js'
import { stickyMarker } from '../report/targets.js'
import { environmentOf } from '../rollout/analysis-plan.js'
import { deployCanary, recordVerdict, rollback, stableVersionOf, type LifecycleDeps } from '../rollout/lifecycle.js'
import { whereCanary } from '../state/machine.js'
import type { RolloutRecord } from '../state/record.js'
import type { TrafficProvider, WeightContext } from '../traffic/types.js'

export type DrillCheckName = 'deploy' | 'inject' | 'rollback' | 'traffic' | 'record' | 'deployment' | 'alert' | 'time-to-restore'

export interface DrillCheck {
  name: DrillCheckName
  ok: boolean
  /** What was seen, or what broke. */
  detail: string
}

export interface DrillOutcome {
  environment: string
  inject: Drill['inject']
  canaryVersion: string
  stableVersion: string
  ok: boolean
  checks: DrillCheck[]
  /** Failure injected → traffic read back at 0%; null when the rollback never got there. */
  timeToRestoreMs: number | null
  maxTimeToRestoreMs: number
  record: RolloutRecord | undefined
}

/** What the drill reads back from GitHub to check the rollback's reports. */
export interface DrillGitHub {
  listDeploymentStatuses(deploymentId: number): Promise<{ state: string; description?: string | null }[]>
  /** Bodies of the comments on an issue or pull request by the token's identity (newest last). */
  listComments(issue: number): Promise<{ body?: string | null; html_url: string }[]>
}

export interface DrillDeps extends LifecycleDeps {
  github: DrillGitHub
  now: () => Date
  /** POSTs the drill's result to the policy's alert webhook; resolves to the HTTP status or throws. */
  postWebhook: (url: string, body: string) => Promise<number>
}

export interface DrillRequest {
  policy: Policy
  environment: string
  /** The `version` input; else the policy's `drills.version`; else the stable version. */
  version?: string
  ref: string
  sha: string
}

/** The rollback reason a drill records: the report (DORA) tells drills from real rollbacks by it. */
export const DRILL_REASON_PREFIX = 'Rollgate drill'

/** Refuses drills where the policy does not allow them, before anything is deployed. */
export function drillConfig(policy: Policy, environmentName: string): Drill {
  const environment = environmentOf(policy, environmentName)
  const drills = environment.drills
  if (!drills) {
    throw new ConfigError(`${environmentName} has no drills: section in the policy; add one (docs/insight.md#drills) to run drills there`, { reasonCode: 'drill-not-configured' })
  }
  if (environment.production && !drills.allowProduction) {
    throw new ConfigError(
      `${environmentName} is marked production: true, and a drill ships a canary and rolls it back in front of its users; set drills.allowProduction: true for ${environmentName} to allow it`,
      { reasonCode: 'drill-production-refused' },
    )
  }
  return drills
}

export async function runDrill(request: DrillRequest, deps: DrillDeps): Promise<DrillOutcome> {
  const drills = drillConfig(request.policy, request.environment)
  const environment = environmentOf(request.policy, request.environment)
  const name = request.environment
  const checks: DrillCheck[] = []
  const check = (entry: DrillCheck): void => {
    checks.push(entry)
    deps.logger.info(`drill ${entry.name}: ${entry.ok ? 'ok' : 'BROKEN'}: ${entry.detail}`)
  }

  const before = (await deps.store.load(name))?.record
  if (before && (before.phase === 'canary' || before.phase === 'pending')) {
    throw new ConfigError(`a rollout of ${before.canary?.version ?? 'a canary'} is in progress in ${name} (${before.phase} ${whereCanary(before.weight, before.mirror)}); a drill waits until it ends`, {
      reasonCode: 'illegal-move',
    })
  }
  const stableVersion = stableVersionOf(environment, before)
  const canaryVersion = request.version ?? drills.version ?? stableVersion
  const reason = `${DRILL_REASON_PREFIX}: injected ${drills.inject === 'provider-fault' ? 'failing verdict and traffic provider fault' : 'failing verdict'}`
  const outcome = (record: RolloutRecord | undefined, timeToRestoreMs: number | null): DrillOutcome => ({
    environment: name,
    inject: drills.inject,
    canaryVersion,
    stableVersion,
    ok: checks.every((c) => c.ok),
    checks,
    timeToRestoreMs,
    maxTimeToRestoreMs: drills.maxTimeToRestore,
    record,
  })

  // 1. The deploy-canary path.
  let record: RolloutRecord
  try {
    const deployed = await deployCanary({ policy: request.policy, environment: name, version: canaryVersion, ref: request.ref, sha: request.sha, stableVersion }, deps)
    record = deployed.record
    const weight = await deps.traffic.readWeight(context(name, canaryVersion, stableVersion))
    const first = environment.steps[0]?.weight ?? 0
    check({
      name: 'deploy',
      ok: weight === undefined || weight === record.weight,
      detail:
        record.mirror === undefined
          ? `canary ${canaryVersion} deployed at ${record.weight}% (provider reads ${weight === undefined ? 'nothing back' : `${weight}%`}; step 1 is ${first}%)`
          : `canary ${canaryVersion} deployed, ${mirroringPhrase(record.mirror)} (provider reads ${weight === undefined ? 'nothing back' : weight === 0 ? 'no user traffic on it' : `${weight}%`})`,
    })
  } catch (error) {
    check({ name: 'deploy', ok: false, detail: `deploy-canary failed (${reasonCodeOf(error)}): ${errorMessage(error)}` })
    return outcome((await deps.store.load(name))?.record, null)
  }

  // 2. The failure: a failing verdict, as the judge would record it.
  const injectedAt = deps.now()
  try {
    const template = environment.steps[record.step]?.analysis ?? 'drill'
    const verdict = await recordVerdict(
      {
        policy: request.policy,
        environment: name,
        decision: 'fail',
        template,
        summary: `${reason}: the drill recorded this verdict; no metrics were read`,
        step: record.step,
        analysis: injectedReport(name, template, canaryVersion, stableVersion, record, environment.steps.length, reason),
      },
      deps,
    )
    record = verdict.record
    check({ name: 'inject', ok: record.lastVerdict?.decision === 'fail', detail: `failing verdict recorded ${whereCanary(record.weight, record.mirror)} (step ${record.step + 1})` })
  } catch (error) {
    check({ name: 'inject', ok: false, detail: `recording the failing verdict failed (${reasonCodeOf(error)}): ${errorMessage(error)}` })
  }

  // 3. The rollback path; with a provider fault, its first move fails and is retried.
  let restoredAt: Date | undefined
  try {
    if (drills.inject === 'provider-fault') {
      const faulty = failingOnce(deps.traffic)
      const first = await rollback({ policy: request.policy, environment: name, reason }, { ...deps, traffic: faulty }).then(
        () => undefined,
        (error: unknown) => error,
      )
      const after = (await deps.store.load(name))?.record
      const held = await deps.traffic.readWeight(context(name, canaryVersion, stableVersion))
      const recorded = after?.history.at(-1)?.note ?? ''
      const okFault = first !== undefined && reasonCodeOf(first) === 'traffic-failed' && after?.phase === 'canary' && (held === undefined || held === record.weight) && /failed/.test(recorded)
      check({
        name: 'inject',
        ok: okFault,
        detail: okFault
          ? `the traffic provider failed the first rollback move; weights stayed ${whereCanary(held ?? record.weight, record.mirror)} and the record says: ${recorded}`
          : `the injected provider fault was not handled as traffic-failed with the weights kept (${first === undefined ? 'the rollback did not fail' : `${reasonCodeOf(first)}: ${errorMessage(first)}`}; record ${after?.phase ?? 'missing'}, provider ${held ?? 'unreadable'}%)`,
      })
    }
    const back = await rollback({ policy: request.policy, environment: name, reason }, deps)
    record = back.record
    const weight = await deps.traffic.readWeight(context(name, canaryVersion, stableVersion))
    restoredAt = deps.now()
    check({ name: 'rollback', ok: true, detail: back.message })
    check(await trafficCheck(deps.traffic, weight, context(name, canaryVersion, stableVersion)))
  } catch (error) {
    check({ name: 'rollback', ok: false, detail: `rollback failed (${reasonCodeOf(error)}): ${errorMessage(error)}` })
    // The provider moved (and verified) the traffic; only the record write after it failed.
    if (reasonCodeOf(error) === 'record-write-failed') {
      const weight = await deps.traffic.readWeight(context(name, canaryVersion, stableVersion)).catch(() => undefined)
      const traffic = await trafficCheck(deps.traffic, weight, context(name, canaryVersion, stableVersion))
      if (traffic.ok) restoredAt = deps.now()
      check({ ...traffic, detail: `after the failed rollback ${traffic.detail}` })
    } else {
      const weight = await deps.traffic.readWeight(context(name, canaryVersion, stableVersion)).catch(() => undefined)
      // A mirror step serves no user traffic, so 0% read back says nothing about the mirror still on.
      const mirror = (await deps.store.load(name).catch(() => undefined))?.record?.mirror
      check({
        name: 'traffic',
        ok: false,
        detail: `after the failed rollback ${deps.traffic.describe()} reads ${weight === undefined ? 'nothing' : `${weight}%`} on the canary${mirror === undefined ? '' : `, and the record says it is still ${mirroringPhrase(mirror)}`}`,
      })
    }
  }

  // 4. What the record, the deployment statuses and the alert say.
  const final = (await deps.store.load(name))?.record ?? record
  check(
    final.phase === 'rolled-back' && final.weight === 0
      ? { name: 'record', ok: true, detail: `the record says rolled-back at 0% (${final.reason ?? 'no reason'})` }
      : {
          name: 'record',
          ok: false,
          detail: `the record says ${final.phase} ${whereCanary(final.weight, final.mirror)}${final.pendingMove ? ` with a pending ${final.pendingMove.command} to ${final.pendingMove.to}%` : ''}, not rolled-back at 0%`,
        },
  )
  await checkDeployment(final, deps, check)
  await checkAlert(drills, name, final, deps, check, outcome(final, null))

  const ttr = restoredAt ? restoredAt.getTime() - injectedAt.getTime() : null
  check(
    ttr === null
      ? { name: 'time-to-restore', ok: false, detail: 'not restored' }
      : { name: 'time-to-restore', ok: ttr <= drills.maxTimeToRestore, detail: `${formatMs(ttr)} from the injected failure to traffic read back at 0% (at most ${formatMs(drills.maxTimeToRestore)})` },
  )
  return outcome(final, ttr)
}

async function checkDeployment(record: RolloutRecord, deps: DrillDeps, check: (c: DrillCheck) => void): Promise<void> {
  if (record.deploymentId === undefined) {
    check({ name: 'deployment', ok: false, detail: 'the record names no GitHub deployment' })
    return
  }
  try {
    const statuses = await deps.github.listDeploymentStatuses(record.deploymentId)
    const latest = statuses[0]
    const ok = latest?.state === 'failure' && /rolled back/.test(latest.description ?? '')
    check({
      name: 'deployment',
      ok,
      detail: latest ? `deployment ${record.deploymentId}'s latest status is ${latest.state}: ${latest.description ?? ''}` : `deployment ${record.deploymentId} has no statuses`,
    })
  } catch (error) {
    check({ name: 'deployment', ok: false, detail: `could not read deployment ${record.deploymentId}'s statuses: ${errorMessage(error)}` })
  }
}

async function checkAlert(drills: Drill, environment: string, record: RolloutRecord, deps: DrillDeps, check: (c: DrillCheck) => void, summary: DrillOutcome): Promise<void> {
  const alert = drills.alert
  if (!alert || (alert.issue === undefined && alert.webhook === undefined)) {
    check({ name: 'alert', ok: true, detail: 'the policy names no alert target (drills.alert); the check run and job summary are the only reports' })
    return
  }
  const problems: string[] = []
  const seen: string[] = []
  if (alert.issue !== undefined) {
    try {
      const comments = await deps.github.listComments(alert.issue)
      const marker = stickyMarker(environment)
      const sticky = comments.filter((c) => (c.body ?? '').includes(marker)).at(-1)
      if (!sticky) problems.push(`issue #${alert.issue} has no Rollgate comment for ${environment}`)
      else if (!/rolled back/i.test(sticky.body ?? '')) problems.push(`the comment on issue #${alert.issue} does not say rolled back (${sticky.html_url})`)
      else seen.push(`issue #${alert.issue} says rolled back (${sticky.html_url})`)
    } catch (error) {
      problems.push(`could not read issue #${alert.issue}'s comments: ${errorMessage(error)}`)
    }
  }
  if (alert.webhook !== undefined) {
    try {
      const body = JSON.stringify({ drill: { ...summary, record: undefined }, environment, phase: record.phase, weight: record.weight, reason: record.reason ?? null })
      const status = await deps.postWebhook(alert.webhook, body)
      if (status >= 200 && status < 300) seen.push(`the webhook answered ${status}`)
      else problems.push(`the webhook answered ${status}`)
    } catch (error) {
      problems.push(`the webhook failed: ${errorMessage(error)}`)
    }
  }
  check(problems.length === 0 ? { name: 'alert', ok: true, detail: seen.join('; ') } : { name: 'alert', ok: false, detail: [...problems, ...seen].join('; ') })
}

/** After a rollback: 0% read back, and the stable side able to serve where the provider can tell. */
async function trafficCheck(traffic: TrafficProvider, weight: number | undefined, ctx: WeightContext): Promise<DrillCheck> {
  const where = traffic.describe()
  if (weight === undefined) {
    return { name: 'traffic', ok: false, detail: `${where} cannot read its weights back, so the drill cannot prove traffic returned (give the provider a way to read, e.g. getWeight)` }
  }
  if (weight !== 0) return { name: 'traffic', ok: false, detail: `${where} reads back ${weight}% on the canary after the rollback` }
  // 0% on the canary restores nothing when stable cannot serve (a server down, in maintenance).
  const stable = traffic.readStable
    ? await traffic.readStable(ctx).catch((error: unknown) => ({ serving: false, detail: `its stable side could not be read (${errorMessage(error)})` }))
    : undefined
  if (stable && !stable.serving) return { name: 'traffic', ok: false, detail: `${where} reads back 0% on the canary, but ${stable.detail}: nothing serves the traffic returned to ${ctx.stableVersion}` }
  return { name: 'traffic', ok: true, detail: `${where} reads back 0% on the canary${stable ? ` and ${stable.detail}` : ''}: ${ctx.stableVersion} serves all traffic` }
}

/** The provider as it is, except that its first setWeight fails as a broken backend would (nothing moved). */
export function failingOnce(traffic: TrafficProvider): TrafficProvider {
  let failed = false
  return {
    name: traffic.name,
    ...(traffic.mirrors ? { mirrors: true } : {}),
    describe: () => traffic.describe(),
    readWeight: (ctx) => traffic.readWeight(ctx),
    ...(traffic.readStable ? { readStable: (ctx?: WeightContext) => (traffic.readStable as NonNullable<TrafficProvider['readStable']>)(ctx) } : {}),
    async setWeight(weight, ctx) {
      if (!failed) {
        failed = true
        throw new ProviderError(traffic.name, `set canary weight ${weight}%`, `${DRILL_REASON_PREFIX}: injected provider fault (nothing was changed)`)
      }
      return traffic.setWeight(weight, ctx)
    },
    ...(traffic.promote ? { promote: () => (traffic.promote as () => Promise<void>)() } : {}),
    ...(traffic.abort
      ? {
          abort: async () => {
            if (!failed) {
              failed = true
              throw new ProviderError(traffic.name, 'abort', `${DRILL_REASON_PREFIX}: injected provider fault (nothing was changed)`)
            }
            return (traffic.abort as () => Promise<void>)()
          },
        }
      : {}),
  }
}

function context(environment: string, canaryVersion: string, stableVersion: string): WeightContext {
  return { environment, canaryVersion, stableVersion }
}

function injectedReport(environment: string, template: string, canary: string, stable: string, record: RolloutRecord, steps: number, reason: string): AnalysisReport {
  return {
    environment,
    decision: 'fail',
    reason,
    analysis: template,
    versions: { canary, stable },
    weight: record.weight,
    ...(record.mirror !== undefined ? { mirror: record.mirror } : {}),
    step: { index: record.step + 1, count: steps },
    decidedAtLook: null,
    looks: [],
  }
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  const s = ms / 1000
  return s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`
}

/** The reason code a drill ends with. */
export function drillReasonCode(outcome: Pick<DrillOutcome, 'ok'>): ReasonCode {
  return outcome.ok ? 'drill-passed' : 'drill-failed'
}
