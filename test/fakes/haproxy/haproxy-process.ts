import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer, request, type Server } from 'node:http'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runtimeCommand } from '../../../shared/traffic/haproxy.js'

/**
 * The real HAProxy (Debian's package) in the foreground, bound to 127.0.0.1, in front of two tiny
 * HTTP servers answering "stable" and "canary". Its runtime API listens on a unix socket in a temp
 * folder and on a TCP port, both at `level admin`. Stopped by stop(), and killed if the process exits.
 */
export interface HaproxyUnderTest {
  frontend: string
  socket: string
  tcpSocket: string
  stop(): Promise<void>
}

export async function startHaproxy(): Promise<HaproxyUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-haproxy-'))
  const versions = await Promise.all(['stable', 'canary'].map((version) => versionServer(version)))
  const [frontendPort, adminPort] = [await freePort(), await freePort()]
  const socket = join(dir, 'admin.sock')
  const config = join(dir, 'haproxy.cfg')
  writeFileSync(
    config,
    `global
    stats socket ${socket} mode 600 level admin
    stats socket 127.0.0.1:${adminPort} level admin
    nbthread 1

defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s

frontend web
    bind 127.0.0.1:${frontendPort}
    default_backend app

backend app
    balance roundrobin
    server stable 127.0.0.1:${port(versions[0]?.server)} weight 100
    server canary 127.0.0.1:${port(versions[1]?.server)} weight 0
`,
  )
  const child = spawn('haproxy', ['-f', config, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr.on('data', (c: Buffer) => (output += c.toString()))
  const killOnExit = (): void => void child.kill('SIGKILL')
  process.on('exit', killOnExit)

  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit)
    await stopChild(child)
    await Promise.all(versions.map((v) => new Promise<void>((resolve) => v.server.close(() => resolve()))))
    rmSync(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`haproxy exited with ${child.exitCode}: ${output}`)
    }
    try {
      await runtimeCommand({ path: socket }, 'show info', 1_000)
      break
    } catch (error) {
      if (Date.now() > deadline) {
        await stop()
        throw new Error(`haproxy did not open its stats socket within 10 s: ${String(error)}\n${output}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  return { frontend: `http://127.0.0.1:${frontendPort}`, socket, tcpSocket: `127.0.0.1:${adminPort}`, stop }
}

async function versionServer(version: string): Promise<{ server: Server }> {
  const server = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' })
    res.end(version)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server }
}

function port(server: Server | undefined): number {
  return (server?.address() as AddressInfo).port
}

async function freePort(): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port: free } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return free
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
  await exited
  clearTimeout(timer)
}

/** One request on a new connection (no keep-alive): resolves to the version that answered. */
export function fetchVersion(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve(body))
    })
    req.on('error', reject)
    req.end()
  })
}
