import { ConfigError } from '../errors.js'
import type { Logger } from '../action/logger.js'
import { createArgoRolloutsProvider, type ArgoRolloutsOptions } from './argo-rollouts.js'
import { createAwsLambdaProvider, type AwsLambdaOptions } from './aws-lambda.js'
import { createCommandProvider, type CommandOptions } from './command.js'
import type { Exec } from './exec.js'
import { createGatewayApiProvider, type GatewayApiOptions } from './gateway-api.js'
import { createHaproxyProvider, type HaproxyOptions } from './haproxy.js'
import { createIstioProvider, type IstioOptions } from './istio.js'
import { createNginxIngressProvider, type NginxIngressOptions } from './nginx-ingress.js'
import { createUnleashProvider, type UnleashOptions } from './unleash.js'

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

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

export interface TrafficDeps {
  exec: Exec
  fetch: typeof fetch
  logger: Logger
  clock: Clock
}

/** The `traffic` block of an environment in the policy file: a provider and its options, side by side. */
export type TrafficConfig =
  | ({ provider: 'command' } & CommandOptions)
  | ({ provider: 'gateway-api' } & GatewayApiOptions)
  | ({ provider: 'istio' } & IstioOptions)
  | ({ provider: 'nginx-ingress' } & NginxIngressOptions)
  | ({ provider: 'argo-rollouts' } & ArgoRolloutsOptions)
  | ({ provider: 'aws-lambda' } & AwsLambdaOptions)
  | ({ provider: 'haproxy' } & HaproxyOptions)
  | ({ provider: 'unleash' } & UnleashOptions)

export type TrafficProviderName = TrafficConfig['provider']

type Factories = {
  [K in TrafficProviderName]: (options: Extract<TrafficConfig, { provider: K }>, deps: TrafficDeps) => TrafficProvider
}

const FACTORIES: Factories = {
  command: createCommandProvider,
  'gateway-api': createGatewayApiProvider,
  istio: createIstioProvider,
  'nginx-ingress': createNginxIngressProvider,
  'argo-rollouts': createArgoRolloutsProvider,
  'aws-lambda': createAwsLambdaProvider,
  haproxy: createHaproxyProvider,
  unleash: createUnleashProvider,
}

export const TRAFFIC_PROVIDERS = Object.keys(FACTORIES) as TrafficProviderName[]

export function createTrafficProvider(config: TrafficConfig, deps: TrafficDeps): TrafficProvider {
  const provider = (config as { provider?: unknown }).provider
  if (typeof provider !== 'string' || !Object.hasOwn(FACTORIES, provider)) {
    throw new ConfigError(`traffic.provider: got ${JSON.stringify(provider)}; expected one of ${TRAFFIC_PROVIDERS.join(', ')}`)
  }
  const factory = FACTORIES[provider as TrafficProviderName] as (options: TrafficConfig, deps: TrafficDeps) => TrafficProvider
  return factory(config, deps)
}
