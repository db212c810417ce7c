import { describe, expect, it } from 'vitest'
import {
  HISTORY_LIMIT,
  MAX_RECORD_BYTES,
  RecordError,
  lastKnownGood,
  parseRecord,
  serializeRecord,
  trimHistory,
  type HistoryEntry,
  type RolloutRecord,
} from '../../shared/state/record.js'
import { V1, V2, V3, deploy, full, next, pass, rollback, run } from './fixtures.js'

const valid = (): Record<string, unknown> => JSON.parse(serializeRecord(run([deploy(), pass, next]))) as Record<string, unknown>

function entry(i: number, extra: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    at: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
    action: 'analyze',
    from: 'canary',
    to: 'canary',
    fromWeight: 5,
    weight: 5,
    actor: 'alice',
    runId: i,
    runAttempt: 1,
    ...extra,
  }
}

describe('parseRecord names the field at fault', () => {
  it.each([
    { change: (r: Record<string, unknown>) => ({ ...r, phase: 'promoting' }), error: 'rollout record: phase must be one of idle, pending, canary, promoted, rolled-back, aborted, got "promoting"' },
    { change: (r: Record<string, unknown>) => ({ ...r, weight: 120 }), error: 'rollout record: weight must be a percentage from 0 to 100, got 120' },
    { change: (r: Record<string, unknown>) => ({ ...r, canary: { version: 'v2', ref: 'main', sha: 'not-a-sha' } }), error: 'rollout record: canary.sha must be a commit SHA (7 to 64 hex digits), got "not-a-sha"' },
    {
      change: (r: Record<string, unknown>) => ({ ...r, history: [...(r['history'] as unknown[]), { ...entry(1), at: 'yesterday' }] }),
      error: 'rollout record: history[3].at must be an ISO 8601 time such as 2025-01-31T12:00:00Z, got "yesterday"',
    },
    { change: (r: Record<string, unknown>) => ({ ...r, lease: { owner: { runId: 1, runAttempt: 0, job: 'x' }, claimedAt: '2025-01-01T00:00:00Z', expiresAt: '2025-01-01T00:05:00Z' } }), error: 'rollout record: lease.owner.runAttempt must be 1 or more, got 0' },
    { change: (r: Record<string, unknown>) => ({ ...r, colour: 'blue' }), error: 'rollout record: colour is not part of schemaVersion 1' },
    { change: (r: Record<string, unknown>) => ({ ...r, schemaVersion: undefined }), error: 'rollout record: schemaVersion must be 1, got nothing' },
    { change: (r: Record<string, unknown>) => ({ ...r, schemaVersion: 2 }), error: 'rollout record has schemaVersion 2, written by a newer Rollgate; this one reads schemaVersion 1: upgrade the Rollgate actions' },
    { change: (r: Record<string, unknown>) => ({ ...r, canary: undefined }), error: 'rollout record: canary is required when the phase is canary' },
    { change: (r: Record<string, unknown>) => ({ ...r, phase: 'pending' }), error: 'rollout record: pendingMove is required when the phase is pending' },
    { change: (r: Record<string, unknown>) => ({ ...r, verdicts: [{ step: 0, decision: 'pass', at: '2025-01-01T00:00:00Z', template: 'd' }, { step: 0, decision: 'fail', at: '2025-01-01T00:00:00Z', template: 'd' }] }), error: 'rollout record: verdicts[1].step appears twice' },
  ])('$error', ({ change, error }) => {
    const text = JSON.stringify(change(valid()))
    expect(() => parseRecord(text)).toThrow(RecordError)
    expect(() => parseRecord(text)).toThrow(error)
  })

  it('names the source of a record that is not JSON', () => {
    expect(() => parseRecord('{"schemaVersion":', 'acme/shop@rollgate-state:production.json')).toThrow(
      /^acme\/shop@rollgate-state:production\.json is not valid JSON: /,
    )
  })
})

describe('serializeRecord', () => {
  it('writes compact JSON that reads back to the same record', () => {
    const record = run([deploy(), pass, next])
    const text = serializeRecord(record)
    expect(text).not.toMatch(/\n|": /)
    expect(parseRecord(text)).toEqual(parseRecord(JSON.parse(text) as unknown))
    expect(serializeRecord(parseRecord(text))).toBe(text)
  })

  it.each([
    { name: 'NaN', data: { z: Number.NaN }, error: 'evidence.data.z must be a finite number' },
    { name: 'undefined', data: { looks: [1, undefined] }, error: 'evidence.data.looks[1] must be a JSON value, got nothing' },
    { name: 'a Date', data: { at: new Date() }, error: 'evidence.data.at must be a plain JSON object' },
  ])('refuses evidence holding $name (JSON would silently change it)', ({ data, error }) => {
    const record: RolloutRecord = { ...run([deploy()]), evidence: { step: 0, template: 'default', data: data as never } }
    expect(() => serializeRecord(record)).toThrow(error)
  })

  it('refuses an invalid record instead of writing it', () => {
    const record = { ...run([deploy()]), weight: -1 }
    expect(() => serializeRecord(record)).toThrow('refusing to write an invalid record: rollout record: weight must be a percentage from 0 to 100, got -1')
  })

  it('refuses a record over the size limit, naming its largest field', () => {
    const record: RolloutRecord = { ...run([deploy()]), evidence: { step: 0, template: 'default', data: 'x'.repeat(MAX_RECORD_BYTES) } }
    expect(() => serializeRecord(record)).toThrow(/over the 256 KiB Rollgate stores; its largest field is evidence \(256 KiB\)/)
  })

  it(`keeps the newest ${HISTORY_LIMIT} history entries`, () => {
    const history = Array.from({ length: 80 }, (_, i) => entry(i))
    const record: RolloutRecord = { ...run([deploy()]), history }
    const kept = parseRecord(serializeRecord(record)).history
    expect(kept).toHaveLength(HISTORY_LIMIT)
    expect(kept[0]?.runId).toBe(30)
  })

  it('keeps the two newest entries naming a stable version, however old', () => {
    const history = [
      entry(0, { stable: { version: 'v0' } }),
      entry(1, { stable: { version: 'v1' } }),
      entry(2, { stable: { version: 'v1' } }),
      ...Array.from({ length: 60 }, (_, i) => entry(i + 3)),
    ]
    const kept = trimHistory(history)
    expect(kept).toHaveLength(HISTORY_LIMIT + 2)
    expect(kept.slice(0, 2).map((e) => e.stable?.version)).toEqual(['v0', 'v1'])
    expect(kept[1]?.runId).toBe(2)
  })
})

describe('lastKnownGood', () => {
  it('is the version the current rollout started from while a canary is out', () => {
    expect(lastKnownGood(run([deploy(V2, V1)]))).toEqual(V1)
  })

  it('is the promoted version once a rollout finished', () => {
    const record = run([deploy(V2, V1), pass, next, pass, next, pass, next])
    expect(lastKnownGood(record)?.version).toBe('v2')
    expect(lastKnownGood(record, 'v2')?.version).toBe('v1')
  })

  it('never returns a reverted version', () => {
    let record = run([deploy(V2, V1), pass, next, pass, next, pass, next])
    record = run([deploy(V3, null), pass, next, pass, next, pass, full], record)
    record = run([rollback], record)
    expect(lastKnownGood(record)?.version).toBe('v2')
    // Even if the only other candidate is the reverted one.
    expect(lastKnownGood({ ...record, stable: { version: 'v3' }, history: record.history.slice(-3) }, 'v2')).toBeUndefined()
  })
})
