import { describe, expect, it } from 'vitest'
import { replay } from '../../shared/analysis/judge.js'
import type { IntervalData } from '../../shared/analysis/observations.js'
import { classifyKayenta, scoreKayenta, type KayentaMetricRule } from '../../shared/analysis/kayenta.js'

const rule = (over: Partial<KayentaMetricRule> = {}): KayentaMetricRule => ({
  direction: 'either',
  critical: false,
  allowedIncrease: 1,
  allowedDecrease: 1,
  criticalIncrease: 1,
  criticalDecrease: 1,
  ...over,
})
const base = [100, 101, 99, 102, 98, 100, 103, 97, 101, 99, 100, 102, 98, 101, 99, 100, 100.5, 99.5, 101.5, 98.5]
const shifted = base.map((v) => v + 10)

describe('Kayenta classification (MannWhitneyClassifier)', () => {
  it.each([
    ['a clear increase is High', shifted, base, rule(), 'High'],
    ['a clear decrease is Low', base, shifted, rule(), 'Low'],
    ['direction increase ignores a decrease', base, shifted, rule({ direction: 'increase' }), 'Pass'],
    ['the effect-size rule: mean ratio 1.1 < allowedIncrease 1.2 passes', shifted, base, rule({ allowedIncrease: 1.2 }), 'Pass'],
    ['identical samples pass', base, base, rule(), 'Pass'],
    ['all values equal pass', [5, 5, 5], [5, 5], rule(), 'Pass'],
    ['an empty arm is Nodata', [], base, rule(), 'Nodata'],
  ] as const)('%s', (_name, canary, baseline, r, expected) => {
    expect(classifyKayenta(canary, baseline, r).classification).toBe(expected)
  })

  it('flags a critical High only at or above criticalIncrease', () => {
    expect(classifyKayenta(shifted, base, rule({ critical: true, criticalIncrease: 1.05 })).critical).toBe(true)
    expect(classifyKayenta(shifted, base, rule({ critical: true, criticalIncrease: 1.5 })).critical).toBe(false)
  })
})

describe('Kayenta scoring (WeightedSumScorer)', () => {
  const m = (name: string, group: string, classification: 'Pass' | 'High' | 'Low' | 'Nodata' | 'Error', critical = false) => ({ name, group, classification, critical })
  it.each([
    ['one group, 3 of 4 pass', [m('a', 'g', 'Pass'), m('b', 'g', 'Pass'), m('c', 'g', 'Pass'), m('d', 'g', 'High')], {}, 75],
    ['Nodata and Error are left out of the denominator', [m('a', 'g', 'Pass'), m('b', 'g', 'High'), m('c', 'g', 'Error'), m('d', 'h', 'Pass')], {}, 75],
    ['group weights', [m('a', 'g', 'Pass'), m('b', 'h', 'High')], { g: 70, h: 30 }, 70],
    ['unweighted groups share the rest', [m('a', 'g', 'Pass'), m('b', 'h', 'High'), m('c', 'k', 'Pass')], { g: 50 }, 75],
    ['a critical metric that did not pass forces 0', [m('a', 'g', 'Pass'), m('b', 'g', 'High', true)], {}, 0],
    ['half the metrics Nodata forces 0', [m('a', 'g', 'Pass'), m('b', 'g', 'Nodata')], {}, 0],
  ] as const)('%s', (_name, metrics, weights, score) => {
    expect(scoreKayenta(metrics, weights).score).toBe(score)
  })
})

describe('Kayenta mode in the judge (test: mann-whitney)', () => {
  const intervals = (delta: number, n: number): IntervalData[] =>
    Array.from({ length: n }, (_, i) => ({
      canary: { latency: { value: 100 + delta + ((i * 7) % 5) } },
      baseline: { latency: { value: 100 + ((i * 3) % 5) } },
    }))

  it('fails an interim judgment whose score is at or under marginal', () => {
    const result = replay({ alpha: 0.05, test: 'mann-whitney', metrics: [{ name: 'latency', type: 'value', max: 1e9 }], maxIntervals: 30 }, intervals(20, 30))
    expect(result.decision).toBe('fail')
    expect(result.looks[result.decidedAt ?? 0]?.score).toBe(0)
  })

  it('passes a final score at or above pass', () => {
    const result = replay({ alpha: 0.05, test: 'mann-whitney', metrics: [{ name: 'latency', type: 'value', max: 1e9 }], maxIntervals: 30 }, intervals(0, 30))
    expect(result.decision).toBe('pass')
    expect(result.decidedAt).toBe(29)
  })

  it('never fails on missing data: ≥ 50% Nodata scores 0 but ends inconclusive', () => {
    const empty: IntervalData[] = Array.from({ length: 5 }, () => ({ canary: {}, baseline: {} }))
    const result = replay({ alpha: 0.05, test: 'mann-whitney', metrics: [{ name: 'errors', type: 'ratio' }] }, empty)
    expect(result.decision).toBe('inconclusive')
    expect(result.looks.every((l) => l.decision !== 'fail')).toBe(true)
  })
})
