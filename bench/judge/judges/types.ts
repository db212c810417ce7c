/** The contract every judge in the benchmark implements: a live analysis, one look per interval. */

import type { IntervalData } from '../../../shared/analysis/observations.js'
import type { Scenario } from '../sim/model.js'

/** What a judge says after a look: decided (`pass`/`fail`) or keep going. */
export type LookVerdict = 'pass' | 'fail' | 'continue'

/** How a run ended for one judge. `at` is the 1-based minute of the deciding look. */
export interface RunOutcome {
  decision: 'pass' | 'fail' | 'inconclusive'
  at: number | null
  /** The metric that decided a fail, when the judge says. */
  by?: string
}

export interface JudgeSession {
  /** Called after every interval with that interval's data (judges keep their own history). */
  look(data: IntervalData, minute: number): LookVerdict
  /** Called once if no look decided by the last interval. */
  finish(): 'pass' | 'fail' | 'inconclusive'
  /** The metric that decided (for diagnostics), when the judge says. */
  decidedBy?(): string | null
}

export interface BenchJudge {
  id: string
  label: string
  /** Whether the judge can ever pass before the maximum duration. */
  canPassEarly: boolean
  start(scenario: Scenario): JudgeSession
}
