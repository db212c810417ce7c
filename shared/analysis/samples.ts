/**
 * `samples` metrics: a distribution per arm (raw values or Prometheus buckets), compared at a chosen
 * quantile, or over several quantiles for the whole distribution.
 *
 * Test. "The canary's q-quantile is at most c times the baseline's" is tested through exceedances:
 * in each interval take the pooled q-quantile v of {canary/c} ∪ {baseline} and count x canary values
 * above c·v and y baseline values above v. Under the boundary null (canary distributed as c × the
 * baseline within the interval, whatever that interval's shared shift) the arms are exchangeable
 * after scaling, so given x + y the canary's count is hypergeometric with the traffic split: the same
 * conditional count test as `ratio` (./sequential.ts), shared load swings included. A time-uniform
 * statement about quantiles follows (cf. Howard & Ramdas, "Sequential estimation of quantiles with
 * applications to A/B-testing and best-arm identification", Bernoulli 2022, who build confidence
 * sequences for quantiles from the same binomial exceedance counts). Unlike their iid bounds, this
 * keeps the dispersion correction for intervals whose samples share a per-arm shift.
 *
 * Interval. The same test run at a grid of multipliers c gives a confidence sequence on the ratio of
 * quantiles: the lower bound is the largest c proven exceeded, the upper the smallest c proven not
 * reached (resolution of the grid, always including the tolerance itself).
 */
import { VerdictState, failMixture, finiteOrNull, formatCount, formatE, formatInterval, formatRelative, passMixture, roughBoundary } from './evidence.js'
import { BucketDistribution, CumulativeDistribution, type IntervalDistribution, SortedValues, invertCount } from './histogram.js'
import type { Observation } from './observations.js'
import type { LookShares } from './ratio.js'
import { RateRatioSequence, type EngineVersion } from './sequential.js'
import type { MetricLook, SamplesMetricConfig } from './types.js'

/** Relative changes at which the interval is resolved (plus the tolerance). */
const GRID = [-0.5, -0.3, -0.2, -0.1, -0.05, -0.02, 0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2]
/** Quantiles compared for `quantile: distribution`. */
const DISTRIBUTION_QUANTILES = [0.5, 0.9, 0.99]

interface Probe {
  /** Relative change c − 1 this probe tests. */
  change: number
  multiplier: number
  quantile: number
  /** `upper`: counts above thresholds (regression = increase); `lower`: below. */
  tail: 'upper' | 'lower'
  engine: RateRatioSequence
  /**
   * A fixed threshold (the first interval's pooled quantile) at which the baseline's own exceedances
   * are counted every interval: their excess variation bounds the drift of the comparison.
   */
  reference?: number
}

function toDistribution(o: Observation | undefined): { dist: IntervalDistribution; raw: Float64Array | null; buckets: BucketDistribution | null; input: Observation } | null {
  if (o === undefined) return null
  if ('values' in o) {
    const s = SortedValues.of(o.values)
    return { dist: s, raw: s.sorted, buckets: null, input: o }
  }
  if ('buckets' in o) {
    const b = new BucketDistribution(o.buckets)
    return { dist: b, raw: null, buckets: b, input: o }
  }
  return null
}

export class SamplesMetric {
  private readonly anchors: Probe[]
  private readonly grid: Probe[]
  private readonly canaryAll = new CumulativeDistribution()
  private readonly baselineAll = new CumulativeDistribution()
  private readonly verdict = new VerdictState()
  private readonly tolerance: number
  private readonly quantile: number
  private readonly direction: 'increase' | 'decrease' | 'either'

  constructor(
    readonly config: SamplesMetricConfig,
    withBounds: boolean,
    engine: EngineVersion = 'v1',
  ) {
    this.direction = config.direction ?? 'increase'
    this.tolerance = Math.max(config.tolerance ?? 0, 0)
    const quantiles = config.quantile === 'distribution' ? DISTRIBUTION_QUANTILES : [config.quantile ?? 0.5]
    this.quantile = quantiles[0] as number
    const fail = failMixture(config.tuning)
    const pass = passMixture(0.1)
    const dispersion = config.tuning?.dispersion
    const probe = (change: number, quantile: number, tail: 'upper' | 'lower'): Probe => ({
      change,
      multiplier: 1 + change,
      quantile,
      tail,
      engine: new RateRatioSequence({ anchor: 0, below: 3, above: 3, step: 0.05, up: fail, down: pass, dispersion, engine }),
    })
    const tol = this.tolerance
    this.anchors = []
    for (const q of quantiles) {
      if (this.direction !== 'decrease') this.anchors.push(probe(tol, q, 'upper'))
      if (this.direction !== 'increase') this.anchors.push(probe(Math.max(-tol, -0.999), q, 'lower'))
    }
    this.grid = []
    if (withBounds) {
      const tail = this.direction === 'decrease' ? 'lower' : 'upper'
      const changes = [...new Set([...GRID, tail === 'upper' ? tol : -tol])].sort((a, b) => a - b)
      for (const c of changes) {
        const existing = this.anchors.find((p) => p.quantile === this.quantile && p.change === c && p.tail === tail)
        this.grid.push(existing ?? probe(c, this.quantile, tail))
      }
    }
  }

  add(canary: Observation | undefined, baseline: Observation | undefined): void {
    const c = toDistribution(canary)
    const b = toDistribution(baseline)
    if (c) this.accumulate(this.canaryAll, c)
    if (b) this.accumulate(this.baselineAll, b)
    if (!c || !b || c.dist.count <= 0 || b.dist.count <= 0) return
    const seen = new Set<Probe>()
    for (const p of [...this.anchors, ...this.grid]) {
      if (seen.has(p)) continue
      seen.add(p)
      this.probeInterval(p, c.dist, b.dist)
    }
  }

  private accumulate(all: CumulativeDistribution, d: NonNullable<ReturnType<typeof toDistribution>>): void {
    if (d.raw) all.addValues(d.raw)
    else if (d.buckets) all.addBuckets(d.buckets)
  }

  private probeInterval(p: Probe, c: IntervalDistribution, b: IntervalDistribution): void {
    const n = c.count
    const m = b.count
    const k = p.multiplier
    const upper = p.tail === 'upper'
    // Pooled quantile of {canary/k} ∪ {baseline}: symmetric in the arms after scaling.
    const pooled = (v: number): number => c.countBelow(k * v, !upper) + b.countBelow(v, !upper)
    const lo = Math.min(c.min / k, b.min)
    const hi = Math.max(c.max / k, b.max)
    const v = invertCount(pooled, p.quantile * (n + m), lo > 0 ? lo : Math.min(lo, 0), hi)
    const x = upper ? n - c.countBelow(k * v, false) : c.countBelow(k * v, true)
    const y = upper ? m - b.countBelow(v, false) : b.countBelow(v, true)
    p.engine.add(x, y, n / (n + m))
    p.reference ??= v
    const ref = p.reference
    p.engine.baseline.add(upper ? m - b.countBelow(ref, false) : b.countBelow(ref, true), m)
    p.engine.canary.add(upper ? n - c.countBelow(k * ref, false) : c.countBelow(k * ref, true), n)
  }

  look(index: number, shares: LookShares): MetricLook {
    const kA = this.anchors.length
    let failSum = 0
    let allPass = true
    let passE = Number.POSITIVE_INFINITY
    let phi = 1
    for (const p of this.anchors) {
      const d = p.engine.dispersion()
      phi = Math.max(phi, d)
      failSum += Math.exp(p.engine.logEUpAnchor())
      const lp = p.engine.logEDownAnchor()
      passE = Math.min(passE, Math.exp(lp))
      if (lp < Math.log(kA / shares.beta)) allPass = false
    }
    const eValue = failSum / kA
    const threshold = 1 / shares.alpha
    const passThreshold = kA / shares.beta
    const hasData = this.canaryAll.count > 0 && this.baselineAll.count > 0
    const failed = hasData && eValue >= threshold
    const passed = hasData && allPass
    const state = this.verdict.update(index, failed, passed, hasData, eValue)

    const qc = this.canaryAll.quantile(this.quantile)
    const qb = this.baselineAll.quantile(this.quantile)
    const estimate = hasData && qb !== 0 ? finiteOrNull(qc / qb - 1) : null
    let lower: number | null = null
    let upper: number | null = null
    if (shares.bounds && this.grid.length > 0 && hasData) {
      const logA = Math.log(threshold)
      const logB = Math.log(passThreshold / kA)
      const increase = this.grid[0]?.tail === 'upper'
      for (const p of this.grid) {
        const up = p.engine.logEUpAnchor() >= (increase ? logA : logB)
        const down = p.engine.logEDownAnchor() >= (increase ? logB : logA)
        // upper tail: "up" proves Q_c > c·Q_b, "down" proves Q_c < c·Q_b; the lower tail mirrors it.
        const provesAbove = increase ? up : down
        const provesBelow = increase ? down : up
        if (provesAbove && (lower === null || p.change > lower)) lower = p.change
        if (provesBelow && (upper === null || p.change < upper)) upper = p.change
      }
    }

    const look: MetricLook = {
      name: this.config.name,
      type: 'samples',
      state,
      estimate,
      lower,
      upper,
      eValue,
      threshold,
      pValue: this.verdict.minP,
      passEValue: passE,
      passThreshold,
      canary: { total: this.canaryAll.count },
      baseline: { total: this.baselineAll.count },
      dispersion: phi,
      reason: '',
    }
    if (this.verdict.decidedAt !== undefined) look.decidedAt = this.verdict.decidedAt
    if (state === 'continue' || state === 'nodata') {
      const z = roughBoundary(Math.min(shares.alpha, shares.beta))
      const d = Math.log1p(Math.max(this.tolerance, 0.1))
      const tail = Math.min(this.quantile, 1 - this.quantile) || 0.5
      const exceedances = phi * (z / d) ** 2
      look.needed = Math.max(0, Math.ceil(exceedances / tail - this.canaryAll.count))
    }
    look.reason = this.reason(look)
    return look
  }

  private reason(look: MetricLook): string {
    const label = this.config.quantile === 'distribution' ? 'distribution (p50/p90/p99)' : `p${Math.round(this.quantile * 1000) / 10}`
    const what = `${label} ${formatRelative(look.estimate)} ${formatInterval(look.lower, look.upper)}`
    const counts = `${formatCount(this.canaryAll.count)} canary / ${formatCount(this.baselineAll.count)} baseline samples`
    const tol = formatRelative(this.direction === 'decrease' ? -this.tolerance : this.tolerance)
    switch (look.state) {
      case 'nodata':
        return this.canaryAll.count === 0
          ? `no canary samples yet; a decision needs ~${formatCount(look.needed ?? 0)} canary samples`
          : 'no baseline samples yet'
      case 'fail':
        return `regression beyond ${tol} proven: ${what}, e-value ${formatE(look.eValue)} ≥ ${formatE(look.threshold)} (${counts})`
      case 'pass':
        return `no worse than ${tol} proven: ${what}, pass e-value ${formatE(look.passEValue)} ≥ ${formatE(look.passThreshold)} (${counts})`
      default:
        return `not decided: ${what}, e-value ${formatE(look.eValue)} of ${formatE(look.threshold)} (${counts}); ${
          (look.needed ?? 0) > 0 ? `needs ~${formatCount(look.needed ?? 0)} more canary samples` : 'enough samples, needs a few more looks'
        }`
    }
  }
}
