/**
 * `source: { type: flagsmith }`: the Flagsmith admin API v1 (followed: Flagsmith's published
 * OpenAPI description of /api/v1, the `Api-Key` organisation key scheme):
 * `GET /api/v1/projects/{project}/features/?environment={id}` (paginated `results`/`next`) gives each
 * feature with its environment state (enabled, value, segment overrides, updated_at) and tags;
 * `GET /api/v1/projects/{project}/tags/` names the system `Stale` tag Flagsmith applies itself.
 */
import type { FlagInfo, FlagSource, FlagSourceDescriptor, ServedState } from '../source.js'
import { REQUEST_SCHEMA, createSourceHttp, expectArray, expectRecord, optionalDate, trimBase, type SourceRequestOptions } from '../source-http.js'

export interface FlagsmithSourceConfig extends SourceRequestOptions {
  type: 'flagsmith'
  url?: string
  token: string
  project: number
  environment: number
}

const SOURCE = 'flagsmith'
const MAX_PAGES = 100

/** `GET /api/v1/projects/…`: the request as the API description names it, without the host. */
function callName(url: string): string {
  const parsed = new URL(url)
  return `GET ${parsed.pathname}${parsed.search}`
}

export function flagsmithServed(state: Record<string, unknown> | undefined, segmentOverrides: number, identityOverrides: number): ServedState {
  if (!state) return { kind: 'unknown', reason: 'no state in this environment' }
  if (segmentOverrides > 0 || identityOverrides > 0) return { kind: 'targeting', rules: [`${segmentOverrides} segment override(s), ${identityOverrides} identity override(s)`] }
  if (state.enabled !== true) return { kind: 'boolean', value: false }
  const value = state.feature_state_value
  if (value === null || value === undefined || value === '') return { kind: 'boolean', value: true }
  if (typeof value === 'string') return { kind: 'variant', value }
  return { kind: 'unknown', reason: `enabled with a ${typeof value} value; only flags and string values can be kept` }
}

export const flagsmithSource: FlagSourceDescriptor<FlagsmithSourceConfig> = {
  type: 'flagsmith',
  definition: 'flagsmithFlags',
  schema: {
    type: 'object',
    description: 'Flagsmith admin API v1 (feature states per environment, the Stale tag).',
    additionalProperties: false,
    required: ['type', 'token', 'project', 'environment'],
    properties: {
      type: { const: 'flagsmith', description: 'Selects this type: `flagsmith`.' },
      url: { $ref: '#/definitions/url', description: 'API base URL.', default: 'https://api.flagsmith.com/api/v1' },
      token: { type: 'string', minLength: 1, description: 'Organisation API key (sent as `Api-Key`); write `${FLAGSMITH_API_KEY}`.' },
      project: { type: 'integer', minimum: 1, description: 'Project id.' },
      environment: { type: 'integer', minimum: 1, description: 'Environment id whose state decides the value to keep.' },
      ...REQUEST_SCHEMA,
    },
  },
  create(config, deps): FlagSource {
    const base = trimBase(config.url ?? 'https://api.flagsmith.com/api/v1')
    const http = createSourceHttp(SOURCE, config, { authorization: `Api-Key ${config.token}` }, [config.token], deps, 'check flags.source.token: it needs an organisation API key')
    return {
      type: SOURCE,
      describe: () => `Flagsmith ${base}, project ${config.project}, environment ${config.environment}`,
      async listFlags() {
        const tagsUrl = `${base}/projects/${config.project}/tags/`
        const tagsCall = callName(tagsUrl)
        const tagsAnswer = await http.getJson(tagsUrl, tagsCall)
        const tagList = Array.isArray(tagsAnswer) ? tagsAnswer : expectArray(expectRecord(tagsAnswer, SOURCE, tagsCall, 'tags').results, SOURCE, tagsCall, 'results: a list of tags')
        const staleTags = new Set<number>()
        for (const raw of tagList) {
          const tag = expectRecord(raw, SOURCE, tagsCall, 'a tag')
          if (tag.type === 'STALE' || (tag.is_system_tag === true && String(tag.label).toLowerCase() === 'stale')) staleTags.add(Number(tag.id))
        }
        const features: Record<string, unknown>[] = []
        let path: string | undefined = `/projects/${config.project}/features/?environment=${config.environment}&page_size=100`
        for (let page = 0; path !== undefined && page < MAX_PAGES; page++) {
          const url: string = path.startsWith('http') ? path : `${base}${path}`
          const call = callName(url)
          const answer = expectRecord(await http.getJson(url, call), SOURCE, call, 'a page of features')
          features.push(...expectArray(answer.results, SOURCE, call, 'results: a list of features').map((f) => expectRecord(f, SOURCE, call, 'a feature')))
          path = typeof answer.next === 'string' && answer.next !== '' ? answer.next : undefined
        }
        return features.map((feature): FlagInfo => {
          const state = feature.environment_feature_state as Record<string, unknown> | undefined
          const tags = Array.isArray(feature.tags) ? (feature.tags as number[]) : []
          const owners = Array.isArray(feature.owners) ? (feature.owners as Record<string, unknown>[]) : []
          const info: FlagInfo = {
            name: String(feature.name),
            aliases: [],
            state: flagsmithServed(state, Number(feature.num_segment_overrides ?? 0), Number(feature.num_identity_overrides ?? 0)),
            archived: feature.is_archived === true,
            markedStale: tags.some((t) => staleTags.has(Number(t))),
            evidence: [
              `Flagsmith project ${config.project}, environment ${config.environment}: ${state?.enabled === true ? 'enabled' : 'disabled'}${state?.feature_state_value != null && state.feature_state_value !== '' ? `, value ${JSON.stringify(state.feature_state_value)}` : ''}, updated ${String(state?.updated_at ?? 'unknown')}`,
              `${tags.some((t) => staleTags.has(Number(t))) ? 'tagged Stale by Flagsmith' : 'not tagged Stale'}${feature.is_archived === true ? ', archived' : ''}`,
            ],
          }
          const owner = owners.map((o) => o.email).find((e): e is string => typeof e === 'string')
          if (owner) info.owner = owner
          const changed = optionalDate(state?.updated_at)
          if (changed) info.changedAt = changed
          const created = optionalDate(feature.created_date)
          if (created) info.createdAt = created
          return info
        })
      },
    }
  },
}
