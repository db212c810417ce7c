import type { ActionIO } from '../../shared/action/io.js'
import { readDeployCanaryInputs } from './inputs.js'

export async function main(io: ActionIO): Promise<void> {
  readDeployCanaryInputs(io)
}
