/**
 * Kayenta's NetflixACAJudge as a Spinnaker canary stage runs it (research notes, section B1):
 * per-minute values per arm, judged at 20, 40 and 60 minutes on a growing window
 * (`lookbackMins: 0`, `analysisIntervalMins: 20`, `lifetimeDurationMins: 60`).
 *
 * Per metric: NaN minutes removed (`nanStrategy: remove`); empty arm → Nodata; identical or constant
 * data → Pass; otherwise the Mann-Whitney interval at 98% and the Hodges-Lehmann estimate, High when
 * the lower bound exceeds 0.25·|HL| and the mean ratio reaches `allowedIncrease` (1 + the policy's
 * tolerance; 1.0 is Kayenta's default), Error when every value ties. Directions come from the policy.
 * Score: one group; 100 × Pass / (Pass + High + Low), Nodata and Error left out; 0 when a critical
 * metric is not Pass or when half the metrics or more are Nodata. Interim judgments fail at a score
 * ≤ marginal (75); the last one passes at ≥ pass (95) and fails otherwise. No early pass.
 *
 * Per-minute values: a ratio metric's error rate (events / total) and a samples metric's per-minute
 * quantile (the policy's quantile, p50 by default) — what a Kayenta canary config queries.
 *
 * The statistics (classification and scoring) come from shared/analysis/kayenta.ts, the Kayenta
 * mode of the Rollgate judge; this file adds what a Spinnaker stage does around them (judgment
 * times, interim/final thresholds, and a Nodata score of 0 failing the canary as Kayenta does, where
 * Rollgate's own mode says inconclusive). `classifyMetric`/`scoreMetrics` below are an independent
 * port kept to cross-check it (test/bench/judge.test.ts).
 */

import type { IntervalData } from '../../../shared/analysis/observations.js'
import type { Direction, PolicyMetric, Scenario } from '../sim/model.js'
import type { BenchJudge, JudgeSession, LookVerdict } from '../judges/types.js'
import { intervalQuantile, intervalRate, QUANTILES } from '../judges/observe.js'
import { AllTiedError, mannWhitneyInterval } from './mann-whitney.js'
import { classifyKayenta, scoreKayenta } from '../../../shared/analysis/kayenta.js'

export type Classification = 'Pass' | 'High' | 'Low' | 'Nodata' | 'Error'

export const KAYENTA = {
  confidence: 0.98,
  tolerance: 0.25,
  passScore: 95,
  marginalScore: 75,
  judgmentMinutes: [20, 40, 60],
  nodataThreshold: 50,
} as const

function mean(values: number[]): number {
  let s = 0
  for (const v of values) s += v
  return s / values.length
}

/** Kayenta's MannWhitneyClassifier.classify for one metric (canary = experiment, baseline = control). */
export function classifyMetric(
  canary: number[],
  baseline: number[],
  direction: Direction,
  allowedIncrease = 1,
  allowedDecrease = 1,
  confidence: number = KAYENTA.confidence,
): Classification {
  if (canary.length === 0 || baseline.length === 0) return 'Nodata'
  const sortedCanary = [...canary].sort((a, b) => a - b)
  const sortedBaseline = [...baseline].sort((a, b) => a - b)
  if (sortedCanary.length === sortedBaseline.length && sortedCanary.every((v, i) => v === sortedBaseline[i])) return 'Pass'
  const first = sortedCanary[0]
  if ([...canary, ...baseline].every((v) => v === first)) return 'Pass'
  // (Kayenta jitters two single, different values before testing; the interval then collapses to
  // one point where both tie, so the result is the same Error this port reaches without jitter.)
  let interval
  try {
    interval = mannWhitneyInterval(canary, baseline, confidence)
  } catch (error) {
    if (error instanceof AllTiedError) return 'Error'
    throw error
  }
  const meanCanary = mean(canary)
  const meanBaseline = mean(baseline)
  const effect = meanCanary === 0 || meanBaseline === 0 ? Number.NaN : meanCanary / meanBaseline
  const critical = KAYENTA.tolerance * Math.abs(interval.estimate)
  if ((direction === 'increase' || direction === 'either') && interval.lower > critical && (Number.isNaN(effect) || effect >= allowedIncrease)) {
    return 'High'
  }
  if ((direction === 'decrease' || direction === 'either') && interval.upper < -critical && (Number.isNaN(effect) || effect <= allowedDecrease)) {
    return 'Low'
  }
  return 'Pass'
}

/** Kayenta's weighted-sum score for one group of metrics (critical and Nodata overrides included). */
export function scoreMetrics(results: Array<{ classification: Classification; critical: boolean }>): number {
  if (results.length === 0) return 100
  const nodata = results.filter((r) => r.classification === 'Nodata').length
  if ((100 * nodata) / results.length >= KAYENTA.nodataThreshold) return 0
  if (results.some((r) => r.critical && r.classification !== 'Pass')) return 0
  const pass = results.filter((r) => r.classification === 'Pass').length
  const judged = results.filter((r) => r.classification === 'Pass' || r.classification === 'High' || r.classification === 'Low').length
  return judged === 0 ? 100 : (100 * pass) / judged
}

function perMinuteValue(metric: PolicyMetric, data: IntervalData, arm: 'canary' | 'baseline'): number {
  const obs = data[arm][metric.name]
  return metric.type === 'ratio' ? intervalRate(obs) : intervalQuantile(obs, QUANTILES[metric.quantile ?? 'p50'])
}

export function kayenta(): BenchJudge {
  return {
    id: 'kayenta',
    label: 'Kayenta MW @20/40/60',
    canPassEarly: false,
    start(scenario: Scenario): JudgeSession {
      const series = scenario.metrics.map(() => ({ canary: [] as number[], baseline: [] as number[] }))
      const last = KAYENTA.judgmentMinutes[KAYENTA.judgmentMinutes.length - 1] as number
      let finalScore: number | undefined
      const judge = (): number =>
        scoreKayenta(
          scenario.metrics.map((m, i) => {
            const s = series[i] as { canary: number[]; baseline: number[] }
            const tolerance = m.policy.tolerance
            const c = classifyKayenta(s.canary, s.baseline, {
              direction: m.policy.direction,
              critical: m.policy.critical,
              allowedIncrease: 1 + tolerance,
              allowedDecrease: 1 - tolerance,
              criticalIncrease: 1,
              criticalDecrease: 1,
            })
            return { name: m.policy.name, group: 'default', classification: c.classification, critical: c.critical }
          }),
        ).score
      return {
        look(data: IntervalData, minute: number): LookVerdict {
          scenario.metrics.forEach((m, i) => {
            const s = series[i] as { canary: number[]; baseline: number[] }
            const c = perMinuteValue(m.policy, data, 'canary')
            const b = perMinuteValue(m.policy, data, 'baseline')
            if (!Number.isNaN(c)) s.canary.push(c)
            if (!Number.isNaN(b)) s.baseline.push(b)
          })
          if (!(KAYENTA.judgmentMinutes as readonly number[]).includes(minute)) return 'continue'
          const score = judge()
          if (minute >= last) {
            finalScore = score
            return score >= KAYENTA.passScore ? 'pass' : 'fail'
          }
          return score <= KAYENTA.marginalScore ? 'fail' : 'continue'
        },
        finish: () => (finalScore === undefined ? 'inconclusive' : finalScore >= KAYENTA.passScore ? 'pass' : 'fail'),
      }
    },
  }
}
