import { describe, expect, it } from 'vitest'
import { createExperimentJudge, replayExperiment } from '../../shared/analysis/experiment/judge.js'
import type { ExperimentConfig, ExperimentInterval } from '../../shared/analysis/experiment/types.js'
import type { Observation } from '../../shared/analysis/observations.js'

type Arms = Record<string, Record<string, Observation>>

/** `n` identical intervals (expected counts, no noise): the decision is then a function of the design alone. */
function repeat(n: number, arms: Arms): ExperimentInterval[] {
  return Array.from({ length: n }, () => ({ variants: arms }))
}

const conv = (events: number, total: number): Observation => ({ events, total })

function config(overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    alpha: 0.05,
    variants: ['control', 'b'],
    control: 'control',
    primary: { name: 'conversion', type: 'ratio', direction: 'increase' },
    minimumEffect: 0.02,
    ...overrides,
  }
}

const errorsGuardrail = { alpha: 0.05, metrics: [{ name: 'errors', type: 'ratio' as const, direction: 'increase' as const, tolerance: 0 }] }

describe('experiment decisions', () => {
  it.each([
    {
      name: 'a clearly better variant wins',
      config: config(),
      data: repeat(20, { control: { conversion: conv(500, 10_000) }, b: { conversion: conv(600, 10_000) } }),
      decision: 'winner',
      winner: 'b',
    },
    {
      name: '`decrease` is better: fewer events wins',
      config: config({ primary: { name: 'conversion', type: 'ratio', direction: 'decrease' } }),
      data: repeat(20, { control: { conversion: conv(500, 10_000) }, b: { conversion: conv(400, 10_000) } }),
      decision: 'winner',
      winner: 'b',
    },
    {
      name: 'the only variant proven worse: control wins',
      config: config(),
      data: repeat(20, { control: { conversion: conv(500, 10_000) }, b: { conversion: conv(400, 10_000) } }),
      decision: 'winner',
      winner: 'control',
    },
    {
      name: 'equal rates on plenty of traffic: no difference within ±2%',
      config: config(),
      data: repeat(30, { control: { conversion: conv(50_000, 1_000_000) }, b: { conversion: conv(50_000, 1_000_000) } }),
      decision: 'no-difference',
      winner: null,
    },
    {
      name: 'three variants: the better one wins while the other is still open',
      config: config({ variants: ['control', 'b', 'c'] }),
      data: repeat(20, { control: { conversion: conv(500, 10_000) }, b: { conversion: conv(650, 10_000) }, c: { conversion: conv(505, 10_000) } }),
      decision: 'winner',
      winner: 'b',
    },
    {
      name: 'two better variants: the one with the larger proven lift wins',
      config: config({ variants: ['control', 'b', 'c'] }),
      data: repeat(20, { control: { conversion: conv(500, 10_000) }, b: { conversion: conv(600, 10_000) }, c: { conversion: conv(800, 10_000) } }),
      decision: 'winner',
      winner: 'c',
    },
    {
      name: 'a better variant that breaks a guardrail does not win (control does)',
      config: config({ guardrails: errorsGuardrail }),
      data: repeat(20, { control: { conversion: conv(500, 10_000), errors: conv(10, 10_000) }, b: { conversion: conv(600, 10_000), errors: conv(60, 10_000) } }),
      decision: 'winner',
      winner: 'control',
    },
    {
      name: 'a better variant whose guardrail has no data does not win',
      config: config({ guardrails: errorsGuardrail, maxIntervals: 20 }),
      data: repeat(20, { control: { conversion: conv(500, 10_000), errors: conv(10, 10_000) }, b: { conversion: conv(600, 10_000) } }),
      decision: 'inconclusive',
      winner: null,
    },
    {
      name: 'a split that does not match the configured weights: inconclusive (sample-ratio mismatch)',
      config: config({ weights: { control: 50, b: 50 } }),
      data: repeat(20, { control: { conversion: conv(500, 10_000) }, b: { conversion: conv(540, 9_000) } }),
      decision: 'inconclusive',
      winner: null,
    },
    {
      name: 'too little traffic by the maximum duration: inconclusive',
      config: config({ maxIntervals: 5 }),
      data: repeat(5, { control: { conversion: conv(50, 1000) }, b: { conversion: conv(52, 1000) } }),
      decision: 'inconclusive',
      winner: null,
    },
  ])('$name', ({ config: c, data, decision, winner }) => {
    const result = replayExperiment(c, data)
    expect(result.decision).toBe(decision)
    expect(result.winner).toBe(winner)
  })

  it('a guardrail that holds does not block the winner', () => {
    const data = repeat(20, { control: { conversion: conv(500, 10_000), errors: conv(10, 10_000) }, b: { conversion: conv(600, 10_000), errors: conv(10, 10_000) } })
    const result = replayExperiment(config({ guardrails: errorsGuardrail }), data)
    expect(result).toMatchObject({ decision: 'winner', winner: 'b' })
    expect(result.looks.at(-1)?.variants[0]?.guardrails[0]).toMatchObject({ name: 'errors' })
  })

  it('reports the estimated lift with its confidence sequence, which contains the estimate', () => {
    const result = replayExperiment(config(), repeat(20, { control: { conversion: conv(500, 10_000) }, b: { conversion: conv(600, 10_000) } }))
    const look = result.looks.find((l) => l.interval === result.decidedAt)
    const b = look?.variants[0]
    expect(b?.estimate).toBeCloseTo(0.2, 10)
    expect(b?.lower).toBeGreaterThan(0)
    expect(b?.lower).toBeLessThan(0.2)
    expect(b?.upper).toBeGreaterThan(0.2)
  })

  it('no data is never a decision', () => {
    const result = replayExperiment(config({ maxIntervals: 3 }), repeat(3, { control: {}, b: {} }))
    expect(result.decision).toBe('inconclusive')
    expect(result.looks[0]?.variants[0]?.state).toBe('nodata')
    expect(result.looks[0]?.decision).toBe('continue')
  })

  it('a decision stands once taken, whatever later data says', () => {
    const judge = createExperimentJudge(config())
    let decided = ''
    for (const iv of repeat(10, { control: { conversion: conv(500, 10_000) }, b: { conversion: conv(700, 10_000) } })) decided = judge.look(iv).winner ?? decided
    expect(decided).toBe('b')
    for (const iv of repeat(30, { control: { conversion: conv(700, 10_000) }, b: { conversion: conv(300, 10_000) } })) expect(judge.look(iv)).toMatchObject({ decision: 'winner', winner: 'b' })
  })

  it('family-wise: with more variants each comparison needs more evidence', () => {
    const arms = (k: number): Arms => Object.fromEntries([['control', { conversion: conv(500, 10_000) }], ...Array.from({ length: k - 1 }, (_, i) => [`v${i}`, { conversion: conv(560, 10_000) }])])
    const at = (k: number): number | null =>
      replayExperiment(config({ variants: Object.keys(arms(k)) }), repeat(60, arms(k))).decidedAt
    expect(at(2)).not.toBeNull()
    expect(at(5) as number).toBeGreaterThan(at(2) as number)
  })

  it('says how much more traffic a decision needs, and the estimate is within a factor of two of what it takes', () => {
    // True lift +3% with a ±5% MDE: the sequence must shrink below 3% to exclude 0.
    const arms: Arms = { control: { conversion: conv(1000, 20_000) }, b: { conversion: conv(1030, 20_000) } }
    const judge = createExperimentJudge(config({ minimumEffect: 0.05 }))
    let predicted: number | null = null
    let at = -1
    for (let t = 0; t < 2000; t++) {
      const look = judge.look({ variants: arms })
      if (t === 9) predicted = look.needed
      if (look.decision !== 'continue') {
        at = t
        break
      }
    }
    expect(predicted).not.toBeNull()
    expect(at).toBeGreaterThan(9)
    const actual = (at - 9) * 40_000
    expect(actual / (predicted as number)).toBeGreaterThan(0.5)
    expect(actual / (predicted as number)).toBeLessThan(2)
  })

  it('rejects a configuration the judge cannot run, naming what is wrong', () => {
    expect(() => createExperimentJudge(config({ variants: ['control'] }))).toThrow(/two or more variants/)
    expect(() => createExperimentJudge(config({ control: 'base' }))).toThrow(/control 'base' is not one of the variants/)
    expect(() => createExperimentJudge(config({ minimumEffect: 0 }))).toThrow(/minimumEffect/)
  })
})

describe('samples primary (order value, compared by its mean)', () => {
  it('a higher mean order value wins; histogram buckets count at their midpoints', () => {
    const values = (base: number) => ({ values: Array.from({ length: 200 }, (_, i) => base * (0.5 + (i % 20) / 19)) })
    const result = replayExperiment(config({ primary: { name: 'order', type: 'samples', direction: 'increase' } }), repeat(10, { control: { order: values(40) }, b: { order: values(48) } }))
    expect(result).toMatchObject({ decision: 'winner', winner: 'b' })
    expect(result.looks.at(-1)?.variants[0]?.estimate).toBeCloseTo(0.2, 6)
    const buckets = (shift: number) => ({ buckets: [{ le: 10 + shift, count: 100 }, { le: 20 + shift, count: 300 }, { le: 40 + shift, count: 400 }, { le: Number.POSITIVE_INFINITY, count: 400 }] })
    const b = replayExperiment(config({ primary: { name: 'order', type: 'samples', direction: 'increase' } }), repeat(1, { control: { order: buckets(0) }, b: { order: buckets(0) } }))
    expect(b.looks[0]?.variants[0]?.mean).toBeCloseTo((100 * 5 + 200 * 15 + 100 * 30) / 400, 10)
  })
})
