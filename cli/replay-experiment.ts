/**
 * `rollgate replay FILE` for a recorded experiment (a replay file with an `experiment` object,
 * docs/experiments.md): one look after every interval, as a live `analyze` with `experiment:` takes.
 */
import { replayExperiment } from '../shared/analysis/experiment/judge.js'
import { experimentVerdict } from '../shared/analysis/experiment/json.js'
import { parseExperimentReplay } from '../shared/analysis/experiment/replay-file.js'
import type { ExperimentResult, VariantLook } from '../shared/analysis/experiment/types.js'
import { formatInterval, formatRelative } from '../shared/analysis/evidence.js'

export function experimentReplayJson(result: ExperimentResult): string {
  return JSON.stringify(experimentVerdict(result))
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length)
}

function cell(v: VariantLook): string {
  if (v.state === 'nodata') return 'nodata'
  return `${v.state} ${formatRelative(v.estimate)} ${formatInterval(v.lower, v.upper)}${v.guardrailsHold ? '' : ' guardrail!'}`
}

/** One row per look, one column per non-control variant, then the verdict and the traffic still needed. */
export function experimentReplayTable(result: ExperimentResult): string {
  const names = result.looks[0]?.variants.map((v) => v.name) ?? []
  const rows = result.looks.map((l) => [String(l.interval), l.decision, l.needed === null ? '—' : String(l.needed), ...l.variants.map(cell)])
  const header = ['look', 'decision', `needed (${result.looks.at(-1)?.unit ?? 'units'})`, ...names]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]): string => r.map((c, i) => pad(c, widths[i] ?? 0)).join('  ').trimEnd()
  const out = [line(header), ...rows.map(line)]
  const at = result.decidedAt === null ? '' : ` at interval ${result.decidedAt}`
  out.push('', `Decision: ${result.decision}${result.winner ? ` ${result.winner}` : ''}${at}`, `Why: ${result.reason}`)
  const unit = result.looks.at(-1)?.unit ?? 'units'
  if (result.decision !== 'winner' && result.decision !== 'no-difference' && result.needed !== null) out.push(`Needed: about ${result.needed} more ${unit} over all variants for a decision`)
  return `${out.join('\n')}\n`
}

/** Parses, judges and renders; throws ReplayFormatError on a malformed file. */
export function runExperimentReplay(data: unknown, json: boolean): string {
  const input = parseExperimentReplay(data)
  const result = replayExperiment(input.config, input.intervals)
  return json ? `${experimentReplayJson(result)}\n` : experimentReplayTable(result)
}
