/**
 * #17 point 2: expand/contract migrations against a real PostgreSQL (Debian's package, a throwaway
 * cluster). The old version v1 writes `users.name`; the new version v2 writes `users.full_name`.
 * expand adds `full_name` (and logs its run); contract drops `name` (and logs its run). The actions
 * run in-process (main(io, deps)) against the fake GitHub, traffic through the `command` provider
 * with a read-back, time from a fake clock.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseRecord, type RolloutRecord } from '../../shared/state/record.js'
import { FakeClock, runMain, testDeps, workspace, type Workspace } from '../actions/support.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { postgresBin, startPostgres, type Postgres } from './migration-postgres.js'

const available = postgresBin() !== undefined
if (!available && process.env['CI'] === 'true') throw new Error('PostgreSQL is not installed but the migration test needs it: apt-get install postgresql (.ci/run does)')

const github = useFakeGitHub({ repository: 'octo-org/shop' })

describe.skipIf(!available)('expand/contract migrations on a real PostgreSQL', () => {
  let pg: Postgres
  let ws: Workspace
  let clock: FakeClock
  let sha: string
  let runId = 700

  beforeAll(async () => {
    pg = await startPostgres()
  }, 120_000)
  afterAll(() => pg?.stop())

  beforeEach(() => {
    pg.sql('DROP TABLE IF EXISTS users; DROP TABLE IF EXISTS migration_log')
    pg.sql('CREATE TABLE users (id serial PRIMARY KEY, name text); CREATE TABLE migration_log (phase text, at timestamptz DEFAULT now())')
    ws = workspace('')
    clock = new FakeClock()
    const script = join(ws.dir, 'weight.mjs')
    writeFileSync(
      script,
      `import { readFileSync, writeFileSync } from 'node:fs'
const [cmd, w] = process.argv.slice(2)
const f = new URL('./w.txt', import.meta.url)
if (cmd === 'set') writeFileSync(f, w); else process.stdout.write(readFileSync(f, 'utf8'))
`,
    )
    writeFileSync(join(ws.dir, 'w.txt'), '0')
    const psql = JSON.stringify(pg.psqlArgv).slice(1, -1)
    ws.writePolicy(`version: 1
environments:
  production:
    production: true
    traffic: { provider: command, setWeight: [node, ${JSON.stringify(script)}, set, "{{weight}}"], getWeight: [node, ${JSON.stringify(script)}, get] }
    steps: [ { weight: 10 }, { weight: 50 }, { weight: 100 } ]
    migration:
      expand: [${psql}, -c, "ALTER TABLE users ADD COLUMN IF NOT EXISTS full_name text; INSERT INTO migration_log (phase) VALUES ('expand {{version}}')"]
      contract: [${psql}, -c, "ALTER TABLE users DROP COLUMN IF EXISTS name; INSERT INTO migration_log (phase) VALUES ('contract {{version}}')"]
      drain: 10m
`)
    sha = github.state.seedPull({ head: `feature-${runId}` }).head.sha
  })
  afterEach(() => ws.cleanup())

  const run = (action: Parameters<typeof runMain>[0], inputs: Record<string, string> = {}) =>
    runMain(action, ws, (io) => testDeps(io, { github, traffic: 'real', clock }), { sha, runId: ++runId, inputs: { environment: 'production', ...inputs } })
  const record = (): RolloutRecord => parseRecord(github.state.files('rollgate-state').get('production.json') ?? '', 'production.json')
  const log = (): string[] => pg.sql('SELECT phase FROM migration_log ORDER BY at, phase').split('\n').filter(Boolean)
  const columns = (): string[] => pg.sql("SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name <> 'id' ORDER BY 1").split('\n').filter(Boolean)
  // What each version's code does against the database.
  const v1Writes = () => pg.sqlError("INSERT INTO users (name) VALUES ('old version')")
  const v2Writes = () => pg.sqlError("INSERT INTO users (full_name) VALUES ('new version')")
  const weight = () => Number(readFileSync(join(ws.dir, 'w.txt'), 'utf8'))

  it('expand runs before the first traffic move; a rollback keeps the expanded schema and both versions working; contract never runs', async () => {
    expect(v2Writes()).toMatch(/column "full_name" of relation "users" does not exist/)
    const deployed = await run('deploy-canary', { version: 'v2', 'stable-version': 'v1' })
    expect(deployed.failed).toBeUndefined()
    expect(log()).toEqual(['expand v2'])
    expect(columns()).toEqual(['full_name', 'name'])
    expect(record().migration).toMatchObject({ state: 'expanded', version: 'v2' })
    expect([v1Writes(), v2Writes()]).toEqual([undefined, undefined])

    const rolledBack = await run('rollback', { reason: 'bad canary' })
    expect(rolledBack.failed).toBeUndefined()
    expect(weight()).toBe(0)
    expect(record().migration).toMatchObject({ state: 'kept', version: 'v2' })
    expect(columns()).toEqual(['full_name', 'name'])
    expect([v1Writes(), v2Writes()]).toEqual([undefined, undefined])
    expect(log()).toEqual(['expand v2'])

    // Deploying v2 again does not expand twice: the schema is already expanded for it.
    expect((await run('deploy-canary', { version: 'v2' })).failed).toBeUndefined()
    expect(log()).toEqual(['expand v2'])
  })

  it('a failing expand keeps the canary from starting; traffic stays at 0', async () => {
    pg.sql('DROP TABLE migration_log')
    const deployed = await run('deploy-canary', { version: 'v2', 'stable-version': 'v1' })
    expect(deployed.result.reasonCode).toBe('migration-failed')
    expect(deployed.failed).toMatch(/the migration's expand command failed: .*migration_log/)
    expect(weight()).toBe(0)
    expect(record().weight).toBe(0)
    expect(record().pendingMove).toBeUndefined()
    // Fixed, the next deploy-canary expands (again: expand is idempotent) and starts the canary.
    pg.sql('CREATE TABLE migration_log (phase text, at timestamptz DEFAULT now())')
    expect((await run('deploy-canary', { version: 'v2', 'stable-version': 'v1' })).failed).toBeUndefined()
    expect(log()).toEqual(['expand v2'])
    expect(weight()).toBe(10)
  })

  it('contract drops the old column only after promotion and the drain time, once', async () => {
    await run('deploy-canary', { version: 'v2', 'stable-version': 'v1' })
    await run('promote')
    const final = await run('promote')
    expect(final.result).toMatchObject({ reasonCode: 'migration-draining', rollout: { phase: 'promoted', weight: 100 } })
    expect(record().migration).toMatchObject({ state: 'expanded', drainingSince: clock.now().toISOString() })
    expect(columns()).toEqual(['full_name', 'name'])

    clock.advance(9 * 60_000)
    const early = await run('promote')
    expect(early.result.reasonCode).toBe('migration-draining')
    expect(early.result.message).toMatch(/contract runs after the drain time, from /)
    expect(columns()).toEqual(['full_name', 'name'])
    expect(v1Writes()).toBeUndefined()

    clock.advance(60_000)
    const contracted = await run('promote')
    expect(contracted.result.reasonCode).toBe('contracted')
    expect(columns()).toEqual(['full_name'])
    expect(v1Writes()).toMatch(/column "name" of relation "users" does not exist/)
    expect(v2Writes()).toBeUndefined()
    expect(record().migration).toMatchObject({ state: 'contracted', version: 'v2' })
    expect(record().lease).toBeUndefined()

    // Never twice.
    expect((await run('promote')).result.reasonCode).toBe('noop')
    expect(log()).toEqual(['expand v2', 'contract v2'])
  })

  it('contract waits while the old version still serves traffic (read back), and a new rollout waits for the contract', async () => {
    await run('deploy-canary', { version: 'v2', 'stable-version': 'v1' })
    await run('promote')
    await run('promote')
    clock.advance(11 * 60_000)
    writeFileSync(join(ws.dir, 'w.txt'), '90') // someone sent 10% back to the old version
    const waiting = await run('promote')
    expect(waiting.result.reasonCode).toBe('migration-draining')
    expect(waiting.result.message).toMatch(/old version still serves 10% of the traffic/)
    expect(columns()).toEqual(['full_name', 'name'])
    const next = await run('deploy-canary', { version: 'v3' })
    expect(next.result.reasonCode).toBe('migration-draining')
    expect(next.failed).toMatch(/the migration of v2 has not contracted yet/)
    writeFileSync(join(ws.dir, 'w.txt'), '100')
    expect((await run('promote')).result.reasonCode).toBe('contracted')
    expect(log()).toEqual(['expand v2', 'contract v2'])
  })

  it('a run stopped between expand and its record is repaired like a traffic move: expand is not run again', async () => {
    // deploy-canary's final record write is lost (the run died after expand and the traffic move).
    // The repository's first write finds no state branch, so the final write is the third.
    github.faults.push({ match: { operationId: 'repos/create-or-update-file-contents' }, skip: 2, status: 422, times: 1 })
    const crashed = await run('deploy-canary', { version: 'v2', 'stable-version': 'v1' })
    expect(crashed.result.reasonCode).toBe('record-write-failed')
    expect(record().migration).toMatchObject({ state: 'expanding', version: 'v2' })
    expect(weight()).toBe(10)
    clock.advance(16 * 60_000)
    const next = await run('promote')
    expect(next.failed).toBeUndefined()
    expect(next.io.logs.join('\n')).toMatch(/repaired an interrupted move first: repaired: completed the deploy-canary/)
    expect(record().migration).toMatchObject({ state: 'expanded', version: 'v2' })
    expect(log()).toEqual(['expand v2'])
    expect(weight()).toBe(50)
  })
})
