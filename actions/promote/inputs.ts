import { readExpectedSha, readReplyCommentId, } from '../../shared/commands/action-hooks.js'
import type { ActionIO } from '../../shared/action/io.js'
import { InputError } from '../../shared/errors.js'
import { readBoolean, readEnvironment, readGitHubToken, readPercent, readPolicyPath } from '../../shared/action/inputs.js'

export const INPUT_NAMES = ['policy', 'environment', 'to', 'full', 'github-token', 'expected-sha', 'reply-comment-id'] as const

export interface PromoteInputs {
  policy: string
  environment: string
  to: number | undefined
  full: boolean
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
  return { policy: readPolicyPath(io), environment: readEnvironment(io), to, full, token: readGitHubToken(io), expectedSha: readExpectedSha(io), replyCommentId: readReplyCommentId(io) }
}
