/**
 * Flag-split experiments checked against a real Unleash 8.2.0 on a real PostgreSQL (started by the
 * harness of test/e2e/unleash, 127.0.0.1, free ports, stopped at the end; .ci/run installs both):
 * the variants of each strategy, created through Unleash's own admin API are what
 * `rollgate validate` accepts, and an unknown flag or variant fails at its line and column with the
 * list Unleash has. Outside CI the file skips, loudly, when Unleash or PostgreSQL is missing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../cli/main.js'
import { at } from '../config/helpers.js'
import { startUnleash, unleashAvailability, type UnleashServer } from '../e2e/unleash/harness.js'
import { splitPolicy } from './split-support.js'

const missing = unleashAvailability()
const inCi = process.env.CI === 'true'
if (missing && !inCi) console.warn(`\n*** SKIPPING the real-Unleash flag-split tests: ${missing}. CI installs them (.ci/run). ***\n`)

const PROJECT = 'default'
const ENV = 'production'

describe.skipIf(Boolean(missing) && !inCi)('flag split against a real Unleash', () => {
  let unleash: UnleashServer
  const dirs: string[] = []
  beforeAll(async () => {
    if (missing) throw new Error(`CI must run the real-Unleash tests, but ${missing}`)
    unleash = await startUnleash()
    const feature = (name: string) => unleash.admin('POST', `/api/admin/projects/${PROJECT}/features`, { name, type: 'experiment' })
    for (const name of ['checkout-button', 'two-strategies', 'dark-mode', 'retired']) await feature(name)
    // Unleash 5+: the variants live on the strategy.
    const variant = (name: string) => ({ name, weight: 333, weightType: 'variable', stickiness: 'default' })
    await unleash.admin('POST', `/api/admin/projects/${PROJECT}/features/checkout-button/environments/${ENV}/strategies`, {
      name: 'flexibleRollout',
      constraints: [],
      parameters: { rollout: '100', stickiness: 'default', groupId: 'checkout-button' },
      variants: ['control', 'green', 'blue'].map(variant),
    })
    await unleash.admin('POST', `/api/admin/projects/${PROJECT}/features/checkout-button/environments/${ENV}/on`)
    // Two strategies, each with its own variants: the flag serves all of them.
    const userIs = (id: string) => [{ contextName: 'userId', operator: 'IN', values: [id], inverted: false, caseInsensitive: false }]
    for (const [id, names] of [['1', ['control', 'treatment']], ['2', ['control', 'holdout']]] as const) {
      await unleash.admin('POST', `/api/admin/projects/${PROJECT}/features/two-strategies/environments/${ENV}/strategies`, {
        name: 'flexibleRollout',
        constraints: userIs(id),
        parameters: { rollout: '100', stickiness: 'default', groupId: 'two-strategies' },
        variants: names.map(variant),
      })
    }
    await unleash.admin('POST', `/api/admin/projects/${PROJECT}/features/dark-mode/environments/${ENV}/strategies`, { name: 'flexibleRollout', constraints: [], parameters: { rollout: '50', stickiness: 'default', groupId: 'dark-mode' } })
    await unleash.admin('DELETE', `/api/admin/projects/${PROJECT}/features/retired`)
  }, 240_000)
  afterAll(async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
    await unleash?.stop()
  }, 60_000)

  async function validate(policy: string) {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-unleash-split-'))
    dirs.push(dir)
    mkdirSync(join(dir, '.github'))
    writeFileSync(join(dir, '.github/rollgate.yml'), policy)
    const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t), env: { UNLEASH_TOKEN: unleash.token }, cwd: dir, isTTY: false }
    return { code: await runCli(['validate'], io), out: io.out, err: io.err }
  }
  const source = () => `{ type: unleash, url: "${unleash.url}", token: "\${UNLEASH_TOKEN}", project: ${PROJECT}, environment: ${ENV}, retries: 0 }`
  const where = (text: string, needle: string) => `.github/rollgate.yml:${at(text, needle).join(':')}:`

  it('strategy variants (of every strategy) and a boolean flag\'s on/off are the variants Unleash serves', async () => {
    const strategy = await validate(splitPolicy({ source: source() }))
    expect(strategy.err).toBe('')
    expect(strategy.out).toContain(`flag split checked against Unleash ${unleash.url}, project ${PROJECT}, environment ${ENV}`)
    expect((await validate(splitPolicy({ source: source(), flag: 'two-strategies', variants: ['control', 'treatment', 'holdout'] }))).code).toBe(0)
    expect((await validate(splitPolicy({ source: source(), flag: 'dark-mode', variants: ['off', 'on'], control: 'off' }))).code).toBe(0)
  }, 60_000)

  it('an unknown variant fails at its line and column with the variants of the flag\'s strategy, as Unleash lists them', async () => {
    const text = splitPolicy({ source: source(), variants: ['control', 'green', 'purple'] })
    const run = await validate(text)
    expect(run.code).toBe(2)
    expect(run.err).toContain(
      `${where(text, 'purple }')} variant 'purple' is not one of the values flag 'checkout-button' serves in Unleash ${unleash.url}, project ${PROJECT}, environment ${ENV} (expected one of its variants: blue, control, green (or add it as a variant of the flag's strategy in that environment))`,
    )
  }, 60_000)

  it('an unknown flag fails at split.flag with a suggestion and the live flags; an archived one is refused', async () => {
    const text = splitPolicy({ source: source(), flag: 'checkout-buttn' })
    const run = await validate(text)
    expect(run.code).toBe(2)
    expect(run.err).toContain(`${where(text, 'checkout-buttn }')} flag 'checkout-buttn' is not in Unleash ${unleash.url}, project ${PROJECT}, environment ${ENV}; did you mean 'checkout-button'? (expected one of its 3 flags: `)
    expect(run.err).toMatch(/its 3 flags: (checkout-button|two-strategies|dark-mode)(, (checkout-button|two-strategies|dark-mode)){2}\)/)
    const archived = splitPolicy({ source: source(), flag: 'retired' })
    const gone = await validate(archived)
    expect(gone.err).toContain(`${where(archived, 'retired }')} flag 'retired' is archived in Unleash`)
  }, 60_000)
})
