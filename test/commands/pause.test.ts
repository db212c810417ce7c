import { describe, expect, it } from 'vitest'
import { decide, IllegalMoveError, type CommandContext } from '../../shared/state/machine.js'
import { idleRecord, type RolloutRecord } from '../../shared/state/record.js'

const policy = { steps: [{ weight: 10, analysis: 'default', skippable: true }, { weight: 50 }, { weight: 100 }] }
const context = (runId: number): CommandContext => ({ runId, runAttempt: 1, job: 'j', actor: 'maria', now: new Date('2026-01-01T00:00:00Z') })

function pausedCanary(): RolloutRecord {
  const record: RolloutRecord = { ...idleRecord('production', new Date('2026-01-01T00:00:00Z')), phase: 'canary', step: 0, weight: 10, canary: { version: 'v2', ref: 'refs/pull/1/head', sha: 'a'.repeat(40) } }
  return decide(record, { type: 'pause', reason: 'incident' }, policy, context(1)).record
}

describe('a paused rollout', () => {
  it('refuses promote with reason code paused, whatever its target', () => {
    for (const target of [{ kind: 'next' as const }, { kind: 'full' as const }, { kind: 'to' as const, weight: 50 }]) {
      let error: unknown
      try {
        decide(pausedCanary(), { type: 'promote', target }, policy, context(2))
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(IllegalMoveError)
      expect((error as IllegalMoveError).reasonCode).toBe('paused')
      expect((error as Error).message).toContain('paused by maria')
    }
  })

  it('still records analysis, still rolls back, and promotes again after resume', () => {
    const analyzed = decide(pausedCanary(), { type: 'analyze', decision: 'fail', template: 'default', summary: 'errors up', step: 0 }, policy, context(3))
    expect(analyzed.effect).toBe('applied')
    expect(decide(analyzed.record, { type: 'rollback', reason: 'analysis failed' }, policy, context(4)).record.phase).toBe('rolled-back')
    const resumed = decide(pausedCanary(), { type: 'resume' }, policy, context(5)).record
    expect(decide(resumed, { type: 'promote', target: { kind: 'next' } }, policy, context(6)).record.weight).toBe(50)
  })
})
