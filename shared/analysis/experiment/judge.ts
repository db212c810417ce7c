/**
 * The experiment judge: after every interval, on all data so far, a confidence sequence for each
 * variant's lift over control (./sequence.ts), the guardrails judged by the canary judge (each
 * variant against control), a sample-ratio check, and the decision:
 *
 *   winner: <variant>  a variant's sequence excludes 0 on the better side and its guardrails hold
 *                      (`control` when every other variant is proven worse or broke a guardrail);
 *   no-difference      every variant's sequence lies within ±minimumEffect;
 *   inconclusive       the maximum duration passed without either, or the split does not match;
 *   continue           still open, with the traffic a decision would need.
 *
 * Family-wise error: each of the k = variants − 1 comparisons runs at alpha/k (Bonferroni), two-sided,
 * so the probability that any look declares any false winner, false loser or false no-difference is
 * at most alpha. A decision stands once taken. See docs/experiments.md.
 */
import { createJudge, type Judge } from '../judge.js'
import type { HistogramBucket, Observation } from '../observations.js'
import { formatInterval, formatRelative } from '../evidence.js'
import { LiftSequence, emptyTotals, logLift, sampleRatioEValue, type ArmTotals } from './sequence.js'
import type {
  ExperimentConfig,
  ExperimentInterval,
  ExperimentLook,
  ExperimentResult,
  GuardrailLook,
  SampleRatioLook,
  VariantLook,
  VariantState,
} from './types.js'

export interface ExperimentJudge {
  readonly config: ExperimentConfig
  readonly looks: number
  look(interval: ExperimentInterval): ExperimentLook
}

/** Adds one interval's primary observation to an arm's totals; histogram buckets count at their midpoints. */
export function addObservation(totals: ArmTotals, type: 'ratio' | 'samples', observation: Observation | undefined): boolean {
  if (!observation) return false
  if (type === 'ratio') {
    if (!('events' in observation)) return false
    totals.sum += observation.events
    totals.count += observation.total
    return true
  }
  if ('values' in observation) {
    for (const v of observation.values) {
      totals.sum += v
      totals.sumSquares += v * v
    }
    totals.count += observation.values.length
    return true
  }
  if ('buckets' in observation) {
    addBuckets(totals, observation.buckets)
    return true
  }
  return false
}

function addBuckets(totals: ArmTotals, buckets: readonly HistogramBucket[]): void {
  const sorted = [...buckets].sort((a, b) => a.le - b.le)
  const highestFinite = [...sorted].reverse().find((b) => Number.isFinite(b.le))?.le ?? 0
  let previousLe = 0
  let previousCount = 0
  for (const b of sorted) {
    const n = b.count - previousCount
    if (n > 0) {
      // As histogram_quantile: the first bucket starts at 0, the +Inf bucket sits at the highest finite bound.
      const mid = Number.isFinite(b.le) ? (previousLe + b.le) / 2 : highestFinite
      totals.sum += n * mid
      totals.sumSquares += n * mid * mid
      totals.count += n
    }
    previousCount = Math.max(previousCount, b.count)
    if (Number.isFinite(b.le)) previousLe = b.le
  }
}

const ratioOf = (t: ArmTotals): number | null => (t.count > 0 ? t.sum / t.count : null)
const lift = (theta: number): number => Math.expm1(theta)

interface Comparison {
  name: string
  totals: ArmTotals
  sequence: LiftSequence
  guardrails: Judge | undefined
}

export function validateExperiment(config: ExperimentConfig): void {
  if (config.variants.length < 2) throw new Error(`an experiment needs two or more variants, found ${config.variants.length}`)
  if (new Set(config.variants).size !== config.variants.length) throw new Error('variant names must be unique')
  if (!config.variants.includes(config.control)) throw new Error(`control '${config.control}' is not one of the variants (${config.variants.join(', ')})`)
  if (!(config.alpha > 0 && config.alpha < 1)) throw new Error(`alpha must be between 0 and 1, found ${config.alpha}`)
  if (!(config.minimumEffect > 0 && config.minimumEffect < 1)) throw new Error(`minimumEffect must be between 0 and 1 (a relative lift), found ${config.minimumEffect}`)
}

export function createExperimentJudge(config: ExperimentConfig): ExperimentJudge {
  validateExperiment(config)
  return new SequentialExperimentJudge(config)
}

class SequentialExperimentJudge implements ExperimentJudge {
  looks = 0
  private readonly control = emptyTotals()
  private readonly comparisons: Comparison[]
  private readonly perComparisonAlpha: number
  private final: ExperimentLook | undefined
  private readonly unit: string

  constructor(readonly config: ExperimentConfig) {
    const others = config.variants.filter((v) => v !== config.control)
    this.perComparisonAlpha = config.alpha / others.length
    const guardrails = config.guardrails && config.guardrails.metrics.length > 0 ? config.guardrails : undefined
    this.comparisons = others.map((name) => ({
      name,
      totals: emptyTotals(),
      sequence: new LiftSequence(this.perComparisonAlpha, config.minimumEffect),
      // Guardrail false alarms can only block a winner; their own budget is split over the variants too.
      guardrails: guardrails ? createJudge({ ...guardrails, alpha: guardrails.alpha / others.length, maxIntervals: Number.MAX_SAFE_INTEGER }, { bounds: true }) : undefined,
    }))
    this.unit = config.primary.type === 'ratio' ? 'sessions' : 'samples'
  }

  look(interval: ExperimentInterval): ExperimentLook {
    const index = this.looks++
    const { primary } = this.config
    const controlData = interval.variants[this.config.control] ?? {}
    addObservation(this.control, primary.type, controlData[primary.name])
    const delta = Math.log1p(this.config.minimumEffect)
    const deltaLow = Math.log1p(-this.config.minimumEffect)
    const allUnits = this.control.count + this.comparisons.reduce((s, c) => s + c.totals.count, 0)
    const variants: VariantLook[] = []
    for (const c of this.comparisons) {
      const data = interval.variants[c.name] ?? {}
      addObservation(c.totals, primary.type, data[primary.name])
      const estimate = logLift(primary.type, c.totals, this.control)
      const pairUnits = c.totals.count + this.control.count
      c.sequence.update(estimate, pairUnits)
      const guardLook = c.guardrails?.look({ canary: data, baseline: controlData })
      const guardrails: GuardrailLook[] = (guardLook?.metrics ?? []).map((m) => ({ name: m.name, state: m.state, estimate: m.estimate, lower: m.lower, upper: m.upper, reason: m.reason }))
      const broken = guardLook?.decision === 'fail' || guardrails.some((g) => g.state === 'fail')
      const guardrailsHold = !broken && !guardrails.some((g) => g.state === 'nodata')
      const lo = c.sequence.lower
      const hi = c.sequence.upper
      let state: VariantState
      if (!estimate && !Number.isFinite(lo)) state = 'nodata'
      else if (primary.direction === 'increase' ? lo > 0 : hi < 0) state = 'better'
      else if (primary.direction === 'increase' ? hi < 0 : lo > 0) state = 'worse'
      else if (lo > deltaLow && hi < delta) state = 'equivalent'
      else state = 'open'
      let needed: number | null = null
      if (state === 'open' && estimate) {
        // The nearer of the two ways to decide: exclude 0 (radius < |θ̂|) or fit within ±MDE (radius < δ − |θ̂|).
        const target = Math.max(Math.abs(estimate.theta), delta - Math.abs(estimate.theta))
        const pairNeeded = c.sequence.unitsToRadius(target, pairUnits)
        needed = pairNeeded === null ? null : Math.ceil((pairNeeded * allUnits) / Math.max(1, pairUnits))
      }
      const look: VariantLook = {
        name: c.name,
        state,
        estimate: estimate ? lift(estimate.theta) : null,
        lower: Number.isFinite(lo) ? lift(lo) : null,
        upper: Number.isFinite(hi) ? lift(hi) : null,
        mean: ratioOf(c.totals),
        controlMean: ratioOf(this.control),
        variant: { ...c.totals },
        control: { ...this.control },
        guardrailsHold,
        guardrails,
        needed,
        reason: '',
      }
      look.reason = variantReason(look, this.config, broken)
      variants.push(look)
    }
    const sampleRatio = this.sampleRatio(interval)
    const last = this.config.maxIntervals !== undefined && index + 1 >= this.config.maxIntervals
    if (this.final) return { ...this.final, interval: index, variants, sampleRatio, needed: null }
    const verdict = decide(variants, this.config, sampleRatio, last)
    const neededAll = verdict.decision === 'continue' || verdict.decision === 'inconclusive' ? maxNeeded(variants) : null
    const result: ExperimentLook = { interval: index, ...verdict, variants, sampleRatio, needed: neededAll, unit: this.unit }
    if (verdict.decision !== 'continue') this.final = result
    return result
  }

  private readonly srmCounts: Record<string, number> = {}
  private sampleRatio(interval: ExperimentInterval): SampleRatioLook | null {
    const weights = this.config.weights
    if (!weights) return null
    const names = this.config.variants
    for (const name of names) {
      const o = interval.variants[name]?.[this.config.primary.name]
      const n = !o ? 0 : 'total' in o ? o.total : 'values' in o ? o.values.length : 'buckets' in o ? Math.max(0, ...o.buckets.map((b) => b.count)) : 0
      this.srmCounts[name] = (this.srmCounts[name] ?? 0) + n
    }
    const counts = names.map((n) => this.srmCounts[n] ?? 0)
    const eValue = sampleRatioEValue(counts, names.map((n) => weights[n] ?? 0))
    const threshold = 1 / this.config.alpha
    return { eValue, threshold, mismatch: eValue >= threshold, counts: Object.fromEntries(names.map((n, i) => [n, counts[i] as number])) }
  }
}

function maxNeeded(variants: readonly VariantLook[]): number | null {
  const open = variants.filter((v) => v.state === 'open' || v.state === 'nodata')
  if (open.some((v) => v.needed === null)) return null
  return open.length === 0 ? null : Math.max(...open.map((v) => v.needed as number))
}

function variantReason(v: VariantLook, config: ExperimentConfig, broken: boolean): string {
  const ci = `${formatRelative(v.estimate)} ${formatInterval(v.lower, v.upper)}`
  const failing = v.guardrails.filter((g) => g.state === 'fail').map((g) => g.name)
  const missing = v.guardrails.filter((g) => g.state === 'nodata').map((g) => g.name)
  const guard = broken
    ? `; guardrail${failing.length === 1 ? '' : 's'} ${failing.join(', ') || 'combined evidence'} regressed`
    : missing.length > 0
      ? `; no data for guardrail${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`
      : ''
  const mde = `±${formatRelative(config.minimumEffect).replace(/^\+/, '')}`
  switch (v.state) {
    case 'nodata':
      return `no ${config.primary.name} data for ${v.name} or control yet`
    case 'better':
      return `${v.name} is better than control: lift ${ci} excludes 0${guard}`
    case 'worse':
      return `${v.name} is worse than control: lift ${ci} excludes 0${guard}`
    case 'equivalent':
      return `${v.name} is within ${mde} of control: lift ${ci}${guard}`
    case 'open':
      return `${v.name}: lift ${ci} is neither clear of 0 nor within ${mde}${guard}`
  }
}

function decide(
  variants: readonly VariantLook[],
  config: ExperimentConfig,
  sampleRatio: SampleRatioLook | null,
  last: boolean,
): Pick<ExperimentLook, 'decision' | 'winner' | 'reason'> {
  if (sampleRatio?.mismatch) {
    const counts = Object.entries(sampleRatio.counts).map(([n, c]) => `${n} ${c}`).join(', ')
    return { decision: 'inconclusive', winner: null, reason: `sample-ratio mismatch: the traffic per variant (${counts}) does not match the configured split (e-value ${sampleRatio.eValue.toPrecision(3)} ≥ ${sampleRatio.threshold}); no verdict can be trusted until assignment is fixed` }
  }
  const better = variants.filter((v) => v.state === 'better' && v.guardrailsHold)
  if (better.length > 0) {
    // Among variants proven better, the one whose bound on the better side is furthest from 0.
    const key = (v: VariantLook): number => (config.primary.direction === 'increase' ? (v.lower ?? 0) : -(v.upper ?? 0))
    const best = [...better].sort((a, b) => key(b) - key(a))[0] as VariantLook
    return { decision: 'winner', winner: best.name, reason: best.reason }
  }
  const blocked = (v: VariantLook): boolean => v.state === 'worse' || (!v.guardrailsHold && v.guardrails.some((g) => g.state === 'fail'))
  if (variants.every(blocked)) {
    return {
      decision: 'winner',
      winner: config.control,
      reason: `control wins: ${variants.map((v) => v.reason).join('; ')}`,
    }
  }
  if (variants.every((v) => v.state === 'equivalent')) {
    return { decision: 'no-difference', winner: null, reason: variants.length === 1 ? (variants[0] as VariantLook).reason : `every variant is within ±${formatRelative(config.minimumEffect).replace(/^\+/, '')} of control: ${variants.map((v) => v.reason).join('; ')}` }
  }
  const open = variants.map((v) => v.reason).join('; ')
  if (last) return { decision: 'inconclusive', winner: null, reason: `maximum duration reached without a decision: ${open}` }
  return { decision: 'continue', winner: null, reason: open }
}

/** Runs recorded intervals through a fresh judge; the first decisive look decides (as `rollgate replay` prints it). */
export function replayExperiment(config: ExperimentConfig, intervals: readonly ExperimentInterval[]): ExperimentResult {
  const judge = createExperimentJudge(config)
  const looks = intervals.map((iv) => judge.look(iv))
  const decided = looks.find((l) => l.decision !== 'continue')
  const last = looks.at(-1)
  if (!decided) {
    return {
      decision: 'inconclusive',
      winner: null,
      decidedAt: null,
      reason: last ? `the recording ended before a decision: ${last.reason}` : 'no intervals recorded',
      needed: last?.needed ?? null,
      looks,
    }
  }
  return {
    decision: decided.decision as ExperimentResult['decision'],
    winner: decided.winner,
    decidedAt: decided.decision === 'inconclusive' ? null : decided.interval,
    reason: decided.reason,
    needed: decided.needed,
    looks,
  }
}
