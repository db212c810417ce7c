/**
 * The analysis loop over a fake metrics backend and a fake clock: it stops at the first decision,
 * a provider failure is nodata with its reason (never a pass), zero traffic never fails, and a
 * `mode: once` analysis carries its evidence between runs in the rollout record.
 */
import { describe, expect, it } from 'vitest'
import { parsePolicy } from '../../shared/config/load.js'
import { planAnalysis } from '../../shared/rollout/analysis-plan.js'
import { watchAnalysis } from '../../shared/rollout/analysis-run.js'
import { analyzeRollout } from '../../shared/rollout/analyze-command.js'
import { deployCanary } from '../../shared/rollout/lifecycle.js'
import { cleanTemporaryStores, fakeClock, fileLifecycle, smokePolicy } from './support.js'
import { streamLogger } from '../../shared/action/logger.js'
import type { MetricQuery, MetricsProvider, ObservationResult } from '../../shared/metrics/types.js'



/** Errors per minute: canary at `canaryRate`, baseline at 1%; 600 requests a minute each (or none). */
function fakeMetrics(canaryRate: number, requests = 600, failing = false): MetricsProvider & { calls: number } {
  const provider = {
    type: 'http' as const,
    calls: 0,
    validate: () => undefined,
    async query(request: MetricQuery): Promise<ObservationResult> {
      provider.calls++
      if (failing) return { ok: false, reason: 'http: check "errors" (canary) events query `e`: HTTP 503 after 3 attempts' }
      const rate = request.arm === 'canary' ? canaryRate : 0.01
      return { ok: true, observation: { events: Math.round(requests * rate), total: requests } }
    },
  }
  return provider as MetricsProvider & { calls: number }
}

const policy = parsePolicy(smokePolicy(), 'policy.yml', {})
const plan = planAnalysis(policy, 'production', 'smoke', 0)
const arms = { canaryVersion: 'v2', stableVersion: 'v1' }
const logger = streamLogger(() => undefined)

describe('the analysis loop', () => {
  it('plans from the policy: alpha, looks, onInconclusive, queries', () => {
    expect(plan).toMatchObject({ intervalMs: 60_000, maxIntervals: 30, onInconclusive: 'hold', judge: { alpha: 0.05 } })
    expect(plan.checks).toEqual([{ name: 'errors', type: 'ratio', events: 'e', total: 't' }])
  })

  it('fails a canary with five times the errors within a few looks, and stops looking', async () => {
    const metrics = fakeMetrics(0.05)
    const outcome = await watchAnalysis(plan, arms, { metrics, clock: fakeClock(), logger })
    expect(outcome.decision).toBe('fail')
    expect(outcome.decidedAt).toBeLessThan(5)
    expect(outcome.looks).toHaveLength((outcome.decidedAt ?? 0) + 1)
    expect(outcome.decidingMetric).toBe('errors')
  })

  it('a failing provider is nodata with its reason: never a pass, never a fail', async () => {
    const outcome = await watchAnalysis(plan, arms, { metrics: fakeMetrics(0.01, 600, true), clock: fakeClock(), logger })
    expect(outcome.decision).toBe('inconclusive')
    expect(outcome.looks.every((l) => l.metrics[0]?.state === 'nodata')).toBe(true)
    expect(outcome.problems[0]?.reason).toMatch(/HTTP 503/)
  })

  it('zero traffic never fails', async () => {
    const outcome = await watchAnalysis(plan, arms, { metrics: fakeMetrics(0.5, 0), clock: fakeClock(), logger })
    expect(outcome.decision).toBe('inconclusive')
    expect(outcome.action).toBe('hold')
  })
})

describe('analyze in once mode', () => {
  cleanTemporaryStores()

  it('takes one look per run and keeps the evidence in the record until the judge decides', async () => {
    const clock = fakeClock()
    const { store, deps } = fileLifecycle(clock)
    await deployCanary({ policy, environment: 'production', version: 'v2', ref: 'main', sha: 'e'.repeat(40), stableVersion: 'v1' }, deps())
    const decisions: string[] = []
    for (let i = 0; i < 10 && decisions.at(-1) !== 'fail'; i++) {
      clock.t += 60_000
      const result = await analyzeRollout({ policy, environment: 'production', mode: 'once' }, { ...deps(), metrics: () => fakeMetrics(0.05), clock })
      decisions.push(result.decision)
      expect(result.outcome.looks).toHaveLength(i + 1) // every earlier interval came back from the record
    }
    expect(decisions.at(-1)).toBe('fail')
    expect(decisions.slice(0, -1).every((d) => d === 'continue')).toBe(true)
    expect((await store.load('production'))?.record.lastVerdict).toMatchObject({ decision: 'fail', template: 'smoke' })
  })
})
