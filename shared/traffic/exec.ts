import { getExecOutput } from '@actions/exec'
import { ProviderError } from '../errors.js'

export interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface ExecOptions {
  /** Added to the process environment (never replaces it). */
  env?: Record<string, string>
}

/**
 * Runs one executable with an argument array: no shell ever sees the arguments. A non-zero exit is
 * returned, not thrown; an executable that cannot be found throws.
 */
export interface Exec {
  run(command: string, args: readonly string[], options?: ExecOptions): Promise<ExecResult>
}

/** The Exec port over @actions/exec; `env` is added to every command's environment (tests point caches at temp dirs). */
export function actionsExec(defaults: ExecOptions = {}): Exec {
  return {
    async run(command, args, options = {}) {
      const env = { ...stringEnv(process.env), ...defaults.env, ...options.env }
      return getExecOutput(quoteTool(command), [...args], { env, silent: true, ignoreReturnCode: true })
    },
  }
}

/** Runs a command and throws a ProviderError naming `service` and `call` unless it exits 0. */
export async function runOrThrow(exec: Exec, service: string, call: string, command: string, args: readonly string[], options?: ExecOptions): Promise<ExecResult> {
  let result: ExecResult
  try {
    result = await exec.run(command, args, options)
  } catch (error) {
    throw new ProviderError(service, call, `could not run ${command}: ${error instanceof Error ? error.message : String(error)}`, false, { cause: error })
  }
  if (result.exitCode !== 0) {
    throw new ProviderError(service, call, `${command} exited with ${result.exitCode}: ${lastLines(result.stderr || result.stdout)}`)
  }
  return result
}

export function lastLines(text: string, count = 5): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '')
  return lines.length === 0 ? '(no output)' : lines.slice(-count).join(' | ')
}

/**
 * @actions/exec splits its first argument on spaces (the remaining arguments are passed as they
 * are): quote the tool so a path with spaces stays one executable.
 */
function quoteTool(command: string): string {
  if (!/\s/.test(command)) return command
  return `"${command.replace(/"/g, '\\"')}"`
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v
  return out
}
