/**
 * #10 points 3 and 6, through the actions' mains: look-alike environment names never share a
 * record across two policies, an unknown environment is refused before anything is read, and the
 * stable version is explicit (input > record > policy) or the first rollout is refused.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { checkPolicy } from '../../shared/config/load.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { MemoryTraffic, runMain, testDeps, workspace, type Workspace } from './support.js'

const github = useFakeGitHub({ repository: 'octo-org/shop' })
const spaces: Workspace[] = []
afterEach(() => {
  for (const w of spaces.splice(0)) w.cleanup()
})

const env = (name: string, steps = '[ { weight: 5 }, { weight: 50 }, { weight: 100 } ]', extra = '') =>
  `  ${name}:\n    traffic: { provider: command, setWeight: [set, "{{weight}}"], getWeight: [get] }\n    steps: ${steps}\n${extra}`

function setup(policy: string) {
  const ws = workspace(policy)
  spaces.push(ws)
  const traffic = new MemoryTraffic()
  const sha = github.state.seedPull({ head: `feature-${spaces.length}` }).head.sha
  const run = (action: Parameters<typeof runMain>[0], options: Parameters<typeof runMain>[3] = {}) =>
    runMain(action, ws, (io) => testDeps(io, { github, traffic }), { sha, ...options })
  return { ws, traffic, run }
}

describe('look-alike environment names', () => {
  it('validate rejects two environments that differ only by case, at the second one', () => {
    const text = `version: 1\nenvironments:\n${env('prod')}${env('PROD', '[ { weight: 100 } ]')}`
    const check = checkPolicy(text, 'rollgate.yml', {})
    expect(check.ok).toBe(false)
    if (check.ok) return
    const problem = check.problems.find((p) => /only by case/.test(p.message))
    expect(problem).toMatchObject({ path: 'environments.PROD', line: 6 })
    expect(problem?.message).toMatch(/'PROD' differs from 'prod' only by case/)
  })

  it('the deploy of such a policy is refused before anything moves (invalid-policy)', async () => {
    const { run, traffic } = setup(`version: 1\nenvironments:\n${env('prod')}${env('PROD', '[ { weight: 100 } ]')}`)
    const deploy = await run('deploy-canary', { inputs: { environment: 'PROD', version: 'v2', 'stable-version': 'v1' } })
    expect(deploy.result.reasonCode).toBe('invalid-policy')
    expect(traffic.changes).toEqual([])
    // Nothing but the check run that carries the policy's problems as annotations: no record, no deployment.
    expect(github.requests.map((r) => r.operationId)).toEqual(['checks/list-for-ref', 'checks/create'])
  })

  it('an environment input in another case is the policy\'s environment, one record, its own steps', async () => {
    const { run, traffic } = setup(`version: 1\nenvironments:\n${env('prod')}`)
    await run('deploy-canary', { inputs: { environment: 'prod', version: 'v2', 'stable-version': 'v1' } })
    const up = await run('promote', { inputs: { environment: 'PROD' } })
    expect(up.result).toMatchObject({ reasonCode: 'applied', rollout: { environment: 'prod', weight: 50 } })
    expect(traffic.weight).toBe(50) // 5 → 50, the next step: never straight to 100
    const files = [...github.requests].filter((r) => r.operationId === 'repos/create-or-update-file-contents').map((r) => r.path)
    expect(new Set(files)).toEqual(new Set(['/repos/octo-org/shop/contents/prod.json']))
  })

  it('an environment the policy does not define is refused before any request', async () => {
    const { run } = setup(`version: 1\nenvironments:\n${env('production')}`)
    const promote = await run('promote', { inputs: { environment: 'prodution' } })
    expect(promote.result).toMatchObject({ reasonCode: 'unknown-environment', rollout: null })
    expect(promote.failed).toMatch(/Input 'environment' is "prodution", which the policy does not define; did you mean 'production'\?/)
    expect(github.requests).toEqual([])
  })
})

describe('the stable version of a first rollout', () => {
  it('is refused without one, naming the input, before anything moves', async () => {
    const { run, traffic } = setup(`version: 1\nenvironments:\n${env('production')}`)
    const deploy = await run('deploy-canary', { inputs: { environment: 'production', version: 'v2' } })
    expect(deploy.result.reasonCode).toBe('stable-version-unknown')
    expect(deploy.failed).toMatch(/input 'stable-version'/)
    expect(traffic.changes).toEqual([])
    expect(github.requests.filter((r) => r.method !== 'GET')).toEqual([])
  })

  it('takes the policy\'s environments.<env>.stableVersion', async () => {
    const { run, traffic } = setup(`version: 1\nenvironments:\n${env('production', undefined, '    stableVersion: v1.4.0\n')}`)
    const deploy = await run('deploy-canary', { inputs: { environment: 'production', version: 'v2' } })
    expect(deploy.result).toMatchObject({ reasonCode: 'applied', rollout: { stable: 'v1.4.0' } })
    expect(traffic.changes[0]?.ctx.stableVersion).toBe('v1.4.0')
  })

  it('an explicit stable-version wins over the record\'s, and is recorded', async () => {
    const { run, traffic } = setup(`version: 1\nenvironments:\n${env('production')}`)
    await run('deploy-canary', { inputs: { environment: 'production', version: 'v2', 'stable-version': 'v1' } })
    await run('promote', { inputs: { environment: 'production', full: 'true' } })
    const second = await run('deploy-canary', { inputs: { environment: 'production', version: 'v3', 'stable-version': 'v2-hotfix' } })
    expect(second.result).toMatchObject({ reasonCode: 'applied', rollout: { stable: 'v2-hotfix', canary: 'v3' } })
    expect(traffic.changes.at(-1)?.ctx.stableVersion).toBe('v2-hotfix')
    const third = await run('rollback', { inputs: { environment: 'production' } })
    expect(third.result).toMatchObject({ rollout: { phase: 'rolled-back', stable: 'v2-hotfix' } })
  })
})
