/**
 * The delivery report on the fake GitHub with a seeded history whose figures are worked out by hand
 * below (every expected number is a literal, not recomputed by the code under test). Every GraphQL
 * query the report sends is validated against GitHub's published schema by the fake.
 */
import { describe, expect, it } from 'vitest'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { createGitHubClient } from '../../shared/github/client.js'
import { buildInsightReport } from '../../shared/insight/report.js'
import { streamLogger } from '../../shared/action/logger.js'
import { WINDOW, seedHistory } from './history-fixture.js'

const MIN = 60_000
const HOUR = 60 * MIN

function octokit(url: string) {
  return createGitHubClient({ token: 'ghs_test', version: 'test', logger: streamLogger(() => {}), baseUrl: url, paceWrites: false, retryBaseMs: 1 })
}

describe('rollgate report on a seeded history', () => {
  const github = useFakeGitHub({ repository: 'acme/shop' })

  it('computes the four DORA figures, the weekly trend and the judge figures worked out by hand', async () => {
    seedHistory(github.state)
    const report = await buildInsightReport(octokit(github.url), { repo: { owner: 'acme', repo: 'shop' }, environments: ['production'], ...WINDOW })

    // Deployment frequency: R1, R2, R4, R5, R6 promoted in 14 days: 5/14 a day (≥ 1/7: high), 2.5 a week.
    expect(report.deploymentFrequency.promotions).toBe(5)
    expect(report.deploymentFrequency.perDay).toBeCloseTo(5 / 14, 10)
    expect(report.deploymentFrequency.perWeek).toBeCloseTo(2.5, 10)
    expect(report.deploymentFrequency.band).toBe('high')

    // Lead time: 1, 2, 6, 24, 30 h → median 6 h (elite: under a day), p90 the 5th of 5 = 30 h.
    expect(report.leadTime.count).toBe(5)
    expect(report.leadTime.medianMs).toBe(6 * HOUR)
    expect(report.leadTime.p90Ms).toBe(30 * HOUR)
    expect(report.leadTime.band).toBe('elite')
    expect(report.leadTime.fromPullRequests).toBe(5)

    // Change failure rate: 6 ended (R1–R6), 3 failed: R3 rolled back, R6 reverted, R4 followed by hotfix R5 → 50%: low.
    expect(report.changeFailureRate).toMatchObject({ ended: 6, failed: 3, rollbacks: 1, reverts: 1, hotfixFollowed: 1, rate: 0.5, band: 'low' })

    // Time to restore: 15, 120, 260 min → median 120 min (high: under a day), p90 the 3rd of 3 = 260 min.
    expect(report.timeToRestore.count).toBe(3)
    expect(report.timeToRestore.medianMs).toBe(120 * MIN)
    expect(report.timeToRestore.p90Ms).toBe(260 * MIN)
    expect(report.timeToRestore.band).toBe('high')
    expect(report.timeToRestore.fromVerdicts).toBe(1)

    // Trend: the week of 2 March (R1, R2 promoted; R3 failed) and of 9 March (R4, R5, R6; R4, R6 failed).
    expect(report.trend).toEqual([
      { week: '2026-03-02', promotions: 2, endedRollouts: 3, failures: 1, changeFailureRate: 1 / 3, leadTimeMedianMs: 4 * HOUR, timeToRestoreMedianMs: 15 * MIN },
      { week: '2026-03-09', promotions: 3, endedRollouts: 3, failures: 2, changeFailureRate: 2 / 3, leadTimeMedianMs: 24 * HOUR, timeToRestoreMedianMs: 190 * MIN },
    ])

    // Judge: 7 final verdicts in the record (R7's "no decision yet" is not one): R3 failed, R4's
    // second step ran to the maximum, 5 passed early. Times to verdict 25, 20, 25, 8, 8, 25, 20 min → median 20.
    expect(report.judge).toMatchObject({ verdicts: 7, failed: 1, passedEarly: 5, ranToMax: 1, undetermined: 0 })
    expect(report.judge.timeToVerdict.medianMs).toBe(20 * MIN)
    // Steps from the statuses: step 1 (5%) 30, 20, 40, 30, 10, 30 min; step 2 (50%) 30, 30, 30, 10, 30 min.
    expect(report.judge.steps).toEqual([
      { step: 1, weight: 5, rollouts: 6, medianMs: 30 * MIN, totalMs: 160 * MIN },
      { step: 2, weight: 50, rollouts: 5, medianMs: 30 * MIN, totalMs: 130 * MIN },
    ])

    expect(report.ignoredDeployments).toBe(120)
    expect(report.inProgress).toBe(1)
    expect(report.rollouts.map((r) => r.version)).toEqual(['v1', 'v2', 'v3', 'v4', 'v4.0.1', 'v5', 'v6'])

    // Read through GraphQL only: the record (1), two pages of deployments (127 past 100), one batch of commits.
    expect(github.requests.filter((r) => r.operationId !== 'graphql')).toEqual([])
    expect(github.graphql.calls.map((c) => c.operationName)).toEqual(['RollgateRecords', 'RollgateDeployments', 'RollgateDeployments', 'RollgateCommits'])
    expect(report.budget).toMatchObject({ graphqlCalls: 4, graphqlPoints: 4, restCalls: 0 })
    expect(github.graphql.points()).toBe(4)
  })

  it('reports on several environments at once: staging adds its one promotion (03-15 18:30)', async () => {
    seedHistory(github.state)
    const report = await buildInsightReport(octokit(github.url), { repo: { owner: 'acme', repo: 'shop' }, environments: ['production', 'staging'], ...WINDOW })
    expect(report.deploymentFrequency.promotions).toBe(6)
    expect(report.changeFailureRate).toMatchObject({ ended: 7, failed: 3 })
    expect(report.rollouts.filter((r) => r.environment === 'staging').map((r) => r.outcome)).toEqual(['promoted'])
    // staging has no record on the state branch: nothing to warn about, no verdicts from it.
    expect(report.warnings).toEqual([])
    expect(github.graphql.calls[0]?.variables).toMatchObject({ e0: 'rollgate-state:production.json', e1: 'rollgate-state:staging.json' })
  })

  it('warns, and still reports, when a record cannot be read', async () => {
    seedHistory(github.state)
    github.state.commitFiles({ branch: 'rollgate-state', files: { 'production.json': '{"schemaVersion": 1, "environment": 3}' } })
    const report = await buildInsightReport(octokit(github.url), { repo: { owner: 'acme', repo: 'shop' }, environments: ['production'], ...WINDOW })
    expect(report.warnings).toEqual([expect.stringMatching(/^acme\/shop@rollgate-state:production\.json cannot be read, so its verdicts are left out: /)])
    expect(report.judge.verdicts).toBe(0)
    expect(report.changeFailureRate.rate).toBe(0.5)
    // Without the record's failing verdict, R3 counts from the start of its step: 08:00 → 08:40.
    expect(report.rollouts.find((r) => r.version === 'v3')?.failure).toMatchObject({ detectedFrom: 'step-start', restoreMs: 40 * MIN })
  })
})
