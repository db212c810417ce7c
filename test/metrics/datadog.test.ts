import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import { createDatadogProvider, datadogBaseUrl } from '../../shared/metrics/datadog.js'
import type { MetricCheck, RatioCheck } from '../../shared/metrics/types.js'
import { fakeDeps, jsonFixture, serverPool, VARS, WINDOW, type Reply } from './support/server.js'

const pool = serverPool()
afterEach(() => pool.closeAll())

const API_KEY = 'dd-api-0123456789abcdef'
const APP_KEY = 'dd-app-fedcba9876543210'

const errors: RatioCheck = {
  name: 'errors',
  type: 'ratio',
  events: 'sum:trace.http.request.errors{version:{{version}},env:{{environment}}}.as_count()',
  total: 'sum:trace.http.request.hits{version:{{version}},env:{{environment}}}.as_count()',
}

async function run(replies: Reply[], check: MetricCheck = errors) {
  const server = await pool.start(replies)
  const deps = fakeDeps()
  const provider = createDatadogProvider({ apiKey: API_KEY, appKey: APP_KEY, endpoint: server.url, retries: 2 }, deps)
  const result = await provider.query({ check, arm: 'canary', vars: VARS, window: WINDOW })
  return { result, server, deps }
}

describe('datadog: the requests it sends', () => {
  it('queries /api/v1/query with from, to and query, and both keys as headers', async () => {
    const { result, server } = await run([{ body: jsonFixture('datadog-query.json') }])
    // Points inside [start, end): 2 + 3 (the null rollup is skipped, the point before the window dropped).
    expect(result).toEqual({ ok: true, observation: { events: 5, total: 5 } })
    expect(server.requests).toHaveLength(2)
    const [first] = server.requests
    expect(first?.method).toBe('GET')
    expect(first?.path).toBe('/api/v1/query')
    expect(Object.fromEntries(first?.query ?? [])).toEqual({
      from: '1700000000',
      to: '1700000060',
      query: 'sum:trace.http.request.errors{version:v2.1.0,env:production}.as_count()',
    })
    expect(first?.headers).toMatchObject({ 'dd-api-key': API_KEY, 'dd-application-key': APP_KEY, accept: 'application/json' })
  })

  it.each([
    [{}, 'https://api.datadoghq.com/'],
    [{ site: 'datadoghq.eu' }, 'https://api.datadoghq.eu/'],
    [{ site: 'app.datadoghq.eu' }, 'https://api.datadoghq.eu/'],
    [{ site: 'us5.datadoghq.com' }, 'https://api.us5.datadoghq.com/'],
    [{ endpoint: 'http://127.0.0.1:8126/dd' }, 'http://127.0.0.1:8126/dd/'],
  ])('site %j → %s', (options, expected) => {
    expect(datadogBaseUrl(options).toString()).toBe(expected)
  })

  it('reads a value check as the mean of the points in the interval', async () => {
    const { result } = await run([{ body: jsonFixture('datadog-query.json') }], {
      name: 'cpu',
      type: 'value',
      query: 'avg:system.cpu.user{version:{{version}}}',
    })
    expect(result).toEqual({ ok: true, observation: { value: 2.5 } })
  })
})

describe('datadog: rate limits and faults', () => {
  it('on 429 waits X-RateLimit-Reset seconds, then retries', async () => {
    const limited: Reply = {
      status: 429,
      headers: { 'x-ratelimit-limit': '1600', 'x-ratelimit-period': '3600', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '7' },
      body: jsonFixture('datadog-rate-limited.json'),
    }
    const { result, deps, server } = await run([limited, { body: jsonFixture('datadog-query.json') }])
    expect(result.ok).toBe(true)
    expect(server.requests).toHaveLength(3)
    expect(deps.sleeps).toEqual([7000 + 250])
  })

  it('falls back to X-RateLimit-Period when Reset is absent', async () => {
    const limited: Reply = { status: 429, headers: { 'x-ratelimit-period': '10' }, body: jsonFixture('datadog-rate-limited.json') }
    const { deps } = await run([limited, { body: jsonFixture('datadog-query.json') }])
    expect(deps.sleeps).toEqual([10_000 + 250])
  })

  it('gives up with no data when the reset is further away than a look can wait', async () => {
    const limited: Reply = { status: 429, headers: { 'x-ratelimit-reset': '1800' }, body: jsonFixture('datadog-rate-limited.json') }
    const { result, deps, server } = await run([limited])
    expect(server.requests).toHaveLength(1)
    expect(deps.sleeps).toEqual([])
    expect(!result.ok && result.reason).toMatch(
      /^datadog: check "errors" \(canary\) events query `sum:trace.http.request.errors\{version:v2.1.0,env:production\}.as_count\(\)`: HTTP 429 \(the server asked to wait 1800s.*\): Rate limit of 1600 requests/,
    )
  })

  it.each([
    ['an empty series list', [{ body: jsonFixture('datadog-empty.json') }], /returned no series/],
    ['only null points', [{ body: { status: 'ok', series: [{ metric: 'm', scope: 's', pointlist: [[1700000000000, null]] }] } }], /returned 1 series but no points in the interval/],
    ['status error', [{ body: { status: 'error', error: 'Rate limit of 300 requests in 3600 seconds reached' } }], /status error: Rate limit/],
    ['403 with errors', [{ status: 403, body: { errors: ['Forbidden'] } }], /HTTP 403: Forbidden/],
    ['a truncated body', [{ body: '{"status":"ok","series":[' }], /malformed JSON/],
  ])('%s is no data', async (_name, replies, reason) => {
    const { result, deps } = await run(replies as Reply[])
    expect(!result.ok && result.reason).toMatch(reason)
    expect(!result.ok && result.reason).not.toContain(API_KEY)
    expect(deps.logger.lines.join('\n')).not.toMatch(new RegExp(`${API_KEY}|${APP_KEY}`))
  })

  it('masks both keys', async () => {
    const { deps } = await run([{ body: jsonFixture('datadog-query.json') }])
    expect(deps.logger.masked).toEqual(expect.arrayContaining([API_KEY, APP_KEY]))
  })
})

describe('datadog: configuration', () => {
  it.each([
    [{ apiKey: '', appKey: 'x' }, /`apiKey` is empty/],
    [{ apiKey: 'x', appKey: '' }, /`appKey` is empty/],
  ])('rejects %j', (options, message) => {
    expect(() => createDatadogProvider(options, fakeDeps())).toThrow(message)
  })

  it('refuses histogram buckets, which the v1 API does not return', () => {
    const provider = createDatadogProvider({ apiKey: 'a', appKey: 'b' }, fakeDeps())
    expect(() => provider.validate({ name: 'latency', type: 'samples', buckets: 'x' }, VARS)).toThrow(ConfigError)
  })
})
