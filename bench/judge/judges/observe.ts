/** Reading one interval's observation the way a per-interval query would (rates and quantiles). */

import type { HistogramBucket, Observation } from '../../../shared/analysis/observations.js'
import { quantile } from '../stats.js'

/** Events / total of a ratio observation; NaN with no requests (Prometheus' 0/0). */
export function intervalRate(obs: Observation | undefined): number {
  if (obs === undefined || !('total' in obs)) return Number.NaN
  return obs.total > 0 ? obs.events / obs.total : Number.NaN
}

/** Raw values of a samples observation (empty when absent). */
export function intervalValues(obs: Observation | undefined): number[] {
  if (obs === undefined || !('values' in obs)) return []
  return obs.values
}

/**
 * A quantile (0..1) of one interval's distribution; NaN with no data (an empty query result).
 * Buckets are read as Prometheus' histogram_quantile does: linear within the bucket holding the
 * rank, the first bucket starting at 0, and the highest finite bound for ranks in +Inf.
 */
export function intervalQuantile(obs: Observation | undefined, q: number): number {
  if (obs !== undefined && 'buckets' in obs) return histogramQuantile(obs.buckets, q)
  const values = intervalValues(obs)
  return values.length === 0 ? Number.NaN : quantile(values, q)
}

export function histogramQuantile(buckets: HistogramBucket[], q: number): number {
  const total = buckets[buckets.length - 1]?.count ?? 0
  if (!(total > 0)) return Number.NaN
  const rank = q * total
  let prevLe = 0
  let prevCount = 0
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i] as HistogramBucket
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe
      if (i === 0 && b.le <= 0) return b.le
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / Math.max(b.count - prevCount, 1e-12)
    }
    prevLe = b.le
    prevCount = b.count
  }
  return prevLe
}

/**
 * Per-bucket (log value, count) pairs of a samples observation: each raw value, or each bucket at
 * the geometric middle of its bounds (the +Inf bucket at its lower bound).
 */
export function logPoints(obs: Observation | undefined, visit: (logValue: number, count: number) => void): void {
  if (obs === undefined) return
  if ('values' in obs) {
    for (const v of obs.values) visit(Math.log(v), 1)
    return
  }
  if (!('buckets' in obs)) return
  let prevLe = Number.NaN
  let prevCount = 0
  for (const b of obs.buckets) {
    const c = b.count - prevCount
    if (c > 0) {
      const lo = Number.isNaN(prevLe) ? b.le / Math.SQRT2 : prevLe
      const mid = Number.isFinite(b.le) ? Math.sqrt(lo * b.le) : lo
      visit(Math.log(mid), c)
    }
    prevLe = b.le
    prevCount = b.count
  }
}

export const QUANTILES = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 } as const
