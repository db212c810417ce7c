/**
 * The traffic provider interface, the descriptor every backend exports, and what every backend
 * shares. Imports no backend, so backends can import it without a cycle; shared/traffic/registry.ts
 * lists the backends.
 */
import type { Logger } from '../action/logger.js'
import type { Clock } from '../clock.js'
import type { StepMirror } from '../config/mirror.js'
import type { Traffic } from '../config/policy.generated.js'
import type { TrafficPart } from '../config/schema-parts.js'
import type { Exec } from './exec.js'

/** A loaded `traffic:` block of the policy: what a backend's descriptor builds its provider from. */
export type TrafficConfig = Traffic

/** The `provider:` of a backend (its descriptor's `type`), as the record and reports name it. */
export type TrafficProviderName = string

/** What a weight change is for: the versions on each side and the environment being rolled out. */
export interface WeightContext {
  environment: string
  canaryVersion: string
  stableVersion: string
  /**
   * The canary weight the rollout record says is in force. Providers that cannot read the backend
   * (a `command` without `getWeight`) restore to it when a change fails halfway.
   */
  recordedWeight?: number
  /** The step's `mirror:` (dark launch); only providers with `mirrors: true` are handed one. Absent: no mirror. */
  mirror?: StepMirror
}

/** A successful change, as the rollout record stores it. */
export interface WeightChange {
  provider: TrafficProviderName
  /** `describe()` of the provider: which object or service was changed. */
  target: string
  /** The canary weight before the change; undefined when the backend could not tell. */
  previous: number | undefined
  weight: number
  /** The canary weight read back after the change; undefined when the backend cannot be read. */
  readBack: number | undefined
  /** One line per change made, e.g. `HTTPRoute shop/web rule 0: web-stable 95→75, web-canary 5→25`. */
  changes: string[]
}

/** What readStable saw: `detail` says which object, in which state (`app/stable is up`). */
export interface StableState {
  serving: boolean
  detail: string
}

export interface TrafficProvider {
  readonly name: TrafficProviderName
  /**
   * Whether setWeight honours `ctx.mirror`. createTrafficProvider (shared/traffic/registry.ts) sets
   * it from the descriptor's `mirrors`, the one place a backend declares it.
   */
  readonly mirrors?: boolean
  /**
   * Sends `canaryWeight` percent (an integer, 0-100) of traffic to the canary and the rest to the
   * stable version, then reads the weight back where the backend allows. When it fails halfway it
   * restores the previous weights and throws a TrafficChangeError (shared/traffic/transaction.ts)
   * whose `failure` says what was changed and what was restored.
   */
  setWeight(canaryWeight: number, ctx: WeightContext): Promise<WeightChange>
  /**
   * The canary weight in force, or undefined when the backend cannot tell. `ctx` helps backends
   * whose state names versions rather than sides (aws-lambda); it defaults to the last setWeight's.
   */
  readWeight(ctx?: WeightContext): Promise<number | undefined>
  /**
   * Whether the stable side can take the traffic it is given (a server up and neither in
   * maintenance nor draining): 0% on the canary restores nothing when stable is down. Rollback
   * drills (shared/drill/run.ts) check it after the rollback; providers that cannot tell leave it out.
   */
  readStable?(ctx?: WeightContext): Promise<StableState>
  /** One line naming the backend object, e.g. `HTTPRoute shop/web (web-stable / web-canary)`. */
  describe(): string
  /** Providers that drive a controller (argo-rollouts) let it finish the rollout itself. */
  promote?(): Promise<void>
  /** ... and abort it, returning all traffic to stable. */
  abort?(): Promise<void>
}

export interface TrafficDeps {
  exec: Exec
  fetch: typeof fetch
  logger: Logger
  clock: Clock
}


/**
 * One traffic backend, exported by its own file: its `provider:` value (`type`), its part of the
 * policy schema (scripts/gen-schema.ts composes the policy schema, its types and the README
 * reference from the fragments), whether its engine mirrors (`mirrors`: the policy checks accept
 * `mirror:` steps only then) and how to build it from its loaded `traffic:` block.
 */
export interface TrafficBackend<Config extends { provider: string } = { provider: string }> extends TrafficPart {
  readonly type: Config['provider']
  create(config: Config, deps: TrafficDeps): TrafficProvider
}
