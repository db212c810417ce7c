import { readReplyCommentId } from '../../shared/commands/action-hooks.js'
import type { ActionIO } from '../../shared/action/io.js'
import { InputError } from '../../shared/errors.js'
import { readEnum, readEnvironment, readGitHubToken, readList, readOptional, readPolicyPath } from '../../shared/action/inputs.js'

export const INPUT_NAMES = ['policy', 'environment', 'template', 'mode', 'fail-on', 'github-token', 'reply-comment-id'] as const

export type AnalyzeMode = 'watch' | 'once'
export type FailOn = 'fail' | 'inconclusive'

export interface AnalyzeInputs {
  policy: string
  environment: string
  template: string | undefined
  mode: AnalyzeMode
  failOn: FailOn[]
  token: string
  replyCommentId: number | undefined
}

export function readAnalyzeInputs(io: ActionIO): AnalyzeInputs {
  const failOn = readList(io, 'fail-on')
  for (const word of failOn) {
    if (word !== 'fail' && word !== 'inconclusive') {
      throw new InputError(`Input 'fail-on' contains ${JSON.stringify(word)}; expected \`fail\` or \`fail,inconclusive\`.`)
    }
  }
  return {
    policy: readPolicyPath(io),
    environment: readEnvironment(io),
    template: readOptional(io, 'template'),
    mode: readEnum(io, 'mode', ['watch', 'once'] as const, 'watch'),
    failOn: failOn.length === 0 ? ['fail'] : (failOn as FailOn[]),
    token: readGitHubToken(io),
    replyCommentId: readReplyCommentId(io),
  }
}
