import { ConfigError } from '../errors.js'
import {
  createHttpClient,
  describeFailure,
  describeResponseFailure,
  excerpt,
  httpClientDeps,
  isRecord,
  parseJson,
  type RequestOptions,
} from '../http/client.js'
import type { MetricsBackend, MetricsProvider, MetricsProviderDeps } from './types.js'
import { SecretSet } from '../http/redact.js'
import { seriesProvider, type QueryContext, type Series, type SeriesResult } from './series.js'
import type { NewrelicMetrics } from '../config/policy.generated.js'
import { endpoint, request, str, variant } from '../config/schema-parts.js'

/**
 * `type: newrelic`: NRQL through NerdGraph, `POST https://api.newrelic.com/graphql` (EU:
 * api.eu.newrelic.com) with an `API-Key` header and the documented query
 * `{ actor { account(id: N) { nrql(query: "...") { results } } } }`, sent with GraphQL variables
 * so NRQL quotes need no escaping.
 *
 * A query without SINCE gets ` SINCE {startMs} UNTIL {endMs}` appended: NRQL's default (the last
 * hour) would silently judge the wrong window. Each result row must carry one numeric field
 * (`SELECT count(*) ...` → `{"count": 42}`); for `values` every row gives one sample
 * (`SELECT duration FROM Transaction ... LIMIT MAX`), `timestamp` ignored.
 */
export interface NewRelicOptions extends RequestOptions {
  accountId: number | string
  /** A User key (NRAK-...). */
  apiKey: string
  region?: 'us' | 'eu'
  /** Overrides the NerdGraph URL for the region (tests, proxies). */
  endpoint?: string
}

const NERDGRAPH = { us: 'https://api.newrelic.com/graphql', eu: 'https://api.eu.newrelic.com/graphql' } as const

export const NRQL_DOCUMENT = 'query($accountId: Int!, $nrql: Nrql!) { actor { account(id: $accountId) { nrql(query: $nrql) { results } } } }'

export function createNewRelicProvider(options: NewRelicOptions, deps: MetricsProviderDeps): MetricsProvider {
  const accountId = Number(options.accountId)
  if (!Number.isSafeInteger(accountId) || accountId <= 0) {
    throw new ConfigError(`newrelic: \`accountId\` "${String(options.accountId)}" is not an account number`)
  }
  if (!options.apiKey) throw new ConfigError('newrelic: `apiKey` is empty; set it from a secret, e.g. apiKey: ${NEW_RELIC_API_KEY}')
  const region = options.region ?? 'us'
  if (region !== 'us' && region !== 'eu') throw new ConfigError(`newrelic: \`region\` "${String(region)}" is not us or eu`)
  const secrets = new SecretSet(deps.logger)
  secrets.add(options.apiKey)
  const url = options.endpoint ?? NERDGRAPH[region]
  secrets.addUrl(url)
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json', 'API-Key': options.apiKey }
  const client = createHttpClient(options, httpClientDeps(deps), {}, (t) => secrets.scrub(t))

  return seriesProvider({
    type: 'newrelic',
    secrets,
    queryNoun: 'NRQL query',
    supports(kind, check) {
      if (kind === 'buckets') {
        throw new ConfigError(`newrelic: check "${check.name}": NRQL histogram() results carry no bucket bounds; use \`values\` for samples checks`)
      }
    },
    async fetchSeries(query, context) {
      const nrql = withWindow(query, context)
      const body = JSON.stringify({ query: NRQL_DOCUMENT, variables: { accountId, nrql } })
      const outcome = await client.send({ method: 'POST', url, headers, body }, context.signal)
      if (outcome.kind === 'failed') return { ok: false, reason: describeFailure(outcome) }
      const parsed = parseJson(outcome.response.text)
      if (outcome.response.status < 200 || outcome.response.status >= 300) {
        return { ok: false, reason: describeResponseFailure(outcome, parsed.ok ? graphqlErrors(parsed.value) : undefined) }
      }
      if (!parsed.ok) return parsed
      return parseNerdGraphResponse(parsed.value, context)
    },
  })
}

/** Appends the look's window unless the query sets its own. */
export function withWindow(query: string, context: Pick<QueryContext, 'window'>): string {
  if (/\bSINCE\b/i.test(query)) return query
  return `${query.trim()} SINCE ${context.window.start.getTime()} UNTIL ${context.window.end.getTime()}`
}

function graphqlErrors(body: unknown): string | undefined {
  if (!isRecord(body) || !Array.isArray(body['errors'])) return undefined
  return body['errors'].map((e) => (isRecord(e) && typeof e['message'] === 'string' ? e['message'] : JSON.stringify(e))).join('; ')
}

/**
 * `{"data": {"actor": {"account": {"nrql": {"results": [{...}, ...]}}}}}`; GraphQL errors arrive with
 * HTTP 200 in `errors` (and `data` null or partial), and are no data.
 */
export function parseNerdGraphResponse(body: unknown, context: Pick<QueryContext, 'kind'>): SeriesResult {
  const errors = graphqlErrors(body)
  if (errors) return { ok: false, reason: `NerdGraph errors: ${errors}` }
  const results = dig(body, ['data', 'actor', 'account', 'nrql', 'results'])
  if (!Array.isArray(results)) return { ok: false, reason: `no data.actor.account.nrql.results in ${excerpt(JSON.stringify(body))}` }
  if (results.length === 0) return { ok: false, reason: 'returned no rows' }
  const series: Series[] = []
  for (const row of results) {
    if (!isRecord(row)) return { ok: false, reason: `unreadable row ${excerpt(JSON.stringify(row))}` }
    const numeric = Object.entries(row).filter(([k, v]) => typeof v === 'number' && !IGNORED_FIELDS.has(k))
    if (numeric.length !== 1) {
      return {
        ok: false,
        reason: `a row needs exactly one numeric field, got ${numeric.length === 0 ? 'none' : numeric.map(([k]) => k).join(', ')}: ${excerpt(JSON.stringify(row))}`,
      }
    }
    const [field, value] = numeric[0] as [string, number]
    const t = typeof row['timestamp'] === 'number' ? row['timestamp'] : typeof row['endTimeSeconds'] === 'number' ? row['endTimeSeconds'] * 1000 : 0
    series.push({ labels: { field }, points: [{ t, v: value }] })
  }
  // Rows of a count or a single reading belong to one series (e.g. TIMESERIES buckets); values are samples either way.
  if (context.kind === 'value' || context.kind === 'count') {
    return { ok: true, series: [{ labels: series[0]?.labels ?? {}, points: series.flatMap((s) => s.points) }] }
  }
  return { ok: true, series }
}

const IGNORED_FIELDS = new Set(['timestamp', 'beginTimeSeconds', 'endTimeSeconds'])

function dig(value: unknown, path: readonly string[]): unknown {
  let current = value
  for (const key of path) {
    if (!isRecord(current)) return undefined
    current = current[key]
  }
  return current
}

/** `provider: { type: newrelic }`: this backend's descriptor, listed in shared/metrics/registry.ts. */
export const newrelicMetrics: MetricsBackend<NewrelicMetrics> = {
  type: 'newrelic',
  definition: 'newrelicMetrics',
  schema: variant(
    'type',
    'newrelic',
    'New Relic NRQL queries through NerdGraph.',
    {
      accountId: { type: ['string', 'integer'], pattern: '^[0-9]+$', description: 'New Relic account id.' },
      apiKey: str('User API key; write `${NEW_RELIC_API_KEY}`.'),
      region: { enum: ['us', 'eu'], description: 'Data center region.', default: 'us' },
      endpoint,
      ...request,
    },
    ['accountId', 'apiKey'],
  ),
  create: (config, deps) =>
    createNewRelicProvider(
      {
        timeoutMs: config.timeout,
        retries: config.retries,
        accountId: config.accountId,
        apiKey: config.apiKey,
        region: config.region,
        ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      },
      deps,
    ),
}
