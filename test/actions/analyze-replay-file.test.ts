/**
 * The analyze action's `replay-file` input (#14): the action, in-process against the fake GitHub
 * and a metrics fake, writes what its judge consumed as a replay file, and `rollgate replay` of that
 * file reaches the live verdict, look and reason: a fail named on a bad pod (per-instance
 * breakdown), a pass held to the minimum duration, a time-out, and a mirror step (paired), with
 * histogram buckets whose +Inf bound must survive JSON.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { FakeClock, MemoryTraffic, runMain, testDeps, workspace, type Workspace } from './support.js'
import { replayCommand } from '../../cli/replay.js'
import type { CliIO } from '../../cli/command.js'
import type { MetricQuery, MetricsProvider, ObservationResult } from '../../shared/metrics/types.js'
import type { TrafficProvider, WeightContext } from '../../shared/traffic/types.js'
import { poisson, rng } from '../analysis/sim.js'

const github = useFakeGitHub({ repository: 'octo-org/shop' })
const spaces: Workspace[] = []
afterEach(() => {
  for (const w of spaces.splice(0)) w.cleanup()
})

function policy(options: { steps: string; traffic?: string; maxDuration?: string; minDuration?: string; tolerance?: string }): string {
  return `version: 1
environments:
  production:
    traffic: ${options.traffic ?? '{ provider: command, setWeight: [set, "{{weight}}"], getWeight: [get] }'}
    steps: ${options.steps}
analysis:
  web:
    provider: { type: prometheus, address: "http://127.0.0.1:9" }
    interval: 1m
    maxDuration: ${options.maxDuration ?? '30m'}
    ${options.minDuration ? `minDuration: ${options.minDuration}` : ''}
    checks:
      - { name: errors, type: ratio, events: 'sum(errors{version="{{version}}"})', total: 'sum(requests{version="{{version}}"})', tolerance: ${options.tolerance ?? '0%'}, critical: true }
      - { name: latency, type: samples, buckets: 'sum by (le) (latency_bucket{version="{{version}}"})', quantile: p95, tolerance: ${options.tolerance ?? '0%'} }
      - { name: cpu, type: value, query: 'max(cpu{version="{{version}}"})', max: 0.9 }
`
}

interface Traffic {
  /** Requests a minute per arm and how they split over three pods. */
  canary: number
  baseline: number
  /** Error rate per pod of the canary (three pods) and of the baseline. */
  canaryPods: [number, number, number]
  baseRate: number
  /** Latency multiplier of the canary. */
  slower?: number
  /** false: no per-instance breakdown (as Datadog, New Relic, CloudWatch). */
  split?: boolean
}

/** Buckets of a log-normal latency (median 50 ms × factor) for n requests, cumulative, with +Inf. */
function buckets(n: number, factor: number, r: () => number) {
  const bounds = [0.025, 0.05, 0.1, 0.2, 0.4, Number.POSITIVE_INFINITY]
  const counts = bounds.map(() => 0)
  for (let i = 0; i < n; i++) {
    const u = Math.max(1e-12, r())
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r())
    const v = 0.05 * factor * Math.exp(0.5 * z)
    for (let b = 0; b < bounds.length; b++) if (v <= (bounds[b] as number)) counts[b] = (counts[b] as number) + 1
  }
  return bounds.map((le, b) => ({ le, count: counts[b] as number }))
}

/** Counts drawn from a generator seeded by (arm, check, window): the same answer for the same query. */
class FakeMetrics {
  readonly type = 'prometheus' as const
  constructor(private readonly t: Traffic) {}
  validate(): void {}
  async query(request: MetricQuery): Promise<ObservationResult> {
    const minute = Math.round(request.window.start.getTime() / 60_000)
    const arm = request.arm
    const seed = (minute * 31 + (arm === 'canary' ? 7 : 13)) * 97 + request.check.name.length
    const r = rng(seed)
    const canary = arm === 'canary'
    if (request.check.name === 'cpu') return { ok: true, observation: { value: 0.4 + 0.1 * r() } } as ObservationResult
    if (request.check.name === 'latency') return { ok: true, observation: { buckets: buckets(canary ? 200 : 600, canary ? (this.t.slower ?? 1) : 1, r) } } as ObservationResult
    const perPod = Math.round((canary ? this.t.canary : this.t.baseline) / 3)
    const rates = canary ? this.t.canaryPods : [this.t.baseRate, this.t.baseRate, this.t.baseRate]
    const pods = Object.fromEntries(rates.map((rate, i) => [`web-${canary ? 'v2' : 'v1'}-${i}`, { events: Math.min(perPod, poisson(r, perPod * rate)), total: perPod }]))
    const all = Object.values(pods)
    const observation = { events: all.reduce((s, o) => s + o.events, 0), total: all.reduce((s, o) => s + o.total, 0) }
    return (this.t.split === false ? { ok: true, observation } : { ok: true, observation, instances: pods }) as ObservationResult
  }
}

/** Mirroring traffic for a mirror step (only gateway-api and istio can mirror). */
class MirrorTraffic implements TrafficProvider {
  readonly name = 'istio' as const
  readonly mirrors = true
  weight = 0
  async setWeight(weight: number, _ctx: WeightContext) {
    const previous = this.weight
    this.weight = weight
    return { provider: 'istio' as const, target: 'memory', previous, weight, readBack: weight, changes: [] }
  }
  async readWeight() {
    return this.weight
  }
  describe() {
    return 'memory'
  }
}

async function replayOf(path: string) {
  let out = ''
  let err = ''
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env: {}, cwd: '/', isTTY: false }
  const code = await replayCommand.run([path, '--json'], io)
  if (code !== 0) throw new Error(`rollgate replay ${path} exited ${code}: ${err}`)
  return JSON.parse(out) as { decision: string; decidedAt: number | null; reason: string; action: string; looks: { decision: string }[]; instanceOutliers?: unknown[] }
}

async function analyzeAndReplay(text: string, metrics: FakeMetrics, traffic: TrafficProvider = new MemoryTraffic(), replayFile = 'out/analysis/replay.json') {
  const ws = workspace(text)
  spaces.push(ws)
  const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'))
  const deps = (io: Parameters<typeof testDeps>[0]) => ({ ...testDeps(io, { github, traffic, clock }), metrics: () => metrics as unknown as MetricsProvider })
  const sha = github.state.seedPull({ head: `replay-${spaces.length}` }).head.sha
  const deploy = await runMain('deploy-canary', ws, deps, { sha, inputs: { environment: 'production', version: 'v2', 'stable-version': 'v1' } })
  expect(deploy.failed).toBeUndefined()
  const live = await runMain('analyze', ws, deps, { sha, inputs: { environment: 'production', 'replay-file': replayFile } })
  const path = live.io.outputs['replay-file'] as string
  expect(path).toBe(join(ws.dir, replayFile))
  const text2 = readFileSync(path, 'utf8')
  const file = JSON.parse(text2) as Record<string, unknown> & { intervals: Record<string, unknown>[] }
  const replayed = await replayOf(path)
  return { live, file, text: text2, replayed }
}

/** The live verdict (the action's outputs and result) against the replay's. */
function expectSameVerdict(live: Awaited<ReturnType<typeof analyzeAndReplay>>['live'], replayed: Awaited<ReturnType<typeof replayOf>>): void {
  expect(replayed.decision).toBe(live.io.outputs['decision'])
  expect(replayed.decidedAt === null ? '' : String(replayed.decidedAt)).toBe(live.io.outputs['decided-at'])
  expect(replayed.reason).toBe(live.result.reason)
  expect(replayed.action).toBe(live.result.recommended)
}


/** A workspace with a two-step policy, healthy metrics and v2 deployed at 10% on a fresh pull request. */
async function deployedHealthy(head: string) {
  const ws = workspace(policy({ steps: '[ { weight: 10, analysis: web }, { weight: 100 } ]', maxDuration: '2m' }))
  spaces.push(ws)
  const metrics = new FakeMetrics({ canary: 300, baseline: 2700, canaryPods: [0.01, 0.01, 0.01], baseRate: 0.01 })
  const traffic = new MemoryTraffic()
  const deps = (io: Parameters<typeof testDeps>[0]) => ({ ...testDeps(io, { github, traffic, clock: new FakeClock() }), metrics: () => metrics as unknown as MetricsProvider })
  const sha = github.state.seedPull({ head }).head.sha
  await runMain('deploy-canary', ws, deps, { sha, inputs: { environment: 'production', version: 'v2', 'stable-version': 'v1' } })
  return { ws, deps, sha }
}

describe('analyze writes a replay file (replay-file)', () => {
  it('a fail on one bad pod: the file holds every interval with its breakdown, and its replay names the pod with the same reason', async () => {
    const metrics = new FakeMetrics({ canary: 3000, baseline: 27_000, canaryPods: [0.01, 0.08, 0.01], baseRate: 0.01 })
    const { live, file, text, replayed } = await analyzeAndReplay(policy({ steps: '[ { weight: 10, analysis: web }, { weight: 100 } ]' }), metrics)
    expect(live.io.outputs['decision']).toBe('fail')
    expect(live.result.reason).toMatch(/instance "web-v2-1" \(canary\) stands out on errors/)
    expectSameVerdict(live, replayed)
    expect(replayed.instanceOutliers).toHaveLength(1)
    // Exactly the intervals the judge consumed: one per live look.
    expect(file.intervals).toHaveLength(live.result.looks as number)
    expect(file).toMatchObject({ version: 1, alpha: 0.05, maxIntervals: 30, metrics: [{ name: 'errors', type: 'ratio' }, { name: 'latency', type: 'samples', quantile: 0.95 }, { name: 'cpu', type: 'value', max: 0.9 }] })
    expect(file.mode).toBeUndefined()
    const first = file.intervals[0] as { weight: number; canary: Record<string, unknown>; baseline: Record<string, unknown>; instances: { canary: Record<string, unknown> } }
    expect(first.weight).toBe(10)
    expect(first.canary.cpu).toMatchObject({ value: expect.any(Number) })
    expect(first.baseline.cpu).toBeUndefined()
    expect(Object.keys(first.instances.canary)).toEqual(['web-v2-0', 'web-v2-1', 'web-v2-2'])
    // The +Inf bucket bound is the string "+Inf" (JSON has no Infinity), read back as +Inf.
    expect((first.canary.latency as { buckets: { le: unknown }[] }).buckets.at(-1)?.le).toBe('+Inf')
    expect(text).not.toContain('null')
  })

  it('records the engine the policy chose (test.engine: v3), and the replay judges with it', async () => {
    const metrics = new FakeMetrics({ canary: 3000, baseline: 27_000, canaryPods: [0.01, 0.08, 0.01], baseRate: 0.01 })
    const text = policy({ steps: '[ { weight: 10, analysis: web }, { weight: 100 } ]' }).replace('    interval: 1m\n', '    interval: 1m\n    test: { type: sequential, engine: v3 }\n')
    const { live, file, replayed } = await analyzeAndReplay(text, metrics)
    expect(file.engine).toBe('v3')
    expectSameVerdict(live, replayed)
    // The same intervals judged by the default engine give another record of looks: the field is read.
    const { engine: _dropped, ...withoutEngine } = file
    const path = join(spaces.at(-1)?.dir ?? '', 'out/analysis/replay-v1.json')
    writeFileSync(path, JSON.stringify(withoutEngine))
    const v1 = await replayOf(path)
    expect(JSON.stringify([v1.decidedAt, v1.reason])).not.toBe(JSON.stringify([replayed.decidedAt, replayed.reason]))
  })

  it('a pass held to the minimum duration: the replay passes at the same look, not at the judge\'s first pass', async () => {
    const metrics = new FakeMetrics({ canary: 30_000, baseline: 270_000, canaryPods: [0.01, 0.01, 0.01], baseRate: 0.01 })
    const { live, file, replayed } = await analyzeAndReplay(policy({ steps: '[ { weight: 10, analysis: web }, { weight: 100 } ]', tolerance: '50%', minDuration: '12m' }), metrics)
    expect(live.io.outputs['decision']).toBe('pass')
    expect(file.minIntervals).toBe(12)
    expectSameVerdict(live, replayed)
    expect(replayed.decidedAt).toBe(11)
    // The judge itself passed earlier: without minIntervals the replay would say so.
    expect(replayed.looks.findIndex((l) => l.decision === 'pass')).toBeLessThan(11)
  })

  it('a time-out: inconclusive at the maximum duration, replayed with the same reason', async () => {
    const metrics = new FakeMetrics({ canary: 300, baseline: 2700, canaryPods: [0.01, 0.01, 0.01], baseRate: 0.01 })
    const { live, file, replayed } = await analyzeAndReplay(policy({ steps: '[ { weight: 10, analysis: web }, { weight: 100 } ]', maxDuration: '5m' }), metrics)
    expect(live.io.outputs['decision']).toBe('inconclusive')
    expect(file.intervals).toHaveLength(5)
    expectSameVerdict(live, replayed)
  })

  it.each([
    ['a broken shadow fails', 3, 'fail'],
    ['a healthy shadow is not failed', 1, 'not fail'],
  ] as const)('a mirror step is recorded paired: %s, and the replay says what the live run said', async (_name, factor, expected) => {
    const rate = 0.01
    const metrics = new FakeMetrics({ canary: 5000, baseline: 25_000, canaryPods: [rate * factor, rate * factor, rate * factor], baseRate: rate, slower: factor === 1 ? 1 : 1.5 })
    const text = policy({
      traffic: '{ provider: istio, namespace: shop, virtualService: web, stable: { host: web, subset: stable }, canary: { host: web, subset: canary } }',
      steps: '[ { weight: 0, mirror: 20, analysis: web }, { weight: 100 } ]',
      tolerance: '20%',
      maxDuration: '20m',
    })
    const { live, file, replayed } = await analyzeAndReplay(text, metrics, new MirrorTraffic())
    if (expected === 'fail') expect(live.io.outputs['decision']).toBe('fail')
    else expect(live.io.outputs['decision']).not.toBe('fail')
    expect(file).toMatchObject({ mode: 'paired', mirror: 20 })
    expect(file.test).toBeUndefined()
    expect(file.intervals.every((iv) => iv.weight === 20)).toBe(true)
    expectSameVerdict(live, replayed)
    expect(replayed.reason).toMatch(/paired/)
  })

  it('mode once: each run writes the intervals so far, and the deciding run\'s file replays to its verdict', async () => {
    const ws = workspace(policy({ steps: '[ { weight: 10, analysis: web }, { weight: 100 } ]' }))
    spaces.push(ws)
    // No breakdown: a once analysis keeps per-pod sums in the record, not a breakdown per interval, so its file has none.
    const metrics = new FakeMetrics({ canary: 3000, baseline: 27_000, canaryPods: [0.03, 0.03, 0.03], baseRate: 0.01, split: false })
    const traffic = new MemoryTraffic()
    const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'))
    const deps = (io: Parameters<typeof testDeps>[0]) => ({ ...testDeps(io, { github, traffic, clock }), metrics: () => metrics as unknown as MetricsProvider })
    const sha = github.state.seedPull({ head: 'replay-once' }).head.sha
    await runMain('deploy-canary', ws, deps, { sha, inputs: { environment: 'production', version: 'v2', 'stable-version': 'v1' } })
    let live: Awaited<ReturnType<typeof runMain>> | undefined
    for (let run = 1; run <= 10; run++) {
      clock.advance(60_000)
      live = await runMain('analyze', ws, deps, { sha, inputs: { environment: 'production', mode: 'once', 'replay-file': 'replay.json' } })
      if (live.io.outputs['decision'] === 'continue') expect(live.failed).toBeUndefined()
      const file = JSON.parse(readFileSync(join(ws.dir, 'replay.json'), 'utf8')) as { intervals: unknown[] }
      expect(file.intervals).toHaveLength(run)
      if (live.io.outputs['decision'] !== 'continue') break
    }
    expect(live?.io.outputs['decision']).toBe('fail')
    expectSameVerdict(live as NonNullable<typeof live>, await replayOf(join(ws.dir, 'replay.json')))
  })

  it('without the input no file is written and the output is empty', async () => {
    const { ws, deps, sha } = await deployedHealthy('replay-off')
    const live = await runMain('analyze', ws, deps, { sha, inputs: { environment: 'production' } })
    expect(live.failed).toBeUndefined()
    expect(live.io.outputs['replay-file']).toBe('')
  })

  it('a path that cannot be written fails naming the input, after the decision outputs are set', async () => {
    const { ws, deps, sha } = await deployedHealthy('replay-unwritable')
    // The policy file is a file: nothing can be created below it.
    const live = await runMain('analyze', ws, deps, { sha, inputs: { environment: 'production', 'replay-file': 'rollgate.yml/replay.json' } })
    expect(live.failed).toMatch(/^Input 'replay-file': cannot write .*rollgate\.yml\/replay\.json: /)
    // The analysis ran and was recorded: its result stands, the step fails on the input.
    expect(live.result.reasonCode).toBe('inconclusive')
    expect(live.io.outputs['decision']).toBe('inconclusive')
    expect(live.io.outputs['replay-file']).toBeUndefined()
  })

  it('is refused with experiment:, which has its own replay format', async () => {
    const ws = workspace(policy({ steps: '[ { weight: 10, analysis: web }, { weight: 100 } ]' }))
    spaces.push(ws)
    const deps = (io: Parameters<typeof testDeps>[0]) => testDeps(io, { github })
    const live = await runMain('analyze', ws, deps, { inputs: { environment: 'production', experiment: 'checkout', 'replay-file': 'x.json' } })
    expect(live.failed).toMatch(/Inputs 'experiment' and 'replay-file' cannot be combined/)
    expect(live.result.reasonCode).toBe('invalid-input')
  })
})
