/**
 * The policy the demo runs: ordinary policy YAML, written to the output folder and loaded from
 * there through the same loader and validation as `.github/rollgate.yml`, so the reader can see
 * (and `rollgate validate`) exactly what drove the rollout.
 */
import { writeFile } from 'node:fs/promises'
import { loadPolicy } from '../../shared/config/load.js'
import type { Policy } from '../../shared/config/policy.generated.js'
import { HAPROXY_BACKEND, HAPROXY_CANARY, HAPROXY_STABLE } from './haproxy.js'
import { ENVIRONMENT, STEPS, type DemoPace } from './scenario.js'

export interface PolicyInput {
  pace: DemoPace
  /** Every version's /metrics URL: the checks pick each arm by its `version` label. */
  metricsUrls: string[]
  router: 'haproxy' | 'built-in'
  /** The HAProxy runtime API socket (a placeholder path with the built-in router). */
  socket: string
}

const seconds = (ms: number): string => `${ms / 1000}s`

export function demoPolicyText(input: PolicyInput): string {
  const urls = `[${input.metricsUrls.map((u) => JSON.stringify(u)).join(', ')}]`
  const trafficNote =
    input.router === 'haproxy'
      ? '      # HAProxy, moved through its runtime API (`set server app/canary weight N`).'
      : "      # This run used the demo's built-in router instead (HAProxy was not on PATH, or\n" +
        '      # --router built-in): an in-process traffic provider with the same interface.'
  return `# The policy \`rollgate demo\` ran, written by the demo with this run's local ports. Validate it
# with \`npx rollgate validate policy.yml\`; a real one lives in .github/rollgate.yml.
version: 1

environments:
  ${ENVIRONMENT}:
    traffic:
${trafficNote}
      provider: haproxy
      socket: ${JSON.stringify(input.socket)}
      backend: ${HAPROXY_BACKEND}
      stable: ${HAPROXY_STABLE}
      canary: ${HAPROXY_CANARY}
    steps:
${STEPS.map((w, i) => `      - { weight: ${w}${i < STEPS.length - 1 ? ', analysis: demo' : ''} }`).join('\n')}
    # No decision by maxDuration means not enough evidence: do not ship it.
    onInconclusive: rollback

analysis:
  demo:
    provider:
      # No metrics server: read each version's /metrics page at every look.
      type: scrape
      canary: ${urls}
      baseline: ${urls}
      timeout: 1s
    interval: ${seconds(input.pace.intervalMs)}
    maxDuration: ${seconds(input.pace.maxDurationMs)}
    alpha: 0.05
    checks:
      - name: errors
        type: ratio
        events: http_requests_total{version="{{version}}",code="500"}
        total: http_requests_total{version="{{version}}"}
        tolerance: 100%
        critical: true
      - name: latency
        type: samples
        buckets: http_request_duration_seconds{version="{{version}}"}
        quantile: p50
        unit: seconds
        tolerance: 50%
`
}

/** Writes the policy to `path` and loads it back through the policy loader. */
export async function writeAndLoadPolicy(path: string, input: PolicyInput): Promise<Policy> {
  await writeFile(path, demoPolicyText(input), 'utf8')
  return loadPolicy(path, undefined, {})
}
