/**
 * A throwaway PostgreSQL cluster for the migration end-to-end test, the same recipe as the Unleash
 * harness (test/e2e/unleash/harness.ts): initdb into a temp folder, 127.0.0.1 on a free port, trust
 * auth, run as the postgres user when the tests run as root. Debian's postgresql (`.ci/run`
 * installs it). Stopped by stop().
 */
import { spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function postgresBin(): string | undefined {
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return undefined
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? undefined : join(base, versions[0], 'bin')
}

export interface Postgres {
  port: number
  /** psql's argv prefix for the `app` database, for policy commands. */
  psqlArgv: string[]
  /** Runs SQL; returns stdout (tuples only, unaligned) or throws with psql's error. */
  sql(statement: string): string
  /** Runs SQL and returns psql's error, or undefined when it succeeded. */
  sqlError(statement: string): string | undefined
  stop(): void
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })
}

export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBin()
  if (!bin) throw new Error('PostgreSQL server binaries missing (apt-get install postgresql)')
  const asPostgres = process.getuid?.() === 0
  const run = (command: string, args: string[]): void => {
    const argv = asPostgres ? (['runuser', ['-u', 'postgres', '--', command, ...args]] as const) : ([command, args] as const)
    const result = spawnSync(argv[0], [...argv[1]], { encoding: 'utf8', timeout: 60_000 })
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-pg-'))
  if (asPostgres) {
    const id = (flag: string): number => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim())
    chownSync(dir, id('-u'), id('-g'))
  }
  const data = join(dir, 'data')
  const port = await freePort()
  run(join(bin, 'initdb'), ['-D', data, '-U', 'app', '--auth=trust', '-E', 'UTF8', '--no-sync'])
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'])
  const psqlArgv = [join(bin, 'psql'), '-h', '127.0.0.1', '-p', String(port), '-U', 'app', '-d', 'app', '-v', 'ON_ERROR_STOP=1', '-qAt']
  const exec = (statement: string): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(psqlArgv[0] as string, [...psqlArgv.slice(1), '-c', statement], { encoding: 'utf8', timeout: 30_000 })
  const stop = (): void => {
    try {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  try {
    const created = spawnSync(psqlArgv[0] as string, ['-h', '127.0.0.1', '-p', String(port), '-U', 'app', '-d', 'postgres', '-qc', 'CREATE DATABASE app'], { encoding: 'utf8' })
    if (created.status !== 0) throw new Error(`CREATE DATABASE app: ${created.stderr}`)
  } catch (error) {
    stop()
    throw error
  }
  return {
    port,
    psqlArgv,
    sql(statement) {
      const result = exec(statement)
      if (result.status !== 0) throw new Error(`psql: ${statement}: ${result.stderr}`)
      return result.stdout.trim()
    },
    sqlError(statement) {
      const result = exec(statement)
      return result.status === 0 ? undefined : result.stderr.trim()
    },
    stop,
  }
}
