import { errorMessage, isUserError } from '../errors.js'
import { coreIO, type ActionIO } from './io.js'

/**
 * Runs an action's main. A user error becomes one `::error::` line and exit code 1; a bug gets the
 * same line, prefixed so it reads as ours, followed by its stack as plain log lines.
 */
export async function runAction(main: (io: ActionIO) => Promise<void>, io: ActionIO = coreIO()): Promise<void> {
  try {
    await main(io)
  } catch (error) {
    if (isUserError(error)) {
      io.setFailed(errorMessage(error))
    } else {
      io.setFailed(`Unexpected error (a bug in Rollgate, please report it): ${errorMessage(error)}`)
      const stack = error instanceof Error ? error.stack : undefined
      if (stack) for (const line of stack.split('\n')) io.info(line)
    }
    process.exitCode = 1
  }
}
