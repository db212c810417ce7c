/**
 * Building blocks of the policy schema, shared by shared/config/schema.ts and each backend's schema
 * fragment (shared/traffic/*.ts, shared/metrics/*.ts, shared/flags/sources/*.ts). Imports only the
 * schema type, so a backend can use it without reaching the rest of config/.
 */
import type { JsonSchema } from './json-schema.js'

// Authoring helpers: they only build plain JSON, so the generated file is flat and editor-friendly.

export function ref(name: string, description: string, extra: JsonSchema = {}): JsonSchema {
  return { $ref: `#/definitions/${name}`, description, ...extra }
}

export function str(description: string, extra: JsonSchema = {}): JsonSchema {
  return { type: 'string', minLength: 1, description, ...extra }
}

export function bool(description: string, fallback: boolean): JsonSchema {
  return { type: 'boolean', description, default: fallback }
}

export function list(description: string, items: JsonSchema, extra: JsonSchema = {}): JsonSchema {
  return { type: 'array', description, items, ...extra }
}

export function object(description: string, properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  const schema: JsonSchema = { type: 'object', description, properties, additionalProperties: false }
  if (required.length > 0) schema.required = required
  return schema
}

/** One branch of a discriminated union: `tag: value` plus its own keys. */
export function variant(
  tag: string,
  value: string,
  description: string,
  properties: Record<string, JsonSchema>,
  required: string[] = [],
): JsonSchema {
  return object(description, { [tag]: { const: value, description: `Selects this ${tag}: \`${value}\`.` }, ...properties }, [
    tag,
    ...required,
  ])
}

export function union(tag: string, description: string, branches: string[], extra: JsonSchema = {}): JsonSchema {
  return {
    type: 'object',
    description,
    discriminator: { propertyName: tag },
    oneOf: branches.map((name) => ({ $ref: `#/definitions/${name}` })),
    ...extra,
  }
}

/** The kubectl options every Kubernetes traffic backend takes. */
export const kubernetes = {
  context: str('kubectl context to use (`--context`); the current context when unset.'),
  kubeconfig: str('Path to a kubeconfig file (`--kubeconfig`); kubectl\'s default when unset.'),
  server: str('API server address (`kubectl --server`), for unusual setups; the kubeconfig\'s when unset.'),
}

/** Every metrics provider retries the same way (shared/http/client.ts). */
export const request = {
  timeout: ref('duration', 'How long one request may take, body included, before it counts as failed.', { default: '10s' }),
  retries: {
    type: 'integer',
    minimum: 0,
    maximum: 10,
    description: 'Further attempts after timeouts, network errors, 5xx and 429 responses.',
    default: 2,
  } satisfies JsonSchema,
}

export const endpoint = ref('url', 'Overrides the API URL (a proxy, a VPC endpoint, LocalStack).')

/**
 * Exactly one of `keys` must be set in a backend's block: a rule the schema cannot state with the
 * error messages we want, checked with the policy (file:line:column).
 */
export interface ExactlyOneRule {
  keys: string[]
  message: string
  expected: string
}

/** What the policy checks of a backend beyond its schema fragment. Plain data: it is generated into the loader. */
export interface BackendRules {
  exactlyOne?: ExactlyOneRule[]
  /** `{{name}}` placeholders its queries may use besides the built-in ones (http: `query`). */
  placeholders?: string[]
}

/**
 * A backend's part of the policy schema: the value of its union's tag (`provider:` for traffic,
 * `type:` for metrics and flag sources), the name of its definition, the fragment, any definitions
 * only it uses (placed right after its own), and its rules.
 */
export interface SchemaPart {
  readonly type: string
  /** Name of its definition in the policy schema (`#/definitions/<definition>`). */
  readonly definition: string
  readonly schema: JsonSchema
  readonly definitions?: Readonly<Record<string, JsonSchema>>
  readonly rules?: BackendRules
}

/** A traffic backend's part: its schema part and what its engine can do besides weights. */
export interface TrafficPart extends SchemaPart {
  /**
   * Its engine copies requests to the canary, so a step may say `mirror:` (Gateway API's
   * RequestMirror filter, Istio's `mirror`). The policy checks refuse `mirror:` for every other backend.
   */
  readonly mirrors?: boolean
}

/** Every backend the policy knows, by kind, in the order the schema lists them. */
export interface PolicyParts {
  traffic: readonly TrafficPart[]
  metrics: readonly SchemaPart[]
  flagSources: readonly SchemaPart[]
}

/** The rules of every backend, by kind and tag value: what the loader checks beyond the schema. */
export interface PolicyRules {
  traffic: Record<string, BackendRules>
  metrics: Record<string, BackendRules>
  /** Rules of the flag sources, by `type:` (checked on `flags.source` like the others on their blocks). */
  flagSources: Record<string, BackendRules>
  /** The `provider:` of every traffic backend that mirrors (`mirrors: true`), in registry order. */
  mirroring: string[]
}

export function rulesOf(parts: PolicyParts): PolicyRules {
  const byType = (list: readonly SchemaPart[]): Record<string, BackendRules> =>
    Object.fromEntries(list.filter((p) => p.rules !== undefined).map((p) => [p.type, p.rules as BackendRules]))
  return { traffic: byType(parts.traffic), metrics: byType(parts.metrics), flagSources: byType(parts.flagSources), mirroring: parts.traffic.filter((p) => p.mirrors === true).map((p) => p.type) }
}
