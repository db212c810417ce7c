/**
 * Numbers as people read them in a report: relative changes as signed percentages, counts with
 * thousands separators, a few significant digits, and a dash where there is nothing to show.
 */
import type { ArmFigures, MetricLook, MetricType } from './model.js'
import { escapeInline } from './text.js'

export const NONE = '—'

// Intl formatters are costly to build; reports format thousands of numbers.
const FRACTION = [0, 1, 2].map((digits) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }))
const SIGNIFICANT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3, useGrouping: false })
const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** 0.31 → `+31%`, -0.042 → `-4.2%`, 3.1 → `+310%`. */
export function formatChange(relative: number | null | undefined): string {
  if (relative === null || relative === undefined || Number.isNaN(relative)) return NONE
  if (relative === Number.POSITIVE_INFINITY) return '+∞'
  if (relative === Number.NEGATIVE_INFINITY) return '-∞'
  const pct = relative * 100
  if (pct === 0) return '0%'
  const abs = Math.abs(pct)
  const digits = abs >= 10 ? 0 : abs >= 1 ? 1 : 2
  const text = (FRACTION[digits] as Intl.NumberFormat).format(abs)
  if (text === '0') return '0%'
  return `${pct > 0 ? '+' : '-'}${text}%`
}

/** A plain reading: 3 significant digits below 1,000, whole numbers with separators above. */
export function formatNumber(value: number | null | undefined, unit?: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return NONE
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞'
  const abs = Math.abs(value)
  const text = abs >= 1000 ? GROUPED.format(Math.round(value)) : SIGNIFICANT.format(value)
  return unit ? `${text} ${escapeInline(unit)}` : text
}

export function formatCount(value: number): string {
  return Number.isFinite(value) ? GROUPED.format(Math.round(value)) : NONE
}

/** `(+180% … +470%)`, or the bounds as readings for `value` metrics. */
export function formatInterval(metric: Pick<MetricLook, 'lower' | 'upper' | 'unit'>, type: MetricType): string {
  const { lower, upper } = metric
  if ((lower === null || lower === undefined) && (upper === null || upper === undefined)) return ''
  const show = (v: number | null) => (type === 'value' ? formatNumber(v) : formatChange(v))
  return `(${show(lower ?? Number.NEGATIVE_INFINITY)} … ${show(upper ?? Number.POSITIVE_INFINITY)})`
}

/** The estimate with its interval: `+310% (+180% … +470%)`. */
export function formatEstimate(metric: MetricLook): string {
  const type = metricType(metric)
  const estimate = type === 'value' ? formatNumber(metric.estimate, metric.unit) : formatChange(metric.estimate)
  if (estimate === NONE) return NONE
  const interval = formatInterval(metric, type)
  return interval ? `${estimate} ${interval}` : estimate
}

/** An e-value; with alpha, whether it reached the 1/alpha that decides. */
export function formatEvidence(evidence: number | null | undefined, alpha?: number): string {
  if (evidence === null || evidence === undefined || Number.isNaN(evidence)) return NONE
  const text = evidence >= 1e6 ? '> 10⁶' : formatNumber(evidence)
  if (alpha === undefined || !(alpha > 0)) return text
  return evidence >= 1 / alpha ? `${text} (≥ 1/α)` : text
}

/** `12 / 4,000 (0.30%)`, `p99 182 ms (n = 4,000)`, `0.41`. */
export function formatArm(arm: ArmFigures | undefined, unit?: string): string {
  if (arm === undefined) return NONE
  if ('events' in arm) {
    const rate = arm.total > 0 ? ` (${formatNumber((arm.events / arm.total) * 100)}%)` : ''
    return `${formatCount(arm.events)} / ${formatCount(arm.total)}${rate}`
  }
  if ('n' in arm) return `${quantileLabel(arm.level)} ${formatNumber(arm.quantile, unit)} (n = ${formatCount(arm.n)})`
  return formatNumber(arm.value, unit)
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

/** The value a chart plots for one arm: a rate in percent, a quantile, or a reading. */
export function armValue(arm: ArmFigures | undefined): number | null {
  if (arm === undefined) return null
  if ('events' in arm) return arm.total > 0 ? (arm.events / arm.total) * 100 : null
  const value = 'n' in arm ? (arm.n > 0 ? arm.quantile : null) : arm.value
  return value !== null && Number.isFinite(value) ? value : null
}

/** `2024-05-01 12:03 UTC` from ISO 8601; unparsable text is shown escaped as given. */
export function formatTime(iso: string): string {
  const time = Date.parse(iso)
  if (Number.isNaN(time)) return escapeInline(iso)
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}
