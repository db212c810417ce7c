/**
 * `ratio` metrics: events out of a total per arm (errors out of requests), judged from the counts
 * with the real traffic split, never from per-interval percentages. Each interval costs O(lattice)
 * whatever the history length; see ./sequential.ts for the test and its references.
 */
import {
  VerdictState,
  failMixture,
  finiteOrNull,
  formatCount,
  formatE,
  formatInterval,
  formatRelative,
  passMixture,
  roughBoundary,
} from './evidence.js'
import type { Observation } from './observations.js'
import { RateRatioSequence, type EngineVersion } from './sequential.js'
import type { MetricLook, RatioMetricConfig } from './types.js'

export interface LookShares {
  /** This metric's share of alpha (false fail) and beta (false pass). */
  alpha: number
  beta: number
  bounds: boolean
}

/** One side of the test: an engine and which of its sides is the regression. */
interface Check {
  engine: RateRatioSequence
  failSide: 1 | -1
}

const MIN_STEP = 0.005
const MAX_STEP = 0.04

function isRatio(o: Observation | undefined): o is { events: number; total: number } {
  return o !== undefined && 'events' in o && 'total' in o
}

export class RatioMetric {
  private readonly checks: Check[]
  private readonly verdict = new VerdictState()
  private canaryEvents = 0
  private canaryTotal = 0
  private baselineEvents = 0
  private baselineTotal = 0
  private readonly tolerance: number

  constructor(
    readonly config: RatioMetricConfig,
    engine: EngineVersion = 'v1',
  ) {
    const direction = config.direction ?? 'increase'
    const tol = Math.max(config.tolerance ?? 0, 0)
    this.tolerance = tol
    const fail = failMixture(config.tuning)
    const dispersion = config.tuning?.dispersion
    // The lattice must resolve the tolerance: a step of a third of it (0.005 to 0.04 on log r),
    // over a range of up to 300 steps below and 400 above (beyond: the point at infinity).
    const step = Math.min(Math.max(Math.max(Math.log1p(tol), 0.03) / 3, MIN_STEP), MAX_STEP)
    const make = (anchor: number, failSide: 1 | -1): Check => {
      const pass = passMixture(Math.abs(anchor))
      return {
        failSide,
        engine: new RateRatioSequence({
          anchor,
          below: Math.min(5, 300 * step),
          above: Math.min(7, 400 * step),
          step,
          up: failSide === 1 ? fail : pass,
          down: failSide === 1 ? pass : fail,
          dispersion,
          engine,
        }),
      }
    }
    const up = Math.log1p(tol)
    const down = tol < 1 ? Math.log1p(-tol) : Math.log(1e-3)
    this.checks =
      direction === 'increase' ? [make(up, 1)] : direction === 'decrease' ? [make(down, -1)] : [make(up, 1), make(down, -1)]
  }

  add(canary: Observation | undefined, baseline: Observation | undefined): void {
    // The baseline's own interval-to-interval variation bounds the drift of the ratio (sequential.ts).
    if (isRatio(baseline)) for (const check of this.checks) check.engine.baseline.add(baseline.events, baseline.total)
    // v2 bounds it by both arms' own variation (the canary's own noise included).
    if (isRatio(canary)) for (const check of this.checks) check.engine.canary.add(canary.events, canary.total)
    if (!isRatio(canary) || !isRatio(baseline)) {
      // One arm missing: the interval cannot be compared, but its traffic still shows in the counts.
      if (isRatio(canary)) {
        this.canaryEvents += canary.events
        this.canaryTotal += canary.total
      }
      if (isRatio(baseline)) {
        this.baselineEvents += baseline.events
        this.baselineTotal += baseline.total
      }
      return
    }
    this.canaryEvents += canary.events
    this.canaryTotal += canary.total
    this.baselineEvents += baseline.events
    this.baselineTotal += baseline.total
    if (!(canary.total > 0 && baseline.total > 0)) return
    const share = canary.total / (canary.total + baseline.total)
    for (const check of this.checks) check.engine.add(canary.events, baseline.events, share)
  }

  look(index: number, shares: LookShares): MetricLook {
    const k = this.checks.length
    let logFail = Number.NEGATIVE_INFINITY
    let allPass = true
    let passE = Number.POSITIVE_INFINITY
    let phi = 1
    for (const check of this.checks) {
      const p = check.engine.dispersion()
      phi = Math.max(phi, p)
      const lf = check.failSide === 1 ? check.engine.logEUpAnchor() : check.engine.logEDownAnchor()
      const lp = check.failSide === 1 ? check.engine.logEDownAnchor() : check.engine.logEUpAnchor()
      logFail = logAdd(logFail, lf)
      passE = Math.min(passE, Math.exp(lp))
      if (lp < Math.log(k / shares.beta)) allPass = false
    }
    const eValue = Math.exp(logFail) / k
    const threshold = 1 / shares.alpha
    const passThreshold = k / shares.beta
    const hasData = this.canaryTotal > 0 && this.baselineTotal > 0
    const events = this.canaryEvents + this.baselineEvents
    const failed = hasData && eValue >= threshold
    const passed = hasData && events > 0 && allPass
    const state = this.verdict.update(index, failed, passed, hasData, eValue)

    const first = this.checks[0] as Check
    const mle = first.engine.mle()
    const estimate = Number.isNaN(mle) ? null : finiteOrNull(Math.expm1(mle))
    let lower: number | null = null
    let upper: number | null = null
    if (shares.bounds && events > 0) {
      const a = Math.log(threshold)
      if (k === 1) {
        const failUp = first.failSide === 1
        const b = first.engine.bounds(failUp ? a : Math.log(passThreshold), failUp ? Math.log(passThreshold) : a)
        lower = Number.isFinite(b.lower) ? Math.expm1(b.lower) : null
        upper = Number.isFinite(b.upper) ? Math.expm1(b.upper) : null
      } else {
        const upCheck = this.checks[0] as Check
        const downCheck = this.checks[1] as Check
        const lo = upCheck.engine.bounds(a + Math.log(2), Number.POSITIVE_INFINITY)
        const hi = downCheck.engine.bounds(Number.POSITIVE_INFINITY, a + Math.log(2))
        lower = Number.isFinite(lo.lower) ? Math.expm1(lo.lower) : null
        upper = Number.isFinite(hi.upper) ? Math.expm1(hi.upper) : null
      }
      if (lower !== null && lower <= -1) lower = -1
    }

    const look: MetricLook = {
      name: this.config.name,
      type: 'ratio',
      state,
      estimate,
      lower,
      upper,
      eValue,
      threshold,
      pValue: this.verdict.minP,
      passEValue: passE,
      passThreshold,
      canary: { events: this.canaryEvents, total: this.canaryTotal },
      baseline: { events: this.baselineEvents, total: this.baselineTotal },
      dispersion: phi,
      reason: '',
    }
    if (this.verdict.decidedAt !== undefined) look.decidedAt = this.verdict.decidedAt
    const needed = this.needed(shares, phi)
    if (needed !== undefined && (state === 'continue' || state === 'nodata')) look.needed = needed
    look.reason = this.reason(look)
    return look
  }

  /** Extra canary requests a decision roughly needs: resolve a change of max(tolerance, 20%). */
  private needed(shares: LookShares, phi: number): number | undefined {
    const d = Math.log1p(Math.max(this.tolerance, 0.2))
    const z = roughBoundary(Math.min(shares.alpha, shares.beta))
    const x = this.canaryEvents
    const y = this.baselineEvents
    const rate = x > 0 && this.canaryTotal > 0 ? x / this.canaryTotal : y > 0 && this.baselineTotal > 0 ? y / this.baselineTotal : undefined
    if (rate === undefined) return undefined
    const eventsNeeded = phi * (z / d) ** 2 * (1 + (x > 0 && y > 0 ? x / y : 0))
    return Math.max(0, Math.ceil(eventsNeeded / rate - this.canaryTotal))
  }

  private reason(look: MetricLook): string {
    const tol = this.tolerance
    const what = `${formatRelative(look.estimate)} ${formatInterval(look.lower, look.upper)}`
    const counts = `canary ${formatCount(this.canaryEvents)}/${formatCount(this.canaryTotal)}, baseline ${formatCount(this.baselineEvents)}/${formatCount(this.baselineTotal)}`
    switch (look.state) {
      case 'nodata':
        return this.canaryTotal === 0
          ? `no canary traffic yet${look.needed !== undefined ? `; a decision needs ~${formatCount(look.needed)} canary requests` : ''}`
          : 'no baseline traffic yet'
      case 'fail':
        return `regression beyond ${formatRelative(tol)} proven: ${what}, e-value ${formatE(look.eValue)} ≥ ${formatE(look.threshold)} (${counts})`
      case 'pass':
        return `no worse than ${formatRelative(tol)} proven: ${what}, pass e-value ${formatE(look.passEValue)} ≥ ${formatE(look.passThreshold)} (${counts})`
      default: {
        // Enough traffic by the rough plan, yet undecided: each interval's evidence is capped, so it takes looks, not requests.
        const need =
          look.needed === undefined ? '' : look.needed > 0 ? `; needs ~${formatCount(look.needed)} more canary requests` : '; enough traffic, needs a few more looks'
        if (this.canaryEvents + this.baselineEvents === 0) return `no events in either arm yet (${counts})${need}`
        return `not decided: ${what}, e-value ${formatE(look.eValue)} of ${formatE(look.threshold)} (${counts})${need}`
      }
    }
  }
}

function logAdd(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b
  if (b === Number.NEGATIVE_INFINITY) return a
  const m = Math.max(a, b)
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m))
}
