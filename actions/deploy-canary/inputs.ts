import { readExpectedSha, readReplyCommentId, readShaInput } from '../../shared/commands/action-hooks.js'
import type { ActionIO } from '../../shared/action/io.js'
import { readEnvironment, readGitHubToken, readOptional, readPolicyPath, readRequired } from '../../shared/action/inputs.js'

/** Every input this action reads; the contract test holds action.yml to this list. */
export const INPUT_NAMES = ['policy', 'environment', 'version', 'stable-version', 'github-token', 'sha', 'expected-sha', 'reply-comment-id'] as const

export interface DeployCanaryInputs {
  policy: string
  environment: string
  version: string
  stableVersion: string | undefined
  token: string
  /** The commit to deploy; the pull request head (or GITHUB_SHA) when unset. */
  sha: string | undefined
  expectedSha: string | undefined
  replyCommentId: number | undefined
}

export function readDeployCanaryInputs(io: ActionIO): DeployCanaryInputs {
  return {
    policy: readPolicyPath(io),
    environment: readEnvironment(io),
    version: readRequired(io, 'version', 'the version to ship: an image, tag or ref'),
    stableVersion: readOptional(io, 'stable-version'),
    token: readGitHubToken(io),
    sha: readShaInput(io),
    expectedSha: readExpectedSha(io),
    replyCommentId: readReplyCommentId(io),
  }
}
