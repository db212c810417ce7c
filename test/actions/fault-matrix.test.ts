/**
 * The fault matrix (#10): for every GitHub call of every action, one cell per fault: a 500, a 502
 * after the write landed, a 403 secondary rate limit with retry-after, a 429, a timeout and a reset
 * connection. Each cell must end retried-to-success, or failed with a readable record and no
 * traffic moved without a record; either way the next command works. The table in
 * docs/reliability.md is this test's output: it fails when the file differs, and
 * `ROLLGATE_WRITE_RELIABILITY=1 npx vitest run test/actions/fault-matrix.test.ts` (npm run
 * docs:reliability) rewrites it.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { parseRecord } from '../../shared/state/record.js'
import type { MetricsProvider } from '../../shared/metrics/types.js'
import type { Fault } from '../fakes/github/server.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { FakeClock, MemoryTraffic, runMain, testDeps, workspace, type ActionRun, type Workspace } from './support.js'

const github = useFakeGitHub({ repository: 'octo-org/shop' })

const POLICY = `version: 1
environments:
  production:
    production: true
    traffic: { provider: command, setWeight: [set, "{{weight}}"], getWeight: [get] }
    steps: [ { weight: 10, analysis: smoke, skippable: true }, { weight: 50 }, { weight: 100 } ]
analysis:
  smoke:
    provider: { type: http, url: "http://127.0.0.1:9/{{query}}", jsonPath: { value: "$.v" } }
    interval: 1m
    checks: [ { name: errors, type: ratio, events: e, total: t } ]
`

/** A metrics backend that always answers: 1 error in 1,000 requests on both arms. */
const steadyMetrics: MetricsProvider = {
  type: 'http',
  validate: () => undefined,
  query: async () => ({ ok: true, observation: { events: 1, total: 1000 } }) as never,
}

type Step = { action: 'deploy-canary' | 'analyze' | 'promote' | 'rollback'; inputs: Record<string, string> }
const deploy = (version: string, stable?: string): Step => ({ action: 'deploy-canary', inputs: { version, ...(stable ? { 'stable-version': stable } : {}) } })
const analyze: Step = { action: 'analyze', inputs: { template: 'smoke', mode: 'once' } }
const promote: Step = { action: 'promote', inputs: {} }
const promoteFull: Step = { action: 'promote', inputs: { full: 'true' } }
const rollback: Step = { action: 'rollback', inputs: { reason: 'fault matrix' } }

interface Scenario {
  name: string
  before: Step[]
  target: Step
  next: Step
}

const SCENARIOS: Scenario[] = [
  { name: 'deploy-canary, first rollout in the repository', before: [], target: deploy('v2', 'v1'), next: promote },
  { name: 'deploy-canary, later rollout', before: [deploy('v2', 'v1'), promoteFull], target: deploy('v3'), next: promote },
  { name: 'analyze (once)', before: [deploy('v2', 'v1')], target: analyze, next: promote },
  { name: 'promote', before: [deploy('v2', 'v1')], target: promote, next: promote },
  { name: 'promote to 100% (production)', before: [deploy('v2', 'v1'), promote], target: promote, next: rollback },
  { name: 'rollback of a promoted version', before: [deploy('v2', 'v1'), promoteFull], target: rollback, next: deploy('v4') },
]

const FAULTS: { name: string; fault: (op: string, skip: number) => Fault }[] = [
  { name: '500', fault: (operationId, skip) => ({ match: { operationId }, skip, status: 500 }) },
  { name: '502 after the write landed', fault: (operationId, skip) => ({ match: { operationId }, skip, status: 502, after: true }) },
  { name: '403 secondary rate limit', fault: (operationId, skip) => ({ match: { operationId }, skip, status: 'secondary-rate-limit', retryAfter: 1 }) },
  { name: '429', fault: (operationId, skip) => ({ match: { operationId }, skip, status: 429, retryAfter: 1 }) },
  { name: 'timeout', fault: (operationId, skip) => ({ match: { operationId }, skip, delayMs: 600 }) },
  { name: 'reset connection', fault: (operationId, skip) => ({ match: { operationId }, skip, reset: true }) },
]

const spaces: Workspace[] = []
afterEach(() => {
  for (const w of spaces.splice(0)) w.cleanup()
})

/** `timeoutMs`: the client's attempt timeout; short only where a cell injects a timeout (a loaded machine must not change the call list). */
function harness(timeoutMs = 10_000) {
  const ws = workspace(POLICY)
  spaces.push(ws)
  const traffic = new MemoryTraffic()
  const clock = new FakeClock()
  const pull = github.state.seedPull({ head: 'feature' })
  let step = 0
  const run = (s: Step): Promise<ActionRun> => {
    clock.advance(120_000)
    return runMain(s.action, ws, (io) => ({ ...testDeps(io, { github, traffic, clock, timeoutMs }), metrics: () => steadyMetrics }), {
      sha: pull.head.sha,
      pullRequest: pull.number,
      inputs: { environment: 'production', ...s.inputs },
      step: `${s.action}-${++step}`,
    })
  }
  return { traffic, run }
}

/** The record as stored in the fake, parsed (throws when it is unreadable). */
function storedRecord() {
  const git = github.state.git
  const head = git.refs.get('refs/heads/rollgate-state')
  if (!head) return undefined
  const tree = git.commits.get(head)?.tree
  const entry = tree ? git.flatten(tree).get('production.json') : undefined
  const blob = entry ? git.blobs.get(entry.sha) : undefined
  return blob === undefined ? undefined : parseRecord(blob.toString('utf8'))
}

const ok = (r: ActionRun) => r.failed === undefined && ['applied', 'noop', 'replayed', 'pass', 'continue', 'fail', 'inconclusive'].includes(r.result.reasonCode)

/** Runs the scenario without faults and lists the target's requests: the cells of its row. */
async function callsOf(scenario: Scenario): Promise<string[]> {
  github.reset()
  const h = harness()
  for (const s of scenario.before) {
    const r = await h.run(s)
    expect(ok(r), r.failed).toBe(true)
  }
  const from = github.requests.length
  const r = await h.run(scenario.target)
  expect(ok(r), r.failed).toBe(true)
  return github.requests.slice(from).map((r) => r.operationId ?? '?')
}

const table: { scenario: string; index: number; call: string; cells: string[] }[] = []

describe('the fault matrix: every GitHub call of every action × every fault', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const calls = await callsOf(scenario)
      const seen = new Map<string, number>()
      for (const [index, call] of calls.entries()) {
        const skip = seen.get(call) ?? 0
        seen.set(call, skip + 1)
        const cells: string[] = []
        for (const { name, fault } of FAULTS) {
          github.reset()
          const h = harness(name === 'timeout' ? 150 : 10_000)
          for (const s of scenario.before) expect(ok(await h.run(s)), `${scenario.name}: setup`).toBe(true)
          github.faults.push(fault(call, skip))
          const where = `${scenario.name}, call ${index + 1} (${call}), ${name}`
          const target = await h.run(scenario.target)
          const record = storedRecord()
          // Never traffic moved without a record: the record's weight, or a pending move that covers it.
          const weight = h.traffic.weight
          const covered = record === undefined ? weight === 0 : record.weight === weight || (record.pendingMove !== undefined && [record.pendingMove.from, record.pendingMove.to].includes(weight))
          expect(covered, `${where}: traffic at ${weight}% but the record says ${record?.weight}% (${JSON.stringify(record?.pendingMove)})`).toBe(true)
          let cell: string
          if (ok(target)) cell = 'ok'
          else {
            expect(target.result.reasonCode, where).toMatch(/^[a-z-]+$/)
            expect(target.failed, where).toBeTruthy()
            // The same command again finishes the job.
            const again = await h.run(scenario.target)
            expect(ok(again), `${where}: the command again: ${again.failed ?? ''}`).toBe(true)
            cell = `failed: ${target.result.reasonCode}; again: ok`
          }
          const next = await h.run(scenario.next)
          expect(ok(next), `${where}: next command ${scenario.next.action}: ${next.failed ?? ''}`).toBe(true)
          const after = storedRecord()
          expect(after?.pendingMove, `${where}: pending move left`).toBeUndefined()
          expect(after?.lease, `${where}: lease left`).toBeUndefined()
          expect(h.traffic.weight, where).toBe(after?.weight)
          cells.push(cell)
        }
        table.push({ scenario: scenario.name, index: index + 1, call, cells })
      }
    }, 240_000)
  }

  afterAll(() => {
    if (table.length === 0) return
    const text = renderReliability(table)
    const path = join(import.meta.dirname, '..', '..', 'docs', 'reliability.md')
    if (process.env['ROLLGATE_WRITE_RELIABILITY'] === '1') writeFileSync(path, text)
    // Only a full run can be compared; a filtered one (-t) is not the whole table.
    else if (new Set(table.map((r) => r.scenario)).size === SCENARIOS.length) {
      expect(readFileSync(path, 'utf8'), 'docs/reliability.md is out of date: run npm run docs:reliability').toBe(text)
    }
  })
})

function renderReliability(rows: typeof table): string {
  const head = ['scenario', '#', 'GitHub call', ...FAULTS.map((f) => f.name)]
  const lines = [
    '# Reliability: the fault matrix',
    '',
    '<!-- Generated by test/actions/fault-matrix.test.ts (npm run docs:reliability); do not edit by hand. -->',
    '',
    'Every GitHub call each action makes, failed once in each of six ways by the fake GitHub API',
    '(which validates every request against GitHub\'s OpenAPI description). `ok`: the action retried or',
    'recognized its own write and succeeded. `failed: <reasonCode>`: it failed with a readable record and',
    'no traffic moved without a record, and running it again succeeded. In every cell the next command',
    'of the rollout then succeeded, leaving no pending move and no lease.',
    '',
    '- 500, 429, 403 secondary rate limit: GitHub refused the request; retried (rate limits after `retry-after`).',
    '- 502 after the write landed: GitHub carried the request out but answered 502; a write is looked for',
    '  (the record re-read and compared, the deployment found by the command\'s key, the check run by name, the',
    '  comment by its marker) before it is sent again, so nothing is written twice.',
    '- timeout: no answer within the client\'s timeout; reset connection: the connection closed without an answer.',
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map((h, i) => (i === 1 ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.scenario} | ${r.index} | \`${r.call}\` | ${r.cells.join(' | ')} |`),
    '',
  ]
  return lines.join('\n')
}
