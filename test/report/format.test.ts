// One number convention for logs, reasons and reports: the judge's reason text and the report's
// own cells must write the same change the same way, and a duration is in milliseconds everywhere.
import { describe, expect, it } from 'vitest'
import { formatE, formatInterval as judgeInterval, formatRelative } from '../../shared/analysis/evidence.js'
import { toAnalysisReport, renderAnalysisMarkdown } from '../../shared/report/analysis.js'
import { formatArm, formatChange, formatEstimate, formatEvidence, formatInterval, formatNumber, formatReading, readingScale } from '../../shared/report/format.js'

describe('changes and intervals', () => {
  it.each([
    [0.31, '+31%'],
    [-0.042, '−4.2%'],
    [10, '+1,000%'],
    [37.6, '+3,760%'],
    [-0.628, '−63%'],
    [0.00001, '0%'],
    [0, '0%'],
    [-1, '−100%'],
    [Number.POSITIVE_INFINITY, '+∞'],
    [Number.NEGATIVE_INFINITY, '−∞'],
  ])('%s is %s in the judge and in the report alike', (value, text) => {
    expect(formatRelative(value)).toBe(text)
    expect(formatChange(value)).toBe(text)
  })

  it('writes an interval as (lower … upper), with a missing bound shown as −100% or +∞, the same on both sides', () => {
    expect(judgeInterval(1.44, 37.6)).toBe('(+144% … +3,760%)')
    expect(judgeInterval(null, null)).toBe('(−100% … +∞)')
    expect(formatInterval({ lower: 1.44, upper: 37.6 }, 'ratio')).toBe(judgeInterval(1.44, 37.6))
    expect(formatInterval({ lower: null, upper: null }, 'samples')).toBe(judgeInterval(null, null))
  })

  it('writes e-values with three significant digits and no trailing zeros, grouped from 1,000', () => {
    expect([30, 87.93, 0.00127, 1390.4, 139009, 2e7].map(formatE)).toEqual(['30', '87.9', '0.00127', '1,390', '139,009', '> 10⁶'])
    expect(formatEvidence(30)).toBe('30')
  })

  it('never uses the ASCII hyphen as a minus sign', () => {
    expect(formatNumber(-4.25)).toBe('−4.25')
    expect(formatNumber(-12_345)).toBe('−12,345')
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('−∞')
  })
})

describe('units', () => {
  it.each([
    ['seconds', 0.0414, '41.4 ms'],
    ['s', 1.25, '1,250 ms'],
    ['milliseconds', 182, '182 ms'],
    ['bytes', 2048, '2,048 bytes'],
    [undefined, 0.41, '0.41'],
  ])('a %s reading of %s reads %s', (unit, value, text) => {
    expect(formatReading(value, unit)).toBe(text)
  })

  it('scales durations to milliseconds and leaves other units as written', () => {
    expect(readingScale('Seconds')).toEqual({ factor: 1000, unit: 'ms' })
    expect(readingScale('jobs')).toEqual({ factor: 1, unit: 'jobs' })
    expect(readingScale(undefined)).toEqual({ factor: 1 })
  })

  it('shows a quantile in its display unit, and a value metric with its bounds in that unit', () => {
    expect(formatArm({ n: 4000, quantile: 0.182, level: 0.99 }, 'seconds')).toBe('p99 182 ms (n = 4,000)')
    expect(formatEstimate({ name: 'queue', type: 'value', state: 'pass', estimate: 0.5, lower: 0.25, upper: 0.75, evidence: null, unit: 'seconds' })).toBe('500 ms (250 ms … 750 ms)')
  })

  it('takes a check’s unit from the policy template into every part of the analysis report: table, chart axis and trend line', () => {
    const report = toAnalysisReport({
      plan: {
        environment: 'production',
        templateName: 'default',
        judge: { alpha: 0.05, metrics: [{ name: 'latency', type: 'samples', quantile: 0.5, tolerance: 0.5 }] } as never,
        template: { checks: [{ name: 'latency', unit: 'seconds' }] },
      },
      looks: [1, 2].map(() => ({
        decision: 'continue',
        metrics: [{ name: 'latency', type: 'samples', state: 'continue', estimate: 0.1, lower: null, upper: null, eValue: 1.2, threshold: 40, passEValue: 1, passThreshold: 40, reason: 'not decided', canary: { total: 50 }, baseline: { total: 900 } }],
      })) as never,
      intervals: [0.0414, 0.05].map((q) => ({
        canary: { latency: { values: [q] } },
        baseline: { latency: { values: [0.02] } },
      })) as never,
      windows: [0, 1].map((i) => ({ start: new Date(i * 60_000), end: new Date((i + 1) * 60_000) })),
      decision: 'in-progress',
      decidedAt: null,
      decidingMetric: null,
      reason: 'not decided',
      versions: { canary: 'v2', stable: 'v1' },
    })
    expect(report.looks[0]?.metrics[0]?.unit).toBe('seconds')
    const markdown = renderAnalysisMarkdown(report)
    expect(markdown).toContain('p50 50 ms (n = 50)')
    expect(markdown).toContain('p50 20 ms (n = 900)')
    expect(markdown).toContain('y-axis "p50 (ms)"')
    expect(markdown).toMatch(/line \[41\.4, 50\]/)
    expect(markdown).toContain('canary 41.4 ms → 50 ms · baseline 20 ms → 20 ms')
    expect(markdown).not.toMatch(/0\.0414|seconds/)
  })
})
