import { ConfigError, errorMessage } from '../errors.js'
import type { HistogramBucket } from '../analysis/observations.js'
import {
  parseExposition,
  matchesSelector,
  parseSelector,
  type ExpositionSample,
  type Selector,
} from './exposition.js'
import {
  createHttpClient,
  describeFailure,
  describeResponseFailure,
  httpClientDeps,
  type HttpClient,
  type RequestOptions,
} from '../http/client.js'
import type {
  Arm,
  MetricCheck,
  MetricsBackend,
  MetricQuery,
  MetricsProvider,
  MetricsProviderDeps,
  ObservationFor,
  ObservationResult,
  TemplateVars,
} from './types.js'
import { redactUrl, SecretSet } from '../http/redact.js'
import { checkQueries, fieldLabel, parseBound } from './series.js'
import { queryVars, renderTemplate, VALIDATION_WINDOW } from './template.js'
import type { ScrapeMetrics } from '../config/policy.generated.js'
import { list, ref, request, variant } from '../config/schema-parts.js'

/**
 * `type: scrape`: no metrics server. Reads the Prometheus text format straight from each arm's
 * `/metrics` endpoints at every interval boundary and judges the difference between two readings:
 *
 * - ratio: `events: http_requests_total{code=~"5.."}`, `total: http_requests_total`: counter deltas
 *   summed over every matching series of every endpoint of the arm. A counter lower than before was
 *   reset (a restart): its delta is its new value. A series absent before was born in the interval:
 *   its delta is its value. When the endpoint exposes the metric but no series matches (no 5xx yet),
 *   the count is a real zero; a metric no endpoint exposes is no data.
 * - samples: `buckets: http_request_duration_seconds{route="/"}` (the `_bucket` suffix is implied):
 *   per-`le` deltas of the histogram's cumulative buckets.
 * - value: a gauge read at the end of the interval; `sum(...)` (default), `avg`, `max` or `min`
 *   across the arm's series.
 *
 * Readings are keyed by interval boundary: `begin(at)` takes the first, and each look's reading at
 * `end` is the next look's `start`. An endpoint that fails either reading is left out of that
 * interval (with a warning); when every endpoint of the arm is out, the result is no data.
 */
export interface ScrapeOptions extends RequestOptions {
  canary: string[]
  baseline: string[]
  headers?: Record<string, string>
}

type Reading = { ok: true; samples: ExpositionSample[]; names: Set<string>; index: Map<string, number> } | { ok: false; reason: string }

interface Snapshot {
  at: number
  endpoints: Map<string, Reading>
}

const ACCEPT = 'text/plain;version=0.0.4;q=0.9,*/*;q=0.1'
/** Readings kept per arm: the current boundary and a few before it. */
const KEEP_READINGS = 4

export function createScrapeProvider(options: ScrapeOptions, deps: MetricsProviderDeps): MetricsProvider {
  const secrets = new SecretSet(deps.logger)
  secrets.addHeaders(options.headers)
  const urls: Record<Arm, string[]> = { canary: checkUrls(options.canary, 'canary'), baseline: checkUrls(options.baseline, 'baseline') }
  for (const url of [...urls.canary, ...urls.baseline]) {
    secrets.addUrl(url)
    const parsed = safeUrl(url)
    if (!parsed?.password) continue
    secrets.add(decodeURIComponent(parsed.password))
    secrets.add(Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64'))
  }
  const headers = { Accept: ACCEPT, ...options.headers }
  const client = createHttpClient(options, httpClientDeps(deps), {}, (t) => secrets.scrub(t))
  const readings: Record<Arm, Map<number, Promise<Snapshot>>> = { canary: new Map(), baseline: new Map() }
  const names: Record<Arm, Map<string, string>> = { canary: targetNames(urls.canary), baseline: targetNames(urls.baseline) }

  const take = (arm: Arm, at: Date, signal?: AbortSignal): Promise<Snapshot> => {
    const key = at.getTime()
    const existing = readings[arm].get(key)
    if (existing) return existing
    const snapshot = scrapeArm(client, urls[arm], headers, key, signal)
    readings[arm].set(key, snapshot)
    const keys = [...readings[arm].keys()].sort((a, b) => a - b)
    for (const old of keys.slice(0, Math.max(0, keys.length - KEEP_READINGS))) readings[arm].delete(old)
    return snapshot
  }

  /** The reading at the window start, or the latest one within one interval before it. */
  const readingAtStart = (arm: Arm, start: number, length: number): Promise<Snapshot> | undefined => {
    const exact = readings[arm].get(start)
    if (exact) return exact
    const earlier = [...readings[arm].keys()].filter((k) => k < start && k >= start - length).sort((a, b) => b - a)[0]
    return earlier === undefined ? undefined : readings[arm].get(earlier)
  }

  const selectorsOf = (check: MetricCheck, vars: TemplateVars): { field: string; selector: Selector }[] =>
    checkQueries(check).map((q) => {
      if (q.kind === 'values') {
        throw new ConfigError(`scrape: check "${check.name}": /metrics exposes no raw samples; use \`buckets\` with a histogram`)
      }
      const text = renderTemplate(q.template, vars, `scrape selector \`${q.field}\` of check "${check.name}"`)
      const selector = parseSelector(text)
      if (selector.aggregation !== undefined && q.kind !== 'value') {
        throw new ConfigError(`scrape: check "${check.name}": ${selector.aggregation}(...) applies to value checks; ${q.field} selectors are summed`)
      }
      return { field: q.field, selector: q.kind === 'buckets' ? bucketSelector(selector) : selector }
    })

  return {
    type: 'scrape',
    validate(check, vars) {
      selectorsOf(check, queryVars(vars, 'canary', VALIDATION_WINDOW))
    },
    async begin(at) {
      await Promise.all([take('canary', at), take('baseline', at)])
    },
    async query<C extends MetricCheck>(request: MetricQuery<C>): Promise<ObservationResult<ObservationFor<C>>> {
      const { check, arm, window } = request
      const selectors = selectorsOf(check, queryVars(request.vars, arm, window))
      const prefix = (field: string, selector: Selector): string =>
        `scrape: check "${check.name}" (${arm}) ${fieldLabel(field, 'selector')} \`${selector.text}\``
      const first = selectors[0] as { field: string; selector: Selector }
      const nodata = (reason: string): { ok: false; reason: string } => ({ ok: false, reason: secrets.scrub(reason) })

      const start = window.start.getTime()
      const previous = readingAtStart(arm, start, window.end.getTime() - start)
      if (check.type !== 'value' && previous === undefined) {
        return nodata(
          `${prefix(first.field, first.selector)}: no reading of ${urls[arm].map(redactUrl).join(', ')} at the interval start ${window.start.toISOString()}; counters need two readings, so the first interval after the analysis (re)starts has no data`,
        )
      }
      const current = await take(arm, window.end, request.signal)
      const before = check.type === 'value' ? undefined : await previous
      const usable: { url: string; now: Extract<Reading, { ok: true }>; then?: Extract<Reading, { ok: true }> }[] = []
      const skipped: string[] = []
      for (const url of urls[arm]) {
        const now = current.endpoints.get(url)
        const then = before?.endpoints.get(url)
        if (!now?.ok) skipped.push(`${redactUrl(url)} at ${new Date(current.at).toISOString()}: ${now?.reason ?? 'not read'}`)
        else if (before && !then?.ok) skipped.push(`${redactUrl(url)} at ${new Date(before.at).toISOString()}: ${then?.reason ?? 'not read'}`)
        else usable.push(then?.ok ? { url, now, then } : { url, now })
      }
      if (usable.length === 0) return nodata(`${prefix(first.field, first.selector)}: no endpoint could be read: ${skipped.join('; ')}`)
      if (skipped.length > 0) deps.logger.warn(secrets.scrub(`scrape: ${arm} interval ending ${window.end.toISOString()} leaves out ${skipped.join('; ')}`))

      switch (check.type) {
        case 'ratio': {
          const counts: number[] = []
          for (const { field, selector } of selectors) {
            const delta = counterDelta(selector, usable)
            if (!delta.ok) return nodata(`${prefix(field, selector)}: ${delta.reason}`)
            counts.push(delta.value)
          }
          const [events, total] = counts as [number, number]
          if (events > total) return nodata(`${prefix('events', first.selector)}: ${events} events, more than the total ${total}`)
          // One target is the arm itself: a breakdown says something only with two or more.
          const instances = urls[arm].length > 1 ? targetCounts(selectors, usable, names[arm]) : undefined
          return instances
            ? { ok: true, observation: { events, total } as ObservationFor<C>, instances: instances as Record<string, ObservationFor<C>> }
            : { ok: true, observation: { events, total } as ObservationFor<C> }
        }
        case 'samples': {
          const buckets = bucketDeltas(first.selector, usable)
          if (!buckets.ok) return nodata(`${prefix(first.field, first.selector)}: ${buckets.reason}`)
          return { ok: true, observation: { buckets: buckets.value } as ObservationFor<C> }
        }
        case 'value': {
          const value = gaugeValue(first.selector, usable)
          if (!value.ok) return nodata(`${prefix(first.field, first.selector)}: ${value.reason}`)
          return { ok: true, observation: { value: value.value } as ObservationFor<C> }
        }
      }
    },
  }
}

/** Each target's instance name: its `host:port`, or its whole URL (credentials redacted) where two share a host. */
function targetNames(urls: readonly string[]): Map<string, string> {
  const hosts = urls.map((u) => safeUrl(u)?.host ?? redactUrl(u))
  return new Map(urls.map((u, i) => [u, hosts.indexOf(hosts[i] as string) === hosts.lastIndexOf(hosts[i] as string) ? (hosts[i] as string) : redactUrl(u)]))
}

/**
 * The per-target breakdown of a ratio check (issue 14): each target read at both ends of the
 * interval, its own events and total deltas. A target whose counts cannot be told (the metric not
 * exposed there) is left out; undefined with no target left.
 */
function targetCounts(selectors: readonly { selector: Selector }[], pairs: readonly Pair[], names: ReadonlyMap<string, string>): Record<string, { events: number; total: number }> | undefined {
  const out: Record<string, { events: number; total: number }> = {}
  const [events, total] = selectors as [{ selector: Selector }, { selector: Selector }]
  for (const pair of pairs) {
    const t = counterDelta(total.selector, [pair])
    if (!t.ok) continue
    // The total is exposed here: an events family this target never exposed (no 5xx yet) is zero.
    const e = counterDelta(events.selector, [pair])
    const n = e.ok ? e.value : 0
    if (n <= t.value) out[names.get(pair.url) ?? redactUrl(pair.url)] = { events: n, total: t.value }
  }
  return Object.keys(out).length > 0 ? out : undefined
}

function checkUrls(list: readonly string[] | undefined, arm: Arm): string[] {
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigError(`scrape: \`${arm}\` needs at least one /metrics URL, e.g. ${arm}: [http://web-${arm}:8080/metrics]`)
  }
  for (const url of list) {
    const parsed = safeUrl(url)
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new ConfigError(`scrape: \`${arm}\` entry "${url}" is not an http(s) URL`)
    }
  }
  return [...list]
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url)
  } catch {
    return undefined
  }
}

async function scrapeArm(
  client: HttpClient,
  urls: readonly string[],
  headers: Record<string, string>,
  at: number,
  signal: AbortSignal | undefined,
): Promise<Snapshot> {
  const entries = await Promise.all(urls.map(async (url) => [url, await scrapeEndpoint(client, url, headers, signal)] as const))
  return { at, endpoints: new Map(entries) }
}

async function scrapeEndpoint(
  client: HttpClient,
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<Reading> {
  const outcome = await client.send({ method: 'GET', url, headers }, signal)
  if (outcome.kind === 'failed') return { ok: false, reason: describeFailure(outcome) }
  if (outcome.response.status < 200 || outcome.response.status >= 300) return { ok: false, reason: describeResponseFailure(outcome) }
  try {
    const { samples } = parseExposition(outcome.response.text)
    const index = new Map<string, number>()
    const names = new Set<string>()
    for (const s of samples) {
      index.set(seriesKey(s), s.value)
      names.add(s.name)
    }
    return { ok: true, samples, names, index }
  } catch (error) {
    return { ok: false, reason: `unreadable exposition text: ${errorMessage(error)}` }
  }
}

function seriesKey(sample: Pick<ExpositionSample, 'name' | 'labels'>): string {
  const labels = Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return JSON.stringify([sample.name, labels])
}

/** `http_request_duration_seconds{...}` selects `http_request_duration_seconds_bucket{...}`. */
function bucketSelector(selector: Selector): Selector {
  if (selector.metric === undefined || selector.metric.endsWith('_bucket')) return selector
  const metric = `${selector.metric}_bucket`
  return {
    ...selector,
    metric,
    matchers: selector.matchers.map((m) => (m.label === '__name__' && m.op === '=' ? { ...m, value: metric } : m)),
  }
}

type Pair = { url: string; now: Extract<Reading, { ok: true }>; then?: Extract<Reading, { ok: true }> }
type Num<T> = { ok: true; value: T } | { ok: false; reason: string }

/** How much a counter grew since the previous reading; a drop means it was reset and counts from 0. */
export function counterIncrease(previous: number | undefined, current: number): number {
  if (previous === undefined) return current
  return current >= previous ? current - previous : current
}

function* matchingDeltas(selector: Selector, pairs: readonly Pair[]): Generator<{ sample: ExpositionSample; delta: number }> {
  for (const { now, then } of pairs) {
    for (const sample of now.samples) {
      if (!matchesSelector(selector, sample.name, sample.labels)) continue
      yield { sample, delta: counterIncrease(then?.index.get(seriesKey(sample)), sample.value) }
    }
  }
}

function notExposed(selector: Selector, pairs: readonly Pair[]): string {
  const where = pairs.map((p) => redactUrl(p.url)).join(', ')
  return selector.metric !== undefined && !pairs.some((p) => p.now.names.has(selector.metric as string))
    ? `${selector.metric} is not exposed by ${where}`
    : `no series match on ${where}`
}

function counterDelta(selector: Selector, pairs: readonly Pair[]): Num<number> {
  let total = 0
  let matched = 0
  for (const { sample, delta } of matchingDeltas(selector, pairs)) {
    if (!Number.isFinite(delta)) return { ok: false, reason: `${sample.name} reads ${sample.value}` }
    total += delta
    matched++
  }
  // The family is exposed but no series matches (no 5xx so far): a real zero, not an absence.
  if (matched === 0 && !(selector.metric !== undefined && pairs.some((p) => p.now.names.has(selector.metric as string)))) {
    return { ok: false, reason: notExposed(selector, pairs) }
  }
  return { ok: true, value: total }
}

function bucketDeltas(selector: Selector, pairs: readonly Pair[]): Num<HistogramBucket[]> {
  const counts = new Map<number, number>()
  for (const { sample, delta } of matchingDeltas(selector, pairs)) {
    const raw = sample.labels['le']
    const le = raw === undefined ? undefined : parseBound(raw)
    if (le === undefined) return { ok: false, reason: `${sample.name} has a series without a readable \`le\` label (le=${JSON.stringify(raw)})` }
    if (!Number.isFinite(delta)) return { ok: false, reason: `${sample.name}{le="${raw}"} reads ${sample.value}` }
    counts.set(le, (counts.get(le) ?? 0) + delta)
  }
  if (counts.size === 0) return { ok: false, reason: notExposed(selector, pairs) }
  return { ok: true, value: [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count })) }
}

function gaugeValue(selector: Selector, pairs: readonly Pair[]): Num<number> {
  const values: number[] = []
  for (const { now } of pairs) for (const s of now.samples) if (matchesSelector(selector, s.name, s.labels)) values.push(s.value)
  if (values.length === 0) return { ok: false, reason: notExposed(selector, pairs) }
  if (values.some((v) => !Number.isFinite(v))) return { ok: false, reason: `a matching series reads ${values.find((v) => !Number.isFinite(v))}` }
  switch (selector.aggregation ?? 'sum') {
    case 'sum':
      return { ok: true, value: values.reduce((a, b) => a + b, 0) }
    case 'avg':
      return { ok: true, value: values.reduce((a, b) => a + b, 0) / values.length }
    case 'max':
      return { ok: true, value: Math.max(...values) }
    case 'min':
      return { ok: true, value: Math.min(...values) }
  }
}

/** `provider: { type: scrape }`: this backend's descriptor, listed in shared/metrics/registry.ts. */
export const scrapeMetrics: MetricsBackend<ScrapeMetrics> = {
  type: 'scrape',
  definition: 'scrapeMetrics',
  schema: variant(
    'type',
    'scrape',
    'Reads Prometheus exposition text straight from `/metrics` endpoints of each arm: no metrics server needed. Queries are metric names with optional label matchers.',
    {
      canary: list('`/metrics` URLs of the canary instances.', { $ref: '#/definitions/url' }, { minItems: 1 }),
      baseline: list('`/metrics` URLs of the stable (baseline) instances.', { $ref: '#/definitions/url' }, { minItems: 1 }),
      headers: ref('headers', 'Extra request headers.'),
      ...request,
    },
    ['canary', 'baseline'],
  ),
  create: (config, deps) =>
    createScrapeProvider(
      { timeoutMs: config.timeout, retries: config.retries, canary: config.canary, baseline: config.baseline, ...(config.headers ? { headers: config.headers } : {}) },
      deps,
    ),
}
