/**
 * Fast checks of bench/judge: the random generators' moments, the simulator's traffic, and the classic
 * judges (Mann-Whitney interval against SciPy-computed references, Kayenta scoring, Argo/Flagger
 * counters, the fixed-horizon tests). Reference values were generated offline with SciPy 1.17
 * (rankdata + brentq on R's wilcox.test formulas; ttest_ind(equal_var=False); norm).
 */

import { describe, expect, it } from 'vitest'
import { Ar1, Simulation } from '../../bench/judge/sim/simulate.js'
import { Rng, hashSeed } from '../../bench/judge/sim/rng.js'
import { mannWhitneyInterval } from '../../bench/judge/classic/mann-whitney.js'
import { histogramQuantile } from '../../bench/judge/judges/observe.js'
import { mannWhitney } from '../../shared/analysis/kayenta.js'
import { classifyMetric, kayenta, scoreMetrics } from '../../bench/judge/classic/kayenta.js'
import { argoRollouts, flagger } from '../../bench/judge/classic/thresholds.js'
import { fixedHorizon, twoProportionP, welchP } from '../../bench/judge/classic/fixed-horizon.js'
import { normalCdf, normalQuantile, studentTUpper, timeQuantile, wilson } from '../../bench/judge/stats.js'
import { allScenarios, regressions, specialHealthy } from '../../bench/judge/scenarios.js'
import { runScenario } from '../../bench/judge/runner.js'
import type { Scenario } from '../../bench/judge/sim/model.js'
import type { IntervalData } from '../../shared/analysis/observations.js'

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let s = 0
  let s2 = 0
  for (let i = 0; i < n; i++) {
    const x = draw()
    s += x
    s2 += x * x
  }
  const mean = s / n
  return { mean, variance: s2 / n - mean * mean }
}

describe('rng', () => {
  it('is deterministic per seed and uniform on (0, 1)', () => {
    const a = new Rng(42)
    const b = new Rng(42)
    const xs = Array.from({ length: 1000 }, () => a.uniform())
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.uniform()))
    expect(Math.min(...xs)).toBeGreaterThan(0)
    expect(Math.max(...xs)).toBeLessThan(1)
    expect(hashSeed(1, 'a', 2)).not.toBe(hashSeed(1, 'a', 3))
  })

  it.each([
    ['normal', (r: Rng) => r.normal(), 0, 1],
    ['gamma(0.5)', (r: Rng) => r.gamma(0.5), 0.5, 0.5],
    ['gamma(10, 0.1)', (r: Rng) => r.gamma(10, 0.1), 1, 0.1],
    ['poisson(3)', (r: Rng) => r.poisson(3), 3, 3],
    ['poisson(57)', (r: Rng) => r.poisson(57), 57, 57],
    ['poisson(3000)', (r: Rng) => r.poisson(3000), 3000, 3000],
    ['binomial(300, 0.005)', (r: Rng) => r.binomial(300, 0.005), 1.5, 300 * 0.005 * 0.995],
    ['binomial(57000, 0.005)', (r: Rng) => r.binomial(57000, 0.005), 285, 57000 * 0.005 * 0.995],
    ['binomial(40, 0.9)', (r: Rng) => r.binomial(40, 0.9), 36, 3.6],
    ['negativeBinomial(15, 10)', (r: Rng) => r.negativeBinomial(15, 10), 15, 15 + 22.5],
  ] as const)('%s has the right mean and variance', (_name, draw, mean, variance) => {
    const rng = new Rng(7)
    const m = moments(() => draw(rng), 40_000)
    expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / 40_000) + 1e-9)
    expect(m.variance / variance).toBeGreaterThan(0.95)
    expect(m.variance / variance).toBeLessThan(1.05)
  })

  it('AR(1) has the stationary sd and lag-1 autocorrelation asked for', () => {
    const rng = new Rng(3)
    const ar = new Ar1(rng, 0.8, 0.5)
    const xs = Array.from({ length: 50_000 }, () => ar.next())
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length
    const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length
    let c = 0
    for (let i = 1; i < xs.length; i++) c += ((xs[i] as number) - mean) * ((xs[i - 1] as number) - mean)
    expect(Math.sqrt(v)).toBeCloseTo(0.5, 1)
    expect(c / (xs.length - 1) / v).toBeCloseTo(0.8, 1)
  })
})

describe('simulator', () => {
  const byId = (id: string): Scenario => allScenarios().find((s) => s.id === id) as Scenario

  it('sends 5% of the traffic to the canary with the nominal error rate', () => {
    const sim = new Simulation(byId('healthy-independent-100'), new Rng(1))
    let cn = 0
    let ce = 0
    let bn = 0
    let latencies = 0
    for (let t = 0; t < 60; t++) {
      const d = sim.next()
      const c = d.canary.errors as { events: number; total: number }
      cn += c.total
      ce += c.events
      bn += (d.baseline.errors as { total: number }).total
      latencies += (d.canary.latency as { values: number[] }).values.length
    }
    expect(cn / 60).toBeGreaterThan(280)
    expect(cn / 60).toBeLessThan(320)
    expect(bn / 60).toBeGreaterThan(5600)
    expect(ce / cn).toBeGreaterThan(0.003)
    expect(ce / cn).toBeLessThan(0.007)
    // One latency value per request, at most 300 per arm per interval.
    expect(latencies).toBeLessThanOrEqual(Math.min(cn, 300 * 60))
    expect(latencies).toBeGreaterThan(0.9 * cn)
  })

  it('draws latency histograms of every request in the buckets form', () => {
    const s = { ...byId('healthy-independent-1000'), latencyForm: 'buckets' as const }
    const sim = new Simulation(s, new Rng(4))
    for (let t = 0; t < 5; t++) {
      const d = sim.next()
      for (const arm of ['canary', 'baseline'] as const) {
        const buckets = (d[arm].latency as { buckets: Array<{ le: number; count: number }> }).buckets
        const requests = (d[arm].errors as { total: number }).total
        expect(buckets[buckets.length - 1]).toEqual({ le: Number.POSITIVE_INFINITY, count: requests })
        expect(buckets[0]?.count).toBe(0)
        for (let i = 1; i < buckets.length; i++) expect(buckets[i]?.count).toBeGreaterThanOrEqual(buckets[i - 1]?.count ?? 0)
        // Median 100 ms: histogram_quantile within a few percent (bucket resolution ±4.5%).
        expect(Math.abs(histogramQuantile(buckets, 0.5) / 100 - 1)).toBeLessThan(arm === 'baseline' ? 0.03 : 0.08)
      }
    }
  })

  it('stops the traffic after 30 minutes and sends none with zero traffic', () => {
    const stops = new Simulation(specialHealthy().find((s) => s.id === 'traffic-stops') as Scenario, new Rng(2))
    const zero = new Simulation(specialHealthy().find((s) => s.id === 'zero-traffic') as Scenario, new Rng(2))
    for (let t = 1; t <= 60; t++) {
      const d = stops.next()
      const total = (d.canary.errors as { total: number }).total + (d.baseline.errors as { total: number }).total
      if (t <= 30) expect(total).toBeGreaterThan(0)
      else expect(total).toBe(0)
      const z = zero.next()
      expect((z.canary.errors as { total: number }).total).toBe(0)
      expect((z.canary.latency as { values: number[] }).values).toEqual([])
    }
  })

  it('puts new-class errors on the canary only, about 0.3 per minute', () => {
    const s = regressions().find((x) => x.id === 'new-error-class') as Scenario
    const sim = new Simulation(s, new Rng(5))
    let c = 0
    let b = 0
    for (let t = 0; t < 600; t++) {
      const d = sim.next()
      c += (d.canary['new-errors'] as { events: number }).events
      b += (d.baseline['new-errors'] as { events: number }).events
    }
    expect(b).toBe(0)
    expect(c / 600).toBeGreaterThan(0.24)
    expect(c / 600).toBeLessThan(0.36)
  })
})

describe('statistics helpers', () => {
  it('matches SciPy on the normal and t distributions and Wilson intervals', () => {
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 6)
    expect(normalCdf(-1.5)).toBeCloseTo(0.06680720126885807, 6)
    expect(studentTUpper(2.1, 7.3)).toBeCloseTo(0.0361233567124267, 6)
    expect(wilson(0, 200).upper).toBeCloseTo(0.018845326377266575, 6)
    const w = wilson(10, 200)
    expect(w.lower).toBeCloseTo(0.02738264560076393, 6)
    expect(w.upper).toBeCloseTo(0.08957814813877599, 6)
  })

  it('time quantiles count runs that never decided as never', () => {
    expect(timeQuantile([2, 3], 4, 0.5)).toBe(3)
    expect(timeQuantile([2], 4, 0.5)).toBe(Number.POSITIVE_INFINITY)
    expect(timeQuantile([5, 1, 3, 2, 4], 5, 0.9)).toBe(5)
  })
})

describe('Mann-Whitney interval (Kayenta / R wilcox.test)', () => {
  const cases = [
    {
      name: 'R example',
      x: [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46],
      y: [1.15, 0.88, 0.9, 0.74, 1.21],
      confidence: 0.95,
      lower: -0.15,
      upper: 0.76,
      estimate: 0.3001486769494133,
    },
    {
      name: 'tied error rates',
      x: [0, 0, 0.01, 0, 0.02, 0, 0, 0.01, 0.03, 0],
      y: [0, 0.005, 0, 0.004, 0.006, 0, 0.005, 0, 0.004, 0.005, 0],
      confidence: 0.98,
      lower: -0.005,
      upper: 0.01,
      estimate: 0,
    },
  ]
  it.each(cases)('$name', ({ x, y, confidence, lower, upper, estimate }) => {
    const r = mannWhitneyInterval(x, y, confidence)
    expect(r.lower).toBeCloseTo(lower, 6)
    expect(r.upper).toBeCloseTo(upper, 6)
    // The estimate is any root of a step function: SciPy's brentq and bisection can land at
    // different points of the same flat zero; both lie within a small step of each other.
    expect(Math.abs(r.estimate - estimate)).toBeLessThan(0.02 * (upper - lower))
  })

  it('matches SciPy on a larger normal sample', () => {
    const rng = new Rng(11)
    // Bounds are jump points of the statistic; check them against a brute-force scan instead.
    const x = Array.from({ length: 40 }, () => Math.round(rng.lognormal(Math.log(105), 0.1) * 1000) / 1000)
    const y = Array.from({ length: 60 }, () => Math.round(rng.lognormal(Math.log(100), 0.1) * 1000) / 1000)
    const r = mannWhitneyInterval(x, y, 0.98)
    const diffs = x.flatMap((a) => y.map((b) => a - b)).sort((a, b) => a - b)
    // The bounds of the asymptotic interval are pairwise differences.
    expect(diffs.some((d) => Math.abs(d - r.lower) < 1e-6)).toBe(true)
    expect(diffs.some((d) => Math.abs(d - r.upper) < 1e-6)).toBe(true)
    const median = diffs[Math.floor(diffs.length / 2)] as number
    expect(Math.abs(r.estimate - median)).toBeLessThan(0.5)
  })
})

describe('shared/analysis/kayenta.ts against the R-exact port', () => {
  it('gives the same Mann-Whitney bounds on per-minute error rates and latencies', () => {
    const rng = new Rng(21)
    for (let k = 0; k < 20; k++) {
      const sparse = k % 2 === 0
      const x = Array.from({ length: 20 + k }, () => (sparse ? rng.binomial(300, 0.005) / 300 : rng.lognormal(Math.log(105), 0.05)))
      const y = Array.from({ length: 20 }, () => (sparse ? rng.binomial(5700, 0.005) / 5700 : rng.lognormal(Math.log(100), 0.05)))
      const ours = mannWhitneyInterval(x, y, 0.98)
      const theirs = mannWhitney(x, y, 0.98)
      expect(theirs).not.toBeNull()
      expect(theirs?.lower).toBeCloseTo(ours.lower, 9)
      expect(theirs?.upper).toBeCloseTo(ours.upper, 9)
    }
  })
})

describe('Kayenta judge', () => {
  it('classifies like NetflixACAJudge', () => {
    expect(classifyMetric([], [1, 2], 'increase')).toBe('Nodata')
    expect(classifyMetric([1, 2, 3], [3, 2, 1], 'increase')).toBe('Pass')
    expect(classifyMetric([0, 0, 0], [0, 0], 'increase')).toBe('Pass')
    const base = Array.from({ length: 30 }, (_, i) => 100 + (i % 7))
    const high = base.map((v) => v * 1.5)
    expect(classifyMetric(high, base, 'increase')).toBe('High')
    expect(classifyMetric(high, base, 'decrease')).toBe('Pass')
    expect(classifyMetric(base.map((v) => v * 0.5), base, 'either')).toBe('Low')
    // The effect-size gate: a shift that is significant but under allowedIncrease passes.
    expect(classifyMetric(high, base, 'increase', 2)).toBe('Pass')
  })

  it('scores with the critical and Nodata overrides', () => {
    expect(scoreMetrics([{ classification: 'Pass', critical: false }, { classification: 'High', critical: false }])).toBe(50)
    expect(scoreMetrics([{ classification: 'Pass', critical: false }, { classification: 'High', critical: true }])).toBe(0)
    expect(scoreMetrics([{ classification: 'Nodata', critical: false }, { classification: 'Pass', critical: false }])).toBe(0)
    expect(scoreMetrics([{ classification: 'Error', critical: false }, { classification: 'Pass', critical: false }, { classification: 'Pass', critical: false }])).toBe(100)
  })

  it('judges at 20, 40 and 60 minutes only', () => {
    const s = regressions().find((x) => x.id === 'errors-x5') as Scenario
    const session = kayenta().start(s)
    const data = (m: number): IntervalData => ({
      canary: { errors: { events: 9 + (m % 3), total: 300 }, latency: { values: [100, 101 + (m % 2)] } },
      baseline: { errors: { events: 27 + (m % 3), total: 5700 }, latency: { values: [100, 101 + (m % 2)] } },
    })
    for (let m = 1; m < 20; m++) expect(session.look(data(m), m)).toBe('continue')
    // Every canary minute above every baseline minute on a critical metric: High, score 0.
    expect(session.look(data(20), 20)).toBe('fail')
  })
})

describe('threshold judges', () => {
  const s = regressions().find((x) => x.id === 'errors-x5') as Scenario
  const bad: IntervalData = { canary: { errors: { events: 5, total: 100 }, latency: { values: [100] } }, baseline: {} }
  const good: IntervalData = { canary: { errors: { events: 0, total: 100 }, latency: { values: [100] } }, baseline: {} }
  const empty: IntervalData = { canary: { errors: { events: 0, total: 0 }, latency: { values: [] } }, baseline: {} }

  it('Argo Rollouts fails when failures exceed failureLimit (3), and ignores empty minutes', () => {
    const session = argoRollouts().start(s)
    expect([1, 2, 3].map((m) => session.look(bad, m))).toEqual(['continue', 'continue', 'continue'])
    expect(session.look(empty, 4)).toBe('continue')
    expect(session.look(good, 5)).toBe('continue')
    expect(session.look(bad, 6)).toBe('fail')
  })

  it('Flagger counts failed checks, empty results included, up to the threshold (5)', () => {
    const session = flagger().start(s)
    expect([1, 2, 3, 4].map((m) => session.look(m % 2 ? bad : empty, m))).toEqual(['continue', 'continue', 'continue', 'continue'])
    expect(session.look(good, 5)).toBe('continue')
    expect(session.look(empty, 6)).toBe('fail')
  })
})

describe('fixed-horizon tests', () => {
  it('match SciPy', () => {
    expect(twoProportionP(30, 3000, 285, 57000)).toBeCloseTo(0.0001105287542658108, 6)
    const stats = (xs: number[]): { n: number; sum: number; sumSq: number } => ({
      n: xs.length,
      sum: xs.reduce((a, b) => a + b, 0),
      sumSq: xs.reduce((a, b) => a + b * b, 0),
    })
    const p = welchP(stats([4.61, 4.7, 4.55, 4.8, 4.66, 4.59]), stats([4.52, 4.6, 4.49, 4.58, 4.63, 4.5, 4.55]))
    expect(p).toBeCloseTo(0.023021857906796006, 5)
  })

  it('fail a clear regression at the first look', () => {
    const s = regressions().find((x) => x.id === 'errors-x5') as Scenario
    const session = fixedHorizon().start(s)
    const data: IntervalData = {
      canary: { errors: { events: 30, total: 3000 }, latency: { values: [100, 101, 99] } },
      baseline: { errors: { events: 285, total: 57000 }, latency: { values: [100, 101, 99] } },
    }
    expect(session.look(data, 1)).toBe('fail')
  })
})

describe('runner', () => {
  it('is reproducible for a seed and splits into chunks without changing results', () => {
    const s = regressions().find((x) => x.id === 'errors-x2') as Scenario
    const judges = [argoRollouts(), flagger(), kayenta(), fixedHorizon()]
    const whole = runScenario(s, judges, 6, 99)
    const a = runScenario(s, judges, 3, 99, 0)
    const b = runScenario(s, judges, 3, 99, 3)
    whole.tallies.forEach((t, i) => {
      expect(t.fails).toBe((a.tallies[i]?.fails ?? 0) + (b.tallies[i]?.fails ?? 0))
      expect([...t.failTimes].sort()).toEqual([...(a.tallies[i]?.failTimes ?? []), ...(b.tallies[i]?.failTimes ?? [])].sort())
    })
  })
})
