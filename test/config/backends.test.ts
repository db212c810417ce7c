/**
 * Every backend is one descriptor in its own file, listed once by its registry: its `type` is the
 * tag its schema fragment selects, its definition names are its own, and the policy schema's unions
 * list exactly the registries' backends, in their order.
 */
import { describe, expect, it } from 'vitest'
import { policyRules, policySchema, POLICY_PARTS } from '../../scripts/gen-schema.js'
import { builtinGrammar } from '../../shared/config/grammar.js'
import type { SchemaPart } from '../../shared/config/schema-parts.js'

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
