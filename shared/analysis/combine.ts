/**
 * Combining metrics so the family-wise budgets hold.
 *
 * False fail: the analysis fails when the weighted average Σ wᵢ Eᵢ of the metrics' e-values reaches
 * 1/α (Σ wᵢ = 1). An average of e-processes for the same data stream is an e-process (Vovk & Wang,
 * "E-values: calibration, combination and applications", Annals of Statistics 2021; Ramdas, Grünwald,
 * Vovk & Shafer, "Game-theoretic statistics and safe anytime-valid inference", Statistical Science
 * 2023), so P(false fail at any look, on any metric) ≤ α. Since Σ wⱼ Eⱼ ≥ wᵢ Eᵢ, a single metric
 * reaching 1/(wᵢ α) — the per-metric `fail` state — always fails the analysis: averaging is never
 * weaker than splitting α (Bonferroni) and also adds up moderate evidence from several metrics.
 *
 * False pass: a metric passes when its non-inferiority e-value reaches 1/(wᵢ β); the analysis passes
 * when every metric has (union bound over metrics: P(some regressed metric passes) ≤ β).
 */
import { formatE } from './evidence.js'
import type { Action, Decision, InconclusivePolicy, MetricConfig, MetricLook } from './types.js'

/** Normalised shares of the budgets; `value` metrics spend none. Critical metrics weigh 2 by default. */
export function metricShares(metrics: readonly MetricConfig[]): number[] {
  const raw = metrics.map((m) => (m.type === 'value' ? 0 : Math.max(m.weight ?? (m.critical ? 2 : 1), 0)))
  const total = raw.reduce((a, b) => a + b, 0)
  return raw.map((w) => (total > 0 ? w / total : 0))
}

export interface Verdict {
  decision: Decision
  action: Action
  decidingMetric: string | null
  reason: string
  eValue: number
  threshold: number
}

export function actionFor(decision: Decision, policy: InconclusivePolicy): Action {
  switch (decision) {
    case 'pass':
      return 'promote'
    case 'fail':
      return 'rollback'
    case 'inconclusive':
      return policy
    default:
      return 'continue'
  }
}

export function combineLooks(
  looks: readonly MetricLook[],
  shares: readonly number[],
  alpha: number,
  last: boolean,
  policy: InconclusivePolicy,
): Verdict {
  let eValue = 0
  for (let i = 0; i < looks.length; i++) eValue += (shares[i] ?? 0) * (looks[i] as MetricLook).eValue
  const threshold = 1 / alpha
  const make = (decision: Decision, decidingMetric: string | null, reason: string): Verdict => ({
    decision,
    action: actionFor(decision, policy),
    decidingMetric,
    reason,
    eValue,
    threshold,
  })

  // A user's absolute bound broken, or a regression proven on one metric.
  const failed = looks.filter((l) => l.state === 'fail')
  if (failed.length > 0) {
    const worst = failed.reduce((a, b) => (b.eValue / b.threshold > a.eValue / a.threshold ? b : a))
    return make('fail', worst.name, `${worst.name}: ${worst.reason}`)
  }
  if (eValue >= threshold && looks.length > 0) {
    let top = 0
    for (let i = 1; i < looks.length; i++) {
      if ((shares[i] ?? 0) * (looks[i] as MetricLook).eValue > (shares[top] ?? 0) * (looks[top] as MetricLook).eValue) top = i
    }
    const name = (looks[top] as MetricLook).name
    return make('fail', name, `combined evidence of a regression over ${looks.length} metrics: e-value ${formatE(eValue)} ≥ ${formatE(threshold)}; ${name} contributes most`)
  }
  // Early pass needs a statistical proof; with bounds only (`value` metrics) the analysis passes at
  // its maximum duration if no bound was broken too often.
  const statistical = looks.some((l, i) => l.type !== 'value' && (shares[i] ?? 0) > 0)
  if (looks.length > 0 && (statistical || last) && looks.every((l) => l.state === 'pass')) {
    const lastPassed = looks.reduce((a, b) => ((b.decidedAt ?? 0) >= (a.decidedAt ?? 0) ? b : a))
    return make('pass', lastPassed.name, `every metric proven no worse than its tolerance; last: ${lastPassed.name}: ${lastPassed.reason}`)
  }
  const waiting = looks.filter((l) => l.state !== 'pass')
  const nodata = waiting.filter((l) => l.state === 'nodata')
  const names = waiting.map((l) => l.name).join(', ')
  if (last) {
    const why = nodata.length > 0 ? `no data for ${nodata.map((l) => l.name).join(', ')}` : `not decided: ${names}`
    return make('inconclusive', waiting[0]?.name ?? null, `maximum duration reached without a decision (${why}); policy: ${policy}`)
  }
  return make('continue', null, `waiting for ${names}`)
}
