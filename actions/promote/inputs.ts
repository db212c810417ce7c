import { readExpectedSha, readReplyCommentId } from '../../shared/commands/action-hooks.js'
import type { ActionIO } from '../../shared/action/io.js'
import { InputError } from '../../shared/errors.js'
import { readBoolean, readEnvironment, readGitHubToken, readInteger, readPercent, readPolicyPath } from '../../shared/action/inputs.js'

export const INPUT_NAMES = ['policy', 'environment', 'to', 'full', 'repair-weight', 'github-token', 'expected-sha', 'reply-comment-id'] as const

export interface PromoteInputs {
  policy: string
  environment: string
  to: number | undefined
  full: boolean
  /** Settle an interrupted move at this weight instead of promoting. */
  repairWeight: number | undefined
  token: string
  expectedSha: string | undefined
  replyCommentId: number | undefined
}

export function readPromoteInputs(io: ActionIO): PromoteInputs {
  const to = readPercent(io, 'to')
  const full = readBoolean(io, 'full', false)
  if (full && to !== undefined && to !== 100) {
    throw new InputError(`Inputs 'to' (${to}) and 'full' (true) contradict each other; give one of them.`)
  }
  const repairWeight = readInteger(io, 'repair-weight', undefined, { min: 0, max: 100 })
  if (repairWeight !== undefined && (to !== undefined || full)) {
    throw new InputError(`Input 'repair-weight' (${repairWeight}) settles an interrupted move and promotes nothing; give it without 'to' and 'full'.`)
  }
  return {
    policy: readPolicyPath(io),
    environment: readEnvironment(io),
    to,
    full,
    repairWeight,
    token: readGitHubToken(io),
    expectedSha: readExpectedSha(io),
    replyCommentId: readReplyCommentId(io),
  }
}
