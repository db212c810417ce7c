import type { ErrorObject } from 'ajv'
import { builtinGrammar, type PolicyGrammar } from './grammar.js'
import type { PathSegment, PolicyProblem } from './problems.js'
import { didYouMean, formatPath, oneOf } from './problems.js'
import { shortDescription, valueAt, type SchemaWalk } from './schema-walk.js'
import type { Substitutions, YamlSource } from './yaml-source.js'

/** Found values are shown briefly; long queries would drown the message. */
export function describeFound(value: unknown): string {
  if (value === null || value === undefined) return 'nothing'
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length} item${value.length === 1 ? '' : 's'}`
  if (typeof value === 'object') return 'a mapping'
  const text = JSON.stringify(value)
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text
}

function decodePointer(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return []
  const path: PathSegment[] = []
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    // Array indexes are numbers so paths print as steps[2]; a mapping key stays text even when numeric.
    path.push(Array.isArray(valueAt(path, data)) && /^\d+$/.test(seg) ? Number(seg) : seg)
  }
  return path
}

function label(path: readonly PathSegment[]): string {
  const last = path[path.length - 1]
  if (last === undefined) return 'policy'
  if (typeof last === 'number') return `${label(path.slice(0, -1))}[${last}]`
  return last
}

interface Context {
  source: YamlSource
  data: unknown
  substitutions: Substitutions
  walk: SchemaWalk
}

function problem(ctx: Context, path: readonly PathSegment[], message: string, extra: { found?: string; expected?: string; key?: boolean } = {}): PolicyProblem {
  const where = ctx.source.locate(path, extra.key ? { key: true } : {})
  const out: PolicyProblem = { file: ctx.source.file, ...where, path: formatPath(path), message }
  if (extra.found !== undefined) out.found = extra.found
  if (extra.expected !== undefined) out.expected = extra.expected
  return out
}

function found(ctx: Context, path: readonly PathSegment[]): string {
  // A value that came from the environment is shown as written: it may hold a secret.
  const written = ctx.substitutions.written.get(formatPath(path))
  if (written !== undefined) return `${JSON.stringify(written)} (after substitution)`
  return describeFound(valueAt(path, ctx.data))
}

function mapError(ctx: Context, error: ErrorObject): PolicyProblem | undefined {
  const { deref, describeExpected, objectSchemaAt, schemaAt, tagValues } = ctx.walk
  const path = decodePointer(error.instancePath, ctx.data)
  const params = error.params as Record<string, unknown>

  // Errors from inside `propertyNames` are reported once, by the propertyNames error that names the key.
  if (error.propertyName !== undefined) return undefined

  switch (error.keyword) {
    case 'propertyNames': {
      const name = String(params.propertyName)
      const names = deref(schemaAt(path, ctx.data) ?? {}).propertyNames
      return problem(ctx, [...path, name], `invalid name '${name}'`, { key: true, ...(names ? { expected: describeExpected(names) } : {}) })
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty)
      const allowed = Object.keys(objectSchemaAt(path, ctx.data)?.properties ?? {})
      return problem(ctx, [...path, key], `unknown key '${key}'${didYouMean(key, allowed)}`, {
        key: true,
        ...(allowed.length > 0 ? { expected: oneOf(allowed) } : {}),
      })
    }
    case 'required': {
      const key = String(params.missingProperty)
      const description = shortDescription(objectSchemaAt(path, ctx.data)?.properties?.[key])
      return problem(ctx, path, `missing required key '${key}' in ${label(path)}`, { key: true, ...(description === undefined ? {} : { expected: description }) })
    }
    case 'discriminator': {
      const tag = String(params.tag)
      const union = deref(schemaAt(path, ctx.data) ?? {})
      const allowed = tagValues(union)
      const value = valueAt([...path, tag], ctx.data)
      if (value === undefined) return problem(ctx, path, `missing required key '${tag}' in ${label(path)}`, { key: true, expected: oneOf(allowed) })
      const text = typeof value === 'string' ? value : JSON.stringify(value)
      return problem(ctx, [...path, tag], `unknown ${tag} '${text}'${didYouMean(text, allowed)}`, { expected: oneOf(allowed) })
    }
    case 'type': {
      const schema = schemaAt(path, ctx.data)
      return problem(ctx, path, `${label(path)} has the wrong type`, {
        found: found(ctx, path),
        ...(schema ? { expected: describeExpected(schema) } : {}),
      })
    }
    case 'minItems':
      return problem(ctx, path, `${label(path)} needs at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`, { found: found(ctx, path) })
    default: {
      const schema = schemaAt(path, ctx.data)
      const value = valueAt(path, ctx.data)
      const allowed = schema ? deref(schema).enum : undefined
      const hint = typeof value === 'string' && allowed ? didYouMean(value, allowed.map(String)) : ''
      return problem(ctx, path, `invalid ${label(path)}${hint}`, {
        found: found(ctx, path),
        ...(schema ? { expected: describeExpected(schema) } : {}),
      })
    }
  }
}

const NAME_KEYWORDS = new Set(['pattern', 'minLength', 'maxLength', 'type', 'enum', 'const'])

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`)
}

/**
 * Validates against the grammar's validator (the generated, precompiled one by default) and turns Ajv's errors into one
 * problem per mistake: a failed `oneOf` (e.g. `pause: manual | duration`) is one problem, not one per
 * branch; values still holding an unset `${NAME}` are not judged by their pattern.
 */
export function schemaProblems(source: YamlSource, data: unknown, substitutions: Substitutions, grammar: PolicyGrammar = builtinGrammar): PolicyProblem[] {
  const { validate } = grammar
  if (validate(data)) return []
  const errors = validate.errors ?? []
  const ctx: Context = { source, data, substitutions, walk: grammar.walk }
  const collapsed = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath)
  // A bad key name yields the name schema's own error on the mapping too; the propertyNames one names the key.
  const named = new Set(errors.filter((e) => e.keyword === 'propertyNames').map((e) => e.instancePath))
  const kept = errors.filter(
    (e) =>
      (e.keyword === 'oneOf' || !collapsed.some((p) => isUnder(e.instancePath, p))) &&
      (e.keyword === 'propertyNames' || !named.has(e.instancePath) || !NAME_KEYWORDS.has(e.keyword)),
  )
  const problems: PolicyProblem[] = []
  const seen = new Set<string>()
  for (const error of kept) {
    if (substitutions.unresolved.size > 0) {
      const path = formatPath(decodePointer(error.instancePath, data))
      if (substitutions.unresolved.has(path) && error.keyword !== 'type') continue
    }
    const mapped = mapError(ctx, error)
    if (mapped === undefined) continue
    const key = `${mapped.line}:${mapped.column}:${mapped.message}`
    if (seen.has(key)) continue
    seen.add(key)
    problems.push(mapped)
  }
  return problems
}
