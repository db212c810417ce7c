/**
 * What a benchmark scenario is: traffic, the metrics' generating processes, and the analysis policy
 * every judge is configured from. Plain data, so scenarios can be listed, printed and sent to workers.
 */

/**
 * Noise on a metric's log scale, per 1-minute interval. Two AR(1) components with the same
 * coefficient `rho` and stationary standard deviations: `sharedSd` moves both arms together (a
 * dependency slows down, a load spike), `armSd` moves each arm on its own (noisy neighbours, one bad
 * pod of the stable fleet). Optional gamma multipliers with mean 1 make counts overdispersed
 * (gamma-Poisson): `sharedShape` is a burst hitting both arms in the same interval, `armShape` a
 * burst in one arm only. Smaller shape = burstier (coefficient of variation 1/sqrt(shape)).
 */
export interface NoiseSpec {
  rho: number
  sharedSd: number
  armSd: number
  sharedShape?: number
  armShape?: number
  /**
   * The baseline arm's own drift sd and burst shape when they differ from the canary's (`armSd`,
   * `armShape`): 0 / undefined for noise that lives on the canary arm only.
   */
  baselineArmSd?: number
  baselineArmShape?: number
  /** Autocorrelation of the per-arm components when it differs from `rho` (0: independent per interval). */
  armRho?: number
}

export const NO_NOISE: NoiseSpec = { rho: 0, sharedSd: 0, armSd: 0 }

/** Requests per second across both arms; the canary receives `weight` of them. */
export interface TrafficSpec {
  rps: number
  weight: number
  /** Shared load swings: AR(1) on log load, both arms together. */
  loadRho: number
  loadSd: number
  /** No requests at all after this many minutes (traffic that stops midway). */
  stopAfter?: number
  /** A weight ramp within one analysis: from minute `from` (1-based) on, the canary takes `weight`. */
  ramp?: Array<{ from: number; weight: number }>
}

export type Direction = 'increase' | 'decrease' | 'either'
export type QuantileName = 'p50' | 'p90' | 'p95' | 'p99'

/** Policy side of a metric: how every judge is told to compare it. */
export interface PolicyMetric {
  name: string
  type: 'ratio' | 'samples'
  direction: Direction
  /** Relative change still accepted (0.2 = 20% worse is fine). */
  tolerance: number
  critical: boolean
  /** samples only: the quantile compared (Rollgate, Kayenta per-minute values). */
  quantile?: QuantileName
}

/** errors: events out of the arm's requests with a per-request probability. */
export interface RatioProcess {
  type: 'ratio'
  baseRate: number
  /** Canary rate = baseRate × canaryFactor (+ canaryOnlyRate). */
  canaryFactor: number
  /** A per-request rate on the canary only (a new error class the baseline never shows). */
  canaryOnlyRate?: number
  noise: NoiseSpec
}

/** latency: lognormal per request, median `medianMs`, log-sd `sigma`; a sample of each interval's requests. */
export interface SamplesProcess {
  type: 'samples'
  medianMs: number
  sigma: number
  canaryFactor: number
  noise: NoiseSpec
}

export type MetricProcess = RatioProcess | SamplesProcess

export interface ScenarioMetric {
  policy: PolicyMetric
  process: MetricProcess
}

/**
 * healthy: false fails count (and passes at tolerance 0: non-inferiority must stay honest);
 * regression: detection; inferior: a canary worse than its tolerance, where passes are the error.
 */
export type ScenarioKind = 'healthy' | 'regression' | 'inferior'

export interface Scenario {
  id: string
  title: string
  kind: ScenarioKind
  traffic: TrafficSpec
  metrics: ScenarioMetric[]
  /** Number of 1-minute intervals (the analysis' maximum duration). */
  intervals: number
  alpha: number
  /**
   * How latency reaches the judges: `buckets`, a Prometheus histogram of every request of the
   * interval (cumulative counts, native-histogram-like bounds 2^(k/8) ms: ±4.5% resolution), or
   * `values`, raw values of at most `samplesCap` requests per arm per interval (a sample).
   */
  latencyForm: 'buckets' | 'values'
  /** Most latency values reported per arm per interval in the `values` form. */
  samplesCap: number
  /** The regime this scenario belongs to (table grouping; v2 regimes of issue 14). */
  regime?: string
  /** Runs in quick and full mode. */
  runs: { quick: number; full: number }
}
