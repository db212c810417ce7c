/**
 * A backend's options at the registry's door: the loaded block (`traffic:`, a template's `provider:`,
 * `flags.source`; defaults applied, durations in milliseconds, percentages as fractions) checked
 * against the backend's own schema fragment before its `create` runs. The fragment is the policy's
 * spelling, so every error names the key as the user wrote it, under its policy path
 * (`traffic.route`, `environments.production.traffic.stable.host`), never the provider's own option
 * name. The loader has already said the same at file:line:column for a policy file; this is for every
 * other way a block reaches a backend (the demo, replay, a test, a library user).
 */
import { ConfigError } from '../errors.js'
import type { JsonSchema } from './json-schema.js'
import { policySchema } from './policy-schema.generated.js'
import type { SchemaPart } from './schema-parts.js'
import { isRecord, refName, shortDescription } from './schema-walk.js'

/** Loaded forms of the shared definitions the loader converts (shared/config/resolve.ts). */
const CONVERTED: Record<string, { ok: (v: unknown) => boolean; expected: string }> = {
  duration: { ok: (v) => typeof v === 'number' && Number.isFinite(v) && v > 0, expected: 'a duration in milliseconds (a number greater than 0)' },
  percentage: { ok: (v) => typeof v === 'number' && v >= 0 && v <= 1, expected: 'a fraction from 0 to 1' },
}

/** Throws a ConfigError naming the first option of `block` that its descriptor's fragment refuses. */
export function checkBackendOptions(part: SchemaPart, block: unknown, at: string, noun: string): void {
  const problem = new OptionCheck(part, `the ${part.type} ${noun}`).check(part.schema, block, at)
  if (problem !== undefined) throw new ConfigError(problem)
}

class OptionCheck {
  constructor(
    private readonly part: SchemaPart,
    private readonly owner: string,
  ) {}

  private deref(schema: JsonSchema): JsonSchema {
    let current = schema
    for (let depth = 0; current.$ref !== undefined && depth < 20; depth++) {
      const name = refName(current) as string
      const target = this.part.definitions?.[name] ?? policySchema.definitions?.[name]
      if (target === undefined) throw new Error(`${this.part.type}: unresolvable ${current.$ref}`)
      current = target
    }
    return current
  }

  /** The first problem of `value` at `path`, or undefined. */
  check(schema: JsonSchema, value: unknown, path: string): string | undefined {
    const converted = CONVERTED[refName(schema) ?? '']
    if (converted) return converted.ok(value) ? undefined : wrong(path, converted.expected, value)
    const node = this.deref(schema)
    if (node.const !== undefined) return value === node.const ? undefined : wrong(path, JSON.stringify(node.const), value)
    if (node.enum !== undefined) return node.enum.includes(value as never) ? undefined : wrong(path, `one of ${node.enum.map((e) => JSON.stringify(e)).join(', ')}`, value)
    if (node.oneOf !== undefined) return this.union(node, value, path)
    const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type]
    const type = types.find((t) => hasType(t, value))
    if (types.length > 0 && type === undefined) return wrong(path, types.map(typeWords).join(' or '), value)
    if (typeof value === 'string' && node.minLength !== undefined && value.length < node.minLength) return wrong(path, 'non-empty text', value)
    if (typeof value === 'number') {
      if (node.minimum !== undefined && value < node.minimum) return wrong(path, `at least ${node.minimum}`, value)
      if (node.maximum !== undefined && value > node.maximum) return wrong(path, `at most ${node.maximum}`, value)
    }
    if (Array.isArray(value)) {
      if (node.minItems !== undefined && value.length < node.minItems) return wrong(path, `a list of at least ${node.minItems} item${node.minItems === 1 ? '' : 's'}`, value)
      for (const [i, item] of value.entries()) {
        const p = node.items ? this.check(node.items, item, `${path}[${i}]`) : undefined
        if (p !== undefined) return p
      }
    }
    if (isRecord(value)) return this.object(node, value, path)
    return undefined
  }

  private object(node: JsonSchema, value: Record<string, unknown>, path: string): string | undefined {
    for (const key of node.required ?? []) {
      if (value[key] !== undefined) continue
      const about = shortDescription(node.properties?.[key])
      return `${path}.${key}: missing; ${this.owner} needs it${about === undefined ? '' : ` (${about})`}`
    }
    for (const [key, property] of Object.entries(node.properties ?? {})) {
      if (value[key] === undefined) continue
      const p = this.check(property, value[key], `${path}.${key}`)
      if (p !== undefined) return p
    }
    const rest = node.additionalProperties
    if (typeof rest === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (node.properties?.[key] !== undefined) continue
        const p = this.check(rest, item, `${path}.${key}`)
        if (p !== undefined) return p
      }
    }
    return undefined
  }

  private union(node: JsonSchema, value: unknown, path: string): string | undefined {
    const branches = node.oneOf ?? []
    const tag = node.discriminator?.propertyName
    if (tag !== undefined) {
      const tags = branches.map((b) => this.deref(b).properties?.[tag]?.const)
      if (!isRecord(value)) return wrong(path, `a mapping with ${tag}: ${tags.join(', ')}`, value)
      const index = tags.indexOf(value[tag] as never)
      if (index === -1) return wrong(`${path}.${tag}`, `one of ${tags.join(', ')}`, value[tag])
      return this.check(branches[index] as JsonSchema, value, path)
    }
    const problems = branches.map((b) => this.check(b, value, path))
    return problems.includes(undefined) ? undefined : problems[0]
  }
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'integer':
      return Number.isInteger(value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'array':
      return Array.isArray(value)
    case 'object':
      return isRecord(value)
    default:
      return true
  }
}

function typeWords(type: string): string {
  return { string: 'text', integer: 'a whole number', number: 'a number', boolean: 'true or false', array: 'a list', object: 'a mapping' }[type] ?? type
}

function wrong(path: string, expected: string, value: unknown): string {
  return `${path}: expected ${expected}, got ${value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value))}`
}
