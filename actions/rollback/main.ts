import type { ActionIO } from '../../shared/action/io.js'
import { readRollbackInputs } from './inputs.js'

export async function main(io: ActionIO): Promise<void> {
  readRollbackInputs(io)
}
