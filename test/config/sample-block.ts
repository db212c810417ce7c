/**
 * The smallest block a backend's schema fragment accepts: its tag, every required key with a value
 * of the right shape, and one key of each `exactlyOne` rule. Tests that walk every descriptor of a
 * registry start from it, so a new backend is covered without a hand-written example.
 */
import { policySchema } from '../../scripts/gen-schema.js'
import type { JsonSchema } from '../../shared/config/json-schema.js'
import type { SchemaPart } from '../../shared/config/schema-parts.js'

/** Values for the shared definitions, as a user would write them. */
const BY_DEFINITION: Record<string, unknown> = {
  duration: '30s',
  percentage: 5,
  url: 'http://127.0.0.1:9/api',
  argv: ['./run.sh', '{{weight}}'],
  name: 'web',
}

/** Strings whose form the schema leaves free but the backend parses (no pattern in the fragment). */
const BY_KEY: Record<string, unknown> = {
  socket: '/run/haproxy/admin.sock',
  address: '127.0.0.1:9999',
  accountId: '1234567',
}

function definitionOf(ref: string, part: SchemaPart): JsonSchema {
  const name = ref.replace('#/definitions/', '')
  const schema = part.definitions?.[name] ?? policySchema.definitions?.[name]
  if (!schema) throw new Error(`unresolvable ${ref}`)
  return schema
}

export function sampleValue(schema: JsonSchema, part: SchemaPart): unknown {
  if (schema.$ref !== undefined) {
    const name = schema.$ref.replace('#/definitions/', '')
    return name in BY_DEFINITION ? BY_DEFINITION[name] : sampleValue(definitionOf(schema.$ref, part), part)
  }
  if (schema.const !== undefined) return schema.const
  if (schema.enum !== undefined) return schema.enum[0]
  if (schema.default !== undefined) return schema.default
  if (schema.oneOf !== undefined) return sampleValue(schema.oneOf[0] as JsonSchema, part)
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'string':
      return 'web'
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? Math.max(schema.minimum, 1) : 1
    case 'boolean':
      return false
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sampleValue(schema.items ?? { type: 'string' }, part))
    case 'object':
      return sampleObject(schema, part)
  }
  throw new Error(`no sample for ${JSON.stringify(schema).slice(0, 80)}`)
}

function sampleObject(schema: JsonSchema, part: SchemaPart, extra: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of [...(schema.required ?? []), ...extra]) {
    const property = schema.properties?.[key]
    const types = Array.isArray(property?.type) ? property.type : [property?.type]
    if (property) out[key] = key in BY_KEY && types.includes('string') ? BY_KEY[key] : sampleValue(property, part)
  }
  return out
}

/** The smallest valid block of `part` (a `traffic:` block, a metrics `provider:`, a `flags.source`). */
export function sampleBlock(part: SchemaPart): Record<string, unknown> {
  const oneOfEach = (part.rules?.exactlyOne ?? []).map((rule) => rule.keys[0] as string)
  return sampleObject(part.schema, part, oneOfEach)
}
