/**
 * Benchmark of the experiment judge (shared/analysis/experiment) next to the classic fixed-horizon
 * two-proportion z-test that people peek at daily. Prints figures; the targets of issue 17 are
 * checked at the end with ✔/✘ (exit status 1 when one fails).
 *
 *   npx tsx bench/judge/experiments.ts            # quick: ~1 min
 *   npx tsx bench/judge/experiments.ts --full     # 10× the runs
 *   npx tsx bench/judge/experiments.ts --json     # the same figures as one JSON object
 *   --seed N  --runs N (A/A runs; lift scenarios get a third)
 *
 * Traffic: 10,000 sessions a day per variant (Poisson per hour, with a ±30% weekly swing that hits
 * every variant alike), 5% conversion on control. Rollgate looks every hour (1,008 looks in the
 * 42-day maximum duration); the z-test is peeked once a day at alpha/(variants − 1).
 */
import { replayExperiment } from '../../shared/analysis/experiment/judge.js'
import type { ExperimentConfig, ExperimentInterval } from '../../shared/analysis/experiment/types.js'
import { plannedInformation } from '../../shared/analysis/experiment/sequence.js'
import { peekingZTest, rng, simulateConversions, simulateOrderValues, wilson } from './experiments-sim.js'

interface Options {
  seed: number
  runs: number
  json: boolean
}

function parseArgs(argv: string[]): Options {
  const o: Options = { seed: 17, runs: 1000, json: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--full') o.runs = 10_000
    else if (a === '--json') o.json = true
    else if (a === '--seed') o.seed = Number(argv[++i])
    else if (a === '--runs') o.runs = Number(argv[++i])
    else {
      console.error(`unknown option ${a}; usage: npx tsx bench/judge/experiments.ts [--full] [--json] [--seed N] [--runs N]`)
      process.exit(2)
    }
  }
  if (!Number.isInteger(o.runs) || o.runs < 10) throw new Error('--runs must be an integer ≥ 10')
  return o
}

const ALPHA = 0.05
const MDE = 0.05
const BASE_RATE = 0.05
const SESSIONS_PER_DAY = 10_000
const DAYS = 42
const PER_DAY = 24

function variantsOf(k: number): string[] {
  return ['control', ...['b', 'c', 'd'].slice(0, k - 1)]
}

function experiment(variants: string[]): ExperimentConfig {
  return { alpha: ALPHA, variants, control: 'control', primary: { name: 'conversion', type: 'ratio', direction: 'increase' }, minimumEffect: MDE, maxIntervals: DAYS * PER_DAY, weights: Object.fromEntries(variants.map((v) => [v, 1])) }
}

/** Hourly intervals summed into days, for the daily peek. */
function daily(intervals: readonly ExperimentInterval[], variants: readonly string[]): ExperimentInterval[] {
  const out: ExperimentInterval[] = []
  intervals.forEach((iv, i) => {
    if (i % PER_DAY === 0) out.push({ variants: Object.fromEntries(variants.map((v) => [v, { conversion: { events: 0, total: 0 } }])) })
    const day = out[out.length - 1] as ExperimentInterval
    for (const v of variants) {
      const o = iv.variants[v]?.conversion as { events: number; total: number }
      const d = day.variants[v]?.conversion as { events: number; total: number }
      d.events += o.events
      d.total += o.total
    }
  })
  return out
}

interface Scenario {
  name: string
  variants: number
  /** Lift of variant `b` (the others, if any, equal control). */
  lift: number
  runs: number
}

interface Figures {
  scenario: string
  variants: number
  lift: number
  runs: number
  rollgate: { winners: number; falseWinners: number; falseLosers: number; falseDecisionUpper95: number; falseWinnerRate: number; falseWinnerUpper95: number; noDifference: number; inconclusive: number; daysToWinner: { median: number | null; p90: number | null; winRate: number } }
  peekingZ: { falseWinners: number; falseWinnerRate: number; falseWinnerLower95: number; daysToWinner: { median: number | null; p90: number | null; winRate: number } }
}

const quantile = (sorted: number[], q: number): number | null => (sorted.length === 0 ? null : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number))

function runScenario(s: Scenario, seed: number): Figures {
  const variants = variantsOf(s.variants)
  const config = experiment(variants)
  let falseWinners = 0
  let falseLosers = 0
  let winners = 0
  let noDifference = 0
  let inconclusive = 0
  let zFalse = 0
  const days: number[] = []
  const zDays: number[] = []
  for (let r = 0; r < s.runs; r++) {
    const random = rng(seed * 1_000_003 + s.variants * 7919 + Math.round(s.lift * 1000) * 104_729 + r)
    const rates = Object.fromEntries(variants.map((v) => [v, v === 'b' ? BASE_RATE * (1 + s.lift) : BASE_RATE]))
    const intervals = simulateConversions(random, { variants, rates, sessions: SESSIONS_PER_DAY / PER_DAY, intervals: DAYS * PER_DAY, perDay: PER_DAY, swing: 0.3 })
    const result = replayExperiment(config, intervals)
    const truth = s.lift > 0 ? 'b' : null
    if (result.decision === 'winner' && result.winner !== 'control') {
      if (result.winner === truth) {
        winners++
        days.push(((result.decidedAt as number) + 1) / PER_DAY)
      } else falseWinners++
    }
    // `winner: control` claims every variant is worse: false whenever no variant is worse than control.
    if (result.decision === 'winner' && result.winner === 'control') falseLosers++
    if (result.decision === 'no-difference') noDifference++
    if (result.decision === 'inconclusive') inconclusive++
    const z = peekingZTest(daily(intervals, variants), variants, 'control', ALPHA, 1)
    if (z.winner !== null && z.winner !== truth) zFalse++
    if (z.winner !== null && z.winner === truth) zDays.push((z.at as number) + 1)
  }
  days.sort((a, b) => a - b)
  zDays.sort((a, b) => a - b)
  const w = wilson(falseWinners, s.runs)
  const wz = wilson(zFalse, s.runs)
  return {
    scenario: s.name,
    variants: s.variants,
    lift: s.lift,
    runs: s.runs,
    rollgate: {
      winners,
      falseWinners,
      falseLosers,
      falseDecisionUpper95: wilson(falseWinners + falseLosers, s.runs).upper,
      falseWinnerRate: falseWinners / s.runs,
      falseWinnerUpper95: w.upper,
      noDifference: noDifference / s.runs,
      inconclusive: inconclusive / s.runs,
      daysToWinner: { median: quantile(days, 0.5), p90: quantile(days, 0.9), winRate: winners / s.runs },
    },
    peekingZ: { falseWinners: zFalse, falseWinnerRate: zFalse / s.runs, falseWinnerLower95: wz.lower, daysToWinner: { median: quantile(zDays, 0.5), p90: quantile(zDays, 0.9), winRate: zDays.length / s.runs } },
  }
}

/** Order values (lognormal, log-sd 1), daily looks over 42 days, 300 orders a day per variant. */
function runOrderValues(runs: number, lift: number, seed: number): { falseWinnerRate: number; falseWinnerUpper95: number; winRate: number; medianDays: number | null; runs: number } {
  const variants = ['control', 'b']
  const config: ExperimentConfig = { alpha: ALPHA, variants, control: 'control', primary: { name: 'order-value', type: 'samples', direction: 'increase' }, minimumEffect: MDE, maxIntervals: DAYS }
  let falseW = 0
  let wins = 0
  const days: number[] = []
  for (let r = 0; r < runs; r++) {
    const random = rng(seed * 7 + 31 + r * 17 + Math.round(lift * 1000))
    const result = replayExperiment(config, simulateOrderValues(random, variants, { control: 40, b: 40 * (1 + lift) }, 300, DAYS))
    if (result.decision === 'winner' && result.winner === 'b') {
      if (lift > 0) {
        wins++
        days.push((result.decidedAt as number) + 1)
      } else falseW++
    }
  }
  days.sort((a, b) => a - b)
  return { runs, falseWinnerRate: falseW / runs, falseWinnerUpper95: wilson(falseW, runs).upper, winRate: wins / runs, medianDays: quantile(days, 0.5) }
}

function fmtPct(x: number): string {
  return `${(100 * x).toFixed(2)}%`
}

function fmtDays(x: number | null): string {
  return x === null ? '—' : `${x.toFixed(1)} d`
}

function main(): void {
  const o = parseArgs(process.argv.slice(2))
  const started = Date.now()
  const liftRuns = Math.max(10, Math.round(o.runs / 3))
  const scenarios: Scenario[] = [
    { name: 'A/A, 2 variants', variants: 2, lift: 0, runs: o.runs },
    { name: 'A/A/A, 3 variants (FWER)', variants: 3, lift: 0, runs: o.runs },
    { name: '+5% lift, 2 variants', variants: 2, lift: 0.05, runs: liftRuns },
    { name: '+10% lift, 2 variants', variants: 2, lift: 0.1, runs: liftRuns },
    { name: '+10% lift, 3 variants', variants: 3, lift: 0.1, runs: liftRuns },
  ]
  const figures = scenarios.map((s) => runScenario(s, o.seed))
  const orders = { aa: runOrderValues(Math.round(o.runs / 3), 0, o.seed), lift10: runOrderValues(Math.round(o.runs / 10), 0.1, o.seed) }
  // A fixed-horizon test planned for the MDE at 80% power, looked at once, needs this many days.
  const info = plannedInformation(MDE, ALPHA)
  const perDayVariance = 2 * (1 - BASE_RATE) / (BASE_RATE * SESSIONS_PER_DAY)
  const fixedDays = info * perDayVariance
  const seconds = (Date.now() - started) / 1000
  const checks = [
    ...figures.filter((f) => f.lift === 0).map((f) => ({ name: `${f.scenario}: false winners ≤ alpha (Wilson 95% upper bound ${fmtPct(f.rollgate.falseWinnerUpper95)})`, ok: f.rollgate.falseWinnerUpper95 <= ALPHA })),
    ...figures.filter((f) => f.lift === 0).map((f) => ({ name: `${f.scenario}: every false claim (false winners and \`winner: control\`) ≤ alpha (Wilson 95% upper bound ${fmtPct(f.rollgate.falseDecisionUpper95)})`, ok: f.rollgate.falseDecisionUpper95 <= ALPHA })),
    { name: `order value A/A: false winners ≤ alpha (upper ${fmtPct(orders.aa.falseWinnerUpper95)})`, ok: orders.aa.falseWinnerUpper95 <= ALPHA },
    ...figures.filter((f) => f.lift === 0).map((f) => ({ name: `${f.scenario}: the daily-peeked z-test's false winners exceed alpha (Wilson 95% lower bound ${fmtPct(f.peekingZ.falseWinnerLower95)})`, ok: f.peekingZ.falseWinnerLower95 > ALPHA })),
    ...figures.filter((f) => f.lift > 0).map((f) => ({ name: `${f.scenario}: a winner within the maximum duration in ≥ 80% of runs (${fmtPct(f.rollgate.daysToWinner.winRate)})`, ok: f.rollgate.daysToWinner.winRate >= 0.8 })),
  ]
  if (o.json) {
    console.log(JSON.stringify({ seed: o.seed, alpha: ALPHA, minimumEffect: MDE, sessionsPerDayPerVariant: SESSIONS_PER_DAY, baseRate: BASE_RATE, maxDays: DAYS, looksPerDay: PER_DAY, fixedHorizonDays: fixedDays, figures, orderValues: orders, checks, seconds }))
  } else {
    console.log(`Experiments: ${SESSIONS_PER_DAY.toLocaleString('en-US')} sessions/day per variant, ${BASE_RATE * 100}% conversion, MDE ±${MDE * 100}%, alpha ${ALPHA}, hourly looks for ${DAYS} days; z-test peeked daily. seed ${o.seed}\n`)
    console.log('| scenario | runs | Rollgate false winners (95% upper) | false `winner: control` | no-difference | inconclusive | Rollgate winner rate | days to winner median / p90 | peeked z false winners (95% lower) | peeked z days median / p90 |')
    console.log('|---|---|---|---|---|---|---|---|---|---|')
    for (const f of figures) {
      const r = f.rollgate
      const z = f.peekingZ
      console.log(
        `| ${f.scenario} | ${f.runs} | ${fmtPct(r.falseWinnerRate)} (${fmtPct(r.falseWinnerUpper95)}) | ${f.lift === 0 ? fmtPct(r.falseLosers / f.runs) : '—'} | ${fmtPct(r.noDifference)} | ${fmtPct(r.inconclusive)} | ${f.lift > 0 ? fmtPct(r.daysToWinner.winRate) : '—'} | ${f.lift > 0 ? `${fmtDays(r.daysToWinner.median)} / ${fmtDays(r.daysToWinner.p90)}` : '—'} | ${fmtPct(z.falseWinnerRate)} (${fmtPct(z.falseWinnerLower95)}) | ${f.lift > 0 ? `${fmtDays(z.daysToWinner.median)} / ${fmtDays(z.daysToWinner.p90)}` : '—'} |`,
      )
    }
    console.log(`\nOrder value (lognormal, 300 orders/day per variant, daily looks): A/A false winners ${fmtPct(orders.aa.falseWinnerRate)} (95% upper ${fmtPct(orders.aa.falseWinnerUpper95)}, ${orders.aa.runs} runs); +10%: winner in ${fmtPct(orders.lift10.winRate)} of ${orders.lift10.runs} runs, median ${fmtDays(orders.lift10.medianDays)}.`)
    console.log(`A fixed-horizon z-test planned for ±${MDE * 100}% at 80% power, looked at once: ${fixedDays.toFixed(1)} days (valid only at that one look).`)
    console.log('')
    for (const c of checks) console.log(`${c.ok ? '✔' : '✘'} ${c.name}`)
    console.log(`\n${seconds.toFixed(1)} s`)
  }
  if (checks.some((c) => !c.ok)) process.exitCode = 1
}

main()
