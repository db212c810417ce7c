/**
 * Generates one run of a scenario, one 1-minute interval at a time, in the judge's input shape
 * (`IntervalData`, the replay format). Counts are drawn per interval (Poisson requests, binomial
 * events), latencies as a sample of at most `samplesCap` values per arm per interval.
 */

import type { IntervalData, Observation } from '../../../shared/analysis/observations.js'
import type { MetricProcess, NoiseSpec, Scenario } from './model.js'
import type { Rng } from './rng.js'
import { normalCdf } from '../stats.js'

/** Bucket k's upper bound in ms: 2^(k/8) (Prometheus native histograms, schema 3). */
export const BUCKET_FACTOR = Math.pow(2, 1 / 8)
export const bucketBound = (k: number): number => Math.pow(BUCKET_FACTOR, k)
const LOG_FACTOR = Math.log(BUCKET_FACTOR)
/** Up to this many requests, draw values and bin them; above, draw the multinomial bucket counts. */
const BIN_VALUES_UP_TO = 400

/** A stationary AR(1) process x_t = rho·x_{t-1} + sqrt(1-rho²)·sd·e_t, started in its stationary law. */
export class Ar1 {
  private x: number
  private readonly innovation: number

  constructor(
    private readonly rng: Rng,
    private readonly rho: number,
    sd: number,
  ) {
    this.innovation = Math.sqrt(1 - rho * rho) * sd
    this.x = sd === 0 ? 0 : sd * rng.normal()
  }

  next(): number {
    if (this.innovation === 0 && this.x === 0) return 0
    this.x = this.rho * this.x + this.innovation * this.rng.normal()
    return this.x
  }
}

/** Noise state of one metric: the shared and both arms' components. */
class MetricNoise {
  private readonly shared: Ar1
  private readonly canary: Ar1
  private readonly baseline: Ar1

  constructor(
    private readonly rng: Rng,
    private readonly spec: NoiseSpec,
  ) {
    this.shared = new Ar1(rng, spec.rho, spec.sharedSd)
    this.canary = new Ar1(rng, spec.armRho ?? spec.rho, spec.armSd)
    this.baseline = new Ar1(rng, spec.armRho ?? spec.rho, spec.baselineArmSd ?? spec.armSd)
  }

  /** Log-scale offsets of this interval for (canary, baseline), and gamma burst multipliers. */
  draw(): { canary: number; baseline: number; canaryBurst: number; baselineBurst: number } {
    const s = this.shared.next()
    const c = this.canary.next()
    const b = this.baseline.next()
    const { sharedShape, armShape } = this.spec
    const baselineShape = 'baselineArmShape' in this.spec ? this.spec.baselineArmShape : armShape
    const sharedBurst = sharedShape === undefined ? 1 : this.rng.gamma(sharedShape, 1 / sharedShape)
    const canaryBurst = sharedBurst * (armShape === undefined ? 1 : this.rng.gamma(armShape, 1 / armShape))
    const baselineBurst = sharedBurst * (baselineShape === undefined ? 1 : this.rng.gamma(baselineShape, 1 / baselineShape))
    return { canary: s + c, baseline: s + b, canaryBurst, baselineBurst }
  }
}

export class Simulation {
  private minute = 0
  private readonly load: Ar1
  private readonly noise: MetricNoise[]

  constructor(
    readonly scenario: Scenario,
    private readonly rng: Rng,
  ) {
    this.load = new Ar1(rng, scenario.traffic.loadRho, scenario.traffic.loadSd)
    this.noise = scenario.metrics.map((m) => new MetricNoise(rng, m.process.noise))
  }

  /** The next interval's data for every metric of the scenario. */
  next(): IntervalData {
    this.minute++
    const { traffic, metrics, samplesCap } = this.scenario
    const logLoad = this.load.next()
    const stopped = traffic.stopAfter !== undefined && this.minute > traffic.stopAfter
    const load = stopped ? 0 : Math.exp(logLoad - (traffic.loadSd * traffic.loadSd) / 2)
    const perInterval = traffic.rps * 60 * load
    let weight = traffic.weight
    for (const step of traffic.ramp ?? []) if (this.minute >= step.from) weight = step.weight
    const canaryRequests = this.rng.poisson(perInterval * weight)
    const baselineRequests = this.rng.poisson(perInterval * (1 - weight))

    const canary: Record<string, Observation> = {}
    const baseline: Record<string, Observation> = {}
    metrics.forEach((metric, i) => {
      const noise = (this.noise[i] as MetricNoise).draw()
      const process = metric.process
      const name = metric.policy.name
      canary[name] = this.observe(process, canaryRequests, noise.canary, noise.canaryBurst, true, samplesCap)
      baseline[name] = this.observe(process, baselineRequests, noise.baseline, noise.baselineBurst, false, samplesCap)
    })
    return { canary, baseline }
  }

  private observe(process: MetricProcess, requests: number, offset: number, burst: number, isCanary: boolean, cap: number): Observation {
    if (process.type === 'samples' && this.scenario.latencyForm === 'buckets') {
      const mu = Math.log(process.medianMs * (isCanary ? process.canaryFactor : 1)) + offset
      return { buckets: this.histogram(requests, mu, process.sigma) }
    }
    const { sharedSd } = process.noise
    const armSd = isCanary ? process.noise.armSd : (process.noise.baselineArmSd ?? process.noise.armSd)
    if (process.type === 'ratio') {
      // Centre the lognormal offset so the mean per-request rate is exactly the nominal one.
      const centring = (sharedSd * sharedSd + armSd * armSd) / 2
      const nominal = isCanary ? process.baseRate * process.canaryFactor + (process.canaryOnlyRate ?? 0) : process.baseRate
      const p = Math.min(1, nominal * Math.exp(offset - centring) * burst)
      return { events: this.rng.binomial(requests, p), total: requests }
    }
    const mu = Math.log(process.medianMs * (isCanary ? process.canaryFactor : 1)) + offset
    const n = Math.min(requests, cap)
    const values = new Array<number>(n)
    for (let i = 0; i < n; i++) values[i] = this.rng.lognormal(mu, process.sigma)
    return { values }
  }

  /**
   * Cumulative bucket counts of n lognormal(mu, sigma) requests: the buckets from one below the first
   * non-empty to the first full one, then +Inf (leading and trailing buckets carry nothing).
   */
  private histogram(n: number, mu: number, sigma: number): Array<{ le: number; count: number }> {
    if (n === 0) return [{ le: Number.POSITIVE_INFINITY, count: 0 }]
    const counts = new Map<number, number>()
    if (n <= BIN_VALUES_UP_TO) {
      for (let i = 0; i < n; i++) {
        const k = Math.ceil((mu + sigma * this.rng.normal()) / LOG_FACTOR - 1e-12)
        counts.set(k, (counts.get(k) ?? 0) + 1)
      }
    } else {
      // Sequential conditional binomials: bucket k gets Binomial(left, P(bucket k) / P(above k − 1)),
      // with upper-tail probabilities computed directly (accurate where the mass is small).
      let k = Math.floor((mu - 8 * sigma) / LOG_FACTOR)
      let left = n
      let above = normalCdf(-(k * LOG_FACTOR - mu) / sigma)
      while (left > 0) {
        k++
        const aboveK = normalCdf(-(k * LOG_FACTOR - mu) / sigma)
        const p = above > 0 ? Math.min(1, Math.max(0, (above - aboveK) / above)) : 1
        const c = this.rng.binomial(left, p)
        if (c > 0) counts.set(k, c)
        left -= c
        above = aboveK
        if (k * LOG_FACTOR > mu + 12 * sigma && left > 0) {
          counts.set(k, (counts.get(k) ?? 0) + left)
          break
        }
      }
    }
    const keys = [...counts.keys()].sort((a, b) => a - b)
    const first = (keys[0] as number) - 1
    const last = keys[keys.length - 1] as number
    const out: Array<{ le: number; count: number }> = []
    let cum = 0
    for (let k = first; k <= last; k++) {
      cum += counts.get(k) ?? 0
      out.push({ le: bucketBound(k), count: cum })
    }
    out.push({ le: Number.POSITIVE_INFINITY, count: cum })
    return out
  }
}
