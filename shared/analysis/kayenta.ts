/**
 * Kayenta-compatible mode (`test: mann-whitney`), for teams migrating from Spinnaker's NetflixACAJudge:
 * two-sided Mann-Whitney U (Wilcoxon rank-sum) with the normal approximation, tie and continuity
 * corrections — R's wilcox.test(exact = FALSE, correct = TRUE, conf.int = TRUE), SciPy's
 * mannwhitneyu(use_continuity=True, method="asymptotic") — a Hodges-Lehmann interval for the shift
 * canary − baseline, Kayenta's classification (margin ±tolerance·|HL|, effect-size rule on the mean
 * ratio), group weights and pass/marginal scores.
 *
 * This mode is NOT anytime-valid: each judgment is a fixed-sample test, so judging repeatedly while
 * data accrue inflates the false-fail rate (Armitage, McPherson & Rowe 1969), and per-interval
 * points are treated as independent, so autocorrelated metrics inflate it further. Deliberate
 * differences from Kayenta: missing data never fails (≥ 50% Nodata gives score 0, as in Kayenta, but
 * the decision is `inconclusive`), and samples with more than 20,000 values per arm are thinned to
 * 20,000 evenly spaced order statistics for the Hodges-Lehmann interval (the U test itself uses all
 * values).
 */
import { normalCdf, normalQuantile } from './stats.js'

export interface MannWhitneyResult {
  /** U statistic of the canary sample. */
  u: number
  z: number
  pValue: number
  /** Hodges-Lehmann estimate of the shift canary − baseline, and its confidence interval. */
  estimate: number
  lower: number
  upper: number
}

const HL_MAX = 20_000

function sortedCopy(values: ArrayLike<number>): Float64Array {
  const a = Float64Array.from(values as ArrayLike<number>)
  a.sort()
  return a
}

/** Rank sum of `x` in the pooled sample (average ranks for ties) and Σ(t³ − t) over tie groups. */
function rankSum(x: Float64Array, y: Float64Array): { r1: number; ties: number } {
  const nx = x.length
  const ny = y.length
  let i = 0
  let j = 0
  let rank = 1
  let r1 = 0
  let ties = 0
  while (i < nx || j < ny) {
    const v = j >= ny || (i < nx && (x[i] as number) <= (y[j] as number)) ? (x[i] as number) : (y[j] as number)
    let cx = 0
    let cy = 0
    while (i < nx && x[i] === v) {
      cx++
      i++
    }
    while (j < ny && y[j] === v) {
      cy++
      j++
    }
    const t = cx + cy
    const avg = rank + (t - 1) / 2
    r1 += cx * avg
    rank += t
    if (t > 1) ties += t * t * t - t
  }
  return { r1, ties }
}

/** Σ(t³ − t) over tie groups within one sorted sample. */
function withinTies(a: Float64Array): number {
  let ties = 0
  let i = 0
  while (i < a.length) {
    let j = i + 1
    while (j < a.length && a[j] === a[i]) j++
    const t = j - i
    if (t > 1) ties += t * t * t - t
    i = j
  }
  return ties
}

/** Number of pairwise differences x_i − y_j that are ≤ d (x, y sorted ascending). */
function countDiffsAtMost(x: Float64Array, y: Float64Array, d: number): number {
  // For each x_i, count y_j ≥ x_i − d; as x_i grows the cut-off index grows.
  let count = 0
  let j = 0
  const ny = y.length
  for (let i = 0; i < x.length; i++) {
    const cut = (x[i] as number) - d
    while (j < ny && (y[j] as number) < cut) j++
    count += ny - j
  }
  return count
}

/** The k-th smallest (1-based) pairwise difference x_i − y_j, by bisection on the value. */
export function kthDifference(x: Float64Array, y: Float64Array, k: number): number {
  const nx = x.length
  const ny = y.length
  let lo = (x[0] as number) - (y[ny - 1] as number)
  let hi = (x[nx - 1] as number) - (y[0] as number)
  if (k <= 1) return lo
  if (k >= nx * ny) return hi
  for (let it = 0; it < 200 && hi > lo; it++) {
    const mid = lo + (hi - lo) / 2
    if (mid === lo || mid === hi) break
    if (countDiffsAtMost(x, y, mid) >= k) hi = mid
    else lo = mid
  }
  // Snap to the largest actual difference ≤ hi (that is the order statistic).
  let best = Number.NEGATIVE_INFINITY
  let j = 0
  for (let i = 0; i < nx; i++) {
    const cut = (x[i] as number) - hi
    while (j < ny && (y[j] as number) < cut) j++
    if (j < ny) best = Math.max(best, (x[i] as number) - (y[j] as number))
  }
  return best
}

/** Evenly spaced order statistics, to bound the cost of the Hodges-Lehmann interval. */
function thin(a: Float64Array, max: number): Float64Array {
  if (a.length <= max) return a
  const out = new Float64Array(max)
  for (let i = 0; i < max; i++) out[i] = a[Math.round(((i + 0.5) * a.length) / max - 0.5)] as number
  return out
}

/**
 * Two-sided Mann-Whitney U test of canary vs baseline with a Hodges-Lehmann interval at `confidence`.
 * Returns null when every observation is tied (the statistic has no variance: Kayenta's Error).
 */
export function mannWhitney(canary: ArrayLike<number>, baseline: ArrayLike<number>, confidence = 0.98): MannWhitneyResult | null {
  const x = sortedCopy(canary)
  const y = sortedCopy(baseline)
  const nx = x.length
  const ny = y.length
  if (nx === 0 || ny === 0) return null
  const { r1, ties } = rankSum(x, y)
  const n = nx + ny
  const u = r1 - (nx * (nx + 1)) / 2
  const variance = ((nx * ny) / 12) * (n + 1 - ties / (n * (n - 1)))
  if (!(variance > 0)) return null
  const sigma = Math.sqrt(variance)
  const dz = u - (nx * ny) / 2
  const z = (dz - Math.sign(dz) * 0.5) / sigma
  const pValue = Math.min(1, 2 * Math.min(normalCdf(z), 1 - normalCdf(z)))

  // Interval: invert the same statistic in the shift d. Away from the breakpoints the pooled ties
  // are the within-sample ties, and U(d) = #{x_i − y_j > d}; solving (U − N/2 ∓ ½)/σ = ±z gives order
  // statistics of the pairwise differences (the classic Hodges-Lehmann / Moses interval).
  const xs = thin(x, HL_MAX)
  const ys = thin(y, HL_MAX)
  const mx = xs.length
  const my = ys.length
  const nn = mx + my
  const tiesCi = withinTies(xs) + withinTies(ys)
  const sigmaCi = Math.sqrt(((mx * my) / 12) * (nn + 1 - tiesCi / (nn * (nn - 1))))
  const N = mx * my
  const zq = normalQuantile(1 - (1 - confidence) / 2)
  const clamp = (k: number): number => Math.min(Math.max(k, 1), N)
  const lower = kthDifference(xs, ys, clamp(Math.ceil(N / 2 - zq * sigmaCi - 0.5)))
  const upper = kthDifference(xs, ys, clamp(Math.ceil(N / 2 + zq * sigmaCi + 0.5)))
  const estimate =
    N % 2 === 1
      ? kthDifference(xs, ys, (N + 1) / 2)
      : (kthDifference(xs, ys, N / 2) + kthDifference(xs, ys, N / 2 + 1)) / 2
  return { u, z, pValue, estimate, lower, upper }
}

export type KayentaClass = 'Pass' | 'High' | 'Low' | 'Nodata' | 'Error'

export interface KayentaMetricRule {
  direction: 'increase' | 'decrease' | 'either'
  critical: boolean
  allowedIncrease: number
  allowedDecrease: number
  criticalIncrease: number
  criticalDecrease: number
}

export interface KayentaClassification {
  classification: KayentaClass
  critical: boolean
  test: MannWhitneyResult | null
  meanRatio: number | null
}

function meanOf(a: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] as number
  return s / a.length
}

/** Kayenta's MannWhitneyClassifier with NetflixACAJudge's defaults (tolerance 0.25, confidence 0.98). */
export function classifyKayenta(
  canary: ArrayLike<number>,
  baseline: ArrayLike<number>,
  rule: KayentaMetricRule,
  tolerance = 0.25,
  confidence = 0.98,
): KayentaClassification {
  const critical = (c: KayentaClass, ratio: number | null): boolean =>
    rule.critical &&
    (c === 'Nodata' ||
      c === 'Error' ||
      (c === 'High' && (ratio === null || ratio >= rule.criticalIncrease)) ||
      (c === 'Low' && (ratio === null || ratio <= rule.criticalDecrease)))
  if (canary.length === 0 || baseline.length === 0) {
    return { classification: 'Nodata', critical: critical('Nodata', null), test: null, meanRatio: null }
  }
  const mb = meanOf(baseline)
  const ratioRaw = meanOf(canary) / mb
  const meanRatio = Number.isFinite(ratioRaw) && mb !== 0 ? ratioRaw : null
  let same = canary.length === baseline.length
  for (let i = 0; same && i < canary.length; i++) same = canary[i] === baseline[i]
  if (same) return { classification: 'Pass', critical: false, test: null, meanRatio }
  const test = mannWhitney(canary, baseline, confidence)
  if (test === null) {
    // Every value identical in both arms: Kayenta passes "all values equal" before testing.
    return { classification: 'Pass', critical: false, test: null, meanRatio }
  }
  const margin = tolerance * Math.abs(test.estimate)
  let c: KayentaClass = 'Pass'
  if ((rule.direction === 'increase' || rule.direction === 'either') && test.lower > margin && (meanRatio === null || meanRatio >= rule.allowedIncrease)) c = 'High'
  else if ((rule.direction === 'decrease' || rule.direction === 'either') && test.upper < -margin && (meanRatio === null || meanRatio <= rule.allowedDecrease)) c = 'Low'
  return { classification: c, critical: critical(c, meanRatio), test, meanRatio }
}

export interface ScoreInput {
  name: string
  group: string
  classification: KayentaClass
  critical: boolean
}

export interface KayentaScore {
  score: number
  /** Why the score was forced to 0, if it was. */
  override: 'critical' | 'nodata' | null
  criticalMetric: string | null
  groups: Record<string, number>
}

/**
 * Kayenta's WeightedSumScorer: group score = 100 × Pass / (Pass + High + Low) (Nodata and Error
 * neither help nor hurt; a group with nothing classifiable scores 100); summary = Σ group × weight/100,
 * groups without a weight sharing what is left of 100 equally; rounded to 2 decimals. A critical
 * metric not passing, or ≥ 50% of metrics Nodata, forces 0.
 */
export function scoreKayenta(metrics: readonly ScoreInput[], groupWeights: Record<string, number> = {}): KayentaScore {
  const groups = [...new Set(metrics.map((m) => m.group))]
  const groupScores: Record<string, number> = {}
  for (const g of groups) {
    const ms = metrics.filter((m) => m.group === g)
    const pass = ms.filter((m) => m.classification === 'Pass').length
    const counted = ms.filter((m) => m.classification === 'Pass' || m.classification === 'High' || m.classification === 'Low').length
    groupScores[g] = counted === 0 ? 100 : (100 * pass) / counted
  }
  const configured = groups.filter((g) => groupWeights[g] !== undefined)
  const used = configured.reduce((s, g) => s + (groupWeights[g] as number), 0)
  const rest = groups.length - configured.length
  const share = rest > 0 ? Math.max(100 - used, 0) / rest : 0
  let score = 0
  for (const g of groups) score += ((groupScores[g] as number) * (groupWeights[g] ?? share)) / 100
  score = Math.round(score * 100) / 100
  const crit = metrics.find((m) => m.critical)
  if (crit) return { score: 0, override: 'critical', criticalMetric: crit.name, groups: groupScores }
  const nodata = metrics.filter((m) => m.classification === 'Nodata').length
  if (metrics.length > 0 && (100 * nodata) / metrics.length >= 50) return { score: 0, override: 'nodata', criticalMetric: null, groups: groupScores }
  return { score, override: null, criticalMetric: null, groups: groupScores }
}
