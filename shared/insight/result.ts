import { RESULT_SCHEMA_VERSION } from '../reason-codes.js'
import type { InsightReport } from './metrics.js'
import { insightTitle } from './render.js'

/**
 * The report action's `result` output: the figures under `report`, without the per-rollout list
 * (a job's outputs hold 1 MB; the list is in `rollgate report --json`).
 */
export function insightResult(report: InsightReport): string {
  const { rollouts, ...figures } = report
  return JSON.stringify({
    schemaVersion: RESULT_SCHEMA_VERSION,
    action: 'report',
    reasonCode: 'reported',
    message: insightTitle(report),
    rollout: null,
    report: { ...figures, rolloutCount: rollouts.length },
  })
}
