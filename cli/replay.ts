/**
 * `rollgate replay FILE [--json]`: run recorded metrics through the judge, one look after every
 * interval with cumulative data, exactly as a live analysis would (docs/replay.md, DESIGN.md
 * "Replay format"). Batch mode: `rollgate replay FILE|DIR... --jsonl` prints one JSON line per file
 * (a directory stands for its *.json files, recursively, in sorted order), so replaying months of
 * deployments pays start-up once. Exit 0 whatever the verdicts; 2 on bad usage or a malformed file,
 * naming the file and the field at fault (in batch mode every file is still replayed).
 *
 * Start-up matters here (issue 14, point 5): this module imports only the judge, never the rest of
 * the CLI, and `bin/rollgate.js` runs it from its own small bundle (dist/replay, cli/replay-main.ts).
 */
import { readFile, readdir, stat } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { formatE, formatInterval, formatRelative } from '../shared/analysis/evidence.js'
import { describeOutlier, instanceOutliers, type InstanceOutlier } from '../shared/analysis/instances.js'
import { replay } from '../shared/analysis/judge.js'
import { ReplayFormatError, parseReplay, type ReplayInput } from '../shared/analysis/replay-file.js'
import type { LookResult, MetricLook, ReplayResult } from '../shared/analysis/types.js'
import { isExperimentReplay } from '../shared/analysis/experiment/replay-file.js'
import type { CliIO, Subcommand } from './command.js'

const USAGE = 'rollgate replay FILE [--json]  |  rollgate replay FILE|DIR... --jsonl'

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

/**
 * The documented JSON object: decision, decidedAt, looks[...]; in batch mode led by the file's path.
 * A file with a per-instance breakdown adds `instanceOutliers` (possibly empty).
 */
export function replayJson(result: ReplayResult, file?: string, outliers?: readonly InstanceOutlier[]): string {
  return JSON.stringify({
    ...(file === undefined ? {} : { file }),
    decision: result.decision,
    decidedAt: result.decidedAt,
    action: result.action,
    decidingMetric: result.decidingMetric,
    reason: result.reason,
    ...(outliers === undefined ? {} : { instanceOutliers: outliers }),
    looks: result.looks.map(lookJson),
  })
}

/**
 * With a per-instance breakdown: the instance that stands out on each ratio metric, counted up to the
 * decision (or the last interval), and named at the end of the verdict's reason. undefined outliers
 * when the file has no breakdown.
 */
export function withInstanceOutliers(result: ReplayResult, input: ReplayInput): { result: ReplayResult; outliers?: InstanceOutlier[] } {
  const { instances } = input
  if (instances === undefined) return { result }
  const outliers = instanceOutliers(input.config.metrics, instances, result.decidedAt ?? input.intervals.length - 1)
  if (outliers.length === 0) return { result, outliers }
  return { result: { ...result, reason: `${result.reason}; ${outliers.map(describeOutlier).join('; ')}` }, outliers }
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

/** A file's replay, or why it could not be replayed (the message names the field at fault). */
type FileOutcome =
  | { file: string; result: ReplayResult; outliers?: InstanceOutlier[] }
  | { file: string; error: string }
  | { file: string; experiment: unknown }

/**
 * A recorded A/B experiment (an `experiment` object: docs/experiments.md) has its own judge, loaded
 * only when a file needs it so that canary replays keep their start-up.
 */
async function experimentOutput(file: string, data: unknown, json: boolean): Promise<{ text: string } | { error: string }> {
  const { runExperimentReplay } = await import('./replay-experiment.js')
  try {
    return { text: runExperimentReplay(data, json) }
  } catch (error) {
    if (error instanceof ReplayFormatError) return { error: `${file}: ${error.message}` }
    throw error
  }
}

async function replayFile(file: string, cwd: string): Promise<FileOutcome> {
  let text: string
  try {
    text = await readFile(resolve(cwd, file), 'utf8')
  } catch (error) {
    return { file, error: `cannot read ${file}: ${(error as Error).message}` }
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    return { file, error: `${file} is not valid JSON: ${(error as Error).message}` }
  }
  if (isExperimentReplay(data)) return { file, experiment: data }
  let input: ReturnType<typeof parseReplay>
  try {
    input = parseReplay(data)
  } catch (error) {
    if (error instanceof ReplayFormatError) return { file, error: `${file}: ${error.message}` }
    throw error
  }
  return { file, ...withInstanceOutliers(waitForMinimum(await judged(input), input), input) }
}

/**
 * The split judge, or for a paired file (`mode: paired`, a mirror step) the paired judge, loaded
 * only when a file needs it so that split replays keep their start-up.
 */
async function judged(input: ReplayInput): Promise<ReplayResult> {
  if (input.mode !== 'paired') return replay(input.config, input.intervals)
  const { replayPaired } = await import('../shared/analysis/paired.js')
  return replayPaired(input.config, input.intervals)
}

/**
 * `minIntervals`: a live analysis holds a pass until the minimum duration (the judge's decision is
 * sticky meanwhile), so the pass stands at look minIntervals; a recording that ends before then is
 * inconclusive, as the live analysis would still have been looking.
 */
export function waitForMinimum(result: ReplayResult, input: Pick<ReplayInput, 'minIntervals' | 'config'>): ReplayResult {
  const min = input.minIntervals
  if (min === undefined || result.decision !== 'pass' || result.decidedAt === null || result.decidedAt + 1 >= min) return result
  if (result.looks.length >= min) return { ...result, decidedAt: min - 1 }
  return {
    ...result,
    decision: 'inconclusive',
    decidedAt: null,
    action: input.config.onInconclusive ?? 'hold',
    reason: `the recording ended before the minimum duration (${min} intervals); the judge had passed at interval ${result.decidedAt}: ${result.reason}`,
  }
}

/** FILE arguments as given; a directory expands to its *.json files, recursively, sorted. */
async function expand(args: string[], cwd: string): Promise<{ files: string[]; error?: string }> {
  const files: string[] = []
  for (const arg of args) {
    const full = resolve(cwd, arg)
    let isDir = false
    try {
      isDir = (await stat(full)).isDirectory()
    } catch {
      // Not there: replayFile reports it with the path as given.
    }
    if (!isDir) {
      files.push(arg)
      continue
    }
    const found: string[] = []
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true })
      for (const e of entries) {
        const path = join(dir, e.name)
        if (e.isDirectory()) await walk(path)
        else if (e.isFile() && e.name.endsWith('.json')) found.push(path)
      }
    }
    await walk(full)
    if (found.length === 0) return { files, error: `${arg} is a directory without *.json files` }
    found.sort()
    for (const f of found) files.push(relative(cwd, f) || f)
  }
  return { files }
}

export const replayCommand: Subcommand = {
  name: 'replay',
  summary: 'Run recorded metrics through the judge, looking after every interval',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    let json = false
    let jsonl = false
    const paths: string[] = []
    for (const arg of args) {
      if (arg === '--json') json = true
      else if (arg === '--jsonl') jsonl = true
      else if (arg === '--help' || arg === '-h') {
        io.stdout(`usage: ${USAGE}\n`)
        return 0
      } else if (arg.startsWith('-')) {
        io.stderr(`rollgate replay: unknown option ${arg}\nusage: ${USAGE}\n`)
        return 2
      } else paths.push(arg)
    }
    if (json && jsonl) {
      io.stderr(`rollgate replay: --json and --jsonl exclude each other\nusage: ${USAGE}\n`)
      return 2
    }
    if (paths.length === 0) {
      io.stderr(`rollgate replay: expected a FILE (or, with --jsonl, files and directories)\nusage: ${USAGE}\n`)
      return 2
    }
    const { files, error } = await expand(paths, io.cwd)
    if (error !== undefined) {
      io.stderr(`rollgate replay: ${error}\n`)
      return 2
    }
    if (!jsonl && (files.length !== 1 || paths.length !== 1 || files[0] !== paths[0])) {
      io.stderr(`rollgate replay: ${files.length} files given; replay several files or a directory with --jsonl (one JSON line per file)\nusage: ${USAGE}\n`)
      return 2
    }
    if (jsonl) {
      let failed = 0
      for (const file of files) {
        const outcome = await replayFile(file, io.cwd)
        if ('experiment' in outcome) {
          const out = await experimentOutput(file, outcome.experiment, true)
          if ('error' in out) {
            failed++
            io.stderr(`rollgate replay: ${out.error}\n`)
            io.stdout(`${JSON.stringify({ file, error: out.error })}\n`)
          } else io.stdout(`${JSON.stringify({ file, ...(JSON.parse(out.text) as Record<string, unknown>) })}\n`)
          continue
        }
        if ('error' in outcome) {
          failed++
          io.stderr(`rollgate replay: ${outcome.error}\n`)
          io.stdout(`${JSON.stringify({ file, error: outcome.error })}\n`)
        } else io.stdout(`${replayJson(outcome.result, file, outcome.outliers)}\n`)
      }
      return failed > 0 ? 2 : 0
    }
    const outcome = await replayFile(files[0] as string, io.cwd)
    if ('experiment' in outcome) {
      const out = await experimentOutput(outcome.file, outcome.experiment, json)
      if ('error' in out) {
        io.stderr(`rollgate replay: ${out.error}\n`)
        return 2
      }
      io.stdout(out.text)
      return 0
    }
    if ('error' in outcome) {
      io.stderr(`rollgate replay: ${outcome.error}\n`)
      return 2
    }
    io.stdout(json ? `${replayJson(outcome.result, undefined, outcome.outliers)}\n` : replayTable(outcome.result))
    return 0
  },
}
