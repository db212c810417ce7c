import { ConfigError } from '../errors.js'
import { createArgoRolloutsProvider, type ArgoRolloutsOptions } from './argo-rollouts.js'
import { createAwsLambdaProvider, type AwsLambdaOptions } from './aws-lambda.js'
import { createCommandProvider, type CommandOptions } from './command.js'
import { createGatewayApiProvider, type GatewayApiOptions } from './gateway-api.js'
import { createHaproxyProvider, type HaproxyOptions } from './haproxy.js'
import { createIstioProvider, type IstioOptions } from './istio.js'
import { createNginxIngressProvider, type NginxIngressOptions } from './nginx-ingress.js'
import { createUnleashProvider, type UnleashOptions } from './unleash.js'

import type { TrafficDeps, TrafficProvider, TrafficProviderName } from './types.js'

// Callers that need the interface with the factory (the lifecycle, the demo) keep importing it from here.
export type { TrafficDeps, TrafficProvider, TrafficProviderName, WeightChange, WeightContext } from './types.js'

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
