/**
 * The versioned `result` output: one JSON object per action run, with a reason code from the one
 * closed list (shared/reason-codes.ts) for every ending, errors included. Its shape is published
 * as schema/result.schema.json.
 */
import { RESULT_SCHEMA_VERSION, type ReasonCode, type ResultAction } from '../reason-codes.js'
import type { RolloutRecord } from '../state/record.js'
import type { LifecycleOutcome } from './lifecycle.js'

export { RESULT_SCHEMA_VERSION }

export interface RolloutSummary {
  environment: string
  phase: RolloutRecord['phase']
  step: number
  weight: number
  canary: string | null
  canarySha: string | null
  stable: string | null
  deploymentId: number | null
  reason?: string
  lastVerdict?: RolloutRecord['lastVerdict']
}

export interface ActionResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION
  action: ResultAction
  reasonCode: ReasonCode
  message: string
  /** The rollout as the record holds it after the command; null when no record was read. */
  rollout: RolloutSummary | null
  [more: string]: unknown
}

/** The rollout record as the outputs show it: no lease, no history (that lives in the record). */
export function recordSummary(record: RolloutRecord): RolloutSummary {
  return {
    environment: record.environment,
    phase: record.phase,
    step: record.step,
    weight: record.weight,
    canary: record.canary?.version ?? null,
    canarySha: record.canary?.sha ?? null,
    stable: record.stable?.version ?? null,
    deploymentId: record.deploymentId ?? null,
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.lastVerdict ? { lastVerdict: record.lastVerdict } : {}),
  }
}

export function actionResult(
  action: ResultAction,
  reasonCode: ReasonCode,
  message: string,
  record: RolloutRecord | RolloutSummary | null | undefined,
  extra: Record<string, unknown> = {},
): string {
  const rollout = !record ? null : 'history' in record ? recordSummary(record) : record
  const result: ActionResult = { schemaVersion: RESULT_SCHEMA_VERSION, action, reasonCode, message, rollout, ...extra }
  return JSON.stringify(result)
}

export function lifecycleResult(action: ResultAction, outcome: LifecycleOutcome): string {
  return actionResult(
    action,
    outcome.reasonCode ?? outcome.effect,
    outcome.message,
    outcome.record,
    outcome.move ? { traffic: { from: outcome.move.from, to: outcome.move.to, kind: outcome.move.kind } } : {},
  )
}
