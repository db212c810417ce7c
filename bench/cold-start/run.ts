// Cold start of each bundle under Node 24: median wall time from process start until the first
// HTTP request reaches a local fake GitHub API, next to bare `node -e 0` and to a bare Node
// process that makes one request. Run: npm run bench:cold-start [-- --runs 15]
import { spawn } from 'node:child_process'
import { createServer, type IncomingMessage } from 'node:http'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { node24, REPO_ROOT } from '../../test/bundle/harness.js'

const runsArg = process.argv.indexOf('--runs')
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15

interface Target {
  name: string
  args: (url: string) => string[]
  inputs: Record<string, string>
}

const policy = join(REPO_ROOT, '.github', 'rollgate.yml')
const common = { policy, environment: 'production', 'github-token': 'ghs_bench' }
const targets: Target[] = [
  { name: 'deploy-canary', args: () => [join(REPO_ROOT, 'dist/deploy-canary/index.js')], inputs: { ...common, version: 'v2', 'stable-version': 'v1' } },
  { name: 'analyze', args: () => [join(REPO_ROOT, 'dist/analyze/index.js')], inputs: { ...common, mode: 'once', 'fail-on': 'fail' } },
  { name: 'promote', args: () => [join(REPO_ROOT, 'dist/promote/index.js')], inputs: { ...common, full: 'false' } },
  { name: 'rollback', args: () => [join(REPO_ROOT, 'dist/rollback/index.js')], inputs: { ...common } },
  { name: 'flag-cleanup', args: () => [join(REPO_ROOT, 'dist/flag-cleanup/index.js')], inputs: { policy, 'dry-run': 'true', 'github-token': 'ghs_bench' } },
  { name: 'router', args: () => [join(REPO_ROOT, 'dist/router/index.js')], inputs: { policy, 'github-token': 'ghs_bench' } },
]

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

async function withServer<T>(fn: (url: string, nextRequest: () => Promise<number>) => Promise<T>): Promise<T> {
  // The time the next request arrives; armed before each process starts.
  let waiting: ((t: number) => void) | undefined
  const server = createServer((req: IncomingMessage, res) => {
    waiting?.(performance.now())
    waiting = undefined
    req.resume()
    // 401 is not retried, so each bundle exits right after its first request.
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad credentials (cold-start bench)"}')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const address = server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  try {
    return await fn(url, () => new Promise<number>((r) => (waiting = r)))
  } finally {
    server.close()
  }
}

function start(args: string[], env: NodeJS.ProcessEnv): { started: number; exited: Promise<number> } {
  const started = performance.now()
  const child = spawn(node24(), args, { env, stdio: 'ignore', cwd: REPO_ROOT })
  const exited = new Promise<number>((r) => child.on('close', () => r(performance.now())))
  return { started, exited }
}

const scratch = mkdtempSync(join(tmpdir(), 'rollgate-cold-'))
const baseEnv = (url: string, inputs: Record<string, string>): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_API_URL: url,
    GITHUB_REPOSITORY: 'octo-org/shop',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: join(scratch, 'event.json'),
    GITHUB_OUTPUT: join(scratch, 'out'),
    GITHUB_STEP_SUMMARY: join(scratch, 'summary'),
    GITHUB_STATE: join(scratch, 'state'),
    GITHUB_WORKSPACE: REPO_ROOT,
    RUNNER_TEMP: scratch,
    PROMETHEUS_URL: 'http://127.0.0.1:9', // the example policy's analysis reads it
  }
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v
  return env
}
writeFileSync(join(scratch, 'event.json'), '{}')

const rows: { name: string; median: number; min: number; note: string }[] = []
const bare: number[] = []
for (let i = 0; i < RUNS; i++) {
  const { started, exited } = start(['-e', '0'], { PATH: process.env.PATH })
  bare.push((await exited) - started)
}
rows.push({ name: 'node -e 0 (to exit)', median: median(bare), min: Math.min(...bare), note: 'bare runtime' })

await withServer(async (url, firstRequest) => {
  const fetchOnly: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const next = firstRequest()
    const { started, exited } = start(['-e', `fetch(${JSON.stringify(url)}).catch(()=>{})`], { PATH: process.env.PATH })
    fetchOnly.push((await next) - started)
    await exited
  }
  rows.push({ name: 'node -e fetch(url)', median: median(fetchOnly), min: Math.min(...fetchOnly), note: 'bare runtime, one request' })

  for (const target of targets) {
    const times: number[] = []
    let noRequest = 0
    for (let i = 0; i < RUNS; i++) {
      const next = firstRequest()
      const { started, exited } = start(target.args(url), baseEnv(url, target.inputs))
      // Bundles that stop before any request (the router and flag-cleanup, which are not built
      // yet) are timed to their exit instead.
      const exitedAt = exited.then((t) => ({ t, request: false }))
      const first = await Promise.race([next.then((t) => ({ t, request: true })), exitedAt])
      times.push(first.t - started)
      if (!first.request) noRequest++
      await exited
    }
    const what = noRequest === times.length ? 'to exit (makes no request)' : `until first request`
    rows.push({ name: target.name, median: median(times), min: Math.min(...times), note: `${what}, ${times.length} runs` })
  }
})

const base = rows[0]?.median ?? 0
console.log(`Cold start under Node ${(await new Promise<string>((r) => {
  const c = spawn(node24(), ['--version'])
  let v = ''
  c.stdout.on('data', (d: Buffer) => (v += d.toString()))
  c.on('close', () => r(v.trim()))
}))}, ${RUNS} runs each, median (min) in ms\n`)
console.log('| process | median ms | min ms | above node -e 0 | what is timed |')
console.log('| --- | ---: | ---: | ---: | --- |')
for (const r of rows) {
  const above = Number.isNaN(r.median) ? '—' : `${(r.median - base).toFixed(0)}`
  console.log(`| ${r.name} | ${Number.isNaN(r.median) ? '—' : r.median.toFixed(0)} | ${Number.isNaN(r.min) ? '—' : r.min.toFixed(0)} | ${above} | ${r.note} |`)
}
