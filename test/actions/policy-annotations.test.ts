/**
 * A policy with problems found when an action runs (not only by `rollgate validate`) fails the
 * check run `rollgate/<environment>` on the workflow's commit, with one annotation per problem at
 * the policy file's path, line and column: every action that reads the policy, in-process against
 * the fake GitHub (which validates each request against GitHub's OpenAPI description).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { MemoryTraffic, runMain, testDeps, workspace, type Workspace } from './support.js'

// Two problems: an unknown key on line 5 and a decreasing weight on line 6.
const BAD_POLICY = `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [set, "{{weight}}"] }
    stepz: []
    steps: [ { weight: 50 }, { weight: 5 }, { weight: 100 } ]
`

const github = useFakeGitHub({ repository: 'octo-org/shop' })
const spaces: Workspace[] = []
afterEach(() => {
  for (const w of spaces.splice(0)) w.cleanup()
})

const ACTIONS = [
  ['deploy-canary', { environment: 'production', version: 'v2' }],
  ['analyze', { environment: 'production' }],
  ['promote', { environment: 'production' }],
  ['rollback', { environment: 'production', reason: 'pager' }],
] as const

describe('policy problems at run time', () => {
  it.each(ACTIONS)('%s fails the check run with an annotation per problem at file:line:column', async (action, inputs) => {
    const ws = workspace(BAD_POLICY)
    spaces.push(ws)
    const sha = github.state.seedPull({ head: `feature-${spaces.length}` }).head.sha
    const run = await runMain(action, ws, (io) => testDeps(io, { github, traffic: new MemoryTraffic() }), { inputs, sha })

    expect(run.failed).toMatch(/2 problems in the policy file/)
    expect(run.result.reasonCode).toBe('invalid-policy')
    const checks = github.state.checkRuns.filter((r) => r.run.name === 'rollgate/production')
    expect(checks).toHaveLength(1)
    const [check] = checks
    expect(check?.run).toMatchObject({ head_sha: sha, status: 'completed', conclusion: 'failure', external_id: 'rollgate:production' })
    expect(check?.run.output.title).toBe('Policy invalid: 2 configuration errors in rollgate.yml')
    // The workspace is the repository root: the path is the policy's place in the repository.
    expect(check?.annotations).toEqual([
      expect.objectContaining({ path: 'rollgate.yml', start_line: 5, end_line: 5, start_column: 5, annotation_level: 'failure', message: expect.stringMatching(/^unknown key 'stepz'; did you mean 'steps'\?/) }),
      expect.objectContaining({ path: 'rollgate.yml', start_line: 6, end_line: 6, annotation_level: 'failure', message: expect.stringMatching(/^step weights must not decrease \(found 5; expected at least 50/) }),
    ])
  })

  it('updates the check run already on the commit instead of adding a second one', async () => {
    const ws = workspace(BAD_POLICY)
    spaces.push(ws)
    const deps = (io: Parameters<typeof testDeps>[0]) => testDeps(io, { github, traffic: new MemoryTraffic() })
    const sha = github.state.seedPull({ head: `feature-${spaces.length}` }).head.sha
    await runMain('promote', ws, deps, { inputs: { environment: 'production' }, sha })
    await runMain('promote', ws, deps, { inputs: { environment: 'production' }, sha })
    expect(github.state.checkRuns.filter((r) => r.run.name === 'rollgate/production')).toHaveLength(1)
  })

  it('keeps the policy error as the ending when GitHub cannot take the check run', async () => {
    const ws = workspace(BAD_POLICY)
    spaces.push(ws)
    github.faults.push({ match: { operationId: 'checks/create' }, status: 422, times: 5 })
    const run = await runMain('promote', ws, (io) => testDeps(io, { github, traffic: new MemoryTraffic() }), { inputs: { environment: 'production' }, sha: github.state.seedPull({ head: 'broken-checks' }).head.sha })
    expect(run.result.reasonCode).toBe('invalid-policy')
    expect(run.failed).toMatch(/2 problems in the policy file/)
    expect(run.io.warnings.map((w) => w.message).join('\n')).toMatch(/could not annotate the policy problems on the check run rollgate\/production/)
  })
})
