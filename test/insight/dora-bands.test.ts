/**
 * The DORA levels at their edges (docs/insight.md, "DORA performance levels"): the 2024 report's
 * stated values, each metric on its own, a boundary meeting the level that names it except where
 * the report says "less than" or "multiple deploys per day".
 */
import { describe, expect, it } from 'vitest'
import { DORA_SOURCE, doraBand } from '../../shared/insight/metrics.js'
import { DORA_LEVELS_NOTE } from '../../shared/insight/render.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const EPS = 1e-9

describe('DORA levels (2024 Accelerate State of DevOps Report)', () => {
  it('names the report, its year and its address wherever a level is shown', () => {
    expect(DORA_SOURCE).toMatchObject({ year: 2024, url: 'https://dora.dev/research/2024/dora-report/' })
    expect(DORA_LEVELS_NOTE).toContain('2024')
    expect(DORA_LEVELS_NOTE).toContain('https://dora.dev/research/2024/dora-report/')
  })

  it('deployment frequency: elite is more than one a day, high weekly or more, medium monthly or more', () => {
    expect(doraBand('deploymentFrequency', 1 + EPS)).toBe('elite')
    expect(doraBand('deploymentFrequency', 1)).toBe('high') // once a day is not "multiple deploys per day"
    expect(doraBand('deploymentFrequency', 1 / 7)).toBe('high')
    expect(doraBand('deploymentFrequency', 1 / 7 - EPS)).toBe('medium')
    expect(doraBand('deploymentFrequency', 1 / 30)).toBe('medium')
    expect(doraBand('deploymentFrequency', 1 / 30 - EPS)).toBe('low')
  })

  it('lead time: elite under a day, high up to a week, medium up to 30 days', () => {
    expect(doraBand('leadTime', DAY - 1)).toBe('elite')
    expect(doraBand('leadTime', DAY)).toBe('high')
    expect(doraBand('leadTime', 7 * DAY)).toBe('high')
    expect(doraBand('leadTime', 7 * DAY + 1)).toBe('medium')
    expect(doraBand('leadTime', 30 * DAY)).toBe('medium')
    expect(doraBand('leadTime', 30 * DAY + 1)).toBe('low')
  })

  it('change failure rate: elite 5%, high 20% (medium\'s 10% is already high), low above 20%', () => {
    expect(doraBand('changeFailureRate', 0)).toBe('elite')
    expect(doraBand('changeFailureRate', 0.05)).toBe('elite')
    expect(doraBand('changeFailureRate', 0.05 + EPS)).toBe('high')
    expect(doraBand('changeFailureRate', 0.1)).toBe('high')
    expect(doraBand('changeFailureRate', 0.2)).toBe('high')
    expect(doraBand('changeFailureRate', 0.2 + EPS)).toBe('low')
    expect(doraBand('changeFailureRate', 0.4)).toBe('low')
  })

  it('time to restore: elite under an hour, high under a day, low from a day on', () => {
    expect(doraBand('timeToRestore', HOUR - 1)).toBe('elite')
    expect(doraBand('timeToRestore', HOUR)).toBe('high')
    expect(doraBand('timeToRestore', DAY - 1)).toBe('high')
    expect(doraBand('timeToRestore', DAY)).toBe('low')
  })

  it('no figure gives no level', () => {
    expect(doraBand('leadTime', null)).toBeNull()
    expect(doraBand('changeFailureRate', Number.NaN)).toBeNull()
  })
})
