import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { PolicyError } from '../../shared/config/problems.js'
import { parseFlagdFile } from '../../shared/flags/sources/flagd.js'
import { parseRegistry } from '../../shared/flags/sources/registry.js'
import { flagsSchemaText, FLAGS_SCHEMA_PATH } from '../../scripts/gen-flags-schema.js'

function problems(text: string): string[] {
  try {
    parseRegistry(text, 'flags.yml')
  } catch (error) {
    if (error instanceof PolicyError) return error.problems.map((p) => `${p.line}:${p.column} ${p.message}`)
    throw error
  }
  return []
}

describe('flags.yml registry', () => {
  it('reads owner, expiry, state, keep, rules, aliases and changed', () => {
    const flags = parseRegistry(
      [
        'flags:',
        '  new-checkout: { owner: alice, expires: 2026-03-01, state: "on", aliases: [newCheckout] }',
        '  beta: { owner: "@acme/web", expires: 2027-01-01, state: 50% }',
        '  vip: { owner: bob, expires: 2027-01-01, state: targeting, rules: [country is FR] }',
        '  theme: { owner: bob, expires: 2027-01-01, state: dark, changed: 2026-01-02 }',
        '  killed: { owner: bob, expires: 2027-01-01, state: 0%, keep: "off" }',
        '',
      ].join('\n'),
      'flags.yml',
    )
    expect(flags.map((f) => [f.name, f.state])).toEqual([
      ['new-checkout', { kind: 'boolean', value: true }],
      ['beta', { kind: 'percentage', percent: 50 }],
      ['vip', { kind: 'targeting', rules: ['country is FR'] }],
      ['theme', { kind: 'variant', value: 'dark' }],
      ['killed', { kind: 'boolean', value: false }],
    ])
    expect(flags[0]).toMatchObject({ owner: 'alice', expires: '2026-03-01', aliases: ['newCheckout'] })
    expect(flags[3]?.changedAt).toEqual(new Date('2026-01-02T00:00:00Z'))
    expect(flags[4]?.keep).toEqual({ kind: 'boolean', value: false })
  })

  it.each([
    ['a missing owner at the flag', 'flags:\n  a:\n    expires: 2026-01-01\n    state: "on"\n', ["2:3 missing required key 'owner'"]],
    ['a misspelt key, with did-you-mean', 'flags:\n  a: { owner: x, expires: 2026-01-01, state: "on", kepp: "on" }\n', ["2:52 unknown key 'kepp'; did you mean 'keep'?"]],
    ['a date that is not YYYY-MM-DD', 'flags:\n  a: { owner: x, expires: 1/2/2026, state: "on" }\n', ['2:27 invalid value for flags.a.expires']],
    ['a date that does not exist', 'flags:\n  a: { owner: x, expires: 2026-02-30, state: "on" }\n', ['2:27 flags.a.expires: 2026-02-30 is not a calendar date']],
    ['targeting without rules', 'flags:\n  a: { owner: x, expires: 2026-01-01, state: targeting }\n', ['2:46 flags.a: state targeting needs its rules']],
    ['a bad flag name', 'flags:\n  "bad name": { owner: x, expires: 2026-01-01, state: "on" }\n', ["2:3 invalid flag name 'bad name'"]],
    ['YAML syntax', 'flags:\n  a: { owner: x\n', ['3:1 YAML']],
  ])('reports %s at file:line:column', (_name, text, expected) => {
    const got = problems(text)
    expect(got.length).toBe(expected.length)
    expected.forEach((e, i) => expect(got[i]).toContain(e))
  })

  it('the error message names the file, line and column', () => {
    expect(() => parseRegistry('flags:\n  a: { owner: x, state: "on" }\n', 'config/flags.yml')).toThrow(/config\/flags\.yml:2:3: missing required key 'expires'/)
  })

  it('schema/flags.schema.json is the committed copy of the schema (npm run gen:schema)', () => {
    expect(readFileSync(FLAGS_SCHEMA_PATH, 'utf8')).toBe(flagsSchemaText())
  })
})

describe('flagd flag file', () => {
  const file = JSON.stringify({
    $schema: 'https://flagd.dev/schema/v0/flags.json',
    flags: {
      'new-checkout': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on', metadata: { owner: 'alice', expires: '2026-01-01' } },
      theme: { state: 'ENABLED', variants: { dark: 'dark', light: 'light' }, defaultVariant: 'light' },
      vip: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: { if: [{ '==': [{ var: 'tier' }, 'vip'] }, 'on', 'off'] } },
      gone: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    },
  }, null, 2)

  it('maps ENABLED without targeting to the default variant, targeting and DISABLED to reported-only states', () => {
    const flags = parseFlagdFile(file, 'flags.flagd.json')
    expect(flags.map((f) => [f.name, f.state.kind, 'value' in f.state ? f.state.value : undefined])).toEqual([
      ['new-checkout', 'boolean', true],
      ['theme', 'variant', 'light'],
      ['vip', 'targeting', undefined],
      ['gone', 'unknown', undefined],
    ])
    expect(flags[0]).toMatchObject({ owner: 'alice', expires: '2026-01-01' })
  })

  it('reports a bad state at its line and column', () => {
    expect(() => parseFlagdFile('{\n  "flags": {\n    "a": { "state": "ON", "variants": { "x": true } }\n  }\n}\n', 'flags.flagd.json')).toThrow(/flags\.flagd\.json:3:21: invalid value for flags\.a\.state/)
  })
})
