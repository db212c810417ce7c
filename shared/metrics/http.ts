import { JSONPath } from 'jsonpath-plus'
import { ConfigError, errorMessage } from '../errors.js'
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
import type { MetricsBackend, MetricsProvider, MetricsProviderDeps, TemplateVars } from './types.js'
import { SecretSet } from '../http/redact.js'
import { parseBound, seriesProvider, type QueryContext, type Series, type SeriesResult } from './series.js'
import { renderTemplate } from './template.js'
import type { HttpMetrics } from '../config/policy.generated.js'
import { object, ref, request, str, variant } from '../config/schema-parts.js'

/**
 * `type: http`: any JSON endpoint. One request per query: the check's query text is `{{query}}`
 * inside the URL, header and body templates (with every other variable: `{{version}}`, `{{arm}}`,
 * `{{start}}`...). Values substituted into the URL are URL-encoded; into a JSON body object they are
 * inserted into its strings as is (JSON encoding happens after). The number(s) come from JSONPath
 * expressions, themselves templates (`$.metrics['{{query}}']` picks one field of a shared document).
 */
export interface HttpProviderOptions extends RequestOptions {
  url: string
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  /** A string template, or a JSON value whose strings are templates. Sent with POST. */
  body?: JsonValue
  jsonPath?: {
    /** The number for counts (ratio events/total) and value checks. Default `$.value`. */
    value?: string
    /** The numbers of a samples `values` check. Default `$.values[*]`. */
    values?: string
    /** The bucket objects of a samples `buckets` check. Default `$.buckets[*]`. */
    buckets?: string
    /** Within a bucket object: its bound and its count. Defaults `le` and `count`. */
    le?: string
    count?: string
  }
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

const DEFAULT_PATHS = { value: '$.value', values: '$.values[*]', buckets: '$.buckets[*]', le: 'le', count: 'count' } as const

export function createHttpProvider(options: HttpProviderOptions, deps: MetricsProviderDeps): MetricsProvider {
  if (!options.url) throw new ConfigError('http: `url` is required')
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST')
  if (method !== 'GET' && method !== 'POST') throw new ConfigError(`http: \`method\` "${String(method)}" is not GET or POST`)
  const paths = { ...DEFAULT_PATHS, ...options.jsonPath }
  const secrets = new SecretSet(deps.logger)
  secrets.addHeaders(options.headers)
  secrets.addUrl(options.url)
  const client = createHttpClient(options, httpClientDeps(deps), {}, (t) => secrets.scrub(t))

  const render = (vars: TemplateVars): { url: string; headers: Record<string, string>; body?: string } => {
    const url = renderTemplate(options.url, vars, 'http provider `url`', encodeURIComponent)
    try {
      new URL(url)
    } catch {
      throw new ConfigError(`http: \`url\` renders to "${secrets.scrub(url)}", not a URL`)
    }
    const headers: Record<string, string> = { Accept: 'application/json' }
    for (const [name, template] of Object.entries(options.headers ?? {})) {
      headers[name] = renderTemplate(template, vars, `http provider header ${name}`)
      // A rendered credential (e.g. `Bearer {{token}}`) is as secret as its template.
      if (/auth|token|key|secret|cookie/i.test(name)) secrets.addHeaderValue(headers[name])
    }
    if (options.body === undefined) return { url, headers }
    const body =
      typeof options.body === 'string'
        ? renderTemplate(options.body, vars, 'http provider `body`')
        : JSON.stringify(renderJson(options.body, vars))
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = typeof options.body === 'string' ? 'text/plain' : 'application/json'
    }
    return { url, headers, body }
  }

  return seriesProvider({
    type: 'http',
    secrets,
    queryNoun: 'query',
    validateVars(vars) {
      const withQuery = { query: '', ...vars }
      render(withQuery)
      for (const path of Object.values(paths)) renderTemplate(path, withQuery, 'http provider `jsonPath`')
    },
    async fetchSeries(query, context) {
      const vars = { ...context.vars, query }
      const request = render(vars)
      const outcome = await client.send({ method, ...request }, context.signal)
      if (outcome.kind === 'failed') return { ok: false, reason: describeFailure(outcome) }
      if (outcome.response.status < 200 || outcome.response.status >= 300) return { ok: false, reason: describeResponseFailure(outcome) }
      const parsed = parseJson(outcome.response.text)
      if (!parsed.ok) return parsed
      return pickSeries(parsed.value, context, {
        value: renderTemplate(paths.value, vars, 'http provider `jsonPath.value`'),
        values: renderTemplate(paths.values, vars, 'http provider `jsonPath.values`'),
        buckets: renderTemplate(paths.buckets, vars, 'http provider `jsonPath.buckets`'),
        le: paths.le,
        count: paths.count,
      })
    },
  })
}

function renderJson(value: JsonValue, vars: TemplateVars): JsonValue {
  if (typeof value === 'string') return renderTemplate(value, vars, 'http provider `body`')
  if (Array.isArray(value)) return value.map((v) => renderJson(v, vars))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderJson(v, vars)]))
  }
  return value
}

function select(path: string, json: unknown): { ok: true; matches: unknown[] } | { ok: false; reason: string } {
  try {
    const matches = JSONPath({ path, json: json as object, wrap: true, eval: 'safe' }) as unknown
    return { ok: true, matches: Array.isArray(matches) ? matches : [] }
  } catch (error) {
    return { ok: false, reason: `JSONPath ${path} failed: ${errorMessage(error)}` }
  }
}

/** Numbers may arrive as JSON numbers or numeric strings (many APIs quote them). */
function toNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw
  if (typeof raw === 'string' && raw.trim() !== '') {
    const n = Number(raw)
    return Number.isNaN(n) ? undefined : n
  }
  return undefined
}

export function pickSeries(
  json: unknown,
  context: Pick<QueryContext, 'kind'>,
  paths: { value: string; values: string; buckets: string; le: string; count: string },
): SeriesResult {
  const body = excerpt(JSON.stringify(json), 160)
  switch (context.kind) {
    case 'count':
    case 'value': {
      const found = select(paths.value, json)
      if (!found.ok) return found
      if (found.matches.length !== 1) {
        return { ok: false, reason: `JSONPath ${paths.value} matched ${found.matches.length} values, expected one, in ${body}` }
      }
      const v = toNumber(found.matches[0])
      if (v === undefined) return { ok: false, reason: `JSONPath ${paths.value} picked ${JSON.stringify(found.matches[0])}, not a number` }
      return { ok: true, series: [{ labels: {}, points: [{ t: 0, v }] }] }
    }
    case 'values': {
      const found = select(paths.values, json)
      if (!found.ok) return found
      if (found.matches.length === 0) return { ok: false, reason: `JSONPath ${paths.values} matched nothing in ${body}` }
      const values = found.matches.map(toNumber)
      const bad = found.matches.find((_, i) => values[i] === undefined)
      if (bad !== undefined) return { ok: false, reason: `JSONPath ${paths.values} picked ${JSON.stringify(bad)}, not a number` }
      return { ok: true, series: [{ labels: {}, points: (values as number[]).map((v) => ({ t: 0, v })) }] }
    }
    case 'buckets': {
      const found = select(paths.buckets, json)
      if (!found.ok) return found
      if (found.matches.length === 0) return { ok: false, reason: `JSONPath ${paths.buckets} matched nothing in ${body}` }
      const series: Series[] = []
      for (const bucket of found.matches) {
        const le = isRecord(bucket) ? bucket[paths.le] : undefined
        const count = isRecord(bucket) ? toNumber(bucket[paths.count]) : undefined
        const bound = typeof le === 'number' ? le : typeof le === 'string' ? parseBound(le) : undefined
        if (bound === undefined || count === undefined) {
          return { ok: false, reason: `bucket ${excerpt(JSON.stringify(bucket), 80)} lacks a numeric \`${paths.le}\` and \`${paths.count}\`` }
        }
        series.push({ labels: { le: bound === Number.POSITIVE_INFINITY ? '+Inf' : String(bound) }, points: [{ t: 0, v: count }] })
      }
      return { ok: true, series }
    }
  }
}

/** `provider: { type: http }`: this backend's descriptor, listed in shared/metrics/registry.ts. */
export const httpMetrics: MetricsBackend<HttpMetrics> = {
  type: 'http',
  definition: 'httpMetrics',
  schema: variant(
    'type',
    'http',
    'Any JSON endpoint: `{{query}}` in the URL, headers or body is replaced by the check\'s query, and `jsonPath` picks the numbers.',
    {
      url: ref('url', 'URL to request; may contain `{{query}}` and the other placeholders (URL-encoded).'),
      method: { enum: ['GET', 'POST'], description: 'HTTP method.', default: 'GET' },
      headers: ref('headers', 'Extra request headers; may contain placeholders.'),
      body: {
        type: ['string', 'object'],
        description: 'Request body for POST: text, or a mapping sent as JSON; placeholders in its strings are filled in.',
      },
      jsonPath: ref('httpJsonPaths', 'Where the numbers are in the response.', { default: {} }),
      ...request,
    },
    ['url'],
  ),
  definitions: {
    httpJsonPaths: object('JSONPath expressions (themselves templates) locating the numbers in a response.', {
      value: str('The number for ratio counts and value checks.', { default: '$.value' }),
      values: str('The numbers of a samples `values` check.', { default: '$.values[*]' }),
      buckets: str('The bucket objects of a samples `buckets` check.', { default: '$.buckets[*]' }),
      le: str('Within a bucket object: its upper bound.', { default: 'le' }),
      count: str('Within a bucket object: its cumulative count.', { default: 'count' }),
    }),
  },
  rules: { placeholders: ['query'] },
  create: (config, deps) =>
    createHttpProvider(
      {
        timeoutMs: config.timeout,
        retries: config.retries,
        url: config.url,
        method: config.method,
        ...(config.headers ? { headers: config.headers } : {}),
        ...(config.body !== undefined ? { body: config.body as JsonValue } : {}),
        jsonPath: config.jsonPath,
      },
      deps,
    ),
}
