/**
 * A small HTTP service for the demo and the end-to-end tests: one version of "the app", with an
 * injectable error rate and latency, exposing Prometheus metrics at /metrics. Binds 127.0.0.1.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ServiceBehaviour {
  /** Fraction of requests answered 500. */
  errorRate: number
  /** Median latency in milliseconds (lognormal). */
  latencyMs: number
  /** Spread of the latency: sigma of its logarithm. */
  latencySigma?: number
}

export interface RunningService {
  version: string
  url: string
  port: number
  behaviour: ServiceBehaviour
  /** Requests answered so far, and how many of them were errors. */
  served(): { requests: number; errors: number }
  close(): Promise<void>
}

/** Seconds; the histogram the service exposes (Prometheus' default buckets, finer at the low end). */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5]

export async function startService(version: string, behaviour: ServiceBehaviour, port = 0, random: () => number = Math.random): Promise<RunningService> {
  const requests = new Map<string, number>([['200', 0], ['500', 0]])
  const buckets = LATENCY_BUCKETS.map(() => 0)
  let count = 0
  let sum = 0
  const sigma = behaviour.latencySigma ?? 0.3

  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      res.end(exposition(version, requests, buckets, count, sum))
      return
    }
    if (req.url === '/healthz') {
      res.writeHead(200).end('ok')
      return
    }
    // Both draws happen on arrival, so a seeded source gives the n-th request the same fate
    // however requests overlap.
    const latency = behaviour.latencyMs * Math.exp(sigma * gaussian(random))
    const failed = random() < behaviour.errorRate
    setTimeout(() => {
      const code = failed ? '500' : '200'
      requests.set(code, (requests.get(code) ?? 0) + 1)
      const seconds = latency / 1000
      count++
      sum += seconds
      for (const [i, le] of LATENCY_BUCKETS.entries()) if (seconds <= le) buckets[i] = (buckets[i] ?? 0) + 1
      res.writeHead(failed ? 500 : 200, { 'content-type': 'text/plain', 'x-version': version })
      res.end(failed ? `error from ${version}\n` : `hello from ${version}\n`)
    }, latency)
  })
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const actual = (server.address() as AddressInfo).port
  return {
    version,
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    behaviour,
    served: () => ({ requests: count, errors: requests.get('500') ?? 0 }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function exposition(version: string, requests: Map<string, number>, buckets: number[], count: number, sum: number): string {
  const v = JSON.stringify(version)
  const lines = [
    '# HELP http_requests_total Requests served, by status code.',
    '# TYPE http_requests_total counter',
    ...[...requests].map(([code, n]) => `http_requests_total{version=${v},code="${code}"} ${n}`),
    '# HELP http_request_duration_seconds Time to serve a request.',
    '# TYPE http_request_duration_seconds histogram',
    ...LATENCY_BUCKETS.map((le, i) => `http_request_duration_seconds_bucket{version=${v},le="${le}"} ${buckets[i] ?? 0}`),
    `http_request_duration_seconds_bucket{version=${v},le="+Inf"} ${count}`,
    `http_request_duration_seconds_sum{version=${v}} ${sum}`,
    `http_request_duration_seconds_count{version=${v}} ${count}`,
    '',
  ]
  return lines.join('\n')
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12)
  const w = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w)
}
