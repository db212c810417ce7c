import { ConfigError } from '../errors.js'
import type { HistogramBucket, Observation } from '../analysis/observations.js'
import type {
  Arm,
  MetricCheck,
  MetricQuery,
  MetricsProvider,
  ObservationFor,
  ObservationResult,
  TemplateVars,
  TimeWindow,
  ValueReduce,
} from './types.js'
import type { SecretSet } from '../http/redact.js'
import { queryVars, renderTemplate, VALIDATION_WINDOW } from './template.js'

/** One time series as a backend answered it: labels and (timestamp ms, value) points. */
export interface Series {
  labels: Readonly<Record<string, string>>
  points: readonly { t: number; v: number }[]
}

/**
 * What a query string is for, so a backend can ask for the right shape:
 * `count` (ratio events/total: points are summed), `buckets` (series labelled `le`),
 * `values` (every point is a sample), `value` (one series reduced to one reading).
 */
export type QueryKind = 'count' | 'buckets' | 'values' | 'value'

export type SeriesResult = { ok: true; series: Series[] } | { ok: false; reason: string }

export interface QueryContext {
  kind: QueryKind
  arm: Arm
  window: TimeWindow
  vars: TemplateVars
  signal?: AbortSignal
}

export interface SeriesBackend {
  type: MetricsProvider['type']
  secrets: SecretSet
  /** The language a query is written in, for error messages ("PromQL query", "NRQL query"). */
  queryNoun: string
  /** Throws a ConfigError when the backend cannot answer this kind of query. */
  supports?: (kind: QueryKind, check: MetricCheck) => void
  /** Variables of its own on top of the shared ones (prometheus: `{{step}}`). */
  extraVars?: (window: TimeWindow) => TemplateVars
  /** Renders extra templates of its own (URLs, headers) so validation catches their variables too. */
  validateVars?: (vars: TemplateVars) => void
  fetchSeries(query: string, context: QueryContext): Promise<SeriesResult>
  /**
   * The per-instance breakdown of ratio checks: answers' series are split by `label` (each value an
   * instance) besides being summed into the arm's counts, after `group` rewrote the query to keep
   * that label (prometheus: `sum(...)` → `sum by (pod) (...)`). Unset: no breakdown.
   */
  instances?: { label: string; group?: (query: string) => string }
}

/** The queries a check runs, with the kind of answer each needs. */
export function checkQueries(check: MetricCheck): { field: string; template: string; kind: QueryKind }[] {
  switch (check.type) {
    case 'ratio':
      return [
        { field: 'events', template: check.events, kind: 'count' },
        { field: 'total', template: check.total, kind: 'count' },
      ]
    case 'samples':
      if (check.buckets !== undefined) return [{ field: 'buckets', template: check.buckets, kind: 'buckets' }]
      if (check.values !== undefined) return [{ field: 'values', template: check.values, kind: 'values' }]
      throw new ConfigError(`check "${(check as { name: string }).name}": a samples check needs \`buckets\` or \`values\``)
    case 'value':
      return [{ field: 'query', template: check.query, kind: 'value' }]
  }
}

/**
 * A MetricsProvider over a backend that answers one query string with series. Shared here: templating,
 * validation, the reduction of series to the observation the judge wants, and reasons that name the
 * provider, the check, the arm and the query (with secrets scrubbed).
 */
export function seriesProvider(backend: SeriesBackend): MetricsProvider {
  const where = (check: MetricCheck, field: string): string =>
    `${backend.type} ${backend.queryNoun} \`${field}\` of check "${check.name}"`

  return {
    type: backend.type,
    validate(check, vars) {
      const all = { ...queryVars(vars, 'canary', VALIDATION_WINDOW), ...backend.extraVars?.(VALIDATION_WINDOW) }
      for (const q of checkQueries(check)) {
        backend.supports?.(q.kind, check)
        renderTemplate(q.template, all, where(check, q.field))
      }
      backend.validateVars?.(all)
    },
    async query<C extends MetricCheck>(request: MetricQuery<C>): Promise<ObservationResult<ObservationFor<C>>> {
      const { check, arm, window } = request
      const vars = { ...queryVars(request.vars, arm, window), ...backend.extraVars?.(window) }
      const reduced: Record<string, ReducedField> = {}
      const split = check.type === 'ratio' ? backend.instances : undefined
      const perInstance: Record<string, Map<string, number>> = {}
      let firstQuery = ''
      for (const q of checkQueries(check)) {
        backend.supports?.(q.kind, check)
        const rendered = renderTemplate(q.template, vars, where(check, q.field))
        const query = split?.group ? split.group(rendered) : rendered
        firstQuery ||= query
        const context: QueryContext = { kind: q.kind, arm, window, vars }
        if (request.signal) context.signal = request.signal
        const prefix = `${backend.type}: check "${check.name}" (${arm}) ${fieldLabel(q.field, 'query')} \`${query}\``
        // Each answer is judged as it arrives: a failed events query need not cost a total query.
        const result = await backend.fetchSeries(query, context)
        if (!result.ok) return nodata(backend.secrets, `${prefix}: ${result.reason}`)
        const field = reduceField(q.kind, result.series, check.type === 'value' ? (check.reduce ?? 'mean') : 'mean')
        if (!field.ok) return nodata(backend.secrets, `${prefix}: ${field.reason}`)
        reduced[q.field] = field.value
        if (split) perInstance[q.field] = countsByLabel(result.series, split.label)
      }
      const observation = combine(check, reduced)
      if (!observation.ok) {
        return nodata(backend.secrets, `${backend.type}: check "${check.name}" (${arm}) events query \`${firstQuery}\`: ${observation.reason}`)
      }
      const instances = split ? ratioInstances(perInstance['events'], perInstance['total']) : undefined
      return instances
        ? { ok: true, observation: observation.value as ObservationFor<C>, instances: instances as Record<string, ObservationFor<C>> }
        : { ok: true, observation: observation.value as ObservationFor<C> }
    },
  }
}

/** Per value of `label`: the sum of its series' finite, non-negative points (series without the label are the arm's only). */
export function countsByLabel(series: readonly Series[], label: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const s of series) {
    const instance = s.labels[label]
    if (instance === undefined || instance === '') continue
    let sum = counts.get(instance) ?? 0
    for (const p of s.points) if (Number.isFinite(p.v) && p.v >= 0) sum += p.v
    counts.set(instance, sum)
  }
  return counts
}

/**
 * Each instance's `{events, total}` from the split answers: an instance in the total answer but
 * not in the events one had no events (an error counter a healthy pod never incremented); one with
 * events but no total, or more events than total, is left out. undefined when no instance is left.
 */
export function ratioInstances(events: ReadonlyMap<string, number> | undefined, total: ReadonlyMap<string, number> | undefined): Record<string, { events: number; total: number }> | undefined {
  if (!events || !total) return undefined
  const out: Record<string, { events: number; total: number }> = {}
  for (const [instance, n] of total) {
    const e = events.get(instance) ?? 0
    if (e <= n) out[instance] = { events: e, total: n }
  }
  return Object.keys(out).length > 0 ? out : undefined
}

/** "events query", "total query", or plain "query" for a value check's only query. */
export function fieldLabel(field: string, noun: string): string {
  return field === 'query' ? noun : `${field} ${noun}`
}

function nodata(secrets: SecretSet, reason: string): { ok: false; reason: string } {
  return { ok: false, reason: secrets.scrub(reason) }
}

type ReducedField = number | number[] | HistogramBucket[]

/** One query's series, reduced to what its field of the observation holds. */
export function reduceField(kind: QueryKind, series: readonly Series[], reduce: ValueReduce): Num<ReducedField> {
  switch (kind) {
    case 'count':
      return sumCounts(series)
    case 'buckets':
      return sumBuckets(series)
    case 'values':
      return collectValues(series)
    case 'value':
      return reduceValue(series, reduce)
  }
}

function combine(check: MetricCheck, fields: Readonly<Record<string, ReducedField>>): Num<Observation> {
  switch (check.type) {
    case 'ratio': {
      const events = fields['events'] as number
      const total = fields['total'] as number
      if (events > total) return { ok: false, reason: `returned ${events} events, more than the total ${total}` }
      return { ok: true, value: { events, total } }
    }
    case 'samples':
      return check.buckets !== undefined
        ? { ok: true, value: { buckets: fields['buckets'] as HistogramBucket[] } }
        : { ok: true, value: { values: fields['values'] as number[] } }
    case 'value':
      return { ok: true, value: { value: fields['query'] as number } }
  }
}

type Num<T> = { ok: true; value: T } | { ok: false; reason: string }

function describeNonFinite(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'
}

/** Counts: every point of every series summed. No series or no point is no data, never zero. */
export function sumCounts(series: readonly Series[]): Num<number> {
  if (series.length === 0) return { ok: false, reason: 'returned no series (an empty result is no data, not zero)' }
  let total = 0
  let points = 0
  for (const s of series) {
    for (const p of s.points) {
      if (!Number.isFinite(p.v)) return { ok: false, reason: `returned ${describeNonFinite(p.v)} for ${formatLabels(s.labels)}` }
      if (p.v < 0) return { ok: false, reason: `returned a negative count ${p.v} for ${formatLabels(s.labels)}` }
      total += p.v
      points++
    }
  }
  if (points === 0) return { ok: false, reason: `returned ${series.length} series but no points in the interval` }
  return { ok: true, value: total }
}

/** Histogram buckets: series labelled `le`, summed per bound across series and points. */
export function sumBuckets(series: readonly Series[]): Num<HistogramBucket[]> {
  if (series.length === 0) return { ok: false, reason: 'returned no series (an empty result is no data, not zero)' }
  const counts = new Map<number, number>()
  for (const s of series) {
    const raw = s.labels['le']
    if (raw === undefined) return { ok: false, reason: `returned a series without an \`le\` label: ${formatLabels(s.labels)}` }
    const le = parseBound(raw)
    if (le === undefined) return { ok: false, reason: `returned an unreadable bucket bound le="${raw}"` }
    for (const p of s.points) {
      if (!Number.isFinite(p.v) || p.v < 0) return { ok: false, reason: `returned ${p.v} for bucket le="${raw}"` }
      counts.set(le, (counts.get(le) ?? 0) + p.v)
    }
  }
  if (counts.size === 0) return { ok: false, reason: 'returned buckets without points in the interval' }
  const buckets = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }))
  return { ok: true, value: buckets }
}

export function parseBound(raw: string): number | undefined {
  const text = raw.trim()
  if (/^\+?inf$/i.test(text)) return Number.POSITIVE_INFINITY
  const n = Number(text)
  return text !== '' && Number.isFinite(n) ? n : undefined
}

/** Raw samples: every finite point of every series. */
export function collectValues(series: readonly Series[]): Num<number[]> {
  const values: number[] = []
  for (const s of series) for (const p of s.points) if (Number.isFinite(p.v)) values.push(p.v)
  if (values.length === 0) {
    return { ok: false, reason: series.length === 0 ? 'returned no series' : 'returned no finite values in the interval' }
  }
  return { ok: true, value: values }
}

/** One reading: exactly one series (several would be ambiguous), its points reduced. */
export function reduceValue(series: readonly Series[], reduce: ValueReduce): Num<number> {
  if (series.length === 0) return { ok: false, reason: 'returned no series' }
  if (series.length > 1) {
    const shown = series.slice(0, 3).map((s) => formatLabels(s.labels)).join(', ')
    return { ok: false, reason: `returned ${series.length} series (${shown}…); a value check needs one: aggregate the query` }
  }
  const points = (series[0]?.points ?? []).filter((p) => Number.isFinite(p.v))
  if (points.length === 0) return { ok: false, reason: 'returned no finite points in the interval' }
  const values = points.map((p) => p.v)
  switch (reduce) {
    case 'last':
      return { ok: true, value: [...points].sort((a, b) => a.t - b.t).at(-1)?.v as number }
    case 'max':
      return { ok: true, value: Math.max(...values) }
    case 'min':
      return { ok: true, value: Math.min(...values) }
    case 'sum':
      return { ok: true, value: values.reduce((a, b) => a + b, 0) }
    case 'mean':
      return { ok: true, value: values.reduce((a, b) => a + b, 0) / values.length }
  }
}

export function formatLabels(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels)
  if (entries.length === 0) return '{}'
  return `{${entries.map(([k, v]) => `${k}="${v}"`).join(',')}}`
}

/** Keeps the points inside [start, end) (or (start, end] when `endInclusive`, for range queries). */
export function pointsInWindow<T extends { t: number }>(points: readonly T[], window: TimeWindow, endInclusive = false): T[] {
  const start = window.start.getTime()
  const end = window.end.getTime()
  return points.filter((p) => (endInclusive ? p.t > start && p.t <= end : p.t >= start && p.t < end))
}
