import { describe, expect, it } from 'vitest'
import { createJudge } from '../../shared/analysis/judge.js'
import type { JudgeConfig } from '../../shared/analysis/types.js'
import { normalCdf } from '../../shared/analysis/stats.js'
import { ar1, driftingErrors, errorInterval, lognormalBuckets, poisson, rng } from './sim.js'

// Small seeded simulations: sanity checks of the guarantees, not the benchmark (bench/judge).
function rollouts(config: JudgeConfig, runs: number, looks: number, next: (r: () => number) => Parameters<ReturnType<typeof createJudge>['look']>[0], seed: number) {
  const r = rng(seed)
  let fails = 0
  let passes = 0
  const failAt: number[] = []
  for (let k = 0; k < runs; k++) {
    const judge = createJudge(config, { bounds: false })
    for (let t = 0; t < looks; t++) {
      const look = judge.look(next(r))
      if (look.decision === 'fail') {
        fails++
        failAt.push(t + 1)
        break
      }
      if (look.decision === 'pass') {
        passes++
        break
      }
    }
  }
  failAt.sort((a, b) => a - b)
  return { fails: fails / runs, passes: passes / runs, medianFail: failAt[Math.floor(failAt.length / 2)] ?? Number.NaN }
}

const errors: JudgeConfig = { alpha: 0.05, metrics: [{ name: 'errors', type: 'ratio', tolerance: 0, critical: true }] }
const ratio = (rps: number, mult: number) => (r: () => number) => {
  const i = errorInterval(r, rps, 0.05, 0.005, mult)
  return { canary: { errors: i.canary }, baseline: { errors: i.baseline } }
}

describe('Monte-Carlo sanity (seeded)', () => {
  it('a healthy 5% canary at 100 req/s: false fails over 200 rollouts × 60 looks stay near alpha', () => {
    const { fails } = rollouts(errors, 200, 60, ratio(100, 1), 11)
    expect(fails).toBeLessThanOrEqual(0.07)
  })

  it('ten healthy metrics at once keep the family-wise budget', () => {
    const names = Array.from({ length: 10 }, (_, i) => `m${i}`)
    const config: JudgeConfig = { alpha: 0.05, metrics: names.map((name) => ({ name, type: 'ratio' as const })) }
    const { fails } = rollouts(config, 40, 60, (r) => {
      const canary: Record<string, { events: number; total: number }> = {}
      const baseline: Record<string, { events: number; total: number }> = {}
      for (const name of names) {
        const i = errorInterval(r, 100, 0.05, 0.005, 1)
        canary[name] = i.canary
        baseline[name] = i.baseline
      }
      return { canary, baseline }
    }, 12)
    expect(fails).toBeLessThanOrEqual(0.1)
  })

  it('zero canary traffic never fails', () => {
    const { fails, passes } = rollouts(errors, 50, 60, (r) => ({ canary: { errors: { events: 0, total: 0 } }, baseline: { errors: { events: poisson(r, 30), total: 6000 } } }), 13)
    expect(fails).toBe(0)
    expect(passes).toBe(0)
  })

  it('per-arm AR(1) drift (ρ 0.8, σ 0.1) with shared swings (σ 0.5), 1000 req/s: false fails ≤ alpha', () => {
    let fails = 0
    const r = rng(15)
    for (let k = 0; k < 100; k++) {
      const next = driftingErrors(r, 1000, 0.05, 0.005, { rho: 0.8, sharedSd: 0.5, armSd: 0.1 })
      const { fails: f } = rollouts(errors, 1, 60, () => {
        const i = next()
        return { canary: { errors: i.canary }, baseline: { errors: i.baseline } }
      }, 100 + k)
      fails += f
    }
    expect(fails / 100).toBeLessThanOrEqual(0.05)
  })

  it('bursty counts (gamma bursts, shared shape 2, per arm 10), 1000 req/s: false fails ≤ alpha', () => {
    let fails = 0
    const r = rng(16)
    for (let k = 0; k < 100; k++) {
      const next = driftingErrors(r, 1000, 0.05, 0.005, { rho: 0, sharedSd: 0, armSd: 0, sharedShape: 2, armShape: 10 })
      const { fails: f } = rollouts(errors, 1, 60, () => {
        const i = next()
        return { canary: { errors: i.canary }, baseline: { errors: i.baseline } }
      }, 200 + k)
      fails += f
    }
    expect(fails / 100).toBeLessThanOrEqual(0.05)
  })

  it('latency as Prometheus buckets of every request, drifting (ρ 0.8: shared σ 0.1, per arm 0.02), 1000 req/s: no false fail', () => {
    const config: JudgeConfig = { alpha: 0.05, metrics: [{ name: 'latency', type: 'samples', quantile: 0.5, tolerance: 0 }] }
    const r = rng(17)
    let fails = 0
    for (let k = 0; k < 30; k++) {
      const shared = ar1(r, 0.8, 0.1)
      const own = [ar1(r, 0.8, 0.02), ar1(r, 0.8, 0.02)]
      const { fails: f } = rollouts(config, 1, 60, () => {
        const s = Math.log(100) + shared()
        const c = lognormalBuckets(r, poisson(r, 3000), s + (own[0] as () => number)(), 0.5, normalCdf)
        const b = lognormalBuckets(r, poisson(r, 57000), s + (own[1] as () => number)(), 0.5, normalCdf)
        return { canary: { latency: { buckets: c } }, baseline: { latency: { buckets: b } } }
      }, 300 + k)
      fails += f
    }
    expect(fails).toBeLessThanOrEqual(1)
  })

  it('errors ×5 at 5% weight, 100 req/s, 0.5% baseline: detected, median within 3 minutes', () => {
    const { fails, medianFail } = rollouts(errors, 100, 20, ratio(100, 5), 14)
    expect(fails).toBeGreaterThanOrEqual(0.97)
    expect(medianFail).toBeLessThanOrEqual(3)
  })
})
