import type { ActionIO } from '../../shared/action/io.js'
import { readEnvironment, readGitHubToken, readOptional, readPolicyPath } from '../../shared/action/inputs.js'

export const INPUT_NAMES = ['policy', 'environment', 'canary-version', 'github-token'] as const

export interface DrillInputs {
  policy: string
  environment: string
  canaryVersion: string | undefined
  token: string
}

export function readDrillInputs(io: ActionIO): DrillInputs {
  return {
    policy: readPolicyPath(io),
    environment: readEnvironment(io),
    canaryVersion: readOptional(io, 'canary-version'),
    token: readGitHubToken(io),
  }
}
