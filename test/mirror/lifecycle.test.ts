/**
 * A mirror step through the lifecycle: deploy-canary hands the provider the step's mirror with
 * weight 0, the analysis of that step is paired (shadow vs stable on the same requests), and the
 * next step's move carries no mirror, so the provider takes it out. A provider that cannot mirror
 * is refused before anything moves.
 */
import { describe, expect, it } from 'vitest'
import { parsePolicy } from '../../shared/config/load.js'
import { analyzeRollout } from '../../shared/rollout/analyze-command.js'
import { deployCanary, promote } from '../../shared/rollout/lifecycle.js'
import { cleanTemporaryStores, fakeClock, fileLifecycle } from '../rollout/support.js'
import type { MetricQuery, MetricsProvider, ObservationResult } from '../../shared/metrics/types.js'
import type { TrafficProvider, WeightContext } from '../../shared/traffic/types.js'

const POLICY = `version: 1
environments:
  staging:
    traffic: { provider: istio, namespace: shop, virtualService: web, stable: { host: web, subset: stable }, canary: { host: web, subset: canary } }
    steps:
      - { weight: 0, mirror: 20, analysis: shadow }
      - { weight: 10, analysis: shadow }
      - { weight: 100 }
analysis:
  shadow:
    provider: { type: http, url: "http://127.0.0.1:1/{{query}}", jsonPath: { value: "$.v" } }
    interval: 1m
    maxDuration: 60m
    checks:
      - { name: errors, type: ratio, events: e, total: t, critical: true, tolerance: 20% }
`
const policy = parsePolicy(POLICY, 'policy.yml', {})

/** The mirror copies 20% of stable's 25,000 requests a minute; the shadow's error rate is `factor` times stable's 1%, around a shared drift. */
function mirroredMetrics(factor: number): MetricsProvider {
  let minute = 0
  return {
    type: 'http',
    validate: () => undefined,
    async query(request: MetricQuery): Promise<ObservationResult> {
      if (request.arm === 'canary' && request.check.name === 'errors') minute++
      const drift = 1 + 0.5 * Math.sin(minute)
      const total = request.arm === 'canary' ? 5000 : 25_000
      const rate = 0.01 * drift * (request.arm === 'canary' ? factor : 1)
      return { ok: true, observation: { events: Math.round(total * rate), total } }
    },
  } as MetricsProvider
}

class MirrorTraffic implements TrafficProvider {
  readonly name = 'istio' as const
  constructor(readonly mirrors: boolean) {}
  weight = 0
  readonly moves: WeightContext[] = []
  async setWeight(weight: number, ctx: WeightContext) {
    this.moves.push(ctx)
    this.weight = weight
    return { provider: 'istio' as const, target: 'memory', previous: 0, weight, readBack: weight, changes: [] }
  }
  async readWeight() {
    return this.weight
  }
  describe() {
    return 'memory'
  }
}

cleanTemporaryStores()

function lifecycle(traffic: TrafficProvider, lines: string[] = []) {
  const clock = fakeClock(Date.parse('2026-12-06T00:00:00Z'))
  return { ...fileLifecycle(clock, traffic, { lines, job: 'rollout' }), clock }
}

describe('mirror steps through the lifecycle and the analysis', () => {
  it('deploys with the mirror at 0%, judges the shadow paired, and the next step carries no mirror', async () => {
    const traffic = new MirrorTraffic(true)
    const lines: string[] = []
    const { deps, clock } = lifecycle(traffic, lines)
    await deployCanary({ policy, environment: 'staging', version: 'v2', ref: 'main', sha: 'f'.repeat(40), stableVersion: 'v1' }, deps())
    expect(traffic.moves[0]).toMatchObject({ mirror: { percent: 20, methods: ['GET', 'HEAD'] } })
    expect(traffic.weight).toBe(0)

    const good = await analyzeRollout({ policy, environment: 'staging', mode: 'watch' }, { ...deps(), metrics: () => mirroredMetrics(1), clock })
    expect(good.decision).toBe('pass')
    expect(good.outcome.looks.at(-1)?.metrics[0]?.reason).toMatch(/^the shadow is proven no worse than stable beyond the tolerance \(paired over \d+ intervals\)/)
    expect(lines.some((l) => l.includes("paired analysis 'shadow' of the shadow v2 against v1 on the same requests (mirroring 20% of requests to the canary (serves none), methods GET, HEAD"))).toBe(true)

    await promote({ policy, environment: 'staging', target: { kind: 'next' } }, deps())
    expect(traffic.moves[1]).not.toHaveProperty('mirror')
    expect(traffic.weight).toBe(10)
  })

  it('a shadow with three times the errors fails its paired analysis', async () => {
    const traffic = new MirrorTraffic(true)
    const { deps, clock } = lifecycle(traffic)
    await deployCanary({ policy, environment: 'staging', version: 'v2', ref: 'main', sha: 'f'.repeat(40), stableVersion: 'v1' }, deps())
    const bad = await analyzeRollout({ policy, environment: 'staging', mode: 'watch' }, { ...deps(), metrics: () => mirroredMetrics(3), clock })
    expect(bad.decision).toBe('fail')
    expect(bad.outcome.reason).toMatch(/errors: the shadow is proven worse than stable on the same requests \(paired/)
  })

  it('a provider that cannot mirror is refused before traffic moves', async () => {
    const traffic = new MirrorTraffic(false)
    const { deps } = lifecycle(traffic)
    await expect(deployCanary({ policy, environment: 'staging', version: 'v2', ref: 'main', sha: 'f'.repeat(40), stableVersion: 'v1' }, deps())).rejects.toThrow(
      /step 1 mirrors requests, which the istio traffic provider cannot do/,
    )
    expect(traffic.moves).toHaveLength(0)
  })
})
