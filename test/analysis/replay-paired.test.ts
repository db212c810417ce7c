/**
 * Paired-mode replay (#16 point 3): a replay file with `mode: paired` is a recorded mirror step and
 * is judged by the paired judge (shared/analysis/paired.ts), as the live analysis of a mirror step
 * is; a split file is judged as before. Bad paired files are refused naming file, interval and field.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { replayCommand } from '../../cli/replay.js'
import type { CliIO } from '../../cli/command.js'
import { createPairedJudge } from '../../shared/analysis/paired.js'
import { parseReplay } from '../../shared/analysis/replay-file.js'
import type { IntervalData } from '../../shared/analysis/observations.js'
import type { JudgeConfig, LookResult } from '../../shared/analysis/types.js'
import { normal, poisson, rng } from './sim.js'

async function run(args: string[], cwd: string) {
  let out = ''
  let err = ''
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env: {}, cwd, isTTY: false }
  const code = await replayCommand.run(args, io)
  return { code, out, err }
}

function dirWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-replay-paired-'))
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(content))
  return dir
}

/** A 10% mirror of ~10,000 stable requests an interval; both arms share the interval's drifting error rate, the shadow's times `factor`. */
function mirrored(factor: number, intervals: number, seed = 42): IntervalData[] {
  const r = rng(seed)
  const out: IntervalData[] = []
  for (let i = 0; i < intervals; i++) {
    const rate = Math.min(0.5, 0.01 * Math.exp(0.5 * normal(r)))
    const stable = Math.round(10_000 * (1 + 0.2 * normal(r)))
    const shadow = poisson(r, stable * 0.1)
    const events = (total: number, p: number) => Math.min(total, poisson(r, total * p))
    out.push({ canary: { errors: { events: events(shadow, rate * factor), total: shadow } }, baseline: { errors: { events: events(stable, rate), total: stable } } })
  }
  return out
}

function pairedFile(intervals: IntervalData[], tolerance: number, extra: Record<string, unknown> = {}) {
  return {
    version: 1,
    mode: 'paired',
    mirror: 10,
    alpha: 0.05,
    metrics: [{ name: 'errors', type: 'ratio', tolerance, critical: true }],
    intervals: intervals.map((iv) => ({ weight: 10, ...iv })),
    ...extra,
  }
}

/** The paired judge fed the same data directly, as the live analysis of a mirror step feeds it. */
function direct(intervals: IntervalData[], tolerance: number): LookResult | undefined {
  const config: JudgeConfig = { alpha: 0.05, maxIntervals: intervals.length, metrics: [{ name: 'errors', type: 'ratio', tolerance, critical: true }] }
  const judge = createPairedJudge(config)
  for (const interval of intervals) {
    const look = judge.look(interval)
    if (look.decision !== 'continue') return look
  }
  return undefined
}

describe('rollgate replay of a paired file (mode: paired)', () => {
  it('a healthy shadow: the verdict and reason of the paired judge fed the same data, and no fail', async () => {
    const intervals = mirrored(1, 60)
    const dir = dirWith({ 'healthy.json': pairedFile(intervals, 0.2) })
    const { code, out } = await run(['healthy.json', '--json'], dir)
    expect(code).toBe(0)
    const result = JSON.parse(out)
    const expected = direct(intervals, 0.2)
    expect(expected?.decision).not.toBe('fail')
    expect(result.decision).toBe(expected?.decision ?? 'inconclusive')
    expect(result.reason).toBe(expected?.reason)
    expect(['pass', 'inconclusive']).toContain(result.decision)
    expect(result.looks).toHaveLength(60)
  })

  it('a broken shadow (3× the errors) fails at the look where the paired judge fails, with its reason', async () => {
    const intervals = mirrored(3, 60)
    const dir = dirWith({ 'broken.json': pairedFile(intervals, 0) })
    const result = JSON.parse((await run(['broken.json', '--json'], dir)).out)
    const expected = direct(intervals, 0)
    expect(expected?.decision).toBe('fail')
    expect(result).toMatchObject({ decision: 'fail', decidedAt: expected?.interval, action: 'rollback', decidingMetric: 'errors', reason: expected?.reason })
    expect(result.reason).toMatch(/the shadow is proven worse than stable on the same requests \(paired/)
    const table = (await run(['broken.json'], dir)).out
    expect(table).toContain(`Decision: fail at interval ${expected?.interval} → rollback (errors)`)
  })

  it('the mode is not ignored: the same data replayed as split gives another verdict (1.3× errors: paired fails, split does not)', async () => {
    // Seed 4 of 100 seeds where the paired judge fails 73 and the split judge 2 (pairing cancels the shared drift).
    const intervals = mirrored(1.3, 30, 4)
    const paired = pairedFile(intervals, 0)
    const { mode: _mode, mirror: _mirror, ...split } = paired
    const dir = dirWith({ 'paired.json': paired, 'split.json': split })
    const a = JSON.parse((await run(['paired.json', '--json'], dir)).out)
    const b = JSON.parse((await run(['split.json', '--json'], dir)).out)
    expect(a.decision).toBe('fail')
    expect(b.decision).toBe('inconclusive')
    expect(b.reason).not.toMatch(/paired/)
    expect(a.reason).toMatch(/paired/)
  })

  it('a split file reads and replays as before; `mode: split` is the same as no mode', async () => {
    const intervals = mirrored(2, 20)
    const plain = { version: 1, alpha: 0.05, metrics: [{ name: 'errors', type: 'ratio', tolerance: 0 }], intervals }
    const dir = dirWith({ 'plain.json': plain, 'explicit.json': { ...plain, mode: 'split' }, 'weighted.json': { ...plain, intervals: intervals.map((iv) => ({ weight: 10, ...iv })) } })
    const a = (await run(['plain.json', '--json'], dir)).out
    expect(JSON.parse(a).reason).not.toMatch(/paired/)
    expect((await run(['explicit.json', '--json'], dir)).out).toBe(a)
    // An interval's recorded weight is informational for the split judge, which reads the counts.
    expect((await run(['weighted.json', '--json'], dir)).out).toBe(a)
    expect(parseReplay(plain)).toEqual({ mode: 'split', config: { alpha: 0.05, metrics: [{ name: 'errors', type: 'ratio', tolerance: 0 }] }, intervals })
  })

  it('--jsonl over a directory routes each file to its judge', async () => {
    const intervals = mirrored(1.3, 30, 4)
    const paired = pairedFile(intervals, 0)
    const { mode: _mode, mirror: _mirror, ...split } = paired
    const dir = dirWith({ 'a-paired.json': paired, 'b-split.json': split })
    const { code, out } = await run(['.', '--jsonl'], dir)
    expect(code).toBe(0)
    const lines = out.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines.map((l) => [l.file, l.decision])).toEqual([
      ['a-paired.json', 'fail'],
      ['b-split.json', 'inconclusive'],
    ])
  })

  it('minIntervals holds a pass to the minimum duration, as a live analysis does', async () => {
    const intervals = mirrored(1, 60)
    const free = JSON.parse((await run(['f.json', '--json'], dirWith({ 'f.json': pairedFile(intervals, 0.5) }))).out)
    expect(free.decision).toBe('pass')
    const held = JSON.parse((await run(['h.json', '--json'], dirWith({ 'h.json': pairedFile(intervals, 0.5, { minIntervals: free.decidedAt + 5 }) }))).out)
    expect(held).toMatchObject({ decision: 'pass', decidedAt: free.decidedAt + 4, reason: free.reason })
    const short = JSON.parse((await run(['s.json', '--json'], dirWith({ 's.json': pairedFile(intervals, 0.5, { minIntervals: 61 }) }))).out)
    expect(short).toMatchObject({ decision: 'inconclusive', decidedAt: null, action: 'hold' })
    expect(short.reason).toMatch(/^the recording ended before the minimum duration \(61 intervals\); the judge had passed at interval \d+: /)
  })

  const bad: Array<[string, (f: ReturnType<typeof pairedFile>) => unknown, string]> = [
    ['a weight other than the mirror percent', (f) => ({ ...f, intervals: f.intervals.map((iv, i) => (i === 3 ? { ...iv, weight: 25 } : iv)) }), 'intervals[3].weight: expected the mirror percent (10) in a paired file'],
    ['no mirror percent', (f) => ({ ...f, mirror: undefined }), 'mirror: expected the percent of requests copied to the shadow (a number above 0, at most 100) in a paired file, found nothing'],
    ['a mirror of 0%', (f) => ({ ...f, mirror: 0 }), 'mirror: expected the percent of requests copied to the shadow'],
    ['an unknown mode', (f) => ({ ...f, mode: 'mirror' }), 'mode: expected one of "split", "paired", found "mirror"'],
    ['the Mann-Whitney test', (f) => ({ ...f, test: 'mann-whitney' }), 'test: expected "sequential" or nothing in a paired file (the paired judge of a mirror step has no Mann-Whitney mode)'],
    ['Kayenta options', (f) => ({ ...f, kayenta: { pass: 80 } }), 'kayenta: expected nothing in a paired file'],
    ['split-traffic tuning', (f) => ({ ...f, metrics: [{ ...f.metrics[0], tuning: { dispersion: 2 } }] }), 'metrics[0].tuning: expected nothing in a paired file'],
    [
      'a distribution test',
      (f) => ({ ...f, metrics: [...f.metrics, { name: 'latency', type: 'samples', quantile: 'distribution' }] }),
      'metrics[1].quantile: expected a quantile between 0 and 1 in a paired file (the paired judge of a mirror step compares one quantile of each arm per interval), found "distribution"',
    ],
    ['a weight above 100', (f) => ({ ...f, intervals: f.intervals.map((iv, i) => (i === 1 ? { ...iv, weight: 120 } : iv)) }), 'intervals[1].weight: expected a percent from 0 to 100, found 120'],
  ]

  it.each(bad)('refuses a paired file with %s, naming the file and the field', async (_name, change, message) => {
    const dir = dirWith({ 'bad.json': change(pairedFile(mirrored(1, 5), 0)) })
    const { code, err, out } = await run(['bad.json', '--json'], dir)
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toContain(`rollgate replay: bad.json: ${message}`)
  })

  it('refuses a mirror percent in a split file', async () => {
    const { mode: _mode, ...split } = pairedFile(mirrored(1, 3), 0)
    const { code, err } = await run(['x.json'], dirWith({ 'x.json': split }))
    expect(code).toBe(2)
    expect(err).toContain('x.json: mirror: expected nothing in a split file (a mirror percent goes with mode: paired), found 10')
  })
})
