import { describe, expect, it } from 'vitest'
import { createJudge, replay } from '../../shared/analysis/judge.js'
import type { IntervalData } from '../../shared/analysis/observations.js'
import type { JudgeConfig } from '../../shared/analysis/types.js'
import { errorInterval, normal, poisson, rng } from './sim.js'

const errors = (tolerance = 0): JudgeConfig => ({ alpha: 0.05, metrics: [{ name: 'errors', type: 'ratio', tolerance, critical: true }] })

function ratioIntervals(seed: number, count: number, rps: number, weight: number, baseRate: number, multiplier: number): IntervalData[] {
  const r = rng(seed)
  return Array.from({ length: count }, () => {
    const i = errorInterval(r, rps, weight, baseRate, multiplier)
    return { canary: { errors: i.canary }, baseline: { errors: i.baseline } }
  })
}

describe('a look, state by state', () => {
  it('continue → fail: errors ×5 on a 5% canary are proven within minutes', () => {
    const result = replay(errors(), ratioIntervals(1, 20, 100, 0.05, 0.005, 5))
    expect(result.decision).toBe('fail')
    expect(result.action).toBe('rollback')
    expect(result.decidingMetric).toBe('errors')
    expect(result.decidedAt).toBeLessThanOrEqual(5)
    const first = result.looks[0]?.metrics[0]
    expect(first?.state).toBe('continue')
    const at = result.looks[result.decidedAt ?? 0]?.metrics[0]
    expect(at?.state).toBe('fail')
    expect(at?.eValue).toBeGreaterThanOrEqual(at?.threshold ?? Infinity)
    expect(at?.lower).toBeGreaterThan(0)
    expect(at?.reason).toMatch(/regression beyond 0% proven/)
  })

  it('continue → pass: a healthy canary at 1000 req/s is proven within a 20% tolerance', () => {
    const result = replay({ ...errors(0.2), maxIntervals: 60 }, ratioIntervals(2, 60, 1000, 0.05, 0.005, 1))
    expect(result.decision).toBe('pass')
    expect(result.action).toBe('promote')
    expect(result.decidedAt).toBeLessThan(40)
    const at = result.looks[result.decidedAt ?? 0]?.metrics[0]
    expect(at?.state).toBe('pass')
    expect(at?.upper).toBeLessThan(0.2)
    expect(at?.estimate).toBeGreaterThan(-0.2)
  })

  it('nodata: zero canary traffic never fails, and says how much traffic a decision needs', () => {
    const intervals: IntervalData[] = Array.from({ length: 30 }, () => ({
      canary: { errors: { events: 0, total: 0 } },
      baseline: { errors: { events: 50, total: 10000 } },
    }))
    const result = replay({ ...errors(), maxIntervals: 30 }, intervals)
    expect(result.decision).toBe('inconclusive')
    expect(result.decidedAt).toBeNull()
    for (const look of result.looks) {
      expect(look.metrics[0]?.state).toBe('nodata')
      expect(look.decision === 'fail' || look.decision === 'pass').toBe(false)
    }
    const m = result.looks[0]?.metrics[0]
    expect(m?.needed).toBeGreaterThan(0)
    expect(m?.reason).toMatch(/no canary traffic yet; a decision needs ~[\d,]+ canary requests/)
  })

  it('nodata: a metric missing from both arms is nodata, not pass', () => {
    const judge = createJudge({ alpha: 0.05, metrics: [{ name: 'latency', type: 'samples' }] })
    const look = judge.look({ canary: {}, baseline: {} })
    expect(look.metrics[0]?.state).toBe('nodata')
    expect(look.decision).toBe('continue')
  })

  it('value: failure-limit semantics (fails when failures exceed the limit)', () => {
    const config: JudgeConfig = { alpha: 0.05, metrics: [{ name: 'cpu', type: 'value', max: 0.9, failureLimit: 1 }] }
    const judge = createJudge(config)
    const v = (value: number): IntervalData => ({ canary: { cpu: { value } }, baseline: {} })
    expect(judge.look(v(0.5)).metrics[0]?.state).toBe('pass')
    expect(judge.look(v(0.95)).metrics[0]?.state).toBe('continue')
    expect(judge.look(v(0.6)).metrics[0]?.state).toBe('pass')
    const failed = judge.look(v(0.97))
    expect(failed.metrics[0]?.state).toBe('fail')
    expect(failed.decision).toBe('fail')
    expect(failed.reason).toMatch(/cpu: out of bounds \(max 0\.9\) in 2 interval/)
  })

  it.each([
    ['hold', 'hold'],
    ['promote', 'promote'],
    ['rollback', 'rollback'],
  ] as const)('inconclusive at the maximum duration, onInconclusive: %s', (policy, action) => {
    const config: JudgeConfig = { ...errors(0), maxIntervals: 10, onInconclusive: policy }
    const judge = createJudge(config)
    const intervals = ratioIntervals(3, 10, 10, 0.05, 0.005, 1)
    const looks = intervals.map((i) => judge.look(i))
    expect(looks.slice(0, 9).every((l) => l.decision === 'continue')).toBe(true)
    const last = looks[9]
    expect(last?.decision).toBe('inconclusive')
    expect(last?.action).toBe(action)
    expect(last?.reason).toMatch(/maximum duration reached/)
    expect(replay(config, intervals).action).toBe(action)
  })

  it('keeps a decision once taken (a live analysis stops there)', () => {
    const intervals = ratioIntervals(4, 30, 100, 0.05, 0.005, 5)
    const judge = createJudge(errors())
    const looks = intervals.map((i) => judge.look(i))
    const first = looks.findIndex((l) => l.decision === 'fail')
    expect(first).toBeGreaterThanOrEqual(0)
    expect(looks.slice(first).every((l) => l.decision === 'fail')).toBe(true)
  })

  it('catches a new error class on the canary when the baseline has none', () => {
    const r = rng(5)
    const intervals: IntervalData[] = Array.from({ length: 30 }, () => ({
      canary: { errors: { events: poisson(r, 0.3), total: 300 } },
      baseline: { errors: { events: 0, total: 5700 } },
    }))
    const result = replay(errors(), intervals)
    expect(result.decision).toBe('fail')
    expect(result.looks[result.decidedAt ?? 0]?.metrics[0]?.upper).toBeNull()
  })

  it('direction decrease: a drop in a success ratio is the regression', () => {
    const r = rng(6)
    const intervals: IntervalData[] = Array.from({ length: 20 }, () => {
      const n = poisson(r, 600)
      const m = poisson(r, 11400)
      return { canary: { ok: { events: poisson(r, n * 0.5), total: n } }, baseline: { ok: { events: poisson(r, m * 0.9), total: m } } }
    })
    const result = replay({ alpha: 0.05, metrics: [{ name: 'ok', type: 'ratio', direction: 'decrease', tolerance: 0.05 }] }, intervals)
    expect(result.decision).toBe('fail')
    expect(result.looks[result.decidedAt ?? 0]?.metrics[0]?.upper).toBeLessThan(-0.05)
  })

  it('samples: +50% median latency fails; raw values and Prometheus buckets agree', () => {
    const r = rng(7)
    const les = [25, 50, 75, 100, 125, 150, 200, 250, 300, 400, 600, 1000, Number.POSITIVE_INFINITY]
    const toBuckets = (values: number[]) => les.map((le) => ({ le, count: values.filter((v) => v <= le).length }))
    const raw: IntervalData[] = []
    const bucketed: IntervalData[] = []
    for (let t = 0; t < 10; t++) {
      const c = Array.from({ length: poisson(r, 300) }, () => 100 * 1.5 * Math.exp(0.4 * normal(r)))
      const b = Array.from({ length: poisson(r, 5700) }, () => 100 * Math.exp(0.4 * normal(r)))
      raw.push({ canary: { latency: { values: c } }, baseline: { latency: { values: b } } })
      bucketed.push({ canary: { latency: { buckets: toBuckets(c) } }, baseline: { latency: { buckets: toBuckets(b) } } })
    }
    const config: JudgeConfig = { alpha: 0.05, metrics: [{ name: 'latency', type: 'samples', quantile: 0.5, tolerance: 0.05 }] }
    for (const intervals of [raw, bucketed]) {
      const result = replay(config, intervals)
      expect(result.decision).toBe('fail')
      expect(result.decidedAt).toBeLessThanOrEqual(4)
      const m = result.looks[result.decidedAt ?? 0]?.metrics[0]
      expect(m?.estimate).toBeGreaterThan(0.3)
      expect(m?.estimate).toBeLessThan(0.7)
      expect(m?.lower).toBeGreaterThanOrEqual(0.05)
    }
  })

  it('combines metrics: shares of alpha follow weights, critical metrics weigh double', () => {
    const judge = createJudge({
      alpha: 0.05,
      metrics: [
        { name: 'a', type: 'ratio', critical: true },
        { name: 'b', type: 'ratio' },
        { name: 'cpu', type: 'value', max: 1 },
      ],
    })
    const look = judge.look({ canary: {}, baseline: {} })
    expect(look.metrics[0]?.threshold).toBeCloseTo(1 / (0.05 * (2 / 3)), 9)
    expect(look.metrics[1]?.threshold).toBeCloseTo(1 / (0.05 * (1 / 3)), 9)
    expect(look.threshold).toBe(20)
  })

  it('stays finite with millions of requests per interval', () => {
    const intervals: IntervalData[] = Array.from({ length: 5 }, () => ({
      canary: { errors: { events: 150_000, total: 30_000_000 } },
      baseline: { errors: { events: 2_850_000, total: 570_000_000 } },
    }))
    const result = replay({ ...errors(0.01), maxIntervals: 5 }, intervals)
    for (const l of result.looks) {
      const m = l.metrics[0]
      expect(Number.isFinite(m?.eValue)).toBe(true)
      expect(Number.isFinite(m?.passEValue)).toBe(true)
    }
    expect(result.decision).toBe('pass')
  })
})
