import { ConfigError } from '../errors.js'
import { formatDuration, parseDuration } from '../config/units.js'
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
import { pointsInWindow, seriesProvider, type QueryContext, type Series, type SeriesResult } from './series.js'
import type { PrometheusMetrics } from '../config/policy.generated.js'
import { bool, ref, request, str, union, variant } from '../config/schema-parts.js'

/**
 * `type: prometheus`: PromQL over the HTTP API (Prometheus, Thanos, Mimir, VictoriaMetrics...).
 *
 * - `api: query` (default) evaluates each query once, at the end of the interval:
 *   `GET {address}/api/v1/query?query=...&time=<end>`. Write ratio queries as counts over the
 *   interval, e.g. `sum(increase(http_requests_total{version="{{version}}"}[{{interval}}]))`, and
 *   histogram queries as `sum by (le)(increase(..._bucket{...}[{{interval}}]))`.
 * - `api: query_range` evaluates at every `step` in (start, end]:
 *   `GET {address}/api/v1/query_range?query=...&start=...&end=...&step=...`; points are summed for
 *   counts and buckets, so write them over `[{{step}}]`.
 * An empty result is no data: append `or vector(0)` where absence really means zero.
 */
export interface PrometheusOptions extends RequestOptions {
  /** Base URL, path prefix included: `http://prometheus:9090`, `https://mimir/prometheus`. */
  address: string
  /** Extra headers, e.g. `X-Scope-OrgID` for Mimir/Cortex tenants. */
  headers?: Record<string, string>
  bearerToken?: string
  basicAuth?: { username: string; password: string }
  api?: 'query' | 'query_range'
  /** query_range resolution, a duration (`15s`). Default: the interval (one point per look). */
  step?: string
  /**
   * The label that names an instance (`instance`, `pod`): ratio queries keep it in their outer
   * `sum` (groupByLabel) and the answer is split per instance as well as summed (issue 14).
   */
  instanceLabel?: string
}

export function createPrometheusProvider(options: PrometheusOptions, deps: MetricsProviderDeps): MetricsProvider {
  const secrets = new SecretSet(deps.logger)
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers }
  secrets.addHeaders(options.headers)
  secrets.addUrl(options.address)
  if (options.bearerToken !== undefined && options.basicAuth !== undefined) {
    throw new ConfigError('prometheus: set either `bearerToken` or `basicAuth`, not both')
  }
  if (options.bearerToken !== undefined) {
    secrets.add(options.bearerToken)
    headers['Authorization'] = `Bearer ${options.bearerToken}`
  }
  if (options.basicAuth !== undefined) {
    const encoded = Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')
    secrets.add(options.basicAuth.password)
    secrets.add(encoded)
    headers['Authorization'] = `Basic ${encoded}`
  }
  const base = parseAddress(options.address)
  const api = options.api ?? 'query'
  const stepMs = options.step === undefined ? undefined : parseDuration(options.step)
  if (stepMs === null) throw new ConfigError(`prometheus: \`step\` "${options.step ?? ''}" is not a duration; expected a duration such as 15s or 1m`)
  const client = createHttpClient(options, httpClientDeps(deps), {}, (t) => secrets.scrub(t))

  const instanceLabel = options.instanceLabel
  if (instanceLabel !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(instanceLabel)) {
    throw new ConfigError(`prometheus: \`instanceLabel\` "${instanceLabel}" is not a Prometheus label name; expected e.g. instance or pod`)
  }
  return seriesProvider({
    type: 'prometheus',
    secrets,
    queryNoun: 'PromQL query',
    ...(instanceLabel !== undefined ? { instances: { label: instanceLabel, group: (query: string) => groupByLabel(query, instanceLabel) } } : {}),
    extraVars: (window) => ({ step: formatDuration(stepMs ?? window.end.getTime() - window.start.getTime()) }),
    async fetchSeries(query, context) {
      const url = buildUrl(base, api, query, context, stepMs)
      const outcome = await client.send({ method: 'GET', url, headers }, context.signal)
      if (outcome.kind === 'failed') return { ok: false, reason: describeFailure(outcome) }
      const { response } = outcome
      const body = parseJson(response.text)
      if (response.status < 200 || response.status >= 300) {
        const detail = body.ok && isRecord(body.value) && typeof body.value['error'] === 'string'
          ? `${String(body.value['errorType'] ?? 'error')}: ${body.value['error']}`
          : undefined
        return { ok: false, reason: describeResponseFailure(outcome, detail) }
      }
      if (!body.ok) return { ok: false, reason: body.reason }
      return parsePrometheusResponse(body.value, context, api)
    },
  })
}

/**
 * A query whose whole expression is one `sum` (`sum(...)`, `sum by (a) (...)`, `sum(...) by (a)`)
 * grouped by `label` as well, so its answer has one series per instance whose sum is the original's:
 * `sum(increase(x[1m]))` → `sum by (pod) (increase(x[1m]))`. Any other shape (`sum without`, a
 * binary expression, `... or vector(0)`) is returned as written: such a query splits only if its
 * answer already carries the label (write `sum by (pod)` yourself).
 */
export function groupByLabel(query: string, label: string): string {
  const text = query.trim()
  const head = /^sum\s*(?:by\s*\(([^()]*)\)\s*)?\(/.exec(text)
  if (!head) return query
  const open = head[0].length - 1
  const close = matchingParen(text, open)
  if (close === undefined) return query
  let labels = head[1]
  const rest = text.slice(close + 1).trim()
  if (rest !== '') {
    const tail = labels === undefined ? /^by\s*\(([^()]*)\)$/.exec(rest) : null
    if (!tail) return query
    labels = tail[1]
  }
  const names = (labels ?? '').split(',').map((l) => l.trim()).filter(Boolean)
  if (names.includes(label)) return query
  return `sum by (${[...names, label].join(', ')}) (${text.slice(open + 1, close)})`
}

/** The index of the `)` closing the `(` at `open`, skipping string literals; undefined if unbalanced. */
function matchingParen(text: string, open: number): number | undefined {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    const c = text[i]
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\' && c !== '`') i++
      continue
    }
    if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i
  }
  return undefined
}

function parseAddress(address: string): URL {
  try {
    const url = new URL(address)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http')
    if (!url.pathname.endsWith('/')) url.pathname += '/'
    return url
  } catch {
    throw new ConfigError(`prometheus: \`address\` "${address}" is not an http(s) URL; expected e.g. http://prometheus:9090`)
  }
}

function buildUrl(base: URL, api: 'query' | 'query_range', query: string, context: QueryContext, stepMs: number | undefined): string {
  const url = new URL(`api/v1/${api}`, base)
  const end = context.window.end.getTime() / 1000
  url.searchParams.set('query', query)
  if (api === 'query') {
    url.searchParams.set('time', String(end))
  } else {
    const lengthMs = context.window.end.getTime() - context.window.start.getTime()
    url.searchParams.set('start', String(context.window.start.getTime() / 1000))
    url.searchParams.set('end', String(end))
    url.searchParams.set('step', `${(stepMs ?? lengthMs) / 1000}`)
  }
  return url.toString()
}

/**
 * The documented envelope: `{status: "success", data: {resultType, result}}` where result is a
 * vector (`[{metric, value: [t, "v"]}]`), a matrix (`[{metric, values: [[t, "v"], ...]}]`) or a
 * scalar (`[t, "v"]`); `{status: "error", errorType, error}` otherwise. Sample values are strings
 * and may be "NaN", "+Inf", "-Inf".
 */
export function parsePrometheusResponse(body: unknown, context: QueryContext, api: 'query' | 'query_range' = 'query'): SeriesResult {
  if (!isRecord(body)) return { ok: false, reason: `unexpected body: ${excerpt(JSON.stringify(body))}` }
  if (body['status'] !== 'success') {
    return { ok: false, reason: `status ${String(body['status'])}: ${String(body['errorType'] ?? '')} ${String(body['error'] ?? '')}`.trim() }
  }
  const data = body['data']
  if (!isRecord(data)) return { ok: false, reason: 'response has no `data` object' }
  const resultType = data['resultType']
  const result = data['result']
  switch (resultType) {
    case 'scalar': {
      const point = parseSample(result)
      return point ? { ok: true, series: [{ labels: {}, points: [point] }] } : { ok: false, reason: `unreadable scalar ${excerpt(JSON.stringify(result))}` }
    }
    case 'vector': {
      if (!Array.isArray(result)) return { ok: false, reason: 'vector result is not an array' }
      const series: Series[] = []
      for (const item of result) {
        const point = isRecord(item) ? parseSample(item['value']) : undefined
        if (!isRecord(item) || !point) return { ok: false, reason: `unreadable vector sample ${excerpt(JSON.stringify(item))}` }
        series.push({ labels: parseLabels(item['metric']), points: [point] })
      }
      return { ok: true, series }
    }
    case 'matrix': {
      if (!Array.isArray(result)) return { ok: false, reason: 'matrix result is not an array' }
      const series: Series[] = []
      for (const item of result) {
        const raw = isRecord(item) ? item['values'] : undefined
        if (!isRecord(item) || !Array.isArray(raw)) return { ok: false, reason: `unreadable matrix series ${excerpt(JSON.stringify(item))}` }
        const points = raw.map(parseSample)
        if (points.some((p) => p === undefined)) return { ok: false, reason: `unreadable matrix sample in ${excerpt(JSON.stringify(item))}` }
        const all = points as { t: number; v: number }[]
        // A range query's first step reports the interval before this one; an instant query over a
        // range selector returns raw samples, all of which belong to this look.
        series.push({ labels: parseLabels(item['metric']), points: api === 'query_range' ? pointsInWindow(all, context.window, true) : all })
      }
      return { ok: true, series }
    }
    case 'string':
      return { ok: false, reason: 'returned a string, not a number' }
    default:
      return { ok: false, reason: `unknown resultType ${JSON.stringify(resultType)}` }
  }
}

function parseSample(raw: unknown): { t: number; v: number } | undefined {
  if (!Array.isArray(raw) || raw.length !== 2) return undefined
  const [t, v] = raw as [unknown, unknown]
  if (typeof t !== 'number' || typeof v !== 'string') return undefined
  const value = parsePromValue(v)
  return value === undefined ? undefined : { t: t * 1000, v: value }
}

export function parsePromValue(text: string): number | undefined {
  switch (text) {
    case 'NaN':
      return Number.NaN
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY
    case '-Inf':
      return Number.NEGATIVE_INFINITY
  }
  const n = Number(text)
  return text.trim() === '' || Number.isNaN(n) ? undefined : n
}

function parseLabels(raw: unknown): Record<string, string> {
  const labels: Record<string, string> = {}
  if (isRecord(raw)) for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') labels[k] = v
  return labels
}

/** `provider: { type: prometheus }`: this backend's descriptor, listed in shared/metrics/registry.ts. */
export const prometheusMetrics: MetricsBackend<PrometheusMetrics> = {
  type: 'prometheus',
  definition: 'prometheusMetrics',
  schema: variant(
    'type',
    'prometheus',
    'Prometheus (or any server with its HTTP API: Thanos, Mimir, VictoriaMetrics).',
    {
      address: ref('url', 'Base URL of the Prometheus HTTP API, e.g. `http://prometheus:9090`.'),
      headers: ref('headers', 'Extra request headers.'),
      auth: ref('prometheusAuth', 'Authentication, chosen by `type`.'),
      queryRange: bool(
        'Query `/api/v1/query_range` over each interval (one point per `step`) instead of an instant query at its end.',
        false,
      ),
      step: ref('duration', 'Resolution of range queries; one point per interval when unset.'),
      instanceLabel: str(
        'Label naming an instance (`instance`, `pod`): ratio queries written as one `sum(...)` are grouped by it as well, and the answer is split per instance besides the arm total, so a verdict can name one bad pod (docs/replay.md). Unset: no per-instance breakdown.',
        { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      ),
      ...request,
    },
    ['address'],
  ),
  definitions: {
    prometheusAuth: union('type', 'Prometheus authentication.', ['bearerAuth', 'basicAuth', 'headerAuth']),
    bearerAuth: variant('type', 'bearer', 'Sends `Authorization: Bearer <token>`.', { token: str('The token; write `${NAME}`.') }, ['token']),
    basicAuth: variant(
      'type',
      'basic',
      'HTTP basic authentication.',
      { username: str('User name.'), password: str('Password; write `${NAME}`.') },
      ['username', 'password'],
    ),
    headerAuth: variant(
      'type',
      'header',
      'Sends the credential in a header of your choice.',
      { name: str('Header name, e.g. `X-Scope-OrgID`.'), value: str('Header value; write `${NAME}`.') },
      ['name', 'value'],
    ),
  },
  create(config, deps) {
    const headers = { ...config.headers, ...(config.auth?.type === 'header' ? { [config.auth.name]: config.auth.value } : {}) }
    return createPrometheusProvider(
      {
        timeoutMs: config.timeout,
        retries: config.retries,
        address: config.address,
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
        ...(config.auth?.type === 'bearer' ? { bearerToken: config.auth.token } : {}),
        ...(config.auth?.type === 'basic' ? { basicAuth: { username: config.auth.username, password: config.auth.password } } : {}),
        api: config.queryRange ? 'query_range' : 'query',
        ...(config.step !== undefined ? { step: formatDuration(config.step) } : {}),
        ...(config.instanceLabel !== undefined ? { instanceLabel: config.instanceLabel } : {}),
      },
      deps,
    )
  },
}
