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
//
// Written out by hand, not with Intl.NumberFormat: the first Intl formatter a process builds loads
// ICU's locale data, about 14 ms, a quarter of `rollgate replay`'s start-up budget (issue 14, point 5).
// The output is Intl's en-US output exactly (test/analysis/number-format.test.ts compares them): the
// shortest decimal that round-trips the double (what String(x) gives and ICU formats from), rounded
// half away from zero on those decimal digits, never in exponent notation.

/** The shortest round-trip decimal of a finite |x|: digits without leading zeros, and the power of ten of the first. */
function decimal(x: number): { digits: string; point: number } {
  const text = String(Math.abs(x))
  const e = text.indexOf('e')
  const mantissa = e < 0 ? text : text.slice(0, e)
  const exponent = e < 0 ? 0 : Number(text.slice(e + 1))
  const dot = mantissa.indexOf('.')
  const whole = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1)
  const intLength = (dot < 0 ? mantissa.length : dot) + exponent
  const lead = whole.length - whole.replace(/^0+/, '').length
  const digits = whole.slice(lead).replace(/0+$/, '')
  return digits === '' ? { digits: '', point: 0 } : { digits, point: intLength - lead }
}

/**
 * Keep `keep` digits of `digits` (the first has weight 10^(point−1)), rounding half away from zero;
 * returns the plain decimal text (`'0'` when nothing is left), trailing fraction zeros dropped.
 */
function roundDigits(digits: string, point: number, keep: number): string {
  let kept = digits.slice(0, Math.max(keep, 0))
  let p = point
  if (keep < digits.length && keep >= 0 && digits.charCodeAt(keep) - 48 >= 5) {
    // Carry one into the kept digits.
    const arr = kept.split('')
    let i = arr.length - 1
    while (i >= 0 && arr[i] === '9') arr[i--] = '0'
    if (i >= 0) arr[i] = String(Number(arr[i]) + 1)
    else {
      arr.unshift('1')
      p += 1
    }
    kept = arr.join('')
  }
  kept = kept.replace(/0+$/, '')
  if (kept === '') return '0'
  if (p <= 0) return `0.${'0'.repeat(-p)}${kept}`
  if (kept.length <= p) return kept + '0'.repeat(p - kept.length)
  return `${kept.slice(0, p)}.${kept.slice(p)}`
}

function group(text: string): string {
  const dot = text.indexOf('.')
  const int = dot < 0 ? text : text.slice(0, dot)
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (dot < 0 ? '' : text.slice(dot))
}

function signed(x: number, text: string): string {
  return x < 0 || Object.is(x, -0) ? `-${text}` : text
}

/** Intl.NumberFormat('en-US', { maximumFractionDigits: fraction }).format(x), for finite x. */
export function formatFixed(x: number, fraction: number): string {
  const { digits, point } = decimal(x)
  return signed(x, group(digits === '' ? '0' : roundDigits(digits, point, point + fraction)))
}

/** Intl.NumberFormat('en-US', { maximumSignificantDigits: significant, useGrouping: false }).format(x), for finite x. */
export function formatSignificant(x: number, significant: number): string {
  const { digits, point } = decimal(x)
  return signed(x, digits === '' ? '0' : roundDigits(digits, point, significant))
}

/** 0.31 → `+31%`, -0.042 → `−4.2%`, 10 → `+1,000%`; null → `n/a`. */
export function formatRelative(value: number | null): string {
  if (value === null || Number.isNaN(value)) return 'n/a'
  if (value === Number.POSITIVE_INFINITY) return '+∞'
  if (value === Number.NEGATIVE_INFINITY) return '−∞'
  const pct = value * 100
  const abs = Math.abs(pct)
  const text = formatFixed(abs, abs >= 10 ? 0 : abs >= 1 ? 1 : 2)
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
  if (value >= 1000) return formatFixed(Math.round(value), 0)
  return formatSignificant(value, 3)
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
