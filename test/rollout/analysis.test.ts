/**
 * The analysis loop over a fake metrics backend and a fake clock: it stops at the first decision,
 * a provider failure is nodata with its reason (never a pass), zero traffic never fails, and a
 * `mode: once` analysis carries its evidence between runs in the rollout record.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePolicy } from '../../shared/config/load.js'
import { planAnalysis } from '../../shared/rollout/analysis-plan.js'
import type { Clock } from '../../shared/clock.js'
import { watchAnalysis } from '../../shared/rollout/analysis-run.js'
import { analyzeRollout } from '../../shared/rollout/analyze-command.js'
import { deployCanary, type LifecycleDeps } from '../../shared/rollout/lifecycle.js'
import { createLocalReporter } from '../../shared/rollout/reporter.js'
import { FileStateStore } from '../../shared/state/file-store.js'
import { streamLogger } from '../../shared/action/logger.js'
import type { MetricQuery, MetricsProvider, ObservationResult } from '../../shared/metrics/provider.js'
import type { TrafficProvider } from '../../shared/traffic/provider.js'

const POLICY = `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [set, "{{weight}}"] }
    steps: [ { weight: 10, analysis: smoke }, { weight: 100 } ]
analysis:
  smoke:
    provider: { type: http, url: "http://127.0.0.1:1/{{query}}", jsonPath: { value: "$.v" } }
    interval: 1m
    maxDuration: 30m
    checks:
      - { name: errors, type: ratio, events: e, total: t, critical: true }
`

function fakeClock(start = Date.parse('2026-11-22T00:00:00Z')): Clock & { t: number } {
  const clock = {
    t: start,
    now: () => new Date(clock.t),
    sleep: async (ms: number) => {
      clock.t += Math.max(0, ms)
    },
  }
  return clock
}

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

const policy = parsePolicy(POLICY, 'policy.yml', {})
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
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('takes one look per run and keeps the evidence in the record until the judge decides', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-once-'))
    dirs.push(dir)
    const store = new FileStateStore({ directory: dir })
    const traffic: TrafficProvider = {
      name: 'command',
      setWeight: async (weight) => ({ provider: 'command', target: 'memory', previous: 0, weight, readBack: weight, changes: [] }),
      readWeight: async () => 10,
      describe: () => 'memory',
    }
    const clock = fakeClock()
    let run = 0
    const deps = (): LifecycleDeps => ({
      store,
      traffic,
      hooks: { run: async () => undefined },
      reporter: createLocalReporter(() => undefined),
      logger,
      context: { runId: ++run, runAttempt: 1, job: 'analyze', actor: 'octocat', now: clock.now() },
    })
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
