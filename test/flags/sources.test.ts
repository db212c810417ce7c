import { afterEach, describe, expect, it } from 'vitest'
import { streamLogger } from '../../shared/action/logger.js'
import type { FlagSource, FlagSourceDeps } from '../../shared/flags/source.js'
import { createFlagSource } from '../../shared/flags/sources/list.js'
import { judgeStale } from '../../shared/flags/stale.js'
import { startFlagsmithFake } from '../fakes/flagsmith/server.js'
import { startGrowthBookFake } from '../fakes/growthbook/server.js'
import { startLaunchDarklyFake } from '../fakes/launchdarkly/server.js'
import type { VendorFake } from '../fakes/unleash/vendor-fake.js'

const NOW = new Date('2026-06-01T00:00:00Z')
const fakes: VendorFake[] = []
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()))
})

function deps(lines: string[] = []): FlagSourceDeps {
  return { root: '/nonexistent', readText: () => Promise.reject(new Error('no files')), logger: streamLogger((l) => lines.push(l), true), sleep: () => Promise.resolve(), random: () => 0 }
}

const byName = async (source: FlagSource) => new Map((await source.listFlags()).map((f) => [f.name, f]))

describe('launchdarkly source against a fake of REST API v2', () => {
  it('reads each flag state, maintainer, temporary, lastModified and lastRequested in the chosen environment', async () => {
    const ld = await startLaunchDarklyFake('api-secret-1', 'shop', [
      { key: 'new-checkout', maintainer: 'alice@example.com', environments: { production: { on: true, fallthrough: { variation: 0 }, offVariation: 1, rules: [], targets: [], lastModified: Date.parse('2026-03-01T00:00:00Z') } }, status: { name: 'launched', lastRequested: '2026-05-31T00:00:00Z' } },
      { key: 'beta-banner', environments: { production: { on: true, fallthrough: { rollout: { variations: [{ variation: 0, weight: 25000 }, { variation: 1, weight: 75000 }] } }, offVariation: 1, rules: [], targets: [], lastModified: Date.parse('2026-01-01T00:00:00Z') } } },
      { key: 'vip', environments: { production: { on: true, fallthrough: { variation: 1 }, offVariation: 1, rules: [{ clauses: [] }], targets: [], lastModified: Date.parse('2026-01-01T00:00:00Z') } } },
      { key: 'old-kill', environments: { production: { on: false, fallthrough: { variation: 0 }, offVariation: 1, rules: [], targets: [], lastModified: Date.parse('2026-05-30T00:00:00Z') } }, status: { name: 'inactive', lastRequested: '2026-02-01T00:00:00Z' } },
      { key: 'theme', variations: ['dark', 'light'], environments: { production: { on: true, fallthrough: { variation: 0 }, offVariation: 1, rules: [], targets: [], lastModified: Date.parse('2026-01-01T00:00:00Z') } } },
    ])
    fakes.push(ld)
    const flags = await byName(createFlagSource({ type: 'launchdarkly', url: ld.url, token: 'api-secret-1', project: 'shop', environment: 'production' } as never, deps()))
    expect(flags.get('new-checkout')).toMatchObject({ state: { kind: 'boolean', value: true }, owner: 'alice@example.com', temporary: true, changedAt: new Date('2026-03-01T00:00:00Z'), lastEvaluatedAt: new Date('2026-05-31T00:00:00Z') })
    expect(flags.get('beta-banner')?.state).toEqual({ kind: 'percentage', percent: 25 })
    expect(flags.get('vip')?.state.kind).toBe('targeting')
    expect(flags.get('old-kill')?.state).toEqual({ kind: 'boolean', value: false })
    expect(flags.get('theme')?.state).toEqual({ kind: 'variant', value: 'dark' })
    expect(flags.get('beta-banner')?.lastEvaluatedAt).toBeUndefined()
    const verdicts = [...flags.values()].map((f) => judgeStale(f, { afterDays: 30 }, NOW))
    expect(verdicts.find((v) => v.name === 'new-checkout')).toMatchObject({ stale: true, reasons: ['single-value'], keep: 'on', removable: true })
    expect(verdicts.find((v) => v.name === 'old-kill')).toMatchObject({ stale: true, reasons: ['not-evaluated'], keep: 'off', removable: true })
    expect(verdicts.find((v) => v.name === 'beta-banner')).toMatchObject({ stale: false, removable: false })
  })
})

describe('flagsmith source against a fake of the admin API v1', () => {
  it('follows pagination and reads enabled state, values, segment overrides and the Stale tag', async () => {
    const fs = await startFlagsmithFake('org-key-9', 12, 34, [
      { name: 'dark_mode', enabled: true, updatedAt: '2026-01-01T00:00:00Z' },
      { name: 'checkout_copy', enabled: true, value: 'short', updatedAt: '2026-05-20T00:00:00Z', stale: true },
      { name: 'vip_lane', enabled: true, updatedAt: '2026-01-01T00:00:00Z', segmentOverrides: 2 },
      { name: 'legacy', enabled: false, updatedAt: '2026-01-01T00:00:00Z', owner: 'bob@example.com' },
      { name: 'number_flag', enabled: true, value: 3, updatedAt: '2026-01-01T00:00:00Z' },
    ])
    fakes.push(fs)
    const flags = await byName(createFlagSource({ type: 'flagsmith', url: `${fs.url}/api/v1`, token: 'org-key-9', project: 12, environment: 34 } as never, deps()))
    expect(flags.size).toBe(5)
    expect(fs.requests.filter((r) => r.path.endsWith('/features/')).length).toBe(3)
    expect(flags.get('dark_mode')?.state).toEqual({ kind: 'boolean', value: true })
    expect(flags.get('checkout_copy')).toMatchObject({ state: { kind: 'variant', value: 'short' }, markedStale: true })
    expect(flags.get('vip_lane')?.state.kind).toBe('targeting')
    expect(flags.get('legacy')).toMatchObject({ state: { kind: 'boolean', value: false }, owner: 'bob@example.com' })
    expect(flags.get('number_flag')?.state.kind).toBe('unknown')
    expect(judgeStale(flags.get('checkout_copy')!, { afterDays: 30 }, NOW)).toMatchObject({ stale: true, reasons: ['marked-stale'], keep: 'short' })
  })
})

describe('growthbook source against a fake of the REST API', () => {
  it('reads one-sided rules, partial rollouts and conditional rules per environment', async () => {
    const gb = await startGrowthBookFake('secret_abc', [
      { id: 'forced-on', valueType: 'boolean', defaultValue: 'false', dateUpdated: '2026-01-01T00:00:00Z', environments: { production: { enabled: true, rules: [{ type: 'force', value: 'true', condition: '', enabled: true }] } } },
      { id: 'half', valueType: 'boolean', defaultValue: 'false', dateUpdated: '2026-01-01T00:00:00Z', environments: { production: { enabled: true, rules: [{ type: 'rollout', value: 'true', coverage: 0.5, condition: '', enabled: true }] } } },
      { id: 'country', valueType: 'boolean', defaultValue: 'false', dateUpdated: '2026-01-01T00:00:00Z', environments: { production: { enabled: true, rules: [{ type: 'force', value: 'true', condition: '{"country":"FR"}', enabled: true }] } } },
      { id: 'copy', valueType: 'string', defaultValue: 'long', dateUpdated: '2026-01-01T00:00:00Z', owner: 'carol', environments: { production: { enabled: true } } },
      { id: 'off-in-prod', valueType: 'boolean', defaultValue: 'true', dateUpdated: '2026-01-01T00:00:00Z', environments: { production: { enabled: false } } },
    ])
    fakes.push(gb)
    const source = createFlagSource({ type: 'growthbook', url: gb.url, token: 'secret_abc', environment: 'production' } as never, deps())
    const flags = await byName(source)
    expect(flags.get('forced-on')?.state).toEqual({ kind: 'boolean', value: true })
    expect(flags.get('half')?.state).toEqual({ kind: 'percentage', percent: 50 })
    expect(flags.get('country')?.state.kind).toBe('targeting')
    expect(flags.get('copy')).toMatchObject({ state: { kind: 'variant', value: 'long' }, owner: 'carol', changedAt: new Date('2026-01-01T00:00:00Z') })
    expect(flags.get('off-in-prod')?.state).toEqual({ kind: 'boolean', value: false })
  })
})

describe('bad provider answers give an error naming the source and the call', () => {
  type Start = () => Promise<{ fake: VendorFake; config: Record<string, unknown> }>
  const starts: [string, Start][] = [
    ['launchdarkly', async () => { const fake = await startLaunchDarklyFake('tok-secret-ld', 'shop', []); return { fake, config: { type: 'launchdarkly', url: fake.url, token: 'tok-secret-ld', project: 'shop', timeoutMs: 300, retries: 1 } } }],
    ['flagsmith', async () => { const fake = await startFlagsmithFake('tok-secret-fs', 1, 2, []); return { fake, config: { type: 'flagsmith', url: `${fake.url}/api/v1`, token: 'tok-secret-fs', project: 1, environment: 2, timeoutMs: 300, retries: 1 } } }],
    ['growthbook', async () => { const fake = await startGrowthBookFake('tok-secret-gb', []); return { fake, config: { type: 'growthbook', url: fake.url, token: 'tok-secret-gb', timeoutMs: 300, retries: 1 } } }],
    ['unleash', async () => { const fake = await startLaunchDarklyFake('nothing', 'x', []); return { fake, config: { type: 'unleash', url: fake.url, token: 'tok-secret-un', timeoutMs: 300, retries: 1 } } }],
  ]
  const cases: [string, (fake: VendorFake, config: Record<string, unknown>) => void, RegExp][] = [
    ['401', (_f, config) => { config.token = 'wrong-token' }, /HTTP 401.*\(check flags\.source\.token/],
    ['500', (f) => { f.faults.push({ status: 500 }, { status: 500 }) }, /HTTP 500 after 2 attempts/],
    ['garbage JSON', (f) => { f.faults.push({ garbage: true }) }, /malformed JSON/],
    ['timeout', (f) => { f.faults.push({ delayMs: 2000 }, { delayMs: 2000 }) }, /timed out after 300ms \(2 attempts\)/],
  ]
  for (const [name, start] of starts) {
    it.each(cases)(`${name}: %s`, async (_label, arrange, message) => {
      const { fake, config } = await start()
      fakes.push(fake)
      arrange(fake, config)
      if (name === 'unleash' && _label === '401') config.token = 'wrong-token'
      const lines: string[] = []
      const error = await createFlagSource(config as never, deps(lines)).listFlags().then(() => undefined, (e: unknown) => e as Error)
      expect(error?.name).toBe('ProviderError')
      expect(error?.message).toMatch(new RegExp(`^${name}: GET /api/`))
      expect(error?.message).toMatch(message)
      expect(`${error?.message} ${lines.join('\n')}`).not.toMatch(/tok-secret/)
    })
  }
})
