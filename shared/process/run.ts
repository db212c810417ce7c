/**
 * The one process runner: the command provider, kubectl and command hooks all start processes here.
 * - argv only: `spawn(file, args)` with `shell: false`, so no argument is ever read by a shell;
 * - a timeout that kills the whole process group (the child runs as a group leader, so a script's
 *   own children die with it instead of holding the pipes open);
 * - output limits: each stream keeps its first `maxOutputBytes`, the rest is counted, not stored;
 * - an optional `onLine` for streaming output (hooks log it line by line as it comes).
 * A non-zero exit is returned, not thrown; a command that cannot be started throws.
 */
import { spawn } from 'node:child_process'

export interface RunOptions {
  cwd?: string
  /** The whole environment of the child (not merged here). Default: this process's. */
  env?: Readonly<Record<string, string | undefined>>
  /** Kills the process group after this many ms; no limit when unset. */
  timeoutMs?: number
  /** Per stream. Default 1 MiB. */
  maxOutputBytes?: number
  /** Each complete output line, as it arrives (stdout and stderr alike). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  signal?: AbortSignal
}

export interface RunResult {
  exitCode: number
  /** The signal that ended it, e.g. SIGKILL after a timeout. */
  signal: NodeJS.Signals | null
  timedOut: boolean
  stdout: string
  stderr: string
  /** Whether a stream passed maxOutputBytes (the kept text is its beginning). */
  truncated: boolean
}

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024

export class ProcessStartError extends Error {
  override readonly name = 'ProcessStartError'
}

export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: (options.env ?? process.env) as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      // Its own process group, so a timeout can kill what it started too (not on Windows).
      detached: process.platform !== 'win32',
      windowsHide: true,
    })
    const streams = { stdout: collector(max), stderr: collector(max) }
    let timedOut = false
    const killGroup = (): void => {
      if (child.pid === undefined) return
      try {
        if (process.platform === 'win32') child.kill('SIGKILL')
        else process.kill(-child.pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
    const timer =
      options.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true
            killGroup()
          }, options.timeoutMs)
        : undefined
    const onAbort = (): void => killGroup()
    options.signal?.addEventListener('abort', onAbort, { once: true })

    for (const name of ['stdout', 'stderr'] as const) {
      let partial = ''
      child[name].on('data', (chunk: Buffer) => {
        streams[name].add(chunk)
        if (!options.onLine) return
        const lines = (partial + chunk.toString('utf8')).split(/\r?\n/)
        partial = lines.pop() ?? ''
        for (const line of lines) options.onLine(line, name)
      })
      child[name].on('end', () => {
        if (options.onLine && partial !== '') options.onLine(partial, name)
        partial = ''
      })
    }
    child.on('error', (error) => {
      if (timer) clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      reject(new ProcessStartError(error.message, { cause: error }))
    })
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      resolve({
        exitCode: code ?? (signal ? 128 : -1),
        signal,
        timedOut,
        stdout: streams.stdout.text(),
        stderr: streams.stderr.text(),
        truncated: streams.stdout.truncated() || streams.stderr.truncated(),
      })
    })
  })
}

function collector(max: number): { add(chunk: Buffer): void; text(): string; truncated(): boolean } {
  const chunks: Buffer[] = []
  let kept = 0
  let seen = 0
  return {
    add(chunk) {
      seen += chunk.length
      if (kept >= max) return
      const part = chunk.length > max - kept ? chunk.subarray(0, max - kept) : chunk
      chunks.push(part)
      kept += part.length
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
    truncated: () => seen > kept,
  }
}
