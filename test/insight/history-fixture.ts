/**
 * The seeded delivery history the report tests share; its figures are worked out by hand in
 * report.test.ts.
 */
import type { FakeGitHubState } from '../fakes/github/state.js'
import { RECORD_SCHEMA_VERSION, type RolloutRecord } from '../../shared/state/record.js'
import { at, entry, seedCommit, seedJobDeployment, seedMergedPull, seedRecord, seedRollgateDeployment } from './seed.js'

const HOUR = 3_600_000

export const WINDOW = { since: at('2026-03-02T00:00:00'), until: at('2026-03-16T00:00:00') }

const step = (time: string, weight: number, n: number, v: string) => ({ at: time, state: 'in_progress' as const, description: `canary at ${weight}% (step ${n}): ${v}` })
const promoted = (time: string, v: string) => ({ at: time, state: 'success' as const, description: `promoted ${v} to 100%` })
const rolledBack = (time: string, to: string, why: string) => ({ at: time, state: 'failure' as const, description: `rolled back to ${to}: ${why}` })

/**
 * Production, 2 March (a Monday) to 16 March 2026: seven Rollgate rollouts.
 *   R1 v1      promoted 03-02 10:00, first commit 04:00        lead 6 h; steps 30 + 30 min
 *   R2 v2      promoted 03-04 12:50, first commit 10:50        lead 2 h; steps 20 + 30 min
 *   R3 v3      rolled back 03-05 08:40, failing verdict 08:25   restore 15 min; step 40 min
 *   R4 v4      promoted 03-09 11:00, first commit 03-08 05:00  lead 30 h; failed: hotfix R5 within 24 h
 *   R5 v4.0.1  hotfix (label), promoted 03-09 15:20, first commit 14:20   lead 1 h; R4 restored 15:20 − 11:00 = 260 min
 *   R6 v5      promoted 03-11 10:00, first commit 03-10 10:00  lead 24 h; reverted 12:00: restore 120 min
 *   R7 v6      still at step 1 at the end of the window
 * Also: R0 (promoted 20 Feb, before the window), a Rollgate rollout in staging, and 120 deployments
 * GitHub made for jobs naming `environment: production` (so the listing pages past 100).
 */
export function seedHistory(state: FakeGitHubState): void {
  const sha0 = seedCommit(state, '2026-02-19T10:00:00', 'v0')
  seedRollgateDeployment(state, { environment: 'production', sha: sha0, version: 'v0', createdAt: '2026-02-20T09:00:00', statuses: [step('2026-02-20T09:00:00', 5, 1, 'v0'), promoted('2026-02-20T10:00:00', 'v0')] })

  const sha1 = seedMergedPull(state, { branch: 'feature-1', firstCommitAt: '2026-03-02T04:00:00', mergedAt: '2026-03-02T08:00:00' })
  const sha2 = seedMergedPull(state, { branch: 'feature-2', firstCommitAt: '2026-03-04T10:50:00', mergedAt: '2026-03-04T11:30:00' })
  const sha3 = seedMergedPull(state, { branch: 'feature-3', firstCommitAt: '2026-03-05T06:00:00', mergedAt: '2026-03-05T07:00:00' })
  const sha4 = seedMergedPull(state, { branch: 'feature-4', firstCommitAt: '2026-03-08T05:00:00', mergedAt: '2026-03-09T09:00:00' })
  const sha5 = seedMergedPull(state, { branch: 'fix-checkout', firstCommitAt: '2026-03-09T14:20:00', mergedAt: '2026-03-09T14:50:00', labels: ['Hotfix'] })
  const sha6 = seedMergedPull(state, { branch: 'feature-6', firstCommitAt: '2026-03-10T10:00:00', mergedAt: '2026-03-11T08:00:00' })
  const sha7 = seedMergedPull(state, { branch: 'feature-7', firstCommitAt: '2026-03-15T10:00:00', mergedAt: '2026-03-15T19:00:00' })

  seedRollgateDeployment(state, { environment: 'production', sha: sha1, version: 'v1', createdAt: '2026-03-02T09:00:00', statuses: [step('2026-03-02T09:00:00', 5, 1, 'v1'), step('2026-03-02T09:30:00', 50, 2, 'v1'), promoted('2026-03-02T10:00:00', 'v1')] })
  seedRollgateDeployment(state, { environment: 'production', sha: sha2, version: 'v2', createdAt: '2026-03-04T12:00:00', statuses: [step('2026-03-04T12:00:00', 5, 1, 'v2'), step('2026-03-04T12:20:00', 50, 2, 'v2'), promoted('2026-03-04T12:50:00', 'v2')] })
  seedRollgateDeployment(state, { environment: 'production', sha: sha3, version: 'v3', createdAt: '2026-03-05T08:00:00', statuses: [step('2026-03-05T08:00:00', 5, 1, 'v3'), rolledBack('2026-03-05T08:40:00', 'v2', 'analysis failed')] })
  seedRollgateDeployment(state, { environment: 'production', sha: sha4, version: 'v4', createdAt: '2026-03-09T10:00:00', statuses: [step('2026-03-09T10:00:00', 5, 1, 'v4'), step('2026-03-09T10:30:00', 50, 2, 'v4'), promoted('2026-03-09T11:00:00', 'v4')] })
  seedRollgateDeployment(state, { environment: 'production', sha: sha5, version: 'v4.0.1', createdAt: '2026-03-09T15:00:00', statuses: [step('2026-03-09T15:00:00', 5, 1, 'v4.0.1'), step('2026-03-09T15:10:00', 50, 2, 'v4.0.1'), promoted('2026-03-09T15:20:00', 'v4.0.1')] })
  seedRollgateDeployment(state, {
    environment: 'production',
    sha: sha6,
    version: 'v5',
    createdAt: '2026-03-11T09:00:00',
    statuses: [step('2026-03-11T09:00:00', 5, 1, 'v5'), step('2026-03-11T09:30:00', 50, 2, 'v5'), promoted('2026-03-11T10:00:00', 'v5'), rolledBack('2026-03-11T12:00:00', 'v4.0.1', 'error budget burnt')],
  })
  seedRollgateDeployment(state, { environment: 'production', sha: sha7, version: 'v6', createdAt: '2026-03-15T20:00:00', statuses: [step('2026-03-15T20:00:00', 5, 1, 'v6')] })

  // Not production: left out by the environment filter.
  seedRollgateDeployment(state, { environment: 'staging', sha: sha7, version: 'v6', createdAt: '2026-03-15T18:00:00', statuses: [step('2026-03-15T18:00:00', 5, 1, 'v6'), promoted('2026-03-15T18:30:00', 'v6')] })
  // GitHub's per-job deployments: 120 in the window, every 2.5 hours from 2 March 01:00.
  for (let i = 0; i < 120; i++) {
    seedJobDeployment(state, { environment: 'production', sha: sha1, createdAt: new Date(at('2026-03-02T01:00:00').getTime() + i * 2.5 * HOUR).toISOString() })
  }

  // The live record: R7 in progress; its history (the newest events) holds the verdicts of R3 to R7.
  const v = (version: string) => ({ version })
  const history = [
    entry({ at: '2026-03-05T08:00:00', action: 'deploy-canary', from: 'promoted', weight: 5, ...v('v3') }),
    entry({ at: '2026-03-05T08:25:00', action: 'analyze', weight: 5, fromWeight: 5, note: 'http-errors: regression proven (+180%)', ...v('v3') }),
    entry({ at: '2026-03-05T08:40:00', action: 'rollback', to: 'rolled-back', fromWeight: 5, weight: 0, note: 'analysis failed', ...v('v3') }),
    entry({ at: '2026-03-09T10:00:00', action: 'deploy-canary', from: 'rolled-back', weight: 5, ...v('v4') }),
    entry({ at: '2026-03-09T10:20:00', action: 'analyze', weight: 5, fromWeight: 5, note: 'no regression beyond the tolerance proven', ...v('v4') }),
    entry({ at: '2026-03-09T10:30:00', action: 'promote', fromWeight: 5, weight: 50, ...v('v4') }),
    entry({ at: '2026-03-09T10:55:00', action: 'analyze', weight: 50, fromWeight: 50, note: 'no decision after 25 looks (the maximum duration): latency: not enough data', ...v('v4') }),
    entry({ at: '2026-03-09T11:00:00', action: 'promote', to: 'promoted', fromWeight: 50, weight: 100, ...v('v4') }),
    entry({ at: '2026-03-09T15:00:00', action: 'deploy-canary', from: 'promoted', weight: 5, ...v('v4.0.1') }),
    entry({ at: '2026-03-09T15:08:00', action: 'analyze', weight: 5, fromWeight: 5, note: 'no regression beyond the tolerance proven', ...v('v4.0.1') }),
    entry({ at: '2026-03-09T15:10:00', action: 'promote', fromWeight: 5, weight: 50, ...v('v4.0.1') }),
    entry({ at: '2026-03-09T15:18:00', action: 'analyze', weight: 50, fromWeight: 50, note: 'no regression beyond the tolerance proven', ...v('v4.0.1') }),
    entry({ at: '2026-03-09T15:20:00', action: 'promote', to: 'promoted', fromWeight: 50, weight: 100, ...v('v4.0.1') }),
    entry({ at: '2026-03-11T09:00:00', action: 'deploy-canary', from: 'promoted', weight: 5, ...v('v5') }),
    entry({ at: '2026-03-11T09:25:00', action: 'analyze', weight: 5, fromWeight: 5, note: 'no regression beyond the tolerance proven', ...v('v5') }),
    entry({ at: '2026-03-11T09:30:00', action: 'promote', fromWeight: 5, weight: 50, ...v('v5') }),
    entry({ at: '2026-03-11T09:50:00', action: 'analyze', weight: 50, fromWeight: 50, note: 'no regression beyond the tolerance proven', ...v('v5') }),
    entry({ at: '2026-03-11T10:00:00', action: 'promote', to: 'promoted', fromWeight: 50, weight: 100, ...v('v5') }),
    entry({ at: '2026-03-11T12:00:00', action: 'rollback', from: 'promoted', to: 'rolled-back', fromWeight: 100, weight: 0, note: 'error budget burnt', ...v('v5') }),
    entry({ at: '2026-03-15T20:00:00', action: 'deploy-canary', from: 'rolled-back', weight: 5, ...v('v6') }),
    entry({ at: '2026-03-15T20:10:00', action: 'analyze', weight: 5, fromWeight: 5, note: 'no decision yet after 2 of 30 looks: not enough data', ...v('v6') }),
  ]
  const record: RolloutRecord = {
    schemaVersion: RECORD_SCHEMA_VERSION,
    environment: 'production',
    revision: 40,
    updatedAt: at('2026-03-15T20:10:00').toISOString(),
    phase: 'canary',
    stable: { version: 'v4.0.1', sha: sha5 },
    canary: { version: 'v6', ref: 'refs/heads/main', sha: sha7 },
    startedAt: at('2026-03-15T20:00:00').toISOString(),
    step: 0,
    weight: 5,
    verdicts: [],
    history,
  }
  seedRecord(state, record)
}

