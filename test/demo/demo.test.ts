/**
 * `rollgate demo` as a newcomer runs it, in its fast mode: a child process with `--json`, once
 * through HAProxy (when it is installed) and once through the built-in router, at the same time.
 * Asserts the story from the JSON summary (v2 rolled back, v3 promoted), the reports and their
 * charts, and that nothing is left running: the router's port refuses connections, HAProxy's
 * process is gone. Then Ctrl-C in the middle of a rollout: it stops at once and cleans up.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect, createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DemoSummary } from '../../cli/demo.js'
import { findOnPath } from '../../cli/demo/haproxy.js'
import { chromiumAvailable, inspectReport, overlaps } from './browser.js'

const ROOT = resolve(import.meta.dirname, '../..')
const HAPROXY = findOnPath('haproxy') !== undefined
const work = mkdtempSync(join(tmpdir(), 'rollgate-demo-test-'))

interface DemoProcess {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
}

function runDemo(args: string[], options: { interruptWhen?: RegExp; interruptAfterMs?: number } = {}): Promise<DemoProcess> {
  const started = Date.now()
  // One process (no npx or tsx wrapper in between), so a signal reaches the demo itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/index.ts', 'demo', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let interrupting = false
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString()
    if (options.interruptWhen && !interrupting && options.interruptWhen.test(stderr)) {
      interrupting = true
      setTimeout(() => child.kill('SIGINT'), options.interruptAfterMs ?? 0)
    }
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), 150_000)
  return new Promise((done) =>
    child.on('close', (exitCode, signal) => {
      clearTimeout(killer)
      done({ exitCode, signal, stdout, stderr, ms: Date.now() - started })
    }),
  )
}

function summaryOf(run: DemoProcess): DemoSummary {
  const line = run.stdout.trim().split('\n').at(-1) ?? ''
  try {
    return JSON.parse(line) as DemoSummary
  } catch {
    throw new Error(`no JSON summary on stdout (exit ${run.exitCode}):\n${run.stdout}\n--- stderr ---\n${run.stderr.slice(-4000)}`)
  }
}

/** Resolves true when something accepts a connection on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      done(true)
    })
    socket.once('error', () => done(false))
  })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

const routers = HAPROXY ? (['haproxy', 'built-in'] as const) : (['built-in'] as const)
const runs = new Map<string, DemoProcess>()

beforeAll(async () => {
  // Both routers at once: each run spends most of its time waiting for the next look.
  const results = await Promise.all(routers.map((router) => runDemo(['--fast', '--json', '--router', router, '--out', join(work, router)])))
  for (const [i, router] of routers.entries()) runs.set(router, results[i] as DemoProcess)
}, 170_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe.each(routers)('rollgate demo --fast through %s', (router) => {
  it('rolls v2 back at 5% on a failed analysis and promotes v3 through every step, within 3 minutes', () => {
    const run = runs.get(router) as DemoProcess
    const summary = summaryOf(run)
    expect(run.exitCode, run.stderr.slice(-3000)).toBe(0)
    expect(summary).toMatchObject({ ok: true, interrupted: false, router, problems: [] })
    const [v2, v3] = summary.versions
    expect(v2).toMatchObject({ version: 'v2', outcome: 'rolled-back', weights: [5, 0] })
    expect(v2?.steps).toEqual([expect.objectContaining({ weight: 5, decision: 'fail' })])
    expect(v2?.decidedAt).toEqual(expect.any(Number))
    expect(v2?.reason).toMatch(/analysis failed at 5%/)
    expect(v3).toMatchObject({ version: 'v3', outcome: 'promoted', weights: [5, 25, 50, 100] })
    expect(v3?.steps.map((s) => [s.weight, s.decision])).toEqual([
      [5, 'pass'],
      [25, 'pass'],
      [50, 'pass'],
    ])
    expect(summary.durationMs).toBeLessThan(180_000)
    // The progress went to stderr as plain lines, each look with each metric's interval.
    expect(run.stderr).toMatch(/✗ FAIL v2 at 5%/)
    expect(run.stderr).toMatch(/errors\s+[+−][\d,.]+% \(/)
    expect(run.stderr).toMatch(/✓ PASS v3 at 50%/)
  })

  it('writes report.md with the shared renderers and a self-contained report.html with a chart per metric', () => {
    const summary = summaryOf(runs.get(router) as DemoProcess)
    const out = join(work, router)
    expect(summary.report).toEqual({
      markdown: join(out, 'report.md'),
      html: join(out, 'report.html'),
      policy: join(out, 'policy.yml'),
      log: join(out, 'demo.log'),
    })
    const markdown = readFileSync(join(out, 'report.md'), 'utf8')
    expect(markdown).toMatch(/## v2: rolled back/)
    expect(markdown).toMatch(/## v3: promoted/)
    expect(markdown).toMatch(/```mermaid/)
    expect(markdown).toMatch(/### Analysis of v3 at 50%/)
    // One unit and sign convention throughout: changes signed with a true minus and grouped
    // thousands, intervals as (lower … upper), latency in milliseconds everywhere (table, chart, trend).
    expect(markdown).not.toMatch(/(^|[\s(|])-\d[\d.,]*%/m)
    expect(markdown).not.toMatch(/[+−]\d{4,}%/)
    expect(markdown).not.toMatch(/\\\[[+−]/)
    expect(markdown).toMatch(/[+−][\d,.]+% \([+−][\d,.]+% … [+−][\d,.∞]+%?\)/)
    expect(markdown).toMatch(/p50 [\d.]+ ms \(n = [\d,]+\)/)
    expect(markdown).not.toMatch(/p50 0\.\d/)
    expect(markdown).toMatch(/y-axis "p50 \(ms\)"/)

    const html = readFileSync(join(out, 'report.html'), 'utf8')
    for (const chart of ['weight', 'metric:errors', 'metric:latency', 'estimate:errors', 'estimate:latency', 'evidence']) {
      expect(html).toMatch(new RegExp(`<svg class="chart" data-chart="${chart}"`))
    }
    // Both arms are drawn in every metric chart.
    for (const chart of html.split('<svg ').filter((c) => c.includes('data-chart="metric:'))) {
      expect(chart).toMatch(/#e8590c/)
      expect(chart).toMatch(/#1c7ed6/)
      expect(chart).toMatch(/<polyline /)
    }
    // Self-contained: no scripts, no external stylesheets, fonts or images.
    expect(html).not.toMatch(/<script|<link |@import|src="http|url\(/i)
    expect(existsSync(join(out, 'state', 'demo.json'))).toBe(true)
    expect(JSON.parse(readFileSync(join(out, 'state', 'demo.json'), 'utf8'))).toMatchObject({ phase: 'promoted', stable: { version: 'v3' } })
  })

  it('ends with what to try next, and its recordings re-judge exactly as the demo judged', async () => {
    const run = runs.get(router) as DemoProcess
    const summary = summaryOf(run)
    const out = join(work, router)
    expect(run.stderr).toMatch(/What next:/)
    // Plain output (not a terminal) fits 80 columns too.
    expect(run.stderr.split('\n').filter((line) => [...line].length > 80)).toEqual([])
    const unwrapped = run.stderr.replace(/\n[ \t]+/g, ' ')
    expect(unwrapped).toContain(`npx rollgate validate ${join(out, 'policy.yml')}`)
    expect(unwrapped).toContain(`npx rollgate replay ${join(out, 'recordings', 'v2-at-5.json')}`)
    expect(run.stderr).toMatch(/examples\/workflows\/canary-gateway-api\.yml/)
    const { parseReplay } = await import('../../shared/analysis/replay-file.js')
    const { replay } = await import('../../shared/analysis/judge.js')
    for (const version of summary.versions) {
      for (const step of version.steps) {
        const recording = JSON.parse(readFileSync(join(out, 'recordings', `${version.version}-at-${step.weight}.json`), 'utf8')) as unknown
        const input = parseReplay(recording)
        const result = replay(input.config, input.intervals)
        expect([version.version, step.weight, result.decision, result.decidedAt]).toEqual([version.version, step.weight, step.decision, step.decidedAt])
      }
    }
  })

  // Debian chromium, installed by .ci/run; the screenshot is kept under artifacts/ for CI.
  it.skipIf(!chromiumAvailable())('report.html in headless Chromium: axis titles with units, linear axes, clamped values marked, no overlapping text, no console errors', async () => {
    const page = await inspectReport(join(work, router, 'report.html'), join(ROOT, 'artifacts', `demo-report-${router}.png`))
    expect(page.consoleErrors).toEqual([])
    expect(page.charts.length).toBeGreaterThanOrEqual(6)
    for (const chart of page.charts) {
      expect(chart.axisTitles, chart.id).toHaveLength(2)
      for (const title of chart.axisTitles) expect(title.trim(), chart.id).not.toBe('')
      // Every axis names its unit, in parentheses at the end: `canary weight (%)`, `p50 latency (ms)`.
      for (const title of chart.axisTitles) expect(title, chart.id).toMatch(/\([^()]+\)$/)
      // Linear: the tick values are evenly spaced, so their labels are too (a log axis would bunch them).
      expect(chart.yTicks.length, chart.id).toBeGreaterThanOrEqual(3)
      const gaps = chart.yTicks.slice(1).map((t, i) => t.y - (chart.yTicks[i] as { y: number }).y)
      for (const gap of gaps) expect(Math.abs(gap - (gaps[0] as number)), `${chart.id}: y ticks ${chart.yTicks.map((t) => `${t.text}@${t.y.toFixed(1)}`).join(' ')}`).toBeLessThan(1.5)
      // A value beyond the axis is marked where it runs off, and the chart says what the marks mean.
      expect(chart.clampMarks, chart.id).toBe(chart.clamped)
      if (chart.clamped > 0) expect(chart.clampNote, chart.id).toMatch(/beyond the axis/)
      else expect(chart.clampNote, chart.id).toBeNull()
      expect(overlaps(chart.texts).map(([a, b]) => `${chart.id}: "${a.text}" (${a.className}) overlaps "${b.text}" (${b.className})`)).toEqual([])
    }
    // The demo's regression (errors about +1,000% against a +400% axis) and its unbounded intervals run off the change chart.
    const change = page.charts.find((c) => c.id === 'estimate:errors')
    expect(change?.clamped ?? 0).toBeGreaterThan(0)
  }, 60_000)

  it('leaves nothing running', async () => {
    const summary = summaryOf(runs.get(router) as DemoProcess)
    const port = Number(new URL(summary.url as string).port)
    expect(await listening(port)).toBe(false)
    if (router === 'haproxy') {
      expect(summary.haproxyPid).toEqual(expect.any(Number))
      expect(alive(summary.haproxyPid as number)).toBe(false)
    }
  })
})

describe('rollgate demo interrupted', () => {
  it('stops on SIGINT in the middle of a rollout: exit 130, router port closed, HAProxy gone', async () => {
    const port = await freePort()
    const run = await runDemo(['--fast', '--json', '--port', String(port), '--out', join(work, 'interrupted')], {
      interruptWhen: /analyze v2 at 5%/,
      interruptAfterMs: 1_500,
    })
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(130)
    expect(run.ms).toBeLessThan(30_000)
    expect(run.stderr).toMatch(/interrupted \(SIGINT\)/)
    const summary = summaryOf(run)
    expect(summary).toMatchObject({ ok: false, interrupted: true, url: `http://127.0.0.1:${port}` })
    expect(await listening(port)).toBe(false)
    if (summary.haproxyPid !== null) expect(alive(summary.haproxyPid)).toBe(false)
  }, 60_000)

  it('refuses unknown options with exit 2 and the usage', async () => {
    const run = await runDemo(['--fastest'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/unknown option "--fastest"/)
    expect(run.stderr).toMatch(/--keep-running/)
  }, 30_000)
})
