/**
 * GitHub's published OpenAPI description, turned into a router and Ajv validators for the fake
 * server. It reads the committed subset (openapi-subset.json, cut from the pinned @octokit/openapi
 * by scripts/gen-github-openapi.mjs, checked by .ci/run), not the 385 MB package. The document is
 * parsed once per process; schemas are converted and validators compiled per operation on first use.
 */
import { readFileSync } from 'node:fs'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'

type Json = Record<string, unknown>

interface Spec {
  /** Path prefixes the subset keeps (as listed in the generator). */
  prefixes: string[]
  /** Every path template of the full description, kept or not. */
  allTemplates: string[]
  paths: Record<string, Record<string, Json>>
  components: { schemas: Record<string, Json>; parameters: Record<string, Json>; responses: Record<string, Json> }
}

export interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required: boolean
  schema: Json
}

export interface Operation {
  operationId: string
  method: string
  /** The templated path, e.g. `/repos/{owner}/{repo}/deployments`. */
  template: string
  parameters: Parameter[]
  /** JSON request body schema, converted; undefined when the operation takes none. */
  body: { schema: Json; required: boolean } | undefined
  /** Status → converted JSON schema of the body (undefined: no JSON body documented). */
  responses: Map<number, Json | undefined>
}

export interface Match {
  operation: Operation
  /** Raw (decoded) path parameter values. */
  pathParams: Record<string, string>
}

/**
 * Where component schemas are registered with Ajv: `#/components/schemas/deployment` becomes
 * `${COMPONENTS}schemas/deployment`. Each is converted and registered the first time an operation
 * needs it, not all 969 at start.
 */
const COMPONENTS = 'https://rollgate.test/github/components/'

interface Loaded {
  spec: Spec
  router: Router
  /** Validates bodies as they are. */
  ajv: Ajv
  /** Validates path and query parameters, which arrive as strings, coercing them to their types. */
  paramAjv: Ajv
  converted: Map<string, Json>
  registered: WeakMap<Ajv, Set<string>>
}

let loaded: Loaded | undefined

function load(): Loaded {
  if (loaded) return loaded
  const spec = JSON.parse(readFileSync(new URL('./openapi-subset.json', import.meta.url), 'utf8')) as Spec
  const makeAjv = (coerce: boolean): Ajv => {
    // strict: false because the description carries OpenAPI-only keywords (discriminator, x-*);
    // validateSchema: false because GitHub's published schemas need no meta-validation per run.
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, coerceTypes: coerce ? 'array' : false })
    addFormats.default(ajv)
    ajv.addFormat('repo.nwo', /^[^/\s]+\/[^/\s]+$/)
    // GitHub answers '' for URLs that were never set (a deployment status's log_url), although the
    // description says `format: uri`; the fake answers like GitHub, so '' must pass.
    ajv.addFormat('uri', (s: string) => s === '' || URL.canParse(s))
    return ajv
  }
  loaded = {
    spec,
    router: new Router(spec),
    ajv: makeAjv(false),
    paramAjv: makeAjv(true),
    converted: new Map(),
    registered: new WeakMap(),
  }
  return loaded
}

/** Compiles a converted schema after registering every component it reaches. */
function compile(ajv: Ajv, schema: Json): ValidateFunction {
  const { spec, converted, registered } = load()
  const done = registered.get(ajv) ?? new Set<string>()
  registered.set(ajv, done)
  const pending = [schema]
  while (pending.length > 0) {
    for (const ref of refsIn(pending.pop())) {
      if (done.has(ref)) continue
      done.add(ref)
      let component = converted.get(ref)
      if (!component) {
        const [kind = '', name = ''] = ref.slice(COMPONENTS.length).split('/')
        const raw = (spec.components as unknown as Record<string, Record<string, Json>>)[kind]?.[name]
        if (!raw) throw new Error(`fake GitHub: unresolvable $ref ${ref}`)
        const body = convertSchema(raw) as Json
        // A bare $ref next to $id would be ambiguous (draft-07 ignores siblings of $ref).
        component = '$ref' in body ? { $id: ref, allOf: [body] } : { $id: ref, ...body }
        converted.set(ref, component)
      }
      ajv.addSchema(component)
      pending.push(component)
    }
  }
  return ajv.compile(schema)
}

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsIn(item, out)
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENTS)) out.push(value)
      else if (key !== '$id') refsIn(value, out)
    }
  }
  return out
}

/** Loads the description now (e.g. in beforeAll) rather than on the first request. */
export function preloadOpenApi(): void {
  load()
}

export function matchOperation(method: string, pathname: string): Match | undefined {
  return load().router.match(method.toLowerCase(), pathname)
}

/** Whether any operation exists at this path, whatever the method. */
export function pathExists(pathname: string): boolean {
  return ['get', 'post', 'patch', 'put', 'delete'].some((m) => load().router.match(m, pathname) !== undefined)
}

/**
 * The path template of the full description this path belongs to when the committed subset does not
 * hold it (so the request needs a new prefix in the generator), or undefined.
 */
export function templateOutsideSubset(pathname: string): string | undefined {
  const parts = pathname.replace(/\/+$/, '').split('/').slice(1)
  const { spec } = load()
  const hits = spec.allTemplates
    .filter((t) => !(t in spec.paths))
    .filter((t) => matchSegments(t.split('/').slice(1), parts, false) ?? matchSegments(t.split('/').slice(1), parts, true))
  hits.sort((a, b) => literalCount(b) - literalCount(a))
  return hits[0]
}

function literalCount(template: string): number {
  return template.split('/').filter((s) => s !== '' && !s.startsWith('{')).length
}

export const SUBSET_GENERATOR = 'scripts/gen-github-openapi.mjs'

export function findOperation(operationId: string): Operation | undefined {
  return load().router.byId(operationId)
}

export interface RequestValidation {
  /** Path and query parameters, coerced to their schema types. */
  pathParams: Record<string, unknown>
  query: Record<string, unknown>
  /** Problems in the URL (answered 400) and in the body (answered 422). */
  urlProblems: string[]
  bodyProblems: string[]
}

export function validateRequest(
  operation: Operation,
  pathParams: Record<string, string>,
  query: Record<string, string | string[]>,
  body: { present: boolean; json: unknown; parseError?: string },
): RequestValidation {
  const urlProblems: string[] = []
  const bodyProblems: string[] = []
  const path = { ...pathParams } as Record<string, unknown>
  const coercedQuery = { ...query } as Record<string, unknown>
  const v = validators(operation)
  if (!v.path(path)) urlProblems.push(...describe(v.path.errors, 'path parameter'))
  if (!v.query(coercedQuery)) urlProblems.push(...describe(v.query.errors, 'query parameter'))
  if (operation.body === undefined) {
    if (body.present) bodyProblems.push(`${operation.operationId} takes no request body`)
  } else if (body.parseError !== undefined) {
    bodyProblems.push(`request body is not valid JSON: ${body.parseError}`)
  } else if (!body.present) {
    if (operation.body.required) bodyProblems.push(`request body is required by ${operation.operationId}`)
  } else if (v.body && !v.body(body.json)) {
    bodyProblems.push(...describe(v.body.errors, 'body'))
  }
  return { pathParams: path, query: coercedQuery, urlProblems, bodyProblems }
}

/**
 * Problems with a response the fake is about to send: a status the operation does not document
 * (errors are allowed everywhere, as on GitHub) or a body that does not match its schema.
 */
export function validateResponse(operation: Operation, status: number, body: unknown): string[] {
  const documented = operation.responses.has(status)
  if (!documented && status < 400) {
    return [`${operation.operationId} does not document status ${status} (documented: ${[...operation.responses.keys()].join(', ')})`]
  }
  if (status === 204 || status === 304) return body === undefined ? [] : [`status ${status} must have no body`]
  const key = `${operation.operationId} ${status}`
  let validate = responseValidators.get(key)
  if (!validate) {
    const documentedSchema = operation.responses.get(status)
    const schema = documentedSchema ?? (status >= 400 ? fallbackErrorSchema(status) : undefined)
    if (schema === undefined) return []
    validate = compile(load().ajv, schema)
    responseValidators.set(key, validate)
  }
  return validate(body) ? [] : describe(validate.errors, `response ${status}`)
}

function fallbackErrorSchema(status: number): Json {
  const name = status === 422 ? 'validation-error' : 'basic-error'
  return { $ref: `${COMPONENTS}schemas/${name}` }
}

const responseValidators = new Map<string, ValidateFunction>()
const requestValidators = new Map<string, { path: ValidateFunction; query: ValidateFunction; body: ValidateFunction | undefined }>()

function validators(operation: Operation): { path: ValidateFunction; query: ValidateFunction; body: ValidateFunction | undefined } {
  const cached = requestValidators.get(operation.operationId)
  if (cached) return cached
  const { ajv, paramAjv } = load()
  const paramsSchema = (where: 'path' | 'query'): Json => {
    const params = operation.parameters.filter((p) => p.in === where)
    return {
      type: 'object',
      properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
      required: params.filter((p) => p.required || where === 'path').map((p) => p.name),
      // GitHub ignores unknown query parameters, so a misspelt `per_page` would go unnoticed there.
      additionalProperties: false,
    }
  }
  const created = {
    path: compile(paramAjv, paramsSchema('path')),
    query: compile(paramAjv, paramsSchema('query')),
    body: operation.body ? compile(ajv, closeTopLevel(operation.body.schema)) : undefined,
  }
  requestValidators.set(operation.operationId, created)
  return created
}

/**
 * GitHub silently ignores body fields it does not know, which hides typos (`enviroment: 'prod'`
 * deploys to production). The fake rejects unknown top-level fields of plain object bodies.
 */
function closeTopLevel(schema: Json): Json {
  const plainObject = schema['type'] === 'object' && isObject(schema['properties'])
  const composed = 'allOf' in schema || 'anyOf' in schema || 'oneOf' in schema
  if (!plainObject || composed || 'additionalProperties' in schema) return schema
  return { ...schema, additionalProperties: false }
}

function describe(errors: ErrorObject[] | null | undefined, where: string): string[] {
  if (!errors) return [`${where} is invalid`]
  const lines = errors.map((e) => {
    const at = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : ''
    const subject = where === 'body' || where.startsWith('response') ? `${where}${at ? `.${at}` : ''}` : `${where} "${at}"`
    const params = e.params as Record<string, unknown>
    switch (e.keyword) {
      case 'required':
        return where.endsWith('parameter')
          ? `${where} "${String(params['missingProperty'])}" is required`
          : `${subject} is missing required field "${String(params['missingProperty'])}"`
      case 'additionalProperties':
        return where.endsWith('parameter')
          ? `${where} "${String(params['additionalProperty'])}" is not accepted by this operation`
          : `${subject} has unknown field "${String(params['additionalProperty'])}"`
      case 'enum':
        return `${subject} must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
      default:
        return `${subject} ${e.message ?? 'is invalid'}`
    }
  })
  return [...new Set(lines)]
}

class Router {
  private readonly routes = new Map<string, { template: string; segments: string[]; literals: number; raw: Json }[]>()
  private readonly operations = new Map<string, Operation>()
  private readonly idIndex = new Map<string, { method: string; template: string }>()

  constructor(private readonly spec: Spec) {
    for (const [template, item] of Object.entries(spec.paths)) {
      const segments = template.split('/').slice(1)
      const literals = segments.filter((s) => !s.startsWith('{')).length
      for (const [method, raw] of Object.entries(item)) {
        if (!isObject(raw) || typeof raw['operationId'] !== 'string') continue
        const list = this.routes.get(method) ?? []
        list.push({ template, segments, literals, raw })
        this.routes.set(method, list)
        this.idIndex.set(raw['operationId'], { method, template })
      }
    }
    // Most literal segments first: `/repos/{o}/{r}/git/refs` must win over `/repos/{o}/{r}/{x}/{y}`.
    for (const list of this.routes.values()) list.sort((a, b) => b.literals - a.literals)
  }

  byId(operationId: string): Operation | undefined {
    const where = this.idIndex.get(operationId)
    if (!where) return undefined
    const route = this.routes.get(where.method)?.find((r) => r.template === where.template)
    return route ? this.operation(where.method, route) : undefined
  }

  match(method: string, pathname: string): Match | undefined {
    const parts = pathname.replace(/\/+$/, '').split('/').slice(1)
    const candidates = this.routes.get(method) ?? []
    for (const greedyTail of [false, true]) {
      for (const route of candidates) {
        const params = matchSegments(route.segments, parts, greedyTail)
        if (params) return { operation: this.operation(method, route), pathParams: params }
      }
    }
    return undefined
  }

  private operation(method: string, route: { template: string; raw: Json }): Operation {
    const id = route.raw['operationId'] as string
    const existing = this.operations.get(id)
    if (existing) return existing
    const operation = buildOperation(this.spec, method, route.template, route.raw)
    this.operations.set(id, operation)
    return operation
  }
}

/** Trailing parameters whose values contain `/` (file paths, ref names). */
const SLASHED_PARAMS = new Set(['{path}', '{ref}', '{branch}', '{dir}', '{basehead}'])

/**
 * Octokit percent-encodes `/` inside a parameter (`heads%2Fmain`), but a client may also send it raw
 * (`contents/docs/a.md`); a trailing path or ref parameter may then span several segments.
 */
function matchSegments(template: string[], parts: string[], greedyTail: boolean): Record<string, string> | undefined {
  const last = template[template.length - 1] ?? ''
  const tailIsParam = SLASHED_PARAMS.has(last)
  if (greedyTail ? !(tailIsParam && parts.length > template.length) : parts.length !== template.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < template.length; i++) {
    const segment = template[i] ?? ''
    const isLast = i === template.length - 1
    const part = greedyTail && isLast ? parts.slice(i).join('/') : (parts[i] ?? '')
    if (segment.startsWith('{')) {
      if (part === '') return undefined
      let decoded: string
      try {
        decoded = decodeURIComponent(part)
      } catch {
        return undefined
      }
      params[segment.slice(1, -1)] = decoded
    } else if (segment !== part) {
      return undefined
    }
  }
  return params
}

function buildOperation(spec: Spec, method: string, template: string, raw: Json): Operation {
  const parameters = ((raw['parameters'] as Json[] | undefined) ?? []).map((p) => {
    const resolved = resolveRef(spec, p)
    return {
      name: resolved['name'] as string,
      in: resolved['in'] as Parameter['in'],
      required: resolved['required'] === true,
      schema: convertSchema(resolved['schema'] ?? {}) as Json,
    }
  })
  const requestBody = raw['requestBody'] as Json | undefined
  const bodyContent = (requestBody?.['content'] as Record<string, Json> | undefined)?.['application/json']
  const responses = new Map<number, Json | undefined>()
  for (const [status, response] of Object.entries((raw['responses'] as Record<string, Json> | undefined) ?? {})) {
    const resolved = resolveRef(spec, response)
    const content = (resolved['content'] as Record<string, Json> | undefined)?.['application/json']
    responses.set(Number(status), content?.['schema'] ? (convertSchema(content['schema']) as Json) : undefined)
  }
  return {
    operationId: raw['operationId'] as string,
    method,
    template,
    parameters,
    body: bodyContent ? { schema: convertSchema(bodyContent['schema'] ?? {}) as Json, required: requestBody?.['required'] === true } : undefined,
    responses,
  }
}

function resolveRef(spec: Spec, node: Json): Json {
  const ref = node['$ref']
  if (typeof ref !== 'string') return node
  const [, , kind, name] = ref.split('/')
  const target = (spec.components as unknown as Record<string, Record<string, Json>>)[kind ?? '']?.[name ?? '']
  if (!target) throw new Error(`fake GitHub: unresolvable $ref ${ref}`)
  return resolveRef(spec, target)
}

/** Keys whose value is a map from names to schemas: their keys are names, not keywords. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs'])
/** Documentation-only keywords, dropped to keep compiled validators small. */
const DROPPED = new Set(['description', 'example', 'examples', 'title', 'discriminator', 'externalDocs', 'readOnly', 'writeOnly', 'deprecated', 'xml'])

/**
 * OpenAPI 3.0 schema → JSON Schema Ajv understands:
 * - `nullable: true` (not JSON Schema) becomes `type: [T, 'null']` (and `null` in an enum), or an
 *   `anyOf` with `{type: 'null'}` when the schema has no plain type (a `$ref`, `allOf`...);
 * - `oneOf` becomes `anyOf`: GitHub's description lists overlapping alternatives (an object that
 *   matches two branches is a valid answer from GitHub, yet fails `oneOf`);
 * - local refs point at where compile() registers the components.
 */
export function convertSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convertSchema)
  if (!isObject(node)) return node
  const out: Json = {}
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key) || key === 'nullable' || key.startsWith('x-')) continue
    if (key === '$ref' && typeof value === 'string') out['$ref'] = value.startsWith('#/components/') ? `${COMPONENTS}${value.slice('#/components/'.length)}` : value
    else if (SCHEMA_MAPS.has(key) && isObject(value)) out[key] = mapValues(value, convertSchema)
    else if (key === 'oneOf') out['anyOf'] = convertSchema(value)
    else if (key === 'enum' || key === 'required' || key === 'default' || key === 'const') out[key] = value
    else out[key] = convertSchema(value)
  }
  if (node['nullable'] !== true) return out
  const composed = ['$ref', 'allOf', 'anyOf', 'oneOf'].some((k) => k in node)
  if (typeof out['type'] === 'string' && !composed) {
    out['type'] = [out['type'], 'null']
    if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...(out['enum'] as unknown[]), null]
    return out
  }
  return Object.keys(out).length === 0 ? out : { anyOf: [out, { type: 'null' }] }
}

function mapValues<T, U>(object: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fn(v)]))
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
