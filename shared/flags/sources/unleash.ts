/**
 * `source: { type: unleash }`: the Unleash admin API (followed: Unleash 8.2.0's own OpenAPI
 * description, served by the server at /docs/openapi.json). Per flag: the environment's enabled
 * state and strategies, `stale`, archived, potentially-stale, `lastSeenAt`, and the last event that
 * changed the flag in that environment.
 *
 * Calls: 2 search pages (active, archived) per 1000 flags, then per active flag its feature (strategies) and its
 * events (when the state last changed).
 */
import type { FlagInfo, FlagSource, FlagSourceDescriptor, ServedState } from '../source.js'
import { REQUEST_SCHEMA, createSourceHttp, expectArray, expectRecord, optionalDate, trimBase, type SourceRequestOptions } from '../source-http.js'

export interface UnleashSourceConfig extends SourceRequestOptions {
  type: 'unleash'
  url: string
  token: string
  project?: string
  environment?: string
}

const SOURCE = 'unleash'
const PAGE = 1000

interface Strategy {
  name: string
  disabled?: boolean
  constraints?: unknown[]
  segments?: unknown[]
  parameters?: Record<string, unknown>
  variants?: { name: string; weight?: number }[]
}

/** Events that change what an environment serves. */
const STATE_EVENTS = new Set([
  'feature-environment-enabled',
  'feature-environment-disabled',
  'feature-strategy-add',
  'feature-strategy-update',
  'feature-strategy-remove',
  'feature-environment-variants-updated',
  'feature-created',
  'feature-revived',
])

/** What one environment serves, from its enabled switch and strategies (Unleash's own evaluation order). */
export function unleashServed(enabled: boolean, strategies: Strategy[]): ServedState {
  if (!enabled) return { kind: 'boolean', value: false }
  const active = strategies.filter((s) => s.disabled !== true)
  // An enabled environment without strategies serves the flag to everyone.
  if (active.length === 0) return { kind: 'boolean', value: true }
  const rules: string[] = []
  let everyone: Strategy | undefined
  let partial: number | undefined
  for (const s of active) {
    const conditional = (s.constraints?.length ?? 0) > 0 || (s.segments?.length ?? 0) > 0
    if (s.name === 'default' || s.name === 'flexibleRollout') {
      const rollout = s.name === 'default' ? 100 : Number(s.parameters?.rollout ?? 100)
      if (conditional) rules.push(`${s.name} with ${s.constraints?.length ?? 0} constraint(s) and ${s.segments?.length ?? 0} segment(s)`)
      else if (rollout >= 100) everyone = everyone ?? s
      else if (rollout > 0) partial = Math.max(partial ?? 0, rollout)
    } else {
      rules.push(`${s.name} strategy`)
    }
  }
  if (everyone) {
    const variants = everyone.variants ?? []
    if (variants.length === 1 && variants[0]) return { kind: 'variant', value: variants[0].name }
    if (variants.length > 1) return { kind: 'targeting', rules: [`variants split: ${variants.map((v) => v.name).join(', ')}`] }
    return { kind: 'boolean', value: true }
  }
  if (rules.length > 0) return { kind: 'targeting', rules }
  if (partial !== undefined) return { kind: 'percentage', percent: partial }
  return { kind: 'boolean', value: false }
}

export const unleashSource: FlagSourceDescriptor<UnleashSourceConfig> = {
  type: 'unleash',
  definition: 'unleashFlags',
  schema: {
    type: 'object',
    description: 'The Unleash admin API (environment state and strategies, stale, archived, lastSeenAt).',
    additionalProperties: false,
    required: ['type', 'url', 'token'],
    properties: {
      type: { const: 'unleash', description: 'Selects this type: `unleash`.' },
      url: { $ref: '#/definitions/url', description: 'Unleash base URL (with or without /api).' },
      token: { type: 'string', minLength: 1, description: 'Admin API token or personal access token; write `${UNLEASH_TOKEN}`.' },
      project: { type: 'string', minLength: 1, description: 'Unleash project.', default: 'default' },
      environment: { type: 'string', minLength: 1, description: 'Environment whose state decides the value to keep.', default: 'production' },
      ...REQUEST_SCHEMA,
    },
  },
  create(config, deps): FlagSource {
    const base = trimBase(config.url).replace(/\/api$/, '')
    const project = config.project ?? 'default'
    const environment = config.environment ?? 'production'
    const http = createSourceHttp(SOURCE, config, { authorization: config.token }, [config.token], deps, 'check flags.source.token: it needs an admin token or a personal access token')
    const search = async (archived: boolean): Promise<Record<string, unknown>[]> => {
      const out: Record<string, unknown>[] = []
      for (let offset = 0; ; offset += PAGE) {
        const path = `/api/admin/search/features?project=IS:${encodeURIComponent(project)}${archived ? '&archived=IS:true' : ''}&limit=${PAGE}&offset=${offset}`
        const call = `GET ${path}`
        const page = expectRecord(await http.getJson(`${base}${path}`, call), SOURCE, call, 'a feature search result')
        const features = expectArray(page.features, SOURCE, call, 'features: a list').map((f) => expectRecord(f, SOURCE, call, 'a feature'))
        out.push(...features)
        const total = typeof page.total === 'number' ? page.total : out.length
        if (features.length < PAGE || out.length >= total) return out
      }
    }
    const feature = async (name: string): Promise<Record<string, unknown>> => {
      const path = `/api/admin/projects/${encodeURIComponent(project)}/features/${encodeURIComponent(name)}`
      return expectRecord(await http.getJson(`${base}${path}`, `GET ${path}`), SOURCE, `GET ${path}`, 'a feature')
    }
    const lastChange = async (name: string): Promise<Date | undefined> => {
      const path = `/api/admin/events/${encodeURIComponent(name)}`
      const call = `GET ${path}`
      const answer = expectRecord(await http.getJson(`${base}${path}`, call), SOURCE, call, 'the feature events')
      const events = expectArray(answer.events, SOURCE, call, 'events: a list').filter(
        (e): e is Record<string, unknown> =>
          typeof e === 'object' && e !== null && STATE_EVENTS.has(String((e as Record<string, unknown>).type)) &&
          ((e as Record<string, unknown>).environment === environment || (e as Record<string, unknown>).environment == null),
      )
      const dates = events.map((e) => optionalDate(e.createdAt)).filter((d): d is Date => d !== undefined)
      return dates.length === 0 ? undefined : new Date(Math.max(...dates.map((d) => d.getTime())))
    }
    return {
      type: SOURCE,
      describe: () => `Unleash ${base}, project ${project}, environment ${environment}`,
      async listFlags() {
        const [active, archived] = [await search(false), await search(true)]
        const flags: FlagInfo[] = []
        for (const item of active) {
          const name = String(item.name)
          const detail = await feature(name)
          const envs = Array.isArray(detail.environments) ? (detail.environments as Record<string, unknown>[]) : []
          const env = envs.find((e) => e.name === environment)
          const listed = (Array.isArray(item.environments) ? (item.environments as Record<string, unknown>[]) : []).find((e) => e.name === environment)
          const state: ServedState = env
            ? unleashServed(env.enabled === true, Array.isArray(env.strategies) ? (env.strategies as Strategy[]) : [])
            : { kind: 'unknown', reason: `environment ${environment} is not enabled in project ${project}` }
          const seen = env?.lastSeenAt ?? listed?.lastSeenAt
          const info: FlagInfo = {
            name,
            aliases: [],
            state,
            archived: false,
            markedStale: item.stale === true,
            lastEvaluatedAt: seen === null || seen === undefined ? null : (optionalDate(seen) ?? null),
            ...(env ? { variants: unleashVariants(env) } : {}),
            evidence: [
              `Unleash ${project}/${environment}: ${env ? (env.enabled === true ? 'enabled' : 'disabled') : 'environment missing'}, ${describeStrategies(env)}`,
              `type ${String(item.type ?? detail.type)}, created ${String(item.createdAt ?? detail.createdAt)}, stale ${String(item.stale === true)}${detail.potentiallyStale === true ? ', potentially stale' : ''}, last seen ${seen ? String(seen) : 'never'}`,
            ],
          }
          const created = optionalDate(item.createdAt ?? detail.createdAt)
          if (created) info.createdAt = created
          const changed = await lastChange(name)
          if (changed) {
            info.changedAt = changed
            info.evidence.push(`state last changed ${changed.toISOString()} (Unleash events)`)
          }
          flags.push(info)
        }
        for (const item of archived) {
          const info: FlagInfo = {
            name: String(item.name),
            aliases: [],
            // Archived flags reach no SDK: isEnabled answers false for them.
            state: { kind: 'boolean', value: false },
            archived: true,
            markedStale: item.stale === true,
            evidence: [`Unleash ${project}: archived ${String(item.archivedAt ?? '')}; SDKs no longer get it and evaluate it as off`],
          }
          const archivedAt = optionalDate(item.archivedAt)
          if (archivedAt) info.changedAt = archivedAt
          flags.push(info)
        }
        return flags
      },
    }
  },
}

/**
 * The variants an environment can serve: the environment's own variants and every active strategy's
 * (Unleash 5+ keeps them on the strategy). A flag without any serves on and off.
 */
export function unleashVariants(env: Record<string, unknown>): string[] {
  const strategies = Array.isArray(env.strategies) ? (env.strategies as Strategy[]).filter((s) => s.disabled !== true) : []
  const own = Array.isArray(env.variants) ? (env.variants as { name?: unknown }[]) : []
  const names = [...own, ...strategies.flatMap((s) => s.variants ?? [])].map((v) => v.name).filter((n): n is string => typeof n === 'string')
  return names.length > 0 ? [...new Set(names)] : ['on', 'off']
}

function describeStrategies(env: Record<string, unknown> | undefined): string {
  const strategies = Array.isArray(env?.strategies) ? (env.strategies as Strategy[]) : []
  if (strategies.length === 0) return 'no strategies'
  return strategies
    .map((s) => `${s.name}${s.parameters?.rollout !== undefined ? ` ${String(s.parameters.rollout)}%` : ''}${(s.constraints?.length ?? 0) > 0 ? ` (${s.constraints?.length} constraints)` : ''}${s.disabled ? ' (disabled)' : ''}`)
    .join(', ')
}
