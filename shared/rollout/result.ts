/** The versioned `result` output: one JSON object per action run, with a reason code for every ending. */
import type { RolloutRecord } from '../state/record.js'
import type { LifecycleOutcome } from './lifecycle.js'

export const RESULT_SCHEMA_VERSION = 1

export type ReasonCode = 'applied' | 'noop' | 'replayed' | 'pass' | 'fail' | 'inconclusive' | 'continue'

/** The rollout record as the outputs show it: no lease, no history (that lives in the record). */
export function recordSummary(record: RolloutRecord) {
  return {
    environment: record.environment,
    phase: record.phase,
    step: record.step,
    weight: record.weight,
    canary: record.canary?.version ?? null,
    stable: record.stable?.version ?? null,
    deploymentId: record.deploymentId ?? null,
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.lastVerdict ? { lastVerdict: record.lastVerdict } : {}),
  }
}

export function lifecycleResult(action: string, outcome: LifecycleOutcome): string {
  return JSON.stringify({
    schemaVersion: RESULT_SCHEMA_VERSION,
    action,
    reasonCode: outcome.effect satisfies ReasonCode,
    message: outcome.message,
    rollout: recordSummary(outcome.record),
    ...(outcome.move ? { traffic: { from: outcome.move.from, to: outcome.move.to, kind: outcome.move.kind } } : {}),
  })
}
