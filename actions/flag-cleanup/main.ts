import type { ActionIO } from '../../shared/action/io.js'
import { readFlagCleanupInputs } from './inputs.js'

export async function main(io: ActionIO): Promise<void> {
  readFlagCleanupInputs(io)
}
