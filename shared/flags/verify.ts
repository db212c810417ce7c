/**
 * Verification of a removal (issue #13 point 5): `tsc --noEmit` with the repository's own tsconfig
 * when there is one, then the policy's `verify` argv, each through a process runner (argv only, no
 * shell, a timeout that kills the whole process group, output capped to its tail).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { runProcess } from '../process/run.js'

export interface RunOptions {
  cwd: string
  timeoutMs: number
  /** Output kept (stdout and stderr interleaved), from the end. */
  maxOutputBytes: number
}

export interface RunResult {
  exitCode: number | null
  timedOut: boolean
  output: string
  truncated: boolean
}

export interface ProcessRunner {
  run(argv: readonly string[], options: RunOptions): Promise<RunResult>
}

export const DEFAULT_VERIFY_TIMEOUT_MS = 15 * 60_000
export const DEFAULT_OUTPUT_BYTES = 64 * 1024

/**
 * The project's one process runner (shared/process: argv only, no shell, its own process group
 * killed on timeout), keeping the interleaved output's tail: a failing test run says why at its end.
 */
export const spawnRunner: ProcessRunner = {
  async run(argv, options) {
    const [command, ...args] = argv
    if (command === undefined) return { exitCode: null, timedOut: false, output: 'empty command', truncated: false }
    let tail = ''
    let lines = 0
    let truncated = false
    const keep = (line: string): void => {
      tail += lines++ === 0 ? line : `\n${line}`
      if (tail.length > options.maxOutputBytes) {
        tail = tail.slice(tail.length - options.maxOutputBytes)
        truncated = true
      }
    }
    try {
      // The runner's own per-stream cap only bounds memory; what is shown is the tail kept above.
      const result = await runProcess(command, args, { cwd: options.cwd, timeoutMs: options.timeoutMs, maxOutputBytes: options.maxOutputBytes, onLine: keep })
      return { exitCode: result.signal !== null ? null : result.exitCode, timedOut: result.timedOut, output: tail, truncated }
    } catch (error) {
      return { exitCode: null, timedOut: false, output: `could not run ${command}: ${(error as Error).message}`, truncated: false }
    }
  },
}

export interface VerifyStep {
  name: 'tsc' | 'verify'
  argv: string[]
  ok: boolean
  /** Why the step did not run (no tsconfig, no TypeScript installed), when it did not. */
  skipped?: string
  exitCode: number | null
  timedOut: boolean
  output: string
  truncated: boolean
  durationMs: number
}

export interface Verification {
  ok: boolean
  steps: VerifyStep[]
}

export interface VerifyOptions {
  root: string
  /** The policy's `flags.verify` argv, e.g. ['npm', 'test']. */
  verify?: readonly string[] | undefined
  runner?: ProcessRunner
  timeoutMs?: number
  maxOutputBytes?: number
  now?: () => number
}

/** Runs the checks in order; a failing tsc does not stop `verify` (both outputs help the reviewer). */
export async function verifyRemoval(options: VerifyOptions): Promise<Verification> {
  const runner = options.runner ?? spawnRunner
  const now = options.now ?? Date.now
  const run = { cwd: options.root, timeoutMs: options.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS, maxOutputBytes: options.maxOutputBytes ?? DEFAULT_OUTPUT_BYTES }
  const steps: VerifyStep[] = []
  const step = async (name: VerifyStep['name'], argv: string[]): Promise<void> => {
    const started = now()
    const result = await runner.run(argv, run)
    steps.push({ name, argv, ok: result.exitCode === 0 && !result.timedOut, exitCode: result.exitCode, timedOut: result.timedOut, output: result.output, truncated: result.truncated, durationMs: now() - started })
  }
  if (existsSync(join(options.root, 'tsconfig.json'))) {
    const tsc = join(options.root, 'node_modules', '.bin', 'tsc')
    if (existsSync(tsc)) await step('tsc', [tsc, '--noEmit', '-p', 'tsconfig.json'])
    else steps.push({ name: 'tsc', argv: ['tsc', '--noEmit', '-p', 'tsconfig.json'], ok: true, skipped: 'the repository has a tsconfig.json but no node_modules/.bin/tsc: install its dependencies before flag-cleanup to type-check removals', exitCode: null, timedOut: false, output: '', truncated: false, durationMs: 0 })
  }
  if (options.verify && options.verify.length > 0) await step('verify', [...options.verify])
  return { ok: steps.every((s) => s.ok), steps }
}

/** One line per step, e.g. `tsc --noEmit -p tsconfig.json: exit 2 (1.2 s)`. */
export function describeStep(step: VerifyStep): string {
  const argv = step.name === 'tsc' ? 'tsc --noEmit -p tsconfig.json' : step.argv.join(' ')
  if (step.skipped) return `${argv}: skipped (${step.skipped})`
  const how = step.timedOut ? 'timed out' : step.exitCode === 0 ? 'passed' : `failed with exit ${step.exitCode ?? 'none'}`
  return `${argv}: ${how} (${(step.durationMs / 1000).toFixed(1)} s)`
}
