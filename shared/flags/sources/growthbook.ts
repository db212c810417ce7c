/**
 * `source: { type: growthbook }`: the GrowthBook REST API (followed: its published OpenAPI
 * description, version 4.4.0, `GET /api/v1/features` with limit/offset/hasMore paging and Bearer
 * secret keys). One environment's `enabled`, `defaultValue` and rules decide the state, with
 * GrowthBook's own reading of "one-sided": force rules without conditions and 100% rollouts.
 */
import type { FlagInfo, FlagSource, FlagSourceDescriptor, ServedState } from '../source.js'
import { REQUEST_SCHEMA, createSourceHttp, expectArray, expectRecord, optionalDate, trimBase, type SourceRequestOptions } from '../source-http.js'

export interface GrowthBookSourceConfig extends SourceRequestOptions {
  type: 'growthbook'
  url?: string
  token: string
  project?: string
  environment?: string
}

const SOURCE = 'growthbook'
const PAGE = 100
const MAX_PAGES = 100

function parseValue(raw: unknown, valueType: unknown): ServedState {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw)
  if (valueType === 'boolean') return text === 'true' ? { kind: 'boolean', value: true } : { kind: 'boolean', value: false }
  if (valueType === 'string') return { kind: 'variant', value: text }
  return { kind: 'unknown', reason: `a ${String(valueType)} feature; only boolean and string values can be kept` }
}

export function growthbookServed(feature: Record<string, unknown>, env: Record<string, unknown> | undefined): ServedState {
  const valueType = feature.valueType
  // A disabled environment evaluates the feature to null, which the SDKs read as off/the code default.
  if (!env || env.enabled !== true) return valueType === 'boolean' ? { kind: 'boolean', value: false } : { kind: 'unknown', reason: 'disabled: the SDK returns the code default' }
  const rules = (Array.isArray(env.rules) ? env.rules : []).filter((r) => (r as Record<string, unknown>).enabled !== false) as Record<string, unknown>[]
  for (const rule of rules) {
    const conditional = (typeof rule.condition === 'string' && rule.condition.trim() !== '' && rule.condition.trim() !== '{}') ||
      (Array.isArray(rule.savedGroupTargeting) && rule.savedGroupTargeting.length > 0)
    if (conditional || rule.type === 'experiment' || rule.type === 'experiment-ref') return { kind: 'targeting', rules: rules.map((r) => `${String(r.type)} rule${r.condition ? ` if ${String(r.condition)}` : ''}`) }
    if (rule.type === 'force') return parseValue(rule.value, valueType)
    if (rule.type === 'rollout') {
      const coverage = Number(rule.coverage ?? 1)
      if (coverage >= 1) return parseValue(rule.value, valueType)
      if (coverage > 0) return { kind: 'percentage', percent: Math.round(coverage * 100) }
    }
  }
  return parseValue(env.defaultValue ?? feature.defaultValue, valueType)
}

export const growthbookSource: FlagSourceDescriptor<GrowthBookSourceConfig> = {
  type: 'growthbook',
  definition: 'growthbookFlags',
  schema: {
    type: 'object',
    description: 'GrowthBook REST API (features with per-environment rules).',
    additionalProperties: false,
    required: ['type', 'token'],
    properties: {
      type: { const: 'growthbook', description: 'Selects this type: `growthbook`.' },
      url: { $ref: '#/definitions/url', description: 'API base URL.', default: 'https://api.growthbook.io' },
      token: { type: 'string', minLength: 1, description: 'Secret API key (read-only is enough); write `${GROWTHBOOK_KEY}`.' },
      project: { type: 'string', minLength: 1, description: 'Project id; all projects when unset.' },
      environment: { type: 'string', minLength: 1, description: 'Environment whose state decides the value to keep.', default: 'production' },
      ...REQUEST_SCHEMA,
    },
  },
  create(config, deps): FlagSource {
    const base = trimBase(config.url ?? 'https://api.growthbook.io').replace(/\/api$/, '')
    const environment = config.environment ?? 'production'
    const http = createSourceHttp(SOURCE, config, { authorization: `Bearer ${config.token}` }, [config.token], deps, 'check flags.source.token: it needs a secret API key')
    return {
      type: SOURCE,
      describe: () => `GrowthBook ${base}${config.project ? `, project ${config.project}` : ''}, environment ${environment}`,
      async listFlags() {
        const features: Record<string, unknown>[] = []
        let offset = 0
        for (let page = 0; page < MAX_PAGES; page++) {
          const path = `/api/v1/features?limit=${PAGE}&offset=${offset}${config.project ? `&projectId=${encodeURIComponent(config.project)}` : ''}`
          const call = `GET ${path}`
          const answer = expectRecord(await http.getJson(`${base}${path}`, call), SOURCE, call, 'a page of features')
          features.push(...expectArray(answer.features, SOURCE, call, 'features: a list').map((f) => expectRecord(f, SOURCE, call, 'a feature')))
          if (answer.hasMore !== true) break
          offset = typeof answer.nextOffset === 'number' ? answer.nextOffset : offset + PAGE
        }
        return features.map((feature): FlagInfo => {
          const env = ((feature.environments ?? {}) as Record<string, Record<string, unknown>>)[environment]
          const info: FlagInfo = {
            name: String(feature.id),
            aliases: [],
            state: growthbookServed(feature, env),
            archived: feature.archived === true,
            markedStale: false,
            evidence: [
              `GrowthBook ${environment}: ${env?.enabled === true ? 'enabled' : 'disabled'}, default ${String(env?.defaultValue ?? feature.defaultValue)}, ${Array.isArray(env?.rules) ? env.rules.length : 0} rule(s), updated ${String(feature.dateUpdated ?? 'unknown')}`,
            ],
          }
          if (typeof feature.owner === 'string' && feature.owner !== '') info.owner = feature.owner
          const changed = optionalDate(feature.dateUpdated)
          if (changed) info.changedAt = changed
          const created = optionalDate(feature.dateCreated)
          if (created) info.createdAt = created
          return info
        })
      },
    }
  },
}
