/**
 * The replay format, extended for experiments (docs/experiments.md, "Replay"): a version-1 replay
 * file with an `experiment` object, intervals keyed by variant, and `metrics` (optional) holding the
 * guardrails in the canary format. A file without `experiment` is a canary replay, parsed as before
 * (../replay-file.ts). Every error names the field at fault, as the canary format's do.
 */
import type { Observation } from '../observations.js'
import { ReplayFormatError, parseReplay } from '../replay-file.js'
import type { MetricConfig } from '../types.js'
import type { ExperimentConfig, ExperimentInterval, PrimaryMetric } from './types.js'

export interface ExperimentReplayInput {
  config: ExperimentConfig
  intervals: ExperimentInterval[]
}

type Obj = Record<string, unknown>

function fail(path: string, expected: string, found: unknown): never {
  throw new ReplayFormatError(path, expected, found)
}

function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value)
  return value as Obj
}

function only(o: Obj, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(o)) if (!allowed.includes(key)) fail(`${path}.${key}`, `one of the fields ${allowed.join(', ')}`, key)
}

function num(value: unknown, path: string, what: string, ok: (n: number) => boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) fail(path, what, value)
  return value
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

function name(value: unknown, path: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) fail(path, 'a name (letters, digits, `-`, `_`, `.`)', value)
  return value
}

/** True when a parsed replay file describes an experiment (it has an `experiment` object). */
export function isExperimentReplay(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'experiment' in value
}

function parsePrimary(value: unknown, path: string): PrimaryMetric {
  const o = object(value, path)
  only(o, path, ['name', 'type', 'direction'])
  const metricName = name(o.name, `${path}.name`)
  if (o.type !== 'ratio' && o.type !== 'samples') fail(`${path}.type`, 'one of "ratio", "samples"', o.type)
  if (o.direction !== 'increase' && o.direction !== 'decrease') fail(`${path}.direction`, 'one of "increase", "decrease" (the change that is better)', o.direction)
  return { name: metricName, type: o.type, direction: o.direction }
}

function parsePrimaryObservation(value: unknown, primary: PrimaryMetric, path: string): Observation {
  const o = object(value, path)
  if (primary.type === 'ratio') {
    only(o, path, ['events', 'total'])
    const events = num(o.events, `${path}.events`, 'a non-negative number', (n) => n >= 0)
    const total = num(o.total, `${path}.total`, 'a non-negative number', (n) => n >= 0)
    return { events, total }
  }
  // Samples: the canary format's parser checks values and buckets alike.
  return reuseObservation(value, { name: primary.name, type: 'samples' }, path)
}

/** Parses one observation with the canary format's parser, reporting errors at this file's path. */
function reuseObservation(value: unknown, metric: MetricConfig, path: string): Observation {
  try {
    const parsed = parseReplay({ version: 1, alpha: 0.05, metrics: [metric], intervals: [{ canary: { [metric.name]: value } }] })
    return parsed.intervals[0]?.canary[metric.name] as Observation
  } catch (error) {
    if (error instanceof ReplayFormatError) {
      const prefix = `intervals[0].canary.${metric.name}`
      const at = error.path.startsWith(prefix) ? path + error.path.slice(prefix.length) : path
      const moved = new ReplayFormatError(at, error.expected, undefined)
      // The found part of the message is already described; keep it verbatim.
      moved.message = `${at}: expected ${error.expected}, found ${error.message.slice(error.message.lastIndexOf(', found ') + ', found '.length)}`
      throw moved
    }
    throw error
  }
}

export function parseExperimentReplay(value: unknown): ExperimentReplayInput {
  const root = object(value, '(root)')
  only(root, '(root)', ['version', 'alpha', 'experiment', 'metrics', 'intervals'])
  if (root.version !== 1) fail('version', '1', root.version)
  const alpha = num(root.alpha, 'alpha', 'a number between 0 and 1 (e.g. 0.05)', (n) => n > 0 && n < 1)
  const e = object(root.experiment, 'experiment')
  only(e, 'experiment', ['variants', 'control', 'primary', 'minimumEffect', 'maxIntervals', 'weights', 'guardrailAlpha'])
  if (!Array.isArray(e.variants) || e.variants.length < 2) fail('experiment.variants', 'an array of two or more variant names', e.variants)
  const variants = (e.variants as unknown[]).map((v, i) => name(v, `experiment.variants[${i}]`))
  variants.forEach((v, i) => {
    if (variants.indexOf(v) !== i) fail(`experiment.variants[${i}]`, 'a name not used by another variant', v)
  })
  const control = e.control === undefined ? 'control' : name(e.control, 'experiment.control')
  if (!variants.includes(control)) fail('experiment.control', `one of the variants (${variants.join(', ')}); without \`control\`, a variant named "control"`, e.control)
  const primary = parsePrimary(e.primary, 'experiment.primary')
  const minimumEffect = num(e.minimumEffect, 'experiment.minimumEffect', 'a relative lift between 0 and 1 (0.02 = 2%)', (n) => n > 0 && n < 1)
  const config: ExperimentConfig = { alpha, variants, control, primary, minimumEffect }
  if (e.maxIntervals !== undefined) config.maxIntervals = num(e.maxIntervals, 'experiment.maxIntervals', 'a positive integer', (n) => n >= 1 && Number.isInteger(n))
  if (e.weights !== undefined) {
    const w = object(e.weights, 'experiment.weights')
    const weights: Record<string, number> = {}
    for (const v of variants) weights[v] = num(w[v], `experiment.weights.${v}`, 'a positive number (every variant needs a weight)', (n) => n > 0)
    only(w, 'experiment.weights', variants)
    config.weights = weights
  }
  let guardrails: MetricConfig[] = []
  if (root.metrics !== undefined) {
    if (!Array.isArray(root.metrics)) fail('metrics', 'an array of guardrail metrics', root.metrics)
    if (root.metrics.length > 0) guardrails = parseReplay({ version: 1, alpha, metrics: root.metrics, intervals: [] }).config.metrics
  }
  guardrails.forEach((g, i) => {
    if (g.name === primary.name) fail(`metrics[${i}].name`, `a name other than the primary metric's ("${primary.name}")`, g.name)
  })
  if (guardrails.length > 0) {
    const guardrailAlpha = e.guardrailAlpha === undefined ? alpha : num(e.guardrailAlpha, 'experiment.guardrailAlpha', 'a number between 0 and 1', (n) => n > 0 && n < 1)
    config.guardrails = { alpha: guardrailAlpha, metrics: guardrails }
  }
  const byName = new Map(guardrails.map((g) => [g.name, g]))
  if (!Array.isArray(root.intervals)) fail('intervals', 'an array of intervals', root.intervals)
  const intervals = (root.intervals as unknown[]).map((iv, i): ExperimentInterval => {
    const path = `intervals[${i}]`
    const o = object(iv, path)
    only(o, path, ['variants'])
    const vs = object(o.variants, `${path}.variants`)
    only(vs, `${path}.variants`, variants)
    const out: ExperimentInterval = { variants: {} }
    for (const v of variants) {
      const arm = vs[v]
      if (arm === undefined || arm === null) continue
      const ap = `${path}.variants.${v}`
      const a = object(arm, ap)
      const observations: Record<string, Observation | undefined> = {}
      for (const [metric, obs] of Object.entries(a)) {
        if (obs === null) continue
        if (metric === primary.name) observations[metric] = parsePrimaryObservation(obs, primary, `${ap}.${metric}`)
        else {
          const g = byName.get(metric)
          if (!g) fail(`${ap}.${metric}`, `the primary metric (${primary.name}) or a guardrail declared in metrics${guardrails.length > 0 ? ` (${guardrails.map((x) => x.name).join(', ')})` : ''}`, metric)
          observations[metric] = reuseObservation(obs, g, `${ap}.${metric}`)
        }
      }
      out.variants[v] = observations
    }
    return out
  })
  return { config, intervals }
}

export { ReplayFormatError }
