/**
 * Comment commands end to end on the committed bundles, wired exactly as
 * examples/workflows/pr-comments.yml wires them: a webhook-schema-valid issue_comment event →
 * `node dist/router/index.js` → (when the router dispatched) the workflow's `run` job, whose steps'
 * `if:` and `with:` are evaluated from the router's outputs → `node dist/<action>/index.js`. Each
 * case checks what people see on the fake GitHub (the record, the rollgate/<env> check run, the
 * deployment status, the reply comment and the reactions) and counts the REST calls the router and
 * the action made, printed as one table at the end (the budget in docs/commands.md and the README).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { REPO_ROOT, runBundle, type BundleRun } from '../bundle/harness.js'
import { commentEvent, postComment } from '../commands/support.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import type { PullModel } from '../fakes/github/state.js'
import { startService, type RunningService } from '../../cli/demo/service.js'
import { startLoad, type LoadGenerator } from '../../cli/demo/load.js'
import { condition, evaluate, interpolate, readWorkflow, rollgateBundle, stepInputs, type Contexts } from './commands-workflow.js'

const WORKFLOW = readWorkflow(join(REPO_ROOT, 'examples', 'workflows', 'pr-comments.yml'))
const github = useFakeGitHub({ repository: 'octo-org/shop' })
let workspace: string
let runId = 9000

const policy = (script: string, metrics: { canary: string; baseline: string }): string => `version: 1
environments:
  staging:
    stableVersion: v1
    traffic: { provider: command, setWeight: [node, ${JSON.stringify(script)}, staging, "{{weight}}"] }
    steps: [ { weight: 50, analysis: smoke }, { weight: 100 } ]
  production:
    production: true
    traffic: { provider: command, setWeight: [node, ${JSON.stringify(script)}, production, "{{weight}}"] }
    steps: [ { weight: 10 }, { weight: 50 }, { weight: 100 } ]
    protect: { promote: maintain }
analysis:
  smoke:
    provider: { type: scrape, canary: [${JSON.stringify(metrics.canary)}], baseline: [${JSON.stringify(metrics.baseline)}], timeout: 2s }
    interval: 1s
    maxDuration: 4s
    checks:
      - { name: http-errors, type: ratio, events: 'http_requests_total{code="500"}', total: http_requests_total, tolerance: 100%, critical: true }
`

let services: RunningService[] = []
let loads: LoadGenerator[] = []

beforeAll(async () => {
  services = [await startService('v1', { errorRate: 0.02, latencyMs: 5 }), await startService('v2', { errorRate: 0.02, latencyMs: 5 })]
  loads = services.map((s) => startLoad({ url: `${s.url}/`, ratePerSecond: 50, maxDurationMs: 600_000 }))
  workspace = mkdtempSync(join(tmpdir(), 'rollgate-commands-'))
  mkdirSync(join(workspace, '.github'))
  writeFileSync(
    join(workspace, 'weight.mjs'),
    "import { writeFileSync } from 'node:fs'\nconst [env, weight] = process.argv.slice(2)\nwriteFileSync(new URL(`./weight-${env}.txt`, import.meta.url), weight)\n",
  )
  writeFileSync(join(workspace, '.github', 'rollgate.yml'), policy(join(workspace, 'weight.mjs'), { baseline: `${services[0]?.url}/metrics`, canary: `${services[1]?.url}/metrics` }))
})
afterAll(async () => {
  await Promise.all(loads.map((l) => l.stop()))
  await Promise.all(services.map((s) => s.close()))
  rmSync(workspace, { recursive: true, force: true })
})

let pull: PullModel
beforeEach(() => {
  for (const env of ['staging', 'production']) rmSync(join(workspace, `weight-${env}.txt`), { force: true })
  // The router reads the policy from the default branch; the job's checkout is that branch too.
  github.state.commitFiles({ branch: 'main', files: { '.github/rollgate.yml': readFileSync(join(workspace, '.github', 'rollgate.yml'), 'utf8') } })
  pull = github.state.seedPull({ head: 'feature', files: { 'app.txt': 'v2\n' } })
  github.state.permissions.set('walt', 'write')
  github.state.permissions.set('maria', 'maintain')
})

const weight = (env: string): string | undefined => {
  try {
    return readFileSync(join(workspace, `weight-${env}.txt`), 'utf8')
  } catch {
    return undefined
  }
}

function record(env: string): Record<string, any> | undefined { // eslint-disable-line @typescript-eslint/no-explicit-any
  const git = github.state.git
  const head = git.refs.get('refs/heads/rollgate-state')
  const entry = head ? git.flatten((git.commits.get(head) as { tree: string }).tree).get(`${env}.json`) : undefined
  const blob = entry ? git.blobs.get(entry.sha) : undefined
  return blob ? (JSON.parse(blob.toString('utf8')) as Record<string, unknown>) : undefined
}

const checkRun = (env: string) => github.state.checkRuns.map((c) => c.run).filter((r) => r.name === `rollgate/${env}`).at(-1)
const deploymentStatus = (env: string) => {
  const deployment = github.state.deployments.filter((d) => d.environment === env).at(-1)
  return deployment ? (github.state.deploymentStatuses.get(deployment.id) ?? []).at(-1) : undefined
}
const commentBody = (id: number) => github.state.comments.find((c) => c.comment.id === id)?.comment.body ?? ''
const reactionsOn = (id: number) => github.state.comments.find((c) => c.comment.id === id)?.reactions.map((r) => r.content) ?? []

interface CommandRun {
  router: BundleRun
  /** The dispatched action's bundle run, when the workflow's `run` job ran one. */
  action?: { name: string; run: BundleRun }
  commandId: number
  replyId: number
  calls: { router: number; action: number; stateBranch: number }
}

/**
 * One comment through the workflow. `meanwhile` runs between the router's job and the dispatched
 * one (where GitHub waits for the environment's reviewers): the place a push or a close lands.
 */
async function comment(body: string, login: string, meanwhile?: () => void): Promise<CommandRun> {
  runId++
  const commandId = await postComment(github, pull.number, body)
  const event = commentEvent({ github, body, login, pr: pull.number, commentId: commandId })
  const mainSha = github.state.resolveRef('main') as string
  const runner = (job: string, step: string) => ({
    ROLLGATE_GITHUB_PACING: 'off',
    GITHUB_SHA: mainSha,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: String(runId),
    GITHUB_JOB: job,
    GITHUB_ACTION: step,
    GITHUB_ACTOR: login,
    GITHUB_WORKFLOW: 'rollgate commands',
  })
  const base: Contexts = { github: { event: event as never, event_name: 'issue_comment' }, vars: {}, secrets: {} }

  const routerJob = WORKFLOW.jobs['rollgate']
  const runJob = WORKFLOW.jobs['run']
  if (!routerJob || !runJob) throw new Error('pr-comments.yml lost its rollgate or run job')
  expect(condition(routerJob.if, base)).toBe(true)
  const routerStep = routerJob.steps.find((s) => rollgateBundle(s.uses) === 'router')
  if (!routerStep?.id) throw new Error('the rollgate job has no router step with an id')
  const before = github.requests.length
  const router = await runBundle('router', {
    inputs: stepInputs(routerStep, base),
    event: { name: 'issue_comment', payload: event },
    apiUrl: github.url,
    cwd: workspace,
    env: runner('rollgate', routerStep.id),
    timeoutMs: 120_000,
  })
  expect(router.exitCode, router.stdout).toBe(0)
  const routerCalls = github.requests.length - before
  const jobOutputs = Object.fromEntries(
    Object.entries(routerJob.outputs ?? {}).map(([k, v]) => [k, interpolate(v, { ...base, steps: { [routerStep.id as string]: { outputs: router.outputs } } })]),
  )
  const contexts: Contexts = { ...base, needs: { rollgate: { outputs: jobOutputs, result: 'success' } } }
  const replyId = Number(router.outputs['comment-id'] || 0)

  const result: CommandRun = { router, commandId, replyId, calls: { router: routerCalls, action: 0, stateBranch: 0 } }
  if (!condition(runJob.if, contexts)) return result
  // The job names the environment the router spelled as the policy's key.
  expect(interpolate(runJob.environment ?? '', contexts)).toBe(router.outputs['environment'])
  meanwhile?.()
  for (const step of runJob.steps) {
    const name = rollgateBundle(step.uses)
    if (name === undefined || !condition(step.if, contexts)) continue
    const start = github.requests.length
    const run = await runBundle(name, {
      inputs: stepInputs(step, contexts),
      event: { name: 'issue_comment', payload: event },
      apiUrl: github.url,
      cwd: workspace,
      env: runner('run', `${name}-step`),
      timeoutMs: 120_000,
    })
    const ops = github.requests.slice(start).map((r) => r.operationId)
    // The first write of a repository also creates the state branch (blob, tree, commit, ref).
    result.calls.stateBranch = ops.includes('git/create-ref') ? 4 : 0
    result.calls.action = ops.length - result.calls.stateBranch
    if (result.action) throw new Error('two Rollgate steps ran for one command')
    result.action = { name, run }
  }
  return result
}

const BUDGET: { command: string; router: number; action: string; total: string }[] = []
function measure(command: string, run: CommandRun): void {
  BUDGET.push({
    command,
    router: run.calls.router,
    action: run.action ? `${run.calls.action} (${run.action.name})${run.calls.stateBranch ? ` + ${run.calls.stateBranch} state-branch setup` : ''}` : '–',
    total: String(run.calls.router + run.calls.action),
  })
}

/** How a reply shows text that names an issue: `#12` defused so it does not link (shared/report/text.ts). */
const shown = (text: string): string => text.replace(/#(\d)/g, '#\u200d$1')

const resultOf = (run: BundleRun): Record<string, any> => JSON.parse(run.outputs['result'] ?? '{}') as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

afterAll(() => {
  if (BUDGET.length === 0) return
  const lines = ['| command | router | action | router + action |', '| --- | --- | --- | --- |', ...BUDGET.map((b) => `| ${b.command} | ${b.router} | ${b.action} | ${b.total} |`)]
  console.log(`REST calls per comment command, measured at the fake GitHub:\n${lines.join('\n')}`)
})

describe('the workflow interpreter reads the example as the runner would', () => {
  it('evaluates the expressions pr-comments.yml uses', () => {
    const needs = { rollgate: { outputs: { command: 'canary', args: '{"to":25}', sha: 'abc' } } }
    expect(evaluate("fromJSON(needs.rollgate.outputs.args).version || needs.rollgate.outputs.sha", { needs })).toBe('abc')
    expect(interpolate('${{ fromJSON(needs.rollgate.outputs.args).to }}', { needs })).toBe('25')
    expect(interpolate('${{ fromJSON(needs.rollgate.outputs.args).full || false }}', { needs })).toBe('false')
    expect(interpolate("${{ fromJSON(needs.rollgate.outputs.args).reason || 'from a comment' }}", { needs })).toBe('from a comment')
    expect(condition("needs.rollgate.outputs.command == 'CANARY'", { needs })).toBe(true)
    expect(condition("needs.rollgate.outputs.command != ''", { needs: { rollgate: { outputs: { command: '' } } } })).toBe(false)
    expect(() => evaluate('toJSON(github)', { github: {} })).toThrow(/not supported/)
  })
})

describe('comment commands on the bundles, as pr-comments.yml wires them', () => {
  it('/rollgate canary staging: the PR head deployed at the first step, its check run, deployment status, 👀 then 🚀 and the reply', async () => {
    const head = pull.head.sha
    const run = await comment('/rollgate canary staging', 'walt')
    expect(resultOf(run.router)).toMatchObject({ reasonCode: 'dispatched', command: 'canary', environment: 'staging', sha: head })
    expect(run.action?.name).toBe('deploy-canary')
    const action = run.action?.run as BundleRun
    expect(action.errors, action.stdout).toEqual([])
    expect(action.exitCode).toBe(0)
    expect(weight('staging')).toBe('50')
    // Without --version the workflow deploys the SHA itself as the version; the stable one comes from the policy.
    expect(record('staging')).toMatchObject({ phase: 'canary', weight: 50, step: 0, canary: { sha: head, version: head, ref: head }, stable: { version: 'v1' } })
    expect(checkRun('staging')).toMatchObject({ head_sha: head, status: 'in_progress' })
    expect(deploymentStatus('staging')).toMatchObject({ state: 'in_progress' })
    expect(github.state.deployments.filter((d) => d.environment === 'staging').map((d) => d.sha)).toEqual([head])
    expect(reactionsOn(run.commandId)).toEqual(['eyes', 'rocket'])
    expect(commentBody(run.replyId)).toMatch(/^🚀 `\/rollgate canary staging`: .*\(`applied`\) · \[workflow run\]\(https:\/\/github.com\/octo-org\/shop\/actions\/runs\/\d+\)$/)
    // Issue 12's goal: ≤ 7 for canary (the head's checks and statuses, one GraphQL read of policy and record).
    expect(run.calls.router).toBeLessThanOrEqual(7)
    measure('canary (staging)', run)
  }, 300_000)

  it('/rollgate promote production: one step forward, the sticky comment and the reply updated; a denied promote is answered and moves nothing', async () => {
    const canary = await comment('/rollgate canary production --version v2 --stable v1', 'walt')
    expect(canary.action?.run.exitCode, canary.action?.run.stdout).toBe(0)
    expect(weight('production')).toBe('10')
    measure('canary (production)', canary)

    // walt has write; production's promote needs maintain.
    const statusesBefore = github.state.deploymentStatuses.size + [...github.state.deploymentStatuses.values()].flat().length
    const recordBefore = record('production')
    const denied = await comment('/rollgate promote production', 'walt')
    expect(resultOf(denied.router)).toMatchObject({ reasonCode: 'denied-role' })
    expect(denied.router.outputs['command']).toBe('')
    expect(denied.action).toBeUndefined()
    expect(reactionsOn(denied.commandId)).toEqual(['-1'])
    expect(commentBody(denied.replyId)).toMatch(/needs the maintain role here; @\u200dwalt has write\. Nothing ran\./)
    expect(weight('production')).toBe('10')
    expect(record('production')).toEqual(recordBefore)
    expect(github.state.deploymentStatuses.size + [...github.state.deploymentStatuses.values()].flat().length).toBe(statusesBefore)
    expect(denied.calls.router).toBeLessThanOrEqual(5)
    measure('promote, denied (role)', denied)

    const promoted = await comment('/rollgate promote production', 'maria')
    expect(promoted.action?.name).toBe('promote')
    expect(promoted.action?.run.errors, promoted.action?.run.stdout).toEqual([])
    expect(weight('production')).toBe('50')
    expect(record('production')).toMatchObject({ phase: 'canary', weight: 50, step: 1, canary: { version: 'v2', sha: pull.head.sha } })
    expect(deploymentStatus('production')).toMatchObject({ state: 'in_progress' })
    expect(deploymentStatus('production')?.description).toMatch(/50%/)
    expect(checkRun('production')).toMatchObject({ head_sha: pull.head.sha, status: 'in_progress' })
    const sticky = github.state.comments.filter((c) => (c.comment.body ?? '').includes('<!-- rollgate:production -->'))
    expect(sticky).toHaveLength(1)
    expect(sticky[0]?.comment.body).toMatch(/50%/)
    expect(reactionsOn(promoted.commandId)).toEqual(['eyes', 'rocket'])
    expect(commentBody(promoted.replyId)).toMatch(/^🚀 `\/rollgate promote production`: promoted to 50% .*\(`applied`\)/)
    measure('promote', promoted)
  }, 300_000)

  it('the head pushed between the command and the job: promote refuses sha-changed, says so in the reply, moves nothing', async () => {
    await comment('/rollgate canary production --version v2 --stable v1', 'walt')
    const read = pull.head.sha
    let pushed = ''
    const run = await comment('/rollgate promote production', 'maria', () => {
      pushed = github.state.commitFiles({ branch: 'feature', files: { 'app.txt': 'v3\n' } })
    })
    expect(resultOf(run.router)).toMatchObject({ reasonCode: 'dispatched', sha: read })
    const action = run.action?.run as BundleRun
    expect(action.exitCode).toBe(1)
    expect(resultOf(action)).toMatchObject({ reasonCode: 'sha-changed' })
    expect(action.errors.join('\n')).toContain(`moved to ${pushed.slice(0, 12)}`)
    expect(weight('production')).toBe('10')
    expect(record('production')).toMatchObject({ weight: 10, step: 0 })
    expect(reactionsOn(run.commandId)).toEqual(['eyes', 'confused'])
    expect(commentBody(run.replyId)).toMatch(new RegExp(`^😕 \`/rollgate promote production\`: pull request #\u200d${pull.number} moved to ${pushed.slice(0, 12)} after the command was read at ${read.slice(0, 12)}; nothing moved.*\\(\`sha-changed\`\\)`))
    measure('promote, head pushed meanwhile (sha-changed)', run)
  }, 300_000)

  it('the pull request closed between the command and the job: canary refuses pr-closed; closed before the command, the router answers it', async () => {
    const run = await comment('/rollgate canary staging', 'walt', () => {
      pull.state = 'closed'
      pull.closedAt = new Date()
    })
    const action = run.action?.run as BundleRun
    expect(action.exitCode).toBe(1)
    expect(resultOf(action)).toMatchObject({ reasonCode: 'pr-closed' })
    expect(weight('staging')).toBeUndefined()
    expect(record('staging')).toBeUndefined()
    expect(github.state.deployments).toHaveLength(0)
    expect(reactionsOn(run.commandId)).toEqual(['eyes', 'confused'])
    expect(commentBody(run.replyId)).toMatch(new RegExp(`^😕 .*pull request #\u200d${pull.number} is closed; the command acts on open pull requests only \\(\`pr-closed\`\\)`))
    measure('canary, pull request closed meanwhile (pr-closed)', run)

    const early = await comment('/rollgate promote production', 'maria')
    expect(resultOf(early.router)).toMatchObject({ reasonCode: 'pr-closed' })
    expect(early.action).toBeUndefined()
    expect(reactionsOn(early.commandId)).toEqual(['confused'])
    measure('promote on a closed pull request (router)', early)
  }, 300_000)

  it('rollback goes ahead although the head moved, and the record and the reply say that it moved', async () => {
    await comment('/rollgate canary production --version v2 --stable v1', 'walt')
    const read = pull.head.sha
    let pushed = ''
    const run = await comment('/rollgate rollback production --reason "checkout errors"', 'walt', () => {
      pushed = github.state.commitFiles({ branch: 'feature', files: { 'app.txt': 'v3\n' } })
    })
    const action = run.action?.run as BundleRun
    expect(action.errors, action.stdout).toEqual([])
    expect(action.exitCode).toBe(0)
    expect(weight('production')).toBe('0')
    const note = `rolled back although pull request #${pull.number} moved to ${pushed.slice(0, 12)} after the command was read at ${read.slice(0, 12)} (sha-changed)`
    expect(record('production')).toMatchObject({ phase: 'rolled-back', weight: 0, reason: `checkout errors (${note})` })
    expect(record('production')?.['history'].at(-1)).toMatchObject({ action: 'rollback', note: `checkout errors (${note})` })
    expect(deploymentStatus('production')).toMatchObject({ state: 'failure' })
    expect(checkRun('production')).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(reactionsOn(run.commandId)).toEqual(['eyes', 'rocket'])
    expect(commentBody(run.replyId)).toContain(shown(note))
    expect(action.stdout).toMatch(/::warning::rolled back although/)
    measure('rollback, head pushed meanwhile (recorded)', run)
  }, 300_000)

  it('/rollgate analyze staging: the analysis runs on the bundle and finishes the router\'s reply with its decision', async () => {
    await comment('/rollgate canary staging', 'walt')
    const run = await comment('/rollgate analyze staging', 'walt')
    expect(run.action?.name).toBe('analyze')
    const action = run.action?.run as BundleRun
    const decision = action.outputs['decision'] as string
    // Two equal services for four one-second looks: a pass, or no decision within maxDuration.
    expect(['pass', 'inconclusive'], action.stdout).toContain(decision)
    expect(action.exitCode, action.stdout).toBe(0)
    expect(record('staging')).toMatchObject({ lastVerdict: { decision, template: 'smoke' } })
    expect(reactionsOn(run.commandId)).toEqual(['eyes', 'rocket'])
    expect(commentBody(run.replyId)).toMatch(new RegExp(`^🚀 \`/rollgate analyze staging\`: analysis decided ${decision}: .*\\(\`${decision}\`\\)`))
    measure(`analyze (${decision}, 4 one-second looks)`, run)
  }, 300_000)

  it('the router alone: busy answered early, pause, resume, status, help', async () => {
    await comment('/rollgate canary production --version v2 --stable v1', 'walt')
    // A second pull request asking for a canary while the first one's rollout is in flight.
    pull = github.state.seedPull({ head: 'other', files: { 'other.txt': 'x\n' } })
    const busy = await comment('/rollgate canary production --version v3', 'walt')
    expect(resultOf(busy.router)).toMatchObject({ reasonCode: 'busy' })
    expect(busy.action).toBeUndefined()
    expect(commentBody(busy.replyId)).toContain('Would proceed now: `/rollgate analyze production`, `/rollgate promote production`, `/rollgate pause production`, `/rollgate rollback production`.')
    measure('canary while another rollout is in flight (busy, router)', busy)

    const pause = await comment('/rollgate pause production --reason "incident 7"', 'walt')
    expect(resultOf(pause.router)).toMatchObject({ reasonCode: 'applied' })
    expect(record('production')).toMatchObject({ paused: { actor: 'walt', reason: 'incident 7' } })
    measure('pause (router writes the record)', pause)
    const paused = await comment('/rollgate promote production', 'maria')
    expect(resultOf(paused.router)).toMatchObject({ reasonCode: 'paused' })
    expect(paused.action).toBeUndefined()
    expect(commentBody(paused.replyId)).toContain('`/rollgate resume production`')
    measure('promote on a paused rollout (paused, router)', paused)
    const status = await comment('/rollgate status production', 'walt')
    expect(commentBody(status.replyId)).toMatch(/paused by walt/)
    measure('status', status)
    const resume = await comment('/rollgate resume production', 'walt')
    expect(record('production')?.['paused']).toBeUndefined()
    measure('resume (router writes the record)', resume)
    const help = await comment('/rollgate help', 'walt')
    expect(resultOf(help.router)).toMatchObject({ reasonCode: 'replied' })
    measure('help', help)
  }, 300_000)
})
