import { describe, expect, it } from 'vitest'
import { RatioMetric } from '../../shared/analysis/ratio.js'
import { RateRatioSequence, RateVariation } from '../../shared/analysis/sequential.js'
import { DEFAULT_FAIL_MIXTURE, passMixture } from '../../shared/analysis/evidence.js'
import { driftingErrors, rng } from './sim.js'

// The dispersion model of shared/analysis/sequential.ts, state by state (docs/judge.md, "Robustness").
function engine(): RateRatioSequence {
  return new RateRatioSequence({ anchor: 0, below: 5, above: 7, step: 0.01, up: DEFAULT_FAIL_MIXTURE, down: passMixture(0) })
}

/** One interval of a 5% canary at 1000 req/s with 0.5% errors: canary 3,000 requests, baseline 57,000. */
function feed(seq: RateRatioSequence, canaryEvents: number, baselineEvents: number, scale = 1): void {
  seq.add(canaryEvents, baselineEvents, 0.05)
  seq.baseline.add(baselineEvents, 57_000 * scale)
}

describe('dispersion φ̂', () => {
  it('first looks: the prior stands (φ > 1 at high information), then counts at their expectation give φ = 1', () => {
    const seq = engine()
    feed(seq, 15, 285)
    expect(seq.dispersion()).toBeGreaterThan(1.2)
    feed(seq, 15, 285)
    expect(seq.dispersion()).toBeGreaterThan(1.2)
    // The baseline has two residuals, both within counting noise: no room for a drift.
    feed(seq, 15, 285)
    expect(seq.driftModel().bound).toBe(0)
    expect(seq.dispersion()).toBe(1)
  })

  it('a baseline that swings opens the bound; quiet residuals of the ratio then bring φ down', () => {
    // Shared swings only (±50%, AR(1) 0.8): the baseline varies, the canary's share does not.
    const next = driftingErrors(rng(21), 1000, 0.05, 0.005, { rho: 0.8, sharedSd: 0.5, armSd: 0 })
    const seq = engine()
    const phis: number[] = []
    for (let t = 0; t < 60; t++) {
      const i = next()
      seq.add(i.canary.events, i.baseline.events, i.canary.total / (i.canary.total + i.baseline.total))
      seq.baseline.add(i.baseline.events, i.baseline.total)
      phis.push(seq.dispersion())
    }
    expect(seq.driftModel().bound).toBeGreaterThan(0.1)
    const early = Math.max(...phis.slice(0, 20))
    expect(early).toBeGreaterThan(5)
    expect(phis[59]).toBeLessThan(early / 2)
  })

  it('bursts the ratio proves on its own count even when the baseline is steady', () => {
    const seq = engine()
    for (let t = 0; t < 12; t++) feed(seq, t % 2 === 0 ? 30 : 5, 285)
    const model = seq.driftModel()
    expect(model.bound).toBe(0)
    expect(model.proven).toBeGreaterThan(0.1)
    expect(seq.dispersion()).toBeGreaterThan(2)
  })

  it('a constant regression is a level, not a variation: φ stays 1 and the baseline is untouched', () => {
    const metric = new RatioMetric({ name: 'errors', type: 'ratio', tolerance: 0 })
    for (let t = 0; t < 4; t++) metric.add({ events: 75, total: 3000 }, { events: 285, total: 57_000 })
    const look = metric.look(3, { alpha: 0.05, beta: 0.05, bounds: false })
    expect(look.state).toBe('fail')
    expect(look.dispersion).toBe(1)
  })

  it('autocorrelation: a slow drift keeps ρ̂ near its prior, independent bursts bring it down', () => {
    const slow = engine()
    const bursty = engine()
    const a = driftingErrors(rng(31), 1000, 0.05, 0.005, { rho: 0.8, sharedSd: 0.5, armSd: 0.1 })
    const b = driftingErrors(rng(32), 1000, 0.05, 0.005, { rho: 0, sharedSd: 0, armSd: 0, sharedShape: 2, armShape: 3 })
    for (let t = 0; t < 40; t++) {
      const i = a()
      slow.add(i.canary.events, i.baseline.events, i.canary.total / (i.canary.total + i.baseline.total))
      slow.baseline.add(i.baseline.events, i.baseline.total)
      const j = b()
      bursty.add(j.canary.events, j.baseline.events, j.canary.total / (j.canary.total + j.baseline.total))
      bursty.baseline.add(j.baseline.events, j.baseline.total)
    }
    expect(slow.driftModel().rho).toBeGreaterThanOrEqual(0.55)
    expect(bursty.driftModel().rho).toBeLessThan(0.4)
    expect(bursty.dispersion()).toBeGreaterThan(3)
  })
})

describe('baseline variation (RateVariation)', () => {
  it('is 0 within counting noise and detects swings beyond it', () => {
    const steady = new RateVariation()
    const swinging = new RateVariation()
    for (let t = 0; t < 10; t++) {
      steady.add(285, 57_000)
      swinging.add(t % 2 === 0 ? 400 : 200, 57_000)
    }
    expect(steady.detectedVariance()).toBe(0)
    expect(steady.residuals).toBe(9)
    // log(400/285) ≈ 0.34: an excess variance of the order of 0.1 per interval.
    expect(swinging.detectedVariance()).toBeGreaterThan(0.05)
  })

  it('ignores intervals without traffic', () => {
    const v = new RateVariation()
    v.add(0, 0)
    v.add(285, 57_000)
    v.add(0, 0)
    v.add(285, 57_000)
    expect(v.residuals).toBe(1)
  })
})
