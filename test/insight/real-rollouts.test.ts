/**
 * The report recognises the deployments Rollgate's own actions create: rollouts driven by the real
 * deploy-canary, promote and rollback mains (GitHub state store, payload, status descriptions) on
 * the fake GitHub, next to a deployment GitHub made for a job, then read back by actions/report.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { seedJobDeployment } from './seed.js'
import { FakeClock, MemoryTraffic, runMain, testDeps, workspace, type Workspace } from '../actions/support.js'

const POLICY = `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [set, "{{weight}}"], getWeight: [get] }
    steps: [ { weight: 5 }, { weight: 50 }, { weight: 100 } ]
`
const MIN = 60_000

describe('report over rollouts made by the real actions', () => {
  const github = useFakeGitHub({ repository: 'octo-org/shop' })
  let ws: Workspace | undefined
  afterEach(() => ws?.cleanup())

  it('counts the promotion and the rollback, and leaves the job deployment out', async () => {
    const clock = new FakeClock(new Date('2026-05-04T08:00:00Z'))
    github.state.clock = () => clock.now()
    ws = workspace(POLICY)
    const traffic = new MemoryTraffic()
    const deps = (io: Parameters<typeof testDeps>[0]) => testDeps(io, { github, traffic, clock })
    const env = { environment: 'production' }

    const first = github.state.seedPull({ head: 'feature-a' }).head.sha // authored 08:00
    clock.advance(60 * MIN)
    await runMain('deploy-canary', ws, deps, { inputs: { ...env, version: 'v2', 'stable-version': 'v1' }, sha: first }) // 09:00
    clock.advance(20 * MIN)
    await runMain('promote', ws, deps, { inputs: env, sha: first }) // 09:20 → 50%
    clock.advance(30 * MIN)
    const promoted = await runMain('promote', ws, deps, { inputs: env, sha: first, runId: 901 }) // 09:50 → 100%
    expect(promoted.result).toMatchObject({ rollout: { phase: 'promoted' } })

    seedJobDeployment(github.state, { environment: 'production', sha: first, createdAt: '2026-05-04T10:00:00Z' })

    clock.advance(130 * MIN) // 12:00
    const second = github.state.seedPull({ head: 'feature-b' }).head.sha
    await runMain('deploy-canary', ws, deps, { inputs: { ...env, version: 'v3' }, sha: second }) // 12:00
    clock.advance(10 * MIN)
    const back = await runMain('rollback', ws, deps, { inputs: { ...env, reason: 'errors doubled' }, sha: second }) // 12:10
    expect(back.result).toMatchObject({ rollout: { phase: 'rolled-back' } })

    clock.advance(60 * MIN)
    const report = await runMain('report', ws, deps, { inputs: { environments: 'production', since: '7d' }, sha: second })
    expect(report.failed).toBeUndefined()
    const figures = report.result['report'] as Record<string, Record<string, unknown>>
    expect(figures['deploymentFrequency']).toMatchObject({ promotions: 1 })
    // v2: authored 08:00, promoted 09:50.
    expect(figures['leadTime']).toMatchObject({ count: 1, medianMs: 110 * MIN, fromCommits: 1 })
    expect(figures['changeFailureRate']).toMatchObject({ ended: 2, failed: 1, rollbacks: 1, rate: 0.5 })
    // v3: no verdict in the record, so from the start of its step (12:00) to the rollback (12:10).
    expect(figures['timeToRestore']).toMatchObject({ count: 1, medianMs: 10 * MIN, fromVerdicts: 0 })
    expect(figures['judge']?.['steps']).toEqual([
      { step: 1, weight: 5, rollouts: 2, medianMs: 15 * MIN, totalMs: 30 * MIN },
      { step: 2, weight: 50, rollouts: 1, medianMs: 30 * MIN, totalMs: 30 * MIN },
    ])
    expect(report.result['report']).toMatchObject({ ignoredDeployments: 1, rolloutCount: 2 })
  }, 60_000)
})
