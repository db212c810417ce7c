import { ConfigError } from '../errors.js'
import type { Logger } from '../action/logger.js'
import type { Observation, RatioObservation, SamplesObservation, ValueObservation } from '../analysis/observations.js'
import { createCloudWatchProvider, type CloudWatchOptions } from './cloudwatch.js'
import { createDatadogProvider, type DatadogOptions } from './datadog.js'
import { createHttpProvider, type HttpProviderOptions } from './http.js'
import { createNewRelicProvider, type NewRelicOptions } from './newrelic.js'
import { createPrometheusProvider, type PrometheusOptions } from './prometheus.js'
import { createScrapeProvider, type ScrapeOptions } from './scrape.js'

/**
 * A metrics backend as the judge sees it: for one check, one arm and one interval, an observation or
 * a reason why there is none. Upstream failures (timeouts, 5xx after retries, 429, malformed or empty
 * bodies) resolve to `{ ok: false, reason }`; they never become a zero. `query` rejects only with a
 * ConfigError (something the user can fix: an unknown template variable, a check shape the backend
 * cannot serve) or on a bug.
 */
export interface MetricsProvider {
  readonly type: MetricsProviderConfig['type']
  /**
   * Throws a ConfigError when this provider cannot serve the check with these variables (unknown
   * `{{variable}}`, unsupported samples form, bad selector), so an analysis fails before its first look.
   */
  validate(check: MetricCheck, vars: TemplateVars): void
  query<C extends MetricCheck>(request: MetricQuery<C>): Promise<ObservationResult<ObservationFor<C>>>
  /**
   * Called once when the analysis starts, at the start of its first interval. Providers that compute
   * per-interval deltas themselves (scrape) take their first reading here; others do nothing.
   */
  begin?(at: Date): Promise<void>
}

export type Arm = 'canary' | 'baseline'

/** `{{name}}` → value. Built-ins added per query: arm, interval, start, end, ... (see template.ts). */
export type TemplateVars = Readonly<Record<string, string>>

/** The half-open interval [start, end) one look covers. */
export interface TimeWindow {
  start: Date
  end: Date
}

/** Events out of a total: two queries, both counted over the interval. */
export interface RatioCheck {
  name: string
  type: 'ratio'
  events: string
  total: string
}

/** A distribution: either a histogram-buckets query (series labelled `le`) or a raw-values query. */
export type SamplesCheck =
  | { name: string; type: 'samples'; buckets: string; values?: never }
  | { name: string; type: 'samples'; values: string; buckets?: never }

/** How several points of one series within the interval become one reading. */
export type ValueReduce = 'mean' | 'last' | 'max' | 'min' | 'sum'

/** One reading for the interval, compared with an absolute bound. */
export interface ValueCheck {
  name: string
  type: 'value'
  query: string
  /** Default `mean`; instant queries return one point, where every reduction agrees. */
  reduce?: ValueReduce
}

export type MetricCheck = RatioCheck | SamplesCheck | ValueCheck

export interface MetricQuery<C extends MetricCheck = MetricCheck> {
  check: C
  arm: Arm
  /** version, environment and the user's variables; window and arm variables are added per query. */
  vars: TemplateVars
  window: TimeWindow
  signal?: AbortSignal
}

export type ObservationFor<C extends MetricCheck> = C extends RatioCheck
  ? RatioObservation
  : C extends SamplesCheck
    ? SamplesObservation
    : C extends ValueCheck
      ? ValueObservation
      : Observation

export type ObservationResult<O extends Observation = Observation> =
  | { ok: true; observation: O }
  | { ok: false; reason: string }

export type MetricsProviderConfig =
  | ({ type: 'prometheus' } & PrometheusOptions)
  | ({ type: 'datadog' } & DatadogOptions)
  | ({ type: 'cloudwatch' } & CloudWatchOptions)
  | ({ type: 'newrelic' } & NewRelicOptions)
  | ({ type: 'http' } & HttpProviderOptions)
  | ({ type: 'scrape' } & ScrapeOptions)

/** Everything a provider touches outside itself, injected so tests pass fakes or local servers. */
export interface MetricsProviderDeps {
  logger: Logger
  /** Where credentials come from (cloudwatch reads AWS_* here). */
  env: Readonly<Record<string, string | undefined>>
  fetch?: typeof fetch
  now?: () => Date
  sleep?: (ms: number) => Promise<void>
  /** In [0, 1): the jitter source for retry backoff. */
  random?: () => number
}

type Factory<T extends MetricsProviderConfig['type']> = (
  options: Extract<MetricsProviderConfig, { type: T }>,
  deps: MetricsProviderDeps,
) => MetricsProvider

const registry: { [T in MetricsProviderConfig['type']]: Factory<T> } = {
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
