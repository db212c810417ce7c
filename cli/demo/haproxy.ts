/**
 * HAProxy for the demo, when it is installed: the real `haproxy` in the foreground, bound to
 * 127.0.0.1, its configuration and runtime API socket (`level admin`) in a temporary folder. The
 * rollout moves its weights through the real `haproxy` traffic provider; the demo itself only
 * points the canary server at the version being rolled out (`set server ... addr`).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { runtimeCommand } from '../../shared/traffic/haproxy.js'
import { DemoError } from './errors.js'
import { HAPROXY_DIR_PREFIX, writeHaproxyOwner } from './leftovers.js'

export const HAPROXY_BACKEND = 'app'
export const HAPROXY_STABLE = 'stable'
export const HAPROXY_CANARY = 'canary'

export interface DemoHaproxy {
  url: string
  port: number
  /** The runtime API's unix socket. */
  socket: string
  pid: number
  /** `2.6.12`, from `haproxy -v`. */
  version: string
  /** Sends the canary server's traffic to another local port (the next version's service). */
  pointCanaryAt(port: number): Promise<void>
  stop(): Promise<void>
  /** Synchronous last resort for process exit: SIGKILL and remove the folder. */
  killNow(): void
}

/** The `haproxy` executable on PATH, or undefined. */
export function findOnPath(name: string, path = process.env['PATH'] ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

export function haproxyConfig(options: { port: number; socket: string; stablePort: number; canaryPort: number }): string {
  return `# Written by \`rollgate demo\`; removed when it exits.
global
    stats socket ${options.socket} mode 600 level admin
    nbthread 1

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s

frontend web
    bind 127.0.0.1:${options.port}
    default_backend ${HAPROXY_BACKEND}

# roundrobin honours weights changed at run time through the runtime API.
backend ${HAPROXY_BACKEND}
    balance roundrobin
    server ${HAPROXY_STABLE} 127.0.0.1:${options.stablePort} weight 100
    server ${HAPROXY_CANARY} 127.0.0.1:${options.canaryPort} weight 0
`
}

export async function startDemoHaproxy(binary: string, options: { port: number; stablePort: number; canaryPort: number }): Promise<DemoHaproxy> {
  const dir = mkdtempSync(join(tmpdir(), HAPROXY_DIR_PREFIX))
  const socket = join(dir, 'admin.sock')
  const config = join(dir, 'haproxy.cfg')
  writeFileSync(config, haproxyConfig({ ...options, socket }))
  const version = await haproxyVersion(binary)
  const child = spawn(binary, ['-f', config, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] })
  // If this process is SIGKILLed, no handler stops HAProxy: the next demo finds it through this file.
  if (child.pid !== undefined) writeHaproxyOwner(dir, child.pid)
  let output = ''
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let spawnFailure: Error | undefined
  child.once('error', (error) => (spawnFailure = error))

  const killNow = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
  const stop = async (): Promise<void> => {
    await stopChild(child)
    rmSync(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + 10_000
  for (;;) {
    if (spawnFailure) {
      killNow()
      throw new DemoError(`could not start ${binary}: ${spawnFailure.message}`)
    }
    if (child.exitCode !== null) {
      killNow()
      throw new DemoError(`haproxy exited with ${child.exitCode} before serving: ${output.trim() || '(no output)'}`)
    }
    try {
      await runtimeCommand({ path: socket }, 'show info', 1_000)
      break
    } catch (error) {
      if (Date.now() > deadline) {
        await stop()
        throw new DemoError(`haproxy did not open its runtime API socket within 10 s: ${String(error)}\n${output.trim()}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  return {
    url: `http://127.0.0.1:${options.port}`,
    port: options.port,
    socket,
    pid: child.pid ?? -1,
    version,
    async pointCanaryAt(port) {
      const command = `set server ${HAPROXY_BACKEND}/${HAPROXY_CANARY} addr 127.0.0.1 port ${port}`
      const reply = (await runtimeCommand({ path: socket }, command)).trim()
      if (!/changed|no need to change/i.test(reply)) throw new Error(`haproxy: ${command}: ${reply || '(empty reply)'}`)
    },
    stop,
    killNow,
  }
}

async function haproxyVersion(binary: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(binary, ['-v'], { stdio: ['ignore', 'pipe', 'ignore'] })
    let text = ''
    child.stdout.on('data', (c: Buffer) => (text += c.toString()))
    child.on('error', () => resolve('unknown'))
    child.on('close', () => resolve(/version (\d+\.\d+(?:\.\d+)?)/i.exec(text)?.[1] ?? 'unknown'))
  })
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
  await exited
  clearTimeout(timer)
}
