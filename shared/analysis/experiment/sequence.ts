/**
 * The experiment's statistics: an always-valid confidence sequence for the relative lift of one
 * variant over control, and a sequential sample-ratio-mismatch test. Pure numbers, no I/O.
 *
 * Lift. The estimate is θ̂ = log(mean_variant / mean_control) on all data so far (conversion rate
 * for `ratio`, mean value for `samples`), with its delta-method variance s². Its information
 * V = 1/s² is the "intrinsic time" of a Gaussian martingale S = V(θ̂ − θ). Robbins' normal mixture
 * (a N(0, 1/ρ) mixture of exponential supermartingales) gives
 *
 *   M = sqrt(ρ/(V+ρ)) · exp(S² / (2(V+ρ))),   P(∃t: M_t ≥ 1/α) ≤ α   (Ville's inequality),
 *
 * so θ ∈ θ̂ ± sqrt((V+ρ)(log((V+ρ)/ρ) + 2 log(1/α))) / V at every look simultaneously: the two-sided
 * normal-mixture boundary of Howard, Ramdas, McAuliffe & Sekhon, *Time-uniform, nonparametric,
 * nonasymptotic confidence sequences* (Annals of Statistics 2021, §3 and eq. (14)). With the
 * variance estimated from the data this is the asymptotic confidence sequence of Waudby-Smith,
 * Arbour, Sinha, Kennedy & Ramdas, *Time-uniform central limit theory and asymptotic confidence
 * sequences* (Annals of Statistics 2024): coverage holds in the limit of many events, which the
 * Monte-Carlo tests and bench/judge/experiments.ts check at the traffic experiments see.
 *
 * ρ is fixed before any data, from the policy alone (predictable): it makes the boundary tightest
 * at the information a fixed-horizon test would need to detect the minimum detectable effect with
 * 80% power (Howard et al. 2021, eq. (3.5): ρ = V* / (2 log(1/α) + log(1 + 2 log(1/α)))).
 *
 * Sample-ratio mismatch. Sessions per variant against the configured split: a Dirichlet-multinomial
 * Bayes factor against the multinomial with the configured weights, which is an e-process under the
 * null (Lindon & Malek, *Anytime-valid inference for multinomial count data*, NeurIPS 2022). A split
 * that does not match says the assignment or the logging is broken, so no verdict is trusted.
 */
import { normalQuantile } from '../stats.js'

/** Sufficient statistics of one arm for the primary metric, summed over all intervals so far. */
export interface ArmTotals {
  /** `ratio`: events (conversions); `samples`: Σ values. */
  sum: number
  /** `samples` only: Σ values². */
  sumSquares: number
  /** `ratio`: total (sessions); `samples`: number of values. */
  count: number
}

export const emptyTotals = (): ArmTotals => ({ sum: 0, sumSquares: 0, count: 0 })

export type PrimaryType = 'ratio' | 'samples'

/** θ̂ = log(mean_v / mean_c) and its variance, or null when not estimable yet. */
export interface LogLift {
  theta: number
  variance: number
}

function logMean(type: PrimaryType, arm: ArmTotals): { value: number; variance: number } | null {
  if (arm.count <= 0) return null
  const mean = arm.sum / arm.count
  if (!(mean > 0)) return null
  if (type === 'ratio') {
    // Binomial when events ≤ total (conversions out of sessions), Poisson otherwise (events per session).
    const p = Math.min(mean, 1)
    const variance = (mean <= 1 ? 1 - p : 1) / arm.sum
    return { value: Math.log(mean), variance }
  }
  if (arm.count < 2) return null
  const sampleVariance = Math.max(0, (arm.sumSquares - arm.count * mean * mean) / (arm.count - 1))
  if (sampleVariance === 0) return null
  return { value: Math.log(mean), variance: sampleVariance / (arm.count * mean * mean) }
}

export function logLift(type: PrimaryType, variant: ArmTotals, control: ArmTotals): LogLift | null {
  const v = logMean(type, variant)
  const c = logMean(type, control)
  if (!v || !c) return null
  return { theta: v.value - c.value, variance: v.variance + c.variance }
}

/** Information (1/variance of θ̂) at which the boundary is tightest: a fixed-horizon design's. */
export function plannedInformation(minimumEffect: number, alpha: number, power = 0.8): number {
  const delta = Math.log1p(minimumEffect)
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power)
  return (z / delta) ** 2
}

/** Howard et al. (2021), eq. (3.5): the mixture precision ρ that optimises the width at information V*. */
export function mixturePrecision(targetInformation: number, alpha: number): number {
  const l = Math.log(1 / alpha)
  return targetInformation / (2 * l + Math.log(1 + 2 * l))
}

/** Half-width on the θ scale of the two-sided normal-mixture boundary at information V. */
export function mixtureRadius(information: number, rho: number, alpha: number): number {
  if (!(information > 0)) return Number.POSITIVE_INFINITY
  const v = information
  return Math.sqrt((v + rho) * (Math.log((v + rho) / rho) + 2 * Math.log(1 / alpha))) / v
}

/** The normal-mixture e-value of "θ = θ₀" at this look (its reciprocal's running minimum is an always-valid p-value). */
export function mixtureEValue(estimate: LogLift, theta0: number, rho: number): number {
  const v = 1 / estimate.variance
  const s = v * (estimate.theta - theta0)
  return Math.sqrt(rho / (v + rho)) * Math.exp((s * s) / (2 * (v + rho)))
}

/**
 * A confidence sequence for θ, intersected over looks (the running intersection of a confidence
 * sequence is one too: Howard et al. 2021, §6). `lower`/`upper` are on the θ (log ratio) scale.
 */
export class LiftSequence {
  lower = Number.NEGATIVE_INFINITY
  upper = Number.POSITIVE_INFINITY
  /** The current look's own radius (before intersection): what the traffic estimate extrapolates. */
  radius = Number.POSITIVE_INFINITY
  private readonly rho: number
  /** (log units, log radius) of the first finite look: the start of the shrink-rate estimate. */
  private first: { logUnits: number; logRadius: number } | undefined
  private slope: number | undefined

  constructor(
    readonly alpha: number,
    minimumEffect: number,
  ) {
    this.rho = mixturePrecision(plannedInformation(minimumEffect, alpha), alpha)
  }

  /** Updates with the cumulative estimate after a look over `units` (sessions or samples, both arms). */
  update(estimate: LogLift | null, units: number): void {
    if (!estimate || !(estimate.variance > 0) || !Number.isFinite(estimate.theta)) return
    const r = mixtureRadius(1 / estimate.variance, this.rho, this.alpha)
    this.radius = r
    const lo = estimate.theta - r
    const hi = estimate.theta + r
    // An empty intersection would mean the model failed; keep the sequence non-empty around the estimate.
    if (Math.max(this.lower, lo) <= Math.min(this.upper, hi)) {
      this.lower = Math.max(this.lower, lo)
      this.upper = Math.min(this.upper, hi)
    } else {
      this.lower = lo
      this.upper = hi
    }
    if (units > 0 && Number.isFinite(r)) {
      const point = { logUnits: Math.log(units), logRadius: Math.log(r) }
      if (!this.first) this.first = point
      else if (point.logUnits - this.first.logUnits > Math.log(1.05)) this.slope = (point.logRadius - this.first.logRadius) / (point.logUnits - this.first.logUnits)
    }
  }

  /**
   * How the radius shrinks with traffic, measured from the looks so far (log radius against log
   * units); −0.5 (the square-root law) until two looks differ by 5% in traffic. Clamped to [−1, −0.2]
   * so a noisy start cannot promise a decision tomorrow or never.
   */
  shrinkRate(): number {
    const s = this.slope ?? -0.5
    return Math.min(-0.2, Math.max(-1, Number.isFinite(s) ? s : -0.5))
  }

  /** Extra units (both arms) after which the radius reaches `target`, by the measured shrink rate. */
  unitsToRadius(target: number, units: number): number | null {
    if (!(target > 0) || !(units > 0) || !Number.isFinite(this.radius)) return null
    if (this.radius <= target) return 0
    const factor = (target / this.radius) ** (1 / this.shrinkRate())
    return Math.ceil(units * (factor - 1))
  }
}

/** Natural log of the gamma function (Lanczos, g = 7, n = 9; relative error < 1e-13 for x > 0). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x)
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7]
  const z = x - 1
  let a = c[0] as number
  const t = z + 7.5
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (z + i)
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a)
}

/**
 * Lindon & Malek (2022): e-value of "the counts follow the configured split" — the Dirichlet(c·p)
 * mixture over multinomials divided by the multinomial at p. `concentration` c sets which imbalance
 * it is most sensitive to (about 1/sqrt(c) relative); 10,000 notices a split off by a few percent.
 */
export function sampleRatioEValue(counts: readonly number[], weights: readonly number[], concentration = 10_000): number {
  const total = weights.reduce((a, b) => a + b, 0)
  if (!(total > 0) || counts.length !== weights.length) return 1
  const p = weights.map((w) => w / total)
  const a = p.map((x) => x * concentration)
  const n = counts.reduce((x, y) => x + y, 0)
  if (n === 0) return 1
  let logBf = logGamma(concentration) - logGamma(concentration + n)
  for (let i = 0; i < counts.length; i++) {
    const ni = counts[i] as number
    const ai = a[i] as number
    const pi = p[i] as number
    if (pi === 0) {
      if (ni > 0) return Number.POSITIVE_INFINITY
      continue
    }
    logBf += logGamma(ai + ni) - logGamma(ai) - ni * Math.log(pi)
  }
  return Math.exp(Math.min(700, logBf))
}
