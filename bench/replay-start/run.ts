/**
 * bench/replay-start: how long `rollgate replay FILE --json` takes above a bare `node -e 0`, for a
 * 60-interval ratio file (issue 14, point 5: at most 60 ms above), and what batch mode costs per file.
 * Hyperfine-like: warm-up runs, then alternating timed runs of each command; prints mean, median,
 * min and the median difference. Needs the bundles: `npm run build` (dist/replay, dist/cli).
 *
 *   npx tsx bench/replay-start/run.ts [--runs N] [--warmup N] [--files N] [--json]
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..', '..')
const args = process.argv.slice(2)
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name)
  return i >= 0 ? Number.parseInt(args[i + 1] ?? '', 10) : fallback
}
const runs = flag('--runs', 30)
const warmup = flag('--warmup', 3)
const batchFiles = flag('--files', 50)
const json = args.includes('--json')

/** A recorded 60-interval analysis of one ratio metric (seeded LCG: the same file every time). */
function ratioFile(seed: number): string {
  let s = seed >>> 0
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
  const intervals = []
  for (let i = 0; i < 60; i++) {
    const canary = 280 + Math.floor(next() * 40)
    const baseline = 5600 + Math.floor(next() * 800)
    intervals.push({
      canary: { errors: { events: Math.floor(next() * 4), total: canary } },
      baseline: { errors: { events: 20 + Math.floor(next() * 20), total: baseline } },
    })
  }
  return JSON.stringify({ version: 1, alpha: 0.05, maxIntervals: 60, metrics: [{ name: 'errors', type: 'ratio', tolerance: 0, critical: true }], intervals })
}

function time(cmd: string[]): number {
  const started = process.hrtime.bigint()
  const r = spawnSync(process.execPath, cmd, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (r.status !== 0) throw new Error(`node ${cmd.join(' ')} exited ${r.status}: ${r.stderr.toString()}`)
  return ms
}

const stats = (xs: number[]): { mean: number; median: number; min: number } => {
  const sorted = [...xs].sort((a, b) => a - b)
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, median: sorted[Math.floor(sorted.length / 2)] as number, min: sorted[0] as number }
}

for (const bundle of ['dist/replay/index.js', 'dist/cli/index.js']) {
  if (!existsSync(join(root, bundle))) throw new Error(`${bundle} missing: run npm run build first`)
}
const dir = mkdtempSync(join(tmpdir(), 'rollgate-replay-start-'))
try {
  const file = join(dir, 'ratio-60.json')
  writeFileSync(file, ratioFile(1))
  const batch = join(dir, 'batch')
  const { mkdirSync } = await import('node:fs')
  mkdirSync(batch)
  for (let i = 0; i < batchFiles; i++) writeFileSync(join(batch, `run-${String(i).padStart(3, '0')}.json`), ratioFile(i + 2))

  const commands = {
    node: ['-e', '0'],
    replay: ['bin/rollgate.js', 'replay', file, '--json'],
    cliBundle: ['dist/cli/index.js', 'replay', file, '--json'],
  }
  const times: Record<keyof typeof commands, number[]> = { node: [], replay: [], cliBundle: [] }
  for (let i = 0; i < warmup; i++) for (const c of Object.values(commands)) time(c)
  for (let i = 0; i < runs; i++) for (const [k, c] of Object.entries(commands)) times[k as keyof typeof commands].push(time(c))
  const batchMs = time(['bin/rollgate.js', 'replay', batch, '--jsonl'])
  // Two cores shared with other work: the figures only mean something beside the load they ran under.
  const load = loadavg().map((x) => Math.round(x * 100) / 100)

  const node = stats(times.node)
  const replay = stats(times.replay)
  const cli = stats(times.cliBundle)
  const diffs = times.replay.map((t, i) => t - (times.node[i] as number))
  const above = stats(diffs)
  const result = {
    runs,
    nodeVersion: process.version,
    loadAverage: load,
    node,
    replay,
    cliBundle: cli,
    replayAboveNode: above,
    batch: { files: batchFiles, totalMs: batchMs, perFileMs: (batchMs - node.median) / batchFiles },
    target: { maxAboveNodeMs: 60, ok: above.median <= 60 },
  }
  if (json) console.log(JSON.stringify(result, null, 2))
  else {
    const f = (s: { mean: number; median: number; min: number }): string => `mean ${s.mean.toFixed(1)} ms, median ${s.median.toFixed(1)} ms, min ${s.min.toFixed(1)} ms`
    console.log(`bench/replay-start: ${runs} runs each after ${warmup} warm-up runs, 60-interval ratio file, Node ${process.version}, load average ${load.join(' ')}`)
    console.log(`  node -e 0                               ${f(node)}`)
    console.log(`  rollgate replay FILE --json             ${f(replay)}`)
    console.log(`  (whole CLI bundle) replay FILE --json   ${f(cli)}`)
    console.log(`  replay above node -e 0 (paired)         median ${above.median.toFixed(1)} ms, mean ${above.mean.toFixed(1)} ms ${result.target.ok ? '✔' : '✘'} target ≤ 60 ms`)
    console.log(`  batch: replay DIR --jsonl, ${batchFiles} files  ${batchMs.toFixed(0)} ms in all, ${result.batch.perFileMs.toFixed(1)} ms per file after start-up`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
