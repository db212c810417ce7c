/**
 * Mermaid `xychart-beta` line charts (Mermaid ≥ 10.5, which GitHub renders in comments, check runs
 * and job summaries): one chart per metric, canary and baseline as two line series over the looks.
 * The grammar is strict (numbers without exponents, quoted labels without quotes), so everything
 * that goes in is generated or filtered here.
 */
import { mermaidLabel } from './text.js'

export interface ChartPoint {
  /** 1-based look number: the x-axis label. */
  look: number
  canary: number | null
  baseline: number | null
}

export interface ChartOptions {
  title: string
  yTitle: string
  /** More looks than this are thinned evenly, first and last kept (default 60). */
  maxPoints?: number
}

/** Canary first, baseline second: the palette colours the series in that order. */
export const CHART_COLOURS = { canary: '#e8590c', baseline: '#1c7ed6' } as const
export const CHART_LEGEND = '<sub>orange: canary · blue: baseline</sub>'
export const DEFAULT_MAX_POINTS = 60

/**
 * The chart as a fenced block, or null when no look has a value to plot. Looks where a drawn arm
 * has no value are skipped (the x-axis shows which), since xychart cannot draw gaps.
 */
export function renderLineChart(points: ChartPoint[], options: ChartOptions): string | null {
  const finite = (v: number | null): v is number => v !== null && Number.isFinite(v)
  const hasBaseline = points.some((p) => finite(p.baseline))
  const usable = points.filter((p) => finite(p.canary) && (!hasBaseline || finite(p.baseline)))
  if (usable.length === 0) return null
  const shown = thin(usable, options.maxPoints ?? DEFAULT_MAX_POINTS)
  const palette = hasBaseline ? `${CHART_COLOURS.canary}, ${CHART_COLOURS.baseline}` : CHART_COLOURS.canary
  const lines = [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    'xychart-beta',
    `    title "${mermaidLabel(options.title) || 'metric'}"`,
    `    x-axis "look" [${shown.map((p) => `"${p.look}"`).join(', ')}]`,
    `    y-axis "${mermaidLabel(options.yTitle) || 'value'}"`,
    `    line [${shown.map((p) => mermaidNumber(p.canary as number)).join(', ')}]`,
  ]
  if (hasBaseline) lines.push(`    line [${shown.map((p) => mermaidNumber(p.baseline as number)).join(', ')}]`)
  lines.push('```')
  return `${lines.join('\n')}\n`
}

/** Evenly spaced picks, always including the first and the last. */
export function thin<T>(items: T[], max: number): T[] {
  const limit = Math.max(2, Math.floor(max))
  if (items.length <= limit) return items
  const picked: T[] = []
  let previous = -1
  for (let k = 0; k < limit; k++) {
    const index = Math.round((k * (items.length - 1)) / (limit - 1))
    if (index !== previous) picked.push(items[index] as T)
    previous = index
  }
  return picked
}

// One formatter for every point: building one per call dominates rendering 100 charts.
const PLAIN = new Intl.NumberFormat('en-US', { useGrouping: false, maximumSignificantDigits: 4 })

/** Plain decimal, never an exponent or NaN (the xychart lexer accepts `[+-]?\d+(\.\d+)?` only). */
export function mermaidNumber(value: number): string {
  if (!Number.isFinite(value)) return '0'
  // String() is exact and fast but switches to exponents below 1e-6 and from 1e21.
  const quick = String(Number(value.toPrecision(4)))
  const text = quick.includes('e') ? PLAIN.format(value) : quick
  return /^-?\d+(\.\d+)?$/.test(text) ? text : '0'
}
