/**
 * What ratio and samples metrics share: default mixtures, the sticky per-metric verdict, and the
 * wording of reasons.
 */
import type { MixtureSpec } from './sequential.js'
import type { MetricState, MixtureTuning } from './types.js'

/**
 * The mixture that proves regressions. Half-normal scales from 0.1 (a 10% change in rate ratio) to 4
 * (×50) on the log ratio, most weight near ×2, plus 15% of the mass on "infinitely worse" (events on
 * the canary only), so both a ×1.5 drift and a new error class are caught quickly: the e-value
 * analogue of averaging several Dirichlet concentrations in Lindon & Malek (2022).
 */
export const DEFAULT_FAIL_MIXTURE: MixtureSpec = {
  scales: [0.1, 0.3, 0.7, 1.5, 4],
  weights: [0.1, 0.2, 0.4, 0.2, 0.1],
  infinityWeight: 0.15,
}

export function failMixture(tuning: MixtureTuning | undefined): MixtureSpec {
  return {
    scales: tuning?.scales ?? DEFAULT_FAIL_MIXTURE.scales,
    weights: tuning?.weights ?? (tuning?.scales ? tuning.scales.map(() => 1) : DEFAULT_FAIL_MIXTURE.weights),
    infinityWeight: tuning?.newClassWeight ?? DEFAULT_FAIL_MIXTURE.infinityWeight,
  }
}

/**
 * The mixture that proves "no worse than the tolerance": centred on the distance δ between the
 * tolerance and no change (log scale), where a healthy canary sits, so it passes as early as the
 * data allow (a normal mixture is most powerful near its scale; Johari et al. 2022, §4).
 */
export function passMixture(delta: number): MixtureSpec {
  const d = Math.max(delta, 0.03)
  return { scales: [d / 2, d, 2 * d], weights: [0.25, 0.5, 0.25], infinityWeight: 0 }
}

/** Sticky pass/fail (a confidence sequence may be intersected over time) and the running p-value. */
export class VerdictState {
  state: MetricState = 'nodata'
  decidedAt: number | undefined
  minP = 1

  update(index: number, failed: boolean, passed: boolean, hasData: boolean, eValue: number): MetricState {
    this.minP = Math.min(this.minP, eValue > 1 ? 1 / eValue : 1)
    if (this.state === 'fail' || this.state === 'pass') return this.state
    if (failed) {
      this.state = 'fail'
      this.decidedAt = index
    } else if (passed) {
      this.state = 'pass'
      this.decidedAt = index
    } else {
      this.state = hasData ? 'continue' : 'nodata'
    }
    return this.state
  }
}

// The one number convention of logs, reasons and reports (shared/report/format.ts uses these too):
// a change is a signed percentage with a true minus (`+31%`, `−4.2%`, `0%`), thousands grouped, two
// significant digits at most below 10%; an interval is `(lower … upper)`; an e-value has three
// significant digits (`87.9`, `30`, `1,390`), and `> 10⁶` beyond.
const PERCENT = [0, 1, 2].map((digits) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }))
const THREE_DIGITS = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3, useGrouping: false })
const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** 0.31 → `+31%`, -0.042 → `−4.2%`, 10 → `+1,000%`; null → `n/a`. */
export function formatRelative(value: number | null): string {
  if (value === null || Number.isNaN(value)) return 'n/a'
  if (value === Number.POSITIVE_INFINITY) return '+∞'
  if (value === Number.NEGATIVE_INFINITY) return '−∞'
  const pct = value * 100
  const abs = Math.abs(pct)
  const text = (PERCENT[abs >= 10 ? 0 : abs >= 1 ? 1 : 2] as Intl.NumberFormat).format(abs)
  if (text === '0') return '0%'
  return `${pct > 0 ? '+' : '−'}${text}%`
}

/** `(+144% … +3,760%)`; a missing lower bound is −100% (a rate cannot fall further), a missing upper one +∞. */
export function formatInterval(lower: number | null, upper: number | null): string {
  return `(${lower === null ? '−100%' : formatRelative(lower)} … ${upper === null ? '+∞' : formatRelative(upper)})`
}

export function formatE(value: number): string {
  if (Number.isNaN(value)) return 'n/a'
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '0'
  if (value >= 1e6) return '> 10⁶'
  if (value >= 1000) return GROUPED.format(Math.round(value))
  return THREE_DIGITS.format(value)
}

export function formatCount(value: number): string {
  const digits = String(Math.abs(Math.round(value)))
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return value < 0 ? `-${grouped}` : grouped
}

/** Finite numbers pass through; ±∞ and NaN become null (JSON has no infinities). */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null
}

/** z-value a one-sided mixture boundary needs at level a, roughly (for "needs more traffic"). */
export function roughBoundary(level: number): number {
  return Math.sqrt(2 * Math.log(1 / level) + 2)
}
