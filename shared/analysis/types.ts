/**
 * The judge's configuration and results: plain data in, plain data out. The input per interval is
 * `IntervalData` from ./observations.ts (shared with the metrics providers).
 */

/** Which way is worse. `either`: a change beyond the tolerance in both directions is a regression. */
export type Direction = 'increase' | 'decrease' | 'either'

interface MetricBase {
  name: string
  /**
   * A critical metric gets a double share of the false-fail budget by default (weight 2 instead of
   * 1), so its regressions are proven sooner; in the Kayenta mode a critical metric that is not Pass
   * sets the score to 0.
   */
  critical?: boolean
  /** Share of the false-fail and false-pass budgets, relative to the other metrics. */
  weight?: number
  /** Kayenta mode only: the metric group for group weights (default "default"). */
  group?: string
  /** Kayenta mode only: effect-size rule on mean(canary)/mean(baseline) (Kayenta `meanRatio`). */
  allowedIncrease?: number
  allowedDecrease?: number
  criticalIncrease?: number
  criticalDecrease?: number
}

/** Optional tuning of the sequential test; every field has a documented default (docs/judge.md). */
export interface MixtureTuning {
  /** Half-normal scales (on the log rate ratio) of the mixture used to prove a regression. */
  scales?: number[]
  /** Weights of those scales (normalised together with `newClassWeight`). */
  weights?: number[]
  /** Prior mass on "infinitely worse" (a new error class: events on the canary only). */
  newClassWeight?: number
  /** Fixed dispersion factor instead of the estimated one (1 = trust Poisson/binomial counts). */
  dispersion?: number
}

export interface RatioMetricConfig extends MetricBase {
  type: 'ratio'
  direction?: Direction
  /** Relative change still acceptable (0.2 = 20% more errors per request is not a regression). */
  tolerance?: number
  tuning?: MixtureTuning
}

export interface SamplesMetricConfig extends MetricBase {
  type: 'samples'
  direction?: Direction
  tolerance?: number
  /** Quantile compared between the arms (0.5, 0.95, 0.99), or the whole distribution. */
  quantile?: number | 'distribution'
  tuning?: MixtureTuning
}

export interface ValueMetricConfig extends MetricBase {
  type: 'value'
  max?: number
  min?: number
  /** The metric fails when more than this many intervals were out of bounds (Argo semantics). */
  failureLimit?: number
}

export type MetricConfig = RatioMetricConfig | SamplesMetricConfig | ValueMetricConfig

export type InconclusivePolicy = 'hold' | 'promote' | 'rollback'

export interface KayentaOptions {
  /** Confidence of the Hodges-Lehmann interval (Kayenta: 0.98). */
  confidence?: number
  /** Classification margin as a fraction of |HL estimate| (Kayenta: 0.25). */
  tolerance?: number
  /** Score thresholds (Kayenta best practice: pass 95, marginal 75). */
  pass?: number
  marginal?: number
  /** Weights per metric group, summing to at most 100; groups without one share the rest. */
  groupWeights?: Record<string, number>
  /** Intervals between two judgments (default 1: judge at every look). */
  judgeEvery?: number
}

export interface JudgeConfig {
  /** False-fail budget for the whole analysis, all looks and all metrics included. */
  alpha: number
  /** False-pass budget (proving "no worse than the tolerance" wrongly); default: alpha. */
  beta?: number
  metrics: MetricConfig[]
  /** Looks after which an undecided analysis is `inconclusive` (the step's maxDuration / interval). */
  maxIntervals?: number
  onInconclusive?: InconclusivePolicy
  /** `sequential` (default, anytime-valid) or `mann-whitney` (Kayenta-compatible, not anytime-valid). */
  test?: 'sequential' | 'mann-whitney'
  /**
   * The sequential engine: `v1` (default), `v2` (each interval tempered predictably, drift bound
   * from both arms; docs/judge.md, "Judge v2") or `v3` (opt-in, experimental: the noise of the log
   * ratio learned by a Kalman grid posterior, shared/analysis/drift.ts; slower to detect than v1, see
   * the session note). Ignored by `mann-whitney`.
   */
  engine?: 'v1' | 'v2' | 'v3'
  kayenta?: KayentaOptions
}

export interface JudgeOptions {
  /**
   * Compute the confidence-sequence bounds (`lower`, `upper`) at every look. They never change a
   * decision; simulators that only need decisions turn them off to look several times faster.
   */
  bounds?: boolean
}

export type MetricState = 'pass' | 'fail' | 'continue' | 'nodata'
/** The judge's decision at a look; the record stores the same values (`continue`: a `mode: once` look that has not decided yet). */
export const DECISIONS = ['pass', 'fail', 'inconclusive', 'continue'] as const
export type Decision = (typeof DECISIONS)[number]
export type Action = 'promote' | 'rollback' | 'hold' | 'continue'

export interface ArmCounts {
  /** `ratio`: events and total; `samples`: sample count in `total`; `value`: readings in `total`. */
  events?: number
  total: number
}

export interface MetricLook {
  name: string
  type: MetricConfig['type']
  state: MetricState
  /** Relative change canary vs baseline (0.1 = 10% higher); null when not estimable. */
  estimate: number | null
  /** Confidence-sequence bounds on the relative change; null = unbounded or not computed. */
  lower: number | null
  upper: number | null
  /** Evidence of a regression: e-value, and its threshold 1/(share × alpha). */
  eValue: number
  threshold: number
  /** Always-valid p-value of "no regression beyond the tolerance" (running min of 1/e-value). */
  pValue: number
  /** Evidence of "no worse than the tolerance" and its threshold 1/(share × beta). */
  passEValue: number
  passThreshold: number
  canary: ArmCounts
  baseline: ArmCounts
  /** Variance inflation applied for overdispersed/autocorrelated intervals (1 = none). */
  dispersion?: number
  /** Look index at which a sticky pass or fail was reached. */
  decidedAt?: number
  /** Rough extra canary traffic a decision needs (requests for ratio, samples for samples). */
  needed?: number
  /** Kayenta mode details. */
  kayenta?: {
    classification: 'Pass' | 'High' | 'Low' | 'Nodata' | 'Error'
    pValue: number | null
    shift: number | null
    shiftLower: number | null
    shiftUpper: number | null
    meanRatio: number | null
    critical: boolean
  }
  reason: string
}

export interface LookResult {
  /** 0-based index of the interval this look ended with. */
  interval: number
  decision: Decision
  /** What the rollout should do now: pass → promote, fail → rollback, inconclusive → the policy. */
  action: Action
  decidingMetric: string | null
  reason: string
  /** Combined evidence over metrics (weighted average of e-values) and its threshold 1/alpha. */
  eValue: number
  threshold: number
  /** Kayenta mode: the score of this look's judgment (null between judgments). */
  score?: number | null
  metrics: MetricLook[]
}

export interface ReplayResult {
  decision: 'pass' | 'fail' | 'inconclusive'
  decidedAt: number | null
  action: Action
  decidingMetric: string | null
  reason: string
  looks: LookResult[]
}
