import type { ActionIO } from '../../shared/action/io.js'
import { readPromoteInputs } from './inputs.js'

export async function main(io: ActionIO): Promise<void> {
  readPromoteInputs(io)
}
