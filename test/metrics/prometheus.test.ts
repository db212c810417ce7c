import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import { createPrometheusProvider, groupByLabel, type PrometheusOptions } from '../../shared/metrics/prometheus.js'
import type { MetricCheck, RatioCheck } from '../../shared/metrics/types.js'
import { fakeDeps, jsonFixture, serverPool, VARS, WINDOW, type Reply } from './support/server.js'

const pool = serverPool()
afterEach(() => pool.closeAll())

const errors: RatioCheck = {
  name: 'http-errors',
  type: 'ratio',
  events: 'sum(increase(http_requests_total{version="{{version}}",code=~"5.."}[{{interval}}]))',
  total: 'sum(increase(http_requests_total{version="{{version}}"}[{{interval}}]))',
}

async function run(check: MetricCheck, replies: Reply[], options: Partial<PrometheusOptions> = {}, arm: 'canary' | 'baseline' = 'canary') {
  const server = await pool.start(replies)
  const deps = fakeDeps()
  const provider = createPrometheusProvider({ address: server.url, ...options }, deps)
  const result = await provider.query({ check, arm, vars: VARS, window: WINDOW })
  return { result, server, deps }
}

describe('prometheus: the requests it sends', () => {
  it('runs a ratio check as two instant queries at the end of the interval, with bearer auth and custom headers', async () => {
    const { result, server } = await run(
      errors,
      [{ body: jsonFixture('prometheus-vector.json') }, { body: jsonFixture('prometheus-vector-total.json') }],
      { bearerToken: 'prom-token-123', headers: { 'X-Scope-OrgID': 'team-a' } },
    )
    expect(result).toEqual({ ok: true, observation: { events: 42, total: 1180.5 } })
    expect(server.requests.map((r) => [r.method, r.path, Object.fromEntries(r.query)])).toEqual([
      ['GET', '/api/v1/query', { query: 'sum(increase(http_requests_total{version="v2.1.0",code=~"5.."}[1m]))', time: '1700000060' }],
      ['GET', '/api/v1/query', { query: 'sum(increase(http_requests_total{version="v2.1.0"}[1m]))', time: '1700000060' }],
    ])
    expect(server.requests[0]?.url).toBe(
      '/api/v1/query?query=sum%28increase%28http_requests_total%7Bversion%3D%22v2.1.0%22%2Ccode%3D%7E%225..%22%7D%5B1m%5D%29%29&time=1700000060',
    )
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: 'Bearer prom-token-123',
      'x-scope-orgid': 'team-a',
      accept: 'application/json',
    })
  })

  it('sends basic auth and keeps the address path prefix', async () => {
    const server = await pool.start([{ body: jsonFixture('prometheus-scalar.json') }])
    const provider = createPrometheusProvider(
      { address: `${server.url}/prometheus`, basicAuth: { username: 'rollgate', password: 's3cret!' } },
      fakeDeps(),
    )
    const result = await provider.query({ check: { name: 'cpu', type: 'value', query: 'max(cpu{arm="{{arm}}"})' }, arm: 'baseline', vars: VARS, window: WINDOW })
    expect(result).toEqual({ ok: true, observation: { value: 0.42 } })
    expect(server.requests[0]?.path).toBe('/prometheus/api/v1/query')
    expect(server.requests[0]?.query.get('query')).toBe('max(cpu{arm="baseline"})')
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('rollgate:s3cret!').toString('base64')}`)
  })

  it('turns `sum by (le)` histogram buckets into sorted cumulative buckets', async () => {
    const check: MetricCheck = {
      name: 'latency',
      type: 'samples',
      buckets: 'sum by (le)(increase(http_request_duration_seconds_bucket{version="{{version}}"}[{{interval}}]))',
    }
    const { result, server } = await run(check, [{ body: jsonFixture('prometheus-buckets.json') }])
    expect(result).toEqual({
      ok: true,
      observation: {
        buckets: [
          { le: 0.05, count: 60 },
          { le: 0.1, count: 120 },
          { le: 0.5, count: 180 },
          { le: Infinity, count: 200 },
        ],
      },
    })
    expect(server.requests[0]?.query.get('query')).toBe(
      'sum by (le)(increase(http_request_duration_seconds_bucket{version="v2.1.0"}[1m]))',
    )
  })

  it('uses query_range with start, end and step, and sums the steps inside (start, end]', async () => {
    const check: RatioCheck = { ...errors, events: 'sum(increase(x_total{code="500"}[{{step}}]))', total: 'sum(increase(x_total[{{step}}]))' }
    const { result, server } = await run(
      check,
      [{ body: jsonFixture('prometheus-matrix.json') }, { body: jsonFixture('prometheus-matrix.json') }],
      { api: 'query_range', step: '30s' },
    )
    expect(result).toEqual({ ok: true, observation: { events: 9, total: 9 } })
    expect(server.requests[0]?.path).toBe('/api/v1/query_range')
    expect(Object.fromEntries(server.requests[0]?.query ?? [])).toEqual({
      query: 'sum(increase(x_total{code="500"}[30s]))',
      start: '1700000000',
      end: '1700000060',
      step: '30',
    })
  })

  it('reads raw samples for a values check from a vector of several series', async () => {
    const check: MetricCheck = { name: 'latency', type: 'samples', values: 'request_latency_seconds{version="{{version}}"}' }
    const { result } = await run(check, [{ body: jsonFixture('prometheus-buckets.json') }])
    expect(result).toEqual({ ok: true, observation: { values: [120, 200, 180, 60] } })
  })

  it.each([
    ['mean', 4],
    ['last', 5],
    ['max', 5],
    ['min', 3],
    ['sum', 12],
  ] as const)('reduces a range of readings for a value check with %s', async (reduce, expected) => {
    const { result } = await run({ name: 'cpu', type: 'value', query: 'cpu', reduce }, [{ body: jsonFixture('prometheus-matrix.json') }])
    expect(result).toEqual({ ok: true, observation: { value: expected } })
  })
})

describe('prometheus: answers that are no data', () => {
  it.each([
    ['an empty vector', [{ body: jsonFixture('prometheus-empty.json') }], /events query `sum\(increase\(http_requests_total\{version="v2.1.0",code=~"5.."\}\[1m\]\)\)`: returned no series \(an empty result is no data, not zero\)/],
    ['NaN', [{ body: jsonFixture('prometheus-nan.json') }], /events query .*: returned NaN/],
    ['a bad_data error (not retried)', [{ status: 400, body: jsonFixture('prometheus-bad-data.json') }], /: HTTP 400: bad_data: invalid parameter "query": 1:5: parse error/],
    ['an HTML error page', [{ status: 200, body: '<html>proxy login</html>' }], /malformed JSON .*<html>proxy login<\/html>/],
    ['a string result', [{ body: { status: 'success', data: { resultType: 'string', result: [1, 'x'] } } }], /returned a string, not a number/],
    ['a body that is not the envelope', [{ body: [1, 2] }], /unexpected body: \[1,2\]/],
  ])('%s', async (_name, replies, reason) => {
    const { result, server } = await run(errors, replies as Reply[])
    expect(result.ok).toBe(false)
    expect(!result.ok && result.reason).toMatch(/^prometheus: check "http-errors" \(canary\) /)
    expect(!result.ok && result.reason).toMatch(reason)
    expect(server.requests).toHaveLength(1)
  })

  it('a value check over several series asks for an aggregation', async () => {
    const { result } = await run({ name: 'cpu', type: 'value', query: 'cpu' }, [{ body: jsonFixture('prometheus-buckets.json') }])
    expect(!result.ok && result.reason).toMatch(/returned 4 series .*a value check needs one: aggregate the query/)
  })

  it('a bucket series without `le` is no data', async () => {
    const { result } = await run({ name: 'latency', type: 'samples', buckets: 'x' }, [{ body: jsonFixture('prometheus-vector-total.json') }])
    expect(!result.ok && result.reason).toMatch(/without an `le` label: \{version="v2.1.0"\}/)
  })

  it('more events than total is no data, not a ratio above one', async () => {
    const { result } = await run(errors, [{ body: jsonFixture('prometheus-vector-total.json') }, { body: jsonFixture('prometheus-vector.json') }])
    expect(!result.ok && result.reason).toMatch(/returned 1180.5 events, more than the total 42/)
  })
})

describe('prometheus: configuration', () => {
  it.each([
    [{ address: 'prometheus:9090' }, /`address` "prometheus:9090" is not an http\(s\) URL/],
    [{ address: 'http://p', bearerToken: 'a', basicAuth: { username: 'u', password: 'p' } }, /either `bearerToken` or `basicAuth`/],
    [{ address: 'http://p', api: 'query_range' as const, step: 'often' }, /`step` "often" is not a duration/],
  ])('rejects %j', (options, message) => {
    expect(() => createPrometheusProvider(options, fakeDeps())).toThrow(ConfigError)
    expect(() => createPrometheusProvider(options, fakeDeps())).toThrow(message)
  })

  it('validate names an unknown template variable before any query runs', () => {
    const provider = createPrometheusProvider({ address: 'http://p' }, fakeDeps())
    expect(() => provider.validate({ ...errors, total: 'sum(x{team="{{team}}"})' }, VARS)).toThrow(
      /unknown template variable \{\{team\}\} in prometheus PromQL query `total` of check "http-errors"/,
    )
    expect(() => provider.validate(errors, VARS)).not.toThrow()
    expect(() => provider.validate({ ...errors, total: 'sum(x{team="{{team}}"})' }, { ...VARS, team: 'a' })).not.toThrow()
  })

  it('an unknown variable at query time is a ConfigError, not no data', async () => {
    const provider = createPrometheusProvider({ address: 'http://127.0.0.1:9' }, fakeDeps())
    await expect(provider.query({ check: errors, arm: 'canary', vars: {}, window: WINDOW })).rejects.toThrow(/\{\{version\}\}/)
  })

  it('registers its secrets with the logger and never logs them', async () => {
    const { deps } = await run(errors, [{ status: 503, body: 'down' }], { bearerToken: 'prom-token-123', retries: 1 })
    expect(deps.logger.masked).toContain('prom-token-123')
    expect(deps.logger.lines.join('\n')).not.toContain('prom-token-123')
  })
})

describe('prometheus: per-instance breakdown with instanceLabel (issue 14)', () => {
  const vector = (rows: [Record<string, string>, string][]) => ({ status: 'success', data: { resultType: 'vector', result: rows.map(([metric, v]) => ({ metric, value: [1700000060, v] })) } })

  it('groups a sum(...) query by the label and splits the answer per instance besides the arm total', async () => {
    const { result, server } = await run(
      errors,
      [{ body: vector([[{ pod: 'web-1' }, '3'], [{ pod: 'web-3' }, '40']]) }, { body: vector([[{ pod: 'web-1' }, '100'], [{ pod: 'web-2' }, '110'], [{ pod: 'web-3' }, '90']]) }],
      { instanceLabel: 'pod' },
    )
    expect(server.requests.map((r) => r.query.get('query'))).toEqual([
      'sum by (pod) (increase(http_requests_total{version="v2.1.0",code=~"5.."}[1m]))',
      'sum by (pod) (increase(http_requests_total{version="v2.1.0"}[1m]))',
    ])
    expect(result).toEqual({
      ok: true,
      observation: { events: 43, total: 300 },
      instances: { 'web-1': { events: 3, total: 100 }, 'web-2': { events: 0, total: 110 }, 'web-3': { events: 40, total: 90 } },
    })
  })

  it('without instanceLabel sends the query as written and gives no breakdown', async () => {
    const { result, server } = await run(errors, [{ body: vector([[{ pod: 'a' }, '1']]) }, { body: vector([[{ pod: 'a' }, '10']]) }])
    expect(server.requests[0]?.query.get('query')).toBe('sum(increase(http_requests_total{version="v2.1.0",code=~"5.."}[1m]))')
    expect(result).toEqual({ ok: true, observation: { events: 1, total: 10 } })
  })

  it.each([
    ['sum(rate(x[1m]))', 'sum by (pod) (rate(x[1m]))'],
    ['sum by (route) (rate(x{a=")"}[1m]))', 'sum by (route, pod) (rate(x{a=")"}[1m]))'],
    ['sum(rate(x[1m])) by (route)', 'sum by (route, pod) (rate(x[1m]))'],
    ['sum by (pod) (rate(x[1m]))', 'sum by (pod) (rate(x[1m]))'],
    ['sum without (code) (rate(x[1m]))', 'sum without (code) (rate(x[1m]))'],
    ['sum(rate(x[1m])) or vector(0)', 'sum(rate(x[1m])) or vector(0)'],
    ['sum(a) / sum(b)', 'sum(a) / sum(b)'],
  ])('groupByLabel(%s)', (query, expected) => {
    expect(groupByLabel(query, 'pod')).toBe(expected)
  })

  it('refuses a label name Prometheus would not accept', () => {
    expect(() => createPrometheusProvider({ address: 'http://p:9090', instanceLabel: 'pod name' }, fakeDeps())).toThrow(/`instanceLabel` "pod name" is not a Prometheus label name/)
  })
})
