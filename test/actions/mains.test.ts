/**
 * Every action's main, called in-process with fakes: the OpenAPI-validating fake GitHub, a fake
 * clock and an in-memory traffic backend. Each ending writes a `result` matching
 * schema/result.schema.json with a reason code, failures and refusals included.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { MemoryTraffic, runMain, testDeps, workspace, type Workspace } from './support.js'

const POLICY = `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [set, "{{weight}}"], getWeight: [get] }
    steps: [ { weight: 5 }, { weight: 50 }, { weight: 100 } ]
`

const github = useFakeGitHub({ repository: 'octo-org/shop' })
const spaces: Workspace[] = []
afterEach(() => {
  for (const w of spaces.splice(0)) w.cleanup()
})

function setup(policy = POLICY) {
  const ws = workspace(policy)
  spaces.push(ws)
  const traffic = new MemoryTraffic()
  const deps = (io: Parameters<typeof testDeps>[0]) => testDeps(io, { github, traffic })
  const sha = github.state.seedPull({ head: `feature-${spaces.length}` }).head.sha
  const run = (action: Parameters<typeof runMain>[0], options: Parameters<typeof runMain>[3] = {}) => runMain(action, ws, deps, { sha, ...options })
  return { ws, traffic, deps, run }
}

describe('action mains in-process', () => {
  it('deploy-canary → promote → promote → rollback, each with its result, against the fake GitHub', async () => {
    const { ws, traffic, deps } = setup()
    const pull = github.state.seedPull({ head: 'feature' })
    const sha = pull.head.sha
    const deploy = await runMain('deploy-canary', ws, deps, { inputs: { environment: 'production', version: 'v2', 'stable-version': 'v1' }, sha, pullRequest: pull.number })
    expect(deploy.failed).toBeUndefined()
    expect(deploy.result).toMatchObject({ action: 'deploy-canary', reasonCode: 'applied', rollout: { phase: 'canary', weight: 5, canary: 'v2', stable: 'v1', canarySha: sha } })
    expect(traffic.weight).toBe(5)
    expect(deploy.io.outputs['weight']).toBe('5')

    const up = await runMain('promote', ws, deps, { inputs: { environment: 'production' }, sha, pullRequest: pull.number })
    expect(up.result).toMatchObject({ reasonCode: 'applied', traffic: { from: 5, to: 50 } })
    const again = await runMain('promote', ws, deps, { inputs: { environment: 'production' }, sha, pullRequest: pull.number, runId: 77 })
    expect(again.result).toMatchObject({ reasonCode: 'applied', rollout: { phase: 'promoted', weight: 100 } })
    const replay = await runMain('promote', ws, deps, { inputs: { environment: 'production' }, sha, pullRequest: pull.number, runId: 77 })
    expect(replay.result.reasonCode).toBe('replayed')

    const back = await runMain('rollback', ws, deps, { inputs: { environment: 'production', reason: 'pager' }, sha })
    expect(back.result).toMatchObject({ action: 'rollback', reasonCode: 'applied', rollout: { phase: 'rolled-back' } })
    expect(traffic.weight).toBe(0)
  })

  it.each([
    ['deploy-canary', {}, 'invalid-input', /Input 'environment' is required/],
    ['promote', { environment: 'production', to: '120' }, 'invalid-input', /Input 'to'/],
    ['analyze', { environment: 'production', mode: 'forever' }, 'invalid-input', /Input 'mode'/],
    ['rollback', { environment: 'production', 'github-token': '' }, 'invalid-input', /github-token/],
    ['flag-cleanup', {}, 'invalid-policy', /has no flags: section/],
  ] as const)('%s with %j ends with a result too (%s)', async (action, inputs, code, message) => {
    const { run: runIt } = setup()
    const run = await runIt(action, { inputs: { ...inputs } })
    expect(run.failed).toMatch(message)
    expect(run.result).toMatchObject({ schemaVersion: 1, action, reasonCode: code, rollout: null })
    expect(run.result.message).toMatch(message)
  })

  it('a refusal by the state machine is a result with the record it read', async () => {
    const { run: runIt } = setup()
    const run = await runIt('promote', { inputs: { environment: 'production' } })
    expect(run.failed).toMatch(/promote refused/)
    expect(run.result).toMatchObject({ reasonCode: 'illegal-move', rollout: null })
    await runIt('deploy-canary', { inputs: { environment: 'production', version: 'v2', 'stable-version': 'v1' } })
    const second = await runIt('deploy-canary', { inputs: { environment: 'production', version: 'v3' } })
    expect(second.failed).toMatch(/deploy-canary refused: v2 is still rolling out/)
    expect(second.result).toMatchObject({ reasonCode: 'illegal-move', rollout: { environment: 'production', phase: 'canary', canary: 'v2', weight: 5 } })
  })

  it('a bad policy file is invalid-policy, a traffic failure is traffic-failed, a bug is internal-error', async () => {
    const bad = setup('version: 1\nenvironments: { production: { steps: [] } }\n')
    const policy = await bad.run('deploy-canary', { inputs: { environment: 'production', version: 'v2', 'stable-version': 'v1' } })
    expect(policy.result.reasonCode).toBe('invalid-policy')

    const { ws, traffic, deps, run } = setup()
    traffic.failNext = 'backend refused'
    const moved = await run('deploy-canary', { inputs: { environment: 'production', version: 'v2', 'stable-version': 'v1' } })
    expect(moved.result, moved.failed).toMatchObject({ reasonCode: 'traffic-failed' })
    expect(moved.failed).toMatch(/backend refused/)

    const broken = await runMain('promote', ws, (io) => ({ ...deps(io), traffic: () => { throw new TypeError('boom') } }), { inputs: { environment: 'production' }, sha: 'b'.repeat(40) })
    expect(broken.result.reasonCode).toBe('internal-error')
  })
})
