/**
 * The per-instance split against a REAL Prometheus (issue 14): four canary pods and two baseline
 * pods, each a static exporter on 127.0.0.1 serving fixed counters (one canary pod bad: 30% errors),
 * scraped every second with a `pod` target label. The provider with `instanceLabel: pod` must split
 * each arm's answer into exactly what each exporter served, sum to the arm's total, and the outlier
 * test must name the bad pod. Raw counters (not increase()) keep the values exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import { createPrometheusProvider } from '../../shared/metrics/prometheus.js'
import type { RatioCheck } from '../../shared/metrics/types.js'
import { findOutlierInstance } from '../../shared/analysis/instances.js'
import { findPrometheus, startPrometheus, type RunningPrometheus } from '../e2e/support/prometheus.js'
import { fakeDeps } from './support/server.js'

const binary = findPrometheus()
const required = process.env['CI'] === 'true'

const PODS: { pod: string; version: string; ok: number; errors: number }[] = [
  { pod: 'web-v2-a', version: 'v2', ok: 990, errors: 10 },
  { pod: 'web-v2-b', version: 'v2', ok: 1188, errors: 12 },
  { pod: 'web-v2-c', version: 'v2', ok: 700, errors: 300 },
  { pod: 'web-v2-d', version: 'v2', ok: 891, errors: 9 },
  { pod: 'web-v1-a', version: 'v1', ok: 4950, errors: 50 },
  { pod: 'web-v1-b', version: 'v1', ok: 3960, errors: 40 },
]

describe.skipIf(!binary && !required)('prometheus per-instance split against a real Prometheus', () => {
  const servers: Server[] = []
  let prometheus: RunningPrometheus | undefined
  const ports = new Map<string, number>()

  beforeAll(async () => {
    if (!binary) throw new Error('CI=true but no `prometheus` binary: .ci/run installs the Debian `prometheus` package')
    for (const p of PODS) {
      const text = ['# TYPE http_requests_total counter', `http_requests_total{version="${p.version}",code="200"} ${p.ok}`, `http_requests_total{version="${p.version}",code="500"} ${p.errors}`, ''].join('\n')
      const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text))
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      servers.push(server)
      const address = server.address()
      ports.set(p.pod, typeof address === 'object' && address ? address.port : 0)
    }
    prometheus = await startPrometheus(binary, { targets: PODS.map((p) => ({ address: `127.0.0.1:${ports.get(p.pod)}`, labels: { pod: p.pod } })), scrapeInterval: '1s' })
    await prometheus.waitForSeries('http_requests_total', PODS.length * 2, 30_000)
  }, 120_000)

  afterAll(async () => {
    await prometheus?.stop()
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
  }, 30_000)

  const check: RatioCheck = {
    name: 'errors',
    type: 'ratio',
    events: 'sum(http_requests_total{version="{{version}}",code="500"})',
    total: 'sum(http_requests_total{version="{{version}}"})',
  }

  it('splits each arm per pod into exactly what the exporters served, and names the bad pod', async () => {
    const provider = createPrometheusProvider({ address: (prometheus as RunningPrometheus).url, instanceLabel: 'pod' }, fakeDeps())
    const now = Date.now()
    const window = { start: new Date(now - 60_000), end: new Date(now) }
    const counts = []
    for (const [arm, version] of [['canary', 'v2'], ['baseline', 'v1']] as const) {
      const result = await provider.query({ check, arm, vars: { version, environment: 'production' }, window })
      if (!result.ok) throw new Error(result.reason)
      const pods = PODS.filter((p) => p.version === version)
      expect(result.instances).toEqual(Object.fromEntries(pods.map((p) => [p.pod, { events: p.errors, total: p.ok + p.errors }])))
      expect(result.observation).toEqual({ events: pods.reduce((s, p) => s + p.errors, 0), total: pods.reduce((s, p) => s + p.ok + p.errors, 0) })
      for (const [instance, o] of Object.entries(result.instances ?? {})) counts.push({ arm, instance, ...(o as { events: number; total: number }) })
    }
    expect(findOutlierInstance('errors', counts)?.instance).toBe('web-v2-c')
  })
})
