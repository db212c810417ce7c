/**
 * An A/B experiment as the experiment judge sees it: plain data in, plain data out (docs/experiments.md).
 * Guardrails reuse the canary judge's configuration and results (../types.ts).
 */
import type { Observation } from '../observations.js'
import type { JudgeConfig, MetricState } from '../types.js'
import type { ArmTotals } from './sequence.js'

/** The change of the primary metric that counts as better. */
export type BetterDirection = 'increase' | 'decrease'

export interface PrimaryMetric {
  name: string
  /** `ratio`: events out of a total (conversions per session); `samples`: values (order value), compared by their mean. */
  type: 'ratio' | 'samples'
  direction: BetterDirection
}

export interface ExperimentConfig {
  /** Family-wise error over every look and every variant: false winners, false losers and false no-difference. */
  alpha: number
  /** Every variant, control included (two or more). */
  variants: string[]
  control: string
  primary: PrimaryMetric
  /** Relative lift that matters (0.02 = 2%): `no-difference` means the lift is proven within ±this. */
  minimumEffect: number
  /** Looks after which an undecided experiment is `inconclusive` (maxDuration / interval). */
  maxIntervals?: number
  /** The planned split per variant (any positive numbers), for the sample-ratio-mismatch test; none: not tested. */
  weights?: Record<string, number>
  /** Guardrails judged by the canary judge, each variant against control; its `alpha` is split over the variants. */
  guardrails?: JudgeConfig
}

/** One interval of an experiment: per variant, per metric name (primary and guardrails). */
export interface ExperimentInterval {
  variants: Record<string, Record<string, Observation | undefined> | undefined>
}

/** `better`/`worse`: the lift's confidence sequence excludes 0; `equivalent`: it lies within ±minimumEffect. */
export type VariantState = 'better' | 'worse' | 'equivalent' | 'open' | 'nodata'

export interface GuardrailLook {
  name: string
  state: MetricState
  estimate: number | null
  lower: number | null
  upper: number | null
  reason: string
}

export interface VariantLook {
  name: string
  state: VariantState
  /** Relative lift of the primary metric over control (0.05 = 5% higher); null when not estimable. */
  estimate: number | null
  /** Always-valid confidence sequence on the lift at level 1 − alpha/(variants − 1). */
  lower: number | null
  upper: number | null
  /** The primary metric's mean (conversion rate, mean value) per arm. */
  mean: number | null
  controlMean: number | null
  variant: ArmTotals
  control: ArmTotals
  /** Whether the guardrails allow this variant to win: none failed, none without data. */
  guardrailsHold: boolean
  guardrails: GuardrailLook[]
  /** Extra traffic (units of the primary metric over all variants) a decision on this variant needs; null when unknown. */
  needed: number | null
  reason: string
}

export type ExperimentDecision = 'winner' | 'no-difference' | 'inconclusive' | 'continue'

export interface SampleRatioLook {
  eValue: number
  threshold: number
  mismatch: boolean
  counts: Record<string, number>
}

export interface ExperimentLook {
  interval: number
  decision: ExperimentDecision
  winner: string | null
  reason: string
  variants: VariantLook[]
  sampleRatio: SampleRatioLook | null
  /** Extra traffic (all variants) a decision needs: the largest of the open variants'; null when unknown or decided. */
  needed: number | null
  /** What the traffic is counted in: the primary metric's total (`sessions`) or its values (`samples`). */
  unit: string
}

export interface ExperimentResult {
  decision: 'winner' | 'no-difference' | 'inconclusive'
  winner: string | null
  decidedAt: number | null
  reason: string
  needed: number | null
  looks: ExperimentLook[]
}
