/**
 * Static per-interval thresholds on the canary alone, the way Argo Rollouts and Flagger judge a
 * canary (semantics from the research notes, section B2/B3):
 *
 * - every interval, the canary's error rate must be ≤ 1% (Flagger's built-in `request-success-rate`
 *   with `thresholdRange.min: 99`) and its p99 latency ≤ 500 ms (`request-duration`,
 *   `thresholdRange.max: 500`); the baseline is never looked at;
 * - Argo Rollouts (`AnalysisTemplate`, interval 1m, count = the analysis length): a metric is Failed
 *   when its failed measurements exceed `failureLimit` (3, the value of the documentation's examples;
 *   the default 0 would fail on the first bad minute), and the run fails with its first Failed metric.
 *   The success condition guards empty minutes as the docs advise
 *   (`isNaN(result[0]) || result[0] <= 0.01`), so no data is a success;
 * - Flagger (`analysis.interval: 1m`, `threshold: 5`, the documentation's example): each interval with a
 *   failed check adds one to a cumulative `failedChecks`, and the canary is rolled back when it
 *   reaches the threshold. An empty or NaN query result is a failed check ("no values found"), which
 *   is Flagger's own behaviour and cannot be configured away.
 * Neither passes early: Argo's `consecutiveSuccessLimit` is off by default and Flagger promotes on its
 * weight schedule, so both pass at the end of the window when they have not failed.
 */

import type { IntervalData, Observation } from '../../../shared/analysis/observations.js'
import type { PolicyMetric, Scenario } from '../sim/model.js'
import type { BenchJudge, JudgeSession, LookVerdict } from '../judges/types.js'
import { intervalQuantile, intervalRate } from '../judges/observe.js'

export const ERROR_RATE_MAX = 0.01
export const LATENCY_P99_MAX_MS = 500
export const ARGO_FAILURE_LIMIT = 3
export const FLAGGER_THRESHOLD = 5

/** The canary's value for a metric in one interval: error rate, or p99 latency in ms. NaN = no data. */
function canaryValue(metric: PolicyMetric, obs: Observation | undefined): number {
  return metric.type === 'ratio' ? intervalRate(obs) : intervalQuantile(obs, 0.99)
}

function bound(metric: PolicyMetric): number {
  return metric.type === 'ratio' ? ERROR_RATE_MAX : LATENCY_P99_MAX_MS
}

export function argoRollouts(failureLimit = ARGO_FAILURE_LIMIT): BenchJudge {
  return {
    id: 'argo',
    label: `Argo Rollouts (failureLimit ${failureLimit})`,
    canPassEarly: false,
    start(scenario: Scenario): JudgeSession {
      const failed = new Map<string, number>()
      return {
        look(data: IntervalData): LookVerdict {
          for (const metric of scenario.metrics) {
            const value = canaryValue(metric.policy, data.canary[metric.policy.name])
            const success = Number.isNaN(value) || value <= bound(metric.policy)
            if (success) continue
            const count = (failed.get(metric.policy.name) ?? 0) + 1
            failed.set(metric.policy.name, count)
            if (count > failureLimit) return 'fail'
          }
          return 'continue'
        },
        finish: () => 'pass',
      }
    },
  }
}

export function flagger(threshold = FLAGGER_THRESHOLD): BenchJudge {
  return {
    id: 'flagger',
    label: `Flagger (threshold ${threshold})`,
    canPassEarly: false,
    start(scenario: Scenario): JudgeSession {
      let failedChecks = 0
      return {
        look(data: IntervalData): LookVerdict {
          const bad = scenario.metrics.some((metric) => {
            const value = canaryValue(metric.policy, data.canary[metric.policy.name])
            return Number.isNaN(value) || value > bound(metric.policy)
          })
          if (bad) failedChecks++
          return failedChecks >= threshold ? 'fail' : 'continue'
        },
        finish: () => 'pass',
      }
    },
  }
}
