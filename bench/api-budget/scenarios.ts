/**
 * The API budget's cases and goals, shared by the bench (`npm run bench:api-budget`, on the
 * bundles) and by test/actions/api-budget.test.ts (in-process, so CI fails on a regression).
 *
 * Goals (issues #10 point 9 and #12): deploy-canary ≤ 8 REST calls (the repository's first
 * rollout also creates the state branch, reported apart), promote and rollback ≤ 6 in every case.
 * analyze has no goal in the issues: it is held at its count when the goals were set (5). Requests
 * to GitHub's GraphQL API are counted apart (they draw on a separate hourly allowance of points).
 */
import type { FakeGitHub, RecordedRequest } from '../../test/fakes/github/server.js'

export type BudgetAction = 'deploy-canary' | 'analyze' | 'promote' | 'rollback'

export const ACTION_GOALS: Record<BudgetAction, number> = { 'deploy-canary': 8, analyze: 5, promote: 6, rollback: 6 }

export interface BudgetStep {
  label: string
  action: BudgetAction
  inputs: Record<string, string>
}

export interface BudgetScenario {
  name: string
  /** Start from an empty repository (no state branch, no deployments). */
  fresh: boolean
  /** What the repository already holds, e.g. deployments made by other tools. */
  seed?: (github: FakeGitHub) => Promise<unknown>
  steps: BudgetStep[]
}

/** Deployments another tool made to production before Rollgate's first: the first promotion sweeps them. */
export const OTHER_TOOLS_DEPLOYMENTS = 3

/** Creates them through the fake's REST API, as that tool would: a production deployment and its `success`. */
export async function seedOtherToolsDeployments(github: FakeGitHub): Promise<number[]> {
  const repo = `${github.url}/repos/${github.state.owner}/${github.state.repo}`
  const post = async (path: string, body: unknown): Promise<{ id: number }> => {
    const response = await fetch(`${repo}${path}`, {
      method: 'POST',
      headers: { authorization: 'token ghs_othertool', accept: 'application/vnd.github+json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!response.ok) throw new Error(`seeding ${path}: ${response.status} ${await response.text()}`)
    return (await response.json()) as { id: number }
  }
  const ids: number[] = []
  for (let i = 0; i < OTHER_TOOLS_DEPLOYMENTS; i++) {
    const { id } = await post('/deployments', { ref: 'main', environment: 'production', required_contexts: [], auto_merge: false, description: 'deployed by another tool' })
    await post(`/deployments/${id}/statuses`, { state: 'success', description: 'live' })
    ids.push(id)
  }
  return ids
}

const deploy = (version: string, stable?: string): BudgetStep => ({
  label: 'deploy-canary',
  action: 'deploy-canary',
  inputs: { version, ...(stable ? { 'stable-version': stable } : {}) },
})
const analyze: BudgetStep = { label: 'analyze (once)', action: 'analyze', inputs: { template: 'smoke', mode: 'once', 'fail-on': 'fail' } }
const promote = (label: string, inputs: Record<string, string> = {}): BudgetStep => ({ label, action: 'promote', inputs })

export const ACTION_SCENARIOS: BudgetScenario[] = [
  {
    name: 'first rollout in the repository',
    fresh: true,
    steps: [
      deploy('v1', 'v0'),
      analyze,
      promote('promote 5% → 25%'),
      promote('promote 25% → 50%'),
      // v0 has no deployment Rollgate knows: the environment's first promotion sweeps (here, none).
      promote('promote to 100% (production, first promotion)'),
    ],
  },
  {
    name: 'later rollout',
    fresh: false,
    steps: [
      deploy('v2'),
      analyze,
      promote('promote 5% → 25%'),
      promote('promote 25% → 50%'),
      // v1's deployment is known from the record and is marked inactive.
      promote('promote to 100% (production, supersedes v1)'),
      // A revert: failure on v2's deployment, success again on v1's.
      { label: 'rollback of the promoted version', action: 'rollback', inputs: { reason: 'budget check' } },
    ],
  },
  {
    name: 'rollback of a canary',
    fresh: false,
    steps: [deploy('v3'), { label: 'rollback at 5%', action: 'rollback', inputs: { reason: 'budget check' } }],
  },
  {
    name: `first promotion after ${OTHER_TOOLS_DEPLOYMENTS} deployments by other tools`,
    fresh: true,
    seed: seedOtherToolsDeployments,
    steps: [deploy('v1', 'v0'), promote('promote --full to 100% (sweeps the older deployments)', { full: 'true' })],
  },
]

/** The budget's policy: one production environment, four steps, one analysis template. */
export function budgetPolicy(traffic: string): string {
  return `version: 1
environments:
  production:
    production: true
    traffic: ${traffic}
    steps: [ { weight: 5 }, { weight: 25 }, { weight: 50 }, { weight: 100 } ]
analysis:
  smoke:
    provider: { type: http, url: "http://127.0.0.1:9/{{query}}", jsonPath: { value: "$.v" }, timeout: 1s, retries: 0 }
    interval: 1m
    checks: [ { name: errors, type: ratio, events: e, total: t } ]
`
}

export interface RunContext {
  sha: string
  pullRequest: number
  /** A distinct step id per run (GITHUB_ACTION). */
  step: string
}

/** Runs one action; throws when it fails. */
export type ActionRunner = (step: BudgetStep, context: RunContext) => Promise<void>

export interface BudgetRow {
  scenario: string
  label: string
  action: BudgetAction
  /** REST calls, without the state-branch setup. */
  rest: number
  /** The repository's one-time state-branch setup (the write that found no branch, and 3 git calls). */
  setup: number
  graphql: number
  goal: number
  ops: string[]
}

/** The one-time state-branch setup: the write that found no branch and the git calls that create it. */
const isSetup = (r: RecordedRequest): boolean => r.operationId?.startsWith('git/') === true || (r.operationId === 'repos/create-or-update-file-contents' && r.status === 404)

export function countRequests(made: RecordedRequest[]): { rest: number; setup: number; graphql: number; ops: string[] } {
  const rest = made.filter((r) => r.operationId !== 'graphql' && !isSetup(r))
  return {
    rest: rest.length,
    setup: made.filter(isSetup).length,
    graphql: made.filter((r) => r.operationId === 'graphql').length,
    ops: made.filter((r) => !isSetup(r)).map((r) => r.operationId ?? '?'),
  }
}

/** Runs every scenario against the fake and counts each action's requests. */
export async function measureActions(github: FakeGitHub, run: ActionRunner, begin?: (scenario: BudgetScenario) => void, scenarios = ACTION_SCENARIOS): Promise<BudgetRow[]> {
  const rows: BudgetRow[] = []
  let n = 0
  for (const scenario of scenarios) {
    if (scenario.fresh) github.reset()
    begin?.(scenario)
    await scenario.seed?.(github)
    const pull = github.state.seedPull({ head: `budget-${++n}` })
    for (const step of scenario.steps) {
      const before = github.requests.length
      await run(step, { sha: pull.head.sha, pullRequest: pull.number, step: `${step.action}-${n}-${before}` })
      rows.push({ scenario: scenario.name, label: step.label, action: step.action, goal: ACTION_GOALS[step.action], ...countRequests(github.requests.slice(before)) })
    }
  }
  return rows
}

export function renderActionTable(rows: BudgetRow[]): string {
  const lines = ['| scenario | action | REST calls | goal | state-branch setup | GraphQL requests |', '| --- | --- | ---: | ---: | ---: | ---: |']
  for (const r of rows) lines.push(`| ${r.scenario} | ${r.label} | ${r.rest} | ≤ ${r.goal} | ${r.setup || ''} | ${r.graphql || ''} |`)
  return lines.join('\n')
}
