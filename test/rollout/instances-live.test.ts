/** The live analysis names a bad pod from the provider's per-instance breakdown (issue 14). */
import { describe, expect, it } from 'vitest'
import { parsePolicy } from '../../shared/config/load.js'
import { planAnalysis } from '../../shared/rollout/analysis-plan.js'
import { addInstanceCounts, ONCE_INSTANCES_KEPT, watchAnalysis } from '../../shared/rollout/analysis-run.js'
import { analyzeRollout } from '../../shared/rollout/analyze-command.js'
import { deployCanary } from '../../shared/rollout/lifecycle.js'
import { cleanTemporaryStores, fakeClock, fileLifecycle, smokePolicy } from './support.js'
import type { LookResult } from '../../shared/analysis/types.js'
import { streamLogger } from '../../shared/action/logger.js'
import type { MetricQuery, MetricsProvider, ObservationResult } from '../../shared/metrics/types.js'

const policy = parsePolicy(smokePolicy({ maxDuration: '5m' }), 'policy.yml', {})
const plan = planAnalysis(policy, 'production', 'smoke', 0)

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


describe('live per-instance breakdown', () => {
  it('names the bad canary pod in the verdict reason and keeps the breakdown per interval', async () => {
    const outcome = await watchAnalysis(plan, { canaryVersion: 'v2', stableVersion: 'v1' }, { metrics: metrics(true), clock: fakeClock(), logger: streamLogger(() => undefined) })
    expect(outcome.reason).toMatch(/instance "web-v2-b" \(canary\) stands out on errors/)
    expect(outcome.instances?.[0]?.canary?.['web-v2-b']?.['errors']).toEqual({ events: 30, total: 300 })
  })

  it('changes nothing without a breakdown', async () => {
    const outcome = await watchAnalysis(plan, { canaryVersion: 'v2', stableVersion: 'v1' }, { metrics: metrics(false), clock: fakeClock(), logger: streamLogger(() => undefined) })
    expect(outcome.reason).not.toMatch(/stands out/)
    expect(outcome.instances).toBeUndefined()
  })

  it('names the pod in the progress of every look, as soon as it stands out, and logs it', async () => {
    const reasons: string[] = []
    const lines: string[] = []
    await watchAnalysis(plan, { canaryVersion: 'v2', stableVersion: 'v1' }, {
      metrics: metrics(true),
      clock: fakeClock(),
      logger: streamLogger((line) => void lines.push(line)),
      onLook: async (look: LookResult) => void reasons.push(look.reason),
    })
    expect(reasons[0]).toMatch(/instance "web-v2-b" \(canary\) stands out on errors: 10% \(30\/300\)/)
    expect(lines.some((l) => /instance "web-v2-b" \(canary\) stands out/.test(l))).toBe(true)
  })
})

describe('per-instance counts in once mode', () => {
  cleanTemporaryStores()

  /** A baseline pod at 0.8% errors against 0.2% on its peers: too few events to name in one interval, plain in three. */
  const mild: MetricsProvider = {
    type: 'http',
    validate: () => undefined,
    async query(request: MetricQuery): Promise<ObservationResult> {
      const pods: Record<string, [number, number]> = request.arm === 'canary' ? { 'web-v2-a': [1, 300], 'web-v2-b': [1, 300], 'web-v2-c': [1, 300] } : { 'web-v1-x': [2, 1000], 'web-v1-y': [2, 1000], 'web-v1-z': [8, 1000] }
      const entries = Object.entries(pods).map(([p, [e, t]]) => [p, { events: e, total: t }] as const)
      return { ok: true, observation: { events: entries.reduce((s, [, o]) => s + o.events, 0), total: entries.reduce((s, [, o]) => s + o.total, 0) }, instances: Object.fromEntries(entries) }
    },
  } as MetricsProvider

  it('sums each pod over the runs in the record and names it once the sum shows it', async () => {
    const c = fakeClock()
    const { store, deps } = fileLifecycle(c)
    await deployCanary({ policy, environment: 'production', version: 'v2', ref: 'main', sha: 'e'.repeat(40), stableVersion: 'v1' }, deps())
    const named: boolean[] = []
    for (let i = 0; i < 4; i++) {
      c.t += 60_000
      const result = await analyzeRollout({ policy, environment: 'production', mode: 'once' }, { ...deps(), metrics: () => mild, clock: c })
      named.push(/instance "web-v1-z" \(baseline\) stands out on errors/.test(result.outcome.reason))
      const kept = (await store.load('production'))?.record.evidence?.data as { instances?: { baseline?: Record<string, Record<string, unknown>> } } | undefined
      if (result.decision === 'continue') expect(kept?.instances?.baseline?.['web-v1-z']?.['errors']).toEqual({ events: 8 * (i + 1), total: 1000 * (i + 1) })
    }
    expect(named.slice(0, 2)).toEqual([false, false])
    expect(named[2]).toBe(true)
  })

  it('keeps the busiest pods when there are more than the record holds', () => {
    const split = { canary: Object.fromEntries(Array.from({ length: ONCE_INSTANCES_KEPT + 10 }, (_, i) => [`pod-${i}`, { errors: { events: 0, total: i + 1 }, latency: { values: [1] } }])) }
    const total = addInstanceCounts(undefined, split, [{ name: 'errors', type: 'ratio' }, { name: 'latency', type: 'samples' }])
    const kept = Object.keys(total?.canary ?? {})
    expect(kept).toHaveLength(ONCE_INSTANCES_KEPT)
    expect(kept).not.toContain('pod-0')
    expect(kept).toContain(`pod-${ONCE_INSTANCES_KEPT + 9}`)
    expect(total?.canary?.['pod-20']).toEqual({ errors: { events: 0, total: 21 } }) // ratio counts only
    expect(addInstanceCounts(total, split, [{ name: 'errors', type: 'ratio' }])?.canary?.[`pod-${ONCE_INSTANCES_KEPT + 9}`]).toEqual({ errors: { events: 0, total: 2 * (ONCE_INSTANCES_KEPT + 10) } })
  })
})
