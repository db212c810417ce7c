import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BucketDistribution, CumulativeDistribution, SortedValues } from '../../shared/analysis/histogram.js'
import { mannWhitney } from '../../shared/analysis/kayenta.js'
import { LongRunVariance, RateRatioSequence, driftPosteriorMean, rhoPosterior } from '../../shared/analysis/sequential.js'
import { DEFAULT_FAIL_MIXTURE, passMixture } from '../../shared/analysis/evidence.js'
import { ar1ResidualLag, ar1ResidualShare, ar1SumInflation, normalCdf, normalQuantile } from '../../shared/analysis/stats.js'

// Generated offline by test/fixtures/analysis/generate.py (SciPy/NumPy).
const ref = JSON.parse(readFileSync(new URL('../fixtures/analysis/reference.json', import.meta.url), 'utf8')) as {
  normalCdf: [number, number][]
  normalQuantile: [number, number][]
  mannWhitney: { name: string; canary: number[]; baseline: number[]; confidence: number; u: number; pValue: number; estimate: number; lower: number; upper: number; rLower?: number; rUpper?: number }[]
  eValues: { name: string; tolerance: number; intervals: [number, number, number][]; logEUp: number; logEDown: number }[]
  quantiles: { values: number[]; q: Record<string, number> }
  ar1: { residualShare: [number, number, number][]; sumInflation: [number, number, number][]; residualLag: [number, number, number][] }
  rhoPosterior: { name: string; y: number; se: number; n: number; mean: number }[]
  longRun: { v: number[]; exact: [number, number][]; interpolated: [number, number, number] }
  driftPosterior: { name: string; sums: { s1: number; s2: number; s2var: number; a2v: number; a2v2: number }; share: number; squareInflation: number; bound: number | 'Infinity'; mean: number }[]
  buckets: { intervals: [number | '+Inf', number][][]; cdf: [number, number][]; quantiles: Record<string, number> }
}

const buckets = (raw: [number | '+Inf', number][]) => raw.map(([le, count]) => ({ le: le === '+Inf' ? Number.POSITIVE_INFINITY : le, count }))

describe('normal distribution (SciPy norm.cdf / norm.ppf)', () => {
  it.each(ref.normalCdf)('Φ(%d)', (x, p) => {
    const got = normalCdf(x)
    expect(Math.abs(got - p)).toBeLessThanOrEqual(1e-14 + 1e-9 * p)
  })
  it.each(ref.normalQuantile)('Φ⁻¹(%d)', (p, x) => {
    expect(normalQuantile(p)).toBeCloseTo(x, 9)
  })
})

describe('Mann-Whitney U with Hodges-Lehmann interval (SciPy mannwhitneyu, use_continuity)', () => {
  it.each(ref.mannWhitney.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = mannWhitney(c.canary, c.baseline, c.confidence)
    expect(r).not.toBeNull()
    if (!r) return
    expect(r.u).toBe(c.u)
    expect(r.pValue).toBeCloseTo(c.pValue, 12)
    expect(r.estimate).toBeCloseTo(c.estimate, 10)
    expect(r.lower).toBeCloseTo(c.lower, 10)
    expect(r.upper).toBeCloseTo(c.upper, 10)
    // Where R's own root finding (uniroot on wdiff, re-run with brentq) applies, it agrees.
    if (c.rLower !== undefined && c.rUpper !== undefined) {
      expect(r.lower).toBeCloseTo(c.rLower, 6)
      expect(r.upper).toBeCloseTo(c.rUpper, 6)
    }
  })

  it('reports all-tied samples as untestable (Kayenta: Error)', () => {
    expect(mannWhitney([3, 3, 3], [3, 3])).toBeNull()
  })
})

describe('mixture e-values (independent Python re-implementation)', () => {
  it.each(ref.eValues.map((e) => [`${e.name}, tolerance ${e.tolerance}`, e] as const))('%s', (_n, e) => {
    const anchor = Math.log1p(e.tolerance)
    const seq = new RateRatioSequence({ anchor, below: 5, above: 7, step: 0.04, up: DEFAULT_FAIL_MIXTURE, down: passMixture(anchor), dispersion: 1, cap: 3 })
    for (const [x, y, share] of e.intervals) seq.add(x, y, share)
    expect(seq.logEUpAnchor()).toBeCloseTo(e.logEUp, 8)
    expect(seq.logEDownAnchor()).toBeCloseTo(e.logEDown, 8)
  })
})

describe('cumulative histogram quantiles (NumPy quantile)', () => {
  it.each(Object.entries(ref.quantiles.q))('q = %s within 1%%', (q, expected) => {
    const d = new CumulativeDistribution()
    d.addValues(SortedValues.of(ref.quantiles.values).sorted)
    expect(Math.abs(d.quantile(Number(q)) / expected - 1)).toBeLessThan(0.01)
  })
})

describe('dispersion model (NumPy, from AR(1) covariance matrices)', () => {
  it.each(ref.ar1.residualShare)('share of an AR(1) drift seen by one-step residuals, ρ %d, n %d', (rho, n, expected) => {
    expect(ar1ResidualShare(rho, n)).toBeCloseTo(expected, 10)
  })

  it.each(ref.ar1.residualLag)('lag-one covariance an AR(1) drift leaves in one-step residuals, ρ %d, n %d', (rho, n, expected) => {
    expect(ar1ResidualLag(rho, n)).toBeCloseTo(expected, 10)
  })

  it.each(ref.rhoPosterior.map((c) => [c.name, c] as const))('posterior mean of ρ: %s', (_n, c) => {
    expect(rhoPosterior(c.y, c.se, c.n)).toBeCloseTo(c.mean, 10)
  })

  it.each(ref.ar1.sumInflation)('AR(1) sum inflation, ρ %d, t %d', (rho, t, expected) => {
    expect(ar1SumInflation(rho, t)).toBeCloseTo(expected, 10)
  })

  it('long-run variance Σ Σ v v′ ρ^|s−s′| / Σ v: exact on the grid, linear (conservative) in between', () => {
    const lr = new LongRunVariance()
    for (const v of ref.longRun.v) lr.add(v)
    for (const [rho, expected] of ref.longRun.exact) expect(lr.factor(rho) / expected - 1).toBeCloseTo(0, 12)
    const [rho, interpolated, exact] = ref.longRun.interpolated
    expect(lr.factor(rho) / interpolated - 1).toBeCloseTo(0, 12)
    expect(lr.factor(rho)).toBeGreaterThanOrEqual(exact)
  })

  it.each(ref.driftPosterior.map((c) => [c.name, c] as const))('posterior mean of the drift variance: %s', (_n, c) => {
    const bound = c.bound === 'Infinity' ? Number.POSITIVE_INFINITY : c.bound
    const got = driftPosteriorMean(c.sums, c.share, c.squareInflation, bound)
    if (c.mean === 0) expect(got).toBe(0)
    else expect(got / c.mean - 1).toBeCloseTo(0, 9)
  })
})

describe('Prometheus buckets (histogram_quantile interpolation; SciPy brentq on the merged CDF)', () => {
  it.each(ref.buckets.cdf)('one interval: count ≤ %d', (v, expected) => {
    const d = new BucketDistribution(buckets(ref.buckets.intervals[0] ?? []))
    expect(d.countBelow(v, false)).toBeCloseTo(expected, 9)
  })

  it.each(Object.entries(ref.buckets.quantiles))('merged intervals with different bounds: q = %s within 1%%', (q, expected) => {
    const d = new CumulativeDistribution()
    for (const raw of ref.buckets.intervals) d.addBuckets(new BucketDistribution(buckets(raw)))
    expect(Math.abs(d.quantile(Number(q)) / expected - 1)).toBeLessThan(0.01)
  })
})
