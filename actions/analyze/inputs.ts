import { readReplyCommentId } from '../../shared/commands/action-hooks.js'
import type { ActionIO } from '../../shared/action/io.js'
import { InputError } from '../../shared/errors.js'
import { readEnum, readEnvironment, readGitHubToken, readList, readOptional, readPolicyPath } from '../../shared/action/inputs.js'

export const INPUT_NAMES = ['policy', 'environment', 'template', 'mode', 'fail-on', 'github-token', 'reply-comment-id', 'experiment', 'replay-file'] as const

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
  /** An experiment of the policy's `experiments:` to judge instead of the canary (docs/experiments.md). */
  experiment: string | undefined
  /** Where to write the analysis as a replay file (docs/replay.md); undefined: not written. */
  replayFile: string | undefined
}

export function readAnalyzeInputs(io: ActionIO): AnalyzeInputs {
  const failOn = readList(io, 'fail-on')
  for (const word of failOn) {
    if (word !== 'fail' && word !== 'inconclusive') {
      throw new InputError(`Input 'fail-on' contains ${JSON.stringify(word)}; expected \`fail\` or \`fail,inconclusive\`.`)
    }
  }
  const experiment = readOptional(io, 'experiment')
  if (experiment !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(experiment)) {
    throw new InputError(`Input 'experiment' is ${JSON.stringify(experiment)}; expected the name of an experiment under experiments: in the policy (letters, digits, - _ .).`)
  }
  const template = readOptional(io, 'template')
  return {
    experiment,
    policy: readPolicyPath(io),
    environment: readEnvironment(io),
    template,
    mode: readEnum(io, 'mode', ['watch', 'once'] as const, 'watch'),
    failOn: failOn.length === 0 ? ['fail'] : (failOn as FailOn[]),
    token: readGitHubToken(io),
    replyCommentId: readReplyCommentId(io),
    replayFile: readOptional(io, 'replay-file'),
  }
}
