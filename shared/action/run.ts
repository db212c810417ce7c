import { errorMessage, isUserError, reasonCodeOf } from '../errors.js'
import { RESULT_SCHEMA_VERSION, type ResultAction } from '../reason-codes.js'
import { coreIO, type ActionIO } from './io.js'

export interface RunActionOptions {
  io?: ActionIO
  /**
   * The action's name for its `result` output: when main ends in an error before writing one, the
   * result is written here with the error's reason code, so every ending has one.
   */
  action?: ResultAction
}

/**
 * Runs an action's main. A user error becomes one `::error::` line and exit code 1; a bug gets the
 * same line, prefixed so it reads as ours, followed by its stack as plain log lines. Either way the
 * `result` output is written (with the error's reason code) unless main wrote it already.
 */
export async function runAction(main: (io: ActionIO) => Promise<void>, options: RunActionOptions | ActionIO = {}): Promise<void> {
  const { io: given, action } = isActionIO(options) ? { io: options, action: undefined } : options
  const base = given ?? coreIO()
  let resultWritten = false
  const io: ActionIO = Object.create(base, {
    setOutput: {
      value: (name: string, value: string) => {
        if (name === 'result') resultWritten = true
        base.setOutput(name, value)
      },
    },
  }) as ActionIO
  try {
    await main(io)
  } catch (error) {
    if (action && !resultWritten) {
      const failure = { schemaVersion: RESULT_SCHEMA_VERSION, action, reasonCode: reasonCodeOf(error), message: errorMessage(error), rollout: rolloutOf(error) }
      base.setOutput('result', JSON.stringify(failure))
    }
    if (isUserError(error)) {
      base.setFailed(errorMessage(error))
    } else {
      base.setFailed(`Unexpected error (a bug in Rollgate, please report it): ${errorMessage(error)}`)
      const stack = error instanceof Error ? error.stack : undefined
      if (stack) for (const line of stack.split('\n')) base.info(line)
    }
    process.exitCode = 1
  }
}

function isActionIO(value: RunActionOptions | ActionIO): value is ActionIO {
  return typeof (value as ActionIO).setOutput === 'function'
}

/** The rollout summary an error carries (lifecycle errors attach the record they left), else null. */
function rolloutOf(error: unknown): unknown {
  const rollout = (error as { rollout?: unknown } | null)?.rollout
  return rollout && typeof rollout === 'object' ? rollout : null
}
