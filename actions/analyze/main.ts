import type { ActionIO } from '../../shared/action/io.js'
import { readAnalyzeInputs } from './inputs.js'

export async function main(io: ActionIO): Promise<void> {
  readAnalyzeInputs(io)
}
