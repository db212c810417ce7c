import { describe, expect, it } from 'vitest'
import { DriftFilter } from '../../shared/analysis/drift.js'
import { failMixture, passMixture } from '../../shared/analysis/evidence.js'
import { INTERVAL_CAP, RateRatioSequence, V3_CAP_RAMP } from '../../shared/analysis/sequential.js'
import { Rng } from '../../bench/judge/sim/rng.js'
import { Simulation } from '../../bench/judge/sim/simulate.js'
import { allScenarios } from '../../bench/judge/scenarios.js'
import { createJudge } from '../../shared/analysis/judge.js'
import { parsePolicy } from '../../shared/config/load.js'
import { planAnalysis } from '../../shared/rollout/analysis-plan.js'
import { smokePolicy } from '../rollout/support.js'

// Judge v3 (shared/analysis/drift.ts): the noise model it learns, the predictability of its weights,
// and the supermartingale property of its e-process under the exact null, by Monte Carlo with fixed
// seeds (tolerances far from the observed values, which are printed in the failure messages).

const PI = 0.05


/** A DriftFilter fed z = level + AR(1) drift + iid excess + counting noise (variance c). */
function filterOn(seed: number, opts: { level?: number; tau2?: number; rho?: number; beta2?: number; c?: number; n?: number }) {
  const r = new Rng(seed)
  const f = new DriftFilter()
  const { level = 0, tau2 = 0, rho = 0.9, beta2 = 0, c = 0.07, n = 60 } = opts
  let d = Math.sqrt(tau2) * r.normal()
  for (let s = 0; s < n; s++) {
    if (s > 0) d = rho * d + Math.sqrt(tau2 * (1 - rho * rho)) * r.normal()
    f.add(level + d + Math.sqrt(beta2) * r.normal() + Math.sqrt(c) * r.normal(), c)
  }
  return f.summary()
}

function engine(): RateRatioSequence {
  return new RateRatioSequence({ anchor: 0, below: 3, above: 3, step: 0.03, up: failMixture(undefined), down: passMixture(0.1), engine: 'v3' })
}

/** One interval: the baseline's own counts, then the canary/baseline split (as RatioMetric feeds it). */
function feed(e: RateRatioSequence, x: number, k: number, baselineEvents: number, baselineTotal: number): void {
  e.baseline.add(baselineEvents, baselineTotal)
  e.add(x, k - x, PI)
}

describe('judge v3 noise model', () => {
  it('sees counting noise as counting noise', () => {
    const s = filterOn(1, {})
    expect(s.beta2, JSON.stringify(s)).toBeLessThan(0.05)
    expect(s.tau2, JSON.stringify(s)).toBeLessThan(0.05)
  })

  it('learns an independent excess per interval', () => {
    const s = filterOn(2, { beta2: 1 })
    expect(s.beta2, JSON.stringify(s)).toBeGreaterThan(0.4)
    expect(s.beta2, JSON.stringify(s)).toBeLessThan(2.5)
  })

  it('learns a slow drift, on average over seeds', () => {
    let tau2 = 0
    for (let seed = 10; seed < 20; seed++) tau2 += filterOn(seed, { tau2: 0.32, rho: 0.9 }).tau2 / 10
    expect(tau2).toBeGreaterThan(0.08)
  })

  it('does not take a regression (a constant level shift) for noise', () => {
    const shifted = filterOn(3, { level: 1.6 })
    expect(shifted.beta2 + shifted.tau2, JSON.stringify(shifted)).toBeLessThan(0.1)
  })
})

describe('judge v3 weights are predictable', () => {
  it("an interval's weight is fixed before its split and its own total are seen", () => {
    const history = (e: RateRatioSequence) => {
      const r = new Rng(4)
      for (let s = 0; s < 10; s++) {
        const x = r.binomial(300, PI)
        feed(e, x, 300, r.binomial(6000, PI), 6000)
      }
    }
    const weights = [
      [0, 300],
      [150, 300],
      [0, 10],
      [40, 4000],
    ].map(([x, k]) => {
      const e = engine()
      history(e)
      feed(e, x as number, k as number, 300, 6000)
      return e.lastWeight
    })
    expect(new Set(weights).size).toBe(1)
    expect(weights[0]).toBeGreaterThan(0)
    expect(weights[0]).toBeLessThanOrEqual(1)
  })

  it('a burst lowers the weight of the intervals after it', () => {
    const e = engine()
    const r = new Rng(5)
    for (let s = 0; s < 10; s++) feed(e, r.binomial(300, PI), 300, r.binomial(6000, PI), 6000)
    feed(e, 0, 300, 300, 6000)
    const calm = e.lastWeight
    feed(e, 150, 300, 300, 6000)
    feed(e, 0, 300, 300, 6000)
    expect(e.lastWeight).toBeLessThan(calm)
  })
})

describe('judge v3 cap over the first intervals', () => {
  it('two bursts in the first two minutes cannot fail a metric; after the ramp one interval counts fully', () => {
    const e = engine()
    // Every event of the interval on the canary, twice: as extreme as a burst can be.
    feed(e, 300, 300, 300, 6000)
    const first = e.logEUpAnchor()
    feed(e, 300, 300, 300, 6000)
    const second = e.logEUpAnchor()
    // Without the ramp each would count up to INTERVAL_CAP (3 nats), and two would cross log 20.
    expect(V3_CAP_RAMP).toBeGreaterThan(1)
    expect(first, `first ${first}`).toBeLessThanOrEqual(INTERVAL_CAP / V3_CAP_RAMP + 1e-9)
    expect(second, `second ${second}`).toBeLessThanOrEqual((INTERVAL_CAP * 3) / V3_CAP_RAMP + 1e-9)
    expect(second).toBeLessThan(Math.log(20) / 1.5)

    const late = engine()
    const r = new Rng(9)
    for (let s = 0; s < V3_CAP_RAMP; s++) feed(late, r.binomial(300, PI), 300, r.binomial(6000, PI), 6000)
    const before = late.logEUpAnchor()
    feed(late, 300, 300, 300, 6000)
    expect(late.logEUpAnchor() - before, `after the ramp ${late.logEUpAnchor() - before}`).toBeGreaterThan(INTERVAL_CAP / V3_CAP_RAMP + 0.5)
  })
})

describe('judge v3 e-process under the exact null (Monte Carlo, fixed seeds)', () => {
  it('is a supermartingale one step at a time, after calm, bursty and drifting histories', () => {
    const histories: Record<string, number[]> = { calm: [], bursty: [], drifting: [] }
    const r0 = new Rng(6)
    for (let s = 0; s < 12; s++) {
      histories.calm?.push(r0.binomial(300, PI))
      histories.bursty?.push(r0.binomial(300, s % 2 === 0 ? 0.15 : 0.02))
      histories.drifting?.push(r0.binomial(300, PI * Math.exp(0.05 * s)))
    }
    for (const [name, xs] of Object.entries(histories)) {
      const make = () => {
        const e = engine()
        for (const x of xs) feed(e, x, 300, 300, 6000)
        return e
      }
      const before = make().logEUpAnchor()
      const r = new Rng(7)
      const n = 3000
      let sum = 0
      for (let i = 0; i < n; i++) {
        const e = make()
        feed(e, r.binomial(300, PI), 300, r.binomial(6000, PI), 6000)
        sum += Math.exp(e.logEUpAnchor() - before)
      }
      // E[Mₜ / Mₜ₋₁ | past] ≤ 1; the Monte Carlo standard error here is about 0.005.
      expect(sum / n, `${name}: E[M_t/M_t-1] = ${(sum / n).toFixed(4)}`).toBeLessThanOrEqual(1.02)
    }
  })

  it('keeps E[Mₜ] ≤ 1 and crosses 1/α in at most α of runs, at 40 and 300 events per interval', () => {
    for (const k of [40, 300]) {
      const r = new Rng(8)
      const looks = [5, 10, 20, 40]
      const sums = looks.map(() => 0)
      const runs = 1500
      let crossed = 0
      for (let run = 0; run < runs; run++) {
        const e = engine()
        let hit = false
        for (let t = 1; t <= 40; t++) {
          feed(e, r.binomial(k, PI), k, r.binomial(20 * k, PI), 20 * k)
          const le = e.logEUpAnchor()
          if (le >= Math.log(20)) hit = true
          const i = looks.indexOf(t)
          if (i >= 0) sums[i] = (sums[i] as number) + Math.exp(le)
        }
        if (hit) crossed++
      }
      const means = sums.map((s) => s / runs)
      for (const m of means) expect(m, `k=${k}: E[M_t] at ${looks.join('/')} = ${means.map((x) => x.toFixed(3)).join(' ')}`).toBeLessThanOrEqual(1.05)
      expect(crossed / runs).toBeLessThanOrEqual(0.05)
    }
  })
})




describe('choosing the engine in the policy (analysis.<name>.test.engine)', () => {
  const policyWith = (test: string) => smokePolicy({ test })

  it('reaches the judge: v3 tempers a bursty canary that v1 takes at face value', () => {
    const v1 = planAnalysis(parsePolicy(policyWith(''), 'policy.yml', {}), 'production', 'smoke', 0)
    const v3 = planAnalysis(parsePolicy(policyWith('test: { type: sequential, engine: v3 }'), 'policy.yml', {}), 'production', 'smoke', 0)
    expect(v1.judge.engine).toBeUndefined()
    expect(v3.judge.engine).toBe('v3')
    // A healthy canary under the bench's gamma bursts per arm (CV 200%, 1000 req/s; seed 5): v1 fails it
    // on its second look, v3 never does.
    const scenario = allScenarios().find((sc) => sc.id === 'v2-bursts-200-1000')
    if (!scenario) throw new Error('bench scenario v2-bursts-200-1000 is gone')
    const sim = new Simulation(scenario, new Rng(5))
    const intervals = Array.from({ length: 30 }, () => {
      const d = sim.next()
      return { canary: { errors: d.canary['errors'] }, baseline: { errors: d.baseline['errors'] } }
    })
    const verdict = (plan: typeof v1) => {
      const judge = createJudge(plan.judge)
      for (const data of intervals) {
        const look = judge.look(data)
        if (look.decision !== 'continue') return `${look.decision} at look ${look.interval + 1}`
      }
      return 'continue'
    }
    expect(verdict(v1)).toBe('fail at look 2')
    expect(verdict(v3)).not.toMatch(/^fail/)
  })

  it('names the field and the engines there are when the value is wrong', () => {
    expect(() => parsePolicy(policyWith('test: { type: sequential, engine: v4 }'), 'policy.yml', {})).toThrow(/policy\.yml:\d+:\d+.*engine.*(v1.*v3|one of)/s)
  })
})
