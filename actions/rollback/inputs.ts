import { readExpectedSha, readReplyCommentId } from '../../shared/commands/action-hooks.js'
import type { ActionIO } from '../../shared/action/io.js'
import { readEnvironment, readGitHubToken, readPolicyPath, readString } from '../../shared/action/inputs.js'

export const INPUT_NAMES = ['policy', 'environment', 'reason', 'github-token', 'expected-sha', 'reply-comment-id'] as const

export interface RollbackInputs {
  policy: string
  environment: string
  reason: string
  token: string
  /** The SHA the comment command was read at: a mismatch is recorded, never a refusal. */
  expectedSha: string | undefined
  replyCommentId: number | undefined
}

export function readRollbackInputs(io: ActionIO): RollbackInputs {
  return {
    policy: readPolicyPath(io),
    environment: readEnvironment(io),
    reason: readString(io, 'reason', 'rollback requested'),
    token: readGitHubToken(io),
    expectedSha: readExpectedSha(io),
    replyCommentId: readReplyCommentId(io),
  }
}
