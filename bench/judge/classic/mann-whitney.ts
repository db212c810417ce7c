/**
 * The two-sample Mann-Whitney (Wilcoxon rank-sum) confidence interval Kayenta's judge uses
 * (kayenta-mannwhitney `MannWhitney.scala`, itself a port of R's `wilcox.test(x, y, conf.int = TRUE,
 * exact = FALSE, correct = TRUE)`): normal approximation with tie and continuity corrections, the
 * interval for the location shift (x − y) found by inverting the statistic, and the Hodges-Lehmann
 * estimate as the root at quantile 0. x is the canary ("experiment"), y the baseline ("control").
 *
 * The standardized statistic is a non-increasing step function of the shift d that jumps at the
 * pairwise differences x_i − y_j, so a root is found by bisection to 1e-9 of the data range and then
 * snapped to the jump inside the final bracket: the exact root. (R and Kayenta stop their root
 * finders at an absolute 1e-4, which is coarse for error rates around 0.005 and lands on either side
 * of a jump at 0: "lower bound > 0.25·|estimate|" then flips on rounding, e.g. for sparse errors.)
 */

import { normalQuantile } from '../stats.js'

export interface MannWhitneyInterval {
  lower: number
  upper: number
  estimate: number
}

export class AllTiedError extends Error {
  constructor() {
    super('cannot compute confidence interval when all observations are tied')
  }
}

/** z-statistic of the shifted rank sum minus `zq` (R's `wdiff`), with x and y sorted ascending. */
function wdiff(xs: Float64Array, ys: Float64Array, d: number, zq: number): number {
  const m = xs.length
  const n = ys.length
  let i = 0
  let j = 0
  let rank = 0 // ranks assigned so far
  let rankSumX = 0
  let ties = 0
  while (i < m || j < n) {
    const xv = i < m ? (xs[i] as number) - d : Number.POSITIVE_INFINITY
    const yv = j < n ? (ys[j] as number) : Number.POSITIVE_INFINITY
    const v = xv <= yv ? xv : yv
    let inX = 0
    let total = 0
    while (i < m && (xs[i] as number) - d === v) {
      i++
      inX++
    }
    total += inX
    while (j < n && (ys[j] as number) === v) {
      j++
      total++
    }
    const averageRank = rank + (total + 1) / 2
    rankSumX += inX * averageRank
    ties += total * total * total - total
    rank += total
  }
  const dz = rankSumX - (m * (m + 1)) / 2 - (m * n) / 2
  const correction = Math.sign(dz) * 0.5
  const sigma = Math.sqrt(((m * n) / 12) * (m + n + 1 - ties / ((m + n) * (m + n - 1))))
  if (sigma === 0) throw new AllTiedError()
  return (dz - correction) / sigma - zq
}

function solve(xs: Float64Array, ys: Float64Array, zq: number, lo: number, hi: number, checkEnds: boolean): number {
  let fLo = wdiff(xs, ys, lo, zq)
  if (checkEnds) {
    if (fLo <= 0) return lo
    if (wdiff(xs, ys, hi, zq) >= 0) return hi
  }
  const tolerance = Math.max(1e-9 * (hi - lo), Number.MIN_VALUE)
  let a = lo
  let b = hi
  for (let iter = 0; iter < 200 && b - a > tolerance; iter++) {
    const mid = (a + b) / 2
    const f = wdiff(xs, ys, mid, zq)
    if (f === 0) return mid
    if (f > 0 === fLo > 0) {
      a = mid
      fLo = f
    } else {
      b = mid
    }
  }
  // The statistic only changes where x_i − d = y_j: the root is the jump inside [a, b]. Returning
  // that pairwise difference exactly (rather than the bracket's midpoint) matters when it is 0 and
  // the classification compares the bound with 0.25·|estimate| ≈ 0.
  return jumpWithin(xs, ys, a, b) ?? (a + b) / 2
}

/** A pairwise difference x_i − y_j inside [a, b] (the one nearest the middle), if any. */
function jumpWithin(xs: Float64Array, ys: Float64Array, a: number, b: number): number | undefined {
  const mid = (a + b) / 2
  let best: number | undefined
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number
    // y_j in [x − b, x − a]: binary search for the first y_j ≥ x − b.
    let lo = 0
    let hi = ys.length
    while (lo < hi) {
      const m = (lo + hi) >> 1
      if ((ys[m] as number) < x - b) lo = m + 1
      else hi = m
    }
    for (let j = lo; j < ys.length && (ys[j] as number) <= x - a; j++) {
      const d = x - (ys[j] as number)
      if (best === undefined || Math.abs(d - mid) < Math.abs(best - mid)) best = d
    }
  }
  return best
}

/** Mann-Whitney interval for canary − baseline at `confidence` (two-sided). Throws AllTiedError. */
export function mannWhitneyInterval(canary: ArrayLike<number>, baseline: ArrayLike<number>, confidence: number): MannWhitneyInterval {
  const xs = Float64Array.from(canary as ArrayLike<number>).sort()
  const ys = Float64Array.from(baseline as ArrayLike<number>).sort()
  if (xs.length === 0 || ys.length === 0) throw new RangeError('both samples need at least one value')
  const muMin = (xs[0] as number) - (ys[ys.length - 1] as number)
  const muMax = (xs[xs.length - 1] as number) - (ys[0] as number)
  const z = normalQuantile(1 - (1 - confidence) / 2)
  const lower = solve(xs, ys, z, muMin, muMax, true)
  const upper = solve(xs, ys, -z, muMin, muMax, true)
  const estimate = solve(xs, ys, 0, muMin, muMax, false)
  return { lower, upper, estimate }
}
