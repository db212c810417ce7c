/**
 * The report's surfaces on the seeded history: the action (job summary, check run
 * `rollgate/report` with Mermaid charts, `result` output) and the CLI (`--json`, `--html`, text).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { FakeClock, runMain, testDeps, workspace, type Workspace } from '../actions/support.js'
import { runCli } from '../../cli/main.js'
import type { CliIO } from '../../cli/command.js'
import { seedHistory } from './history-fixture.js'

describe('actions/report', () => {
  const github = useFakeGitHub({ repository: 'octo-org/shop' })
  let ws: Workspace | undefined
  afterEach(() => ws?.cleanup())

  it('publishes the job summary and a neutral check run rollgate/report with the figures and the weekly charts', async () => {
    seedHistory(github.state)
    ws = workspace('version: 1\n')
    const clock = new FakeClock(new Date('2026-03-16T00:00:00Z'))
    const sha = github.state.resolveRef('main') as string
    const run = await runMain('report', ws, (io) => testDeps(io, { github, clock }), { inputs: { environments: 'production', since: '14d' }, sha })

    expect(run.failed).toBeUndefined()
    expect(run.result).toMatchObject({ action: 'report', reasonCode: 'reported', rollout: null })
    const report = run.result['report'] as Record<string, Record<string, unknown>>
    expect(report['changeFailureRate']).toMatchObject({ ended: 6, failed: 3, rate: 0.5, band: 'low' })
    expect(report['deploymentFrequency']).toMatchObject({ promotions: 5, band: 'high' })
    expect(run.result['report']).toMatchObject({ rolloutCount: 7, budget: { graphqlCalls: 4, graphqlPoints: 4 } })

    const check = github.state.checkRuns.find((c) => c.run.name === 'rollgate/report')
    expect(check?.run).toMatchObject({ head_sha: sha, status: 'completed', conclusion: 'neutral' })
    expect(check?.run.output.title).toBe('5 promotions in 14 days · lead time 6 h · change failure 50% · restore 2 h')
    const summary = check?.run.output.summary ?? ''
    expect(summary).toContain('| Change failure rate | 50% (3 of 6: 1 rolled back, 1 reverted, 1 followed by a hotfix) | Low |')
    expect(summary).toContain('| Lead time for changes | median 6 h, p90 1.25 d (5 changes) | Elite |')
    expect(summary.match(/```mermaid\nxychart-beta/g)).toHaveLength(3)
    expect(summary).toContain('    bar [2, 3]')
    expect(summary).toContain('| 2026-03-09 | 3 | 3 | 2 | 66.7% | 1 d | 3.17 h |')
    expect(run.io.summary.trimEnd()).toBe(summary.trimEnd())
    expect(run.io.outputs['check-run-url']).toMatch(/\/runs\/\d+$/)
  })

  it.each([
    [{ environments: '' }, /^Input 'environments' is required/],
    [{ environments: 'production', since: 'forever' }, /^Input 'since' is "forever"; expected a duration/],
    [{ environments: 'prod;rm' }, /^Input 'environments' contains "prod;rm"/],
  ])('refuses %j with one clear error', async (inputs, message) => {
    ws = workspace('version: 1\n')
    const run = await runMain('report', ws, (io) => testDeps(io, { github }), { inputs })
    expect(run.failed).toMatch(message)
    expect(run.result).toMatchObject({ action: 'report', reasonCode: 'invalid-input' })
    expect(github.requests).toHaveLength(0)
  })
})

describe('rollgate report (CLI)', () => {
  const github = useFakeGitHub({ repository: 'acme/shop' })
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-report-'))
  afterEach(() => rmSync(join(dir, 'report.html'), { force: true }))

  function cli(env: Record<string, string> = {}): CliIO & { out: string; err: string } {
    const io = {
      out: '',
      err: '',
      stdout: (t: string) => void (io.out += t),
      stderr: (t: string) => void (io.err += t),
      env: { GITHUB_TOKEN: 'ghs_cli', GITHUB_API_URL: github.url, ...env },
      cwd: dir,
      isTTY: false,
    }
    return io
  }

  it('prints the report as JSON and writes a self-contained HTML page', async () => {
    seedHistory(github.state)
    const io = cli()
    const code = await runCli(['report', '--repo', 'acme/shop', '--environment', 'production', '--since', '2026-03-02', '--until', '2026-03-16', '--json', '--html', 'report.html'], io)
    expect(io.err).toContain('wrote ')
    expect(code).toBe(0)
    const report = JSON.parse(io.out) as { timeToRestore: { medianMs: number; p90Ms: number }; rollouts: unknown[]; environments: string[] }
    expect(report.timeToRestore).toMatchObject({ medianMs: 120 * 60_000, p90Ms: 260 * 60_000 })
    expect(report.rollouts).toHaveLength(7)
    const html = readFileSync(join(dir, 'report.html'), 'utf8')
    expect(html).toMatch(/^<!doctype html>/)
    expect(html.match(/<svg /g)?.length).toBe(3)
    // Self-contained: nothing fetched; the only address is the DORA report cited as text.
    expect(html).toContain('https://dora.dev/research/2024/dora-report/')
    expect(html.replaceAll('https://dora.dev/research/2024/dora-report/', '')).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org)/)
    expect(html).toContain('3 of 6 (1 rolled back, 1 reverted, 1 followed by a hotfix)')
  })

  it('prints a readable summary by default, with the API budget', async () => {
    seedHistory(github.state)
    const io = cli({ GITHUB_REPOSITORY: 'acme/shop' })
    expect(await runCli(['report', '--environment=production', '--since', '14d', '--until', '2026-03-16T00:00:00Z'], io)).toBe(0)
    expect(io.out).toContain('change failure rate   50% (3 of 6)  [Low]')
    expect(io.out).toContain('API                   4 GraphQL calls, 4 points; 0 REST calls')
  })

  it.each([
    [['report', '--repo', 'acme/shop'], /--environment is required/],
    [['report', '--repo', 'acme', '--environment', 'production'], /--repo is "acme"; expected OWNER\/NAME/],
    [['report', '--repo', 'acme/shop', '--environment', 'production', '--since', 'yesterday'], /--since is "yesterday"/],
    [['report', '--repo', 'acme/shop', '--environment', 'production', '--hotfix-within', 'soon'], /--hotfix-within is "soon"/],
    [['report', '--repo', 'acme/shop', '--environment', 'production', '--verbose'], /unknown option '--verbose'/],
  ])('%j is a usage error naming the flag (exit 2)', async (args, message) => {
    const io = cli()
    expect(await runCli(args, io)).toBe(2)
    expect(io.err).toMatch(message)
    expect(github.requests).toHaveLength(0)
  })

  it('says which token it needs', async () => {
    const io = cli({ GITHUB_TOKEN: '' })
    expect(await runCli(['report', '--repo', 'acme/shop', '--environment', 'production'], io)).toBe(2)
    expect(io.err).toMatch(/set GITHUB_TOKEN \(or GH_TOKEN\)/)
  })
})
