/**
 * Whole rollouts on the Node 24 bundles, run as a runner runs them, against the fake GitHub API:
 * deploy-canary → analyze → promote ×3, and deploy-canary → analyze → rollback. Traffic moves
 * through the `command` provider (a script that records the weight); metrics come from two local
 * versions of a small service under generated load, read by the `scrape` provider with intervals
 * scaled down to a second. Every step checks the deployment statuses, the check run, the sticky
 * comment and the record, and counts the REST calls each action made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { runBundle, type BundleRun } from '../bundle/harness.js'
import { startService, type RunningService } from '../../cli/demo/service.js'
import { startLoad, type LoadGenerator } from '../../cli/demo/load.js'

const github = useFakeGitHub({ repository: 'octo-org/shop' })

let workspace: string
let stable: RunningService
let healthy: RunningService
let broken: RunningService
const loads: LoadGenerator[] = []

function policy(canaryUrl: string): string {
  const script = join(workspace, 'weight.mjs')
  return `version: 1
environments:
  production:
    production: true
    traffic:
      provider: command
      setWeight: [node, ${JSON.stringify(script)}, set, "{{weight}}", "{{version}}"]
      getWeight: [node, ${JSON.stringify(script)}, get]
    steps:
      - { weight: 5, analysis: smoke }
      - { weight: 25 }
      - { weight: 50 }
      - { weight: 100 }
analysis:
  smoke:
    provider:
      type: scrape
      canary: [${JSON.stringify(`${canaryUrl}/metrics`)}]
      baseline: [${JSON.stringify(`${stable.url}/metrics`)}]
      timeout: 2s
    interval: 1s
    maxDuration: 40s
    alpha: 0.05
    checks:
      - name: http-errors
        type: ratio
        events: http_requests_total{code="500"}
        total: http_requests_total
        tolerance: 100%
        critical: true
      - name: latency
        type: samples
        buckets: http_request_duration_seconds_bucket
        quantile: p50
        tolerance: 50%
`
}

const WEIGHT_SCRIPT = `import { readFileSync, writeFileSync, appendFileSync } from 'node:fs'
const [cmd, weight, version] = process.argv.slice(2)
const file = new URL('./weight.txt', import.meta.url)
if (cmd === 'set') { writeFileSync(file, weight); appendFileSync(new URL('./moves.log', import.meta.url), weight + ' ' + version + '\\n') }
else process.stdout.write(readFileSync(file, 'utf8'))
`

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'rollgate-rollout-'))
  mkdirSync(join(workspace, '.github'))
  writeFileSync(join(workspace, 'weight.mjs'), WEIGHT_SCRIPT)
  writeFileSync(join(workspace, 'weight.txt'), '0')
  stable = await startService('v1', { errorRate: 0.04, latencyMs: 8 })
  healthy = await startService('v2', { errorRate: 0.04, latencyMs: 8 })
  broken = await startService('v3', { errorRate: 0.3, latencyMs: 40 })
  for (const s of [stable, healthy, broken]) loads.push(startLoad({ url: `${s.url}/`, ratePerSecond: 150, maxDurationMs: 240_000 }))
})

afterAll(async () => {
  await Promise.all(loads.map((l) => l.stop()))
  await Promise.all([stable, healthy, broken].map((s) => s?.close()))
  rmSync(workspace, { recursive: true, force: true })
})

function record(): Record<string, unknown> {
  const git = github.state.git
  const head = git.refs.get('refs/heads/rollgate-state')
  const commit = head ? git.commits.get(head) : undefined
  const entry = commit ? git.flatten(commit.tree).get('production.json') : undefined
  const blob = entry ? git.blobs.get(entry.sha) : undefined
  if (!blob) throw new Error('no record on the rollgate-state branch')
  return JSON.parse(blob.toString('utf8')) as Record<string, unknown>
}

async function step(bundle: string, inputs: Record<string, string>, sha: string, pr: number): Promise<BundleRun & { calls: number; ops: string[] }> {
  const before = github.requests.length
  const run = await runBundle(bundle, {
    inputs: { environment: 'production', ...inputs },
    cwd: workspace,
    apiUrl: github.url,
    env: { GITHUB_SHA: sha, GITHUB_ACTION: `${bundle}-${before}` },
    event: { name: 'pull_request', payload: { number: pr, pull_request: { number: pr, head: { sha } } } },
    timeoutMs: 90_000,
  })
  if (process.env['ROLLGATE_TRACE_CALLS']) console.log(bundle, github.requests.slice(before).map((r) => r.operationId).join(', '))
  return { ...run, calls: github.requests.length - before, ops: github.requests.slice(before).map((r) => r.operationId ?? '?') }
}

const weightNow = (): string => readFileSync(join(workspace, 'weight.txt'), 'utf8')
const latestStatus = (): { state: string; description: string } => {
  const deployment = github.state.deployments.at(-1)
  const statuses = deployment ? (github.state.deploymentStatuses.get(deployment.id) ?? []) : []
  const last = statuses.at(-1) as unknown as { state: string; description: string }
  return last
}
const checkRun = () => github.state.checkRuns.map((c) => c.run).filter((c) => c.name === 'rollgate/production').at(-1)
const stickyComments = () => github.state.comments.map((c) => c.comment).filter((c) => (c.body ?? '').includes('<!-- rollgate:production -->'))

describe('a whole rollout on the bundles', () => {
  it('deploy-canary → analyze → promote ×3 ends promoted, with every report saying so', async () => {
    writeFileSync(join(workspace, '.github', 'rollgate.yml'), policy(healthy.url))
    const pull = github.state.seedPull({ head: 'feature' })
    const sha = pull.head.sha
    const calls: Record<string, number> = {}

    const deploy = await step('deploy-canary', { version: 'v2', 'stable-version': 'v1' }, sha, pull.number)
    expect(deploy.errors, deploy.stdout).toEqual([])
    expect(deploy.exitCode).toBe(0)
    expect(deploy.outputs['weight']).toBe('5')
    expect(deploy.outputs['step']).toBe('0')
    expect(Number(deploy.outputs['deployment-id'])).toBeGreaterThan(0)
    expect(weightNow()).toBe('5')
    expect(latestStatus()).toMatchObject({ state: 'in_progress' })
    expect(latestStatus().description).toMatch(/5%/)
    expect(checkRun()).toMatchObject({ status: 'in_progress', head_sha: sha })
    expect(stickyComments()).toHaveLength(1)
    expect(record()).toMatchObject({ phase: 'canary', weight: 5, step: 0, canary: { version: 'v2' }, stable: { version: 'v1' } })
    // The first rollout in a repository also creates the state branch (tree, commit, ref) and
    // retries its write: four calls that later rollouts do not make.
    const branchCreation = deploy.ops.includes('git/create-ref') ? 4 : 0
    calls['deploy-canary'] = deploy.calls - branchCreation

    // Promoting before the first step's analysis passed is refused, and nothing moves.
    const early = await step('promote', {}, sha, pull.number)
    expect(early.exitCode).toBe(1)
    expect(early.errors[0]).toMatch(/analysis/)
    expect(weightNow()).toBe('5')

    const analysis = await step('analyze', {}, sha, pull.number)
    expect(analysis.errors, analysis.stdout).toEqual([])
    expect(analysis.outputs['decision'], analysis.stdout.split('\n').filter((l) => /: [+-]|look/.test(l)).slice(-8).join('\n')).toBe('pass')
    expect(JSON.parse(analysis.outputs['result'] ?? '{}')).toMatchObject({ schemaVersion: 1, decision: 'pass', template: 'smoke' })
    expect(analysis.summary).toMatch(/pass/i)
    expect(analysis.stdout).toMatch(/::group::look 1\//)
    expect(stickyComments()).toHaveLength(1)
    expect(record()).toMatchObject({ lastVerdict: { decision: 'pass', template: 'smoke' } })
    calls['analyze'] = analysis.calls

    for (const [i, weight] of ['25', '50', '100'].entries()) {
      const promoted = await step('promote', {}, sha, pull.number)
      expect(promoted.errors, promoted.stdout).toEqual([])
      expect(promoted.outputs['weight']).toBe(weight)
      expect(weightNow()).toBe(weight)
      calls[`promote ${i + 1}`] = promoted.calls
    }
    expect(record()).toMatchObject({ phase: 'promoted', weight: 100, stable: { version: 'v2' } })
    expect(latestStatus().state).toBe('success')
    expect(checkRun()).toMatchObject({ status: 'completed', conclusion: 'success' })
    expect(stickyComments()).toHaveLength(1)
    expect(stickyComments()[0]?.body).toMatch(/promoted/i)

    // Re-running the last promote (same run, same target) moves nothing and succeeds.
    const again = await step('promote', {}, sha, pull.number)
    expect(again.exitCode).toBe(0)
    expect(JSON.parse(again.outputs['result'] ?? '{}')).toMatchObject({ reasonCode: 'noop' })
    expect(readFileSync(join(workspace, 'moves.log'), 'utf8').trim().split('\n')).toEqual(['5 v2', '25 v2', '50 v2', '100 v2'])

    console.log(`REST calls per action: ${JSON.stringify(calls)}`)
    expect(calls['deploy-canary']).toBeLessThanOrEqual(8)
    for (const k of ['promote 1', 'promote 2']) expect(calls[k]).toBeLessThanOrEqual(6)
    expect(calls['promote 3']).toBeLessThanOrEqual(7) // finalizing production also marks the old deployment inactive
  }, 180_000)

  it('deploy-canary → analyze → rollback ends rolled back, with the reason everywhere', async () => {
    writeFileSync(join(workspace, '.github', 'rollgate.yml'), policy(broken.url))
    writeFileSync(join(workspace, 'moves.log'), '')
    const pull = github.state.seedPull({ head: 'broken' })
    const sha = pull.head.sha

    const deploy = await step('deploy-canary', { version: 'v3', 'stable-version': 'v1' }, sha, pull.number)
    expect(deploy.errors, deploy.stdout).toEqual([])
    expect(weightNow()).toBe('5')

    const analysis = await step('analyze', {}, sha, pull.number)
    expect(analysis.exitCode).toBe(1)
    expect(analysis.outputs['decision']).toBe('fail')
    expect(analysis.errors).toHaveLength(1)
    expect(analysis.errors[0]).toMatch(/^Analysis of production decided fail/)
    expect(checkRun()?.output?.summary ?? '').toMatch(/fail/i)

    const rolledBack = await step('rollback', { reason: 'analysis failed: errors up' }, sha, pull.number)
    expect(rolledBack.errors, rolledBack.stdout).toEqual([])
    expect(rolledBack.outputs['weight']).toBe('0')
    expect(weightNow()).toBe('0')
    expect(record()).toMatchObject({ phase: 'rolled-back', weight: 0, reason: 'analysis failed: errors up' })
    expect(latestStatus().state).toBe('failure')
    expect(checkRun()).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(checkRun()?.output?.summary ?? '').toMatch(/analysis failed: errors up/)
    expect(stickyComments()).toHaveLength(1)
    expect(stickyComments()[0]?.body).toMatch(/rolled back|rolled-back/i)
    expect(rolledBack.calls).toBeLessThanOrEqual(6)

    // Safe to call again from `if: failure()` anywhere: nothing moves.
    const again = await step('rollback', {}, sha, pull.number)
    expect(again.exitCode).toBe(0)
    expect(readFileSync(join(workspace, 'moves.log'), 'utf8').trim().split('\n')).toEqual(['5 v3', '0 v3'])
  }, 180_000)
})
