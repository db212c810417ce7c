/**
 * The traffic provider interface and what every backend shares. Imports no backend, so backends can
 * import it without a cycle; shared/traffic/provider.ts is the registry that lists the backends.
 */
import type { Logger } from '../action/logger.js'
import type { Clock } from '../clock.js'
import type { StepMirror } from '../config/mirror.js'
import type { Exec } from './exec.js'

/** The `provider:` of every backend; the registry's type checks that it lists exactly these. */
export type TrafficProviderName = 'command' | 'gateway-api' | 'istio' | 'nginx-ingress' | 'argo-rollouts' | 'aws-lambda' | 'haproxy' | 'unleash'

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

export interface TrafficProvider {
  readonly name: TrafficProviderName
  /** Whether setWeight honours `ctx.mirror` (gateway-api, istio): config/mirror.ts lists the same providers for validation. */
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

