/** Every traffic backend, by `provider:`: adding one is one file in this folder and one line here. */
import { checkBackendOptions } from '../config/backend-options.js'
import { ConfigError } from '../errors.js'
import { argoRolloutsTraffic } from './argo-rollouts.js'
import { awsLambdaTraffic } from './aws-lambda.js'
import { commandTraffic } from './command.js'
import { gatewayApiTraffic } from './gateway-api.js'
import { haproxyTraffic } from './haproxy.js'
import { istioTraffic } from './istio.js'
import { nginxIngressTraffic } from './nginx-ingress.js'
import type { TrafficBackend, TrafficConfig, TrafficDeps, TrafficProvider } from './types.js'
import { unleashTraffic } from './unleash.js'

/** In the order the policy schema lists them. */
export const TRAFFIC_BACKENDS: readonly TrafficBackend[] = [
  commandTraffic,
  gatewayApiTraffic,
  istioTraffic,
  nginxIngressTraffic,
  argoRolloutsTraffic,
  awsLambdaTraffic,
  haproxyTraffic,
  unleashTraffic,
]

/**
 * The provider for a loaded `traffic:` block, from `backends` (the registry unless a test brings its
 * own). The block is checked against the backend's schema fragment first, so a bad option is named
 * as the policy spells it, under `at` (its policy path).
 */
export function createTrafficProvider(config: TrafficConfig | { provider: string }, deps: TrafficDeps, backends: readonly TrafficBackend[] = TRAFFIC_BACKENDS, at = 'traffic'): TrafficProvider {
  const provider: unknown = config.provider
  const backend = backends.find((b) => b.type === provider)
  if (!backend) throw new ConfigError(`${at}.provider: got ${JSON.stringify(provider)}; expected one of ${backends.map((b) => b.type).join(', ')}`)
  checkBackendOptions(backend, config, at, 'traffic provider')
  const built = backend.create(config, deps)
  // The descriptor is the one place a backend says it mirrors: the lifecycle reads it off the provider.
  return Object.assign(built, { mirrors: backend.mirrors === true })
}
