import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import { createHttpProvider, type HttpProviderOptions } from '../../shared/metrics/http.js'
import type { MetricCheck } from '../../shared/metrics/types.js'
import { fakeDeps, serverPool, VARS, WINDOW, type Reply } from './support/server.js'

const pool = serverPool()
afterEach(() => pool.closeAll())

const TOKEN = 'stats-token-0123456789'

async function run(options: (base: string) => HttpProviderOptions, replies: Reply[], check: MetricCheck) {
  const server = await pool.start(replies)
  const deps = fakeDeps()
  const provider = createHttpProvider(options(server.url), deps)
  const result = await provider.query({ check, arm: 'baseline', vars: VARS, window: WINDOW })
  return { result, server, deps }
}

describe('http: templated requests', () => {
  it('renders the URL (encoded), headers and picks numbers by JSONPath', async () => {
    const { result, server } = await run(
      (base) => ({
        url: `${base}/stats/{{arm}}?q={{query}}&from={{start}}&to={{end}}&v={{version}}`,
        headers: { Authorization: `Bearer ${TOKEN}`, 'X-Env': '{{environment}}' },
        jsonPath: { value: '$.data.result' },
      }),
      [{ body: { data: { result: 12 } } }, { body: { data: { result: '600' } } }],
      { name: 'errors', type: 'ratio', events: 'errors{code="5xx"}', total: 'requests' },
    )
    expect(result).toEqual({ ok: true, observation: { events: 12, total: 600 } })
    expect(server.requests.map((r) => r.url)).toEqual([
      '/stats/baseline?q=errors%7Bcode%3D%225xx%22%7D&from=1700000000&to=1700000060&v=v2.1.0',
      '/stats/baseline?q=requests&from=1700000000&to=1700000060&v=v2.1.0',
    ])
    expect(server.requests[0]?.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-env': 'production', accept: 'application/json' })
  })

  it('POSTs a JSON body whose strings are templates', async () => {
    const { result, server } = await run(
      (base) => ({
        url: `${base}/query`,
        body: { metric: '{{query}}', range: { from: '{{startIso}}', to: '{{endIso}}' }, limit: 10 },
        jsonPath: { values: '$.samples[*].v' },
      }),
      [{ body: { samples: [{ v: 0.1 }, { v: '0.2' }, { v: 0.3 }] } }],
      { name: 'latency', type: 'samples', values: 'latency "{{arm}}"' },
    )
    expect(result).toEqual({ ok: true, observation: { values: [0.1, 0.2, 0.3] } })
    expect(server.requests[0]?.method).toBe('POST')
    expect(server.requests[0]?.headers['content-type']).toBe('application/json')
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      metric: 'latency "baseline"',
      range: { from: '2023-11-14T22:13:20.000Z', to: '2023-11-14T22:14:20.000Z' },
      limit: 10,
    })
  })

  it('picks one field of a shared document with a templated JSONPath', async () => {
    const { result } = await run(
      (base) => ({ url: `${base}/summary/{{arm}}`, jsonPath: { value: "$.metrics['{{query}}']" } }),
      [{ body: { metrics: { cpu: 0.71, mem: 0.2 } } }],
      { name: 'cpu', type: 'value', query: 'cpu' },
    )
    expect(result).toEqual({ ok: true, observation: { value: 0.71 } })
  })

  it('reads histogram buckets as objects with configurable bound and count fields', async () => {
    const { result } = await run(
      (base) => ({ url: `${base}/h`, jsonPath: { buckets: '$.histogram[*]', le: 'upper', count: 'n' } }),
      [{ body: { histogram: [{ upper: '+Inf', n: 10 }, { upper: 0.5, n: 8 }, { upper: '0.1', n: 3 }] } }],
      { name: 'latency', type: 'samples', buckets: 'latency' },
    )
    expect(result).toEqual({
      ok: true,
      observation: { buckets: [{ le: 0.1, count: 3 }, { le: 0.5, count: 8 }, { le: Infinity, count: 10 }] },
    })
  })
})

describe('http: no data', () => {
  const options = (base: string): HttpProviderOptions => ({
    url: `${base}/m?q={{query}}`,
    headers: { 'X-Api-Key': TOKEN },
  })
  const check: MetricCheck = { name: 'cpu', type: 'value', query: 'cpu' }

  it.each([
    ['a missing field', [{ body: { other: 1 } }], /JSONPath \$\.value matched 0 values, expected one, in \{"other":1\}/],
    ['a non-number', [{ body: { value: 'n/a' } }], /JSONPath \$\.value picked "n\/a", not a number/],
    ['two matches', [{ body: { value: [1, 2] } }], /picked \[1,2\], not a number/],
    ['a null', [{ body: { value: null } }], /picked null, not a number/],
    ['HTML', [{ body: '<html></html>' }], /malformed JSON/],
    ['a 500 (retried)', [{ status: 500, body: 'boom' }], /HTTP 500 after 3 attempts: boom/],
  ])('%s', async (_name, replies, reason) => {
    const { result, deps } = await run(options, replies as Reply[], check)
    expect(!result.ok && result.reason).toMatch(/^http: check "cpu" \(baseline\) query `cpu`: /)
    expect(!result.ok && result.reason).toMatch(reason)
    expect(`${!result.ok && result.reason}${deps.logger.lines.join('\n')}`).not.toContain(TOKEN)
    expect(deps.logger.masked).toContain(TOKEN)
  })
})

describe('http: configuration', () => {
  it('validate catches unknown variables in the URL, headers and JSONPath', () => {
    const check: MetricCheck = { name: 'cpu', type: 'value', query: 'cpu' }
    const make = (options: HttpProviderOptions) => () => createHttpProvider(options, fakeDeps()).validate(check, VARS)
    expect(make({ url: 'http://x/{{tenant}}' })).toThrow(/unknown template variable \{\{tenant\}\} in http provider `url`/)
    expect(make({ url: 'http://x/', headers: { 'X-T': '{{tenant}}' } })).toThrow(/in http provider header X-T/)
    expect(make({ url: 'http://x/', jsonPath: { value: '$.{{tenant}}' } })).toThrow(/in http provider `jsonPath`/)
    expect(make({ url: 'http://x/{{query}}/{{arm}}' })).not.toThrow()
  })

  it.each([
    [{ url: '' }, /`url` is required/],
    [{ url: 'http://x', method: 'PUT' as 'GET' }, /`method` "PUT" is not GET or POST/],
  ])('rejects %j', (options, message) => {
    expect(() => createHttpProvider(options, fakeDeps())).toThrow(ConfigError)
    expect(() => createHttpProvider(options, fakeDeps())).toThrow(message)
  })
})
