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
 * observations are spread linearly (as histogram_quantile assumes; the first bucket starts at 0, or at
 * its bound if that is negative); the +Inf bucket's observations sit just above the highest finite
 * bound. countBelow is a binary search: O(log buckets).
 */
export class BucketDistribution implements IntervalDistribution {
  readonly count: number
  readonly min: number
  readonly max: number
  /** Finite upper bounds, ascending, and the cumulative counts at them. */
  readonly les: number[]
  readonly cum: number[]
  /** Observations above the highest finite bound (the +Inf bucket's own). */
  readonly tail: number

  constructor(buckets: readonly HistogramBucket[]) {
    const sorted = [...buckets].sort((a, b) => a.le - b.le)
    this.les = []
    this.cum = []
    let running = 0
    for (const b of sorted) {
      running = Math.max(running, b.count)
      if (Number.isFinite(b.le)) {
        this.les.push(b.le)
        this.cum.push(running)
      }
    }
    this.count = running
    const last = this.cum.length > 0 ? (this.cum[this.cum.length - 1] as number) : 0
    this.tail = running - last
    const firstLe = this.les[0] ?? 0
    this.min = Math.min(0, firstLe)
    this.max = this.les.length > 0 ? (this.les[this.les.length - 1] as number) : 0
  }

  countBelow(v: number, _strict: boolean): number {
    const les = this.les
    const m = les.length
    if (m === 0) return v > this.max ? this.count : 0
    if (v > (les[m - 1] as number)) return this.count
    // The first bound ≥ v.
    let lo = 0
    let hi = m - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((les[mid] as number) >= v) hi = mid
      else lo = mid + 1
    }
    const prevLe = lo === 0 ? Math.min(0, les[0] as number) : (les[lo - 1] as number)
    const prevCum = lo === 0 ? 0 : (this.cum[lo - 1] as number)
    if (v <= prevLe) return prevCum
    const le = les[lo] as number
    return prevCum + (((this.cum[lo] as number) - prevCum) * (v - prevLe)) / (le - prevLe)
  }

  /** Calls f(lo, hi, mass) for the mass spread uniformly on (lo, hi]; lo = hi for a point mass. */
  forEachSegment(f: (lo: number, hi: number, mass: number) => void): void {
    let prevLe = Math.min(0, this.les[0] ?? 0)
    let prevCum = 0
    for (let i = 0; i < this.les.length; i++) {
      const le = this.les[i] as number
      const c = this.cum[i] as number
      if (c > prevCum) f(le > prevLe ? prevLe : le, le, c - prevCum)
      prevLe = le
      prevCum = c
    }
    if (this.tail > 0) f(this.max, this.max, this.tail)
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
 * Mergeable log-spaced histogram (relative accuracy ±0.5%, as in DDSketch) of all intervals so far.
 * Raw values go to their bin; an interval's Prometheus buckets are integrated onto the bins (each
 * bucket's observations spread linearly, as histogram_quantile assumes), so intervals with different
 * bucket bounds merge correctly. Memory grows with the value range, not the count; a quantile is one
 * pass over the bins.
 */
export class CumulativeDistribution {
  private static readonly LOG_GAMMA = Math.log(1.01)
  /** A bucket that starts at 0 is spread over (bound × 2⁻¹⁰, bound]; what lies below joins that bin. */
  private static readonly ZERO_SPAN = 1 / 1024
  /** Dense counts of bins k ∈ [offset, offset + bins.length), bin k holding (γ^(k−1), γ^k]. */
  private bins = new Float64Array(0)
  private offset = 0
  private nonPositive = 0
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

  private static bin(v: number): number {
    return Math.ceil(Math.log(v) / CumulativeDistribution.LOG_GAMMA)
  }

  /** Add one interval's raw values, sorted ascending. */
  addValues(sorted: Float64Array): void {
    const n = sorted.length
    if (n === 0) return
    let i = 0
    while (i < n && (sorted[i] as number) <= 0) i++
    this.nonPositive += i
    if (i < n) {
      this.ensure(CumulativeDistribution.bin(sorted[i] as number), CumulativeDistribution.bin(sorted[n - 1] as number))
      const bins = this.bins
      const off = this.offset
      for (; i < n; i++) {
        const k = CumulativeDistribution.bin(sorted[i] as number) - off
        bins[k] = (bins[k] as number) + 1
      }
    }
    this.lo = Math.min(this.lo, sorted[0] as number)
    this.hi = Math.max(this.hi, sorted[n - 1] as number)
    this.count += n
  }

  /** Add one interval's buckets: O(bins spanned + buckets). */
  addBuckets(dist: BucketDistribution): void {
    if (!(dist.count > 0)) return
    dist.forEachSegment((a, b, mass) => this.addSegment(a, b, mass))
    this.count += dist.count
    this.lo = Math.min(this.lo, dist.min)
    this.hi = Math.max(this.hi, dist.max)
  }

  /** Mass spread uniformly on (a, b] (a point mass at b when a = b). */
  private addSegment(a: number, b: number, mass: number): void {
    if (b <= 0) {
      this.nonPositive += mass
      return
    }
    let lo = a
    let m = mass
    if (lo < 0) {
      const below = (m * -lo) / (b - lo)
      this.nonPositive += below
      m -= below
      lo = 0
    }
    if (lo === b) {
      const k = CumulativeDistribution.bin(b)
      this.ensure(k, k)
      this.bins[k - this.offset] = (this.bins[k - this.offset] as number) + m
      return
    }
    const width = b - lo
    const origin = lo
    const kLo = CumulativeDistribution.bin(origin === 0 ? b * CumulativeDistribution.ZERO_SPAN : origin)
    const kHi = CumulativeDistribution.bin(b)
    this.ensure(kLo, kHi)
    const g = CumulativeDistribution.LOG_GAMMA
    let placed = 0
    for (let k = kLo; k <= kHi; k++) {
      // The lowest bin also takes what lies below it (all of (0, b × 2⁻¹⁰] for a bucket from 0).
      const from = k === kLo ? origin : Math.max(origin, Math.exp((k - 1) * g))
      const to = Math.min(b, Math.exp(k * g))
      if (!(to > from)) continue
      const add = (m * (to - from)) / width
      this.bins[k - this.offset] = (this.bins[k - this.offset] as number) + add
      placed += add
    }
    // Rounding stays in the top bin.
    this.bins[kHi - this.offset] = (this.bins[kHi - this.offset] as number) + (m - placed)
  }

  /** The q-quantile, or NaN with no data. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN
    const target = q * this.count
    if (this.nonPositive >= target && this.nonPositive > 0) return Math.min(this.lo, 0)
    let c = this.nonPositive
    for (let j = 0; j < this.bins.length; j++) {
      c += this.bins[j] as number
      // Values of bin k are represented at its log-midpoint γ^(k−½).
      if (c >= target) return Math.exp((this.offset + j - 0.5) * CumulativeDistribution.LOG_GAMMA)
    }
    return this.hi
  }
}
