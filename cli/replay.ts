/**
 * `rollgate replay FILE [--json]`: run recorded metrics through the judge, one look after every
 * interval with cumulative data, exactly as a live analysis would (DESIGN.md, "Replay format").
 * Exit 0 whatever the verdict; 2 on bad usage or a malformed file, naming the field at fault.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { formatE, formatInterval, formatRelative } from '../shared/analysis/evidence.js'
import { replay } from '../shared/analysis/judge.js'
import { ReplayFormatError, parseReplay } from '../shared/analysis/replay-file.js'
import type { LookResult, MetricLook, ReplayResult } from '../shared/analysis/types.js'
import type { CliIO, Subcommand } from './command.js'

const USAGE = 'rollgate replay FILE [--json]'

function metricJson(m: MetricLook): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: m.name,
    type: m.type,
    state: m.state,
    estimate: m.estimate,
    lower: m.lower,
    upper: m.upper,
    eValue: m.eValue,
    threshold: Number.isFinite(m.threshold) ? m.threshold : null,
    pValue: m.pValue,
    passEValue: m.passEValue,
    passThreshold: Number.isFinite(m.passThreshold) ? m.passThreshold : null,
    canary: m.canary,
    baseline: m.baseline,
    reason: m.reason,
  }
  if (m.dispersion !== undefined) out.dispersion = m.dispersion
  if (m.decidedAt !== undefined) out.decidedAt = m.decidedAt
  if (m.needed !== undefined) out.needed = m.needed
  if (m.kayenta !== undefined) out.kayenta = m.kayenta
  return out
}

function lookJson(l: LookResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    interval: l.interval,
    decision: l.decision,
    action: l.action,
    decidingMetric: l.decidingMetric,
    reason: l.reason,
    eValue: l.eValue,
    threshold: Number.isFinite(l.threshold) ? l.threshold : null,
  }
  if (l.score !== undefined) out.score = l.score
  out.metrics = l.metrics.map(metricJson)
  return out
}

/** The documented JSON object: decision, decidedAt, looks[...]. */
export function replayJson(result: ReplayResult): string {
  return JSON.stringify({
    decision: result.decision,
    decidedAt: result.decidedAt,
    action: result.action,
    decidingMetric: result.decidingMetric,
    reason: result.reason,
    looks: result.looks.map(lookJson),
  })
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length)
}

function cell(m: MetricLook): string {
  if (m.type === 'value') return `${m.state} ${m.estimate ?? '—'}`
  if (m.state === 'nodata') return 'nodata'
  const e = m.kayenta ? m.kayenta.classification : `e=${formatE(m.eValue)}`
  return `${m.state} ${formatRelative(m.estimate)} ${formatInterval(m.lower, m.upper)} ${e}`
}

/** A readable table: one row per look, one column per metric, then the verdict and its reason. */
export function replayTable(result: ReplayResult): string {
  const names = result.looks[0]?.metrics.map((m) => m.name) ?? []
  const rows = result.looks.map((l) => [String(l.interval), l.decision, ...l.metrics.map(cell)])
  const header = ['look', 'decision', ...names]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]): string => r.map((c, i) => pad(c, widths[i] ?? 0)).join('  ').trimEnd()
  const out = [line(header), ...rows.map(line)]
  const at = result.decidedAt === null ? '' : ` at interval ${result.decidedAt}`
  out.push('', `Decision: ${result.decision}${at} → ${result.action}${result.decidingMetric ? ` (${result.decidingMetric})` : ''}`, `Why: ${result.reason}`)
  const last = result.looks.find((l) => l.interval === result.decidedAt) ?? result.looks[result.looks.length - 1]
  if (last) for (const m of last.metrics) out.push(`  ${m.name}: ${m.reason}`)
  return `${out.join('\n')}\n`
}

export const replayCommand: Subcommand = {
  name: 'replay',
  summary: 'Run recorded metrics through the judge, looking after every interval',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    let json = false
    const files: string[] = []
    for (const arg of args) {
      if (arg === '--json') json = true
      else if (arg === '--help' || arg === '-h') {
        io.stdout(`usage: ${USAGE}\n`)
        return 0
      } else if (arg.startsWith('-')) {
        io.stderr(`rollgate replay: unknown option ${arg}\nusage: ${USAGE}\n`)
        return 2
      } else files.push(arg)
    }
    if (files.length !== 1) {
      io.stderr(`rollgate replay: expected one FILE, found ${files.length}\nusage: ${USAGE}\n`)
      return 2
    }
    const file = files[0] as string
    let text: string
    try {
      text = await readFile(resolve(io.cwd, file), 'utf8')
    } catch (error) {
      io.stderr(`rollgate replay: cannot read ${file}: ${(error as Error).message}\n`)
      return 2
    }
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (error) {
      io.stderr(`rollgate replay: ${file} is not valid JSON: ${(error as Error).message}\n`)
      return 2
    }
    let input: ReturnType<typeof parseReplay>
    try {
      input = parseReplay(data)
    } catch (error) {
      if (error instanceof ReplayFormatError) {
        io.stderr(`rollgate replay: ${file}: ${error.message}\n`)
        return 2
      }
      throw error
    }
    const result = replay(input.config, input.intervals)
    io.stdout(json ? `${replayJson(result)}\n` : replayTable(result))
    return 0
  },
}
