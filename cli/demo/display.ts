/**
 * What a person watching the demo sees: every traffic move and decision as a line that stays, and
 * the analysis in progress (weight, each metric's estimate and interval, the evidence against its
 * threshold). On a terminal the analysis is a small panel redrawn in place (ANSI, no dependency);
 * anywhere else every look is printed as plain lines.
 */
import { formatE, formatInterval, formatRelative } from '../../shared/analysis/evidence.js'
import type { LookResult, MetricLook } from '../../shared/analysis/types.js'
import type { AnalysisStart, PipelineObserver, StepAnalysis, TrafficMoveEvent } from './pipeline.js'

export interface DemoDisplay extends PipelineObserver {
  /** A line that stays (setup, the summary). */
  line(text: string): void
  /** A line that stays, with the time since the start in front. */
  note(text: string): void
  /** Stops redrawing and gives the cursor back; safe to call twice. */
  close(): void
}

export interface DisplayOptions {
  write: (text: string) => void
  /** Redraw a live panel (a terminal) or print plain lines. */
  live: boolean
  color: boolean
  /** Terminal width, for the live panel (lines longer than this would break the redraw). */
  columns?: () => number | undefined
  /** The demo's start, for the elapsed time in front of every line. */
  startedAt: number
}

type Paint = (text: string) => string
interface Palette {
  green: Paint
  red: Paint
  yellow: Paint
  dim: Paint
  bold: Paint
}

function palette(color: boolean): Palette {
  const wrap = (open: number, close: number): Paint => (color ? (t) => `\x1b[${open}m${t}\x1b[${close}m` : (t) => t)
  return { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) }
}

/** `▕████░░░░▏` on a log scale: how far the evidence is from 1 (nothing) to its threshold (decides). */
export function evidenceBar(e: number, threshold: number, width = 8): string {
  const full = !Number.isFinite(threshold) || threshold <= 1 ? 0 : Math.log(Math.max(e, 1)) / Math.log(threshold)
  const filled = Math.max(0, Math.min(width, Math.round(Math.min(1, full) * width)))
  return `▕${'█'.repeat(filled)}${'░'.repeat(width - filled)}▏`
}

function stateText(state: string, p: Palette): string {
  switch (state) {
    case 'fail':
      return p.red('fail')
    case 'pass':
      return p.green('pass')
    case 'nodata':
      return p.yellow('no data')
    default:
      return p.dim('continue')
  }
}

/**
 * One metric in two lines that fit 80 columns with the display's indentation: the estimate with its
 * interval and the state (a word, so never colour alone), then the evidence of a regression and of
 * none, each against the threshold that decides.
 *
 *   errors   +420% (+50% … +1,600%)       continue
 *              worse 8.20/40 ▕██░░░░▏  no worse 0.01/40 ▕░░░░░░▏
 */
export function metricLines(m: MetricLook, p: Palette, bars: boolean): [string] | [string, string] {
  const name = m.name.padEnd(8)
  if (m.type === 'value') return [`${name} ${m.estimate ?? 'no reading'}  ${stateText(m.state, p)}`]
  const estimate = `${formatRelative(m.estimate)} ${formatInterval(m.lower, m.upper)}`.padEnd(28)
  const evidence = (e: number, threshold: number): string => `${formatE(e)}/${formatE(threshold)}${bars ? ` ${evidenceBar(e, threshold, 6)}` : ''}`
  return [`${name} ${estimate} ${stateText(m.state, p)}`, `           worse ${evidence(m.eValue, m.threshold).padEnd(bars ? 21 : 13)} no worse ${evidence(m.passEValue, m.passThreshold)}`]
}

function armCounts(look: LookResult): string {
  const ratio = look.metrics.find((m) => m.type === 'ratio')
  if (!ratio) return ''
  const c = ratio.canary
  const b = ratio.baseline
  return `canary ${c.total} requests, ${c.events ?? 0} errors · baseline ${b.total} requests, ${b.events ?? 0} errors`
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`
}

export function decisionLine(a: StepAnalysis, p: Palette): string {
  const { result } = a
  const looks = result.outcome.looks.length
  const took = seconds(a.endedAt - a.startedAt)
  const deciding = result.outcome.looks.at(-1)?.metrics.find((m) => m.name === result.outcome.decidingMetric)
  const figure = deciding ? `${deciding.name} ${formatRelative(deciding.estimate)} ${formatInterval(deciding.lower, deciding.upper)}` : ''
  const where = `${a.version} at ${a.weight}%`
  switch (result.decision) {
    case 'fail':
      return `${p.red('✗ FAIL')} ${where} after ${looks} looks (${took}): ${figure}, evidence of a regression ${formatE(deciding?.eValue ?? 0)} ≥ ${formatE(deciding?.threshold ?? 0)}`
    case 'pass':
      return `${p.green('✓ PASS')} ${where} after ${looks} looks (${took}): every metric proven within its tolerance`
    default:
      return `${p.yellow('? NO DECISION')} ${where} after ${looks} looks (${took}): ${result.outcome.reason}`
  }
}

function moveLine(e: TrafficMoveEvent, p: Palette): string {
  switch (e.kind) {
    case 'deploy':
      return `${p.bold('→')} deploy-canary ${e.version}: ${e.from}% → ${e.to}% of traffic`
    case 'promote':
      return `${p.bold('↑')} promote ${e.version}: ${e.from}% → ${e.to}%${e.to === 100 ? ` · ${e.message}` : ''}`
    case 'rollback':
      return `${p.bold('↩')} rollback ${e.version}: ${e.from}% → ${e.to}% · ${e.message}`
  }
}

export function createDisplay(options: DisplayOptions): DemoDisplay {
  const p = palette(options.color)
  const stamp = (): string => p.dim(`[${((Date.now() - options.startedAt) / 1000).toFixed(1).padStart(6)}s]`)
  return options.live ? liveDisplay(options, p, stamp) : plainDisplay(options, p, stamp)
}

/** The widest a line may be: the terminal's width, and never more than 80 columns. */
function lineWidth(options: DisplayOptions): number {
  const columns = options.columns?.()
  return columns !== undefined && columns >= 40 ? Math.min(columns - 1, MAX_COLUMNS) : MAX_COLUMNS
}

export const MAX_COLUMNS = 80

function plainDisplay(options: DisplayOptions, p: Palette, stamp: () => string): DemoDisplay {
  const out = (text: string): void => options.write(`${wrapLine(text, lineWidth(options)).join('\n')}\n`)
  return {
    line: (text) => out(text),
    note: (text) => out(`${stamp()} ${text}`),
    move: (e) => out(`${stamp()} ${moveLine(e, p)}`),
    analysisStarted: (a) =>
      out(`${stamp()} analyze ${a.version} at ${a.weight}% (step ${a.step + 1} of ${a.steps}) against ${a.stable}: a look every ${seconds(a.plan.intervalMs)}, at most ${a.plan.maxIntervals}`),
    look: (a, look) => {
      out(`${stamp()}   look ${look.interval + 1}: ${look.decision}${look.decision === 'continue' ? '' : ` (${look.decidingMetric ?? 'all metrics'})`} · ${armCounts(look)}`)
      for (const m of look.metrics) for (const line of metricLines(m, p, false)) out(`           ${line}`)
    },
    decided: (a) => {
      out(`${stamp()} ${decisionLine(a, p)}`)
      if (a.result.decision !== 'pass') out(`           why: ${a.result.outcome.reason}`)
    },
    close: () => undefined,
  }
}

function liveDisplay(options: DisplayOptions, p: Palette, stamp: () => string): DemoDisplay {
  let panel: string[] = []
  let drawn = 0
  let current: { start: AnalysisStart; look?: LookResult } | undefined
  let closed = false
  const width = (): number => lineWidth(options)

  const clear = (): string => (drawn > 0 ? `\x1b[${drawn}F\x1b[J` : '')
  const render = (): string => {
    const lines = panel.map((l) => fitWidth(l, width()))
    drawn = lines.length
    return lines.map((l) => `${l}\n`).join('')
  }
  const redraw = (): void => {
    if (closed) return
    options.write(`${clear()}${render()}`)
  }
  const print = (text: string): void => {
    if (closed) {
      options.write(`${wrapLine(text, width()).join('\n')}\n`)
      return
    }
    // Lines that stay are wrapped; the panel is cut to fit, to be redrawn in place.
    options.write(`${clear()}${wrapLine(text, width()).join('\n')}\n${render()}`)
  }

  const panelFor = (): string[] => {
    if (!current) return []
    const { start, look } = current
    const done = look ? look.interval + 1 : 0
    const nextAt = start.startedAt + (done + 1) * start.plan.intervalMs
    const wait = Math.max(0, nextAt - Date.now())
    const bar = weightBar(start.weight, 30)
    const lines = [
      `${p.bold(`${start.version} at ${start.weight}%`)} (step ${start.step + 1} of ${start.steps}) · look ${done} of at most ${start.plan.maxIntervals} · next look in ${(wait / 1000).toFixed(1)}s`,
      `  traffic  ${start.stable} ${p.dim(bar.stable)}${p.yellow(bar.canary)} ${start.version}  ${100 - start.weight}% / ${start.weight}%`,
      p.dim(`           █ ${start.stable}   ▒ ${start.version}`),
    ]
    if (look) {
      for (const m of look.metrics) for (const line of metricLines(m, p, true)) lines.push(`  ${line}`)
      lines.push(p.dim(`  ${armCounts(look)}`))
    } else {
      lines.push(p.dim('  waiting for the first interval of data...'))
    }
    return lines
  }

  const ticker = setInterval(() => {
    if (current) {
      panel = panelFor()
      redraw()
    }
  }, 250)
  ticker.unref()
  options.write('\x1b[?25l')

  return {
    line: (text) => print(text),
    note: (text) => print(`${stamp()} ${text}`),
    move: (e) => print(`${stamp()} ${moveLine(e, p)}`),
    analysisStarted: (start) => {
      current = { start }
      print(`${stamp()} analyze ${start.version} at ${start.weight}% against ${start.stable}: a look every ${seconds(start.plan.intervalMs)}`)
      panel = panelFor()
      redraw()
    },
    look: (start, look) => {
      current = { start, look }
      panel = panelFor()
      redraw()
    },
    decided: (a) => {
      // The final look stays on screen as plain lines: the evidence that decided.
      const last = a.result.outcome.looks.at(-1)
      current = undefined
      panel = []
      if (last) for (const m of last.metrics) for (const line of metricLines(m, p, true)) print(`           ${line}`)
      print(`${stamp()} ${decisionLine(a, p)}`)
      if (a.result.decision !== 'pass') print(`           why: ${a.result.outcome.reason}`)
    },
    close: () => {
      if (closed) return
      clearInterval(ticker)
      current = undefined
      panel = []
      redraw()
      closed = true
      options.write('\x1b[?25h')
    },
  }
}

/** Two glyphs, not two colours alone: stable `█`, canary `▒`. */
function weightBar(weight: number, width: number): { stable: string; canary: string } {
  const canary = Math.round((weight / 100) * width)
  const c = weight > 0 ? Math.max(1, canary) : 0
  return { stable: '█'.repeat(width - c), canary: '▒'.repeat(c) }
}

function visibleLength(text: string): number {
   
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').length
}

/**
 * Word-wraps a line to `width` visible columns (ANSI escapes count as none); continuation lines are
 * indented under the text that follows the line's leading spaces and `[  12.3s]` stamp.
 */
export function wrapLine(text: string, width: number): string[] {
  if (visibleLength(text) <= width) return [text]
   
  const lead = /^(\s*(?:(?:\x1b\[[0-9;]*m)*\[\s*[\d.]+s\](?:\x1b\[[0-9;]*m)*\s+)?)/.exec(text)?.[1] ?? ''
  const indent = ' '.repeat(Math.min(visibleLength(lead) + 2, Math.floor(width / 2)))
  const lines: string[] = []
  let current = ''
  for (const word of text.split(/(?<= )/)) {
    if (current !== '' && visibleLength(current) + visibleLength(word.trimEnd()) > width) {
      lines.push(current.trimEnd())
      current = indent
    }
    current += word
    while (visibleLength(current) > width) {
      // A single word longer than the line: cut it.
      lines.push(fitWidth(current, width))
      current = indent + current.slice(fitWidth(current, width).length)
    }
  }
  if (current.trim() !== '') lines.push(current.trimEnd())
  return lines
}

/** Cuts a line to `width` visible characters, keeping ANSI escapes whole. */
export function fitWidth(text: string, width: number): string {
  let visible = 0
  let out = ''
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\x1b') {
      const end = text.slice(i).search(/[A-Za-z]/)
      if (end >= 0) {
        out += text.slice(i, i + end + 1)
        i += end
        continue
      }
    }
    if (visible >= width) continue
    out += text[i]
    visible++
  }
  return out
}
