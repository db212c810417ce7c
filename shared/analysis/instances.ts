/**
 * The per-instance breakdown (issue 14): when a metrics provider can split a ratio metric by instance
 * (Prometheus `sum by (instance)`, a replay file's `instances`), find the one instance that stands out
 * from the others, so that a verdict can name it ("pod 10.0.0.3:8080 of the canary: 30% errors
 * against 2.0% on the other 5") instead of blaming the whole version for one bad pod.
 *
 * The test, per instance i of either arm, against the pooled other instances: the likelihood-ratio
 * statistic G of the 2×2 table (events and non-events, i against the rest), which is χ²₁ when every
 * instance has the same rate. Real fleets are never that homogeneous (a pod on a busy node, a warm
 * cache), so G is divided by the others' own dispersion φ (their Pearson χ² about their pooled rate
 * per degree of freedom, at least 1): an instance stands out only beyond the spread its peers show
 * among themselves (quasi-likelihood, McCullagh & Nelder 1989, §4.5). The p-value is Bonferroni-adjusted
 * over the instances tested, and the rate must differ by at least `minRatio` as well: a significant
 * but small difference is no outlier. Only ratio metrics (events of a total) are split.
 */
import { formatCount, formatSignificant } from './evidence.js'
import type { Observation } from './observations.js'
import type { Direction } from './types.js'
import { normalSf } from './stats.js'

export type InstanceArm = 'canary' | 'baseline'

/** One interval's breakdown: per arm, per instance, per metric (the shape of a replay file's `instances`). */
export interface InstanceInterval {
  canary?: Record<string, Record<string, Observation | undefined>>
  baseline?: Record<string, Record<string, Observation | undefined>>
}

/** One instance's cumulative counts of one ratio metric. */
export interface InstanceCounts {
  arm: InstanceArm
  instance: string
  events: number
  total: number
}

export interface InstanceOutlier {
  metric: string
  arm: InstanceArm
  instance: string
  events: number
  total: number
  rate: number
  /** The pooled rate of every other instance, both arms. */
  othersRate: number
  /** How many other instances that pools. */
  others: number
  /** Its arm's rate without it (null when it is its arm's only instance). */
  armRateWithout: number | null
  /** `higher` or `lower` than the others. */
  side: 'higher' | 'lower'
  /** Bonferroni-adjusted over the instances tested. */
  pValue: number
  /** The others' dispersion φ the statistic was divided by (1 = as homogeneous as binomial counts). */
  dispersion: number
}

export interface OutlierOptions {
  /** Family-wise error rate over the instances (default 0.001: naming a healthy pod is costly). */
  alpha?: number
  /** The smallest rate ratio (either way) that counts as standing out (default 1.5). */
  minRatio?: number
  /** Which side is bad: `increase` (default) flags higher rates, `decrease` lower, `either` both. */
  direction?: Direction
}

/** Each instance's counts of `metric`, summed over intervals 0 … upTo (default: all). */
export function instanceCounts(intervals: readonly (InstanceInterval | undefined)[], metric: string, upTo = intervals.length - 1): InstanceCounts[] {
  const byKey = new Map<string, InstanceCounts>()
  for (let i = 0; i <= upTo && i < intervals.length; i++) {
    const interval = intervals[i]
    if (!interval) continue
    for (const arm of ['canary', 'baseline'] as const) {
      for (const [instance, metrics] of Object.entries(interval[arm] ?? {})) {
        const obs = metrics[metric]
        if (!obs || !('events' in obs)) continue
        const key = `${arm}\u0000${instance}`
        const c = byKey.get(key) ?? { arm, instance, events: 0, total: 0 }
        c.events += obs.events
        c.total += obs.total
        byKey.set(key, c)
      }
    }
  }
  return [...byKey.values()].filter((c) => c.total > 0)
}

/** x ln(x / e), 0 at x = 0: the terms of the G statistic. */
function xlogx(x: number, e: number): number {
  return x > 0 ? x * Math.log(x / e) : 0
}

/** G = 2 Σ O ln(O/E) of the 2×2 table (a events of n against b events of m). */
function gStatistic(a: number, n: number, b: number, m: number): number {
  const p = (a + b) / (n + m)
  if (!(p > 0) || !(p < 1)) return 0
  const g = xlogx(a, n * p) + xlogx(n - a, n * (1 - p)) + xlogx(b, m * p) + xlogx(m - b, m * (1 - p))
  return Math.max(0, 2 * g)
}

/** The Pearson χ² of these instances about their pooled rate, per degree of freedom (1 with fewer than two). */
function dispersion(counts: readonly InstanceCounts[]): number {
  if (counts.length < 2) return 1
  let x = 0
  let n = 0
  for (const c of counts) {
    x += c.events
    n += c.total
  }
  const p = x / n
  if (!(p > 0) || !(p < 1)) return 1
  let chi2 = 0
  for (const c of counts) chi2 += (c.events - c.total * p) ** 2 / (c.total * p * (1 - p))
  return Math.max(1, chi2 / (counts.length - 1))
}

/**
 * The instance that stands out most on this metric, if one does (see the module comment); undefined
 * with fewer than three instances, where "the others" are too few to say what normal is.
 */
export function findOutlierInstance(metric: string, counts: readonly InstanceCounts[], options: OutlierOptions = {}): InstanceOutlier | undefined {
  const alpha = options.alpha ?? 0.001
  const minRatio = options.minRatio ?? 1.5
  const direction = options.direction ?? 'increase'
  if (counts.length < 3) return undefined
  let best: InstanceOutlier | undefined
  let bestStat = 0
  for (const c of counts) {
    const others = counts.filter((o) => o !== c)
    let b = 0
    let m = 0
    for (const o of others) {
      b += o.events
      m += o.total
    }
    const rate = c.events / c.total
    const othersRate = b / m
    const side = rate > othersRate ? 'higher' : 'lower'
    if (direction === 'increase' && side === 'lower') continue
    if (direction === 'decrease' && side === 'higher') continue
    // Rate ratio with half an event added to each side, so an instance with no events (or peers with none) still has one.
    const ratio = ((c.events + 0.5) / c.total) / ((b + 0.5) / m)
    if (Math.max(ratio, 1 / ratio) < minRatio) continue
    const phi = dispersion(others)
    const stat = gStatistic(c.events, c.total, b, m) / phi
    const pValue = Math.min(1, 2 * normalSf(Math.sqrt(stat)) * counts.length)
    if (pValue > alpha || stat <= bestStat) continue
    const armOthers = others.filter((o) => o.arm === c.arm)
    const armTotal = armOthers.reduce((s, o) => s + o.total, 0)
    bestStat = stat
    best = {
      metric,
      arm: c.arm,
      instance: c.instance,
      events: c.events,
      total: c.total,
      rate,
      othersRate,
      others: others.length,
      armRateWithout: armTotal > 0 ? armOthers.reduce((s, o) => s + o.events, 0) / armTotal : null,
      side,
      pValue,
      dispersion: phi,
    }
  }
  return best
}

function percent(rate: number): string {
  return `${formatSignificant(rate * 100, 2)}%`
}

/** `instance "10.0.0.3:8080" (canary) stands out on errors: 30% (45/150) against 2.0% on the other 5 instances (p < 10⁻⁶); the rest of the canary: 2.1%` */
export function describeOutlier(o: InstanceOutlier): string {
  const p = o.pValue < 1e-6 ? 'p < 10⁻⁶' : `p ${formatSignificant(o.pValue, 2)}`
  const without = o.armRateWithout === null ? '' : `; the rest of the ${o.arm}: ${percent(o.armRateWithout)}`
  return `instance "${o.instance}" (${o.arm}) stands out on ${o.metric}: ${percent(o.rate)} (${formatCount(o.events)}/${formatCount(o.total)}) against ${percent(o.othersRate)} on the other ${o.others} instances (${p})${without}`
}

/**
 * The instance that stands out on each ratio metric, counted over intervals 0 … `at` (the replay's
 * and the live analysis's rule: up to the decision, or the last interval).
 */
export function instanceOutliers(metrics: readonly { name: string; type: string; direction?: Direction }[], instances: readonly (InstanceInterval | undefined)[], at: number): InstanceOutlier[] {
  const out: InstanceOutlier[] = []
  for (const metric of metrics) {
    if (metric.type !== 'ratio') continue
    const found = findOutlierInstance(metric.name, instanceCounts(instances, metric.name, at), { direction: metric.direction ?? 'increase' })
    if (found) out.push(found)
  }
  return out
}
