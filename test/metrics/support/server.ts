import { readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from '../../../shared/action/logger.js'
import type { MetricsProviderDeps } from '../../../shared/metrics/types.js'

/** What the server saw, byte for byte where it matters. */
export interface RecordedRequest {
  method: string
  /** Path and query string as sent. */
  url: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: string
}

export interface Reply {
  status?: number
  headers?: Record<string, string>
  /** A string is sent as is; anything else as JSON. */
  body?: unknown
  /** Never answer (the client must time out). */
  hang?: boolean
}

export type Handler = (request: RecordedRequest, index: number) => Reply

/**
 * A local stand-in for a vendor API on 127.0.0.1, port 0: answers with recorded bodies and records
 * every request. `replies` as a list answers the n-th request with the n-th reply (the last repeats).
 */
export class RecordingServer {
  readonly requests: RecordedRequest[] = []
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(replies: Handler | Reply[]): Promise<RecordingServer> {
    const handler: Handler = Array.isArray(replies) ? (_r, i) => replies[Math.min(i, replies.length - 1)] ?? {} : replies
    let self: RecordingServer | undefined // eslint-disable-line prefer-const -- assigned after the server exists
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const url = req.url ?? '/'
        const parsed = new URL(url, 'http://127.0.0.1')
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          url,
          path: parsed.pathname,
          query: parsed.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }
        const index = self?.requests.length ?? 0
        self?.requests.push(recorded)
        const reply = handler(recorded, index)
        if (reply.hang) return
        const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers })
        res.end(body)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    self = new RecordingServer(server, `http://127.0.0.1:${port}`)
    return self
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** Starts servers for one test file and closes them after each test. */
export function serverPool(): { start: (replies: Handler | Reply[]) => Promise<RecordingServer>; closeAll: () => Promise<void> } {
  const open: RecordingServer[] = []
  return {
    start: async (replies) => {
      const server = await RecordingServer.start(replies)
      open.push(server)
      return server
    },
    closeAll: async () => {
      await Promise.all(open.splice(0).map((s) => s.close()))
    },
  }
}

/**
 * A logger that records lines as given, without masking, so a test sees whether a secret was ever
 * handed to it, and which secrets were registered.
 */
export class RecordingLogger implements Logger {
  readonly lines: string[] = []
  readonly masked: string[] = []
  info(message: string): void {
    this.lines.push(`info: ${message}`)
  }
  warn(message: string): void {
    this.lines.push(`warn: ${message}`)
  }
  debug(message: string): void {
    this.lines.push(`debug: ${message}`)
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push(`group: ${name}`)
    return fn()
  }
  mask(secret: string | undefined): void {
    if (secret) this.masked.push(secret)
  }
}

export interface FakeDeps extends MetricsProviderDeps {
  logger: RecordingLogger
  sleeps: number[]
}

/** Deterministic deps: a fixed clock, no real waiting (sleeps are recorded), mid-range jitter. */
export function fakeDeps(env: Record<string, string | undefined> = {}, now = new Date('2024-01-02T03:04:05Z')): FakeDeps {
  const sleeps: number[] = []
  return {
    logger: new RecordingLogger(),
    env,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0.5,
    sleeps,
  }
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/metrics/${name}`, import.meta.url), 'utf8')
}

export function jsonFixture(name: string): unknown {
  return JSON.parse(fixture(name)) as unknown
}

/** A window of one minute starting at a round Unix time, easy to read in assertions. */
export const WINDOW = { start: new Date(1_700_000_000_000), end: new Date(1_700_000_060_000) }
export const VARS = { version: 'v2.1.0', environment: 'production' }
