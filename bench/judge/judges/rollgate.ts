/**
 * The Rollgate judge (shared/analysis) as a live analysis: one look after every interval, each on
 * all data so far (the judge keeps the history), exactly as `rollgate replay` and the analyze action
 * drive it. Configured from the scenario's policy: alpha, maxIntervals = the scenario's length, and
 * per metric type, direction, tolerance, critical and (samples) the quantile.
 */

import type { IntervalData } from '../../../shared/analysis/observations.js'
import { createJudge } from '../../../shared/analysis/judge.js'
import type { JudgeConfig, LookResult, MetricConfig } from '../../../shared/analysis/types.js'
import type { PolicyMetric, Scenario } from '../sim/model.js'
import type { BenchJudge, JudgeSession, LookVerdict } from './types.js'
import { QUANTILES } from './observe.js'

export type CreateJudge = typeof createJudge

export function metricConfig(policy: PolicyMetric): MetricConfig {
  if (policy.type === 'ratio') {
    return { name: policy.name, type: 'ratio', direction: policy.direction, tolerance: policy.tolerance, critical: policy.critical }
  }
  return {
    name: policy.name,
    type: 'samples',
    direction: policy.direction,
    tolerance: policy.tolerance,
    critical: policy.critical,
    quantile: QUANTILES[policy.quantile ?? 'p50'],
  }
}

export function judgeConfig(scenario: Scenario, engine: JudgeConfig['engine'] = 'v1'): JudgeConfig {
  return {
    alpha: scenario.alpha,
    ...(engine === 'v1' ? {} : { engine }),
    maxIntervals: scenario.intervals,
    metrics: scenario.metrics.map((m) => metricConfig(m.policy)),
  }
}

/** The Rollgate judge with engine v1 (id `rollgate`, the default) or v2 (id `rollgate-v2`). */
export function rollgate(engine: JudgeConfig['engine'] = 'v1'): BenchJudge {
  return {
    id: engine === 'v1' ? 'rollgate' : `rollgate-${engine}`,
    label: engine === 'v1' ? 'Rollgate (anytime-valid)' : `Rollgate, engine ${engine}`,
    canPassEarly: true,
    start(scenario: Scenario): JudgeSession {
      // Bounds never change a decision; the benchmark only needs decisions.
      const judge = createJudge(judgeConfig(scenario, engine), { bounds: false })
      let last: LookResult['decision'] = 'continue'
      let by: string | null = null
      return {
        decidedBy: () => by,
        look(data: IntervalData): LookVerdict {
          const result = judge.look(data)
          last = result.decision
          by = result.decidingMetric
          return last === 'pass' || last === 'fail' ? last : 'continue'
        },
        finish: () => (last === 'pass' || last === 'fail' ? last : 'inconclusive'),
      }
    },
  }
}
