/**
 * Runs an action's `main(io, deps)` in-process: a FakeActionIO carries the inputs and the runner's
 * variables, the GitHub client points at the OpenAPI-validating fake GitHub, time is a fake clock,
 * and traffic goes to an in-memory backend (or to the real provider the policy names). The bundle
 * tests stay the outer layer; these are the fast ones.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import { readFileSync } from 'node:fs'
import { FakeActionIO } from '../fakes/action-io.js'
import type { FakeGitHub } from '../fakes/github/server.js'
import { runAction } from '../../shared/action/run.js'
import type { ActionIO } from '../../shared/action/io.js'
import { createGitHubClient } from '../../shared/github/client.js'
import { productionDeps, type ActionDeps } from '../../shared/rollout/runtime.js'
import type { Clock } from '../../shared/clock.js'
import { ProviderError } from '../../shared/errors.js'
import type { TrafficProvider, WeightContext } from '../../shared/traffic/types.js'
import type { ResultAction } from '../../shared/reason-codes.js'
import { main as deployCanary } from '../../actions/deploy-canary/main.js'
import { main as analyze } from '../../actions/analyze/main.js'
import { main as promote } from '../../actions/promote/main.js'
import { main as rollback } from '../../actions/rollback/main.js'
import { main as flagCleanup } from '../../actions/flag-cleanup/main.js'
import { main as report } from '../../actions/report/main.js'
import { main as drill } from '../../actions/drill/main.js'

export const MAINS: Record<Exclude<ResultAction, 'router'>, (io: ActionIO, deps?: ActionDeps) => Promise<void>> = {
  'deploy-canary': deployCanary,
  analyze,
  promote,
  rollback,
  'flag-cleanup': flagCleanup,
  report,
  drill,
}

/** A traffic backend in memory; `failNext` makes the next change fail with the weights kept. */
export class MemoryTraffic implements TrafficProvider {
  readonly name = 'command' as const
  weight = 0
  readonly changes: { weight: number; ctx: WeightContext }[] = []
  failNext: string | undefined
  /** Called after the weight changed (a crash point for the crash tests). */
  afterSet: (() => void) | undefined
  canRead = true
  async setWeight(weight: number, ctx: WeightContext) {
    if (this.failNext) {
      const why = this.failNext
      this.failNext = undefined
      throw new ProviderError('memory traffic', 'set weight', why)
    }
    const previous = this.weight
    this.weight = weight
    this.changes.push({ weight, ctx })
    this.afterSet?.()
    return { provider: 'command' as const, target: 'memory', previous, weight, readBack: this.canRead ? weight : undefined, changes: [] }
  }
  async readWeight() {
    return this.canRead ? this.weight : undefined
  }
  describe() {
    return 'memory'
  }
}

export class FakeClock implements Clock {
  constructor(public time = new Date('2026-06-01T12:00:00Z')) {}
  now(): Date {
    return new Date(this.time)
  }
  async sleep(ms: number): Promise<void> {
    this.time = new Date(this.time.getTime() + Math.max(0, ms))
  }
  advance(ms: number): void {
    this.time = new Date(this.time.getTime() + ms)
  }
}

export interface Workspace {
  dir: string
  policyPath: string
  eventPath: string
  writePolicy(text: string): void
  cleanup(): void
}

export function workspace(policy: string): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-action-'))
  const policyPath = join(dir, 'rollgate.yml')
  const eventPath = join(dir, 'event.json')
  writeFileSync(policyPath, policy)
  writeFileSync(eventPath, '{}')
  return {
    dir,
    policyPath,
    eventPath,
    writePolicy: (text) => writeFileSync(policyPath, text),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export interface TestDepsOptions {
  github: Pick<FakeGitHub, 'url'>
  clock?: FakeClock
  traffic?: TrafficProvider | 'real'
  /** Attempt timeout of the GitHub client (the fault tests use a short one). */
  timeoutMs?: number
}

/** Production deps with the outside world replaced: the fake GitHub, a fake clock, memory traffic. */
export function testDeps(io: ActionIO, options: TestDepsOptions): ActionDeps {
  const real = productionDeps(io)
  const traffic = options.traffic ?? new MemoryTraffic()
  return {
    ...real,
    github: ({ token, logger }) =>
      createGitHubClient({
        token,
        version: 'test',
        logger,
        baseUrl: options.github.url,
        paceWrites: false,
        retryBaseMs: 1,
        request: { timeoutMs: options.timeoutMs ?? 10_000 },
      }),
    clock: options.clock ?? new FakeClock(),
    traffic: traffic === 'real' ? real.traffic : () => traffic,
  }
}

export interface RunOptions {
  inputs?: Record<string, string>
  env?: Record<string, string>
  /** The pull request the event is for. */
  pullRequest?: number
  sha?: string
  runId?: number
  runAttempt?: number
  step?: string
}

export interface ActionRun {
  io: FakeActionIO
  result: Record<string, unknown> & { reasonCode: string; message: string }
  failed: string | undefined
}

let runCounter = 5000

/** Runs one action as runAction would (so a thrown error still writes `result`). */
export async function runMain(
  action: keyof typeof MAINS,
  ws: Workspace,
  depsOf: (io: ActionIO) => ActionDeps,
  options: RunOptions = {},
): Promise<ActionRun> {
  const event = options.pullRequest !== undefined ? { number: options.pullRequest, pull_request: { number: options.pullRequest } } : {}
  writeFileSync(ws.eventPath, JSON.stringify(event))
  const io = new FakeActionIO(
    { policy: ws.policyPath, 'github-token': 'ghs_actiontesttoken0123456789', ...options.inputs },
    {
      GITHUB_REPOSITORY: 'octo-org/shop',
      GITHUB_SHA: options.sha ?? 'a'.repeat(40),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_RUN_ID: String(options.runId ?? ++runCounter),
      GITHUB_RUN_ATTEMPT: String(options.runAttempt ?? 1),
      GITHUB_ACTOR: 'octocat',
      GITHUB_JOB: 'rollout',
      GITHUB_ACTION: options.step ?? `${action}-step`,
      GITHUB_EVENT_NAME: options.pullRequest !== undefined ? 'pull_request' : 'push',
      GITHUB_EVENT_PATH: ws.eventPath,
      GITHUB_WORKSPACE: ws.dir,
      ...options.env,
    },
  )
  const previousExit = process.exitCode
  await runAction((x) => MAINS[action](x, depsOf(x)), { io, action })
  process.exitCode = previousExit
  const raw = io.outputs['result']
  if (raw === undefined) throw new Error(`${action} ended without a result output (failed: ${io.failed ?? 'no'})`)
  const result = JSON.parse(raw) as ActionRun['result']
  assertValidResult(result)
  return { io, result, failed: io.failed }
}

let validate: ((data: unknown) => boolean) & { errors?: unknown } | undefined

/** Every result output matches the published schema/result.schema.json. */
export function assertValidResult(result: unknown): void {
  if (!validate) {
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'result.schema.json'), 'utf8')) as object
    validate = new Ajv({ strict: false }).compile(schema)
  }
  if (!validate(result)) throw new Error(`result does not match schema/result.schema.json: ${JSON.stringify(validate.errors)}\n${JSON.stringify(result)}`)
}
