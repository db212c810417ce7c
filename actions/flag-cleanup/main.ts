import { ConfigError } from '../../shared/errors.js'
import type { ActionIO } from '../../shared/action/io.js'
import { productionDeps, type ActionDeps } from '../../shared/rollout/runtime.js'
import { readFlagCleanupInputs } from './inputs.js'

/** Flag cleanup is not built yet: say so plainly instead of succeeding without doing anything. */
export async function main(io: ActionIO, _deps: ActionDeps = productionDeps(io)): Promise<void> {
  readFlagCleanupInputs(io)
  throw new ConfigError('flag-cleanup is not available in this version of Rollgate; remove this step or pin a release that has it.', { reasonCode: 'not-available' })
}
