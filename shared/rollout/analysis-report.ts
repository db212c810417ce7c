/**
 * From the judge's looks to the report's view model: the renderers never see the judge's types.
 */
import type { IntervalData, Observation } from '../analysis/observations.js'
import type { LookResult, MetricLook as JudgeMetric } from '../analysis/types.js'
import type { AnalysisDecision, AnalysisReport, ArmFigures, MetricLook, ReportLinks } from '../report/model.js'
import type { AnalysisPlan } from './analysis-plan.js'
import type { TimeWindow } from '../metrics/provider.js'

export interface AnalysisReportInput {
  plan: AnalysisPlan
  looks: LookResult[]
  intervals: IntervalData[]
  windows: TimeWindow[]
  decision: AnalysisDecision
  decidedAt: number | null
  decidingMetric: string | null
  reason: string
  versions: { canary?: string; stable?: string }
  weight?: number
  step?: { index: number; count: number }
  links?: ReportLinks
}

export function toAnalysisReport(input: AnalysisReportInput): AnalysisReport {
  const quantiles = new Map(input.plan.judge.metrics.map((m) => [m.name, m.type === 'samples' && typeof m.quantile === 'number' ? m.quantile : 0.5]))
  return {
    environment: input.plan.environment,
    decision: input.decision,
    decidingMetric: input.decidingMetric,
    reason: input.reason,
    alpha: input.plan.judge.alpha,
    decidedAtLook: input.decidedAt === null ? null : input.decidedAt + 1,
    versions: input.versions,
    ...(input.weight !== undefined ? { weight: input.weight } : {}),
    ...(input.step ? { step: input.step } : {}),
    analysis: input.plan.templateName,
    looks: input.looks.map((look, i) => ({
      at: (input.windows[i]?.end ?? new Date(0)).toISOString(),
      decision: look.decision === 'continue' ? 'in-progress' : look.decision,
      metrics: look.metrics.map((m) => toMetricLook(m, input.intervals[i], quantiles.get(m.name) ?? 0.5, input.plan.judge.metrics.find((c) => c.name === m.name)?.critical ?? false)),
    })),
    ...(input.links ? { links: input.links } : {}),
  }
}

function toMetricLook(m: JudgeMetric, interval: IntervalData | undefined, level: number, critical: boolean): MetricLook {
  const look: MetricLook = {
    name: m.name,
    type: m.type,
    state: m.state,
    estimate: m.estimate,
    lower: m.lower,
    upper: m.upper,
    evidence: Number.isFinite(m.eValue) ? m.eValue : null,
    ...(m.type !== 'value' && Number.isFinite(m.threshold) ? { threshold: m.threshold } : {}),
    reason: m.reason,
    critical,
  }
  const canary = armFigures(m, 'canary', interval?.canary[m.name], level)
  const baseline = armFigures(m, 'baseline', interval?.baseline[m.name], level)
  if (canary) look.canary = canary
  if (baseline) look.baseline = baseline
  return look
}

/** Ratio: the judge's cumulative counts. Samples: this interval's quantile. Value: this interval's reading. */
function armFigures(m: JudgeMetric, arm: 'canary' | 'baseline', observation: Observation | undefined, level: number): ArmFigures | undefined {
  const counts = m[arm]
  if (m.type === 'ratio') return counts.total > 0 || (counts.events ?? 0) > 0 ? { events: counts.events ?? 0, total: counts.total } : undefined
  if (m.type === 'value') return observation && 'value' in observation ? { value: observation.value } : undefined
  if (!observation) return undefined
  const q = quantileOf(observation, level)
  return q === null ? undefined : { n: counts.total, quantile: q, level }
}

/** A quantile of one interval's raw values or histogram buckets (linear within a bucket, as Prometheus does). */
export function quantileOf(observation: Observation, level: number): number | null {
  if ('values' in observation) {
    if (observation.values.length === 0) return null
    const sorted = [...observation.values].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.floor(level * sorted.length))] ?? null
  }
  if ('buckets' in observation) {
    const buckets = [...observation.buckets].sort((a, b) => a.le - b.le)
    const total = buckets[buckets.length - 1]?.count ?? 0
    if (total <= 0) return null
    const rank = level * total
    let previousLe = 0
    let previousCount = 0
    for (const b of buckets) {
      if (b.count >= rank) {
        if (!Number.isFinite(b.le)) return previousLe
        const inBucket = b.count - previousCount
        return inBucket <= 0 ? b.le : previousLe + ((b.le - previousLe) * (rank - previousCount)) / inBucket
      }
      previousLe = b.le
      previousCount = b.count
    }
    return previousLe
  }
  return null
}
