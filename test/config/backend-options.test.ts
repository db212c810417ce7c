/**
 * Every backend's option errors name the key as the policy spells it, with its policy path. Walks
 * EVERY traffic, metrics and flag-source descriptor of the registries and, for each option of its
 * schema fragment:
 * - the loader: a required option missing, or any option of the wrong type, is a problem at that
 *   option's policy path (`environments.staging.traffic.route`) that names the key;
 * - the registry (`createTrafficProvider`, `createMetricsProvider`, `createFlagSource`, given a loaded
 *   block as the demo, replay or a library user would): the error starts with the policy path and
 *   the key (`traffic.route: …`, or under a path the caller gives);
 * - the backend itself: text that passes the schema but not the backend (blank, `"  "`) is refused,
 *   if at all, under the policy's key, never the provider's own option name (istio's `routeName` is
 *   the policy's `route`, aws-lambda's `functionName` its `function`, haproxy's `stableServer` its
 *   `stable`, a destination's `host` is `stable.host`).
 * A new descriptor is covered by its registry line alone: the blocks come from its fragment.
 */
import { describe, expect, it } from 'vitest'
import { POLICY_PARTS } from '../../scripts/gen-schema.js'
import { streamLogger } from '../../shared/action/logger.js'
import { ConfigError } from '../../shared/errors.js'
import type { JsonSchema } from '../../shared/config/json-schema.js'
import { checkPolicy } from '../../shared/config/load.js'
import { formatProblem } from '../../shared/config/problems.js'
import type { SchemaPart } from '../../shared/config/schema-parts.js'
import { createFlagSource } from '../../shared/flags/sources/list.js'
import { createMetricsProvider } from '../../shared/metrics/registry.js'
import { createTrafficProvider } from '../../shared/traffic/registry.js'
import { policySchema } from '../../scripts/gen-schema.js'
import { sampleBlock } from './sample-block.js'

const refuse = (what: string) => () => Promise.reject(new Error(`${what} is not used when a backend is built`))
const deps = {
  exec: refuse('exec'),
  fetch: refuse('fetch'),
  logger: streamLogger(() => undefined),
  clock: { now: () => new Date(0), sleep: async () => undefined },
  now: () => new Date(0),
  sleep: async () => undefined,
  env: { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' },
  root: '/nonexistent',
} as never

const COMMAND = '{ provider: command, setWeight: [./w.sh, "{{weight}}"] }'

interface Kind {
  kind: keyof typeof POLICY_PARTS
  tag: string
  /** Where the block sits in the test policy. */
  policyPath: string
  /** The registry's default path for the block. */
  at: string
  policy(block: unknown): string
  loaded(policy: Record<string, unknown>): Record<string, unknown>
  create(block: unknown, at?: string): unknown
}

const KINDS: Kind[] = [
  {
    kind: 'traffic',
    tag: 'provider',
    policyPath: 'environments.staging.traffic',
    at: 'traffic',
    policy: (block) => `version: 1\nenvironments:\n  staging:\n    traffic: ${JSON.stringify(block)}\n    steps:\n      - { weight: 100 }\n`,
    loaded: (p) => (p.environments as Record<string, Record<string, unknown>>)['staging']?.traffic as Record<string, unknown>,
    create: (block, at) => createTrafficProvider(block as never, deps, undefined, at),
  },
  {
    kind: 'metrics',
    tag: 'type',
    policyPath: 'analysis.t.provider',
    at: 'provider',
    policy: (block) =>
      `version: 1\nenvironments:\n  staging:\n    traffic: ${COMMAND}\n    steps:\n      - { weight: 5, analysis: t }\n      - { weight: 100 }\n` +
      `analysis:\n  t:\n    provider: ${JSON.stringify(block)}\n    checks:\n      - { name: errors, type: ratio, events: a, total: b }\n`,
    loaded: (p) => (p.analysis as Record<string, Record<string, unknown>>)['t']?.provider as Record<string, unknown>,
    create: (block, at) => createMetricsProvider(block as never, deps, undefined, at),
  },
  {
    kind: 'flagSources',
    tag: 'type',
    policyPath: 'flags.source',
    at: 'flags.source',
    policy: (block) => `version: 1\nenvironments:\n  staging:\n    traffic: ${COMMAND}\n    steps:\n      - { weight: 100 }\nflags:\n  source: ${JSON.stringify(block)}\n`,
    loaded: (p) => (p.flags as Record<string, unknown>).source as Record<string, unknown>,
    create: (block, at) => createFlagSource(block as never, deps, undefined, at),
  },
]

function deref(schema: JsonSchema, part: SchemaPart): JsonSchema {
  let s = schema
  while (s.$ref !== undefined) {
    const name = s.$ref.replace('#/definitions/', '')
    s = (part.definitions?.[name] ?? policySchema.definitions?.[name]) as JsonSchema
  }
  return s
}

/** JSON types `schema` accepts; `resolved`: as loaded (durations and percentages are numbers). */
function accepted(schema: JsonSchema, part: SchemaPart, resolved: boolean): Set<string> {
  const name = schema.$ref?.replace('#/definitions/', '')
  if (resolved && (name === 'duration' || name === 'percentage')) return new Set(['number', 'integer'])
  const s = deref(schema, part)
  if (s.oneOf) return new Set(s.oneOf.flatMap((b) => [...accepted(b, part, resolved)]))
  if (s.const !== undefined || s.enum !== undefined) return new Set(['enum'])
  return new Set(Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type])
}

/** A value of none of the accepted types. */
function wrongValue(schema: JsonSchema, part: SchemaPart, resolved: boolean): unknown {
  const types = accepted(schema, part, resolved)
  const candidates: [unknown, string[]][] = [
    [12345, ['number', 'integer']],
    ['x', ['string']],
    [true, ['boolean']],
    [['x'], ['array']],
  ]
  for (const [value, kinds] of candidates) if (!kinds.some((k) => types.has(k)) && !(types.has('enum') && value === 'x')) return value
  throw new Error(`no wrong value for ${JSON.stringify(schema)}`)
}

/** Whether `text` names `key` as a whole word (so `routeName` does not count as `route`). */
function names(text: string, key: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_])${key.replace(/[.[\]]/g, (c) => `\\${c}`)}([^A-Za-z0-9_]|$)`).test(text)
}

function thrown(fn: () => unknown): Error | undefined {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  return undefined
}

/** Text options of a block, nested ones by dotted path: `route`, `stable.host`. */
function textOptions(schema: JsonSchema, part: SchemaPart, prefix = ''): string[] {
  const out: string[] = []
  for (const [key, property] of Object.entries(deref(schema, part).properties ?? {})) {
    const s = deref(property, part)
    if (s.const !== undefined || s.enum !== undefined) continue
    if (s.type === 'string' && property.$ref === undefined) out.push(`${prefix}${key}`)
    else if (s.type === 'object' && s.properties !== undefined && prefix === '') out.push(...textOptions(s, part, `${key}.`))
  }
  return out
}

function setPath(block: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(block)
  const keys = path.split('.')
  let at: Record<string, unknown> = copy
  for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>
  at[keys[keys.length - 1] as string] = value
  return copy
}

for (const k of KINDS) {
  describe(`${k.kind} descriptors: option errors name the policy's key at its path`, () => {
    for (const part of POLICY_PARTS[k.kind] as readonly SchemaPart[]) {
      describe(part.type, () => {
        const raw = sampleBlock(part)
        const base = checkPolicy(k.policy(raw), 'rollgate.yml', {})
        const loaded = base.ok ? k.loaded(base.policy as never) : {}
        const properties = Object.entries(part.schema.properties ?? {}).filter(([key]) => key !== k.tag)
        const required = new Set(part.schema.required ?? [])

        it('its smallest block is a valid policy, and the registry builds it', () => {
          expect(base.ok ? [] : base.problems.map(formatProblem)).toEqual([])
          expect(thrown(() => k.create(loaded))).toBeUndefined()
        })

        it.each(properties.filter(([key]) => required.has(key)).map(([key]) => key))('%s missing', (key) => {
          const { [key]: _gone, ...rawWithout } = raw
          const check = checkPolicy(k.policy(rawWithout), 'rollgate.yml', {})
          const problems = check.ok ? [] : check.problems
          expect(problems.some((p) => p.path === k.policyPath && p.message.includes(`'${key}'`)), problems.map(formatProblem).join('\n')).toBe(true)

          const { [key]: _lost, ...loadedWithout } = loaded
          for (const at of [k.at, k.policyPath]) {
            const error = thrown(() => k.create(loadedWithout, at))
            expect(error).toBeInstanceOf(ConfigError)
            expect(error?.message).toMatch(new RegExp(`^${at.replace(/\./g, '\\.')}\\.${key}: missing; the ${part.type} `))
          }
        })

        it.each(properties.map(([key, schema]) => [key, schema] as const))('%s of the wrong type', (key, schema) => {
          const rawValue = wrongValue(schema, part, false)
          const check = checkPolicy(k.policy({ ...raw, [key]: rawValue }), 'rollgate.yml', {})
          const problems = check.ok ? [] : check.problems
          expect(problems.some((p) => p.path === `${k.policyPath}.${key}` && names(formatProblem(p), key)), problems.map(formatProblem).join('\n') || 'accepted').toBe(true)

          const loadedValue = wrongValue(schema, part, true)
          for (const at of [k.at, k.policyPath]) {
            const error = thrown(() => k.create({ ...loaded, [key]: loadedValue }, at))
            expect(error).toBeInstanceOf(ConfigError)
            expect(error?.message.startsWith(`${at}.${key}: expected `), error?.message).toBe(true)
          }
        })

        const blanks = textOptions(part.schema, part).filter((path) => path.split('.')[0] as string in loaded || !path.includes('.'))
        it.each(blanks)('%s blank: refused under its own name, or accepted', (path) => {
          const error = thrown(() => k.create(setPath(loaded, path, '  ')))
          if (error === undefined) return
          expect(error).toBeInstanceOf(ConfigError)
          expect(names(error.message, path), error.message).toBe(true)
        })
      })
    }
  })
}
