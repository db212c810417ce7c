/**
 * The metrics provider interface, the descriptor every backend exports, the checks it serves and
 * what every backend shares. Imports no backend, so backends can import it without a cycle;
 * shared/metrics/registry.ts lists the backends.
 */
import type { Logger } from '../action/logger.js'
import type { Observation, RatioObservation, SamplesObservation, ValueObservation } from '../analysis/observations.js'
import type { MetricsProvider as MetricsProviderBlock } from '../config/policy.generated.js'
import type { SchemaPart } from '../config/schema-parts.js'

/** A loaded `provider:` block of an analysis template: what a backend's descriptor builds its provider from. */
export type MetricsProviderConfig = MetricsProviderBlock

/** The `type:` of a backend (its descriptor's `type`). */
export type MetricsProviderType = string

/**
 * A metrics backend as the judge sees it: for one check, one arm and one interval, an observation or
 * a reason why there is none. Upstream failures (timeouts, 5xx after retries, 429, malformed or empty
 * bodies) resolve to `{ ok: false, reason }`; they never become a zero. `query` rejects only with a
 * ConfigError (something the user can fix: an unknown template variable, a check shape the backend
 * cannot serve) or on a bug.
 */
export interface MetricsProvider {
  readonly type: MetricsProviderType
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

/**
 * `instances`: the same observation per instance of the arm (a pod, a scrape target), when the
 * provider can split it (Prometheus with `instanceLabel`, scrape per target; ratio checks). Absent
 * when it cannot: the judge reads `observation` only, and the breakdown only names an outlier
 * instance (shared/analysis/instances.ts). An instance's counts never add up to more than the arm's.
 */
export type ObservationResult<O extends Observation = Observation> =
  | { ok: true; observation: O; instances?: Readonly<Record<string, O>> }
  | { ok: false; reason: string }

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


/**
 * One metrics backend, exported by its own file: its `type:` value, its part of the policy schema
 * (scripts/gen-schema.ts composes the policy schema, its types and the README reference from the
 * fragments) and how to build it from its loaded `provider:` block (defaults applied, durations in
 * milliseconds).
 */
export interface MetricsBackend<Config extends { type: string } = { type: string }> extends SchemaPart {
  readonly type: Config['type']
  create(config: Config, deps: MetricsProviderDeps): MetricsProvider
}
