import { ConfigError } from '../errors.js'
import { createCloudWatchProvider, type CloudWatchOptions } from './cloudwatch.js'
import { createDatadogProvider, type DatadogOptions } from './datadog.js'
import { createHttpProvider, type HttpProviderOptions } from './http.js'
import { createNewRelicProvider, type NewRelicOptions } from './newrelic.js'
import { createPrometheusProvider, type PrometheusOptions } from './prometheus.js'
import { createScrapeProvider, type ScrapeOptions } from './scrape.js'

import type { MetricsProvider, MetricsProviderDeps, MetricsProviderType } from './types.js'

// Callers that need the interface with the factory keep importing it from here.
export type {
  Arm,
  MetricCheck,
  MetricQuery,
  MetricsProvider,
  MetricsProviderDeps,
  MetricsProviderType,
  ObservationFor,
  ObservationResult,
  RatioCheck,
  SamplesCheck,
  TemplateVars,
  TimeWindow,
  ValueCheck,
  ValueReduce,
} from './types.js'

export type MetricsProviderConfig =
  | ({ type: 'prometheus' } & PrometheusOptions)
  | ({ type: 'datadog' } & DatadogOptions)
  | ({ type: 'cloudwatch' } & CloudWatchOptions)
  | ({ type: 'newrelic' } & NewRelicOptions)
  | ({ type: 'http' } & HttpProviderOptions)
  | ({ type: 'scrape' } & ScrapeOptions)

type Factory<T extends MetricsProviderConfig['type']> = (
  options: Extract<MetricsProviderConfig, { type: T }>,
  deps: MetricsProviderDeps,
) => MetricsProvider

const registry: { [T in MetricsProviderType]: Factory<T> } = {
  prometheus: createPrometheusProvider,
  datadog: createDatadogProvider,
  cloudwatch: createCloudWatchProvider,
  newrelic: createNewRelicProvider,
  http: createHttpProvider,
  scrape: createScrapeProvider,
}

export const METRICS_PROVIDER_TYPES = Object.keys(registry) as MetricsProviderConfig['type'][]

export function createMetricsProvider(config: MetricsProviderConfig, deps: MetricsProviderDeps): MetricsProvider {
  const factory = registry[config.type] as Factory<typeof config.type> | undefined
  if (!factory) {
    throw new ConfigError(
      `unknown metrics provider type "${String((config as { type: unknown }).type)}"; expected one of ${METRICS_PROVIDER_TYPES.join(', ')}`,
    )
  }
  return factory(config, deps)
}
