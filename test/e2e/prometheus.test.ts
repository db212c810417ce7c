/**
 * The analyze bundle against a REAL Prometheus (the Debian package's binary, started here on
 * 127.0.0.1 with a generated config and a temporary TSDB), scraping three local versions of the
 * demo service under generated traffic every second: stable v1, a healthy canary v2 (same error
 * rate and latency) and a broken canary v3 (six times the errors, five times the latency).
 *
 * Each test puts a canary out with the deploy-canary bundle (traffic through the `command`
 * provider, a script that records the weight), then runs the analyze bundle under Node 24 against
 * the fake GitHub with `provider: {type: prometheus}` and PromQL templated by `{{version}}` and
 * `{{interval}}`, intervals scaled down to 5 s: five scrapes per interval, so `increase()` always
 * has the two samples it needs and extrapolates over at most one scrape. v2 passes, v3 fails (exit
 * code 1, one `::error::`), and the check run, the job summary and the sticky comment say so.
 *
 * The binary is required under CI=true (.ci/run installs the `prometheus` package); elsewhere a
 * machine without it skips this file with a message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { runBundle, type BundleRun } from '../bundle/harness.js'
import { startService, type RunningService } from '../../cli/demo/service.js'
import { startLoad, type LoadGenerator } from '../../cli/demo/load.js'
import { findPrometheus, startPrometheus, type RunningPrometheus } from './support/prometheus.js'

const binary = findPrometheus()
const required = process.env['CI'] === 'true'
if (!binary && !required) {
  console.warn('test/e2e/prometheus.test.ts skipped: no `prometheus` binary (apt-get install -y prometheus, or set ROLLGATE_PROMETHEUS_BIN to the binary)')
}

/** Seconds between looks; the scrape interval is 1 s, so each `increase()` range holds ~5 scrapes. */
const INTERVAL = '5s'
const TEMPLATE = 'prometheus-smoke'
const MARKER = '<!-- rollgate:production -->'

const WEIGHT_SCRIPT = `import { readFileSync, writeFileSync, appendFileSync } from 'node:fs'
const [cmd, weight, version] = process.argv.slice(2)
const file = new URL('./weight.txt', import.meta.url)
if (cmd === 'set') { writeFileSync(file, weight); appendFileSync(new URL('./moves.log', import.meta.url), weight + ' ' + version + '\\n') }
else process.stdout.write(readFileSync(file, 'utf8'))
`

describe.skipIf(!binary && !required)('analyze against a real Prometheus', () => {
  const github = useFakeGitHub({ repository: 'octo-org/shop' })

  let workspace: string | undefined
  let prometheus: RunningPrometheus | undefined
  const services: RunningService[] = []
  const loads: LoadGenerator[] = []

  beforeAll(async () => {
    if (!binary) {
      throw new Error(
        'CI=true but no `prometheus` binary was found on PATH (nor /usr/bin/prometheus, nor $ROLLGATE_PROMETHEUS_BIN): ' +
          '.ci/run installs the Debian `prometheus` package; this end-to-end test needs it.',
      )
    }
    workspace = mkdtempSync(join(tmpdir(), 'rollgate-prom-e2e-'))
    mkdirSync(join(workspace, '.github'))
    writeFileSync(join(workspace, 'weight.mjs'), WEIGHT_SCRIPT)
    writeFileSync(join(workspace, 'weight.txt'), '0')
    services.push(
      await startService('v1', { errorRate: 0.05, latencyMs: 8 }),
      await startService('v2', { errorRate: 0.05, latencyMs: 8 }),
      await startService('v3', { errorRate: 0.3, latencyMs: 40 }),
    )
    for (const s of services) loads.push(startLoad({ url: `${s.url}/`, ratePerSecond: 150, maxDurationMs: 180_000 }))
    prometheus = await startPrometheus(binary, {
      targets: services.map((s) => ({ address: `127.0.0.1:${s.port}` })),
      scrapeInterval: '1s',
      readyTimeoutMs: 60_000,
    })
    // Every version has counters Prometheus can take an increase() of: the first look has data.
    await prometheus.waitForSeries(`sum by (version) (increase(http_requests_total[${INTERVAL}]))`, services.length, 30_000)
  }, 120_000)

  afterAll(async () => {
    await prometheus?.stop()
    await Promise.all(loads.map((l) => l.stop()))
    await Promise.all(services.map((s) => s.close()))
    if (workspace) rmSync(workspace, { recursive: true, force: true })
  }, 30_000)

  function policy(): string {
    const script = join(workspace as string, 'weight.mjs')
    return `version: 1
environments:
  production:
    production: true
    traffic:
      provider: command
      setWeight: [node, ${JSON.stringify(script)}, set, "{{weight}}", "{{version}}"]
      getWeight: [node, ${JSON.stringify(script)}, get]
    steps:
      - { weight: 5, analysis: ${TEMPLATE} }
      - { weight: 100 }
analysis:
  ${TEMPLATE}:
    provider:
      type: prometheus
      address: ${JSON.stringify((prometheus as RunningPrometheus).url)}
      timeout: 5s
    interval: ${INTERVAL}
    maxDuration: 60s
    alpha: 0.05
    checks:
      - name: http-errors
        type: ratio
        events: sum(increase(http_requests_total{version="{{version}}",code="500"}[{{interval}}]))
        total: sum(increase(http_requests_total{version="{{version}}"}[{{interval}}]))
        tolerance: 100%
        critical: true
      - name: latency
        type: samples
        buckets: sum by (le) (increase(http_request_duration_seconds_bucket{version="{{version}}"}[{{interval}}]))
        quantile: p50
        tolerance: 50%
`
  }

  async function step(bundle: string, inputs: Record<string, string>, sha: string, pr: number): Promise<BundleRun> {
    return runBundle(bundle, {
      inputs: { environment: 'production', ...inputs },
      cwd: workspace as string,
      apiUrl: github.url,
      env: { GITHUB_SHA: sha, GITHUB_ACTION: `${bundle}-${github.requests.length}` },
      event: { name: 'pull_request', payload: { number: pr, pull_request: { number: pr, head: { sha } } } },
      timeoutMs: 120_000,
    })
  }

  const checkRun = () => github.state.checkRuns.map((c) => c.run).filter((c) => c.name === 'rollgate/production').at(-1)
  const stickyComments = () => github.state.comments.map((c) => c.comment).filter((c) => (c.body ?? '').includes(MARKER))
  /** The per-metric table's row for one check: `| http-errors (critical) | pass | ...`. */
  const row = (markdown: string, check: string): string | undefined => markdown.split('\n').find((l) => l.startsWith(`| ${check}`))
  const lookLines = (run: BundleRun): string => run.stdout.split('\n').filter((l) => /^(http-errors|latency|no data|::group::look)/.test(l)).join('\n')

  /** deploy-canary for `version` against v1: the state analyze needs (a canary out at step 1). */
  async function putCanaryOut(version: string, head: string): Promise<{ sha: string; pr: number }> {
    writeFileSync(join(workspace as string, '.github', 'rollgate.yml'), policy())
    writeFileSync(join(workspace as string, 'moves.log'), '')
    const pull = github.state.seedPull({ head })
    const deploy = await step('deploy-canary', { version, 'stable-version': 'v1' }, pull.head.sha, pull.number)
    expect(deploy.errors, deploy.stdout).toEqual([])
    expect(deploy.exitCode).toBe(0)
    expect(deploy.outputs['weight']).toBe('5')
    expect(readFileSync(join(workspace as string, 'moves.log'), 'utf8')).toBe(`5 ${version}\n`)
    return { sha: pull.head.sha, pr: pull.number }
  }

  it('passes the healthy canary v2, and the check run, summary and comment say so', async () => {
    const { sha, pr } = await putCanaryOut('v2', 'healthy')

    const analysis = await step('analyze', {}, sha, pr)
    const context = `${lookLines(analysis)}\n--- stderr\n${analysis.stderr}`
    expect(analysis.errors, context).toEqual([])
    expect(analysis.exitCode, context).toBe(0)
    expect(analysis.outputs['decision'], context).toBe('pass')
    const result = JSON.parse(analysis.outputs['result'] ?? '{}') as Record<string, unknown>
    expect(result).toMatchObject({ schemaVersion: 1, decision: 'pass', template: TEMPLATE })
    // Prometheus answered every query: no look went without data.
    expect(analysis.stdout).not.toMatch(/no data:/)
    expect(analysis.stdout).toMatch(/::group::look 1\//)

    // Job summary: banner and the per-metric table with both checks passing.
    expect(analysis.summary).toMatch(/Canary passed/)
    expect(row(analysis.summary, 'http-errors'), analysis.summary).toMatch(/^\| http-errors \(critical\) \| pass \|/)
    expect(row(analysis.summary, 'latency'), analysis.summary).toMatch(/^\| latency[^|]* \| pass \|/)
    expect(analysis.summary).toContain('`v2`')

    // Check run rollgate/production on the head SHA.
    const run = checkRun()
    expect(run).toMatchObject({ head_sha: sha })
    const summary = run?.output?.summary ?? ''
    expect(summary).toMatch(/Canary passed/)
    expect(row(summary, 'http-errors'), summary).toMatch(/\| pass \|/)
    expect(row(summary, 'latency'), summary).toMatch(/\| pass \|/)
    expect(analysis.outputs['report-url']).toBe(run?.html_url)

    // One sticky comment on the pull request, saying the same.
    const comments = stickyComments()
    expect(comments).toHaveLength(1)
    const body = comments[0]?.body ?? ''
    expect(body).toMatch(/Canary passed/)
    expect(row(body, 'http-errors'), body).toMatch(/\| pass \|/)
    expect(row(body, 'latency'), body).toMatch(/\| pass \|/)
    console.log(`healthy canary: analyze took ${(analysis.durationMs / 1000).toFixed(1)} s\n${lookLines(analysis)}`)
  }, 150_000)

  it('fails the broken canary v3 with exit code 1, and the check run, summary and comment say so', async () => {
    const { sha, pr } = await putCanaryOut('v3', 'broken')

    const analysis = await step('analyze', {}, sha, pr)
    const context = `${lookLines(analysis)}\n--- stderr\n${analysis.stderr}`
    expect(analysis.exitCode, context).toBe(1)
    expect(analysis.outputs['decision'], context).toBe('fail')
    expect(analysis.errors, context).toHaveLength(1)
    expect(analysis.errors[0]).toMatch(/^Analysis of production decided fail/)
    expect(JSON.parse(analysis.outputs['result'] ?? '{}')).toMatchObject({ schemaVersion: 1, decision: 'fail', template: TEMPLATE })
    expect(analysis.stdout).not.toMatch(/no data:/)

    // Job summary: banner and the per-metric table. v3 is broken in both checks, so either may be the
    // one proven worse first (real scrape timing decides which): proven on its own, or (when its own
    // evidence is a little short of its threshold at the deciding look) as the strongest contributor
    // to the combined evidence, which the report must then say instead of claiming it.
    expect(analysis.summary).toMatch(/Canary failed/)
    const brokenCheckDecided = (md: string): boolean =>
      /^\| http-errors \(critical\) \| \*\*fail\*\* \|/.test(row(md, 'http-errors') ?? '') ||
      /^\| latency \| \*\*fail\*\* \|/.test(row(md, 'latency') ?? '') ||
      (/combined evidence of a regression over 2 metrics: .*(http-errors|latency) contributes most/.test(md) && /the combined evidence decided at look \d+; its own evidence is/.test(md))
    expect(brokenCheckDecided(analysis.summary), analysis.summary).toBe(true)
    expect(row(analysis.summary, 'latency'), analysis.summary).toBeDefined()
    expect(analysis.summary).toContain('`v3`')

    const run = checkRun()
    expect(run).toMatchObject({ head_sha: sha })
    const summary = run?.output?.summary ?? ''
    expect(summary).toMatch(/Canary failed/)
    expect(brokenCheckDecided(summary), summary).toBe(true)
    expect(row(summary, 'latency'), summary).toBeDefined()

    const comments = stickyComments()
    expect(comments).toHaveLength(1)
    const body = comments[0]?.body ?? ''
    expect(body).toMatch(/Canary failed/)
    expect(brokenCheckDecided(body), body).toBe(true)
    expect(row(body, 'latency'), body).toBeDefined()

    console.log(`broken canary: analyze took ${(analysis.durationMs / 1000).toFixed(1)} s\n${lookLines(analysis)}`)
    console.log(`--- rendered job summary (analyze, broken canary v3) ---\n${analysis.summary}\n--- end of job summary ---`)
  }, 150_000)
})
