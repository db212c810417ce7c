import type { JsonSchema } from './json-schema.js'
import { DURATION_HELP } from './units.js'
import type { PathSegment } from './problems.js'
import { oneOf } from './problems.js'

/** Names of definitions whose values the loader converts (see schema.ts). */
export function refName(schema: JsonSchema): string | undefined {
  return schema.$ref?.replace('#/definitions/', '')
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The value at `path` in `data`. */
export function valueAt(path: readonly PathSegment[], data: unknown): unknown {
  let value = data
  for (const seg of path) {
    if (Array.isArray(value) && typeof seg === 'number') value = value[seg]
    else if (isRecord(value)) value = value[String(seg)]
    else return undefined
  }
  return value
}

const NAMED_HELP: Record<string, string> = {
  duration: DURATION_HELP,
  percentage: 'a percentage from 0% to 100%, such as 5%',
  url: 'an http:// or https:// URL',
  name: 'a name of letters, digits, -, _ and ., starting with a letter or digit',
  variableName: 'a placeholder name of letters, digits, _, . and -, starting with a letter or _',
  environmentName: 'an environment name of letters, digits, spaces and - _ . /',
  argv: 'a list of command arguments, such as [./set-weight.sh, "{{weight}}"]',
  headers: 'a mapping of header names to text',
  role: 'a role: read, triage, write, maintain, admin or a custom role name',
}

function range(schema: JsonSchema, whole: boolean): string {
  const noun = whole ? 'a whole number' : 'a number'
  const low = schema.minimum ?? schema.exclusiveMinimum
  const high = schema.maximum ?? schema.exclusiveMaximum
  const lowWord = schema.exclusiveMinimum !== undefined ? 'greater than' : 'at least'
  const highWord = schema.exclusiveMaximum !== undefined ? 'less than' : 'at most'
  if (low !== undefined && high !== undefined) {
    if (schema.minimum !== undefined && schema.maximum !== undefined) return `${noun} from ${low} to ${high}`
    return `${noun} ${lowWord} ${low} and ${highWord} ${high}`
  }
  if (low !== undefined) return `${noun} ${lowWord} ${low}`
  if (high !== undefined) return `${noun} ${highWord} ${high}`
  return noun
}

/** The schema walks the loader needs, over one policy schema (the built-in one or a test's). */
export interface SchemaWalk {
  /** Follows `$ref`s to the schema that constrains the value. */
  deref(schema: JsonSchema): JsonSchema
  /** The branch of a discriminated union that `value` selects, or undefined when its tag selects none. */
  branchFor(schema: JsonSchema, value: unknown): JsonSchema | undefined
  tagValues(schema: JsonSchema): string[]
  /** The schema for the value at `path` in `data`, not dereferenced; undefined where the data cannot say. */
  schemaAt(path: readonly PathSegment[], data: unknown): JsonSchema | undefined
  /** Object schema (after refs and the data's union branch) for the mapping at `path`. */
  objectSchemaAt(path: readonly PathSegment[], data: unknown): JsonSchema | undefined
  /** What a schema accepts, in words a user reads in an error message. */
  describeExpected(schema: JsonSchema): string
}

export function schemaWalk(root: JsonSchema): SchemaWalk {
  const definitions = root.definitions ?? {}

  /** Follows `$ref`s to the schema that constrains the value. */
  function deref(schema: JsonSchema): JsonSchema {
    let current = schema
    for (let depth = 0; current.$ref !== undefined && depth < 20; depth++) {
      const target = definitions[refName(current) as string]
      if (target === undefined) throw new Error(`unresolvable ${current.$ref}`)
      current = target
    }
    return current
  }


  /** The branch of a discriminated union that `value` selects, or undefined when its tag selects none. */
  function branchFor(schema: JsonSchema, value: unknown): JsonSchema | undefined {
    const tag = schema.discriminator?.propertyName
    if (tag === undefined || !isRecord(value)) return undefined
    return (schema.oneOf ?? []).map(deref).find((branch) => branch.properties?.[tag]?.const === value[tag])
  }

  function tagValues(schema: JsonSchema): string[] {
    const tag = schema.discriminator?.propertyName
    if (tag === undefined) return []
    return (schema.oneOf ?? []).map((b) => String(deref(b).properties?.[tag]?.const))
  }

  /**
   * The schema for the value at `path` in `data`, not dereferenced (so a `duration` stays recognisable).
   * Walks through discriminated unions by the data's tag; stops (undefined) where the data cannot say.
   */
  function schemaAt(path: readonly PathSegment[], data: unknown): JsonSchema | undefined {
    let schema: JsonSchema = root
    let value = data
    for (const seg of path) {
      let node = deref(schema)
      if (node.discriminator !== undefined) {
        const branch = branchFor(node, value)
        if (branch === undefined) return undefined
        node = branch
      }
      if (typeof seg === 'number') {
        if (node.items === undefined || !Array.isArray(value)) return undefined
        schema = node.items
        value = value[seg]
      } else {
        const next = node.properties?.[seg] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined)
        if (next === undefined) return undefined
        schema = next
        value = isRecord(value) ? value[seg] : undefined
      }
    }
    return schema
  }

  /** Object schema (after refs and the data's union branch) for the mapping at `path`. */
  function objectSchemaAt(path: readonly PathSegment[], data: unknown): JsonSchema | undefined {
    const schema = schemaAt(path, data)
    if (schema === undefined) return undefined
    const node = deref(schema)
    return node.discriminator !== undefined ? branchFor(node, valueAt(path, data)) : node
  }

  /** What a schema accepts, in words a user reads in an error message. */
  function describeExpected(schema: JsonSchema): string {
    const name = refName(schema)
    if (name !== undefined) {
      const help = NAMED_HELP[name]
      if (help !== undefined) return help
      return describeExpected(deref(schema))
    }
    if (schema.const !== undefined) return String(schema.const)
    if (schema.enum !== undefined) return oneOf(schema.enum)
    if (schema.discriminator !== undefined) return `a mapping with ${schema.discriminator.propertyName}: ${oneOf(tagValues(schema))}`
    if (schema.oneOf !== undefined) return schema.oneOf.map(describeExpected).join(' or ')
    const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type]
    const words = types.map((type) => {
      switch (type) {
        case 'integer':
          return range(schema, true)
        case 'number':
          return range(schema, false)
        case 'boolean':
          return 'true or false'
        case 'string':
          return schema.pattern !== undefined ? `text matching ${schema.pattern}` : 'text'
        case 'array': {
          const item = schema.items ? describeExpected(schema.items) : 'anything'
          const atLeast = schema.minItems !== undefined && schema.minItems > 0 ? `at least ${schema.minItems} ` : ''
          return `a list of ${atLeast}items, each ${item}`
        }
        case 'object':
          return 'a mapping'
      }
    })
    return words.join(' or ') || 'a value'
  }
  return { deref, branchFor, tagValues, schemaAt, objectSchemaAt, describeExpected }
}

/** The first sentence of a description, for "missing key" messages. */
export function shortDescription(schema: JsonSchema | undefined): string | undefined {
  const text = schema?.description
  if (text === undefined) return undefined
  // The first `.` or `:` that ends a sentence: not the one of an abbreviation such as `e.g.`.
  const first = /^((?:e\.g\.|i\.e\.|.)*?[.:])(\s|$)/.exec(text)?.[1] ?? text
  // `Name of the route` reads `name of the route` after "expected"; `API key` and `URL` keep their capitals.
  return first.replace(/[.:]$/, '').replace(/^[A-Z](?![A-Z])/, (c) => c.toLowerCase())
}
