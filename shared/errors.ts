/**
 * The errors every layer throws (config, state, traffic, metrics, actions): neutral, so no layer
 * reaches up into the action layer for them.
 *
 * Two kinds of failure, as in github/codeql-action: a ConfigError is something the user can fix
 * (print one clear line), anything else is a bug (print the stack too). ProviderError is an
 * upstream service failing: it says which service, which call and whether a retry happened.
 *
 * Each carries a reason code (shared/reason-codes.ts), so the action still writes its `result`
 * output when it ends in an error: `runAction` reads the code from the error.
 */
import type { ReasonCode } from './reason-codes.js'

export interface RollgateErrorOptions {
  cause?: unknown
  /** Overrides the class's default reason code. */
  reasonCode?: ReasonCode
}

export class ConfigError extends Error {
  override readonly name: string = 'ConfigError'
  reasonCode: ReasonCode
  constructor(message: string, options: RollgateErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined)
    this.reasonCode = options.reasonCode ?? this.defaultReasonCode()
  }
  protected defaultReasonCode(): ReasonCode {
    return 'invalid-policy'
  }
}

/** An action input that is missing or malformed. */
export class InputError extends ConfigError {
  override readonly name = 'InputError'
  protected override defaultReasonCode(): ReasonCode {
    return 'invalid-input'
  }
}

export class ProviderError extends Error {
  override readonly name: string = 'ProviderError'
  reasonCode: ReasonCode
  constructor(
    readonly service: string,
    readonly call: string,
    detail: string,
    readonly retried = false,
    options?: RollgateErrorOptions,
  ) {
    super(`${service}: ${call} failed${retried ? ' after retries' : ''}: ${detail}`, options?.cause !== undefined ? { cause: options.cause } : undefined)
    this.reasonCode = options?.reasonCode ?? (service === 'GitHub API' ? 'github-api-error' : 'provider-error')
  }
}

/**
 * Not a malfunction: the action did its job and the outcome is one the workflow asked to fail on
 * (an analysis decided `fail`). One line, no stack, exit code 1 so `needs:` gates later jobs.
 */
export class GateError extends Error {
  override readonly name = 'GateError'
  constructor(
    message: string,
    public reasonCode: ReasonCode = 'fail',
  ) {
    super(message)
  }
}

/** User-facing failures: printed as one line, without a stack. */
export function isUserError(error: unknown): error is ConfigError | ProviderError | GateError {
  return error instanceof ConfigError || error instanceof ProviderError || error instanceof GateError
}

/**
 * Gives an error the reason code of the stage it failed in (a hook, the traffic move), unless it
 * already carries a more specific one than its class default.
 */
export function tagged<E>(error: E, code: ReasonCode, unless: readonly ReasonCode[] = []): E {
  if (isUserError(error) && !unless.includes(error.reasonCode)) error.reasonCode = code
  return error
}

/** The reason code an error ends an action with; a bug is `internal-error`. */
export function reasonCodeOf(error: unknown): ReasonCode {
  if (isUserError(error)) return error.reasonCode
  return 'internal-error'
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
