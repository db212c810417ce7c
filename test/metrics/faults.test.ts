import { afterEach, describe, expect, it } from 'vitest'
import { createMetricsProvider } from '../../shared/metrics/registry.js'
import type { RatioCheck } from '../../shared/metrics/types.js'
import { fakeDeps, jsonFixture, serverPool, VARS, WINDOW, type Reply } from './support/server.js'

/**
 * Every provider, every fault: the look ends as no data with a reason that names the provider, the
 * check, the arm and the query, after the retries the fault deserves, and no secret leaks.
 */
const pool = serverPool()
afterEach(() => pool.closeAll())

const SECRET = 'sekr1t-0123456789abcdef'
const AWS_ENV = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: SECRET }
// A template's `provider:` block as loaded (durations in milliseconds): each descriptor maps it to its provider's options.
const COMMON = { timeout: 150, retries: 2 }

interface Case {
  config: (url: string) => Parameters<typeof createMetricsProvider>[0]
  check: RatioCheck
  /** The events query as sent, which the reason quotes. */
  rendered: string
  empty: Reply
  emptyReason: RegExp
  malformed: string
  malformedReason: RegExp
  /** Replies the provider needs before the faulty one (scrape's first reading). */
  prime?: Reply
}

const ratio = (events: string, total: string): RatioCheck => ({ name: 'errors', type: 'ratio', events, total })

const cases: Record<string, Case> = {
  prometheus: {
    config: (url) => ({ type: 'prometheus', address: url, auth: { type: 'bearer', token: SECRET }, ...COMMON }),
    check: ratio('sum(increase(errors_total{version="{{version}}"}[{{interval}}]))', 'sum(increase(requests_total[{{interval}}]))'),
    rendered: 'sum(increase(errors_total{version="v2.1.0"}[1m]))',
    empty: { body: jsonFixture('prometheus-empty.json') },
    emptyReason: /returned no series \(an empty result is no data, not zero\)/,
    malformed: '{"status":"success","data":',
    malformedReason: /malformed JSON/,
  },
  datadog: {
    config: (url) => ({ type: 'datadog', endpoint: url, apiKey: SECRET, appKey: `${SECRET}-app`, ...COMMON }),
    check: ratio('sum:errors{version:{{version}}}.as_count()', 'sum:hits{version:{{version}}}.as_count()'),
    rendered: 'sum:errors{version:v2.1.0}.as_count()',
    empty: { body: jsonFixture('datadog-empty.json') },
    emptyReason: /returned no series/,
    malformed: '{"status":"ok","series":[{"pointlist":',
    malformedReason: /malformed JSON/,
  },
  cloudwatch: {
    config: (url) => ({ type: 'cloudwatch', region: 'us-east-1', endpoint: `${url}/`, ...COMMON }),
    check: ratio('SUM(SEARCH(\'{AWS/Lambda,FunctionName} Errors {{version}}\', \'Sum\'))', 'SUM(METRICS())'),
    rendered: "SUM(SEARCH('{AWS/Lambda,FunctionName} Errors v2.1.0', 'Sum'))",
    empty: { body: jsonFixture('cloudwatch-empty.json') },
    emptyReason: /no points in the interval/,
    malformed: '{"MetricDataResults":[',
    malformedReason: /malformed JSON/,
  },
  newrelic: {
    config: (url) => ({ type: 'newrelic', accountId: 42, apiKey: SECRET, endpoint: `${url}/graphql`, ...COMMON }),
    check: ratio("SELECT count(*) FROM Transaction WHERE appVersion = '{{version}}' AND error IS true", "SELECT count(*) FROM Transaction WHERE appVersion = '{{version}}'"),
    rendered: "SELECT count(*) FROM Transaction WHERE appVersion = 'v2.1.0' AND error IS true",
    empty: { body: { data: { actor: { account: { nrql: { results: [] } } } } } },
    emptyReason: /returned no rows/,
    malformed: '{"data":{"actor"',
    malformedReason: /malformed JSON/,
  },
  http: {
    config: (url) => ({ type: 'http', url: `${url}/q?m={{query}}`, headers: { Authorization: `Bearer ${SECRET}` }, ...COMMON }),
    check: ratio('errors:{{version}}', 'requests:{{version}}'),
    rendered: 'errors:v2.1.0',
    empty: { body: {} },
    emptyReason: /JSONPath \$\.value matched 0 values/,
    malformed: '{"value": 1',
    malformedReason: /malformed JSON/,
  },
  scrape: {
    config: (url) => ({ type: 'scrape', canary: [`${url}/metrics`], baseline: [`${url}/baseline/metrics`], headers: { Authorization: `Bearer ${SECRET}` }, ...COMMON }),
    check: ratio('http_requests_total{code=~"5..",version="{{version}}"}', 'http_requests_total'),
    rendered: 'http_requests_total{code=~"5..",version="v2.1.0"}',
    empty: { body: '# nothing exposed yet\n', headers: { 'content-type': 'text/plain' } },
    emptyReason: /http_requests_total is not exposed by/,
    malformed: 'http_requests_total{code="200" 1',
    malformedReason: /unreadable exposition text: line 1/,
    prime: { body: 'http_requests_total{code="200"} 1\n', headers: { 'content-type': 'text/plain' } },
  },
}

type Fault = 'timeout' | '5xx' | '429' | 'malformed' | 'empty'

const faults: { fault: Fault; reply: (c: Case) => Reply; reason: (c: Case) => RegExp; requests: number; sleeps: number[] }[] = [
  { fault: 'timeout', reply: () => ({ hang: true }), reason: () => /timed out after 150ms \(3 attempts\)/, requests: 3, sleeps: [250, 500] },
  { fault: '5xx', reply: () => ({ status: 503, body: 'upstream unavailable' }), reason: () => /HTTP 503 after 3 attempts: upstream unavailable/, requests: 3, sleeps: [250, 500] },
  {
    fault: '429',
    reply: () => ({ status: 429, headers: { 'retry-after': '2', 'x-ratelimit-reset': '2', 'x-ratelimit-period': '60' }, body: 'slow down' }),
    reason: () => /HTTP 429 after 3 attempts: slow down/,
    requests: 3,
    sleeps: [2250, 2250],
  },
  { fault: 'malformed', reply: (c) => ({ body: c.malformed }), reason: (c) => c.malformedReason, requests: 1, sleeps: [] },
  { fault: 'empty', reply: (c) => c.empty, reason: (c) => c.emptyReason, requests: 1, sleeps: [] },
]

const table = Object.keys(cases).flatMap((provider) => faults.map((f) => ({ provider, ...f })))

describe('provider faults end as no data', () => {
  it.each(table)('$provider: $fault', async ({ provider, reply, reason, requests, sleeps }) => {
    const c = cases[provider] as Case
    // Scrape's baseline always answers well; its canary's first reading (at begin) too.
    let canaryReads = 0
    const server = await pool.start((request) => {
      if (request.path === '/baseline/metrics') return c.prime ?? {}
      return c.prime && canaryReads++ === 0 ? c.prime : reply(c)
    })
    const deps = fakeDeps(provider === 'cloudwatch' ? AWS_ENV : {})
    const metrics = createMetricsProvider(c.config(server.url), deps)
    await metrics.begin?.(WINDOW.start)
    const result = await metrics.query({ check: c.check, arm: 'canary', vars: VARS, window: WINDOW })

    expect(result.ok).toBe(false)
    const text = result.ok ? '' : result.reason
    const noun = provider === 'scrape' ? 'selector' : 'query'
    expect(text.startsWith(`${provider}: check "errors" (canary) events ${noun} \`${c.rendered}\`: `)).toBe(true)
    expect(text).toMatch(reason(c))
    const faulty = server.requests.filter((r) => r.path !== '/baseline/metrics')
    expect(faulty.length - (c.prime ? 1 : 0)).toBe(requests)
    expect(deps.sleeps).toEqual(sleeps)
    expect(deps.logger.masked).toContain(SECRET)
    expect(`${text}\n${deps.logger.lines.join('\n')}`).not.toContain(SECRET)
  })
})
