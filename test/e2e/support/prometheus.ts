/**
 * A real Prometheus for the end-to-end tests: the Debian package's binary (2.42 on these machines),
 * run in the foreground on 127.0.0.1 with a generated config and a temporary TSDB directory, and
 * stopped (and waited for) by the test. Nothing here relies on a system service.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

export interface ScrapeTarget {
  /** `host:port` of a `/metrics` endpoint. */
  address: string
  /** Extra target labels (not `version`: the services put that on their own samples). */
  labels?: Record<string, string>
}

export interface PrometheusOptions {
  targets: ScrapeTarget[]
  /** Prometheus duration; default 1s. */
  scrapeInterval?: string
  /** How long to wait for the server and every target to be up; default 60 s. */
  readyTimeoutMs?: number
}

export interface RunningPrometheus {
  /** `http://127.0.0.1:PORT`, the base of the HTTP API. */
  url: string
  port: number
  pid: number
  /** Everything the process wrote so far (stderr and stdout), for failure messages. */
  log(): string
  /** GET /api/v1/query at the current time; throws unless the status is success. */
  query(promql: string): Promise<{ resultType: string; result: unknown[] }>
  /** Waits until `promql` returns at least `series` series (data is flowing for every target). */
  waitForSeries(promql: string, series: number, timeoutMs?: number): Promise<void>
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited and its files are gone. */
  stop(): Promise<void>
}

/**
 * The binary: $ROLLGATE_PROMETHEUS_BIN when set (and only it), else `prometheus` on PATH, else the
 * Debian package's /usr/bin/prometheus. undefined when none is executable.
 */
export function findPrometheus(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env['ROLLGATE_PROMETHEUS_BIN']
  const candidates = explicit
    ? [explicit]
    : [...(env['PATH'] ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'prometheus')), '/usr/bin/prometheus']
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // next
    }
  }
  return undefined
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export function prometheusConfig(targets: ScrapeTarget[], scrapeInterval: string): string {
  // scrape_timeout must not exceed scrape_interval (the global default of 10s would).
  const lines = [
    'global:',
    `  scrape_interval: ${scrapeInterval}`,
    `  scrape_timeout: ${scrapeInterval}`,
    `  evaluation_interval: ${scrapeInterval}`,
    'scrape_configs:',
    '  - job_name: rollgate-e2e',
    '    metrics_path: /metrics',
    '    static_configs:',
  ]
  for (const target of targets) {
    lines.push(`      - targets: [${JSON.stringify(target.address)}]`)
    if (target.labels && Object.keys(target.labels).length > 0) {
      lines.push('        labels:')
      for (const [k, v] of Object.entries(target.labels)) lines.push(`          ${k}: ${JSON.stringify(v)}`)
    }
  }
  return `${lines.join('\n')}\n`
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function getJson(url: string, timeoutMs = 5_000): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  const text = await response.text()
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}: ${text.slice(0, 300)}`)
  return JSON.parse(text) as unknown
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

/**
 * Starts Prometheus and waits until it is ready and every target has been scraped successfully.
 * A port taken between choosing and binding it is retried with another port.
 */
export async function startPrometheus(binary: string, options: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-prometheus-'))
  const configFile = join(dir, 'prometheus.yml')
  writeFileSync(configFile, prometheusConfig(options.targets, options.scrapeInterval ?? '1s'))
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary, dir, configFile, options)
    } catch (error) {
      lastError = error
      if (!/address already in use/i.test(String(error))) break
    }
  }
  rmSync(dir, { recursive: true, force: true })
  throw lastError
}

async function startOnce(binary: string, dir: string, configFile: string, options: PrometheusOptions): Promise<RunningPrometheus> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const tsdb = mkdtempSync(join(dir, 'tsdb-'))
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${tsdb}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      // Debian's defaults point at /usr/share/prometheus; nothing here needs the consoles.
      `--web.console.templates=${join(dir, 'consoles')}`,
      `--web.console.libraries=${join(dir, 'console_libraries')}`,
      '--log.level=warn',
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const append = (d: Buffer): void => {
    output += d.toString()
    if (output.length > 200_000) output = output.slice(-100_000)
  }
  child.stdout?.on('data', append)
  child.stderr?.on('data', append)
  let spawnError: Error | undefined
  child.on('error', (e) => (spawnError = e))
  // Never outlive the test process, even if afterAll does not run.
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  process.once('exit', killOnExit)

  let stopped: Promise<void> | undefined
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        if (!(await waitForExit(child, 10_000))) {
          child.kill('SIGKILL')
          await waitForExit(child, 5_000)
        }
      }
      process.removeListener('exit', killOnExit)
      rmSync(dir, { recursive: true, force: true })
    })())
  const stopOnly = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await waitForExit(child, 5_000)
    }
    process.removeListener('exit', killOnExit)
    rmSync(tsdb, { recursive: true, force: true })
  }

  const query = async (promql: string): Promise<{ resultType: string; result: unknown[] }> => {
    const body = (await getJson(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`)) as {
      status: string
      data?: { resultType: string; result: unknown[] }
      error?: string
    }
    if (body.status !== 'success' || !body.data) throw new Error(`query ${promql}: ${JSON.stringify(body).slice(0, 300)}`)
    return body.data
  }

  const until = async (what: string, timeoutMs: number, probe: () => Promise<string | true>): Promise<void> => {
    const deadline = Date.now() + timeoutMs
    let last = 'not tried yet'
    while (Date.now() < deadline) {
      if (spawnError) throw new Error(`prometheus could not start: ${spawnError.message}`)
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`prometheus exited (${child.exitCode ?? child.signalCode}) while waiting for ${what}:\n${output.slice(-3000)}`)
      }
      try {
        const state = await probe()
        if (state === true) return
        last = state
      } catch (error) {
        last = String(error)
      }
      await sleep(250)
    }
    throw new Error(`prometheus: ${what} not reached within ${timeoutMs} ms (last: ${last})\n${output.slice(-3000)}`)
  }

  const readyTimeout = options.readyTimeoutMs ?? 60_000
  try {
    await until('readiness (/-/ready)', readyTimeout, async () => {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) })
      await response.text()
      return response.ok || `HTTP ${response.status}`
    })
    await until(`all ${options.targets.length} targets up (/api/v1/targets)`, readyTimeout, async () => {
      const body = (await getJson(`${url}/api/v1/targets?state=active`)) as {
        data?: { activeTargets?: { scrapeUrl: string; health: string; lastError: string }[] }
      }
      const targets = body.data?.activeTargets ?? []
      const up = targets.filter((t) => t.health === 'up').length
      if (targets.length === options.targets.length && up === targets.length) return true
      return targets.map((t) => `${t.scrapeUrl}: ${t.health}${t.lastError ? ` (${t.lastError})` : ''}`).join('; ') || 'no targets yet'
    })
  } catch (error) {
    await stopOnly()
    throw error
  }

  return {
    url,
    port,
    pid: child.pid ?? -1,
    log: () => output,
    query,
    async waitForSeries(promql, series, timeoutMs = readyTimeout) {
      await until(`${series} series from ${promql}`, timeoutMs, async () => {
        const data = await query(promql)
        return data.result.length >= series || `${data.result.length} series`
      })
    },
    stop,
  }
}
