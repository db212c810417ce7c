/** The live analysis names a bad pod from the provider's per-instance breakdown (issue 14). */
import { describe, expect, it } from 'vitest'
import { parsePolicy } from '../../shared/config/load.js'
import { planAnalysis } from '../../shared/rollout/analysis-plan.js'
import { watchAnalysis } from '../../shared/rollout/analysis-run.js'
import { streamLogger } from '../../shared/action/logger.js'
import type { MetricQuery, MetricsProvider, ObservationResult } from '../../shared/metrics/types.js'

const POLICY = `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [set, "{{weight}}"] }
    steps: [ { weight: 10, analysis: smoke }, { weight: 100 } ]
analysis:
  smoke:
    provider: { type: http, url: "http://127.0.0.1:1/{{query}}", jsonPath: { value: "$.v" } }
    interval: 1m
    maxDuration: 5m
    checks:
      - { name: errors, type: ratio, events: e, total: t, critical: true }
`
const plan = planAnalysis(parsePolicy(POLICY, 'policy.yml', {}), 'production', 'smoke', 0)

function metrics(split: boolean): MetricsProvider {
  const provider = {
    type: 'http',
    validate: () => undefined,
    async query(request: MetricQuery): Promise<ObservationResult> {
      const pods = request.arm === 'canary' ? { 'web-v2-a': [1, 300], 'web-v2-b': [30, 300], 'web-v2-c': [1, 300] } : { 'web-v1-a': [10, 1000], 'web-v1-b': [10, 1000], 'web-v1-c': [10, 1000] }
      const entries = Object.entries(pods).map(([p, [e, t]]) => [p, { events: e as number, total: t as number }] as const)
      const observation = { events: entries.reduce((s, [, o]) => s + o.events, 0), total: entries.reduce((s, [, o]) => s + o.total, 0) }
      return split ? { ok: true, observation, instances: Object.fromEntries(entries) } : { ok: true, observation }
    },
  }
  return provider as MetricsProvider
}

function clock() {
  const c = { t: Date.parse('2026-11-22T00:00:00Z'), now: () => new Date(c.t), sleep: async (ms: number) => void (c.t += Math.max(0, ms)) }
  return c
}

describe('live per-instance breakdown', () => {
  it('names the bad canary pod in the verdict reason and keeps the breakdown per interval', async () => {
    const outcome = await watchAnalysis(plan, { canaryVersion: 'v2', stableVersion: 'v1' }, { metrics: metrics(true), clock: clock(), logger: streamLogger(() => undefined) })
    expect(outcome.reason).toMatch(/instance "web-v2-b" \(canary\) stands out on errors/)
    expect(outcome.instances?.[0]?.canary?.['web-v2-b']?.['errors']).toEqual({ events: 30, total: 300 })
  })

  it('changes nothing without a breakdown', async () => {
    const outcome = await watchAnalysis(plan, { canaryVersion: 'v2', stableVersion: 'v1' }, { metrics: metrics(false), clock: clock(), logger: streamLogger(() => undefined) })
    expect(outcome.reason).not.toMatch(/stands out/)
    expect(outcome.instances).toBeUndefined()
  })
})
