/**
 * Cost of one look of the Rollgate judge: over 1,000,000 samples per arm (target ≤ 1 s), and for a
 * `ratio` metric at a history of 10 versus 10,000 intervals (target: the same cost). Looks are timed
 * with the judge's default options (confidence-sequence bounds on), as the analyze action runs it.
 */

import type { IntervalData } from '../../shared/analysis/observations.js'
import type { CreateJudge } from './judges/rollgate.js'
import { Rng } from './sim/rng.js'

export interface PerfFigures {
  samplesLookMs: number
  samplesPerArm: number
  ratioLookUs10: number
  ratioLookUs10k: number
  ratioCostRatio: number
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}

function ratioInterval(rng: Rng): IntervalData {
  const c = rng.poisson(3000)
  const b = rng.poisson(57000)
  return {
    canary: { errors: { events: rng.binomial(c, 0.005), total: c } },
    baseline: { errors: { events: rng.binomial(b, 0.005), total: b } },
  }
}

export function measurePerformance(createJudge: CreateJudge, seed: number, samplesPerArm = 1_000_000): PerfFigures {
  const rng = new Rng(seed)

  // One look over a million samples per arm (values generated before the clock starts).
  const values = (factor: number): number[] => {
    const out = new Array<number>(samplesPerArm)
    for (let i = 0; i < samplesPerArm; i++) out[i] = rng.lognormal(Math.log(100 * factor), 0.5)
    return out
  }
  const big: IntervalData = { canary: { latency: { values: values(1) } }, baseline: { latency: { values: values(1) } } }
  const samplesConfig = {
    alpha: 0.05,
    maxIntervals: 60,
    metrics: [{ name: 'latency', type: 'samples' as const, direction: 'increase' as const, tolerance: 0, quantile: 0.5 }],
  }
  const samplesTimes: number[] = []
  for (let rep = 0; rep < 3; rep++) {
    const judge = createJudge(samplesConfig)
    const t0 = performance.now()
    judge.look(big)
    samplesTimes.push(performance.now() - t0)
  }

  // A ratio look at history 10 and at history 10,000.
  const ratioConfig = {
    alpha: 0.05,
    maxIntervals: 20_000,
    metrics: [{ name: 'errors', type: 'ratio' as const, direction: 'increase' as const, tolerance: 0 }],
  }
  const timeLooksAfter = (history: number, judges: number, looksEach: number): number[] => {
    const times: number[] = []
    for (let j = 0; j < judges; j++) {
      const judge = createJudge(ratioConfig)
      for (let i = 0; i < history; i++) judge.look(ratioInterval(rng))
      for (let k = 0; k < looksEach; k++) {
        const data = ratioInterval(rng)
        const t0 = performance.now()
        judge.look(data)
        times.push(performance.now() - t0)
      }
    }
    return times
  }
  timeLooksAfter(10, 20, 5) // warm-up (JIT)
  const short = median(timeLooksAfter(10, 200, 1)) * 1000
  const long = median(timeLooksAfter(10_000, 1, 200)) * 1000
  return {
    samplesLookMs: median(samplesTimes),
    samplesPerArm,
    ratioLookUs10: short,
    ratioLookUs10k: long,
    ratioCostRatio: long / short,
  }
}
