import { describe, expect, it } from 'vitest'
import { createExperimentJudge } from '../../shared/analysis/experiment/judge.js'
import { LiftSequence, logGamma, logLift, mixturePrecision, mixtureRadius, plannedInformation, sampleRatioEValue } from '../../shared/analysis/experiment/sequence.js'
import type { ExperimentConfig, ExperimentInterval } from '../../shared/analysis/experiment/types.js'
import { binomial, rng, simulateConversions, simulateOrderValues } from '../../bench/judge/experiments-sim.js'

const ALPHA = 0.05

function variantsOf(k: number): string[] {
  return ['control', ...Array.from({ length: k - 1 }, (_, i) => `v${i + 1}`)]
}

/** Fraction of runs in which some look's sequence, for some variant, excluded the true lift. */
function miscoverage(runs: number, k: number, make: (random: () => number, variants: string[]) => ExperimentInterval[], config: (variants: string[]) => ExperimentConfig, trueLift: number, seed: number): number {
  let missed = 0
  for (let r = 0; r < runs; r++) {
    const variants = variantsOf(k)
    const judge = createExperimentJudge(config(variants))
    let miss = false
    for (const interval of make(rng(seed + r * 7919), variants)) {
      for (const v of judge.look(interval).variants) if (v.lower !== null && v.upper !== null && (v.lower > trueLift || v.upper < trueLift)) miss = true
    }
    if (miss) missed++
  }
  return missed / runs
}

const ratioConfig = (variants: string[]): ExperimentConfig => ({ alpha: ALPHA, variants, control: 'control', primary: { name: 'conversion', type: 'ratio', direction: 'increase' }, minimumEffect: 0.05 })
const samplesConfig = (variants: string[]): ExperimentConfig => ({ alpha: ALPHA, variants, control: 'control', primary: { name: 'order-value', type: 'samples', direction: 'increase' }, minimumEffect: 0.05 })

// Monte-Carlo with a fixed seed: the confidence sequence covers the true lift at every look at once,
// for every variant at once (Bonferroni), with probability ≥ 1 − alpha. 600 runs of 60 looks: a
// true miscoverage of 5% would show above 3.3% with probability > 99%, so ≤ alpha is a real check.
describe('confidence sequence coverage (Monte-Carlo, fixed seed)', () => {
  it.each([
    { name: 'ratio, A/A, 2 variants, 2% conversion, 1,000 sessions per look', k: 2, lift: 0, kind: 'ratio' as const },
    { name: 'ratio, +10% lift, 3 variants', k: 3, lift: 0.1, kind: 'ratio' as const },
    { name: 'ratio, −8% lift, 2 variants', k: 2, lift: -0.08, kind: 'ratio' as const },
    { name: 'samples (lognormal order values), A/A, 3 variants', k: 3, lift: 0, kind: 'samples' as const },
    { name: 'samples, +10% lift, 2 variants', k: 2, lift: 0.1, kind: 'samples' as const },
  ])('$name', ({ k, lift, kind }) => {
    const rate = 0.02
    const make =
      kind === 'ratio'
        ? (random: () => number, variants: string[]) =>
            simulateConversions(random, { variants, rates: Object.fromEntries(variants.map((v) => [v, v === 'control' ? rate : rate * (1 + lift)])), sessions: 1000, intervals: 60 })
        : (random: () => number, variants: string[]) => simulateOrderValues(random, variants, Object.fromEntries(variants.map((v) => [v, v === 'control' ? 40 : 40 * (1 + lift)])), 40, 60)
    const miss = miscoverage(kind === 'ratio' ? 600 : 300, k, make, kind === 'ratio' ? ratioConfig : samplesConfig, lift, 11)
    expect(miss).toBeLessThanOrEqual(ALPHA)
  })

  it('the test has teeth: a fixed-horizon 95% interval re-checked at every look misses far more often than alpha', () => {
    let missed = 0
    const runs = 300
    for (let r = 0; r < runs; r++) {
      const random = rng(500 + r)
      let c = { sum: 0, sumSquares: 0, count: 0 }
      let v = { sum: 0, sumSquares: 0, count: 0 }
      let miss = false
      for (let t = 0; t < 60; t++) {
        c = { ...c, sum: c.sum + binomial(random, 1000, 0.02), count: c.count + 1000 }
        v = { ...v, sum: v.sum + binomial(random, 1000, 0.02), count: v.count + 1000 }
        const e = logLift('ratio', v, c)
        if (e && Math.abs(e.theta) > 1.96 * Math.sqrt(e.variance)) miss = true
      }
      if (miss) missed++
    }
    expect(missed / runs).toBeGreaterThan(3 * ALPHA)
  })
})

describe('normal-mixture boundary', () => {
  it('shrinks like sqrt(log V / V): wider than the fixed-horizon z interval, never by more than a few times at the planned information', () => {
    const alpha = 0.05
    const planned = plannedInformation(0.05, alpha)
    const rho = mixturePrecision(planned, alpha)
    const r = mixtureRadius(planned, rho, alpha)
    const z = 1.959963984540054 / Math.sqrt(planned)
    expect(r).toBeGreaterThan(z)
    expect(r).toBeLessThan(2 * z)
    expect(mixtureRadius(4 * planned, rho, alpha)).toBeLessThan(r / 1.7)
    expect(mixtureRadius(0, rho, alpha)).toBe(Number.POSITIVE_INFINITY)
  })

  it('the running intersection never widens; the traffic estimate follows the measured shrink rate', () => {
    const seq = new LiftSequence(0.05, 0.05)
    let previous = Number.POSITIVE_INFINITY
    for (let n = 1; n <= 20; n++) {
      seq.update({ theta: 0.01 * Math.sin(n), variance: 1 / (400 * n) }, 10_000 * n)
      expect(seq.upper - seq.lower).toBeLessThanOrEqual(previous)
      previous = seq.upper - seq.lower
    }
    expect(seq.shrinkRate()).toBeLessThan(-0.4)
    expect(seq.shrinkRate()).toBeGreaterThan(-0.6)
    const needed = seq.unitsToRadius(seq.radius / 2, 200_000) as number
    // Halving a radius that shrinks like n^-0.45…-0.5 takes 3 to 4.7 times the traffic so far.
    expect(needed).toBeGreaterThan(2 * 200_000)
    expect(needed).toBeLessThan(3.8 * 200_000)
    expect(seq.unitsToRadius(seq.radius * 2, 200_000)).toBe(0)
  })
})

describe('sample-ratio mismatch (Lindon & Malek 2022)', () => {
  it('logGamma matches known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12)
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 10)
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10)
    expect(logGamma(1e6)).toBeCloseTo(1e6 * Math.log(1e6) - 1e6 - 0.5 * Math.log(1e6) + 0.5 * Math.log(2 * Math.PI), 3)
  })

  it('on a correct 50/50 split it stays under 1/alpha at every look in ≥ 95% of runs; a 48/52 split is caught', () => {
    let alarms = 0
    const runs = 400
    for (let r = 0; r < runs; r++) {
      const random = rng(900 + r)
      let a = 0
      let b = 0
      let alarm = false
      for (let t = 0; t < 50; t++) {
        const x = binomial(random, 2000, 0.5)
        a += x
        b += 2000 - x
        if (sampleRatioEValue([a, b], [1, 1]) >= 1 / ALPHA) alarm = true
      }
      if (alarm) alarms++
    }
    expect(alarms / runs).toBeLessThanOrEqual(ALPHA)
    const random = rng(3)
    let a = 0
    let b = 0
    for (let t = 0; t < 50; t++) {
      const x = binomial(random, 2000, 0.48)
      a += x
      b += 2000 - x
    }
    expect(sampleRatioEValue([a, b], [50, 50])).toBeGreaterThan(1 / ALPHA)
  })
})
