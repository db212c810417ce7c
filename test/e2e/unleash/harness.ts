/**
 * A real Unleash on a real PostgreSQL for end-to-end tests: a throwaway cluster (initdb into a temp
 * folder, 127.0.0.1 on a free port, trust auth), then unleash-server started by start-unleash.mjs
 * with the node@24 binary. Both stop in `stop()` (and Unleash also when this process exits, since
 * it ends when its stdin closes).
 *
 * .ci/run installs unleash-server into .ci/.unleash (AGPL: test-only, never a dependency of the
 * project, never bundled) and Debian's postgresql. `unleashAvailability()` says what is missing;
 * tests skip with a loud message only outside CI.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const UNLEASH_MODULE = join(ROOT, '.ci', '.unleash', 'node_modules', 'unleash-server', 'dist', 'lib', 'server-impl.js')
const NODE24 = join(ROOT, 'node_modules', '.bin', 'node')
export const ADMIN_TOKEN = '*:*.rollgate-e2e-admin-token'
/** The real Node SDK (Apache-2.0), installed next to the server by .ci/run; test-only as well. */
export const UNLEASH_CLIENT_MODULE = join(ROOT, '.ci', '.unleash', 'node_modules', 'unleash-client', 'lib', 'index.js')

function postgresBin(): string | undefined {
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return undefined
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? undefined : join(base, versions[0], 'bin')
}

/** undefined when everything is there, else what is missing and how to get it. */
export function unleashAvailability(): string | undefined {
  const missing: string[] = []
  if (!existsSync(UNLEASH_MODULE)) missing.push('unleash-server (npm install --prefix .ci/.unleash unleash-server@8.2.0 unleash-client@6.12.1, as .ci/run does)')
  if (!existsSync(UNLEASH_CLIENT_MODULE)) missing.push('unleash-client (npm install --prefix .ci/.unleash unleash-server@8.2.0 unleash-client@6.12.1, as .ci/run does)')
  if (!postgresBin()) missing.push('PostgreSQL server binaries (apt-get install postgresql)')
  if (!existsSync(NODE24)) missing.push('the node@24 runtime (npm ci)')
  return missing.length === 0 ? undefined : missing.join('; ')
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

function run(command: string, args: string[], asPostgres: boolean): void {
  const argv = asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] as const : [command, args] as const
  const result = spawnSync(argv[0], [...argv[1]], { encoding: 'utf8', timeout: 60_000 })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`)
}

export interface UnleashServer {
  url: string
  token: string
  /** An admin API call with the pinned token; throws on a non-2xx answer. */
  admin(method: string, path: string, body?: unknown): Promise<unknown>
  /** Runs SQL against Unleash's database (to age flags: events and creation dates). */
  sql(statement: string): void
  /** Runs SQL and returns the rows, tab-separated, without headers. */
  query(statement: string): string[]
  stop(): Promise<void>
}

export async function startUnleash(): Promise<UnleashServer> {
  const bin = postgresBin() as string
  const asPostgres = process.getuid?.() === 0
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-unleash-'))
  if (asPostgres) chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()))
  const data = join(dir, 'data')
  const pgPort = await freePort()
  run(join(bin, 'initdb'), ['-D', data, '-U', 'unleash', '--auth=trust', '-E', 'UTF8', '--no-sync'], asPostgres)
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', '-o', `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'], asPostgres)
  const psql = (database: string, statement: string): string => {
    const result = spawnSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'unleash', '-d', database, '-v', 'ON_ERROR_STOP=1', '-qAtF', '\t', '-c', statement], { encoding: 'utf8', timeout: 30_000 })
    if (result.status !== 0) throw new Error(`psql: ${statement}: ${result.stderr}`)
    return result.stdout
  }
  let child: ChildProcess | undefined
  const stopPostgres = (): void => {
    try {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], asPostgres)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  try {
    psql('postgres', 'CREATE DATABASE unleash')
    child = spawn(NODE24, [join(ROOT, 'test', 'e2e', 'unleash', 'start-unleash.mjs')], {
      env: { ...process.env, UNLEASH_MODULE, PGPORT: String(pgPort), PGUSER: 'unleash', PGDATABASE: 'unleash', UNLEASH_ADMIN_TOKEN: ADMIN_TOKEN, NODE_ENV: 'production' },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const port = await new Promise<number>((resolvePort, reject) => {
      let out = ''
      let err = ''
      const timer = setTimeout(() => reject(new Error(`Unleash did not start within 120 s: ${err.slice(-2000)}`)), 120_000)
      child?.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const ready = /UNLEASH_READY (\d+)/.exec(out)
        if (ready) {
          clearTimeout(timer)
          resolvePort(Number(ready[1]))
        }
      })
      child?.stderr?.on('data', (chunk: Buffer) => {
        err += chunk.toString()
      })
      child?.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`Unleash exited (${code}) before it listened: ${err.slice(-2000)}`))
      })
    })
    const url = `http://127.0.0.1:${port}`
    const server: UnleashServer = {
      url,
      token: ADMIN_TOKEN,
      async admin(method, path, body) {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: { authorization: ADMIN_TOKEN, 'content-type': 'application/json', accept: 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
        const text = await response.text()
        if (!response.ok) throw new Error(`Unleash ${method} ${path}: HTTP ${response.status}: ${text.slice(0, 500)}`)
        return text === '' ? undefined : (JSON.parse(text) as unknown)
      },
      sql: (statement) => {
        psql('unleash', statement)
      },
      query: (statement) => psql('unleash', statement).split('\n').filter((l) => l !== ''),
      async stop() {
        const exited = new Promise<void>((resolveExit) => {
          if (!child || child.exitCode !== null) resolveExit()
          else child.once('exit', () => resolveExit())
        })
        child?.stdin?.end()
        const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
        stopPostgres()
      },
    }
    return server
  } catch (error) {
    child?.kill('SIGKILL')
    stopPostgres()
    throw error
  }
}

/** The slice of unleash-client 6 used here (the package is not a project dependency, so no types). */
interface UnleashSdk {
  Unleash: new (config: Record<string, unknown>) => {
    on(event: 'error', listener: (error: Error) => void): void
    once(event: 'synchronized', listener: () => void): void
    isEnabled(name: string, context?: Record<string, string>): boolean
    destroyWithFlush(): Promise<void>
  }
  InMemStorageProvider: new () => unknown
}

/**
 * Evaluates flags the way an application does: the real unleash-client SDK with a client token for
 * `environment`, which registers (POST /api/client/register), fetches the toggles, evaluates each
 * name `times` times and sends its metrics (POST /api/client/metrics) on destroyWithFlush. The
 * server then records lastSeenAt itself; nothing here writes it.
 */
export async function evaluateWithSdk(server: UnleashServer, environment: string, names: readonly string[], times = 3): Promise<Record<string, boolean>> {
  const created = (await server.admin('POST', '/api/admin/api-tokens', { tokenName: `rollgate-e2e-client-${environment}`, type: 'client', environment, projects: ['*'] })) as { secret: string }
  const sdk = (await import(UNLEASH_CLIENT_MODULE)) as { default?: UnleashSdk } & UnleashSdk
  const { Unleash, InMemStorageProvider } = sdk.Unleash ? sdk : (sdk.default as UnleashSdk)
  const client = new Unleash({
    url: `${server.url}/api/`,
    appName: 'rollgate-e2e-shop',
    instanceId: 'rollgate-e2e-1',
    customHeaders: { Authorization: created.secret },
    refreshInterval: 60_000, // one fetch at start (0 would disable fetching); destroyed before the next
    metricsInterval: 60_000,
    storageProvider: new InMemStorageProvider(),
  })
  const failures: string[] = []
  client.on('error', (error: Error) => failures.push(error.message))
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`unleash-client did not synchronise within 30 s: ${failures.join('; ')}`)), 30_000)
    client.once('synchronized', () => {
      clearTimeout(timer)
      resolveReady()
    })
  })
  const answers: Record<string, boolean> = {}
  for (const name of names) for (let i = 0; i < times; i++) answers[name] = client.isEnabled(name, { userId: String(i) })
  await client.destroyWithFlush()
  if (failures.length > 0) throw new Error(`unleash-client: ${failures.join('; ')}`)
  return answers
}
