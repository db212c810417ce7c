/** The file store's own mechanics: atomic writes, the lock file around compare-and-swap, names. */
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FileStateStore } from '../../shared/state/file-store.js'
import { RecordError, idleRecord } from '../../shared/state/record.js'
import { LeaseHeldError, StateConflictError, environmentSlug } from '../../shared/state/store.js'
import { Clock, ENV } from './fixtures.js'

let directory: string
let clock: Clock
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'rollgate-file-store-'))
  clock = new Clock()
})
afterEach(() => rm(directory, { recursive: true, force: true }))

const store = (options: Partial<ConstructorParameters<typeof FileStateStore>[0]> = {}): FileStateStore =>
  new FileStateStore({ directory, clock: clock.now, ...options })

describe('the file store', () => {
  it('writes compact JSON atomically, leaving no temporary or lock file behind', async () => {
    await store().save(idleRecord(ENV, clock.now()), null)
    expect(await readdir(directory)).toEqual(['production.json'])
    const text = await readFile(join(directory, 'production.json'), 'utf8')
    expect(text.endsWith('}\n')).toBe(true)
    expect(text.trimEnd()).not.toContain('\n')
  })

  it('lets one of many concurrent claimers win and tells the others who did', async () => {
    const claims = Array.from({ length: 8 }, (_, i) => store().claim(ENV, { runId: 100 + i, runAttempt: 1, job: 'j' }, 60_000))
    const results = await Promise.allSettled(claims)
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LeaseHeldError)
  })

  it('waits for a live lock file, then gives up with a clear message', async () => {
    await writeFile(join(directory, 'production.json.lock'), '{}')
    await expect(store({ lockTimeoutMs: 50 }).save(idleRecord(ENV, clock.now()), null)).rejects.toThrow(StateConflictError)
    await expect(store({ lockTimeoutMs: 50 }).save(idleRecord(ENV, clock.now()), null)).rejects.toThrow(
      /another process has held .*production\.json\.lock for over 50 ms \(remove it if no Rollgate command is running\)/,
    )
  })

  it('takes over a lock file left by a process that died', async () => {
    const lock = join(directory, 'production.json.lock')
    await writeFile(lock, '{}')
    const old = new Date(Date.now() - 60_000)
    await utimes(lock, old, old)
    await store({ staleLockMs: 30_000 }).save(idleRecord(ENV, clock.now()), null)
    expect(await readdir(directory)).toEqual(['production.json'])
  })

  it('names the file when its record cannot be read', async () => {
    await writeFile(join(directory, 'production.json'), '{"schemaVersion":1,"phase":"canary"}')
    await expect(store().load(ENV)).rejects.toThrow(RecordError)
    await expect(store().load(ENV)).rejects.toThrow(`${join(directory, 'production.json')}: environment must be a string, got nothing`)
  })

  it.each([
    ['production', 'production'],
    ['Production', 'production'],
    ['prod eu/1', 'prod~20eu~2f1'],
    ['a~b.c', 'a~7eb~2ec'],
  ])('stores environment %j as %j.json', (environment, slug) => {
    expect(environmentSlug(environment)).toBe(slug)
  })
})
