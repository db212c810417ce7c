import { describe, expect, it } from 'vitest'
import { replayExperiment } from '../../shared/analysis/experiment/judge.js'
import type { ExperimentConfig, ExperimentInterval } from '../../shared/analysis/experiment/types.js'
import { confidenceChart, experimentCheckName, neededLine, renderExperimentCheckOutput, renderExperimentComment, renderExperimentMarkdown, type ExperimentReport } from '../../shared/report/experiment.js'
import { CHECK_OUTPUT_LIMIT, COMMENT_LIMIT } from '../../shared/report/limits.js'
import { renderStickyComment } from '../../shared/report/targets.js'
import { byteLength } from '../../shared/report/text.js'

const config: ExperimentConfig = { alpha: 0.05, variants: ['control', 'green', 'blue'], control: 'control', primary: { name: 'conversion', type: 'ratio', direction: 'increase' }, minimumEffect: 0.05, maxIntervals: 2000 }

function report(intervals: ExperimentInterval[], overrides: Partial<ExperimentReport> = {}): ExperimentReport {
  const result = replayExperiment(config, intervals)
  const decided = result.decision !== 'inconclusive' || result.decidedAt !== null
  return {
    experiment: 'checkout',
    decision: decided ? result.decision : 'in-progress',
    winner: result.winner,
    reason: result.reason,
    primary: config.primary,
    minimumEffect: config.minimumEffect,
    alpha: config.alpha,
    control: 'control',
    looks: result.looks,
    needed: result.needed,
    unit: 'sessions',
    interval: '24h',
    intervalsLeft: 2000 - result.looks.length,
    ...overrides,
  }
}

const day = (c: number, g: number, b: number): ExperimentInterval => ({ variants: { control: { conversion: { events: c, total: 10_000 } }, green: { conversion: { events: g, total: 10_000 } }, blue: { conversion: { events: b, total: 10_000 } } } })

describe('experiment report', () => {
  it('undecided: every variant with its lift and confidence sequence, and how much more traffic a decision needs', () => {
    const r = report([day(500, 510, 495), day(500, 505, 500)])
    const md = renderExperimentMarkdown(r)
    expect(md).toContain('## Experiment checkout: in progress')
    expect(md).toMatch(/\| green \| 5\.\d+% \| \+1\.\d+% \| \(−\d+(\.\d+)?% … \+\d+(\.\d+)?%\) \| ⏳ open \|/)
    expect(md).toMatch(/\| blue \|/)
    expect(md).toMatch(/\| control \(control\) \| 5% \|/)
    expect(neededLine(r)).toMatch(/^A decision needs about \*\*[\d,]+ more sessions\*\* over all variants \(about [\d,]+ more intervals? of 24h at the current rate/)
    expect(md).toContain(neededLine(r) as string)
  })

  it('decided: the title names the winner and no traffic is asked for', () => {
    const r = report(Array.from({ length: 10 }, () => day(500, 700, 500)))
    expect(r.decision).toBe('winner')
    const out = renderExperimentCheckOutput(r)
    expect(out.title).toBe('Experiment checkout: winner green')
    expect(neededLine(r)).toBeNull()
    expect(out.summary).toContain('✅ better')
  })

  it('one Mermaid chart per variant (lower bound, estimate, upper bound), thinned to 60 looks', () => {
    const r = report(Array.from({ length: 500 }, () => day(500, 502, 499)))
    const chart = confidenceChart(r, 'green') as string
    expect(chart).toMatch(/^```mermaid\n/)
    expect((chart.match(/^ {4}line \[/gm) ?? []).length).toBe(3)
    const xs = /x-axis "look" \[([^\]]*)\]/.exec(chart)?.[1]?.split(', ') ?? []
    expect(xs.length).toBeLessThanOrEqual(60)
    expect(xs[0]).toBe('"1"')
    expect(xs.at(-1)).toBe('"500"')
    // No exponent or NaN reaches the xychart grammar, even for the unbounded first looks.
    expect(chart).not.toMatch(/\de[+-]?\d|NaN|Infinity/)
  })

  it('stays within the check run limit however many looks and variants, and escapes what it shows', () => {
    const r = report(Array.from({ length: 1000 }, () => day(500, 501, 499)), { reason: '<script>@team `x` | y '.repeat(5000) })
    const out = renderExperimentCheckOutput(r)
    expect(byteLength(out.summary)).toBeLessThanOrEqual(CHECK_OUTPUT_LIMIT)
    expect(out.summary).not.toContain('<script>')
    expect(out.summary).not.toMatch(/(^|[^`\\])@team/)
    expect(experimentCheckName('checkout')).toBe('rollgate/experiment/checkout')
  })

  describe('the sticky comment section', () => {
    it.each<[string, ExperimentInterval[], Partial<ExperimentReport>, RegExp]>([
      ['a winner, with its lift', Array.from({ length: 10 }, () => day(500, 700, 500)), {}, /^\*\*Winner:\*\* green: lift \+[\d.]+% \(\+[\d.]+% … \+[\d.]+%\) over control on conversion$/m],
      ['no winner yet, with the looks left', [day(500, 510, 495)], { decision: 'in-progress' }, /^\*\*Winner:\*\* no winner yet \(1 look, 1,999 left before the maximum duration\)$/m],
      ['no difference', [day(500, 500, 500)], { decision: 'no-difference', winner: null }, /^\*\*Winner:\*\* none: every variant is within ±5% of control$/m],
      ['inconclusive', [day(500, 510, 495)], { decision: 'inconclusive', winner: null }, /^\*\*Winner:\*\* none: inconclusive$/m],
    ])('%s: the winner line, every variant and the evidence behind each state', (_what, days, overrides, winner) => {
      const r = report(days, overrides)
      const md = renderExperimentComment(r, { checkRunUrl: 'https://github.test/checks/1' })
      expect(md).toMatch(winner)
      for (const v of ['green', 'blue']) expect(md).toMatch(new RegExp(`^- \\*\\*${v}\\*\\* \\([^)]+\\): \\S`, 'm'))
      expect(md).toMatch(/^\| control \(control\) \|/m)
      expect(md).toContain('[check run rollgate/experiment/checkout](https://github.test/checks/1)')
      expect(md).not.toContain('xychart-beta')
    })

    it('goes into the environment\'s sticky comment, after its marker and the rollout, within the comment limit', () => {
      const r = report(Array.from({ length: 1000 }, () => day(500, 501, 499)), { reason: 'why '.repeat(30_000) })
      const body = renderStickyComment({ environment: 'production', experiment: renderExperimentComment(r) })
      expect(body.startsWith('<!-- rollgate:production -->\n')).toBe(true)
      expect(body).toContain('### 🧪 Experiment checkout: ')
      expect(byteLength(body)).toBeLessThanOrEqual(COMMENT_LIMIT)
    })
  })
})
