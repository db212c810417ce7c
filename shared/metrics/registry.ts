/** Every metrics backend, by `type:`: adding one is one file in this folder and one line here. */
import { checkBackendOptions } from '../config/backend-options.js'
import { ConfigError } from '../errors.js'
import { cloudwatchMetrics } from './cloudwatch.js'
import { datadogMetrics } from './datadog.js'
import { httpMetrics } from './http.js'
import { newrelicMetrics } from './newrelic.js'
import { prometheusMetrics } from './prometheus.js'
import { scrapeMetrics } from './scrape.js'
import type { MetricsBackend, MetricsProvider, MetricsProviderConfig, MetricsProviderDeps } from './types.js'

/** In the order the policy schema lists them. */
export const METRICS_BACKENDS: readonly MetricsBackend[] = [
  prometheusMetrics,
  datadogMetrics,
  cloudwatchMetrics,
  newrelicMetrics,
  httpMetrics,
  scrapeMetrics,
]

/**
 * The provider for a loaded `provider:` block, from `backends` (the registry unless a test brings its
 * own). The block is checked against the backend's schema fragment first, so a bad option is named
 * as the policy spells it, under `at` (its policy path, `analysis.<template>.provider` in a policy).
 */
export function createMetricsProvider(config: MetricsProviderConfig | { type: string }, deps: MetricsProviderDeps, backends: readonly MetricsBackend[] = METRICS_BACKENDS, at = 'provider'): MetricsProvider {
  const type: unknown = config.type
  const backend = backends.find((b) => b.type === type)
  if (!backend) throw new ConfigError(`unknown metrics provider type "${String(type)}"; expected one of ${backends.map((b) => b.type).join(', ')}`)
  checkBackendOptions(backend, config, at, 'metrics provider')
  return backend.create(config, deps)
}
