/**
 * Distributions of one arm: exact for raw values within an interval (sorted), interpolated for
 * Prometheus buckets, and a mergeable log-spaced histogram for the cumulative estimate, so a look
 * never rescans the history.
 */
import type { HistogramBucket } from './observations.js'

/** Counts below thresholds in one interval's sample of one arm. */
export interface IntervalDistribution {
  readonly count: number
  readonly min: number
  readonly max: number
  /** Number of observations ≤ v (or < v when strict). Fractional for interpolated buckets. */
  countBelow(v: number, strict: boolean): number
}

export class SortedValues implements IntervalDistribution {
  readonly count: number
  readonly min: number
  readonly max: number
  constructor(readonly sorted: Float64Array) {
    this.count = sorted.length
    this.min = sorted.length > 0 ? (sorted[0] as number) : Number.NaN
    this.max = sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN
  }

  static of(values: readonly number[]): SortedValues {
    const a = Float64Array.from(values)
    a.sort()
    return new SortedValues(a)
  }

  countBelow(v: number, strict: boolean): number {
    const a = this.sorted
    let lo = 0
    let hi = a.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const x = a[mid] as number
      if (strict ? x < v : x <= v) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/**
 * Cumulative Prometheus buckets of one interval: `count` observations were ≤ `le`. Within a bucket
 * observations are spread linearly (as histogram_quantile assumes); the +Inf bucket's observations
 * sit at the highest finite bound.
 */
export class BucketDistribution implements IntervalDistribution {
  readonly count: number
  readonly min: number
  readonly max: number
  private readonly les: number[]
  private readonly cum: number[]

  constructor(buckets: readonly HistogramBucket[]) {
    const sorted = [...buckets].sort((a, b) => a.le - b.le)
    this.les = []
    this.cum = []
    let running = 0
    for (const b of sorted) {
      running = Math.max(running, b.count)
      this.les.push(b.le)
      this.cum.push(running)
    }
    this.count = running
    const finite = this.les.filter((le) => Number.isFinite(le))
    const firstLe = finite[0] ?? 0
    this.min = Math.min(0, firstLe)
    this.max = finite.length > 0 ? (finite[finite.length - 1] as number) : 0
  }

  countBelow(v: number, _strict: boolean): number {
    let prevLe = Math.min(0, this.les[0] ?? 0)
    let prevCum = 0
    for (let i = 0; i < this.les.length; i++) {
      const le = this.les[i] as number
      const c = this.cum[i] as number
      if (!Number.isFinite(le)) return v >= this.max ? c : prevCum
      if (v <= le) {
        if (v <= prevLe) return prevCum
        return prevCum + ((c - prevCum) * (v - prevLe)) / (le - prevLe)
      }
      prevLe = le
      prevCum = c
    }
    return prevCum
  }
}

/** The smallest v with countBelow(v) ≥ target, by bisection (geometric for positive ranges). */
export function invertCount(f: (v: number) => number, target: number, lo: number, hi: number): number {
  if (!(hi > lo)) return lo
  const geometric = lo > 0
  let a = lo
  let b = hi
  for (let i = 0; i < 60; i++) {
    const mid = geometric ? Math.sqrt(a * b) : (a + b) / 2
    if (f(mid) >= target) b = mid
    else a = mid
    if (b - a <= 1e-12 * Math.max(Math.abs(b), 1)) break
  }
  return b
}

/**
 * Mergeable log-spaced histogram (relative accuracy ±0.5%, as in DDSketch) for raw values, plus a
 * merged bucket table for Prometheus buckets. Memory grows with the value range, not the count.
 */
export class CumulativeDistribution {
  private static readonly LOG_GAMMA = Math.log(1.01)
  /** Dense counts of bins k ∈ [offset, offset + bins.length), bin k holding (γ^(k−1), γ^k]. */
  private bins = new Float64Array(0)
  private offset = 0
  private nonPositive = 0
  private readonly buckets = new Map<number, number>()
  count = 0
  private lo = Number.POSITIVE_INFINITY
  private hi = Number.NEGATIVE_INFINITY

  private ensure(kMin: number, kMax: number): void {
    if (this.bins.length === 0) {
      this.offset = kMin
      this.bins = new Float64Array(kMax - kMin + 1)
      return
    }
    const lo = Math.min(kMin, this.offset)
    const hi = Math.max(kMax, this.offset + this.bins.length - 1)
    if (lo === this.offset && hi === this.offset + this.bins.length - 1) return
    const next = new Float64Array(hi - lo + 1)
    next.set(this.bins, this.offset - lo)
    this.bins = next
    this.offset = lo
  }

  /** Add one interval's raw values, sorted ascending. */
  addValues(sorted: Float64Array): void {
    const n = sorted.length
    if (n === 0) return
    const lg = CumulativeDistribution.LOG_GAMMA
    let i = 0
    while (i < n && (sorted[i] as number) <= 0) i++
    this.nonPositive += i
    if (i < n) {
      const kMin = Math.ceil(Math.log(sorted[i] as number) / lg)
      const kMax = Math.ceil(Math.log(sorted[n - 1] as number) / lg)
      this.ensure(kMin, kMax)
      const bins = this.bins
      const off = this.offset
      for (; i < n; i++) {
        const k = Math.ceil(Math.log(sorted[i] as number) / lg) - off
        bins[k] = (bins[k] as number) + 1
      }
    }
    this.lo = Math.min(this.lo, sorted[0] as number)
    this.hi = Math.max(this.hi, sorted[n - 1] as number)
    this.count += n
  }

  addBuckets(dist: BucketDistribution, buckets: readonly HistogramBucket[]): void {
    for (const b of buckets) this.buckets.set(b.le, (this.buckets.get(b.le) ?? 0) + dist.countBelow(b.le, false))
    this.count += dist.count
    this.lo = Math.min(this.lo, dist.min)
    this.hi = Math.max(this.hi, dist.max)
  }

  private countBelow(v: number): number {
    let c = v >= 0 ? this.nonPositive : 0
    const lg = CumulativeDistribution.LOG_GAMMA
    for (let j = 0; j < this.bins.length; j++) {
      // Values of bin k are represented at its log-midpoint γ^(k−½).
      if (Math.exp((this.offset + j - 0.5) * lg) <= v) c += this.bins[j] as number
      else break
    }
    if (this.buckets.size > 0) c += new BucketDistribution([...this.buckets].map(([le, count]) => ({ le, count }))).countBelow(v, false)
    return c
  }

  /** The q-quantile, or NaN with no data. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN
    if (this.buckets.size === 0) return this.binQuantile(q)
    return invertCount((v) => this.countBelow(v), q * this.count, Math.min(this.lo, 0), Math.max(this.hi, 0))
  }

  private binQuantile(q: number): number {
    const target = q * this.count
    if (this.nonPositive >= target && this.nonPositive > 0) return Math.min(this.lo, 0)
    let c = this.nonPositive
    for (let j = 0; j < this.bins.length; j++) {
      c += this.bins[j] as number
      if (c >= target) return Math.exp((this.offset + j - 0.5) * CumulativeDistribution.LOG_GAMMA)
    }
    return this.hi
  }
}
