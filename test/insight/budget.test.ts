/**
 * The API budget of a 90-day report of a busy repository: 1,000 Rollgate deployments (and as many
 * merged pull requests), read through GraphQL against the schema-checking fake. Prints the calls
 * and points spent, beside what the same history costs through REST.
 */
import { describe, expect, it } from 'vitest'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { createGitHubClient } from '../../shared/github/client.js'
import { streamLogger } from '../../shared/action/logger.js'
import { buildInsightReport } from '../../shared/insight/report.js'
import { GRAPHQL_POINTS_PER_HOUR } from '../fakes/github/graphql.js'
import { seedRollgateDeployment } from './seed.js'

const DAY = 86_400_000
const DEPLOYMENTS = 1000
/** Stated bound: a 90-day report of 1,000 deployments stays under 40 calls and 150 points (of 1,000 an hour). */
const MAX_CALLS = 40
const MAX_POINTS = 150

describe('API budget of a 90-day report', () => {
  const github = useFakeGitHub({ repository: 'acme/busy' })

  it(`reads ${DEPLOYMENTS} deployments in a few dozen GraphQL calls, not ~3,000 REST calls`, async () => {
    const state = github.state
    const until = new Date('2026-06-01T00:00:00Z')
    const since = new Date(until.getTime() - 90 * DAY)
    const tree = state.git.writeTree(new Map())
    const step = (90 * DAY) / DEPLOYMENTS
    for (let i = 0; i < DEPLOYMENTS; i++) {
      const created = new Date(since.getTime() + i * step + 60_000)
      const person = { name: 'dev', email: 'dev@example.com', date: new Date(created.getTime() - 5 * 3_600_000).toISOString() }
      const first = state.git.writeCommit({ tree, parents: [], message: `change ${i} start`, author: person, committer: person })
      const merge = state.git.writeCommit({ tree, parents: [first], message: `Merge change ${i}`, author: { ...person, date: created.toISOString() }, committer: { ...person, date: created.toISOString() } })
      const pull = state.seedPull({ head: `change-${i}`, title: `change ${i}`, files: { [`c${i}`]: 'x' } })
      Object.assign(pull, { state: 'closed', merged: true, mergedAt: created, mergeCommitSha: merge, commits: [first] })
      const at = (offsetMin: number) => new Date(created.getTime() + offsetMin * 60_000).toISOString()
      seedRollgateDeployment(state, {
        environment: 'production',
        sha: merge,
        version: `v${i}`,
        createdAt: created.toISOString(),
        statuses: [
          { at: at(0), state: 'in_progress', description: `canary at 5% (step 1): v${i}` },
          { at: at(20), state: 'in_progress', description: `canary at 50% (step 2): v${i}` },
          i % 10 === 0 ? { at: at(40), state: 'failure', description: `rolled back to v${i - 1}: analysis failed` } : { at: at(40), state: 'success', description: `promoted v${i} to 100%` },
        ],
      })
    }
    const octokit = createGitHubClient({ token: 'ghs_test', version: 'test', logger: streamLogger(() => {}), baseUrl: github.url, paceWrites: false })
    const report = await buildInsightReport(octokit, { repo: { owner: 'acme', repo: 'busy' }, environments: ['production'], since, until })

    const graphqlCalls = github.graphql.calls.length
    const points = github.graphql.points()
    // The same history through REST: the deployment list, one statuses list per deployment, then per
    // deployed commit its pull requests and each pull request's commits (for the first one).
    const restCalls = Math.ceil(DEPLOYMENTS / 100) + DEPLOYMENTS + DEPLOYMENTS + DEPLOYMENTS
    console.log(
      `[insight budget] ${DEPLOYMENTS} deployments over 90 days: ${graphqlCalls} GraphQL calls, ${points} points ` +
        `(GITHUB_TOKEN: ${GRAPHQL_POINTS_PER_HOUR} points an hour); by query ${JSON.stringify(Object.fromEntries(Object.entries(groupBy(github.graphql.calls.map((c) => [c.operationName ?? '?', c.cost])))))}; ` +
        `REST would need ${restCalls} calls (limit 1,000 an hour)`,
    )
    expect(report.rollouts).toHaveLength(DEPLOYMENTS)
    expect(report.changeFailureRate).toMatchObject({ ended: DEPLOYMENTS, failed: 100, rate: 0.1 })
    expect(report.leadTime.medianMs).toBe(5 * 3_600_000 + 40 * 60_000)
    expect(github.requests.filter((r) => r.operationId !== 'graphql')).toHaveLength(0)
    expect(report.budget?.graphqlCalls).toBe(graphqlCalls)
    expect(report.budget?.graphqlPoints).toBe(points)
    expect(graphqlCalls).toBeLessThanOrEqual(MAX_CALLS)
    expect(points).toBeLessThanOrEqual(MAX_POINTS)
  }, 120_000)
})

function groupBy(pairs: [string, number][]): Record<string, { calls: number; points: number }> {
  const out: Record<string, { calls: number; points: number }> = {}
  for (const [name, cost] of pairs) {
    const e = (out[name] ??= { calls: 0, points: 0 })
    e.calls++
    e.points += cost
  }
  return out
}
