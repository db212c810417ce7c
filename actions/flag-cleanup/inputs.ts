import type { ActionIO } from '../../shared/action/io.js'
import { readBoolean, readGitHubToken, readPolicyPath } from '../../shared/action/inputs.js'

export const INPUT_NAMES = ['policy', 'dry-run', 'github-token'] as const

export interface FlagCleanupInputs {
  policy: string
  dryRun: boolean
  token: string
}

export function readFlagCleanupInputs(io: ActionIO): FlagCleanupInputs {
  return { policy: readPolicyPath(io), dryRun: readBoolean(io, 'dry-run', false), token: readGitHubToken(io) }
}
