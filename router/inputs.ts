import type { ActionIO } from '../shared/action/io.js'
import { readGitHubToken, readPolicyPath } from '../shared/action/inputs.js'

export const INPUT_NAMES = ['policy', 'github-token'] as const

export interface RouterInputs {
  policy: string
  token: string
}

export function readRouterInputs(io: ActionIO): RouterInputs {
  return { policy: readPolicyPath(io), token: readGitHubToken(io) }
}
