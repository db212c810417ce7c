import { describe, expect, it } from 'vitest'
import type { FlagInfo } from '../../shared/flags/source.js'
import { judgeStale, stateFingerprint } from '../../shared/flags/stale.js'

const NOW = new Date('2026-06-01T12:00:00Z')
const days = (n: number): Date => new Date(NOW.getTime() - n * 86_400_000)
const flag = (over: Partial<FlagInfo>): FlagInfo => ({ name: 'f', aliases: [], state: { kind: 'boolean', value: true }, archived: false, markedStale: false, evidence: [], ...over })

describe('stale rules', () => {
  it.each<[string, Partial<FlagInfo>, { stale: boolean; reasons: string[]; keep: string | null; removable: boolean }]>([
    ['one value for exactly afterDays', { changedAt: days(30) }, { stale: true, reasons: ['single-value'], keep: 'on', removable: true }],
    ['one value for less than afterDays', { changedAt: days(29) }, { stale: false, reasons: [], keep: 'on', removable: false }],
    ['off for everyone for long', { state: { kind: 'boolean', value: false }, changedAt: days(90) }, { stale: true, reasons: ['single-value'], keep: 'off', removable: true }],
    ['a variant for everyone', { state: { kind: 'variant', value: 'dark' }, changedAt: days(31) }, { stale: true, reasons: ['single-value'], keep: 'dark', removable: true }],
    ['past its expiry, however recent the change', { expires: '2026-05-31', changedAt: days(1) }, { stale: true, reasons: ['expired'], keep: 'on', removable: true }],
    ['its expiry is today', { expires: '2026-06-01' }, { stale: true, reasons: ['expired'], keep: 'on', removable: true }],
    ['expiry tomorrow', { expires: '2026-06-02' }, { stale: false, reasons: [], keep: 'on', removable: false }],
    ['archived in the provider', { archived: true, state: { kind: 'boolean', value: false } }, { stale: true, reasons: ['archived'], keep: 'off', removable: true }],
    ['marked stale', { markedStale: true }, { stale: true, reasons: ['marked-stale'], keep: 'on', removable: true }],
    ['not evaluated for afterDays', { lastEvaluatedAt: days(45) }, { stale: true, reasons: ['not-evaluated'], keep: 'on', removable: true }],
    ['evaluated recently', { lastEvaluatedAt: days(2) }, { stale: false, reasons: [], keep: 'on', removable: false }],
    ['never evaluated since an old creation', { lastEvaluatedAt: null, createdAt: days(60) }, { stale: true, reasons: ['not-evaluated'], keep: 'on', removable: true }],
    ['evaluations unknown: no evaluation rule', { createdAt: days(600) }, { stale: false, reasons: [], keep: 'on', removable: false }],
    ['a partial rollout past expiry is reported, not removed', { state: { kind: 'percentage', percent: 50 }, expires: '2026-01-01', changedAt: days(100) }, { stale: true, reasons: ['expired'], keep: null, removable: false }],
    ['targeting rules, marked stale: reported, not removed', { state: { kind: 'targeting', rules: ['country'] }, markedStale: true }, { stale: true, reasons: ['marked-stale'], keep: null, removable: false }],
    ['the registry keep wins over the state', { state: { kind: 'percentage', percent: 50 }, keep: { kind: 'boolean', value: false }, expires: '2026-01-01' }, { stale: true, reasons: ['expired'], keep: 'off', removable: true }],
  ])('%s', (_name, over, expected) => {
    expect(judgeStale(flag(over), { afterDays: 30 }, NOW)).toMatchObject(expected)
  })

  it('a refused flag says why, naming the flag', () => {
    expect(judgeStale(flag({ name: 'beta', state: { kind: 'percentage', percent: 20 }, markedStale: true }), { afterDays: 30 }, NOW).refusal).toBe('beta is in a partial rollout (20%): no single value to keep')
  })

  it('the fingerprint changes with the state and not otherwise', () => {
    const a = flag({ changedAt: days(40) })
    expect(stateFingerprint(a)).toBe(stateFingerprint({ ...a, evidence: ['other'] }))
    expect(stateFingerprint(a)).not.toBe(stateFingerprint({ ...a, state: { kind: 'boolean', value: false } }))
    expect(stateFingerprint(a)).not.toBe(stateFingerprint({ ...a, changedAt: days(1) }))
  })
})
