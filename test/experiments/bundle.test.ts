/**
 * The analyze bundle (dist/analyze/index.js, Node 24, as a runner runs it) judging an experiment
 * through the prometheus provider: a local stand-in for the Prometheus HTTP API answers each
 * instant query from the recorded experiment (test/fixtures/experiments), by the variant or version
 * in the PromQL and the day the query's `time` ends. Output, check run and job summary must agree
 * with `rollgate replay` on the same recording.
 */
import { createServer, type Server } from 'node:http'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { REPO_ROOT, runBundle } from '../bundle/harness.js'
import { replayExperiment } from '../../shared/analysis/experiment/judge.js'
import { parseExperimentReplay } from '../../shared/analysis/experiment/replay-file.js'

const recorded = parseExperimentReplay(JSON.parse(readFileSync(`${REPO_ROOT}/test/fixtures/experiments/checkout-button.json`, 'utf8')))
const DAY = 86_400_000
/** 21 complete days before the bundle runs (an hour into the 22nd). */
const START = new Date(Math.floor((Date.now() - 21 * DAY - 3_600_000) / 1000) * 1000)

const SERIES: Record<string, { metric: string; field: 'events' | 'total' }> = {
  orders: { metric: 'conversion', field: 'events' },
  sessions: { metric: 'conversion', field: 'total' },
  errors: { metric: 'errors', field: 'events' },
  requests: { metric: 'errors', field: 'total' },
}

function answer(query: string, time: number): number | undefined {
  const m = /^sum\((\w+)\{(?:variant|version)="([\w-]+)"\}\)$/.exec(query)
  const series = m ? SERIES[m[1] as string] : undefined
  if (!m || !series) return undefined
  const day = Math.round((time * 1000 - START.getTime()) / DAY) - 1
  const o = recorded.intervals[day]?.variants[m[2] as string]?.[series.metric] as { events: number; total: number } | undefined
  return o?.[series.field]
}

describe('analyze bundle with experiment: against a Prometheus API', () => {
  const github = useFakeGitHub({ repository: 'octo-org/shop' })
  let server: Server
  let address = ''
  let dir = ''
  const queries: string[] = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x')
      const query = url.searchParams.get('query') ?? ''
      const time = Number(url.searchParams.get('time'))
      queries.push(query)
      const value = answer(query, time)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: value === undefined ? [] : [{ metric: {}, value: [time, String(value)] }] } }))
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    const port = (server.address() as { port: number }).port
    address = `http://127.0.0.1:${port}`
    dir = mkdtempSync(join(tmpdir(), 'rollgate-exp-bundle-'))
    writeFileSync(
      join(dir, 'rollgate.yml'),
      `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [set, "{{weight}}"] }
    steps: [ { weight: 50 }, { weight: 100 } ]
analysis:
  shop:
    provider: { type: prometheus, address: "${address}" }
    checks:
      - { name: errors, type: ratio, events: 'sum(errors{version="{{version}}"})', total: 'sum(requests{version="{{version}}"})', tolerance: 10%, critical: true }
flags:
  source: { type: registry }
experiments:
  checkout:
    start: ${START.toISOString()}
    variants: [{ name: control, weight: 50 }, { name: green, weight: 50 }]
    split: { type: flag, flag: checkout-button }
    analysis: shop
    primary: { name: conversion, type: ratio, events: 'sum(orders{variant="{{variant}}"})', total: 'sum(sessions{variant="{{variant}}"})', direction: increase }
    guardrails: [errors]
    minimumEffect: 5%
    maxDuration: 28d
`,
    )
    // The flag split is checked against the registry before any query.
    writeFileSync(join(dir, 'flags.yml'), 'flags:\n  checkout-button: { owner: "@shop/checkout", expires: 2026-12-31, state: targeting, rules: [half each], variants: [control, green] }\n')
  })

  afterAll(async () => {
    await new Promise<void>((ok) => server.close(() => ok()))
    rmSync(dir, { recursive: true, force: true })
  })

  it('decides as replay does, and reports in the result, the check run and the job summary', async () => {
    const sha = github.state.seedPull({ head: 'experiment-bundle' }).head.sha
    const run = await runBundle('analyze', { inputs: { policy: 'rollgate.yml', environment: 'production', experiment: 'checkout' }, apiUrl: github.url, cwd: dir, env: { GITHUB_SHA: sha }, timeoutMs: 60_000 })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const expected = replayExperiment(recorded.config, recorded.intervals)
    expect(run.outputs).toMatchObject({ decision: 'winner', winner: 'green', 'decided-at': String(expected.decidedAt) })
    const result = JSON.parse(run.outputs.result as string)
    expect(result).toMatchObject({ schemaVersion: 1, action: 'analyze', reasonCode: 'experiment-winner', winner: 'green', looks: 21 })
    expect(result.variants[0].lower).toBeCloseTo(expected.looks[expected.decidedAt as number]?.variants[0]?.lower as number, 12)
    // 21 days × 2 variants × (conversion + errors) × (events + total).
    expect(queries).toHaveLength(21 * 2 * 2 * 2)
    expect(run.summary).toContain('## Experiment checkout: winner green')
    const check = github.state.checkRuns.find((r) => r.run.name === 'rollgate/experiment/checkout')
    expect(check?.run).toMatchObject({ status: 'completed', conclusion: 'success', head_sha: sha })
    expect(check?.run.output?.summary).toContain('xychart-beta')
    expect(run.errors).toEqual([])
  })
})
