// A rollback drill rolls a real canary back, but it is practice: the DORA figures must not count it
// as a failed change (nor as a deployment), while a real rollback next to it still counts.
import { describe, expect, it } from 'vitest'
import { DRILL_REASON_PREFIX } from '../../shared/drill/run.js'
import type { History, RollgateDeployment } from '../../shared/insight/history.js'
import { computeInsight } from '../../shared/insight/metrics.js'

function rolledBack(id: number, reason: string): RollgateDeployment {
  return {
    id,
    environment: 'staging',
    createdAt: '2026-11-02T10:00:00Z',
    sha: `sha${id}`,
    description: `Rollgate canary v${id}`,
    version: `v${id}`,
    statuses: [
      { state: 'in_progress', description: 'canary at 5% (step 1 of 3)', createdAt: '2026-11-02T10:00:00Z' },
      { state: 'failure', description: `rolled back to v0: ${reason}`, createdAt: '2026-11-02T10:20:00Z' },
    ],
    payloadHistory: [],
  }
}

describe('drills in the delivery report', () => {
  it('leaves a drill rollback out of the change failure rate and keeps a real one', () => {
    const history: History = {
      repo: { owner: 'acme', repo: 'shop' },
      environments: ['staging'],
      since: '2026-11-01T00:00:00Z',
      until: '2026-11-15T00:00:00Z',
      deployments: [rolledBack(1, 'analysis failed at 5%'), rolledBack(2, `${DRILL_REASON_PREFIX}: injected failing verdict`)],
      ignored: 0,
      commits: new Map(),
      records: [],
      warnings: [],
    } as unknown as History
    const report = computeInsight(history)
    expect(report.changeFailureRate.ended).toBe(1)
    expect(report.changeFailureRate.rollbacks).toBe(1)
  })
})
