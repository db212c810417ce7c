/**
 * The paired judge for mirror steps (shared/analysis/paired.ts): Monte-Carlo with a fixed seed.
 * Identical arms over the same request stream stay under alpha (looking after every interval), a
 * shadow with three times stable's error rate is caught, and a tolerance lets an identical shadow pass.
 */
import { describe, expect, it } from 'vitest'
import { BettingEProcess, createPairedJudge } from '../../shared/analysis/paired.js'
import type { IntervalData } from '../../shared/analysis/observations.js'
import type { JudgeConfig } from '../../shared/analysis/types.js'
import { normal, rng } from '../analysis/sim.js'

/** Binomial(n, p) by geometric waiting times: O(n·p) draws. */
function binomial(random: () => number, n: number, p: number): number {
  if (p <= 0) return 0
  if (p >= 1) return n
  const logq = Math.log(1 - p)
  let count = 0
  let position = 0
  for (;;) {
    position += Math.floor(Math.log(1 - random()) / logq) + 1
    if (position > n) return count
    count++
  }
}

interface Scenario {
  /** Error-rate multiplier of the shadow. */
  factor: number
  tolerance?: number
  seed: number
  runs: number
  intervals: number
}

/**
 * Stable answers ~10,000 requests an interval and the shadow a 10% mirror of them; both share the
 * interval's error rate, which drifts (log-normal, sd 0.5, around 1%): what pairing cancels.
 */
function simulate(s: Scenario): { fails: number; passes: number; failLooks: number[] } {
  const random = rng(s.seed)
  const config: JudgeConfig = { alpha: 0.05, maxIntervals: s.intervals, metrics: [{ name: 'errors', type: 'ratio', direction: 'increase', tolerance: s.tolerance ?? 0, critical: true }] }
  let fails = 0
  let passes = 0
  const failLooks: number[] = []
  for (let run = 0; run < s.runs; run++) {
    const judge = createPairedJudge(config)
    for (let i = 0; i < s.intervals; i++) {
      const rate = Math.min(0.5, 0.01 * Math.exp(0.5 * normal(random)))
      const stableTotal = Math.round(10_000 * (1 + 0.2 * normal(random)))
      const shadowTotal = binomial(random, stableTotal, 0.1)
      const interval: IntervalData = {
        canary: { errors: { events: binomial(random, shadowTotal, Math.min(1, rate * s.factor)), total: shadowTotal } },
        baseline: { errors: { events: binomial(random, stableTotal, rate), total: stableTotal } },
      }
      const look = judge.look(interval)
      if (look.decision === 'fail') {
        fails++
        failLooks.push(i + 1)
        break
      }
      if (look.decision === 'pass') {
        passes++
        break
      }
    }
  }
  return { fails, passes, failLooks }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

describe('paired judge (mirror steps)', () => {
  it('identical arms: the false-fail rate stays under alpha = 0.05 over 60 looks (2,000 runs, seed 20261206)', () => {
    const { fails } = simulate({ factor: 1, seed: 20261206, runs: 2000, intervals: 60 })
    const rate = fails / 2000
    console.log(`paired identical arms: false fails ${fails}/2000 = ${rate.toFixed(4)}`)
    expect(rate).toBeLessThanOrEqual(0.05)
  }, 120_000) // about 12 s on an idle machine; the suite shares two cores

  it('a shadow with 3x the error rate is caught (500 runs, seed 7)', () => {
    const { fails, failLooks } = simulate({ factor: 3, seed: 7, runs: 500, intervals: 60 })
    console.log(`paired x3 errors: detected ${fails}/500, median look ${median(failLooks)}`)
    expect(fails / 500).toBeGreaterThanOrEqual(0.99)
    expect(median(failLooks)).toBeLessThanOrEqual(15)
  })

  it('an identical shadow passes with a 20% tolerance, and a 3x shadow never does (300 runs each)', () => {
    const same = simulate({ factor: 1, tolerance: 0.2, seed: 11, runs: 300, intervals: 60 })
    console.log(`paired identical, tolerance 20%: passed ${same.passes}/300, failed ${same.fails}/300`)
    expect(same.passes / 300).toBeGreaterThanOrEqual(0.9)
    expect(same.fails / 300).toBeLessThanOrEqual(0.05)
    const worse = simulate({ factor: 3, tolerance: 0.2, seed: 12, runs: 300, intervals: 60 })
    expect(worse.passes).toBe(0)
  })

  it('the shared drift is what pairing cancels: a burst hitting both arms is not evidence', () => {
    const judge = createPairedJudge({ alpha: 0.05, metrics: [{ name: 'errors', type: 'ratio' }] })
    for (let i = 0; i < 30; i++) {
      const rate = i % 5 === 4 ? 0.2 : 0.01 // every fifth interval a backend incident hits both
      const look = judge.look({ canary: { errors: { events: Math.round(1000 * rate), total: 1000 } }, baseline: { errors: { events: Math.round(10_000 * rate), total: 10_000 } } })
      expect(look.decision).not.toBe('fail')
    }
  })

  it('intervals without data on either side are nodata, never evidence', () => {
    const judge = createPairedJudge({ alpha: 0.05, maxIntervals: 3, metrics: [{ name: 'errors', type: 'ratio' }] })
    const empty = judge.look({ canary: {}, baseline: { errors: { events: 3, total: 100 } } })
    expect(empty.metrics[0]).toMatchObject({ state: 'nodata', eValue: 1 })
    judge.look({ canary: { errors: { events: 0, total: 0 } }, baseline: { errors: { events: 3, total: 100 } } })
    expect(judge.look({ canary: {}, baseline: {} }).decision).toBe('inconclusive')
  })

  it('latency (samples): a shadow 50% slower at p95 fails, an identical one does not (200 runs)', () => {
    const random = rng(99)
    let slowCaught = 0
    let sameFailed = 0
    for (let run = 0; run < 200; run++) {
      for (const factor of [1, 1.5]) {
        const judge = createPairedJudge({ alpha: 0.05, maxIntervals: 40, metrics: [{ name: 'latency', type: 'samples', quantile: 0.95, tolerance: 0.05 }] })
        for (let i = 0; i < 40; i++) {
          const shared = Math.exp(0.3 * normal(random)) // the interval's common slowness
          const draw = (n: number, f: number) => Array.from({ length: n }, () => 100 * shared * f * Math.exp(0.4 * normal(random)))
          const look = judge.look({ canary: { latency: { values: draw(50, factor) } }, baseline: { latency: { values: draw(500, 1) } } })
          if (look.decision === 'fail') {
            if (factor === 1) sameFailed++
            else slowCaught++
            break
          }
          if (look.decision !== 'continue') break
        }
      }
    }
    console.log(`paired latency: 1.5x caught ${slowCaught}/200, identical failed ${sameFailed}/200`)
    expect(slowCaught / 200).toBeGreaterThanOrEqual(0.95)
    expect(sameFailed / 200).toBeLessThanOrEqual(0.05)
  }, 120_000)

  it('the betting e-process grows on a positive mean and bets only what the past allows', () => {
    const bet = new BettingEProcess(0.05)
    expect(bet.nextBet()).toBe(0.5)
    for (let i = 0; i < 10; i++) bet.update(1)
    expect(bet.wealth).toBeCloseTo(1.5 ** 10, 0)
    const fair = new BettingEProcess(0.05)
    const random = rng(3)
    let max = 1
    for (let i = 0; i < 1000; i++) max = Math.max(max, fair.update(random() < 0.5 ? -1 : 1))
    expect(max).toBeLessThan(20)
  })
})
