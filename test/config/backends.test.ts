/**
 * Every backend is one descriptor in its own file, listed once by its registry: its `type` is the
 * tag its schema fragment selects, its definition names are its own, and the policy schema's unions
 * list exactly the registries' backends, in their order.
 */
import { describe, expect, it } from 'vitest'
import { compileGrammar, policyRules, policySchema, POLICY_PARTS } from '../../scripts/gen-schema.js'
import { builtinGrammar } from '../../shared/config/grammar.js'
import { checkPolicy } from '../../shared/config/load.js'
import { formatProblem } from '../../shared/config/problems.js'
import { str, variant, type SchemaPart } from '../../shared/config/schema-parts.js'
import type { FlagSourceDescriptor } from '../../shared/flags/source.js'
import { createFlagSource } from '../../shared/flags/sources/list.js'

const KINDS = [
  ['traffic', 'traffic', 'provider'],
  ['metrics', 'metricsProvider', 'type'],
  ['flagSources', 'flagSource', 'type'],
] as const

describe.each(KINDS)('the %s registry', (kind, union, tag) => {
  const parts = POLICY_PARTS[kind]

  it.each(parts.map((p) => [p.type, p] as const))('%s: its fragment selects its own type', (type, part) => {
    expect(part.schema.properties?.[tag]?.const).toBe(type)
    expect(part.schema.required).toContain(tag)
  })

  it('lists each type once, and the schema union lists exactly these, in order', () => {
    const types = parts.map((p) => p.type)
    expect(new Set(types).size).toBe(types.length)
    expect(policySchema.definitions?.[union]?.oneOf?.map((b) => b.$ref)).toEqual(parts.map((p) => `#/definitions/${p.definition}`))
  })
})

describe('the composed schema', () => {
  it('gives every definition one owner: no backend redefines another part', () => {
    const lists: (readonly SchemaPart[])[] = Object.values(POLICY_PARTS)
    const names = lists.flatMap((parts) => parts.flatMap((p) => [p.definition, ...Object.keys(p.definitions ?? {})]))
    expect(new Set(names).size).toBe(names.length)
  })

  it('is what the loader reads (shared/config/policy-schema.generated.ts), rules included', () => {
    expect(builtinGrammar.schema).toEqual(policySchema)
    expect(builtinGrammar.rules).toEqual(policyRules)
    expect(policyRules.traffic['haproxy']?.exactlyOne?.[0]?.keys).toEqual(['socket', 'address'])
    expect(policyRules.metrics['http']?.placeholders).toEqual(['query'])
  })
})

describe('a flag source is a descriptor like the others', () => {
  // A test-only source with a rule the schema cannot state: one file, composed like a real one.
  const fileOrUrl: FlagSourceDescriptor<{ type: 'sheet'; file?: string; url?: string }> = {
    type: 'sheet',
    definition: 'sheetSource',
    schema: variant('type', 'sheet', 'Flags from a spreadsheet (test only).', { file: str('A CSV file.'), url: str('A published sheet.') }),
    rules: { exactlyOne: [{ keys: ['file', 'url'], message: 'set exactly one of file or url', expected: 'file: flags.csv or url: https://…' }] },
    create: (config) => ({ name: 'sheet', describe: () => config.file ?? config.url ?? '', listFlags: async () => [] }) as never,
  }
  const parts = { ...POLICY_PARTS, flagSources: [...POLICY_PARTS.flagSources, fileOrUrl] }
  const grammar = compileGrammar(parts)
  const policy = (source: string) => `version: 1\nenvironments:\n  staging:\n    traffic: { provider: command, setWeight: [./w.sh, "{{weight}}"] }\n    steps:\n      - { weight: 100 }\nflags:\n  source: ${source}\n`
  const problems = (text: string) => {
    const r = checkPolicy(text, 'rollgate.yml', {}, { grammar })
    return r.ok ? [] : r.problems.map((p) => `${p.path}: ${formatProblem(p)}`)
  }

  it('its fragment is composed into the schema union and its rules into the loader', () => {
    expect(grammar.schema.definitions?.['flagSource']?.oneOf?.map((b) => b.$ref)).toContain('#/definitions/sheetSource')
    expect(grammar.rules.flagSources['sheet']).toEqual(fileOrUrl.rules)
    expect(policyRules.flagSources).toEqual({})
  })

  it('its rules are checked on flags.source at file:line:column', () => {
    expect(problems(policy('{ type: sheet, file: flags.csv }'))).toEqual([])
    expect(problems(policy('{ type: sheet }'))).toEqual(['flags.source: rollgate.yml:8:11: set exactly one of file or url (found neither; expected file: flags.csv or url: https://…)'])
    expect(problems(policy('{ type: sheet, file: a.csv, url: b }'))).toEqual(['flags.source.url: rollgate.yml:8:39: set exactly one of file or url (found both; expected file: flags.csv or url: https://…)'])
  })

  it('the registry builds it from a list that holds it, its options checked against its fragment', () => {
    expect(createFlagSource({ type: 'sheet', file: 'f.csv' } as never, {} as never, [fileOrUrl as never]).describe()).toBe('f.csv')
    expect(() => createFlagSource({ type: 'sheet', file: 7 } as never, {} as never, [fileOrUrl as never])).toThrow('flags.source.file: expected text, got 7')
  })
})
