/**
 * A fixed-horizon test checked after every interval: the peeking mistake (Armitage, McPherson & Rowe
 * 1969; Johari et al. 2017). On all data so far, one-sided at alpha / (number of metrics) (Bonferroni,
 * so the only error is peeking):
 * - ratio: two-proportion z-test on the cumulative counts (pooled variance), canary rate > baseline rate;
 * - samples: Welch's t-test on log values (for lognormal latency, a test of the median), canary > baseline;
 *   histogram buckets count at the geometric middle of their bounds.
 * Fails at the first significant look; passes at the end otherwise (it cannot pass early).
 */

import type { IntervalData } from '../../../shared/analysis/observations.js'
import type { Scenario } from '../sim/model.js'
import type { BenchJudge, JudgeSession, LookVerdict } from '../judges/types.js'
import { normalCdf, studentTUpper } from '../stats.js'
import { logPoints } from '../judges/observe.js'

interface RatioState {
  kind: 'ratio'
  ce: number
  cn: number
  be: number
  bn: number
}
interface LogState {
  kind: 'samples'
  c: { n: number; sum: number; sumSq: number }
  b: { n: number; sum: number; sumSq: number }
}

/** One-sided p-value of canary > baseline, or NaN when the test cannot be computed yet. */
export function twoProportionP(ce: number, cn: number, be: number, bn: number): number {
  if (cn === 0 || bn === 0) return Number.NaN
  const pooled = (ce + be) / (cn + bn)
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / cn + 1 / bn))
  if (se === 0) return Number.NaN
  return 1 - normalCdf((ce / cn - be / bn) / se)
}

export function welchP(c: { n: number; sum: number; sumSq: number }, b: { n: number; sum: number; sumSq: number }): number {
  if (c.n < 2 || b.n < 2) return Number.NaN
  const mc = c.sum / c.n
  const mb = b.sum / b.n
  const vc = Math.max(0, (c.sumSq - c.n * mc * mc) / (c.n - 1)) / c.n
  const vb = Math.max(0, (b.sumSq - b.n * mb * mb) / (b.n - 1)) / b.n
  const se = Math.sqrt(vc + vb)
  if (se === 0) return Number.NaN
  const df = ((vc + vb) * (vc + vb)) / ((vc * vc) / (c.n - 1) + (vb * vb) / (b.n - 1))
  return studentTUpper((mc - mb) / se, df)
}

export function fixedHorizon(alpha = 0.05): BenchJudge {
  return {
    id: 'fixed',
    label: `Fixed-horizon test every interval (α ${alpha})`,
    canPassEarly: false,
    start(scenario: Scenario): JudgeSession {
      const level = alpha / scenario.metrics.length
      const states: Array<RatioState | LogState> = scenario.metrics.map((m) =>
        m.policy.type === 'ratio'
          ? { kind: 'ratio', ce: 0, cn: 0, be: 0, bn: 0 }
          : { kind: 'samples', c: { n: 0, sum: 0, sumSq: 0 }, b: { n: 0, sum: 0, sumSq: 0 } },
      )
      return {
        look(data: IntervalData): LookVerdict {
          let fail = false
          scenario.metrics.forEach((m, i) => {
            const state = states[i] as RatioState | LogState
            const c = data.canary[m.policy.name]
            const b = data.baseline[m.policy.name]
            let p: number
            if (state.kind === 'ratio') {
              if (c && 'total' in c) {
                state.ce += c.events
                state.cn += c.total
              }
              if (b && 'total' in b) {
                state.be += b.events
                state.bn += b.total
              }
              p = twoProportionP(state.ce, state.cn, state.be, state.bn)
            } else {
              for (const [obs, acc] of [
                [c, state.c],
                [b, state.b],
              ] as const) {
                logPoints(obs, (l, n) => {
                  acc.n += n
                  acc.sum += n * l
                  acc.sumSq += n * l * l
                })
              }
              p = welchP(state.c, state.b)
            }
            if (p < level) fail = true
          })
          return fail ? 'fail' : 'continue'
        },
        finish: () => 'pass',
      }
    },
  }
}
