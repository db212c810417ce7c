/**
 * Experiments split by a feature flag, checked against the flag source by `rollgate validate`: the
 * registry file (flags.yml), flagd's flag file and LaunchDarkly (its fake of REST API v2). The real
 * Unleash is in ./unleash-split.test.ts; the analyze action's check is in ./analyze-action.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../../cli/main.js'
import { startLaunchDarklyFake } from '../fakes/launchdarkly/server.js'
import type { VendorFake } from '../fakes/unleash/vendor-fake.js'
import { at } from '../config/helpers.js'
import { splitPolicy } from './split-support.js'

const dirs: string[] = []
const fakes: VendorFake[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  await Promise.all(fakes.splice(0).map((f) => f.close()))
})

const REGISTRY = `flags:
  checkout-button:
    owner: "@shop/checkout"
    expires: 2026-12-31
    state: targeting
    rules: ["a third each"]
    variants: [control, green, blue]
  dark-mode:
    owner: "@shop/web"
    expires: 2026-12-31
    state: on
`

/** Runs `rollgate validate` in a fresh repository holding the policy and `files`. */
async function validate(policy: string, files: Record<string, string> = { 'flags.yml': REGISTRY }, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-flag-split-'))
  dirs.push(dir)
  mkdirSync(join(dir, '.github'))
  writeFileSync(join(dir, '.github/rollgate.yml'), policy)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t), env: {}, cwd: dir, isTTY: false }
  const code = await runCli(['validate', ...args], io)
  return { code, out: io.out, err: io.err }
}

const where = (text: string, needle: string, occurrence = 1) => `.github/rollgate.yml:${at(text, needle, occurrence).join(':')}:`

describe('flag split against the registry (flags.yml)', () => {
  it('accepts variants the flag serves and says what it checked against', async () => {
    const run = await validate(splitPolicy())
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    expect(run.out).toMatch(/1 experiment \(checkout\); flag split checked against the flag registry flags\.yml\n$/)
  })

  it('an unknown flag: file:line:column of split.flag, the flag, a suggestion and the flags the source has', async () => {
    const text = splitPolicy({ flag: 'checkout-buton' })
    const run = await validate(text)
    expect(run.code).toBe(2)
    expect(run.err).toContain(
      `${where(text, 'checkout-buton')} flag 'checkout-buton' is not in the flag registry flags.yml; did you mean 'checkout-button'? (expected one of its 2 flags: checkout-button, dark-mode)`,
    )
  })

  it('an unknown variant: file:line:column of that variant, the variant, the flag and its variants', async () => {
    const text = splitPolicy({ variants: ['control', 'green', 'blu'] })
    const run = await validate(text)
    expect(run.code).toBe(2)
    expect(run.err).toContain(
      `${where(text, 'blu }')} variant 'blu' is not one of the values flag 'checkout-button' serves in the flag registry flags.yml; did you mean 'blue'? (expected one of its variants: control, green, blue (or add it to the flag's variants: in the registry))`,
    )
    expect(run.err).toMatch(/1 problem\n$/)
  })

  it('a boolean flag serves on and off: those are its variants', async () => {
    expect((await validate(splitPolicy({ flag: 'dark-mode', variants: ['off', 'on'], control: 'off' }), undefined)).code).toBe(0)
    const text = splitPolicy({ flag: 'dark-mode', variants: ['control', 'on'] })
    const run = await validate(text)
    expect(run.err).toContain(`${where(text, 'control }')} variant 'control' is not one of the values flag 'dark-mode' serves in the flag registry flags.yml (expected one of its variants: on, off`)
  })

  it('every experiment split by a flag is checked, each problem at its own place', async () => {
    const text = `${splitPolicy({ variants: ['control', 'red'] })}  second:\n${splitPolicy({ flag: 'nope' }).split('  checkout:\n')[1]}`
    const run = await validate(text)
    expect(run.code).toBe(2)
    expect(run.err).toContain(`${where(text, 'red }')} variant 'red'`)
    expect(run.err).toContain(`${where(text, 'nope }')} flag 'nope' is not in the flag registry flags.yml`)
    expect(run.err).toMatch(/2 problems\n$/)
  })

  it('--offline does not read the source and says so; a missing registry is a clear error', async () => {
    const offline = await validate(splitPolicy({ flag: 'nope' }), {}, ['--offline'])
    expect(offline.code).toBe(0)
    expect(offline.err).toContain('warning: flag split of checkout not checked against the flag source: --offline')
    const missing = await validate(splitPolicy(), {})
    expect(missing.code).toBe(2)
    expect(missing.err).toMatch(/Could not check the flag split of experiment checkout against the flag registry flags\.yml: Flag registry flags\.yml not found/)
  })

  it('the registry itself refuses a state that is not one of the listed variants', async () => {
    const run = await validate(splitPolicy(), { 'flags.yml': REGISTRY.replace('state: targeting\n    rules: ["a third each"]', 'state: purple') })
    expect(run.code).toBe(2)
    expect(run.err).toContain("flags.checkout-button.state: purple is not one of the flag's variants (expected one of control, green, blue)")
  })
})

describe('flag split against a flagd flag file', () => {
  it('the variants are the keys of the flag file\'s variants', async () => {
    const file = JSON.stringify({ flags: { 'checkout-button': { state: 'ENABLED', defaultVariant: 'control', variants: { control: 'c', green: 'g', blue: 'b' } } } })
    const source = '{ type: flagd, file: flags.flagd.json }'
    expect((await validate(splitPolicy({ source }), { 'flags.flagd.json': file })).code).toBe(0)
    const text = splitPolicy({ source, variants: ['control', 'teal'] })
    const run = await validate(text, { 'flags.flagd.json': file })
    expect(run.err).toContain(`${where(text, 'teal }')} variant 'teal' is not one of the values flag 'checkout-button' serves in`)
    expect(run.err).toContain('(expected one of its variants: control, green, blue (or add it to the flag\'s variants in the flag file))')
  })
})

describe('flag split against LaunchDarkly (fake of REST API v2)', () => {
  async function ld() {
    const fake = await startLaunchDarklyFake('api-ld-1', 'shop', [
      { key: 'checkout-button', variations: ['control', 'green', 'blue'], environments: { production: { on: true, fallthrough: { rollout: { variations: [{ variation: 0, weight: 34000 }, { variation: 1, weight: 33000 }, { variation: 2, weight: 33000 }] } }, offVariation: 0, rules: [], targets: [] } } },
      { key: 'new-nav', environments: { production: { on: true, fallthrough: { variation: 0 }, offVariation: 1, rules: [], targets: [] } } },
      { key: 'old-banner', archived: true, variations: ['control', 'green', 'blue'], environments: { production: { on: false, offVariation: 0 } } },
    ])
    fakes.push(fake)
    return `{ type: launchdarkly, url: "${fake.url}", token: api-ld-1, project: shop, retries: 0 }`
  }

  it('string variations are the variants; a boolean flag serves on and off', async () => {
    const source = await ld()
    expect((await validate(splitPolicy({ source }))).code).toBe(0)
    expect((await validate(splitPolicy({ source, flag: 'new-nav', variants: ['off', 'on'], control: 'off' }))).code).toBe(0)
    const text = splitPolicy({ source, variants: ['control', 'green', 'Blue'] })
    const run = await validate(text)
    expect(run.code).toBe(2)
    expect(run.err).toMatch(new RegExp(`${where(text, 'Blue }').replace(/[.]/g, '\\.')} variant 'Blue' is not one of the values flag 'checkout-button' serves in LaunchDarkly http://127\\.0\\.0\\.1:\\d+, project shop, environment production; did you mean 'blue'\\? \\(expected one of its variants: control, green, blue \\(or add it as a variation of the flag\\)\\)`))
  })

  it('an archived flag is refused: no SDK serves it', async () => {
    const text = splitPolicy({ source: await ld(), flag: 'old-banner' })
    const run = await validate(text)
    expect(run.code).toBe(2)
    expect(run.err).toContain(`${where(text, 'old-banner }')} flag 'old-banner' is archived in LaunchDarkly`)
    expect(run.err).toContain('(expected a live flag: checkout-button, new-nav)')
  })

  it('a wrong token: validate fails naming the source and the experiment', async () => {
    const source = (await ld()).replace('api-ld-1', 'wrong')
    const run = await validate(splitPolicy({ source }))
    expect(run.code).toBe(2)
    expect(run.err).toMatch(/flag source launchdarkly: checking the flag split of experiment checkout failed: .*401/)
  })
})
