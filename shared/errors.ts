/**
 * Two kinds of failure, as in github/codeql-action: a ConfigError is something the user can fix
 * (print one clear line), anything else is a bug (print the stack too). ProviderError is an
 * upstream service failing: it says which service, which call and whether a retry happened.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError'
  constructor(
    readonly service: string,
    readonly call: string,
    detail: string,
    readonly retried = false,
    options?: { cause?: unknown },
  ) {
    super(`${service}: ${call} failed${retried ? ' after retries' : ''}: ${detail}`, options)
  }
}

/**
 * Not a malfunction: the action did its job and the outcome is one the workflow asked to fail on
 * (an analysis decided `fail`). One line, no stack, exit code 1 so `needs:` gates later jobs.
 */
export class GateError extends Error {
  override readonly name = 'GateError'
}

/** User-facing failures: printed as one line, without a stack. */
export function isUserError(error: unknown): error is ConfigError | ProviderError | GateError {
  return error instanceof ConfigError || error instanceof ProviderError || error instanceof GateError
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
