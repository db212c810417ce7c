import { ConfigError } from '../errors.js'
import {
  createHttpClient,
  describeFailure,
  describeResponseFailure,
  excerpt,
  httpClientDeps,
  isRecord,
  parseJson,
  parseRetryAfter,
  type HttpResponse,
  type RequestOptions,
} from '../http/client.js'
import type { MetricsBackend, MetricsProvider, MetricsProviderDeps } from './types.js'
import { SecretSet } from '../http/redact.js'
import { pointsInWindow, seriesProvider, type QueryContext, type Series, type SeriesResult } from './series.js'
import type { DatadogMetrics } from '../config/policy.generated.js'
import { endpoint, request, str, variant } from '../config/schema-parts.js'

/**
 * `type: datadog`: the v1 metrics query API, `GET https://api.{site}/api/v1/query?from=&to=&query=`
 * with `DD-API-KEY` and `DD-APPLICATION-KEY`. `from`/`to` are the interval in Unix seconds; points
 * (millisecond timestamps) inside [start, end) are kept. Ratio queries should be counts per point,
 * e.g. `sum:trace.http.request.errors{version:{{version}}}.as_count()`; points are summed across the
 * interval and across series. On 429 the provider waits as long as `X-RateLimit-Reset` says.
 */
export interface DatadogOptions extends RequestOptions {
  /** The Datadog site: `datadoghq.com` (default), `datadoghq.eu`, `us3.datadoghq.com`, ... */
  site?: string
  apiKey: string
  appKey: string
  /** Overrides the URL built from `site` (a proxy, or a local server in tests). */
  endpoint?: string
}

export function createDatadogProvider(options: DatadogOptions, deps: MetricsProviderDeps): MetricsProvider {
  if (!options.apiKey) throw new ConfigError('datadog: `apiKey` is empty; set it from a secret, e.g. apiKey: ${DD_API_KEY}')
  if (!options.appKey) throw new ConfigError('datadog: `appKey` is empty; set it from a secret, e.g. appKey: ${DD_APP_KEY}')
  const secrets = new SecretSet(deps.logger)
  secrets.add(options.apiKey)
  secrets.add(options.appKey)
  const base = datadogBaseUrl(options)
  secrets.addUrl(String(base))
  const headers = {
    Accept: 'application/json',
    'DD-API-KEY': options.apiKey,
    'DD-APPLICATION-KEY': options.appKey,
  }
  const client = createHttpClient(options, httpClientDeps(deps), { retryAfterMs: datadogRetryAfterMs }, (t) => secrets.scrub(t))

  return seriesProvider({
    type: 'datadog',
    secrets,
    queryNoun: 'metrics query',
    supports(kind, check) {
      if (kind === 'buckets') {
        throw new ConfigError(`datadog: check "${check.name}": the v1 query API returns no histogram buckets; use \`values\` for samples checks`)
      }
    },
    async fetchSeries(query, context) {
      const url = new URL('api/v1/query', base)
      url.searchParams.set('from', String(Math.floor(context.window.start.getTime() / 1000)))
      url.searchParams.set('to', String(Math.floor(context.window.end.getTime() / 1000)))
      url.searchParams.set('query', query)
      const outcome = await client.send({ method: 'GET', url: url.toString(), headers }, context.signal)
      if (outcome.kind === 'failed') return { ok: false, reason: describeFailure(outcome) }
      const body = parseJson(outcome.response.text)
      if (outcome.response.status < 200 || outcome.response.status >= 300) {
        return { ok: false, reason: describeResponseFailure(outcome, body.ok ? datadogErrors(body.value) : undefined) }
      }
      if (!body.ok) return { ok: false, reason: body.reason }
      return parseDatadogResponse(body.value, context)
    },
  })
}

export function datadogBaseUrl(options: Pick<DatadogOptions, 'site' | 'endpoint'>): URL {
  const raw = options.endpoint ?? `https://api.${(options.site ?? 'datadoghq.com').replace(/^(app|api)\./, '')}/`
  try {
    const url = new URL(raw)
    if (!url.pathname.endsWith('/')) url.pathname += '/'
    return url
  } catch {
    throw new ConfigError(`datadog: \`site\`/\`endpoint\` gives "${raw}", not a URL; expected a site such as datadoghq.eu`)
  }
}

/**
 * Datadog's rate-limit headers: `X-RateLimit-Reset` is the seconds until the window resets,
 * `X-RateLimit-Period` the window length (a fallback when Reset is absent); Retry-After if sent.
 */
export function datadogRetryAfterMs(response: HttpResponse, now: Date): number | undefined {
  if (response.status !== 429) return undefined
  const seconds = (name: string): number | undefined => {
    const raw = response.headers.get(name)
    if (raw === null || !/^\d+(\.\d+)?$/.test(raw.trim())) return undefined
    return Math.ceil(Number(raw) * 1000)
  }
  return seconds('x-ratelimit-reset') ?? parseRetryAfter(response.headers.get('retry-after'), now) ?? seconds('x-ratelimit-period')
}

function datadogErrors(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined
  if (Array.isArray(body['errors'])) return body['errors'].map(String).join('; ')
  if (typeof body['error'] === 'string') return body['error']
  return undefined
}

/**
 * The documented response: `{status: "ok", res_type: "time_series", series: [{metric, scope,
 * pointlist: [[ms, value|null], ...], ...}], from_date, to_date, query}`, or `status: "error"` with
 * `error`. Null points (no data in that rollup) are dropped, not read as zero.
 */
export function parseDatadogResponse(body: unknown, context: QueryContext): SeriesResult {
  if (!isRecord(body)) return { ok: false, reason: `unexpected body: ${excerpt(JSON.stringify(body))}` }
  if (body['status'] !== undefined && body['status'] !== 'ok') {
    return { ok: false, reason: `status ${String(body['status'])}: ${String(body['error'] ?? '')}`.trim() }
  }
  const raw = body['series']
  if (!Array.isArray(raw)) return { ok: false, reason: `response has no \`series\` array: ${excerpt(JSON.stringify(body))}` }
  const series: Series[] = []
  for (const item of raw) {
    if (!isRecord(item) || !Array.isArray(item['pointlist'])) {
      return { ok: false, reason: `unreadable series ${excerpt(JSON.stringify(item))}` }
    }
    const points: { t: number; v: number }[] = []
    for (const p of item['pointlist'] as unknown[]) {
      if (!Array.isArray(p) || typeof p[0] !== 'number') return { ok: false, reason: `unreadable point ${excerpt(JSON.stringify(p))}` }
      if (p[1] === null) continue
      if (typeof p[1] !== 'number') return { ok: false, reason: `unreadable point ${excerpt(JSON.stringify(p))}` }
      points.push({ t: p[0], v: p[1] })
    }
    const labels: Record<string, string> = {}
    if (typeof item['scope'] === 'string') labels['scope'] = item['scope']
    if (typeof item['metric'] === 'string') labels['metric'] = item['metric']
    series.push({ labels, points: pointsInWindow(points, context.window) })
  }
  return { ok: true, series }
}

/** `provider: { type: datadog }`: this backend's descriptor, listed in shared/metrics/registry.ts. */
export const datadogMetrics: MetricsBackend<DatadogMetrics> = {
  type: 'datadog',
  definition: 'datadogMetrics',
  schema: variant(
    'type',
    'datadog',
    'Datadog metrics query API.',
    {
      site: str('Datadog site.', { default: 'datadoghq.com' }),
      apiKey: str('API key; write `${DD_API_KEY}`.'),
      appKey: str('Application key; write `${DD_APP_KEY}`.'),
      endpoint,
      ...request,
    },
    ['apiKey', 'appKey'],
  ),
  create: (config, deps) =>
    createDatadogProvider(
      { timeoutMs: config.timeout, retries: config.retries, site: config.site, apiKey: config.apiKey, appKey: config.appKey, ...(config.endpoint ? { endpoint: config.endpoint } : {}) },
      deps,
    ),
}
