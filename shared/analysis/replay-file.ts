/**
 * The replay format (DESIGN.md, "Replay format"): parse and validate a recorded analysis into the
 * judge's configuration and intervals. Every error names the field at fault, e.g.
 * `intervals[3].canary.errors.total: expected a non-negative number, found "abc"`.
 *
 * `mode: paired` (optional; default `split`) marks a recorded mirror step: the canary is a shadow
 * answering copies of a share (`mirror`, in percent) of the very requests stable answers, and the
 * paired judge (shared/analysis/paired.ts) judges it. It reads, per interval, both arms' counts of a
 * ratio metric (their totals may differ: the shadow sees the mirrored share), one quantile of each
 * arm's samples, and the shadow's gauge readings; it has no Mann-Whitney mode, no Kayenta scoring, no
 * split-traffic tuning and no distribution test, so a paired file that asks for one is refused.
 */
import type { InstanceInterval } from './instances.js'
import type { HistogramBucket, IntervalData, Observation } from './observations.js'
import type { Direction, JudgeConfig, KayentaOptions, MetricConfig } from './types.js'

export class ReplayFormatError extends Error {
  override readonly name = 'ReplayFormatError'
  constructor(
    readonly path: string,
    readonly expected: string,
    found: unknown,
  ) {
    super(`${path}: expected ${expected}, found ${describe(found)}`)
  }
}

export type ReplayMode = 'split' | 'paired'

export interface ReplayInput {
  /** `split` (the default: canary and baseline split the traffic) or `paired` (a mirror step). */
  mode: ReplayMode
  config: JudgeConfig
  intervals: IntervalData[]
  /** A paired file's mirror: the percent of stable's requests copied to the shadow. */
  mirror?: number
  /**
   * A pass counts from this many looks on (the policy's minimum duration), as a live analysis
   * waits for it; absent: from the first look.
   */
  minIntervals?: number
  /** Each interval's recorded traffic weight in percent (a paired file: the mirror percent), where given. */
  weights?: (number | undefined)[]
  /**
   * The optional per-instance breakdown, aligned with `intervals` (undefined where an interval has
   * none); absent when no interval has one. The judge reads the arms' totals only; the breakdown
   * names an outlier instance (shared/analysis/instances.ts).
   */
  instances?: (InstanceInterval | undefined)[]
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return String(value)
}

type Obj = Record<string, unknown>

function join(path: string, key: string): string {
  return path === '(root)' ? key : `${path}.${key}`
}

function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ReplayFormatError(path, 'an object', value)
  return value as Obj
}

function only(o: Obj, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) throw new ReplayFormatError(join(path, key), `one of the fields ${allowed.join(', ')}`, key)
  }
}

function num(value: unknown, path: string, what = 'a number', ok: (n: number) => boolean = () => true): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw new ReplayFormatError(path, what, value)
  return value
}

const nonNegative = (v: unknown, path: string): number => num(v, path, 'a non-negative number', (n) => n >= 0)

function optional<T>(o: Obj, key: string, read: (v: unknown, path: string) => T, path: string): T | undefined {
  return o[key] === undefined ? undefined : read(o[key], join(path, key))
}

function oneOf<T extends string>(values: readonly T[]): (v: unknown, path: string) => T {
  return (v, path) => {
    if (typeof v !== 'string' || !values.includes(v as T)) throw new ReplayFormatError(path, `one of ${values.map((x) => `"${x}"`).join(', ')}`, v)
    return v as T
  }
}

const bool = (v: unknown, path: string): boolean => {
  if (typeof v !== 'boolean') throw new ReplayFormatError(path, 'true or false', v)
  return v
}

const DIRECTIONS: readonly Direction[] = ['increase', 'decrease', 'either']
const COMMON = ['name', 'type', 'critical', 'weight', 'group', 'allowedIncrease', 'allowedDecrease', 'criticalIncrease', 'criticalDecrease']

function set<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value
}

function parseMetric(value: unknown, path: string): MetricConfig {
  const o = object(value, path)
  if (typeof o.name !== 'string' || o.name.trim() === '') throw new ReplayFormatError(`${path}.name`, 'a non-empty string', o.name)
  const type = oneOf(['ratio', 'samples', 'value'] as const)(o.type, `${path}.type`)
  let metric: MetricConfig
  if (type === 'value') {
    only(o, path, [...COMMON, 'max', 'min', 'failureLimit'])
    metric = { name: o.name, type }
    set(metric, 'max', optional(o, 'max', (v, p) => num(v, p), path))
    set(metric, 'min', optional(o, 'min', (v, p) => num(v, p), path))
    set(metric, 'failureLimit', optional(o, 'failureLimit', (v, p) => num(v, p, 'a non-negative integer', (n) => n >= 0 && Number.isInteger(n)), path))
    if (metric.max === undefined && metric.min === undefined) throw new ReplayFormatError(`${path}.max`, 'a number (a value metric needs max or min)', undefined)
  } else {
    const extra = type === 'samples' ? ['quantile'] : []
    only(o, path, [...COMMON, 'direction', 'tolerance', 'tuning', ...extra])
    metric = type === 'ratio' ? { name: o.name, type } : { name: o.name, type }
    set(metric, 'direction', optional(o, 'direction', oneOf(DIRECTIONS), path))
    set(metric, 'tolerance', optional(o, 'tolerance', nonNegative, path))
    if (metric.type === 'samples') {
      set(
        metric,
        'quantile',
        optional(
          o,
          'quantile',
          (v, p) => (v === 'distribution' ? 'distribution' : num(v, p, 'a quantile between 0 and 1 (0.5, 0.95, 0.99) or "distribution"', (n) => n > 0 && n < 1)),
          path,
        ),
      )
    }
    if (o.tuning !== undefined) {
      const t = object(o.tuning, `${path}.tuning`)
      only(t, `${path}.tuning`, ['scales', 'weights', 'newClassWeight', 'dispersion'])
      const list = (v: unknown, p: string): number[] => {
        if (!Array.isArray(v) || v.length === 0) throw new ReplayFormatError(p, 'a non-empty array of positive numbers', v)
        return v.map((x, i) => num(x, `${p}[${i}]`, 'a positive number', (n) => n > 0))
      }
      const tuning: NonNullable<typeof metric.tuning> = {}
      set(tuning, 'scales', optional(t, 'scales', list, `${path}.tuning`))
      set(tuning, 'weights', optional(t, 'weights', list, `${path}.tuning`))
      set(tuning, 'newClassWeight', optional(t, 'newClassWeight', (v, p) => num(v, p, 'a number from 0 to 1', (n) => n >= 0 && n <= 1), `${path}.tuning`))
      set(tuning, 'dispersion', optional(t, 'dispersion', (v, p) => num(v, p, 'a number ≥ 1', (n) => n >= 1), `${path}.tuning`))
      metric.tuning = tuning
    }
  }
  set(metric, 'critical', optional(o, 'critical', bool, path))
  set(metric, 'weight', optional(o, 'weight', nonNegative, path))
  if (o.group !== undefined) {
    if (typeof o.group !== 'string') throw new ReplayFormatError(`${path}.group`, 'a string', o.group)
    metric.group = o.group
  }
  for (const key of ['allowedIncrease', 'allowedDecrease', 'criticalIncrease', 'criticalDecrease'] as const) set(metric, key, optional(o, key, nonNegative, path))
  return metric
}

function parseLe(v: unknown, path: string): number {
  if (v === '+Inf' || v === 'Infinity' || v === '+Infinity' || v === 'inf') return Number.POSITIVE_INFINITY
  return num(v, path, 'a number or "+Inf"')
}

function parseObservation(value: unknown, metric: MetricConfig, path: string): Observation {
  const o = object(value, path)
  switch (metric.type) {
    case 'ratio': {
      only(o, path, ['events', 'total'])
      const events = nonNegative(o.events, `${path}.events`)
      const total = nonNegative(o.total, `${path}.total`)
      if (events > total) throw new ReplayFormatError(`${path}.events`, `at most total (${total})`, events)
      return { events, total }
    }
    case 'samples': {
      if (o.values !== undefined) {
        only(o, path, ['values'])
        if (!Array.isArray(o.values)) throw new ReplayFormatError(`${path}.values`, 'an array of numbers', o.values)
        const values = o.values as unknown[]
        for (let i = 0; i < values.length; i++) num(values[i], `${path}.values[${i}]`)
        return { values: values as number[] }
      }
      if (o.buckets !== undefined) {
        only(o, path, ['buckets'])
        if (!Array.isArray(o.buckets)) throw new ReplayFormatError(`${path}.buckets`, 'an array of {le, count}', o.buckets)
        const buckets: HistogramBucket[] = (o.buckets as unknown[]).map((b, i) => {
          const bp = `${path}.buckets[${i}]`
          const bo = object(b, bp)
          only(bo, bp, ['le', 'count'])
          return { le: parseLe(bo.le, `${bp}.le`), count: nonNegative(bo.count, `${bp}.count`) }
        })
        const sorted = buckets.map((b, i) => ({ ...b, i })).sort((a, b) => a.le - b.le)
        for (let i = 1; i < sorted.length; i++) {
          const prev = sorted[i - 1] as { count: number }
          const cur = sorted[i] as { count: number; i: number }
          if (cur.count < prev.count) {
            throw new ReplayFormatError(`${path}.buckets[${cur.i}].count`, `a cumulative count (at least ${prev.count}, the count of the bucket below)`, cur.count)
          }
        }
        return { buckets }
      }
      throw new ReplayFormatError(path, 'an object with "values" (an array of numbers) or "buckets" (an array of {le, count})', value)
    }
    case 'value':
      only(o, path, ['value'])
      return { value: num(o.value, `${path}.value`) }
  }
}

function parseArm(value: unknown, metrics: ReadonlyMap<string, MetricConfig>, path: string): Record<string, Observation | undefined> {
  if (value === undefined || value === null) return {}
  const o = object(value, path)
  const out: Record<string, Observation | undefined> = {}
  for (const [name, obs] of Object.entries(o)) {
    const metric = metrics.get(name)
    if (!metric) throw new ReplayFormatError(`${path}.${name}`, `a metric declared in metrics (${[...metrics.keys()].join(', ')})`, name)
    if (obs === null) continue
    out[name] = parseObservation(obs, metric, `${path}.${name}`)
  }
  return out
}

/** `key` in a path: `.name`, or `["10.0.0.3:8080"]` for anything that is not a plain name. */
function member(path: string, key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`
}

/**
 * `intervals[i].instances`: `{canary?, baseline?}`, each instance name → that instance's observations
 * (the arm's shape). A ratio metric's instances may not add up to more than the arm's own counts.
 */
function parseInstances(value: unknown, metrics: ReadonlyMap<string, MetricConfig>, interval: IntervalData, path: string): InstanceInterval {
  const o = object(value, path)
  only(o, path, ['canary', 'baseline'])
  const out: InstanceInterval = {}
  for (const arm of ['canary', 'baseline'] as const) {
    if (o[arm] === undefined) continue
    const armPath = `${path}.${arm}`
    const byInstance = object(o[arm], armPath)
    const parsed: Record<string, Record<string, Observation | undefined>> = {}
    for (const [instance, observations] of Object.entries(byInstance)) {
      if (instance.trim() === '') throw new ReplayFormatError(member(armPath, instance), 'a non-empty instance name', instance)
      parsed[instance] = parseArm(observations, metrics, member(armPath, instance))
    }
    for (const [name, metric] of metrics) {
      const own = interval[arm][name]
      if (metric.type !== 'ratio' || !own || !('events' in own)) continue
      for (const field of ['events', 'total'] as const) {
        let sum = 0
        for (const observations of Object.values(parsed)) {
          const obs = observations[name]
          if (obs && 'events' in obs) sum += obs[field]
        }
        // A provider sums the arm from the same per-instance figures: allow for floating-point rounding.
        if (sum > own[field] * (1 + 1e-9) + 1e-9) {
          throw new ReplayFormatError(armPath, `instances whose ${name}.${field} add up to at most the arm's own (${own[field]})`, sum)
        }
      }
    }
    out[arm] = parsed
  }
  return out
}

function parseKayenta(value: unknown, path: string): KayentaOptions {
  const o = object(value, path)
  only(o, path, ['confidence', 'tolerance', 'pass', 'marginal', 'groupWeights', 'judgeEvery'])
  const k: KayentaOptions = {}
  set(k, 'confidence', optional(o, 'confidence', (v, p) => num(v, p, 'a number between 0 and 1', (n) => n > 0 && n < 1), path))
  set(k, 'tolerance', optional(o, 'tolerance', nonNegative, path))
  set(k, 'pass', optional(o, 'pass', (v, p) => num(v, p, 'a score from 0 to 100', (n) => n >= 0 && n <= 100), path))
  set(k, 'marginal', optional(o, 'marginal', (v, p) => num(v, p, 'a score from 0 to 100', (n) => n >= 0 && n <= 100), path))
  set(k, 'judgeEvery', optional(o, 'judgeEvery', (v, p) => num(v, p, 'a positive integer', (n) => n >= 1 && Number.isInteger(n)), path))
  if (o.groupWeights !== undefined) {
    const g = object(o.groupWeights, `${path}.groupWeights`)
    const weights: Record<string, number> = {}
    for (const [name, w] of Object.entries(g)) weights[name] = nonNegative(w, `${path}.groupWeights.${name}`)
    k.groupWeights = weights
  }
  return k
}

const percent = (v: unknown, path: string): number => num(v, path, 'a percent from 0 to 100', (n) => n >= 0 && n <= 100)

/**
 * What a paired file may not ask for: the paired judge has no Mann-Whitney mode, no Kayenta
 * scoring, no split-traffic tuning and compares one quantile per interval, not distributions.
 */
function checkPaired(root: Obj, metrics: readonly MetricConfig[]): void {
  const why = 'the paired judge of a mirror step'
  if (root.test !== undefined && root.test !== 'sequential') throw new ReplayFormatError('test', `"sequential" or nothing in a paired file (${why} has no Mann-Whitney mode)`, root.test)
  if (root.kayenta !== undefined) throw new ReplayFormatError('kayenta', `nothing in a paired file (${why} does no Kayenta scoring)`, root.kayenta)
  if (root.engine !== undefined) throw new ReplayFormatError('engine', `nothing in a paired file (${why} is one engine, not the split-traffic judge's)`, root.engine)
  metrics.forEach((m, i) => {
    if (m.type !== 'value' && m.tuning !== undefined) throw new ReplayFormatError(`metrics[${i}].tuning`, `nothing in a paired file (${why} has no split-traffic tuning)`, m.tuning)
    if (m.type === 'samples' && m.quantile === 'distribution') {
      throw new ReplayFormatError(`metrics[${i}].quantile`, `a quantile between 0 and 1 in a paired file (${why} compares one quantile of each arm per interval)`, m.quantile)
    }
  })
}

/** Validate a parsed replay file (version 1). Throws ReplayFormatError naming the field at fault. */
export function parseReplay(value: unknown): ReplayInput {
  const root = object(value, '(root)')
  only(root, '(root)', ['version', 'mode', 'mirror', 'alpha', 'beta', 'maxIntervals', 'minIntervals', 'onInconclusive', 'test', 'engine', 'kayenta', 'metrics', 'intervals'])
  if (root.version !== 1) throw new ReplayFormatError('version', '1', root.version)
  const mode = optional(root, 'mode', oneOf(['split', 'paired'] as const), '(root)') ?? 'split'
  let mirror: number | undefined
  if (mode === 'paired') {
    mirror = num(root.mirror, 'mirror', 'the percent of requests copied to the shadow (a number above 0, at most 100) in a paired file', (n) => n > 0 && n <= 100)
  } else if (root.mirror !== undefined) {
    throw new ReplayFormatError('mirror', 'nothing in a split file (a mirror percent goes with mode: paired)', root.mirror)
  }
  const alpha = num(root.alpha, 'alpha', 'a number between 0 and 1 (e.g. 0.05)', (n) => n > 0 && n < 1)
  if (!Array.isArray(root.metrics) || root.metrics.length === 0) throw new ReplayFormatError('metrics', 'a non-empty array of metrics', root.metrics)
  const metrics = (root.metrics as unknown[]).map((m, i) => parseMetric(m, `metrics[${i}]`))
  const byName = new Map<string, MetricConfig>()
  metrics.forEach((m, i) => {
    if (byName.has(m.name)) throw new ReplayFormatError(`metrics[${i}].name`, 'a name not used by another metric', m.name)
    byName.set(m.name, m)
  })
  if (!Array.isArray(root.intervals)) throw new ReplayFormatError('intervals', 'an array of intervals', root.intervals)
  if (mode === 'paired') checkPaired(root, metrics)
  const instances: (InstanceInterval | undefined)[] = []
  let anyInstances = false
  const weights: (number | undefined)[] = []
  const intervals = (root.intervals as unknown[]).map((iv, i) => {
    const path = `intervals[${i}]`
    const o = object(iv, path)
    only(o, path, ['weight', 'canary', 'baseline', 'instances'])
    const weight = optional(o, 'weight', percent, path)
    if (mirror !== undefined && weight !== undefined && weight !== mirror) {
      throw new ReplayFormatError(`${path}.weight`, `the mirror percent (${mirror}) in a paired file: the shadow answers copies of that share of stable's requests, whatever the weight`, weight)
    }
    weights[i] = weight
    const interval: IntervalData = { canary: parseArm(o.canary, byName, `${path}.canary`), baseline: parseArm(o.baseline, byName, `${path}.baseline`) }
    if (o.instances !== undefined) {
      instances[i] = parseInstances(o.instances, byName, interval, `${path}.instances`)
      anyInstances = true
    } else instances[i] = undefined
    return interval
  })
  const config: JudgeConfig = { alpha, metrics }
  set(config, 'beta', optional(root, 'beta', (v, p) => num(v, p, 'a number between 0 and 1', (n) => n > 0 && n < 1), '(root)'))
  set(config, 'maxIntervals', optional(root, 'maxIntervals', (v, p) => num(v, p, 'a positive integer', (n) => n >= 1 && Number.isInteger(n)), '(root)'))
  set(config, 'onInconclusive', optional(root, 'onInconclusive', oneOf(['hold', 'promote', 'rollback'] as const), '(root)'))
  set(config, 'test', optional(root, 'test', oneOf(['sequential', 'mann-whitney'] as const), '(root)'))
  // The sequential engine the live analysis ran (the policy's test.engine; docs/judge.md, "Judge engines v2 and v3").
  set(config, 'engine', optional(root, 'engine', oneOf(['v1', 'v2', 'v3'] as const), '(root)'))
  set(config, 'kayenta', optional(root, 'kayenta', parseKayenta, '(root)'))
  const input: ReplayInput = { mode, config, intervals }
  set(input, 'mirror', mirror)
  set(input, 'minIntervals', optional(root, 'minIntervals', (v, p) => num(v, p, 'a positive integer', (n) => n >= 1 && Number.isInteger(n)), '(root)'))
  if (weights.some((w) => w !== undefined)) input.weights = weights
  if (anyInstances) input.instances = instances
  return input
}
