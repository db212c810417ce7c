/**
 * Rollback drills end to end (#16 point 2): dist/drill/index.js run as a runner runs it (INPUT_*,
 * GITHUB_* variables, the GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files) against the fake GitHub,
 * which checks every request against GitHub's OpenAPI description, and real traffic providers: the
 * real HAProxy through its runtime API, and the real kubectl against a fake Kubernetes API server
 * holding the HTTPRoute of examples/policies/drill-mirror.yml.
 *
 * Everything is asserted from the outside: HAProxy's runtime state and real requests through its
 * frontend, the HTTPRoute kubectl left and the patches it sent, the rollout record on the
 * rollgate-state branch, the deployment statuses, the check runs, the comments, what the webhook
 * received, the job summary and the step outputs.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runtimeCommand } from '../../shared/traffic/haproxy.js'
import { REPO_ROOT, runBundle, type BundleRun } from '../bundle/harness.js'
import { fetchVersion, startHaproxy, type HaproxyUnderTest } from '../fakes/haproxy/haproxy-process.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { FakeKubernetes, type KubeObject } from '../fakes/kubernetes/server.js'
import { requireExecutable } from '../traffic/support.js'

const hasHaproxy = requireExecutable('haproxy', '.ci/run must `apt-get install -y haproxy`')
const hasKubectl = requireExecutable('kubectl', 'it comes with the machine image as /usr/bin/kubectl; put it on PATH')

const github = useFakeGitHub({ repository: 'octo-org/shop' })
const EXAMPLE_POLICY = readFileSync(join(REPO_ROOT, 'examples/policies/drill-mirror.yml'), 'utf8')
const CRON = '17 4 * * 1'

let workspace: string
let haproxy: HaproxyUnderTest
let kube: FakeKubernetes
let kubeEnv: Record<string, string>
let webhook: { server: Server; url: string; posts: { path: string; body: string }[]; status: number }

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'rollgate-drill-e2e-'))
  mkdirSync(join(workspace, '.github'))
  if (hasHaproxy) haproxy = await startHaproxy()
  kube = await FakeKubernetes.start()
  const kubeconfig = join(workspace, 'kubeconfig')
  writeFileSync(
    kubeconfig,
    ['apiVersion: v1', 'kind: Config', `clusters: [{ name: fake, cluster: { server: "${kube.url}" } }]`, 'users: [{ name: drill, user: { token: drill-token } }]', 'contexts: [{ name: fake, context: { cluster: fake, user: drill } }]', 'current-context: fake', ''].join('\n'),
  )
  kubeEnv = { KUBECONFIG: kubeconfig, KUBECACHEDIR: join(workspace, 'kube-cache') }
  const posts: { path: string; body: string }[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      posts.push({ path: req.url ?? '', body })
      res.writeHead(webhook.status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  webhook = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/drills`, posts, status: 204 }
}, 30_000)

afterAll(async () => {
  await haproxy?.stop()
  await kube?.close()
  if (webhook) {
    webhook.server.closeAllConnections()
    await new Promise<void>((resolve) => webhook.server.close(() => resolve()))
  }
  if (workspace) rmSync(workspace, { recursive: true, force: true })
})

beforeEach(async () => {
  kube.reset()
  webhook.posts.length = 0
  webhook.status = 204
  for (const [namespace] of [['shop-staging'], ['shop']]) kube.put(httpRoute(namespace as string))
  if (hasHaproxy) {
    await haproxyCommand('set server app/canary weight 0')
    await haproxyCommand('set server app/stable weight 100')
    await haproxyCommand('set server app/stable state ready')
  }
})

/** The HTTPRoute of examples/policies/drill-mirror.yml: all traffic on web-stable. */
function httpRoute(namespace: string): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace },
    spec: {
      parentRefs: [{ name: 'gateway' }],
      rules: [{ backendRefs: [{ name: 'web-stable', port: 80, weight: 100 }, { name: 'web-canary', port: 80, weight: 0 }] }],
    },
  }
}

const routeSpec = (namespace: string): unknown => kube.get('httproutes', namespace, 'web').spec
const kubePatches = () => kube.requests.filter((r) => r.method === 'PATCH')

async function haproxyCommand(command: string): Promise<string> {
  return (await runtimeCommand({ path: haproxy.socket }, command, 2_000)).trim()
}

function record(environment: string): Record<string, unknown> | undefined {
  const git = github.state.git
  const head = git.refs.get('refs/heads/rollgate-state')
  const commit = head ? git.commits.get(head) : undefined
  const entry = commit ? git.flatten(commit.tree).get(`${environment}.json`) : undefined
  const blob = entry ? git.blobs.get(entry.sha) : undefined
  return blob ? (JSON.parse(blob.toString('utf8')) as Record<string, unknown>) : undefined
}

const drillChecks = (environment: string) => github.state.checkRuns.map((c) => c.run).filter((r) => r.name === `rollgate/drill/${environment}`)
const statusesOf = (id: number) => github.state.statusesOf(id) as unknown as { state: string; description: string; environment?: string }[]

/** The time to restore as the drill's report prints it (formatMs in shared/drill/run.ts). */
function spoken(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  return ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`
}

async function drill(environment: string, policy: string, options: { sha: string; inputs?: Record<string, string> }): Promise<BundleRun> {
  writeFileSync(join(workspace, '.github', 'rollgate.yml'), policy)
  return runBundle('drill', {
    inputs: { environment, ...options.inputs },
    cwd: workspace,
    apiUrl: github.url,
    env: { ...kubeEnv, GITHUB_SHA: options.sha, GITHUB_ACTION: `drill-${github.requests.length}`, GITHUB_WORKFLOW: 'rollback drill', GITHUB_JOB: 'drill', PROMETHEUS_URL: 'http://127.0.0.1:9' },
    event: { name: 'schedule', payload: { schedule: CRON } },
    timeoutMs: 120_000,
  })
}

function haproxyPolicy(drills: string, production = false): string {
  return `version: 1
environments:
  staging:
    stableVersion: v1${production ? '\n    production: true' : ''}
    traffic: { provider: haproxy, socket: ${JSON.stringify(haproxy.socket)}, backend: app, stable: stable, canary: canary }
    steps: [ { weight: 10 }, { weight: 100 } ]
    drills: ${drills}
`
}

/** The parts of a passed drill every case asserts the same way: check run, summary, outputs agree. */
function expectPassedReports(run: BundleRun, environment: string, sha: string): number {
  expect(run.errors, run.stdout).toEqual([])
  expect(run.exitCode, run.stdout).toBe(0)
  expect(run.outputs['passed']).toBe('true')
  const ttr = Number(run.outputs['time-to-restore-ms'])
  expect(run.outputs['time-to-restore-ms']).toMatch(/^\d+$/)
  expect(ttr).toBeGreaterThan(0)
  // The bundle paces its GitHub writes a second apart, as in production (shared/rollout/runtime.ts):
  // the verdict's and the rollback's writes before the traffic move make most of this figure.
  console.log(`drill ${environment}: time to restore ${ttr} ms, drill job ${Math.round(run.durationMs)} ms, GitHub writes ${github.requests.filter((r) => r.method !== 'GET').length}`)
  const checks = drillChecks(environment)
  expect(checks).toHaveLength(1)
  const [check] = checks
  expect(check).toMatchObject({ status: 'completed', conclusion: 'success', head_sha: sha })
  expect(check?.output.title).toBe(`Drill passed: rollback of ${environment} works end to end, restored in ${spoken(ttr)}`)
  expect(check?.output.summary).toContain(`Time to restore: ${spoken(ttr)} (at most 5.0 min).`)
  for (const name of ['deploy', 'inject', 'rollback', 'traffic', 'record', 'deployment', 'alert', 'time-to-restore']) {
    expect(check?.output.summary).toMatch(new RegExp(`\\| ✅ \\| ${name} \\|`))
  }
  expect(check?.output.summary).not.toContain('❌')
  // The job summary carries the same report as the check run.
  expect(run.summary).toContain(check?.output.summary?.trim() as string)
  const result = JSON.parse(run.outputs['result'] ?? '{}') as { reasonCode: string; drill: { timeToRestoreMs: number; checkRunUrl: string; checks: { ok: boolean }[] }; rollout: unknown }
  expect(result).toMatchObject({ action: 'drill', reasonCode: 'drill-passed', drill: { timeToRestoreMs: ttr, checkRunUrl: check?.html_url }, rollout: { phase: 'rolled-back', weight: 0 } })
  expect(result.drill.checks.every((c) => c.ok)).toBe(true)
  // The cron that fired the run is the policy's drills.schedule: no warning.
  expect(run.stdout).not.toMatch(/::warning::this drill ran on the cron/)
  return ttr
}

function expectRolledBack(environment: string, canary: string, stable: string, reason: RegExp): void {
  const rec = record(environment)
  expect(rec).toMatchObject({ phase: 'rolled-back', weight: 0, canary: { version: canary }, stable: { version: stable } })
  expect(rec?.['pendingMove']).toBeUndefined()
  expect(rec?.['reason']).toMatch(reason)
  const deployment = github.state.deployments.at(-1)
  expect(deployment).toMatchObject({ environment, ref: expect.any(String) })
  const statuses = statusesOf(deployment?.id as number)
  expect(statuses[0]?.state).toBe('in_progress')
  expect(statuses.at(-1)).toMatchObject({ state: 'failure', description: expect.stringMatching(new RegExp(`^rolled back to ${stable}: Rollgate drill: injected`)) })
  // The rollout's own check run ended too: a drill is a real rollout in GitHub's history.
  expect(github.state.checkRuns.map((c) => c.run).filter((r) => r.name === `rollgate/${environment}`).at(-1)).toMatchObject({ status: 'completed', conclusion: 'failure' })
}

describe.skipIf(!hasHaproxy)('a drill on the real HAProxy', () => {
  it('inject: verdict — traffic back on stable at HAProxy, record and statuses rolled back, the comment on the alert issue, the time to restore reported', async () => {
    const issue = github.state.seedIssue()
    const pull = github.state.seedPull({ head: 'unrelated' })
    const sha = github.state.commitFiles({ branch: 'main', files: { 'app.txt': 'drill verdict\n' } })

    const run = await drill('staging', haproxyPolicy(`{ schedule: "${CRON}", inject: verdict, version: v2-drill, alert: { issue: ${issue} } }`), { sha })

    const ttr = expectPassedReports(run, 'staging', sha)
    expect(ttr).toBeLessThan(300_000)
    // HAProxy's own runtime state, and real requests through its frontend: all on stable.
    expect(await haproxyCommand('get weight app/canary')).toBe('0 (initial 0)')
    expect(await haproxyCommand('get weight app/stable')).toBe('100 (initial 100)')
    const answers = await Promise.all(Array.from({ length: 40 }, () => fetchVersion(haproxy.frontend)))
    expect(new Set(answers)).toEqual(new Set(['stable']))
    expect(run.summary).toMatch(/\| ✅ \| traffic \| HAProxy backend app \(servers stable \/ canary\) via \S+ reads back 0% on the canary and app\/stable is up: v1 serves all traffic \|/)
    // The canary really got its step-1 weight before the failure: the record's history says so.
    const history = (record('staging')?.['history'] ?? []) as { action: string; weight: number; note?: string }[]
    expect(history.map((h) => [h.action, h.weight])).toEqual(expect.arrayContaining([['deploy-canary', 10], ['rollback', 0]]))
    expectRolledBack('staging', 'v2-drill', 'v1', /^Rollgate drill: injected failing verdict/)
    // The alert went where the policy says: the issue, not the unrelated open pull request.
    const rollgateComments = github.state.comments.filter((c) => (c.comment.body ?? '').includes('<!-- rollgate:staging -->'))
    expect(rollgateComments.map((c) => c.issueNumber)).toEqual([issue])
    expect(rollgateComments[0]?.comment.body).toMatch(/rolled back/i)
    expect(github.state.comments.filter((c) => c.issueNumber === pull.number)).toEqual([])
    // (escapeInline puts a zero-width joiner after `#` so GitHub does not link it.)
    expect(run.summary).toMatch(new RegExp(`\\| ✅ \\| alert \\| issue #\u200d?${issue} says rolled back`))
  }, 150_000)

  it('a stable server in maintenance: the weights come back to it, nothing serves, and the drill fails on traffic instead of passing', async () => {
    const sha = github.state.commitFiles({ branch: 'main', files: { 'app.txt': 'drill stable gone\n' } })
    await haproxyCommand('set server app/stable state maint')

    const run = await drill('staging', haproxyPolicy(`{ schedule: "${CRON}", inject: verdict }`), { sha })

    // What users would get after this rollback: HAProxy has no server to send them to.
    const answers = await Promise.all(Array.from({ length: 10 }, () => fetchVersion(haproxy.frontend)))
    expect(answers.every((a) => /503 Service Unavailable/.test(a))).toBe(true)
    expect(run.exitCode).toBe(1)
    expect(run.outputs['passed']).toBe('false')
    expect(run.errors[0]).toMatch(/^rollgate\/drill\/staging: Drill failed: traffic broke, restored in [\d.]+ (ms|s): traffic: HAProxy backend app .* reads back 0% on the canary, but app\/stable is down \(srv_op_state 0\) and in maintenance \(srv_admin_state 1\): nothing serves the traffic returned to v1$/)
    const [check] = drillChecks('staging')
    expect(check).toMatchObject({ status: 'completed', conclusion: 'failure', head_sha: sha })
    expect(check?.output.title).toMatch(/^Drill failed: traffic broke/)
    expect(check?.output.summary).toMatch(/\| ❌ \| traffic \| .*app\/stable is down/)
    expect(run.summary).toContain(check?.output.summary?.trim() as string)
    // The rollback itself happened and is recorded as such: the weights and the record agree.
    expect(await haproxyCommand('get weight app/canary')).toBe('0 (initial 0)')
    expectRolledBack('staging', 'v1', 'v1', /^Rollgate drill: injected failing verdict/)
  }, 150_000)

  it('the state branch refuses the rollback\'s last record write: traffic is back, the record keeps the pending rollback, the drill fails on the record', async () => {
    const sha = github.state.commitFiles({ branch: 'main', files: { 'app.txt': 'drill record write\n' } })
    // Every write of the finished rollback (phase rolled-back, no pending move) fails with a 500.
    const finishedRollback = (body: unknown): boolean => {
      const content = (body as { content?: unknown } | undefined)?.content
      if (typeof content !== 'string') return false
      const written = JSON.parse(Buffer.from(content, 'base64').toString('utf8')) as Record<string, unknown>
      return written['phase'] === 'rolled-back' && !('pendingMove' in written)
    }
    github.faults.push({ match: { operationId: 'repos/create-or-update-file-contents', body: finishedRollback }, status: 500, times: 100 })

    const run = await drill('staging', haproxyPolicy(`{ schedule: "${CRON}", inject: verdict }`), { sha })

    expect(run.exitCode).toBe(1)
    expect(run.outputs['passed']).toBe('false')
    // The traffic did come back, at HAProxy and through it.
    expect(await haproxyCommand('get weight app/canary')).toBe('0 (initial 0)')
    expect(await haproxyCommand('get weight app/stable')).toBe('100 (initial 100)')
    expect(new Set(await Promise.all(Array.from({ length: 10 }, () => fetchVersion(haproxy.frontend))))).toEqual(new Set(['stable']))
    // The record is not half-moved without a trace: it still holds the rollback as a pending move.
    const rec = record('staging')
    expect(rec).toMatchObject({ phase: 'canary', weight: 10, pendingMove: { command: 'rollback', from: 10, to: 0 } })
    const [check] = drillChecks('staging')
    expect(check).toMatchObject({ status: 'completed', conclusion: 'failure', head_sha: sha })
    expect(check?.output.summary).toMatch(/\| ❌ \| rollback \| rollback failed \(/)
    expect(check?.output.summary).toMatch(/\| ✅ \| traffic \| after the failed rollback HAProxy backend app .* reads back 0% on the canary and app\/stable is up: v1 serves all traffic \|/)
    expect(check?.output.summary).toMatch(/\| ❌ \| record \| the record says canary at 10% with a pending rollback to 0%, not rolled-back at 0% \|/)
    expect(run.summary).toContain(check?.output.summary?.trim() as string)
    // Users got stable back, so the time to restore is measured; what broke is the record and what follows from it.
    expect(run.outputs['time-to-restore-ms']).toMatch(/^\d+$/)
    expect(check?.output.title).toBe(`Drill failed: rollback, record, deployment broke, restored in ${spoken(Number(run.outputs['time-to-restore-ms']))}`)
    expect(check?.output.summary).toMatch(/\| ❌ \| rollback \| rollback failed \(record-write-failed\): staging: traffic moved to 0% but the record could not be written .*HTTP 500/)
  }, 150_000)

  it('a production environment is refused with a clear error, moving no traffic and writing nothing; drills.allowProduction: true lets it run', async () => {
    const sha = github.state.commitFiles({ branch: 'main', files: { 'app.txt': 'drill production\n' } })
    const before = github.requests.length

    const refused = await drill('staging', haproxyPolicy('{ inject: verdict }', true), { sha })

    expect(refused.exitCode).toBe(1)
    expect(refused.errors[0]).toMatch(/staging is marked production: true, and a drill ships a canary and rolls it back in front of its users; set drills\.allowProduction: true for staging to allow it/)
    expect(JSON.parse(refused.outputs['result'] ?? '{}')).toMatchObject({ reasonCode: 'drill-production-refused' })
    expect(refused.outputs['passed']).toBeUndefined()
    expect(github.requests.slice(before)).toEqual([])
    expect(record('staging')).toBeUndefined()
    expect(github.state.deployments).toEqual([])
    expect(github.state.checkRuns).toEqual([])
    expect(await haproxyCommand('get weight app/canary')).toBe('0 (initial 0)')
    expect(await haproxyCommand('get weight app/stable')).toBe('100 (initial 100)')

    const allowed = await drill('staging', haproxyPolicy('{ inject: verdict, allowProduction: true }', true), { sha })
    expectPassedReports(allowed, 'staging', sha)
    expectRolledBack('staging', 'v1', 'v1', /^Rollgate drill: injected failing verdict/)
  }, 150_000)
})

describe.skipIf(!hasKubectl)('a drill through kubectl on the HTTPRoute of examples/policies/drill-mirror.yml', () => {
  it('inject: provider-fault — the first rollback move fails and is recorded, the second removes the mirror; the webhook and the issue get the result', async () => {
    github.state.seedIssue(1)
    const sha = github.state.commitFiles({ branch: 'main', files: { 'app.txt': 'drill provider-fault\n' } })
    const policy = EXAMPLE_POLICY.replace('inject: verdict', 'inject: provider-fault').replace('alert: { issue: 1 }', `alert: { issue: 1, webhook: "${webhook.url}" }`)
    expect(policy).toContain('inject: provider-fault')
    expect(policy).toContain(webhook.url)

    const run = await drill('staging', policy, { sha, inputs: { 'canary-version': '1.1.0-drill' } })

    expectPassedReports(run, 'staging', sha)
    // kubectl's writes: the deploy added the RequestMirror copy of the rule (step 1 mirrors 10%),
    // the failed first rollback never reached the API server, the second removed the copy.
    const patches = kubePatches()
    expect(patches).toHaveLength(2)
    expect(patches.every((p) => p.path === '/apis/gateway.networking.k8s.io/v1/namespaces/shop-staging/httproutes/web' && p.status === 200)).toBe(true)
    expect(patches[0]?.body).toMatch(/"requestMirror":\{"backendRef":\{"name":"web-canary","port":80\},"percent":10\},"type":"RequestMirror"/)
    expect(patches[1]?.body).toMatch(/"op":"remove"/)
    expect(routeSpec('shop-staging')).toEqual(httpRoute('shop-staging').spec)
    expect(kube.requests.every((r) => !r.path.includes('/namespaces/shop/'))).toBe(true)
    // The injected fault is in the record's history, as a real provider failure would be.
    const history = (record('staging')?.['history'] ?? []) as { action: string; weight: number; note?: string }[]
    expect(history.some((h) => h.action === 'rollback' && /^rollback failed, traffic left mirroring 10% of requests to the canary \(serves none\): .*Rollgate drill: injected provider fault/.test(h.note ?? ''))).toBe(true)
    expectRolledBack('staging', '1.1.0-drill', '1.0.0', /^Rollgate drill: injected failing verdict and traffic provider fault/)
    expect(run.summary).toMatch(/\| ✅ \| inject \| the traffic provider failed the first rollback move/)
    // The webhook got the drill's result, and the issue the rollback comment.
    expect(webhook.posts).toHaveLength(1)
    expect(webhook.posts[0]?.path).toBe('/drills')
    expect(JSON.parse(webhook.posts[0]?.body ?? '{}')).toMatchObject({ environment: 'staging', phase: 'rolled-back', weight: 0, drill: { inject: 'provider-fault', canaryVersion: '1.1.0-drill', stableVersion: '1.0.0' } })
    expect(github.state.comments.filter((c) => (c.comment.body ?? '').includes('<!-- rollgate:staging -->')).map((c) => c.issueNumber)).toEqual([1])
  }, 150_000)

  it('a rollback the API server refuses fails rollgate/drill/staging, naming the refusal; the HTTPRoute and the record agree on where traffic was left', async () => {
    github.state.seedIssue(1)
    const sha = github.state.commitFiles({ branch: 'main', files: { 'app.txt': 'drill broken\n' } })
    // A validating admission webhook freezes the route once the canary is on it: the way back is shut.
    const denial = 'admission webhook "freeze.shop.example" denied the request: HTTPRoute shop-staging/web is frozen'
    kube.deny((r) => (r.method === 'PATCH' && kubePatches().length > 1 ? { code: 403, reason: 'Forbidden', message: denial } : undefined))

    const run = await drill('staging', EXAMPLE_POLICY, { sha })

    expect(run.exitCode).toBe(1)
    expect(run.outputs['passed']).toBe('false')
    expect(run.outputs['time-to-restore-ms']).toBe('')
    expect(run.errors[0]).toMatch(/^rollgate\/drill\/staging: Drill failed: rollback, traffic, record, deployment, alert, time-to-restore broke/)
    expect(run.errors[0]).toContain(denial)
    const [check, ...more] = drillChecks('staging')
    expect(more).toEqual([])
    expect(check).toMatchObject({ status: 'completed', conclusion: 'failure', head_sha: sha })
    expect(check?.output.title).toBe('Drill failed: rollback, traffic, record, deployment, alert, time-to-restore broke')
    expect(check?.output.summary).toMatch(/\| ❌ \| rollback \| rollback failed \(traffic-failed\): .*denied the request/)
    expect(check?.output.summary).toMatch(/\| ❌ \| traffic \| after the failed rollback HTTPRoute shop-staging\/web .* reads 0% on the canary, and the record says it is still mirroring 10% of requests to the canary \(serves none\) \|/)
    expect(check?.output.summary).toMatch(/\| ❌ \| record \| the record says canary mirroring 10% of requests to the canary \(serves none\), not rolled-back at 0% \|/)
    expect(check?.output.summary).toMatch(/\| ❌ \| alert \| the comment on issue #\u200d?1 does not say rolled back/)
    expect(check?.output.summary).toContain('Time to restore: not restored')
    expect(run.summary).toContain(check?.output.summary?.trim() as string)
    expect(JSON.parse(run.outputs['result'] ?? '{}')).toMatchObject({ reasonCode: 'drill-failed', drill: { timeToRestoreMs: null } })
    // Nothing half-moved without a record: the route holds the deploy's mirror exactly as kubectl
    // wrote it, and the record says the canary is still on, with the failed rollback in its history.
    const [deployPatch, refused] = kubePatches()
    expect(deployPatch?.status).toBe(200)
    expect(refused?.status).toBe(403)
    const spec = routeSpec('shop-staging') as { rules: { filters?: { type: string; requestMirror?: unknown }[] }[] }
    expect(spec.rules).toHaveLength(2)
    expect(spec.rules[0]?.filters).toEqual([{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'web-canary', port: 80 }, percent: 10 } }])
    expect(spec.rules[1]).toEqual((httpRoute('shop-staging').spec as { rules: unknown[] }).rules[0])
    const rec = record('staging')
    expect(rec).toMatchObject({ phase: 'canary', weight: 0, mirror: 10, canary: { version: '1.0.0' } })
    expect(rec?.['pendingMove']).toBeUndefined()
    const last = ((rec?.['history'] ?? []) as { action: string; note?: string }[]).at(-1)
    expect(last?.action).toBe('rollback')
    expect(last?.note).toMatch(/^rollback failed, traffic left mirroring 10% of requests to the canary \(serves none\): gateway-api: kubectl patch .*denied the request/)
    // The alert issue's comment shows the canary still on, and the injected verdict for what it is.
    const comment = github.state.comments.find((c) => c.issueNumber === 1 && (c.comment.body ?? '').includes('<!-- rollgate:staging -->'))?.comment.body ?? ''
    expect(comment).toMatch(/\*\*Canary in progress\*\*: `1\.0\.0` serves all users, mirroring 10% of requests to the canary/)
    expect(comment).toContain('> **Canary failed**: recorded without a look at any metric.')
    expect(comment).toContain('mirroring 10% of requests to the shadow (serves none)')
    expect(comment).not.toMatch(/proven|0% of traffic/)
    // The deployment is not reported as rolled back.
    const statuses = statusesOf(github.state.deployments.at(-1)?.id as number)
    expect(statuses.some((s) => /rolled back/.test(s.description ?? ''))).toBe(false)
  }, 150_000)
})
