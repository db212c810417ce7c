/** The analyze action's `result` output: versioned JSON with every metric's final figures. */
import type { AnalyzeResult } from './analyze-command.js'
import { RESULT_SCHEMA_VERSION, recordSummary } from './result.js'
import type { ReasonCode } from '../reason-codes.js'

export function analysisResult(result: AnalyzeResult): string {
  const { outcome, plan } = result
  const last = outcome.looks.at(-1)
  return JSON.stringify({
    schemaVersion: RESULT_SCHEMA_VERSION,
    action: 'analyze',
    reasonCode: result.decision satisfies ReasonCode,
    message: `analysis ${result.decision}: ${outcome.reason}`,
    decision: result.decision,
    decidedAt: outcome.decidedAt,
    onInconclusive: plan.onInconclusive,
    recommended: outcome.action,
    decidingMetric: outcome.decidingMetric,
    reason: outcome.reason,
    template: plan.templateName,
    alpha: plan.judge.alpha,
    looks: outcome.looks.length,
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
    metrics: (last?.metrics ?? []).map((m) => ({
      name: m.name,
      type: m.type,
      state: m.state,
      estimate: m.estimate,
      lower: m.lower,
      upper: m.upper,
      eValue: Number.isFinite(m.eValue) ? m.eValue : null,
      threshold: m.threshold,
      pValue: m.pValue,
      canary: m.canary,
      baseline: m.baseline,
      reason: m.reason,
    })),
    noData: outcome.problems.slice(-20),
    rollout: recordSummary(result.record),
  })
}
