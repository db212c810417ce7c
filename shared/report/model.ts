/**
 * What the renderers draw: plain view models, decoupled from the judge's and the state machine's own
 * types (an adapter builds these). Every string here may come from a user (policy names, versions,
 * reasons, actors) and is escaped by the renderers, never trusted as Markdown.
 */

import type { MetricState } from '../analysis/types.js'

/** The analysis as a whole; `in-progress` while looks continue. */
export type AnalysisDecision = 'pass' | 'fail' | 'inconclusive' | 'in-progress'

/** One metric at one look, as the judge states it. */

/** `ratio`: events out of a total; `samples`: a distribution; `value`: one gauge on the canary. */
export type MetricType = 'ratio' | 'samples' | 'value'

/** Cumulative counts of a `ratio` metric for one arm (errors out of requests). */
export interface RatioCounts {
  events: number
  total: number
}

/** A `samples` metric for one arm: how many observations and one quantile of them. */
export interface SampleSummary {
  n: number
  /** The observed quantile value, in the metric's unit (e.g. 182 for a 182 ms p99). */
  quantile: number
  /** Which quantile, 0..1 (0.99 is shown as p99); absent: shown as "q". */
  level?: number
}

/** A `value` metric's reading (the canary arm only, as a rule). */
export interface ValueReading {
  value: number
}

export type ArmFigures = RatioCounts | SampleSummary | ValueReading

export interface MetricLook {
  name: string
  /** Absent: guessed from the arm figures. */
  type?: MetricType
  state: MetricState
  /**
   * Relative change of the canary against the baseline (0.31 = +31%) for `ratio` and `samples`;
   * the canary's own reading for `value`. null when there is no estimate yet.
   */
  estimate: number | null
  /** Confidence-sequence bounds, same scale as `estimate`. */
  lower: number | null
  upper: number | null
  /** The e-value against "no regression" (an always-valid p-value p is 1/e). null: none yet. */
  evidence: number | null
  /** The e-value at which this metric fails: 1/(its share of α). Absent: 1/α. */
  threshold?: number
  canary?: ArmFigures
  baseline?: ArmFigures
  /** Why the state is what it is (which query came back empty, how much more traffic is needed). */
  reason?: string
  /** Unit of `samples`/`value` figures, shown after numbers (`ms`, `%`, `req/s`). */
  unit?: string
  critical?: boolean
}

export interface AnalysisLook {
  /** ISO 8601 time of the look. */
  at: string
  /** Overall state after this look, when the judge gives one. */
  decision?: AnalysisDecision
  metrics: MetricLook[]
}

export interface ReportLinks {
  /** The workflow run (`…/actions/runs/ID`). */
  run?: string
  /** The deployment or environment page. */
  deployment?: string
  /** The policy file on the head SHA (`…/blob/SHA/.github/rollgate.yml`). */
  policy?: string
}

export interface Versions {
  canary?: string
  stable?: string
}

export interface AnalysisReport {
  environment: string
  decision: AnalysisDecision
  /** The metric that decided (a failing one, or the last to pass). */
  decidingMetric?: string | null
  /** One sentence on why; may be long (it is shortened in banners, shown whole further down). */
  reason?: string
  /** Analysis-wide false-rollback budget; evidence of 1/alpha decides. */
  alpha?: number
  /** 1-based number of the look that decided. */
  decidedAtLook?: number | null
  versions: Versions
  /** Canary traffic share in percent (0..100). */
  weight?: number
  /** At a mirror step: the percent of requests copied to the canary, which serves none (weight 0). */
  mirror?: number
  /** 1-based index of the current step and how many there are. */
  step?: { index: number; count: number }
  /** The analysis template's name from the policy. */
  analysis?: string
  /** Chronological; the last one is the current state of every metric. */
  looks: AnalysisLook[]
  links?: ReportLinks
}

export type RolloutPhase = 'pending' | 'canary' | 'paused' | 'promoted' | 'rolled-back' | 'aborted'

export type StepState = 'done' | 'current' | 'pending' | 'failed' | 'skipped'

export interface RolloutStep {
  /** Canary traffic share in percent. */
  weight: number
  /** A mirror step's percent of requests copied to the canary (it serves none). */
  mirror?: number
  state: StepState
  /** Analysis template run at this step, if any. */
  analysis?: string
  /** Latest verdict of that analysis. */
  verdict?: AnalysisDecision
}

export interface RolloutEvent {
  /** ISO 8601. */
  at: string
  /** GitHub login or bot that acted; shown without notifying them. */
  actor?: string
  /** What happened, in a few words: `deploy-canary`, `promote`, `rollback`, `analysis fail`. */
  action: string
  /** Canary weight after the event, in percent. */
  weight?: number
  /** The mirror in force after the event (the weight is then 0 and the canary serves none). */
  mirror?: number
  detail?: string
  /** The workflow run or comment behind it. */
  url?: string
}

export interface RolloutReport {
  environment: string
  phase: RolloutPhase
  versions: Versions
  /** Current canary weight in percent. */
  weight: number
  /** While at a mirror step: the percent of requests copied to the canary, which serves none. */
  mirror?: number
  steps: RolloutStep[]
  /** Chronological. */
  history: RolloutEvent[]
  /** Why the rollout is where it is (rollback reason, pause reason). */
  reason?: string
  links?: ReportLinks
}

/** A policy configuration error, as config validation locates it. */
export interface ConfigIssue {
  /** Repository-relative path, e.g. `.github/rollgate.yml`. */
  file: string
  /** 1-based. */
  line: number
  column?: number
  endLine?: number
  endColumn?: number
  message: string
  title?: string
  level?: 'failure' | 'warning' | 'notice'
}
