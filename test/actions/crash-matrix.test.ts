/**
 * #10 "Prove it": the committed bundles SIGKILLed at each dangerous point of a traffic move, for
 * three real traffic providers, and then the job re-run as a user re-runs it (same run, attempt 2).
 *
 * The kill comes from outside the product: the fake GitHub holds one request (the claim write's
 * answer, the final record write, the deployment status write) and the test kills the action's
 * process tree while it is held; the `command` provider's script signals and blocks; a proxy in
 * front of HAProxy's runtime API holds one command; the fake Kubernetes API holds kubectl's PATCH
 * before or after applying it. Nothing in the product reads a test switch.
 *
 * After the re-run every cell checks: the record parses and has no pending move or lease, the
 * provider's real weight equals the record's, the interrupted move was carried out exactly once,
 * and the rollout's deployment shows the record's state (or the re-run refused naming the repair
 * input, and the rollback it points to settles it).
 */
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseRecord, type RolloutRecord } from '../../shared/state/record.js'
import { visibleStatus } from '../../shared/state/github-store.js'
import { runBundle, type BundleRun } from '../bundle/harness.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { startHaproxy, type HaproxyUnderTest } from '../fakes/haproxy/haproxy-process.js'
import { runtimeCommand } from '../../shared/traffic/haproxy.js'
import { FakeKubernetes, type KubeObject } from '../fakes/kubernetes/server.js'
import { requireExecutable } from '../traffic/support.js'

const github = useFakeGitHub({ repository: 'octo-org/shop' })
const hasKubectl = requireExecutable('kubectl', 'it comes with the machine image as /usr/bin/kubectl; put it on PATH')
const hasHaproxy = requireExecutable('haproxy', 'apt-get install -y haproxy (.ci/run does)')

let dir: string
let current: ChildProcess | undefined
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rollgate-crash-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// ---------------------------------------------------------------------------------------------
// Killing from outside: the action's whole process tree, as a runner that lost its machine.

function descendants(pid: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)])
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = []
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c)
      walk(c)
    }
  }
  walk(pid)
  return out
}

let kills = 0
/** SIGKILLs the running action and everything it started, and waits until it is gone. */
async function crash(): Promise<void> {
  const child = current
  if (!child?.pid) throw new Error('crash(): no action is running')
  const tree = [child.pid, ...descendants(child.pid)]
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()))
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  kills++
  await exited
}

// ---------------------------------------------------------------------------------------------
// Three real traffic providers, each able to hold its own call.

interface Provider {
  name: string
  traffic: string
  env?: Record<string, string>
  /** The weight the provider really serves, read from the backend itself. */
  weight(): Promise<number>
  /** Weights the provider was actually set to, in order. */
  sets(): number[]
  /** Arms a hold on the next call that sets `weight`: 'before' it takes effect or 'after'. */
  holdSet(weight: number, phase: 'before' | 'after'): void
  reset(): Promise<void>
  close(): Promise<void>
}

function commandProvider(): Provider {
  const base = join(dir, 'command')
  mkdirSync(base, { recursive: true })
  const script = join(base, 'weight.mjs')
  // A user's weight script. `hold` (written by the test) makes it signal and block: the kill lands
  // while the provider call is running, before or after it changed the weight.
  writeFileSync(
    script,
    `import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
const [cmd, w] = process.argv.slice(2)
const file = (n) => new URL(n, import.meta.url)
if (cmd === 'get') process.stdout.write(readFileSync(file('w.txt'), 'utf8'))
else {
  const hold = existsSync(file('hold')) ? readFileSync(file('hold'), 'utf8') : ''
  const block = () => { writeFileSync(file('held'), String(process.pid)); setInterval(() => {}, 1000) }
  if (hold === 'before-' + w) block()
  else {
    writeFileSync(file('w.txt'), w)
    appendFileSync(file('sets.log'), w + '\\n')
    if (hold === 'after-' + w) block()
  }
}
`,
  )
  const path = (n: string): string => join(base, n)
  let watcher: NodeJS.Timeout | undefined
  return {
    name: 'command',
    traffic: `{ provider: command, setWeight: [node, ${JSON.stringify(script)}, set, "{{weight}}"], getWeight: [node, ${JSON.stringify(script)}, get] }`,
    weight: () => Promise.resolve(Number(readFileSync(path('w.txt'), 'utf8'))),
    sets: () => (existsSync(path('sets.log')) ? readFileSync(path('sets.log'), 'utf8').trim().split('\n').filter(Boolean).map(Number) : []),
    holdSet(weight, phase) {
      writeFileSync(path('hold'), `${phase}-${weight}`)
      watcher = setInterval(() => {
        if (!existsSync(path('held'))) return
        clearInterval(watcher)
        rmSync(path('held'))
        rmSync(path('hold'))
        void crash()
      }, 20)
    },
    reset() {
      clearInterval(watcher)
      for (const f of ['sets.log', 'hold', 'held']) rmSync(path(f), { force: true })
      writeFileSync(path('w.txt'), '0')
      return Promise.resolve()
    },
    close: () => Promise.resolve(),
  }
}

/** HAProxy's runtime API behind a proxy that logs each command and can hold one. */
async function haproxyProvider(): Promise<Provider> {
  const haproxy: HaproxyUnderTest = await startHaproxy()
  const [host, port] = haproxy.tcpSocket.split(':') as [string, string]
  const commands: string[] = []
  let hold: ((command: string) => boolean) | undefined
  const sockets = new Set<Socket>()
  const proxy: Server = createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    let buffered = Buffer.alloc(0)
    let upstream: Socket | undefined
    client.on('data', (chunk: Buffer) => {
      if (upstream) return void upstream.write(chunk)
      buffered = Buffer.concat([buffered, chunk])
      if (!buffered.includes(10)) return
      const command = buffered.toString('utf8').trim()
      if (hold?.(command)) {
        // Never forwarded: HAProxy does not see it.
        hold = undefined
        void crash().then(() => client.destroy())
        return
      }
      commands.push(command)
      upstream = createConnection({ host, port: Number(port) })
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream?.destroy())
      upstream.pipe(client)
      upstream.write(buffered)
    })
    client.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const address = `127.0.0.1:${(proxy.address() as AddressInfo).port}`
  const get = async (server: string): Promise<number> => Number(/^(\d+)/.exec(await runtimeCommand({ path: haproxy.socket }, `get weight app/${server}`))?.[1])
  return {
    name: 'haproxy',
    traffic: `{ provider: haproxy, address: "${address}", backend: app, stable: stable, canary: canary }`,
    async weight() {
      const [stable, canary] = [await get('stable'), await get('canary')]
      return stable + canary === 0 ? 0 : Math.round((10_000 * canary) / (stable + canary)) / 100
    },
    sets: () => commands.map((c) => /^set server app\/canary weight (\d+)/.exec(c)?.[1]).filter((w): w is string => w !== undefined).map(Number),
    holdSet(weight, phase) {
      // 'before': the first command of the change (the canary's weight) never reaches HAProxy;
      // 'after': the canary's weight changed and the stable server's is held (a half move).
      hold = (command) => (phase === 'before' ? command === `set server app/canary weight ${weight}` : command === `set server app/stable weight ${100 - weight}`)
    },
    async reset() {
      hold = undefined
      commands.length = 0
      await runtimeCommand({ path: haproxy.socket }, 'set weight app/canary 0')
      await runtimeCommand({ path: haproxy.socket }, 'set weight app/stable 100')
    },
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
      await haproxy.stop()
    },
  }
}

function httpRoute(): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      parentRefs: [{ name: 'gateway' }],
      rules: [{ backendRefs: [{ name: 'web-stable', port: 80, weight: 100 }, { name: 'web-canary', port: 80, weight: 0 }] }],
    },
  }
}

/** The real kubectl against the fake Kubernetes API, which can hold the PATCH. */
async function gatewayProvider(): Promise<Provider> {
  const kube = await FakeKubernetes.start()
  const base = join(dir, 'kube')
  mkdirSync(base, { recursive: true })
  writeFileSync(join(base, 'empty-kubeconfig'), 'apiVersion: v1\nkind: Config\n')
  let armed: { weight: number; phase: 'before' | 'after' } | undefined
  const canaryWeight = (body: string): number | undefined => {
    try {
      const ops = JSON.parse(body) as { op: string; path: string; value?: unknown }[]
      const op = ops.find((o) => o.op === 'replace' && o.path.endsWith('/1/weight'))
      return typeof op?.value === 'number' ? op.value : undefined
    } catch {
      return undefined
    }
  }
  const install = (): void =>
    kube.hold((request, phase) => {
      if (!armed || request.method !== 'PATCH' || phase !== armed.phase || canaryWeight(request.body) !== armed.weight) return undefined
      armed = undefined
      return crash().then(() => 'drop' as const)
    })
  install()
  return {
    name: 'gateway-api',
    traffic: `{ provider: gateway-api, namespace: shop, route: web, stable: web-stable, canary: web-canary, server: "${kube.url}" }`,
    env: { KUBECONFIG: join(base, 'empty-kubeconfig'), KUBECACHEDIR: join(base, 'cache') },
    weight() {
      const refs = (kube.get('httproutes', 'shop', 'web').spec as { rules: { backendRefs: { name: string; weight: number }[] }[] }).rules[0]?.backendRefs ?? []
      return Promise.resolve(refs.find((r) => r.name === 'web-canary')?.weight ?? Number.NaN)
    },
    sets: () => kube.requests.filter((r) => r.method === 'PATCH' && r.status === 200).map((r) => canaryWeight(r.body) ?? Number.NaN),
    holdSet(weight, phase) {
      armed = { weight, phase }
    },
    reset() {
      armed = undefined
      kube.reset()
      install()
      kube.put(httpRoute())
      return Promise.resolve()
    },
    close: () => kube.close(),
  }
}

// ---------------------------------------------------------------------------------------------
// The rollout and the checks every cell makes.

const RECORD = 'production.json'

function storedRecord(): RolloutRecord {
  const text = github.state.files('rollgate-state').get(RECORD)
  if (text === undefined) throw new Error('no record on rollgate-state')
  return parseRecord(text, RECORD)
}

function hasPendingMove(body: unknown): boolean {
  const content = (body as { content?: unknown } | undefined)?.content
  if (typeof content !== 'string') return false
  return 'pendingMove' in (JSON.parse(Buffer.from(content, 'base64').toString('utf8')) as object)
}

interface Rollout {
  provider: Provider
  workspace: string
  pull: number
  sha: string
}

async function startRollout(provider: Provider): Promise<Rollout> {
  await provider.reset()
  const workspace = join(dir, `ws-${provider.name}`)
  mkdirSync(join(workspace, '.github'), { recursive: true })
  writeFileSync(
    join(workspace, '.github', 'rollgate.yml'),
    `version: 1
environments:
  production:
    production: true
    traffic: ${provider.traffic}
    steps: [ { weight: 10 }, { weight: 50 }, { weight: 100 } ]
`,
  )
  const pull = github.state.seedPull({ head: 'feature' })
  const rollout = { provider, workspace, pull: pull.number, sha: pull.head.sha }
  const deployed = await run(rollout, 'deploy-canary', { version: 'v2', 'stable-version': 'v1' }, 100)
  expect(deployed.exitCode, deployed.stdout).toBe(0)
  return rollout
}

/** One step of a workflow run: `run` is GITHUB_RUN_ID, `attempt` its attempt (a re-run is 2). */
async function run(rollout: Rollout, action: string, inputs: Record<string, string>, runId: number, attempt = 1): Promise<BundleRun> {
  return runBundle(action, {
    inputs: { environment: 'production', ...inputs },
    cwd: rollout.workspace,
    apiUrl: github.url,
    timeoutMs: 60_000,
    env: {
      GITHUB_SHA: rollout.sha,
      GITHUB_RUN_ID: String(runId),
      GITHUB_RUN_ATTEMPT: String(attempt),
      GITHUB_JOB: action,
      GITHUB_ACTION: action,
      ...rollout.provider.env,
    },
    event: { name: 'pull_request', payload: { number: rollout.pull, pull_request: { number: rollout.pull } } },
    onSpawn: (child) => (current = child),
  })
}

/** Runs `action` with a kill armed; it must die by SIGKILL at the held point. */
async function killedRun(rollout: Rollout, action: string, runId: number): Promise<void> {
  const before = kills
  const result = await run(rollout, action, {}, runId)
  expect(kills, `the ${action} was expected to be killed at the held point, but it ended with ${result.exitCode}:\n${result.stdout}`).toBe(before + 1)
  expect(result.exitCode).toBe(-1)
}

function expectSettled(record: RolloutRecord, provider: Provider, weight: number): Promise<void> {
  expect(record.pendingMove).toBeUndefined()
  expect(record.lease).toBeUndefined()
  expect(record.weight).toBe(weight)
  return provider.weight().then((real) => expect(real, `${provider.name} serves ${real}% but the record says ${record.weight}%`).toBe(weight))
}

/** The rollout's deployment shows the record's state, and no older production deployment shows success. */
function expectStatusesConsistent(record: RolloutRecord): void {
  const id = record.deploymentId
  expect(id).toBeDefined()
  const newest = github.state.statusesOf(id as number).at(-1)
  const shown = visibleStatus(record)
  expect({ state: newest?.state, description: newest?.description }).toEqual({ state: shown?.state, description: shown?.description })
  const active = github.state.deployments.filter((d) => github.state.statusesOf(d.id).at(-1)?.state === 'success')
  expect(active.length).toBeLessThanOrEqual(1)
}

type Kill = 'intent recorded' | 'provider call, before it changed anything' | 'provider call, after it changed traffic' | 'traffic moved, record not written' | 'deployment status write'

/** Arms the kill for the move 10% → 50% (or 50% → 100% for the status write). */
function arm(kill: Kill, rollout: Rollout, target: number): void {
  switch (kill) {
    case 'intent recorded':
      // The claim (lease + pending move) landed; the action never hears back.
      github.faults.push({ match: { operationId: 'repos/create-or-update-file-contents', body: hasPendingMove }, after: true, hold: () => crash().then(() => 'drop' as const) })
      return
    case 'provider call, before it changed anything':
      rollout.provider.holdSet(target, 'before')
      return
    case 'provider call, after it changed traffic':
      rollout.provider.holdSet(target, 'after')
      return
    case 'traffic moved, record not written':
      github.faults.push({ match: { operationId: 'repos/create-or-update-file-contents', body: (b) => !hasPendingMove(b) }, hold: () => crash().then(() => 'drop' as const) })
      return
    case 'deployment status write':
      // The final promotion posts its statuses in one GraphQL request (createDeploymentStatus), REST as fallback.
      github.faults.push({ match: { operationId: 'graphql', body: (b) => JSON.stringify(b ?? '').includes('createDeploymentStatus') }, hold: () => crash().then(() => 'drop' as const) })
      return
  }
}

const KILLS: Kill[] = ['intent recorded', 'provider call, before it changed anything', 'provider call, after it changed traffic', 'traffic moved, record not written', 'deployment status write']

const providers: { name: string; make: () => Promise<Provider>; enabled: boolean }[] = [
  { name: 'command', make: () => Promise.resolve(commandProvider()), enabled: true },
  { name: 'haproxy', make: haproxyProvider, enabled: hasHaproxy },
  { name: 'gateway-api (kubectl)', make: gatewayProvider, enabled: hasKubectl },
]

const cells: string[] = []
afterAll(() => {
  if (process.env['ROLLGATE_PRINT_CRASH_MATRIX']) console.log(`crash matrix cells:\n${cells.join('\n')}`)
})

for (const { name, make, enabled } of providers) {
  describe.skipIf(!enabled)(`SIGKILL during a traffic move: ${name}`, () => {
    let provider: Provider
    beforeAll(async () => {
      provider = await make()
    }, 30_000)
    afterAll(async () => provider?.close())
    afterEach(() => {
      current = undefined
    })

    it.each(KILLS)('killed at: %s; the re-run settles it', async (kill) => {
      const rollout = await startRollout(provider)
      const final = kill === 'deployment status write'
      // The final promote's status write is the one whose loss a re-run could not see otherwise.
      if (final) expect((await run(rollout, 'promote', {}, 150)).exitCode).toBe(0)
      const [from, to] = final ? [50, 100] : [10, 50]
      expect(storedRecord().weight).toBe(from)
      const setsBefore = provider.sets().length

      arm(kill, rollout, to)
      await killedRun(rollout, 'promote', 200)
      const left = storedRecord()

      // The user re-runs the failed job: the same run, attempt 2.
      const rerun = await run(rollout, 'promote', {}, 200, 2)
      const halfMove = name === 'haproxy' && kill === 'provider call, after it changed traffic'
      if (halfMove) {
        // HAProxy's canary got 50 but the stable server kept 90: 35.71%, neither weight of the move.
        expect(rerun.exitCode).toBe(1)
        const result = JSON.parse(rerun.outputs['result'] ?? '{}') as { reasonCode?: string; message?: string }
        expect(result.reasonCode).toBe('interrupted-move')
        expect(result.message).toMatch(/traffic is at 35.71%.*repair-weight: 50.*rollback/s)
        expect(provider.sets().slice(setsBefore)).toEqual([50])
        // What the refusal names settles it: rollback sets the weight outright.
        const rolledBack = await run(rollout, 'rollback', { reason: 'half-applied move' }, 300)
        expect(rolledBack.exitCode, rolledBack.stdout).toBe(0)
        const record = storedRecord()
        expect(record.phase).toBe('rolled-back')
        await expectSettled(record, provider, 0)
        expectStatusesConsistent(record)
        cells.push(`${name} | ${kill} | re-run refused (interrupted-move, names repair-weight and rollback); rollback → 0% | ok`)
        return
      }
      expect(rerun.exitCode, rerun.stdout).toBe(0)
      const record = storedRecord()
      await expectSettled(record, provider, to)
      expect(record.phase).toBe(final ? 'promoted' : 'canary')
      // The interrupted move happened exactly once, in the killed run or in the re-run.
      expect(provider.sets().slice(setsBefore).filter((w) => w === to)).toHaveLength(1)
      expect(provider.sets().slice(setsBefore).every((w) => w === to)).toBe(true)
      expectStatusesConsistent(record)
      const how = left.pendingMove ? /repaired an interrupted move first: (repaired: [^\n]*)/.exec(rerun.stdout)?.[1] ?? 'repaired' : 'record already final; statuses reconciled'
      if (left.pendingMove) expect(rerun.stdout).toMatch(/repaired an interrupted move first/)
      cells.push(`${name} | ${kill} | ${how.replace(/\s+/g, ' ').slice(0, 90)} | ok`)
    }, 120_000)
  })
}
