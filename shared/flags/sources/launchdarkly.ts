/**
 * `source: { type: launchdarkly }`: LaunchDarkly REST API v2 (followed: the published OpenAPI
 * description, API version header 20240415): `GET /api/v2/flags/{project}?env=…&summary=0` for each flag's
 * environment configuration (on, offVariation, fallthrough, rules, targets, lastModified), maintainer
 * and `temporary`; `GET /api/v2/flag-statuses/{project}/{environment}` for statuses and lastRequested.
 */
import type { FlagInfo, FlagSource, FlagSourceDescriptor, ServedState } from '../source.js'
import { REQUEST_SCHEMA, createSourceHttp, expectArray, expectRecord, optionalDate, trimBase, type SourceRequestOptions } from '../source-http.js'

export interface LaunchDarklySourceConfig extends SourceRequestOptions {
  type: 'launchdarkly'
  url?: string
  token: string
  project: string
  environment?: string
}

const SOURCE = 'launchdarkly'
export const LD_API_VERSION = '20240415'
const PAGE = 100

interface Variation {
  value: unknown
  name?: string
}

function valueState(value: unknown): ServedState {
  if (typeof value === 'boolean') return { kind: 'boolean', value }
  if (typeof value === 'string') return { kind: 'variant', value }
  return { kind: 'unknown', reason: `serves a ${typeof value} value; only boolean and string values can be kept` }
}

/** What one environment serves, from its configuration (LaunchDarkly's evaluation order: off, targets, rules, fallthrough). */
export function launchDarklyServed(env: Record<string, unknown>, variations: Variation[]): ServedState {
  const at = (index: unknown): ServedState =>
    typeof index === 'number' && variations[index] ? valueState(variations[index].value) : { kind: 'unknown', reason: 'no variation is served (offVariation unset)' }
  if (env.on !== true) return at(env.offVariation)
  const rules = Array.isArray(env.rules) ? env.rules : []
  const targets = [...(Array.isArray(env.targets) ? env.targets : []), ...(Array.isArray(env.contextTargets) ? env.contextTargets : [])]
  const prerequisites = Array.isArray(env.prerequisites) ? env.prerequisites : []
  if (rules.length > 0 || targets.length > 0 || prerequisites.length > 0) {
    return { kind: 'targeting', rules: [`${rules.length} rule(s), ${targets.length} individual target list(s), ${prerequisites.length} prerequisite(s)`] }
  }
  const fallthrough = (env.fallthrough ?? {}) as { variation?: number; rollout?: { variations?: { variation: number; weight: number }[] } }
  if (typeof fallthrough.variation === 'number') return at(fallthrough.variation)
  const split = (fallthrough.rollout?.variations ?? []).filter((v) => v.weight > 0)
  if (split.length === 1 && split[0]) return at(split[0].variation)
  if (split.length > 1) {
    const onIndex = variations.findIndex((v) => v.value === true)
    const on = split.find((v) => v.variation === onIndex)
    if (split.length === 2 && on) return { kind: 'percentage', percent: on.weight / 1000 }
    return { kind: 'targeting', rules: [`percentage rollout over ${split.length} variations`] }
  }
  return { kind: 'unknown', reason: 'fallthrough serves nothing' }
}

/** A variation as code sees it: a string's value, on and off for booleans, else its name. */
function variationName(v: Variation, index: number): string {
  if (typeof v.value === 'boolean') return v.value ? 'on' : 'off'
  if (typeof v.value === 'string') return v.value
  return v.name ?? `variation ${index}`
}

export const launchdarklySource: FlagSourceDescriptor<LaunchDarklySourceConfig> = {
  type: 'launchdarkly',
  definition: 'launchdarklyFlags',
  schema: {
    type: 'object',
    description: 'LaunchDarkly REST API v2 (flags with their environment configuration and statuses).',
    additionalProperties: false,
    required: ['type', 'token', 'project'],
    properties: {
      type: { const: 'launchdarkly', description: 'Selects this type: `launchdarkly`.' },
      url: { $ref: '#/definitions/url', description: 'API base URL.', default: 'https://app.launchdarkly.com' },
      token: { type: 'string', minLength: 1, description: 'API access token with reader rights; write `${LD_ACCESS_TOKEN}`.' },
      project: { type: 'string', minLength: 1, description: 'Project key.' },
      environment: { type: 'string', minLength: 1, description: 'Environment whose state decides the value to keep.', default: 'production' },
      ...REQUEST_SCHEMA,
    },
  },
  create(config, deps): FlagSource {
    const base = trimBase(config.url ?? 'https://app.launchdarkly.com')
    const environment = config.environment ?? 'production'
    const project = config.project
    const http = createSourceHttp(
      SOURCE,
      config,
      { authorization: config.token, 'ld-api-version': LD_API_VERSION },
      [config.token],
      deps,
      'check flags.source.token: it needs an API access token with read access to the project',
    )
    return {
      type: SOURCE,
      describe: () => `LaunchDarkly ${base}, project ${project}, environment ${environment}`,
      async listFlags() {
        const items: Record<string, unknown>[] = []
        for (let offset = 0; ; offset += PAGE) {
          const path = `/api/v2/flags/${encodeURIComponent(project)}?env=${encodeURIComponent(environment)}&summary=0&limit=${PAGE}&offset=${offset}`
          const call = `GET ${path}`
          const page = expectRecord(await http.getJson(`${base}${path}`, call), SOURCE, call, 'a flag collection')
          const got = expectArray(page.items, SOURCE, call, 'items: a list of flags').map((f) => expectRecord(f, SOURCE, call, 'a flag'))
          items.push(...got)
          const total = typeof page.totalCount === 'number' ? page.totalCount : items.length
          if (got.length < PAGE || items.length >= total) break
        }
        const statusPath = `/api/v2/flag-statuses/${encodeURIComponent(project)}/${encodeURIComponent(environment)}`
        const statusCall = `GET ${statusPath}`
        const statusAnswer = expectRecord(await http.getJson(`${base}${statusPath}`, statusCall), SOURCE, statusCall, 'flag statuses')
        const statuses = new Map<string, Record<string, unknown>>()
        for (const raw of expectArray(statusAnswer.items, SOURCE, statusCall, 'items: a list of statuses')) {
          const status = expectRecord(raw, SOURCE, statusCall, 'a flag status')
          const href = String(((status._links as Record<string, { href?: string }> | undefined)?.parent?.href) ?? '')
          const key = decodeURIComponent(href.split('/').pop() ?? '')
          if (key) statuses.set(key, status)
        }
        return items.map((flag): FlagInfo => {
          const key = String(flag.key)
          const envs = (flag.environments ?? {}) as Record<string, Record<string, unknown>>
          const env = envs[environment]
          const variations = Array.isArray(flag.variations) ? (flag.variations as Variation[]) : []
          const status = statuses.get(key)
          const maintainer = (flag._maintainer ?? {}) as Record<string, unknown>
          const team = (flag._maintainerTeam ?? {}) as Record<string, unknown>
          const info: FlagInfo = {
            name: key,
            aliases: [],
            state: env ? launchDarklyServed(env, variations) : { kind: 'unknown', reason: `no environment ${environment} in the answer` },
            archived: flag.archived === true,
            markedStale: false,
            temporary: flag.temporary === true,
            variants: variations.map(variationName),
            lastEvaluatedAt: status ? (status.lastRequested ? (optionalDate(status.lastRequested) ?? null) : null) : undefined,
            evidence: [
              `LaunchDarkly ${project}/${environment}: ${env?.on === true ? 'on' : 'off'}, status ${String(status?.name ?? 'unknown')}, last requested ${String(status?.lastRequested ?? 'never')}`,
              `${flag.temporary === true ? 'temporary' : 'permanent'} flag, maintainer ${String(maintainer.email ?? team.key ?? 'none')}${flag.archived === true ? ', archived' : ''}${flag.deprecated === true ? ', deprecated' : ''}`,
            ],
          }
          const owner = typeof team.key === 'string' ? team.key : typeof maintainer.email === 'string' ? maintainer.email : undefined
          if (owner) info.owner = owner
          const changed = optionalDate(env?.lastModified)
          if (changed) info.changedAt = changed
          const created = optionalDate(flag.creationDate)
          if (created) info.createdAt = created
          return info
        })
      },
    }
  },
}
