/**
 * The analyze action with `experiment:`, in-process against the fake GitHub: a metrics backend
 * that serves the recorded experiment of test/fixtures/experiments (per variant and daily window),
 * so the live action and `rollgate replay` must reach the same verdict on the same data.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { FakeClock, MemoryTraffic, runMain, testDeps, workspace, type Workspace } from '../actions/support.js'
import { replayExperiment } from '../../shared/analysis/experiment/judge.js'
import { parseExperimentReplay } from '../../shared/analysis/experiment/replay-file.js'
import type { MetricsProvider, MetricQuery } from '../../shared/metrics/types.js'
import type { Observation } from '../../shared/analysis/observations.js'
import { REPO_ROOT } from '../bundle/harness.js'
import { at } from '../config/helpers.js'

const recorded = parseExperimentReplay(JSON.parse(readFileSync(`${REPO_ROOT}/test/fixtures/experiments/checkout-button.json`, 'utf8')))
const DAY = 86_400_000
const NOW = new Date('2026-06-01T12:00:00Z')
/** 21 complete daily intervals before NOW (and an hour of the 22nd). */
const START = new Date(NOW.getTime() - 21 * DAY - 3_600_000)

function policy(overrides: { split?: string; maxDuration?: string; start?: string } = {}): string {
  return `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [set, "{{weight}}"], getWeight: [get] }
    steps: [ { weight: 50 }, { weight: 100 } ]
analysis:
  shop:
    provider: { type: prometheus, address: "http://127.0.0.1:9" }
    checks:
      - { name: errors, type: ratio, events: 'sum(errors{version="{{version}}"})', total: 'sum(requests{version="{{version}}"})', tolerance: 10%, critical: true }
flags:
  source: { type: registry }
experiments:
  checkout:
    start: ${overrides.start ?? START.toISOString()}
    variants: [{ name: control, weight: 50 }, { name: green, weight: 50 }]
    split: ${overrides.split ?? '{ type: flag, flag: checkout-button }'}
    analysis: shop
    primary: { name: conversion, type: ratio, events: 'sum(orders{variant="{{variant}}"})', total: 'sum(sessions{variant="{{variant}}"})', direction: increase }
    guardrails: [errors]
    minimumEffect: 5%
    maxDuration: ${overrides.maxDuration ?? '28d'}
`
}

/** Serves the recording: interval i is the window starting START + i days; `{{variant}}`/`{{version}}` pick the arm. */
class RecordedMetrics implements MetricsProvider {
  readonly type = 'prometheus' as const
  readonly queries: MetricQuery[] = []
  constructor(private readonly versionOf: (version: string) => string = (v) => v) {}
  validate(): void {}
  async query(request: MetricQuery) {
    this.queries.push(request)
    const index = Math.round((request.window.start.getTime() - START.getTime()) / DAY)
    const variant = request.check.name === 'conversion' ? (request.vars.variant as string) : this.versionOf(request.vars.version as string)
    const observation = recorded.intervals[index]?.variants[variant]?.[request.check.name]
    return observation ? { ok: true as const, observation: observation as Observation as never } : { ok: false as const, reason: 'no samples' }
  }
}

const github = useFakeGitHub({ repository: 'octo-org/shop' })
const spaces: Workspace[] = []
afterEach(() => {
  for (const w of spaces.splice(0)) w.cleanup()
})

/** The repository's flags.yml: the flag split's flag and its variants. */
const FLAGS = `flags:
  checkout-button:
    owner: "@shop/checkout"
    expires: 2026-12-31
    state: targeting
    rules: [half each]
    variants: [control, green]
`

function setup(text = policy(), metrics = new RecordedMetrics(), now = NOW, flags = FLAGS) {
  const ws = workspace(text)
  spaces.push(ws)
  writeFileSync(join(ws.dir, 'flags.yml'), flags)
  const traffic = new MemoryTraffic()
  const clock = new FakeClock(new Date(now))
  const deps = (io: Parameters<typeof testDeps>[0]) => ({ ...testDeps(io, { github, traffic, clock }), metrics: () => metrics })
  const pull = github.state.seedPull({ head: `exp-${spaces.length}` })
  const sha = pull.head.sha
  return {
    ws,
    metrics,
    deps,
    clock,
    sha,
    pr: pull.number,
    run: (inputs: Record<string, string>, options: { pullRequest?: number } = {}) => runMain('analyze', ws, deps, { sha, inputs, ...options }),
  }
}

/** The REST calls (operation ids) made from request `from` on. */
const callsSince = (from: number) => github.requests.slice(from).map((r) => r.operationId)
const stickyComments = (pr: number, environment = 'production') => github.state.comments.filter((c) => c.issueNumber === pr && (c.comment.body ?? '').startsWith(`<!-- rollgate:${environment} -->`))

describe('analyze with experiment:', () => {
  it('judges every complete interval since start and reaches the verdict replay reaches on the same data', async () => {
    const { run, metrics, sha } = setup()
    const { io, result, failed } = await run({ environment: 'production', experiment: 'checkout' })
    expect(failed).toBeUndefined()
    const expected = replayExperiment(recorded.config, recorded.intervals)
    expect(expected.decision).toBe('winner')
    expect(result).toMatchObject({ action: 'analyze', reasonCode: 'experiment-winner', experiment: 'checkout', decision: 'winner', winner: 'green', decidedAt: expected.decidedAt, experimentVersion: 1, looks: 21, maxLooks: 28 })
    const green = (result.variants as { name: string; estimate: number; lower: number; upper: number }[])[0]
    const replayGreen = expected.looks.find((l) => l.interval === expected.decidedAt)?.variants[0]
    expect(green).toMatchObject({ name: 'green', estimate: replayGreen?.estimate, lower: replayGreen?.lower, upper: replayGreen?.upper })
    expect(io.outputs).toMatchObject({ decision: 'winner', winner: 'green', 'decided-at': String(expected.decidedAt) })
    // 21 windows × 2 variants × (primary + 1 guardrail); each window is a whole day from start.
    expect(metrics.queries).toHaveLength(21 * 2 * 2)
    expect(new Set(metrics.queries.map((q) => q.window.start.toISOString())).size).toBe(21)
    expect(metrics.queries.filter((q) => q.check.name === 'conversion').map((q) => q.vars.variant).sort()).toEqual([...Array(21).fill('control'), ...Array(21).fill('green')])
    const check = github.state.checkRuns.find((r) => r.run.name === 'rollgate/experiment/checkout')
    expect(check?.run).toMatchObject({ status: 'completed', conclusion: 'success', head_sha: sha })
    expect(check?.run.output?.title).toBe('Experiment checkout: winner green')
    expect(io.summary).toContain('## Experiment checkout: winner green')
    expect(io.summary).toMatch(/\| green \| [\d.]+% \| \+[\d.]+% \| \(\+[\d.]+% … \+[\d.]+%\) \| ✅ better \| errors/)
    expect(io.summary).toContain('xychart-beta')
  })

  it('before a decision: in progress, and the check run and the summary say how much more traffic a decision needs', async () => {
    const { run } = setup(policy(), new RecordedMetrics(), new Date(START.getTime() + 3 * DAY + 60_000))
    const { io, result } = await run({ environment: 'production', experiment: 'checkout' })
    expect(result).toMatchObject({ reasonCode: 'experiment-in-progress', decision: 'continue', winner: null, looks: 3 })
    expect(result.needed).toBeGreaterThan(0)
    expect(io.summary).toMatch(/A decision needs about \*\*[\d,]+ more sessions\*\* over all variants \(about \d+ more intervals? of 24h at the current rate\)/)
    const check = github.state.checkRuns.find((r) => r.run.name === 'rollgate/experiment/checkout' && r.run.status === 'in_progress')
    expect(check?.run.output?.summary).toContain('A decision needs about')
  })

  it('at the maximum duration without a decision: inconclusive (a failure with fail-on: inconclusive), with the traffic still needed', async () => {
    const { run } = setup(policy({ maxDuration: '3d' }))
    const soft = await run({ environment: 'production', experiment: 'checkout' })
    expect(soft.result).toMatchObject({ reasonCode: 'experiment-inconclusive', decision: 'inconclusive', looks: 3 })
    expect(soft.failed).toBeUndefined()
    expect(soft.result.needed).toBeGreaterThan(0)
    const hard = await run({ environment: 'production', experiment: 'checkout', 'fail-on': 'fail,inconclusive' })
    expect(hard.failed).toMatch(/Experiment checkout decided inconclusive/)
    expect(hard.result.reasonCode).toBe('experiment-inconclusive')
  })

  it('a traffic split reads the rollout record: {{version}} is the stable version for control and the canary for the other', async () => {
    const text = policy({ split: '{ type: traffic, environment: production }' })
    const metrics = new RecordedMetrics((version) => (version === 'v1' ? 'control' : 'green'))
    const { ws, deps, sha, run } = setup(text, metrics)
    const deploy = await runMain('deploy-canary', ws, deps, { sha, inputs: { environment: 'production', version: 'v2', 'stable-version': 'v1' } })
    expect(deploy.result.reasonCode).toBe('applied')
    const { result } = await run({ environment: 'production', experiment: 'checkout' })
    expect(result).toMatchObject({ reasonCode: 'experiment-winner', winner: 'green', versions: { control: 'v1', green: 'v2' } })
    const errors = metrics.queries.filter((q) => q.check.name === 'errors')
    expect(new Set(errors.map((q) => `${q.arm}:${q.vars.version}`))).toEqual(new Set(['baseline:v1', 'canary:v2']))
  })

  it('a flag split whose flag does not serve a variant is refused before any query, annotated at the variant', async () => {
    const text = policy()
    const { run, metrics, sha } = setup(text, new RecordedMetrics(), NOW, FLAGS.replace('variants: [control, green]', 'variants: [control, teal]'))
    const { result, failed } = await run({ environment: 'production', experiment: 'checkout' })
    expect(result.reasonCode).toBe('invalid-policy')
    const [line, column] = at(text, 'green, weight')
    expect(failed).toContain(`rollgate.yml:${line}:${column}: variant 'green' is not one of the values flag 'checkout-button' serves in the flag registry flags.yml (expected one of its variants: control, teal`)
    expect(metrics.queries).toHaveLength(0)
    const check = github.state.checkRuns.find((r) => r.run.name === 'rollgate/experiment/checkout' && r.run.head_sha === sha)
    expect(check?.run).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(check?.annotations).toEqual([expect.objectContaining({ start_line: line, start_column: column, message: expect.stringContaining("variant 'green'") })])
  })

  describe('the verdict in the environment\'s sticky pull request comment', () => {
    it('a traffic split: folded into the comment deploy-canary made, in its one update (the id the record caches), below the timeline', async () => {
      const text = policy({ split: '{ type: traffic, environment: production }' })
      const metrics = new RecordedMetrics((version) => (version === 'v1' ? 'control' : 'green'))
      const { ws, deps, sha, pr, run } = setup(text, metrics)
      await runMain('deploy-canary', ws, deps, { sha, pullRequest: pr, inputs: { environment: 'production', version: 'v2', 'stable-version': 'v1' } })
      const [made] = stickyComments(pr)
      expect(made?.comment.body).not.toContain('Experiment checkout')
      const before = github.requests.length
      const { result } = await run({ environment: 'production', experiment: 'checkout' })
      expect(result).toMatchObject({ reasonCode: 'experiment-winner', winner: 'green' })
      // The record (versions), the experiment's check run (find, create) and the comment: one update, no search.
      expect(callsSince(before)).toEqual(['repos/get-content', 'checks/list-for-ref', 'checks/create', 'issues/update-comment'])
      const comments = stickyComments(pr)
      expect(comments).toHaveLength(1)
      expect(comments[0]?.comment.id).toBe(made?.comment.id)
      const body = comments[0]?.comment.body ?? ''
      expect(body).toContain('### 🧪 Experiment checkout: winner green')
      expect(body).toMatch(/\*\*Winner:\*\* green: lift \+[\d.]+% \(\+[\d.]+% … \+[\d.]+%\) over control on conversion/)
      // Both variants, each with its lift and confidence sequence; the evidence behind each state.
      expect(body).toMatch(/\| control \(control\) \| [\d.]+% \|/)
      expect(body).toMatch(/\| green \| [\d.]+% \| \+[\d.]+% \| \(\+[\d.]+% … \+[\d.]+%\) \| ✅ better \| errors (✅|⏳) \|/)
      expect(body).toMatch(/\*\*Evidence:\*\*\n\n- \*\*green\*\* \(✅ better\): .*excludes 0/)
      expect(body).toMatch(/ {2}- guardrail errors: /)
      // The rollout's timeline is still there, above the verdict.
      expect(body.indexOf('v2')).toBeGreaterThan(-1)
      expect(body.indexOf('v2')).toBeLessThan(body.indexOf('🧪 Experiment checkout'))
    })

    it('a flag split on a pull request, before a decision: "no winner yet", the variants and the evidence; found by its marker, then edited in place', async () => {
      const { run, pr, clock } = setup(policy(), new RecordedMetrics(), new Date(START.getTime() + 2 * DAY + 60_000))
      const before = github.requests.length
      const first = await run({ environment: 'production', experiment: 'checkout' }, { pullRequest: pr })
      expect(first.result).toMatchObject({ decision: 'continue' })
      expect(callsSince(before)).toEqual(['checks/list-for-ref', 'checks/create', 'issues/list-comments', 'issues/create-comment'])
      // The same look again says the same: the comment is not rewritten.
      const same = github.requests.length
      await run({ environment: 'production', experiment: 'checkout' }, { pullRequest: pr })
      expect(callsSince(same)).toEqual(['checks/list-for-ref', 'checks/update', 'issues/list-comments'])
      // A day later, a new look: the same comment, edited.
      clock.advance(DAY)
      const next = github.requests.length
      await run({ environment: 'production', experiment: 'checkout' }, { pullRequest: pr })
      expect(callsSince(next)).toEqual(['checks/list-for-ref', 'checks/update', 'issues/list-comments', 'issues/update-comment'])
      const comments = stickyComments(pr)
      expect(comments).toHaveLength(1)
      const body = comments[0]?.comment.body ?? ''
      expect(body).toContain('### 🧪 Experiment checkout: in progress')
      expect(body).toContain('**Winner:** no winner yet (3 looks, 25 left before the maximum duration)')
      expect(body).toMatch(/\| green \| [\d.]+% \| [+−][\d.]+% \| \([+−][\d.]+% … \+[\d.]+%\) \| ⏳ open \|/)
      expect(body).toMatch(/- \*\*green\*\* \(⏳ open\): /)
      expect(body).toMatch(/A decision needs about \*\*[\d,]+ more sessions\*\*/)
      expect(body).toMatch(/charts in \[check run rollgate\/experiment\/checkout\]\(http/)
    })

    it('a scheduled run of a flag split has no pull request: no comment call at all', async () => {
      const { run } = setup()
      const before = github.requests.length
      const { io } = await run({ environment: 'production', experiment: 'checkout' })
      expect(callsSince(before)).toEqual(['checks/list-for-ref', 'checks/create'])
      expect(io.logs.join('\n')).toMatch(/no pull request \(none in the event\); the verdict is in the check run and the job summary/)
    })
  })

  it.each([
    ['an unknown experiment', { environment: 'production', experiment: 'checkuot' }, policy(), /experiment 'checkuot' is not defined in the policy file; defined: checkout/],
    ['experiment with template', { environment: 'production', experiment: 'checkout', template: 'shop' }, policy(), /Inputs 'experiment' and 'template' cannot be combined/],
    ['a malformed name', { environment: 'production', experiment: 'check out!' }, policy(), /Input 'experiment' is "check out!"/],
    ['a traffic split in another environment', { environment: 'staging', experiment: 'checkout' }, policy({ split: '{ type: traffic, environment: production }' }).replace('environments:\n', 'environments:\n  staging:\n    traffic: { provider: command, setWeight: [s] }\n    steps: [ { weight: 100 } ]\n'), /experiment 'checkout' splits traffic in 'production'; pass environment: production/],
  ])('refuses %s with invalid-input, naming the input', async (_what, inputs, text, message) => {
    const { run } = setup(text)
    const { result, failed } = await run(inputs)
    expect(result.reasonCode).toBe('invalid-input')
    expect(failed).toMatch(message)
  })
})
