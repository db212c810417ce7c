/** Small numerical helpers shared by the classic judges and the report. */

import { logGamma } from './sim/rng.js'

/** Standard normal CDF (W. J. Cody's erfc rational approximations via the complementary error function). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN
  return 0.5 * erfc(-z / Math.SQRT2)
}

/** Complementary error function, relative error below 1.2e-7 everywhere (Numerical Recipes' erfcc). */
export function erfc(x: number): number {
  const z = Math.abs(x)
  const t = 1 / (1 + 0.5 * z)
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  return x >= 0 ? r : 2 - r
}

/** Standard normal quantile (Acklam's algorithm with one Halley refinement step). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY
    if (p === 1) return Number.POSITIVE_INFINITY
    return Number.NaN
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239]
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1]
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]
  const at = (xs: number[], i: number): number => xs[i] as number
  const pLow = 0.02425
  let x: number
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p))
    x = (((((at(c, 0) * q + at(c, 1)) * q + at(c, 2)) * q + at(c, 3)) * q + at(c, 4)) * q + at(c, 5)) / ((((at(d, 0) * q + at(d, 1)) * q + at(d, 2)) * q + at(d, 3)) * q + 1)
  } else if (p <= 1 - pLow) {
    const q = p - 0.5
    const r = q * q
    x =
      ((((((at(a, 0) * r + at(a, 1)) * r + at(a, 2)) * r + at(a, 3)) * r + at(a, 4)) * r + at(a, 5)) * q) /
      (((((at(b, 0) * r + at(b, 1)) * r + at(b, 2)) * r + at(b, 3)) * r + at(b, 4)) * r + 1)
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p))
    x = -(((((at(c, 0) * q + at(c, 1)) * q + at(c, 2)) * q + at(c, 3)) * q + at(c, 4)) * q + at(c, 5)) / ((((at(d, 0) * q + at(d, 1)) * q + at(d, 2)) * q + at(d, 3)) * q + 1)
  }
  // One Halley step against the CDF tightens the approximation to near double precision.
  const e = normalCdf(x) - p
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2)
  return x - u / (1 + (x * u) / 2)
}

/** Regularized incomplete beta I_x(a, b) (continued fraction, Numerical Recipes' betacf). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x))
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < tiny) d = tiny
  d = 1 / d
  let h = d
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < 3e-16) break
  }
  return h
}

/** Student t upper tail P(T > t) with `df` degrees of freedom. */
export function studentTUpper(t: number, df: number): number {
  if (!Number.isFinite(df) || df > 1e7) return 1 - normalCdf(t)
  const x = df / (df + t * t)
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5)
  return t >= 0 ? tail : 1 - tail
}

/** Wilson score interval for a binomial proportion, at `confidence` (two-sided). */
export function wilson(successes: number, n: number, confidence = 0.95): { rate: number; lower: number; upper: number } {
  if (n === 0) return { rate: Number.NaN, lower: 0, upper: 1 }
  const z = normalQuantile(1 - (1 - confidence) / 2)
  const p = successes / n
  const z2 = z * z
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n)
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
  return { rate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) }
}

/**
 * Quantile of a sorted array, type 7 (linear interpolation, R's default and numpy's `linear`).
 * Infinity entries are allowed (runs that never decided) and propagate as Infinity.
 */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length
  if (n === 0) return Number.NaN
  const h = (n - 1) * q
  const lo = Math.floor(h)
  const hi = Math.min(n - 1, lo + 1)
  const a = sorted[lo] as number
  const b = sorted[hi] as number
  if (a === b || h === lo) return a
  if (!Number.isFinite(b)) return b
  return a + (h - lo) * (b - a)
}

/** Quantile of an unsorted array (copies and sorts). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const copy = Float64Array.from(values as ArrayLike<number>)
  copy.sort()
  return sortedQuantile(copy, q)
}

/**
 * Quantile of a run-time distribution where runs that never reached the event count as +Infinity,
 * using the lower order statistic (no interpolation, so it is always an observed minute).
 */
export function timeQuantile(times: number[], runs: number, q: number): number {
  if (runs === 0) return Number.NaN
  const sorted = [...times].sort((x, y) => x - y)
  const rank = Math.ceil(q * runs) // 1-based rank of the order statistic
  if (rank < 1) return sorted[0] ?? Number.POSITIVE_INFINITY
  return sorted[rank - 1] ?? Number.POSITIVE_INFINITY
}
