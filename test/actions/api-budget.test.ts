/**
 * The API budget (#10 point 9, #12): every action of every budget case within its goal, counted at
 * the fake GitHub, in-process (the bench, `npm run bench:api-budget`, counts the same cases on the
 * bundles and prints the README's table). Also what the folded calls must still do: the deployments
 * a production promotion supersedes end inactive, and a revert makes the known-good one active again.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { MetricsProvider } from '../../shared/metrics/types.js'
import { ACTION_SCENARIOS, budgetPolicy, measureActions, renderActionTable, seedOtherToolsDeployments, type BudgetRow } from '../../bench/api-budget/scenarios.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { FakeClock, MemoryTraffic, runMain, testDeps, workspace } from './support.js'

const github = useFakeGitHub({ repository: 'octo-org/shop' })
const ws = workspace(budgetPolicy('{ provider: command, setWeight: [set, "{{weight}}"], getWeight: [get] }'))
afterAll(() => ws.cleanup())

const steadyMetrics: MetricsProvider = {
  type: 'http',
  validate: () => undefined,
  query: async () => ({ ok: true, observation: { events: 1, total: 1000 } }) as never,
}

const latest = (id: number): string | undefined => github.state.statusesOf(id).at(-1)?.state
const rollgateDeployment = (version: string): number => {
  const found = github.state.deployments.find((d) => d.task === 'deploy:rollgate' && JSON.stringify(d.payload).includes(`"version":"${version}"`))
  if (!found) throw new Error(`no Rollgate deployment of ${version}`)
  return found.id
}

describe('the API budget', { timeout: 120_000 }, () => {
  let traffic = new MemoryTraffic()
  const clock = new FakeClock()
  const run = (scenarioOf: (rows: BudgetRow[]) => void, scenarios = ACTION_SCENARIOS) =>
    measureActions(
      github,
      async (step, context) => {
        clock.advance(120_000)
        const result = await runMain(step.action, ws, (io) => ({ ...testDeps(io, { github, traffic, clock }), metrics: () => steadyMetrics }), {
          sha: context.sha,
          pullRequest: context.pullRequest,
          inputs: { environment: 'production', ...step.inputs },
          step: context.step,
        })
        if (result.failed !== undefined) throw new Error(`${step.label}: ${result.failed}`)
      },
      (scenario) => {
        if (scenario.fresh) traffic = new MemoryTraffic()
      },
      scenarios,
    ).then((rows) => {
      scenarioOf(rows)
      return rows
    })

  it('keeps every action of every case within its goal, and the README shows these counts', async () => {
    const rows = await run(() => undefined)
    const over = rows.filter((r) => r.rest > r.goal).map((r) => `${r.scenario}, ${r.label}: ${r.rest} REST calls > ${r.goal} (${r.ops.join(', ')})`)
    expect(over).toEqual([])
    // Every case ran (a scenario that lost a step would pass the goals vacuously).
    expect(rows).toHaveLength(ACTION_SCENARIOS.reduce((n, s) => n + s.steps.length, 0))
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8')
    expect(readme, 'README.md: the API budget table is out of date; run npm run bench:api-budget and paste it').toContain(renderActionTable(rows))
  })

  it('folds the promotion’s statuses into one GraphQL request and still leaves the superseded deployments inactive', async () => {
    const [first, later] = ACTION_SCENARIOS
    const rows = await run(() => undefined, [first, later].filter((s) => s !== undefined))
    const finals = rows.filter((r) => r.label.startsWith('promote to 100%'))
    expect(finals.map((r) => [r.rest, r.graphql])).toEqual([
      [5, 1],
      [5, 1],
    ])
    const v1 = rollgateDeployment('v1')
    const v2 = rollgateDeployment('v2')
    // After the later rollout's revert: v2 failed, v1 (inactive while v2 was promoted) is active again.
    expect(latest(v2)).toBe('failure')
    expect(github.state.statusesOf(v1).map((s) => s.state)).toEqual(['in_progress', 'in_progress', 'in_progress', 'success', 'inactive', 'success'])
  })

  it('sweeps the deployments other tools made before the first promotion, in a second GraphQL request', async () => {
    const sweep = ACTION_SCENARIOS.at(-1)
    if (!sweep) throw new Error('no sweep scenario')
    let others: number[] = []
    const rows = await run(() => undefined, [{ ...sweep, seed: async (g) => (others = await seedOtherToolsDeployments(g)) }])
    expect(rows.at(-1)).toMatchObject({ rest: 5, graphql: 2 })
    expect(others.map(latest)).toEqual(others.map(() => 'inactive'))
    expect(latest(rollgateDeployment('v1'))).toBe('success')
  })
})
