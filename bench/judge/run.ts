/**
 * bench/judge: the Rollgate judge against the classic approaches on simulated canaries.
 *
 *   npx tsx bench/judge/run.ts [--quick|--full] [--seed N] [--json] [--workers N]
 *                              [--only a,b] [--judges rollgate,argo,...] [--runs N] [--no-perf]
 *                              [--latency buckets|values]
 *
 * --quick (default): ~200 runs per healthy scenario, ~100 per regression (under 2 minutes on 2 cores).
 * --full: 2,000 runs per healthy scenario, 500 per regression.
 * --only: scenario ids (or id prefixes) to run; --judges: judge ids; --runs: override the run count.
 * --latency: how latency reaches the judges (default values: at most 300 raw values per arm per
 *   interval; buckets: a Prometheus histogram of every request, slower).
 * Results depend only on the seed, never on the number of workers.
 */

import { availableParallelism } from 'node:os'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { allScenarios } from './scenarios.js'
import type { Scenario } from './sim/model.js'
import { loadJudges } from './judges/registry.js'
import { createJudge } from '../../shared/analysis/judge.js'
import type { JudgeTally, ScenarioResult } from './runner.js'
import { runScenario } from './runner.js'
import { figures, formatChecks, markdownTable, targetChecks, v2TargetChecks } from './report.js'
import type { ScenarioFigures, TargetCheck } from './report.js'
import { measurePerformance } from './perf.js'
import type { PerfFigures } from './perf.js'

interface Options {
  mode: 'quick' | 'full'
  seed: number
  json: boolean
  workers: number
  only?: string[]
  judges?: string[]
  runs?: number
  perf: boolean
  latency?: Scenario['latencyForm']
}

interface Task {
  scenario: string
  first: number
  count: number
  seed: number
  judges?: string[]
  latency?: Scenario['latencyForm']
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { mode: 'quick', seed: 20240601, json: false, workers: Math.min(2, availableParallelism()), perf: true }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${arg} needs a value`)
      return v
    }
    if (arg === '--quick') opts.mode = 'quick'
    else if (arg === '--full') opts.mode = 'full'
    else if (arg === '--json') opts.json = true
    else if (arg === '--no-perf') opts.perf = false
    else if (arg === '--seed') opts.seed = Number.parseInt(value(), 10)
    else if (arg === '--workers') opts.workers = Math.max(1, Number.parseInt(value(), 10))
    else if (arg === '--runs') opts.runs = Number.parseInt(value(), 10)
    else if (arg === '--only') opts.only = value().split(',')
    else if (arg === '--judges') opts.judges = value().split(',')
    else if (arg === '--latency') {
      const form = value()
      if (form !== 'values' && form !== 'buckets') throw new Error('--latency is values or buckets')
      opts.latency = form
    }
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: npx tsx bench/judge/run.ts [--quick|--full] [--seed N] [--json] [--workers N] [--only ids] [--judges ids] [--runs N] [--no-perf] [--latency buckets|values]')
      process.exit(0)
    } else throw new Error(`unknown argument ${arg}`)
  }
  if (!Number.isFinite(opts.seed)) throw new Error('--seed needs an integer')
  return opts
}

function scenariosFor(latency: Scenario['latencyForm'] | undefined): Scenario[] {
  const all = allScenarios()
  return latency === undefined ? all : all.map((s) => ({ ...s, latencyForm: latency }))
}

function selectScenarios(opts: Options): Scenario[] {
  const all = scenariosFor(opts.latency)
  if (opts.only === undefined) return all
  const only = opts.only
  return all.filter((s) => only.some((o) => s.id === o || s.id.startsWith(o)))
}

/** Split runs into chunks so two workers stay busy until the end. */
function tasks(scenarios: Scenario[], opts: Options): Task[] {
  const out: Task[] = []
  for (const s of scenarios) {
    const runs = opts.runs ?? s.runs[opts.mode]
    const chunk = Math.max(25, Math.ceil(runs / 4))
    for (let first = 0; first < runs; first += chunk) {
      out.push({
        scenario: s.id,
        first,
        count: Math.min(chunk, runs - first),
        seed: opts.seed,
        ...(opts.judges ? { judges: opts.judges } : {}),
        ...(opts.latency ? { latency: opts.latency } : {}),
      })
    }
  }
  // Heaviest scenarios first (1000 req/s, ten metrics) for better packing.
  const weight = (t: Task): number => {
    const s = scenarios.find((x) => x.id === t.scenario) as Scenario
    return t.count * (1 + s.traffic.rps / 50) * s.metrics.length
  }
  return out.sort((a, b) => weight(b) - weight(a))
}

async function runTask(task: Task): Promise<ScenarioResult> {
  const scenario = scenariosFor(task.latency).find((s) => s.id === task.scenario)
  if (!scenario) throw new Error(`unknown scenario ${task.scenario}`)
  const judges = loadJudges(task.judges)
  return runScenario(scenario, judges, task.count, task.seed, task.first)
}

function merge(results: ScenarioResult[]): ScenarioResult {
  const first = results[0] as ScenarioResult
  const tallies = first.tallies.map((t, i) => {
    const all = results.map((r) => r.tallies[i] as JudgeTally)
    const merged: JudgeTally = {
      judge: t.judge,
      runs: 0,
      fails: 0,
      passes: 0,
      earlyPasses: 0,
      inconclusive: 0,
      errors: 0,
      failTimes: [],
      earlyPassTimes: [],
      failsBy: {},
    }
    for (const a of all) {
      for (const [k, v] of Object.entries(a.failsBy)) merged.failsBy[k] = (merged.failsBy[k] ?? 0) + v
      merged.runs += a.runs
      merged.fails += a.fails
      merged.passes += a.passes
      merged.earlyPasses += a.earlyPasses
      merged.inconclusive += a.inconclusive
      merged.errors += a.errors
      merged.failTimes.push(...a.failTimes)
      merged.earlyPassTimes.push(...a.earlyPassTimes)
      if (merged.firstError === undefined && a.firstError !== undefined) merged.firstError = a.firstError
    }
    return merged
  })
  return {
    scenario: first.scenario,
    first: first.first,
    runs: results.reduce((n, r) => n + r.runs, 0),
    tallies,
    elapsedMs: results.reduce((n, r) => n + r.elapsedMs, 0),
  }
}

async function runAll(all: Task[], workers: number): Promise<ScenarioResult[]> {
  if (workers <= 1) {
    const out: ScenarioResult[] = []
    for (const t of all) out.push(await runTask(t))
    return out
  }
  const results: ScenarioResult[] = []
  let next = 0
  const pool = Array.from({ length: Math.min(workers, all.length) }, () => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { worker: true } })
    return new Promise<void>((resolve, reject) => {
      const feed = (): void => {
        const task = all[next++]
        if (task === undefined) {
          void worker.terminate().then(() => resolve())
          return
        }
        worker.postMessage(task)
      }
      worker.on('message', (msg: { result?: ScenarioResult; error?: string }) => {
        if (msg.error !== undefined) {
          reject(new Error(msg.error))
          return
        }
        results.push(msg.result as ScenarioResult)
        feed()
      })
      worker.on('error', reject)
      feed()
    })
  })
  await Promise.all(pool)
  return results
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2))
  const started = performance.now()
  const scenarios = selectScenarios(opts)
  const judges = loadJudges(opts.judges)
  if (!opts.json) console.error(`bench/judge: ${opts.mode} mode, seed ${opts.seed}, ${scenarios.length} scenarios, latency as ${opts.latency ?? 'values'}, ${opts.workers} worker(s)`)

  const results = await runAll(tasks(scenarios, opts), opts.workers)
  const byScenario: ScenarioFigures[] = scenarios.map((s) => {
    const parts = results.filter((r) => r.scenario === s.id).sort((a, b) => a.first - b.first)
    return figures(s, merge(parts), judges)
  })

  let perf: PerfFigures | null = null
  if (opts.perf) perf = measurePerformance(createJudge, opts.seed)
  const checks: TargetCheck[] = []
  // The targets per Rollgate engine: v1 (`rollgate`, the default) and v2 (`rollgate-v2`).
  for (const id of ['rollgate', 'rollgate-v2', 'rollgate-v3']) {
    if (!judges.some((j) => j.id === id)) continue
    const tagged = (c: TargetCheck): TargetCheck => (id === 'rollgate' ? c : { ...c, name: `[${id}] ${c.name}` })
    checks.push(...[...targetChecks(byScenario.filter((s) => !s.id.startsWith('v2-')), id), ...v2TargetChecks(byScenario, 0.05, id)].map(tagged))
  }
  if (perf !== null) {
    checks.push({
      name: 'one look over 1,000,000 samples per arm ≤ 1 s',
      ok: perf.samplesLookMs <= 1000,
      detail: `${perf.samplesLookMs.toFixed(0)} ms`,
    })
    checks.push({
      name: 'ratio look cost constant in history length (10 vs 10,000 intervals, ≤ 2×)',
      ok: perf.ratioCostRatio <= 2,
      detail: `${perf.ratioLookUs10.toFixed(1)} µs vs ${perf.ratioLookUs10k.toFixed(1)} µs (×${perf.ratioCostRatio.toFixed(2)})`,
    })
  }
  const classic = byScenario
    .filter((s) => s.kind === 'healthy')
    .flatMap((s) => s.judges.filter((j) => !j.judge.startsWith('rollgate') && j.falseFail).map((j) => ({ s, j })))
  const elapsed = (performance.now() - started) / 1000

  if (opts.json) {
    console.log(JSON.stringify({ mode: opts.mode, seed: opts.seed, elapsedSeconds: elapsed, scenarios: byScenario, targets: checks, performance: perf }, jsonNumbers, 2))
    return
  }
  console.log(`## Judge benchmark (${opts.mode}, seed ${opts.seed}, latency as ${opts.latency ?? 'values'})\n`)
  console.log(markdownTable(byScenario))
  console.log('\nTTD = minutes to a fail over all runs (a run that never fails counts as never: "> 60" when the quantile is not reached).')
  console.log('Early pass = a pass before minute 60; "—" when the judge cannot pass early.\n')
  if (checks.length > 0) {
    console.log('### Targets (Rollgate)\n')
    console.log(formatChecks(checks))
  }
  const rollgateFails = byScenario
    .map((s) => ({ s, f: s.judges.find((j) => j.judge === 'rollgate') }))
    .filter(({ s, f }) => s.kind === 'healthy' && f !== undefined && Object.keys(f.failsBy).length > 0)
  if (rollgateFails.length > 0) {
    console.log('\nRollgate false fails by deciding metric:')
    for (const { s, f } of rollgateFails) {
      const parts = Object.entries(f?.failsBy ?? {}).map(([k, v]) => `${k} ${v}`)
      console.log(`- ${s.title}: ${parts.join(', ')}`)
    }
  }
  const errored = byScenario.flatMap((s) => s.judges.filter((j) => j.errors > 0).map((j) => `- ${s.title}, ${j.label}: ${j.errors} runs threw (${j.firstError ?? ''})`))
  if (errored.length > 0) console.log(`\nJudges that threw:\n${errored.join('\n')}`)
  if (classic.length > 0) {
    const worst = classic.reduce((a, b) => ((b.j.falseFail?.rate ?? 0) > (a.j.falseFail?.rate ?? 0) ? b : a))
    console.log(`\nClassic judges' worst false-fail rate on a healthy canary: ${((worst.j.falseFail?.rate ?? 0) * 100).toFixed(1)}% (${worst.j.label}, ${worst.s.title}).`)
  }
  console.log(`\nElapsed ${elapsed.toFixed(1)} s.`)
}

/** JSON.stringify replacer: Infinity and NaN become strings instead of null. */
function jsonNumbers(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'
  return value
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
    process.exit(1)
  })
} else if ((workerData as { worker?: boolean } | null)?.worker) {
  parentPort?.on('message', (task: Task) => {
    runTask(task).then(
      (result) => parentPort?.postMessage({ result }),
      (error: unknown) => parentPort?.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    )
  })
}
