/**
 * Against a real Unleash 8.2.0 on a real PostgreSQL (both started here, 127.0.0.1, free ports,
 * stopped at the end): flags seeded through Unleash's own admin API and aged in its database,
 * evaluated by the real unleash-client SDK so the server records lastSeenAt from its metrics, read
 * by the `unleash` flag source and judged by the stale rules; the `unleash` traffic provider moves a
 * real gradual rollout. Outside CI the file skips, loudly, when Unleash or PostgreSQL is missing; in
 * CI (CI=true) a missing piece fails it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { streamLogger } from '../../shared/action/logger.js'
import type { FlagInfo } from '../../shared/flags/source.js'
import { createFlagSource } from '../../shared/flags/sources/list.js'
import { judgeStale } from '../../shared/flags/stale.js'
import { createTrafficProvider } from '../../shared/traffic/registry.js'
import { testDeps } from '../traffic/support.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { cleanupRepo, runFlagCleanup } from '../actions/flag-cleanup-support.js'
import { evaluateWithSdk, startUnleash, unleashAvailability, type UnleashServer } from './unleash/harness.js'

const missing = unleashAvailability()
const inCi = process.env.CI === 'true'
if (missing && !inCi) {
  console.warn(`\n*** SKIPPING the real-Unleash end-to-end tests: ${missing}. CI installs them (.ci/run). ***\n`)
}

export const PROJECT = 'default'
const ENV = 'production'

/** Seeds the scenario every real-Unleash test uses, through the admin API, and ages it in the database. */
export async function seedUnleash(unleash: UnleashServer): Promise<void> {
  const feature = (name: string) => unleash.admin('POST', `/api/admin/projects/${PROJECT}/features`, { name, type: 'release' })
  const strategy = (name: string, rollout: number, constraints: unknown[] = []) =>
    unleash.admin('POST', `/api/admin/projects/${PROJECT}/features/${name}/environments/${ENV}/strategies`, {
      name: 'flexibleRollout',
      constraints,
      parameters: { rollout: String(rollout), stickiness: 'default', groupId: name },
    })
  const enable = (name: string) => unleash.admin('POST', `/api/admin/projects/${PROJECT}/features/${name}/environments/${ENV}/on`)
  for (const name of ['new-checkout', 'beta-banner', 'vip-lane', 'old-promo', 'legacy-search', 'fresh-flag']) await feature(name)
  await strategy('new-checkout', 100)
  await enable('new-checkout')
  await strategy('beta-banner', 30)
  await enable('beta-banner')
  await strategy('vip-lane', 100, [{ contextName: 'userId', operator: 'IN', values: ['42'], inverted: false, caseInsensitive: false }])
  await enable('vip-lane')
  await strategy('fresh-flag', 100)
  await enable('fresh-flag')
  await unleash.admin('POST', `/api/admin/projects/${PROJECT}/stale`, { features: ['legacy-search'], stale: true })
  await unleash.admin('DELETE', `/api/admin/projects/${PROJECT}/features/old-promo`)
  // Age everything but fresh-flag: its events and creation 60 days back.
  unleash.sql(`UPDATE events SET created_at = now() - interval '60 days' WHERE feature_name <> 'fresh-flag'`)
  unleash.sql(`UPDATE features SET created_at = now() - interval '60 days' WHERE name <> 'fresh-flag'`)
  // Real evaluations: the SDK evaluates two flags and sends its metrics; the server sets lastSeenAt.
  const answers = await evaluateWithSdk(unleash, ENV, ['new-checkout', 'vip-lane'])
  expect(answers).toEqual({ 'new-checkout': true, 'vip-lane': false })
  await waitForLastSeen(unleash, ['new-checkout', 'vip-lane'])
  // Age one of those server-recorded marks, as the events are aged: seen once, 45 days ago.
  unleash.sql(`UPDATE last_seen_at_metrics SET last_seen_at = now() - interval '45 days' WHERE feature_name = 'vip-lane'`)
}

/** Polls the admin API (bounded: 30 s) until the server reports lastSeenAt for each flag in ENV. */
async function waitForLastSeen(unleash: UnleashServer, names: readonly string[]): Promise<void> {
  const deadline = Date.now() + 30_000
  let missing = [...names]
  while (missing.length > 0) {
    const next: string[] = []
    for (const name of missing) {
      const feature = (await unleash.admin('GET', `/api/admin/projects/${PROJECT}/features/${name}`)) as { environments: { name: string; lastSeenAt?: string | null }[] }
      if (!feature.environments.find((e) => e.name === ENV)?.lastSeenAt) next.push(name)
    }
    missing = next
    if (missing.length === 0) return
    if (Date.now() > deadline) throw new Error(`Unleash recorded no lastSeenAt within 30 s for ${missing.join(', ')} (client metrics not stored)`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

describe.skipIf(Boolean(missing) && !inCi)('real Unleash on PostgreSQL', () => {
  const github = useFakeGitHub({ repository: 'acme/shop' })
  let unleash: UnleashServer
  beforeAll(async () => {
    if (missing) throw new Error(`CI must run the real-Unleash tests, but ${missing}`)
    unleash = await startUnleash()
    await seedUnleash(unleash)
  }, 240_000)
  afterAll(async () => {
    await unleash?.stop()
  }, 60_000)

  const logger = streamLogger(() => {})
  const source = () =>
    createFlagSource({ type: 'unleash', url: unleash.url, token: unleash.token, project: PROJECT, environment: ENV } as never, { root: '.', readText: () => Promise.reject(new Error('unused')), logger })

  it('the unleash source reads state, strategies, stale and archived markers and when the state last changed', async () => {
    const flags = new Map((await source().listFlags()).map((f): [string, FlagInfo] => [f.name, f]))
    expect([...flags.keys()].sort()).toEqual(['beta-banner', 'fresh-flag', 'legacy-search', 'new-checkout', 'old-promo', 'vip-lane'])
    expect(flags.get('new-checkout')?.state).toEqual({ kind: 'boolean', value: true })
    expect(flags.get('beta-banner')?.state).toEqual({ kind: 'percentage', percent: 30 })
    expect(flags.get('vip-lane')?.state.kind).toBe('targeting')
    expect(flags.get('legacy-search')).toMatchObject({ state: { kind: 'boolean', value: false }, markedStale: true })
    expect(flags.get('old-promo')).toMatchObject({ archived: true })
    const changed = flags.get('new-checkout')?.changedAt as Date
    expect(Date.now() - changed.getTime()).toBeGreaterThan(59 * 86_400_000)
    expect(Date.now() - (flags.get('fresh-flag')?.changedAt as Date).getTime()).toBeLessThan(3_600_000)
    // lastSeenAt as the server recorded it from the SDK's metrics (vip-lane's aged 45 days).
    expect(Date.now() - (flags.get('new-checkout')?.lastEvaluatedAt as Date).getTime()).toBeLessThan(3_600_000)
    const vip = Date.now() - (flags.get('vip-lane')?.lastEvaluatedAt as Date).getTime()
    expect(vip).toBeGreaterThan(44 * 86_400_000)
    expect(vip).toBeLessThan(46 * 86_400_000)
    expect(flags.get('legacy-search')?.lastEvaluatedAt).toBeNull()
    expect(flags.get('fresh-flag')?.lastEvaluatedAt).toBeNull()
  })

  it('the not-evaluated rule follows what the server saw: evaluated today is not a reason, 45 days ago or never is', async () => {
    const now = new Date()
    const verdicts = new Map((await source().listFlags()).map((f) => [f.name, judgeStale(f, { afterDays: 30 }, now)]))
    expect(verdicts.get('new-checkout')?.reasons).not.toContain('not-evaluated')
    expect(verdicts.get('vip-lane')?.reasons).toContain('not-evaluated')
    expect(verdicts.get('vip-lane')?.explanation.join(' ')).toMatch(/last evaluated \d{4}-\d{2}-\d{2}/)
    expect(verdicts.get('legacy-search')?.reasons).toContain('not-evaluated')
    expect(verdicts.get('legacy-search')?.explanation.join(' ')).toMatch(/never evaluated/)
    // Evaluated within afterDays (50 here) is not stale for that reason either.
    const lenient = new Map((await source().listFlags()).map((f) => [f.name, judgeStale(f, { afterDays: 50 }, now)]))
    expect(lenient.get('vip-lane')?.reasons).not.toContain('not-evaluated')
  })

  it('the stale rules find the aged flags stale and refuse the partial rollout and the targeting', async () => {
    const now = new Date()
    const verdicts = new Map((await source().listFlags()).map((f) => [f.name, judgeStale(f, { afterDays: 30 }, now)]))
    expect(verdicts.get('new-checkout')).toMatchObject({ stale: true, keep: 'on', removable: true })
    expect(verdicts.get('new-checkout')?.reasons).toContain('single-value')
    expect(verdicts.get('legacy-search')).toMatchObject({ stale: true, keep: 'off', removable: true })
    expect(verdicts.get('legacy-search')?.reasons).toContain('marked-stale')
    expect(verdicts.get('old-promo')?.reasons).toContain('archived')
    expect(verdicts.get('beta-banner')).toMatchObject({ stale: true, removable: false, keep: null })
    expect(verdicts.get('vip-lane')).toMatchObject({ removable: false, keep: null })
    expect(verdicts.get('fresh-flag')).toMatchObject({ stale: false })
  })

  it('a wrong token is a clear 401 naming Unleash and the call', async () => {
    const bad = createFlagSource({ type: 'unleash', url: unleash.url, token: 'not-the-token', retries: 0 } as never, { root: '.', readText: () => Promise.reject(new Error('unused')), logger })
    await expect(bad.listFlags()).rejects.toThrow(/^unleash: GET \/api\/admin\/search\/features\?project=IS:default.* failed: HTTP 401/)
  })

  it('the unleash traffic provider moves the gradual rollout of a real feature and reads it back', async () => {
    const { deps } = testDeps()
    const provider = createTrafficProvider({ provider: 'unleash', url: unleash.url, token: unleash.token, project: PROJECT, feature: 'beta-banner', environment: ENV }, deps)
    expect(await provider.readWeight()).toBe(30)
    const change = await provider.setWeight(50, { environment: ENV, canaryVersion: 'v2', stableVersion: 'v1' })
    expect(change).toMatchObject({ previous: 30, weight: 50, readBack: 50 })
    const strategies = (await unleash.admin('GET', `/api/admin/projects/${PROJECT}/features/beta-banner/environments/${ENV}/strategies`)) as { parameters: { rollout: string } }[]
    expect(strategies[0]?.parameters.rollout).toBe('50')
  })

  it('flag-cleanup end to end: stale Unleash flags become one pull request each on the fake GitHub, and a second run opens none', async () => {
    const app = [
      "import { initialize } from 'unleash-client'",
      "const unleash = initialize({ url: 'http://unleash/api', appName: 'shop' })",
      "export const checkout = unleash.isEnabled('new-checkout') ? 'new' : 'old'",
      "export const search = unleash.isEnabled('legacy-search') ? 'legacy' : 'modern'",
      "export const banner = unleash.isEnabled('beta-banner') ? 'b' : 'a'",
      "export const fresh = unleash.isEnabled('fresh-flag')",
      '',
    ].join('\n')
    const policy = `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [./set-weight.sh, "{{weight}}"] }
    steps: [ { weight: 100 } ]
flags:
  source: { type: unleash, url: "\${UNLEASH_URL}", token: "\${UNLEASH_TOKEN}", project: default, environment: production }
  stale: { afterDays: 30 }
  include: ["src/**"]
  owners: [alice]
`
    const repo = cleanupRepo(github, { '.github/rollgate.yml': policy, 'src/app.ts': app })
    try {
      const env = { UNLEASH_URL: unleash.url, UNLEASH_TOKEN: unleash.token }
      const first = await runFlagCleanup(github, repo, { env, now: new Date() })
      const lines = first.result.flags as { name: string; action: string; calls?: number }[]
      expect(Object.fromEntries(lines.map((l) => [l.name, l.action]))).toMatchObject({ 'new-checkout': 'created', 'legacy-search': 'created', 'beta-banner': 'refused', 'vip-lane': 'refused' })
      expect(github.state.files('rollgate/flag-cleanup/new-checkout').get('src/app.ts')).toContain("export const checkout = 'new'")
      expect(github.state.files('rollgate/flag-cleanup/legacy-search').get('src/app.ts')).toContain("export const search = 'modern'")
      const body = [...github.state.pulls.values()].find((p) => p.head.ref.endsWith('new-checkout'))?.body ?? ''
      expect(body).toContain('Unleash default/production: enabled, flexibleRollout 100%')
      console.log(`REST calls per new cleanup pull request: ${lines.filter((l) => l.action === 'created').map((l) => `${l.name} ${l.calls}`).join(', ')}`)
      const second = await runFlagCleanup(github, repo, { env, now: new Date() })
      expect((second.result.flags as { action: string }[]).filter((l) => l.action === 'created')).toHaveLength(0)
      expect(github.state.pulls.size).toBe(2)
      expect(github.count('pulls/create')).toBe(2)
    } finally {
      repo.cleanup()
    }
  }, 120_000)
})
