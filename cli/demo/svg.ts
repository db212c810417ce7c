/**
 * Small inline SVG charts for the demo's HTML report: lines (optionally stepped), dots, shaded
 * areas, background bands for time ranges, vertical markers and horizontal reference lines, on
 * linear axes (a reader compares distances, so no log scales). A value beyond the y axis is drawn at
 * the edge and marked with a triangle pointing the way it ran off (class `clamped`), and the chart
 * says so in its bottom-right corner. Pure string building; no script, no external resource.
 */
/** Text for HTML and SVG, whitespace kept (a page of our own, not GitHub Markdown). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

export type Point = readonly [x: number, y: number]

export interface LineSeries {
  name: string
  color: string
  /** Segments drawn separately (a gap between two analyses is not a line). */
  segments: Point[][]
  dashed?: boolean
  /** Horizontal then vertical, for values that jump (traffic weights). */
  step?: boolean
  width?: number
  /** Also draw each point as a dot. */
  dots?: boolean
  /** Draw only the dots. */
  dotsOnly?: boolean
  opacity?: number
}

export interface AreaSeries {
  color: string
  /** Per segment: x with the lower and upper y. */
  segments: { x: number; lower: number; upper: number }[][]
  opacity?: number
}

export interface Band {
  from: number
  to: number
  label: string
  color: string
}

export interface Marker {
  x: number
  label: string
  color: string
}

/** Free text at a data point (e.g. the weight of each step). */
export interface Label {
  x: number
  y: number
  text: string
  color: string
}

export interface ReferenceLine {
  y: number
  label: string
  color: string
}

export interface Axis {
  min: number
  max: number
  /** The axis title, with its unit: `canary weight (%)`. */
  label: string
  /** Tick values; computed when absent. */
  ticks?: number[]
  format?: (value: number) => string
}

export interface ChartSpec {
  /** `data-chart` attribute, for tests and for styling. */
  id: string
  title: string
  width?: number
  height?: number
  x: Axis
  y: Axis
  lines?: LineSeries[]
  areas?: AreaSeries[]
  bands?: Band[]
  markers?: Marker[]
  references?: ReferenceLine[]
  labels?: Label[]
}

/** The title takes the first row and the legend the second, above the plot. */
const MARGIN = { top: 48, right: 18, bottom: 40, left: 64 }

/** Round tick values (1, 2, 5 × 10^k) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min]
  const raw = (max - min) / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power
  const ticks: number[] = []
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)))
  return ticks
}

const n = (v: number): string => (Math.round(v * 10) / 10).toString()

export function svgChart(spec: ChartSpec): string {
  const width = spec.width ?? 880
  const height = spec.height ?? 240
  const plotW = width - MARGIN.left - MARGIN.right
  const plotH = height - MARGIN.top - MARGIN.bottom
  const clampY = (v: number): number => Math.min(spec.y.max, Math.max(spec.y.min, v))
  const sx = (x: number): number => MARGIN.left + ((x - spec.x.min) / (spec.x.max - spec.x.min || 1)) * plotW
  const sy = (y: number): number => {
    const t = (clampY(y) - spec.y.min) / (spec.y.max - spec.y.min || 1)
    return MARGIN.top + plotH - t * plotH
  }
  // Values beyond the axis (±∞ included): drawn at the edge, marked after the data so they stay on top.
  const clamped: { x: number; up: boolean; color: string; size: number }[] = []
  const noteClamp = (x: number, y: number, color: string, size: number): void => {
    if (Number.isNaN(y) || x < spec.x.min || x > spec.x.max) return
    if (y > spec.y.max) clamped.push({ x, up: true, color, size })
    else if (y < spec.y.min) clamped.push({ x, up: false, color, size })
  }
  const fx = spec.x.format ?? ((v: number) => String(v))
  const fy = spec.y.format ?? ((v: number) => String(v))
  const out: string[] = []
  out.push(
    `<svg class="chart" data-chart="${escapeHtml(spec.id)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeHtml(spec.title)}">`,
    `<title>${escapeHtml(spec.title)}</title>`,
    `<text x="${MARGIN.left}" y="20" class="chart-title">${escapeHtml(spec.title)}</text>`,
  )
  // Bands first, under everything.
  for (const band of spec.bands ?? []) {
    const x0 = sx(Math.max(band.from, spec.x.min))
    const x1 = sx(Math.min(band.to, spec.x.max))
    if (x1 <= x0) continue
    out.push(`<rect x="${n(x0)}" y="${MARGIN.top}" width="${n(x1 - x0)}" height="${plotH}" fill="${band.color}" opacity="0.12"/>`)
    out.push(`<text x="${n(x0 + 3)}" y="${MARGIN.top + 11}" class="band-label">${escapeHtml(band.label)}</text>`)
  }
  // Grid and axes.
  const yTicks = spec.y.ticks ?? niceTicks(spec.y.min, spec.y.max)
  for (const t of yTicks) {
    const y = sy(t)
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${n(y)}" y2="${n(y)}" class="grid"/>`)
    out.push(`<text x="${MARGIN.left - 6}" y="${n(y + 4)}" class="tick" text-anchor="end">${escapeHtml(fy(t))}</text>`)
  }
  for (const t of spec.x.ticks ?? niceTicks(spec.x.min, spec.x.max, 8)) {
    const x = sx(t)
    out.push(`<line x1="${n(x)}" x2="${n(x)}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 4}" class="axis"/>`)
    out.push(`<text x="${n(x)}" y="${MARGIN.top + plotH + 16}" class="tick" text-anchor="middle">${escapeHtml(fx(t))}</text>`)
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" class="frame"/>`)
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 6}" class="axis-label" text-anchor="middle">${escapeHtml(spec.x.label)}</text>`)
  out.push(
    `<text x="14" y="${MARGIN.top + plotH / 2}" class="axis-label" text-anchor="middle" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})">${escapeHtml(spec.y.label)}</text>`,
  )
  for (const ref of spec.references ?? []) {
    if (ref.y < spec.y.min || ref.y > spec.y.max) continue
    const y = sy(ref.y)
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${n(y)}" y2="${n(y)}" stroke="${ref.color}" stroke-dasharray="6 4" stroke-width="1.2"/>`)
    out.push(`<text x="${MARGIN.left + plotW - 4}" y="${n(y - 4)}" class="ref-label" text-anchor="end" fill="${ref.color}">${escapeHtml(ref.label)}</text>`)
  }
  for (const area of spec.areas ?? []) {
    for (const seg of area.segments) {
      if (seg.length === 0) continue
      const top = seg.map((p) => `${n(sx(p.x))},${n(sy(p.upper))}`)
      const bottom = [...seg].reverse().map((p) => `${n(sx(p.x))},${n(sy(p.lower))}`)
      out.push(`<polygon points="${[...top, ...bottom].join(' ')}" fill="${area.color}" opacity="${area.opacity ?? 0.2}"/>`)
      for (const p of seg) {
        noteClamp(p.x, p.upper, area.color, 3)
        noteClamp(p.x, p.lower, area.color, 3)
      }
    }
  }
  for (const line of spec.lines ?? []) {
    const attrs = `stroke="${line.color}" stroke-width="${line.width ?? 2}" fill="none"${line.dashed ? ' stroke-dasharray="5 4"' : ''}${line.opacity !== undefined ? ` opacity="${line.opacity}"` : ''}`
    for (const seg of line.segments) {
      if (seg.length === 0) continue
      if (!line.dotsOnly && seg.length > 1) {
        const pts: string[] = []
        for (const [i, [x, y]] of seg.entries()) {
          if (line.step && i > 0) pts.push(`${n(sx(x))},${n(sy((seg[i - 1] as Point)[1]))}`)
          pts.push(`${n(sx(x))},${n(sy(y))}`)
        }
        out.push(`<polyline points="${pts.join(' ')}" ${attrs} stroke-linejoin="round"/>`)
      }
      if (line.dots || line.dotsOnly || seg.length === 1) {
        for (const [x, y] of seg) out.push(`<circle cx="${n(sx(x))}" cy="${n(sy(y))}" r="${line.dotsOnly ? 2.2 : 2.6}" fill="${line.color}"${line.opacity !== undefined ? ` opacity="${line.opacity}"` : ''}/>`)
      }
      for (const [x, y] of seg) noteClamp(x, y, line.color, 4.5)
    }
  }
  for (const c of clamped) {
    const x = sx(c.x)
    const edge = c.up ? MARGIN.top : MARGIN.top + plotH
    const tip = c.up ? edge - c.size * 0.2 : edge + c.size * 0.2
    const base = c.up ? tip + c.size * 1.6 : tip - c.size * 1.6
    out.push(`<path class="clamped" d="M${n(x)},${n(tip)} L${n(x - c.size)},${n(base)} L${n(x + c.size)},${n(base)} Z" fill="${c.color}" stroke="#fff" stroke-width="0.6"/>`)
  }
  if (clamped.length > 0) {
    // Bottom right, clear of the title row and of the centred x-axis title.
    out.push(`<text x="${width - MARGIN.right}" y="${height - 6}" class="clamp-note" text-anchor="end">▲▼ beyond the axis, drawn at its edge</text>`)
  }
  for (const [i, marker] of (spec.markers ?? []).entries()) {
    if (marker.x < spec.x.min || marker.x > spec.x.max) continue
    const x = sx(marker.x)
    out.push(`<line x1="${n(x)}" x2="${n(x)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="${marker.color}" stroke-width="1.5"/>`)
    // A decision ends the analysis on its left: the label goes there, unless there is no room.
    const y = MARGIN.top + 26 + (i % 2) * 13
    const anchor = x < MARGIN.left + 60 ? 'start' : 'end'
    out.push(`<text x="${n(anchor === 'end' ? x - 4 : x + 4)}" y="${y}" class="marker-label" text-anchor="${anchor}" fill="${marker.color}">${escapeHtml(marker.label)}</text>`)
  }
  for (const label of spec.labels ?? []) {
    if (label.x < spec.x.min || label.x > spec.x.max) continue
    const px = sx(label.x)
    const end = px > MARGIN.left + plotW - 40
    out.push(
      `<text x="${n(end ? px - 4 : px + 4)}" y="${n(sy(label.y) - 5)}" class="point-label" fill="${label.color}"${end ? ' text-anchor="end"' : ''}>${escapeHtml(label.text)}</text>`,
    )
  }
  // Legend: a row under the title, left to right.
  let lx = MARGIN.left
  for (const line of (spec.lines ?? []).filter((l) => l.name !== '')) {
    out.push(
      `<line x1="${n(lx)}" x2="${n(lx + 16)}" y1="34" y2="34" stroke="${line.color}" stroke-width="${line.dotsOnly ? 0 : 2.5}"${line.dashed ? ' stroke-dasharray="4 3"' : ''}/>`,
    )
    if (line.dotsOnly) out.push(`<circle cx="${n(lx + 8)}" cy="34" r="3" fill="${line.color}"/>`)
    out.push(`<text x="${n(lx + 20)}" y="38" class="legend">${escapeHtml(line.name)}</text>`)
    lx += 34 + line.name.length * 6.6
  }
  out.push('</svg>')
  // The count of clamped values on the root element, for tests and for anyone inspecting the page.
  out[0] = (out[0] as string).replace('" xmlns=', `" data-clamped="${clamped.length}" xmlns=`)
  return out.join('\n')
}
