/**
 * Validates a YAML/JSON document in the repository (flags.yml, a flagd file) against a JSON Schema
 * and reports every problem at its file:line:column, with the policy's problem type and wording, so
 * editors, annotations and the CLI show them the same way.
 */
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv'
import { didYouMean, formatPath, oneOf, sortProblems, type PathSegment, type PolicyProblem } from '../config/problems.js'
import type { JsonSchema } from '../config/json-schema.js'
import { YamlSource } from '../config/yaml-source.js'

const Ajv = AjvModule.default

function describeFound(value: unknown): string {
  if (value === null || value === undefined) return 'nothing'
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length} item${value.length === 1 ? '' : 's'}`
  if (typeof value === 'object') return 'a mapping'
  const text = JSON.stringify(value)
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text
}

const compiled = new WeakMap<JsonSchema, ValidateFunction>()

function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema)
  if (!validate) {
    validate = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema as object)
    compiled.set(schema, validate)
  }
  return validate
}

function pathOf(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return []
  const path: PathSegment[] = []
  let node = data
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    const index = Array.isArray(node) && /^\d+$/.test(seg) ? Number(seg) : seg
    path.push(index)
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[index] : undefined
  }
  return path
}

function valueAt(path: readonly PathSegment[], data: unknown): unknown {
  let node = data
  for (const seg of path) node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[seg] : undefined
  return node
}

export interface ParsedDocument {
  source: YamlSource
  data: unknown
}

export type DocumentCheck = { ok: true; doc: ParsedDocument } | { ok: false; problems: PolicyProblem[] }

/** Parses `text` (YAML, so JSON too) and validates it; `what` names the document in messages. */
export function checkDocument(text: string, file: string, schema: JsonSchema, what: string): DocumentCheck {
  const source = new YamlSource(text, file)
  const syntax = source.syntaxProblems()
  if (syntax.length > 0) return { ok: false, problems: sortProblems(syntax) }
  if (source.doc.contents === null) {
    return { ok: false, problems: [{ file, line: 1, column: 1, path: '', message: `the ${what} is empty`, expected: 'a top-level flags: mapping' }] }
  }
  const data = source.toJS()
  const validate = validatorFor(schema)
  if (validate(data)) return { ok: true, doc: { source, data } }
  const problems = (validate.errors ?? []).map((error) => problemFor(source, data, error, schema)).filter((p): p is PolicyProblem => p !== undefined)
  const seen = new Set<string>()
  return {
    ok: false,
    problems: sortProblems(problems.filter((p) => (seen.has(`${p.line}:${p.column}:${p.message}`) ? false : (seen.add(`${p.line}:${p.column}:${p.message}`), true)))),
  }
}

function problemFor(source: YamlSource, data: unknown, error: ErrorObject, root: JsonSchema): PolicyProblem | undefined {
  const path = pathOf(error.instancePath, data)
  const params = error.params as Record<string, unknown>
  const at = (p: readonly PathSegment[], key = false): PolicyProblem => ({ file: source.file, ...source.locate(p, key ? { key: true } : {}), path: formatPath(p), message: '' })
  const schema = error.parentSchema as JsonSchema | undefined
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty)
      const allowed = Object.keys(schema?.properties ?? {})
      return { ...at([...path, key], true), message: `unknown key '${key}'${didYouMean(key, allowed)}`, ...(allowed.length ? { expected: oneOf(allowed) } : {}) }
    }
    case 'required': {
      const key = String(params.missingProperty)
      const description = schema?.properties?.[key]?.description
      return { ...at(path, true), message: `missing required key '${key}'`, ...(description ? { expected: description } : {}) }
    }
    case 'propertyNames':
      return { ...at([...path, String(params.propertyName)], true), message: `invalid flag name '${String(params.propertyName)}'`, expected: root.definitions?.flagName?.description ?? 'a flag name' }
    default: {
      if (error.propertyName !== undefined) return undefined
      const found = describeFound(valueAt(path, data))
      const expected = schema?.description ?? error.message ?? 'a valid value'
      const message =
        error.keyword === 'enum' || error.keyword === 'pattern'
          ? `invalid value for ${formatPath(path) || 'the document'}`
          : error.keyword === 'type'
            ? `${formatPath(path) || 'the document'} must be ${String(params.type)}`
            : `${formatPath(path) || 'the document'}: ${error.message ?? 'invalid'}`
      return { ...at(path), message, found, expected: error.keyword === 'enum' ? oneOf(params.allowedValues as string[]) : expected }
    }
  }
}
