import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CumulativeDistribution, SortedValues } from '../../shared/analysis/histogram.js'
import { mannWhitney } from '../../shared/analysis/kayenta.js'
import { RateRatioSequence } from '../../shared/analysis/sequential.js'
import { DEFAULT_FAIL_MIXTURE, passMixture } from '../../shared/analysis/evidence.js'
import { normalCdf, normalQuantile } from '../../shared/analysis/stats.js'

// Generated offline by test/fixtures/analysis/generate.py (SciPy/NumPy).
const ref = JSON.parse(readFileSync(new URL('../fixtures/analysis/reference.json', import.meta.url), 'utf8')) as {
  normalCdf: [number, number][]
  normalQuantile: [number, number][]
  mannWhitney: { name: string; canary: number[]; baseline: number[]; confidence: number; u: number; pValue: number; estimate: number; lower: number; upper: number; rLower?: number; rUpper?: number }[]
  eValues: { name: string; tolerance: number; intervals: [number, number, number][]; logEUp: number; logEDown: number }[]
  quantiles: { values: number[]; q: Record<string, number> }
}

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
    expect(seq.logEUpAnchor(1)).toBeCloseTo(e.logEUp, 8)
    expect(seq.logEDownAnchor(1)).toBeCloseTo(e.logEDown, 8)
  })
})

describe('cumulative histogram quantiles (NumPy quantile)', () => {
  it.each(Object.entries(ref.quantiles.q))('q = %s within 1%%', (q, expected) => {
    const d = new CumulativeDistribution()
    d.addValues(SortedValues.of(ref.quantiles.values).sorted)
    expect(Math.abs(d.quantile(Number(q)) / expected - 1)).toBeLessThan(0.01)
  })
})
