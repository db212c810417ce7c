import type { ActionIO } from '../../shared/action/io.js'
import { readBoolean, readEnum, readGitHubToken, readOptional, readPolicyPath } from '../../shared/action/inputs.js'

export const INPUT_NAMES = ['policy', 'task', 'dry-run', 'sarif-file', 'github-token'] as const

export const MODES = ['auto', 'cleanup', 'check'] as const

export interface FlagCleanupInputs {
  policy: string
  /** `auto`: `check` on pull_request events, `cleanup` otherwise. */
  mode: (typeof MODES)[number]
  dryRun: boolean
  sarifFile?: string
  token: string
}

export function readFlagCleanupInputs(io: ActionIO): FlagCleanupInputs {
  const sarifFile = readOptional(io, 'sarif-file')
  return {
    policy: readPolicyPath(io),
    mode: readEnum(io, 'task', MODES, 'auto'),
    dryRun: readBoolean(io, 'dry-run', false),
    ...(sarifFile ? { sarifFile } : {}),
    token: readGitHubToken(io),
  }
}
