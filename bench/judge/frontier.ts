/**
 * How far issue 14's targets can be met together: a bound from the simulator itself, with no judge.
 *
 * Take a detection target ("errors ×2 under the shared noise at 100 req/s, median time to detect ≤ 10
 * minutes") and a validity target under a noise the judge cannot tell apart from that one in the
 * time ("≤ 5% false fails under per-arm AR(1) drift, sd 0.3, ρ 0.9, at 100 req/s"). A judge that
 * decides on the canary's cumulative error rate against the baseline's, S_t = log(canary rate so far
 * / baseline rate so far), and fails by minute t in at least a share q of the regressions, must fail
 * whenever S_t exceeds the q-quantile from the top of S_t under the regression (or a lower threshold).
 * On a healthy canary under the drift, that one look alone fails P(S_t ≥ that threshold) of the
 * runs, before any other look adds to it. This is a lower bound for that family of tests (the
 * cumulative rate ratio is what the conditional count test, Kayenta and the fixed-horizon tests all
 * judge by), not for every conceivable test: one that can tell the two noises apart by minute t does
 * better, and at 100 req/s counting noise (variance ≈ 0.67 per interval on the canary's log rate)
 * drowns the drift's innovations (≈ 0.03), so none can in ten minutes.
 *
 * The latency rows are of the other kind: a drift of each arm's latency with sd 0.3 moves the
 * exceedance ratio from minute to minute by much more than counting does at 100 req/s, so a judge
 * that reads the series (v3) can tell it from a regression and beat these rows; they bound v1, which
 * judges the cumulative ratio, and show what its fast latency verdicts cost under such drift.
 *
 *   npx tsx bench/judge/frontier.ts [--runs N] [--seed N]
 *
 * Prints one row per pair: the regression's threshold at minute t and the healthy runs above it, with
 * a Wilson 95% interval; then the pass pairs, the SPRT told the ratio (oracle), the count test
 * mixed over the ratio (what not knowing it costs) and the likelihood ratio of the two latency
 * hypotheses with their noise laws known (what a judge of the series could do at best). Seeded; about
 * two and a half minutes.
 */
import { allScenarios } from './scenarios.js'
import { Rng, hashSeed } from './sim/rng.js'
import { Simulation } from './sim/simulate.js'
import type { Scenario } from './sim/model.js'
import { wilson } from './stats.js'
import { DEFAULT_FAIL_MIXTURE } from '../../shared/analysis/evidence.js'
import type { MixtureSpec } from '../../shared/analysis/sequential.js'
import { halfNormalDensity } from '../../shared/analysis/stats.js'

interface Pair {
  /** What the target asks for. */
  target: string
  regression: string
  healthy: string
  /** Minute of the look. */
  minute: number
  /** Share of regressions that must have failed by then (0.5: a median time to detect ≤ minute). */
  power: number
  /** The metric judged: the errors ratio (default) or the latency samples. */
  metric?: 'ratio' | 'samples'
}

const PAIRS: Pair[] = [
  { target: '×2 median ≤ 10 min (shared noise, 100 req/s) vs per-arm AR(1) ρ 0.9 at 100 req/s', regression: 'v2-noisy-errors-x2', healthy: 'v2-arm-ar1-09-100', minute: 10, power: 0.5 },
  ...[15, 20, 30].map((minute) => ({ target: `×2 median ≤ ${minute} min (shared noise, 100 req/s) vs per-arm AR(1) ρ 0.9 at 100 req/s`, regression: 'v2-noisy-errors-x2', healthy: 'v2-arm-ar1-09-100', minute, power: 0.5 })),
  { target: '×2 median ≤ 10 min (shared noise, 100 req/s) vs canary-only AR(1) ρ 0.9 at 100 req/s', regression: 'v2-noisy-errors-x2', healthy: 'v2-canary-ar1-09-100', minute: 10, power: 0.5 },
  { target: '×2 median ≤ 10 min (shared noise, 100 req/s) vs per-arm AR(1) ρ 0.8 at 100 req/s', regression: 'v2-noisy-errors-x2', healthy: 'v2-arm-ar1-08-100', minute: 10, power: 0.5 },
  { target: '×2 median ≤ 10 min (shared noise, 100 req/s) vs its own healthy noise', regression: 'v2-noisy-errors-x2', healthy: 'v2-shared-arm-100', minute: 10, power: 0.5 },
  { target: '×5 median ≤ 3 min (shared noise, 100 req/s) vs per-arm AR(1) ρ 0.9 at 100 req/s', regression: 'v2-noisy-errors-x5', healthy: 'v2-arm-ar1-09-100', minute: 3, power: 0.5 },
  { target: '×5 median ≤ 3 min (shared noise, 100 req/s) vs gamma bursts per arm CV 200% at 100 req/s', regression: 'v2-noisy-errors-x5', healthy: 'v2-bursts-200-100', minute: 3, power: 0.5 },
  { target: '×5 median ≤ 3 min (shared noise, 100 req/s) vs canary-only AR(1) ρ 0.9 at 100 req/s', regression: 'v2-noisy-errors-x5', healthy: 'v2-canary-ar1-09-100', minute: 3, power: 0.5 },
  { target: '×2 detected ≥ 40% by 60 min vs the same bursts, healthy (1000 req/s)', regression: 'v2-bursts-errors-x2', healthy: 'v2-bursts-200-1000', minute: 60, power: 0.4 },
  ...(
    [
      ['its own healthy noise (shared AR(1) sd 0.1 + per-arm sd 0.05)', 'v2-shared-arm-100'],
      ['per-arm latency AR(1) sd 0.05 ρ 0.9 (the bench\'s drift regimes)', 'v2-arm-ar1-09-100'],
      ['per-arm latency AR(1) sd 0.1 ρ 0.9', 'v2-latency-drift-01-100'],
      ['per-arm latency AR(1) sd 0.3 ρ 0.9 (the issue\'s drift, on latency)', 'v2-latency-drift-03-100'],
    ] as const
  ).map(([noise, healthy]) => ({ target: `latency p50 +50% median ≤ 5 min (shared noise, 100 req/s) vs ${noise}, 100 req/s`, regression: 'v2-noisy-latency-p50+50', healthy, minute: 5, power: 0.5, metric: 'samples' as const })),
  ...[10, 15].map((minute) => ({ target: `latency p50 +50% median ≤ ${minute} min (shared noise, 100 req/s) vs per-arm latency AR(1) sd 0.3 ρ 0.9, 100 req/s`, regression: 'v2-noisy-latency-p50+50', healthy: 'v2-latency-drift-03-100', minute, power: 0.5, metric: 'samples' as const })),
]

/**
 * A judge that reads the series, not only the cumulative ratio, can tell a drift from a regression
 * by how the series moves. How far, at best: the likelihood ratio of the two hypotheses themselves,
 * each with its noise known exactly (Neyman & Pearson 1933: at one look, no test of the same false
 * fails has more power), on each interval's latency statistic y (log of the canary's exceedance rate
 * over the baseline's, the judge's own events) with counting variance c = 1/xc + 1/xb: under the
 * regression y = μ₁ + e (an independent excess β₁²), under the healthy drift y = d + e with d an AR(1)
 * of the regime's ρ and a stationary variance τ₀² (a two-model Kalman filter). μ₁, β₁² and τ₀² are
 * fitted on separate runs of the two scenarios. The rows give the healthy runs above the threshold
 * that catches half of the regressions at that look: the price of that median for any judge, up to
 * the Gaussian approximation of y.
 */
interface SeriesPair {
  target: string
  regression: string
  healthy: string
  /** The healthy drift's autocorrelation per interval. */
  rho: number
  minute: number
}

const SERIES_PAIRS: SeriesPair[] = [5, 10].flatMap((minute) => [
  { target: `latency p50 +50% median ≤ ${minute} min (shared noise, 100 req/s) vs per-arm latency AR(1) sd 0.3 ρ 0.9, 100 req/s`, regression: 'v2-noisy-latency-p50+50', healthy: 'v2-latency-drift-03-100', rho: 0.9, minute },
  { target: `the same vs per-arm latency AR(1) sd 0.1 ρ 0.9`, regression: 'v2-noisy-latency-p50+50', healthy: 'v2-latency-drift-01-100', rho: 0.9, minute },
])

/** Per run, the intervals' (y, c) of the scenario's latency metric over `minute` intervals. */
function latencySeries(scenario: Scenario, minute: number, runs: number, seed: number, tag: string): Array<Array<[number, number]>> {
  const metric = scenario.metrics.find((m) => m.process.type === 'samples')
  if (!metric) throw new Error(`${scenario.id} has no samples metric`)
  const name = metric.policy.name
  const out: Array<Array<[number, number]>> = []
  for (let run = 0; run < runs; run++) {
    const sim = new Simulation(scenario, new Rng(hashSeed(seed, tag, scenario.id, run)))
    const series: Array<[number, number]> = []
    for (let t = 1; t <= minute; t++) {
      const data = sim.next()
      const c = data.canary[name]
      const b = data.baseline[name]
      if (!(c && 'values' in c && b && 'values' in b) || c.values.length === 0 || b.values.length === 0) continue
      const pooled = [...c.values, ...b.values].sort((p, q) => p - q)
      const median = pooled[Math.floor(pooled.length / 2)] as number
      const xc = c.values.filter((v) => v > median).length + 0.5
      const xb = b.values.filter((v) => v > median).length + 0.5
      series.push([Math.log(xc / (c.values.length + 1)) - Math.log(xb / (b.values.length + 1)), 1 / xc + 1 / xb])
    }
    out.push(series)
  }
  return out
}

/** Mean of y and its variance beyond counting, over every interval of every run. */
function fitLevel(runs: Array<Array<[number, number]>>): { mean: number; excess: number } {
  let n = 0
  let sy = 0
  let syy = 0
  let sc = 0
  for (const series of runs)
    for (const [y, c] of series) {
      n++
      sy += y
      syy += y * y
      sc += c
    }
  const mean = sy / n
  return { mean, excess: Math.max(syy / n - mean * mean - sc / n, 0) }
}

/** log p(series | regression) − log p(series | healthy drift), Gaussian, with the fitted noise. */
function seriesLlr(series: Array<[number, number]>, mu1: number, beta1: number, tau0: number, rho: number): number {
  let llr = 0
  let md = 0
  let pd = tau0
  for (const [y, c] of series) {
    const s1 = c + beta1
    llr += -0.5 * (Math.log(s1) + ((y - mu1) * (y - mu1)) / s1)
    const s0 = pd + c
    const r = y - md
    llr -= -0.5 * (Math.log(s0) + (r * r) / s0)
    const k = pd / s0
    md = rho * (md + k * r)
    pd = rho * rho * pd * (1 - k) + (1 - rho * rho) * tau0
  }
  return llr
}

/**
 * The pass side: an early pass by `minute` in a share `power` of healthy canaries without noise
 * (tolerance 25%) means passing whenever S_t is at or below the healthy runs' `power`-quantile; a
 * canary exactly at the tolerance (×1.25) under the noise must then not fall below it in more than α.
 */
interface PassPair {
  target: string
  /** Healthy canaries that must pass early. */
  healthy: string
  /** The noise under which a canary at the tolerance is simulated (its error metric set to ×factor). */
  inferior: string
  factor: number
  minute: number
  power: number
}

const PASS_PAIRS: PassPair[] = [
  ...[15, 30, 45].map((minute) => ({ target: `early pass median ≤ ${minute} min (1000 req/s, no noise) vs a ×1.25 canary under per-arm AR(1) sd 0.3 ρ 0.9`, healthy: 'v2-early-pass-1000', inferior: 'v2-arm-ar1-09-1000', factor: 1.25, minute, power: 0.5 })),
  { target: 'early pass median ≤ 15 min (1000 req/s, no noise) vs a ×1.25 canary under canary-only AR(1) sd 0.3 ρ 0.9', healthy: 'v2-early-pass-1000', inferior: 'v2-canary-ar1-09-1000', factor: 1.25, minute: 15, power: 0.5 },
  { target: 'early pass median ≤ 15 min (1000 req/s, no noise) vs a ×1.25 canary under per-arm AR(1) sd 0.3 ρ 0.8', healthy: 'v2-early-pass-1000', inferior: 'v2-arm-ar1-08-1000', factor: 1.25, minute: 15, power: 0.5 },
]

function scenarioById(id: string): Scenario {
  const found = allScenarios().find((s) => s.id === id)
  if (!found) throw new Error(`no bench scenario ${id} (bench/judge/scenarios.ts)`)
  return found
}

/** The scenario with its ratio metrics' canary factor set (a canary exactly at a tolerance). */
function withFactor(scenario: Scenario, factor: number): Scenario {
  return {
    ...scenario,
    id: `${scenario.id}-x${factor}`,
    metrics: scenario.metrics.map((m) => (m.process.type === 'ratio' ? { ...m, process: { ...m.process, canaryFactor: factor } } : m)),
  }
}

function args(): { runs: number; seed: number } {
  const out = { runs: 4000, seed: 20240601 }
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') out.runs = Number(argv[++i])
    else if (argv[i] === '--seed') out.seed = Number(argv[++i])
  }
  return out
}

/**
 * S_t of the scenario's first metric of `kind` at `minute`, one value per run. For a `samples` metric
 * (latency) the events are the judge's own: each interval's values above the pooled median of both
 * arms (./shared/analysis/samples.ts tests p50 through exactly these exceedances).
 */
function statistic(scenario: Scenario, minute: number, runs: number, seed: number, kind: 'ratio' | 'samples' = 'ratio'): number[] {
  const metric = scenario.metrics.find((m) => m.process.type === kind)
  if (!metric) throw new Error(`${scenario.id} has no ${kind} metric`)
  const name = metric.policy.name
  const out: number[] = []
  for (let run = 0; run < runs; run++) {
    const sim = new Simulation(scenario, new Rng(hashSeed(seed, 'frontier', scenario.id, run)))
    let x = 0
    let n = 0
    let y = 0
    let m = 0
    for (let t = 1; t <= minute; t++) {
      const data = sim.next()
      const c = data.canary[name]
      const b = data.baseline[name]
      if (c && 'events' in c && b && 'events' in b) {
        x += c.events
        n += c.total
        y += b.events
        m += b.total
      } else if (c && 'values' in c && b && 'values' in b && c.values.length > 0 && b.values.length > 0) {
        const pooled = [...c.values, ...b.values].sort((p, q) => p - q)
        const median = pooled[Math.floor(pooled.length / 2)] as number
        x += c.values.filter((v) => v > median).length
        n += c.values.length
        y += b.values.filter((v) => v > median).length
        m += b.values.length
      }
    }
    out.push(Math.log((x + 0.5) / (n + 1)) - Math.log((y + 0.5) / (m + 1)))
  }
  return out
}

/**
 * How soon a valid sequential test can catch a regression whose size it is told: the SPRT told the
 * true ratio r (Wald 1945), on the conditional count of each interval, the canary's share of the
 * events, Binomial(k, θ) with logit θ = logit π + log r against θ = π. Under the exact null its
 * likelihood ratio is a martingale, so failing at the threshold is valid by Ville's inequality. Among
 * sequential tests with its error rates the SPRT has the smallest expected time to decide (Wald &
 * Wolfowitz 1948), so a judge that must cover every r (a mixture) is slower on average; one could
 * beat its median only by spending α on that one alternative at that one minute. Returns the minute
 * of the first fail per run (Infinity: not within 60).
 */
interface OraclePair {
  target: string
  regression: string
  factor: number
  /**
   * Thresholds on the likelihood ratio: 1/α for one metric alone; 1/(⅔ α) = 30 for the bench's
   * critical errors metric (weight 2) beside one latency metric (weight 1).
   */
  thresholds: number[]
}

const ORACLE_PAIRS: OraclePair[] = [
  { target: '×2 at 10 req/s, no noise: detected ≥ 50% within 60 min', regression: 'v2-low-errors-x2', factor: 2, thresholds: [20, 30] },
  { target: '×5 at 10 req/s, no noise: median ≤ 5 min', regression: 'v2-low-errors-x5', factor: 5, thresholds: [20, 30] },
]

/**
 * Runs the scenario's first ratio metric through a sequential test: `start()` gives one run's test,
 * called with each interval's canary and baseline events and the logit of the canary's share of the
 * traffic, true once it fails. Returns the minute of the first fail per run (Infinity: not within 60).
 */
function firstFails(scenario: Scenario, runs: number, seed: number, start: () => (x: number, y: number, a: number) => boolean): number[] {
  const metric = scenario.metrics.find((m) => m.process.type === 'ratio')
  if (!metric) throw new Error(`${scenario.id} has no ratio metric`)
  const name = metric.policy.name
  const out: number[] = []
  for (let run = 0; run < runs; run++) {
    const sim = new Simulation(scenario, new Rng(hashSeed(seed, 'frontier-oracle', scenario.id, run)))
    const test = start()
    let at = Number.POSITIVE_INFINITY
    for (let t = 1; t <= 60; t++) {
      const data = sim.next()
      const c = data.canary[name]
      const b = data.baseline[name]
      if (!(c && 'events' in c && b && 'events' in b) || !(c.total > 0 && b.total > 0)) continue
      const pi = c.total / (c.total + b.total)
      if (test(c.events, b.events, Math.log(pi / (1 - pi)))) {
        at = t
        break
      }
    }
    out.push(at)
  }
  return out
}

function oracleTimes(scenario: Scenario, factor: number, threshold: number, runs: number, seed: number): number[] {
  const logR = Math.log(factor)
  const limit = Math.log(threshold)
  return firstFails(scenario, runs, seed, () => {
    let ll = 0
    return (x, y, a) => {
      // log θ₁/θ₀ and log (1−θ₁)/(1−θ₀), with logit θ₁ = a + log r.
      const l1 = -Math.log1p(Math.exp(-(a + logR)))
      const l0 = -Math.log1p(Math.exp(-a))
      const m1 = -Math.log1p(Math.exp(a + logR))
      const m0 = -Math.log1p(Math.exp(a))
      ll += x * (l1 - l0) + y * (m1 - m0)
      return ll >= limit
    }
  })
}

/**
 * What not knowing the ratio costs: the same conditional count test with the likelihood ratio mixed
 * over r (half-normals on log r, as the judge's fail side; the point at r = ∞ is left out, its mass
 * lost: it could count only while the baseline has had no events, at 10 req/s rarely past the first
 * minute), on a lattice of log r up to 4, untempered and uncapped: the judge
 * on noiseless counts with nothing to learn about the noise. Returns the minute of the first fail per
 * run, as oracleTimes.
 */
function mixtureTimes(scenario: Scenario, spec: MixtureSpec, threshold: number, runs: number, seed: number): number[] {
  const step = 0.02
  const size = Math.round(4 / step)
  const logW = new Float64Array(size + 1)
  let wsum = 0
  for (const w of spec.weights) wsum += w
  for (let j = 1; j <= size; j++) {
    let d = 0
    spec.scales.forEach((scale, c) => {
      d += ((spec.weights[c] as number) / wsum) * halfNormalDensity(j * step, scale)
    })
    logW[j] = Math.log(d * step * (1 - spec.infinityWeight))
  }
  const limit = Math.log(threshold)
  return firstFails(scenario, runs, seed, () => {
    const ll = new Float64Array(size + 1)
    return (x, y, a) => {
      const l0 = -Math.log1p(Math.exp(-a))
      const m0 = -Math.log1p(Math.exp(a))
      let max = Number.NEGATIVE_INFINITY
      for (let j = 1; j <= size; j++) {
        const u = j * step
        const v = (ll[j] as number) + x * (-Math.log1p(Math.exp(-(a + u))) - l0) + y * (-Math.log1p(Math.exp(a + u)) - m0)
        ll[j] = v
        if (v + (logW[j] as number) > max) max = v + (logW[j] as number)
      }
      let sum = 0
      for (let j = 1; j <= size; j++) sum += Math.exp((ll[j] as number) + (logW[j] as number) - max)
      return max + Math.log(sum) >= limit
    }
  })
}

/** The judge's default fail mixture, and one half-normal of scale log 2: the best single scale for ×2. */
const MIXTURES: Array<{ label: string; spec: MixtureSpec }> = [
  { label: "the judge's fail mixture (scales 0.1–4, 15% at r = ∞)", spec: DEFAULT_FAIL_MIXTURE },
  { label: 'one half-normal of scale log 2, nothing at r = ∞', spec: { scales: [Math.log(2)], weights: [1], infinityWeight: 0 } },
]

function main(): void {
  const { runs, seed } = args()
  console.log(`bench/judge/frontier: ${runs} runs per scenario, seed ${seed}\n`)
  console.log('| target | minute | threshold on log(canary/baseline rate) | healthy runs above it [95% CI] |')
  console.log('|---|---:|---:|---|')
  for (const pair of PAIRS) {
    const regression = statistic(scenarioById(pair.regression), pair.minute, runs, seed, pair.metric).sort((a, b) => a - b)
    // The smallest threshold that still leaves a share `power` of the regressions at or above it.
    const threshold = regression[Math.floor((1 - pair.power) * regression.length)] as number
    const healthy = statistic(scenarioById(pair.healthy), pair.minute, runs, seed, pair.metric)
    const above = healthy.filter((s) => s >= threshold).length
    const w = wilson(above, healthy.length)
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`
    console.log(`| ${pair.target} | ${pair.minute} | ${threshold.toFixed(3)} (×${Math.exp(threshold).toFixed(2)}) | ${pct(w.rate)} [${pct(w.lower)}, ${pct(w.upper)}] |`)
  }
  console.log('\n| pass target | minute | threshold on log(canary/baseline rate) | canaries at the tolerance below it [95% CI] |')
  console.log('|---|---:|---:|---|')
  for (const pair of PASS_PAIRS) {
    const healthy = statistic(scenarioById(pair.healthy), pair.minute, runs, seed).sort((a, b) => a - b)
    // The largest threshold that still leaves a share `power` of the healthy runs at or below it.
    const threshold = healthy[Math.ceil(pair.power * healthy.length) - 1] as number
    const inferior = statistic(withFactor(scenarioById(pair.inferior), pair.factor), pair.minute, runs, seed)
    const below = inferior.filter((s) => s <= threshold).length
    const w = wilson(below, inferior.length)
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`
    console.log(`| ${pair.target} | ${pair.minute} | ${threshold.toFixed(3)} (×${Math.exp(threshold).toFixed(2)}) | ${pct(w.rate)} [${pct(w.lower)}, ${pct(w.upper)}] |`)
  }
  console.log('\n| oracle target (SPRT told the true ratio) | threshold | detected within 60 min [95% CI] | median | p90 |')
  console.log('|---|---:|---|---:|---:|')
  for (const pair of ORACLE_PAIRS) {
    for (const threshold of pair.thresholds) {
      const times = oracleTimes(scenarioById(pair.regression), pair.factor, threshold, runs, seed).sort((a, b) => a - b)
      const w = wilson(times.filter((t) => Number.isFinite(t)).length, times.length)
      const q = (p: number) => {
        const v = times[Math.ceil(p * times.length) - 1] as number
        return Number.isFinite(v) ? `${v} min` : '> 60'
      }
      const pct = (v: number) => `${(v * 100).toFixed(1)}%`
      console.log(`| ${pair.target} | ${threshold} | ${pct(w.rate)} [${pct(w.lower)}, ${pct(w.upper)}] | ${q(0.5)} | ${q(0.9)} |`)
      // The same SPRT on the same canary without the regression: valid only if it fails ≤ 1/threshold.
      const healthy = oracleTimes(withFactor(scenarioById(pair.regression), 1), pair.factor, threshold, runs, seed)
      const h = wilson(healthy.filter((t) => Number.isFinite(t)).length, healthy.length)
      console.log(`| (the same SPRT on the healthy canary: false fails, at most ${pct(1 / threshold)}) | ${threshold} | ${pct(h.rate)} [${pct(h.lower)}, ${pct(h.upper)}] | | |`)
    }
  }
  console.log('\n| not told the ratio: mixture test at 10 req/s, no noise (threshold 30) | regression | detected within 60 min [95% CI] | median | p90 |')
  console.log('|---|---|---|---:|---:|')
  for (const pair of ORACLE_PAIRS) {
    for (const mixture of MIXTURES) {
      const times = mixtureTimes(scenarioById(pair.regression), mixture.spec, 30, runs, seed).sort((a, b) => a - b)
      const w = wilson(times.filter((t) => Number.isFinite(t)).length, times.length)
      const q = (p: number) => {
        const v = times[Math.ceil(p * times.length) - 1] as number
        return Number.isFinite(v) ? `${v} min` : '> 60'
      }
      const pct = (v: number) => `${(v * 100).toFixed(1)}%`
      console.log(`| ${mixture.label} | ×${pair.factor} | ${pct(w.rate)} [${pct(w.lower)}, ${pct(w.upper)}] | ${q(0.5)} | ${q(0.9)} |`)
    }
  }
  console.log('\n| series oracle: likelihood ratio of the two exact hypotheses (latency) | minute | healthy runs above the median regression [95% CI] |')
  console.log('|---|---:|---|')
  for (const pair of SERIES_PAIRS) {
    const fitR = fitLevel(latencySeries(scenarioById(pair.regression), 60, Math.min(runs, 500), seed, 'frontier-fit'))
    const fitH = fitLevel(latencySeries(scenarioById(pair.healthy), 60, Math.min(runs, 500), seed, 'frontier-fit'))
    const score = (id: string) => latencySeries(scenarioById(id), pair.minute, runs, seed, 'frontier-series').map((r) => seriesLlr(r, fitR.mean, fitR.excess, fitH.excess + fitH.mean * fitH.mean, pair.rho))
    const regression = score(pair.regression).sort((a, b) => a - b)
    const threshold = regression[Math.floor(0.5 * regression.length)] as number
    const healthy = score(pair.healthy)
    const w = wilson(healthy.filter((s) => s >= threshold).length, healthy.length)
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`
    console.log(`| ${pair.target} (μ₁ ${fitR.mean.toFixed(2)}, β₁² ${fitR.excess.toFixed(3)}, τ₀² ${(fitH.excess + fitH.mean * fitH.mean).toFixed(3)}) | ${pair.minute} | ${pct(w.rate)} [${pct(w.lower)}, ${pct(w.upper)}] |`)
  }
  console.log('\nA judge of the cumulative rate ratio that meets the row\'s detection target fails at least that share of the healthy')
  console.log('canaries at that one look (every other look only adds); one that meets a pass target passes at least that share of the')
  console.log('canaries at the tolerance. Rows above 5% are targets that such a judge cannot meet together. The oracle rows are')
  console.log('the SPRT told the regression\'s size: no sequential test with its error rates decides sooner on average.')
}

main()
