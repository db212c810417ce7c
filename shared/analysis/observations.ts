/**
 * What one interval of one metric looks like for one arm: the judge's input and every metrics
 * provider's output. The shapes follow the replay format in DESIGN.md.
 */

/** `ratio`: events out of a total in this interval (errors out of requests). Counts, never rates. */
export interface RatioObservation {
  events: number
  total: number
}

/** A Prometheus-style cumulative histogram bucket: `count` observations were <= `le`. */
export interface HistogramBucket {
  le: number // Number.POSITIVE_INFINITY for the +Inf bucket
  count: number
}

/** `samples`: raw values observed in this interval, or histogram bucket deltas for it. */
export type SamplesObservation = { values: number[] } | { buckets: HistogramBucket[] }

/** `value`: one gauge reading for the canary in this interval (an absolute bound applies). */
export interface ValueObservation {
  value: number
}

export type Observation = RatioObservation | SamplesObservation | ValueObservation

/** One interval: per arm, per metric name. A metric absent from an arm means no data for it. */
export interface IntervalData {
  canary: Record<string, Observation | undefined>
  baseline: Record<string, Observation | undefined>
}
