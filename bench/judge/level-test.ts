/**
 * A test of the level that is valid by construction under every noise model of a grid, measured on
 * the bench's simulator (issue 14's "test the Kalman level directly"; no engine uses it).
 *
 * Each interval gives the canary/baseline log ratio z = log((x + ½)/(y + ½)) − logit π with counting
 * variance c = 1/(k θ(1 − θ)) at the pooled ratio so far, as judge v3 reads it (./shared/analysis/drift.ts).
 * Under a noise model m = (τ², ρ, β²) and a level u, z = u + d + e with d an AR(1) drift (stationary
 * variance τ², autocorrelation ρ) and e ~ N(0, c + β²); a Kalman filter gives p(z₁..ₜ | u, m). The
 * e-value is
 *   Eₜ = p_alt(z₁..ₜ) / maxₘ p(z₁..ₜ | u = 0, m),
 * with p_alt a fixed mixture over levels u > 0 (half-normal, scale 1) under one calm noise model. For
 * each null model m, p_alt / p(· | 0, m) is a likelihood ratio, a martingale under m; Eₜ is at most
 * that, so it is a test supermartingale under every model of the grid (Gaussian z assumed), however
 * the data chose the maximum: the "minimum over nulls" of universal inference (Wasserman, Ramdas &
 * Balakrishnan, PNAS 2020). It fails at Eₜ ≥ threshold.
 *
 *   npx tsx bench/judge/level-test.ts [--runs N] [--threshold T] [--rho 0.5,0.8,0.9,0.95] [--tau2 ...] [--beta2 ...] [--metric ratio|samples]
 *
 * Prints, per scenario, the share failed within 60 minutes with its Wilson 95% interval and the
 * median and p90 minute. Seeded; about a minute per metric at 300 runs.
 */
import { allScenarios } from './scenarios.js'
import { Rng, hashSeed } from './sim/rng.js'
import { Simulation } from './sim/simulate.js'
import { wilson } from './stats.js'

interface Model {
  tau2: number
  rho: number
  beta2: number
}

interface Options {
  runs: number
  threshold: number
  rho: number[]
  tau2: number[]
  beta2: number[]
  metric: 'ratio' | 'samples'
}

function options(): Options {
  const out: Options = { runs: 300, threshold: 30, rho: [0.5, 0.8, 0.9, 0.95], tau2: [0, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64], beta2: [0, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50], metric: 'ratio' }
  const argv = process.argv.slice(2)
  const list = (v: string | undefined) => (v ?? '').split(',').map(Number)
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--runs') out.runs = Number(argv[++i])
    else if (a === '--threshold') out.threshold = Number(argv[++i])
    else if (a === '--rho') out.rho = list(argv[++i])
    else if (a === '--tau2') out.tau2 = list(argv[++i])
    else if (a === '--beta2') out.beta2 = list(argv[++i])
    else if (a === '--metric') {
      const metric = argv[++i]
      if (metric !== 'ratio' && metric !== 'samples') throw new Error(`level-test: --metric takes ratio or samples, not ${metric ?? 'nothing'}`)
      out.metric = metric
    }
    else throw new Error(`level-test: unknown argument ${a}`)
  }
  if (!(Number.isInteger(out.runs) && out.runs > 0)) throw new Error('level-test: --runs takes a positive whole number')
  if (!(out.threshold > 1)) throw new Error('level-test: --threshold takes a number above 1 (the e-value at which the test fails)')
  for (const [name, values] of [['--rho', out.rho], ['--tau2', out.tau2], ['--beta2', out.beta2]] as const)
    if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new Error(`level-test: ${name} takes non-negative numbers separated by commas`)
  return out
}

/** One-state Kalman filters (the drift), one per (level, noise model), with their log-likelihoods. */
class Filters {
  readonly ll: Float64Array
  private readonly md: Float64Array
  private readonly pd: Float64Array
  constructor(
    private readonly levels: number[],
    private readonly models: Model[],
  ) {
    const n = levels.length * models.length
    this.ll = new Float64Array(n)
    this.md = new Float64Array(n)
    this.pd = new Float64Array(n)
    for (let i = 0; i < n; i++) this.pd[i] = (models[i % models.length] as Model).tau2
  }

  add(z: number, c: number): void {
    const nm = this.models.length
    for (let i = 0; i < this.ll.length; i++) {
      const m = this.models[i % nm] as Model
      const u = this.levels[Math.floor(i / nm)] as number
      const md = this.md[i] as number
      const pd = this.pd[i] as number
      const s = pd + c + m.beta2
      const r = z - u - md
      this.ll[i] = (this.ll[i] as number) - 0.5 * (Math.log(2 * Math.PI * s) + (r * r) / s)
      const gain = pd / s
      this.md[i] = m.rho * (md + gain * r)
      this.pd[i] = m.rho * m.rho * pd * (1 - gain) + (1 - m.rho * m.rho) * m.tau2
    }
  }
}

const LEVELS = Array.from({ length: 60 }, (_, i) => 0.05 * (i + 1))
const LEVEL_WEIGHTS = (() => {
  const w = LEVELS.map((u) => Math.exp(-(u * u) / 2))
  const sum = w.reduce((a, b) => a + b, 0)
  return w.map((v) => Math.log(v / sum))
})()
/** The alternative's noise: counting only. */
const CALM: Model[] = [{ tau2: 0, rho: 0, beta2: 0 }]

function levelTest(models: Model[], threshold: number): (x: number, y: number, a: number) => boolean {
  const nul = new Filters([0], models)
  const alt = new Filters(LEVELS, CALM)
  const limit = Math.log(threshold)
  let canary = 0
  let expected = 0
  return (x, y, a) => {
    const k = x + y
    if (!(k > 0)) return false
    const theta = 1 / (1 + Math.exp(-(a + Math.log((canary + 0.5) / (expected + 0.5)))))
    const c = 1 / (k * theta * (1 - theta))
    const z = Math.log((x + 0.5) / (y + 0.5)) - a
    nul.add(z, c)
    alt.add(z, c)
    canary += x
    expected += y * Math.exp(a)
    let nullMax = Number.NEGATIVE_INFINITY
    for (const v of nul.ll) nullMax = Math.max(nullMax, v)
    let max = Number.NEGATIVE_INFINITY
    for (let j = 0; j < LEVELS.length; j++) max = Math.max(max, (alt.ll[j] as number) + (LEVEL_WEIGHTS[j] as number))
    let sum = 0
    for (let j = 0; j < LEVELS.length; j++) sum += Math.exp((alt.ll[j] as number) + (LEVEL_WEIGHTS[j] as number) - max)
    return max + Math.log(sum) - nullMax >= limit
  }
}

/** Minute of the first fail per run (Infinity: none within 60), on the scenario's first metric of the kind. */
function firstFails(id: string, o: Options, models: Model[]): number[] {
  const scenario = allScenarios().find((s) => s.id === id)
  if (!scenario) throw new Error(`level-test: no bench scenario ${id}`)
  const metric = scenario.metrics.find((m) => m.process.type === o.metric)
  if (!metric) throw new Error(`level-test: ${id} has no ${o.metric} metric`)
  const name = metric.policy.name
  const out: number[] = []
  for (let run = 0; run < o.runs; run++) {
    const sim = new Simulation(scenario, new Rng(hashSeed(20240601, 'level-test', id, run)))
    const test = levelTest(models, o.threshold)
    let at = Number.POSITIVE_INFINITY
    for (let t = 1; t <= 60 && at === Number.POSITIVE_INFINITY; t++) {
      const data = sim.next()
      const c = data.canary[name]
      const b = data.baseline[name]
      let counts: [number, number, number] | undefined
      if (c && 'events' in c && b && 'events' in b && c.total > 0 && b.total > 0) counts = [c.events, b.events, c.total / (c.total + b.total)]
      else if (c && 'values' in c && b && 'values' in b && c.values.length > 0 && b.values.length > 0) {
        // The judge's own events for p50: the values above the pooled median of both arms.
        const pooled = [...c.values, ...b.values].sort((p, q) => p - q)
        const median = pooled[Math.floor(pooled.length / 2)] as number
        counts = [c.values.filter((v) => v > median).length, b.values.filter((v) => v > median).length, c.values.length / pooled.length]
      }
      if (counts && test(counts[0], counts[1], Math.log(counts[2] / (1 - counts[2])))) at = t
    }
    out.push(at)
  }
  return out
}

function main(): void {
  const o = options()
  const models: Model[] = []
  for (const tau2 of o.tau2) for (const rho of tau2 === 0 ? [0] : o.rho) for (const beta2 of o.beta2) models.push({ tau2, rho, beta2 })
  const ids =
    o.metric === 'ratio'
      ? ['v2-noisy-errors-x5', 'v2-noisy-errors-x2', 'v2-arm-ar1-09-100', 'v2-arm-ar1-09-1000', 'v2-canary-ar1-09-1000', 'v2-bursts-200-100', 'v2-bursts-200-1000', 'v2-shared-arm-100']
      : ['v2-noisy-latency-p50+50', 'v2-latency-drift-03-1', 'v2-latency-drift-03-100', 'v2-latency-drift-03-1000', 'v2-latency-drift-01-1000', 'v2-shared-arm-100']
  console.log(`bench/judge/level-test: ${o.metric}, ${o.runs} runs, threshold ${o.threshold}, ${models.length} null models (ρ ${o.rho.join('/')}, τ² ≤ ${Math.max(...o.tau2)}, β² ≤ ${Math.max(...o.beta2)})\n`)
  console.log('| scenario | failed within 60 min [95% CI] | median | p90 |')
  console.log('|---|---|---:|---:|')
  for (const id of ids) {
    const times = firstFails(id, o, models).sort((a, b) => a - b)
    const w = wilson(times.filter(Number.isFinite).length, times.length)
    const q = (p: number) => {
      const v = times[Math.ceil(p * times.length) - 1] as number
      return Number.isFinite(v) ? `${v} min` : '> 60'
    }
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`
    console.log(`| ${id} | ${pct(w.rate)} [${pct(w.lower)}, ${pct(w.upper)}] | ${q(0.5)} | ${q(0.9)} |`)
  }
}

try {
  main()
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(2)
}
