/**
 * The demo's built-in weighted router, used when HAProxy is not installed: an HTTP proxy on
 * 127.0.0.1 that sends each request to the canary with probability weight/100. It is a traffic
 * backend like any other: the demo moves its weight through a TrafficProvider.
 */
import { Agent, createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface WeightedRouter {
  url: string
  port: number
  weight(): number
  setWeight(weight: number): void
  /** Points the canary side at another version (a new canary is deployed behind the same router). */
  setCanary(url: string): void
  /** Requests routed so far to each arm. */
  readonly routed: { stable: number; canary: number }
  close(): Promise<void>
}

export async function startRouter(stableUrl: string, canaryUrl: string, port = 0, random: () => number = Math.random): Promise<WeightedRouter> {
  let weight = 0
  let canary = canaryUrl
  const routed = { stable: 0, canary: 0 }
  const agent = new Agent({ keepAlive: true, maxSockets: 64 })
  const server: Server = createServer((req, res) => {
    const toCanary = random() * 100 < weight
    routed[toCanary ? 'canary' : 'stable']++
    const target = new URL(req.url ?? '/', toCanary ? canary : stableUrl)
    const upstream = request(target, { method: req.method, headers: req.headers, agent }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    })
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end('bad gateway\n')
    })
    req.pipe(upstream)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const actual = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    weight: () => weight,
    setWeight(next) {
      if (!Number.isFinite(next) || next < 0 || next > 100) throw new RangeError(`weight must be 0..100, got ${next}`)
      weight = next
    },
    setCanary(url) {
      canary = url
    },
    routed,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
