import type { ActionIO } from '../../shared/action/io.js'
import { readEnvironment, readGitHubToken, readPolicyPath, readString } from '../../shared/action/inputs.js'

export const INPUT_NAMES = ['policy', 'environment', 'reason', 'github-token'] as const

export interface RollbackInputs {
  policy: string
  environment: string
  reason: string
  token: string
}

export function readRollbackInputs(io: ActionIO): RollbackInputs {
  return {
    policy: readPolicyPath(io),
    environment: readEnvironment(io),
    reason: readString(io, 'reason', 'rollback requested'),
    token: readGitHubToken(io),
  }
}
