/**
 * Numbers as people read them in a report: relative changes as signed percentages, counts with
 * thousands separators, a few significant digits, and a dash where there is nothing to show.
 */
import { formatE, formatInterval as changeInterval, formatRelative } from '../analysis/evidence.js'
import type { ArmFigures, MetricLook, MetricType } from './model.js'
import { escapeInline } from './text.js'

export const NONE = '—'

// Intl formatters are costly to build; reports format thousands of numbers.
const SIGNIFICANT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3, useGrouping: false })
const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** 0.31 → `+31%`, -0.042 → `−4.2%`, 3.1 → `+310%`: the judge's own convention (analysis/evidence.ts). */
export function formatChange(relative: number | null | undefined): string {
  if (relative === null || relative === undefined || Number.isNaN(relative)) return NONE
  return formatRelative(relative)
}

/** A plain reading: 3 significant digits below 1,000, whole numbers with separators above. */
export function formatNumber(value: number | null | undefined, unit?: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return NONE
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞'
  const abs = Math.abs(value)
  const text = (abs >= 1000 ? GROUPED.format(Math.round(value)) : SIGNIFICANT.format(value)).replace(/^-/, '−')
  return unit ? `${text} ${escapeInline(unit)}` : text
}

export function formatCount(value: number): string {
  return Number.isFinite(value) ? GROUPED.format(Math.round(value)) : NONE
}

/**
 * `(+180% … +470%)`, written as the judge writes it (a missing lower bound of a change is −100%, a
 * missing upper one +∞), or the bounds as readings for `value` metrics.
 */
export function formatInterval(metric: Pick<MetricLook, 'lower' | 'upper' | 'unit'>, type: MetricType): string {
  const { lower, upper } = metric
  if (type !== 'value') return changeInterval(lower ?? null, upper ?? null)
  if ((lower === null || lower === undefined) && (upper === null || upper === undefined)) return ''
  return `(${formatReading(lower ?? Number.NEGATIVE_INFINITY, metric.unit)} … ${formatReading(upper ?? Number.POSITIVE_INFINITY, metric.unit)})`
}

/** The estimate with its interval: `+310% (+180% … +470%)`. */
export function formatEstimate(metric: MetricLook): string {
  const type = metricType(metric)
  const estimate = type === 'value' ? formatReading(metric.estimate, metric.unit) : formatChange(metric.estimate)
  if (estimate === NONE) return NONE
  const interval = formatInterval(metric, type)
  return interval ? `${estimate} ${interval}` : estimate
}

/** An e-value; with alpha, whether it reached the 1/alpha that decides. */
export function formatEvidence(evidence: number | null | undefined, alpha?: number): string {
  if (evidence === null || evidence === undefined || Number.isNaN(evidence)) return NONE
  const text = formatE(evidence)
  if (alpha === undefined || !(alpha > 0)) return text
  return evidence >= 1 / alpha ? `${text} (≥ 1/α)` : text
}

/**
 * How a metric's readings are shown, the same in every table, chart and line of a report: durations
 * (the check's `unit` is `seconds` or `milliseconds`) always in milliseconds, anything else in the
 * unit the queries return, named after the number.
 */
export function readingScale(unit: string | undefined): { factor: number; unit?: string } {
  const u = unit?.trim().toLowerCase()
  if (u === undefined || u === '') return { factor: 1 }
  if (u === 's' || u === 'second' || u === 'seconds') return { factor: 1000, unit: 'ms' }
  if (u === 'ms' || u === 'millisecond' || u === 'milliseconds') return { factor: 1, unit: 'ms' }
  return { factor: 1, unit: unit as string }
}

/** A reading in its display unit: `41.4 ms` for 0.0414 with unit `seconds`. */
export function formatReading(value: number | null | undefined, unit: string | undefined): string {
  const scale = readingScale(unit)
  return formatNumber(value === null || value === undefined ? value : value * scale.factor, scale.unit)
}

/** `12 / 4,000 (0.30%)`, `p99 182 ms (n = 4,000)`, `0.41`. */
export function formatArm(arm: ArmFigures | undefined, unit?: string): string {
  if (arm === undefined) return NONE
  if ('events' in arm) {
    const rate = arm.total > 0 ? ` (${formatNumber((arm.events / arm.total) * 100)}%)` : ''
    return `${formatCount(arm.events)} / ${formatCount(arm.total)}${rate}`
  }
  if ('n' in arm) return `${quantileLabel(arm.level)} ${formatReading(arm.quantile, unit)} (n = ${formatCount(arm.n)})`
  return formatReading(arm.value, unit)
}

export function quantileLabel(level: number | undefined): string {
  if (level === undefined || !(level > 0 && level < 1)) return 'q'
  return `p${Number((level * 100).toPrecision(4))}`
}

/** The metric's type, or the one its figures imply. */
export function metricType(metric: Pick<MetricLook, 'type' | 'canary' | 'baseline'>): MetricType {
  if (metric.type) return metric.type
  const arm = metric.canary ?? metric.baseline
  if (arm && 'events' in arm) return 'ratio'
  if (arm && 'n' in arm) return 'samples'
  return arm ? 'value' : 'ratio'
}

/** The value a chart plots for one arm: a rate in percent, or a quantile or reading in its display unit. */
export function armValue(arm: ArmFigures | undefined, unit?: string): number | null {
  if (arm === undefined) return null
  if ('events' in arm) return arm.total > 0 ? (arm.events / arm.total) * 100 : null
  const value = 'n' in arm ? (arm.n > 0 ? arm.quantile : null) : arm.value
  return value !== null && Number.isFinite(value) ? value * readingScale(unit).factor : null
}

/** `2024-05-01 12:03 UTC` from ISO 8601; unparsable text is shown escaped as given. */
export function formatTime(iso: string): string {
  const time = Date.parse(iso)
  if (Number.isNaN(time)) return escapeInline(iso)
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}
