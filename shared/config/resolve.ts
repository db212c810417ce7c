import { builtinGrammar, type PolicyGrammar } from './grammar.js'
import type { JsonSchema } from './json-schema.js'
import { isRecord, refName, type SchemaWalk } from './schema-walk.js'
import { parseDuration, parsePercent } from './units.js'

function matches(walk: SchemaWalk, schema: JsonSchema, value: unknown): boolean {
  const name = refName(schema)
  if (name === 'duration') return typeof value === 'string' && parseDuration(value) !== null
  const node = walk.deref(schema)
  if (node.const !== undefined) return node.const === value
  if (node.enum !== undefined) return node.enum.includes(value as string)
  return true
}

function clone<T>(value: T): T {
  return structuredClone(value)
}

/**
 * Walks a valid document with its schema: fills in every `default`, turns durations into
 * milliseconds and percentages into fractions. The generated `Policy` type follows the same rules.
 */
function resolveValue(walk: SchemaWalk, schema: JsonSchema, value: unknown): unknown {
  const name = refName(schema)
  if (name === 'duration') return parseDuration(String(value))
  if (name === 'percentage') return (parsePercent(value as string | number) as number) / 100
  let node = walk.deref(schema)
  if (node.discriminator !== undefined) node = walk.branchFor(node, value) ?? node
  else if (node.oneOf !== undefined) {
    const branch = node.oneOf.find((b) => matches(walk, b, value))
    return branch === undefined ? value : resolveValue(walk, branch, value)
  }
  if (Array.isArray(value)) return node.items ? value.map((item) => resolveValue(walk, node.items as JsonSchema, item)) : value
  if (!isRecord(value)) return value

  const out: Record<string, unknown> = {}
  const properties = node.properties ?? {}
  for (const [key, property] of Object.entries(properties)) {
    const given = value[key] !== undefined ? value[key] : property.default !== undefined ? clone(property.default) : undefined
    if (given !== undefined) out[key] = resolveValue(walk, property, given)
  }
  const rest = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined
  for (const [key, item] of Object.entries(value)) {
    if (key in properties) continue
    out[key] = rest ? resolveValue(walk, rest, item) : item
  }
  return out
}

export function resolvePolicyValue(data: unknown, grammar: PolicyGrammar = builtinGrammar): unknown {
  return resolveValue(grammar.walk, grammar.schema, data)
}
