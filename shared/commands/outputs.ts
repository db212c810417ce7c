/**
 * The router's outputs. `command` is set only when a job must run (reason `dispatched`), so a
 * workflow's `if: needs.rollgate.outputs.command == 'promote'` can never fire on a denial or an
 * error; `result` is written on every ending.
 */
import { errorMessage, reasonCodeOf } from '../errors.js'
import { RESULT_SCHEMA_VERSION } from '../reason-codes.js'
import type { RouterOutcome } from './dispatch.js'

export interface RouterOutputs {
  command: string
  environment: string
  sha: string
  ref: string
  pr: string
  args: string
  commentId: string
}

export function routerResult(outcome: RouterOutcome | undefined, error?: unknown): { outputs: RouterOutputs; json: string } {
  const dispatched = outcome?.reasonCode === 'dispatched'
  const outputs: RouterOutputs = {
    command: dispatched ? (outcome.command ?? '') : '',
    environment: outcome?.environment ?? '',
    sha: outcome?.sha ?? '',
    ref: outcome?.ref ?? '',
    pr: outcome?.pr !== undefined ? String(outcome.pr) : '',
    args: JSON.stringify(outcome?.args ?? {}),
    commentId: outcome?.commentId !== undefined ? String(outcome.commentId) : '',
  }
  const reasonCode = outcome?.reasonCode ?? reasonCodeOf(error)
  const json = JSON.stringify({
    schemaVersion: RESULT_SCHEMA_VERSION,
    action: 'router',
    reasonCode,
    message: outcome?.message ?? (error === undefined ? '' : errorMessage(error)),
    ...(outcome?.command ? { command: outcome.command } : {}),
    ...(outcome?.environment ? { environment: outcome.environment } : {}),
    ...(outcome?.sha ? { sha: outcome.sha } : {}),
    ...(outcome?.pr !== undefined ? { pr: outcome.pr } : {}),
    ...(outcome?.args && Object.keys(outcome.args).length > 0 ? { args: outcome.args } : {}),
    ...(outcome?.commentId !== undefined ? { commentId: outcome.commentId } : {}),
    rollout: null,
  })
  return { outputs, json }
}
