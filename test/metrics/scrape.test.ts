import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import type { MetricCheck, RatioCheck, TimeWindow } from '../../shared/metrics/types.js'
import { counterIncrease, createScrapeProvider, type ScrapeOptions } from '../../shared/metrics/scrape.js'
import { fakeDeps, serverPool, VARS } from './support/server.js'

const pool = serverPool()
afterEach(() => pool.closeAll())

const T0 = new Date(1_700_000_000_000)
const T1 = new Date(1_700_000_060_000)
const T2 = new Date(1_700_000_120_000)
const W1: TimeWindow = { start: T0, end: T1 }
const W2: TimeWindow = { start: T1, end: T2 }

const errors: RatioCheck = { name: 'errors', type: 'ratio', events: 'http_requests_total{code=~"5.."}', total: 'http_requests_total' }

/** Endpoints whose /metrics text the test sets before each reading; a number is an HTTP status. */
async function endpoints(paths: string[]) {
  const bodies = new Map<string, string | number>()
  const server = await pool.start((request) => {
    const body = bodies.get(request.path) ?? 404
    return typeof body === 'number' ? { status: body, body: 'unavailable' } : { body, headers: { 'content-type': 'text/plain; version=0.0.4' } }
  })
  const urls = paths.map((p) => `${server.url}${p}`)
  const set = (values: Record<string, string | number>): void => {
    for (const [path, body] of Object.entries(values)) bodies.set(path, body)
  }
  return { server, urls, set }
}

function counters(lines: Record<string, number>): string {
  return ['# TYPE http_requests_total counter', ...Object.entries(lines).map(([labels, v]) => `http_requests_total${labels} ${v}`)].join('\n')
}

function provider(options: Partial<ScrapeOptions> & Pick<ScrapeOptions, 'canary'>) {
  const deps = fakeDeps()
  return { deps, scrape: createScrapeProvider({ baseline: ['http://127.0.0.1:9/metrics'], retries: 0, timeoutMs: 2000, ...options }, deps) }
}

describe('scrape: counters become per-interval deltas', () => {
  it('sums deltas across the arm endpoints; a series born in the interval counts from zero', async () => {
    const { urls, set, server } = await endpoints(['/a/metrics', '/b/metrics'])
    const { scrape } = provider({ canary: urls })
    set({ '/a/metrics': counters({ '{code="200"}': 100 }), '/b/metrics': counters({ '{code="200"}': 50, '{code="503"}': 1 }) })
    await scrape.begin?.(T0)
    set({
      '/a/metrics': counters({ '{code="200"}': 160, '{code="500"}': 4 }),
      '/b/metrics': counters({ '{code="200"}': 80, '{code="503"}': 2 }),
    })
    const result = await scrape.query({ check: errors, arm: 'canary', vars: VARS, window: W1 })
    // events: a/500 born (+4) and b/503 (+1); total: 60 + 4 + 30 + 1.
    // Per target as well (both on one host, so each is named by its URL): a 4 of 64, b 1 of 31.
    expect(result).toEqual({
      ok: true,
      observation: { events: 5, total: 95 },
      instances: { [urls[0] as string]: { events: 4, total: 64 }, [urls[1] as string]: { events: 1, total: 31 } },
    })
    // begin reads both arms (the baseline endpoint is down here), the look reads the canary once.
    expect(server.requests.filter((r) => r.path === '/a/metrics')).toHaveLength(2)
    expect(server.requests[0]?.headers.accept).toBe('text/plain;version=0.0.4;q=0.9,*/*;q=0.1')
  })

  it('treats a counter lower than before as reset and counts its new value', async () => {
    const { urls, set } = await endpoints(['/metrics'])
    const { scrape } = provider({ canary: urls })
    set({ '/metrics': counters({ '{code="200"}': 1000, '{code="500"}': 10 }) })
    await scrape.begin?.(T0)
    set({ '/metrics': counters({ '{code="200"}': 40, '{code="500"}': 2 }) }) // the process restarted
    expect(await scrape.query({ check: errors, arm: 'canary', vars: VARS, window: W1 })).toEqual({
      ok: true,
      observation: { events: 2, total: 42 },
    })
  })

  it.each([
    [100, 130, 30],
    [100, 100, 0],
    [100, 7, 7],
    [undefined, 5, 5],
  ])('counterIncrease(%s → %s) = %s', (previous, current, expected) => {
    expect(counterIncrease(previous, current)).toBe(expected)
  })

  it('chains looks: the reading at one end is the next start, one scrape per boundary for all checks', async () => {
    const { urls, set, server } = await endpoints(['/metrics'])
    const { scrape } = provider({ canary: urls })
    set({ '/metrics': counters({ '{code="200"}': 0 }) })
    await scrape.begin?.(T0)
    set({ '/metrics': counters({ '{code="200"}': 10, '{code="500"}': 1 }) })
    const first = await Promise.all([
      scrape.query({ check: errors, arm: 'canary', vars: VARS, window: W1 }),
      scrape.query({ check: { name: 'all', type: 'ratio', events: 'http_requests_total{code="200"}', total: 'http_requests_total' }, arm: 'canary', vars: VARS, window: W1 }),
    ])
    set({ '/metrics': counters({ '{code="200"}': 30, '{code="500"}': 1 }) })
    const second = await scrape.query({ check: errors, arm: 'canary', vars: VARS, window: W2 })
    expect(first).toEqual([
      { ok: true, observation: { events: 1, total: 11 } },
      { ok: true, observation: { events: 10, total: 11 } },
    ])
    expect(second).toEqual({ ok: true, observation: { events: 0, total: 20 } })
    expect(server.requests).toHaveLength(3)
  })

  it('a family that is exposed but has no matching series yet is a real zero', async () => {
    const { urls, set } = await endpoints(['/metrics'])
    const { scrape } = provider({ canary: urls })
    set({ '/metrics': counters({ '{code="200"}': 5 }) })
    await scrape.begin?.(T0)
    set({ '/metrics': counters({ '{code="200"}': 9 }) })
    expect(await scrape.query({ check: errors, arm: 'canary', vars: VARS, window: W1 })).toEqual({ ok: true, observation: { events: 0, total: 4 } })
  })
})

describe('scrape: histograms', () => {
  const histogram = (counts: Record<string, number>, labels = ''): string =>
    [
      '# TYPE http_request_duration_seconds histogram',
      ...Object.entries(counts).map(([le, n]) => `http_request_duration_seconds_bucket{${labels}le="${le}"} ${n}`),
      `http_request_duration_seconds_sum{${labels.replace(/,$/, '')}} 12.5`,
      `http_request_duration_seconds_count{${labels.replace(/,$/, '')}} ${counts['+Inf'] ?? 0}`,
    ].join('\n')

  it('turns cumulative bucket counters into per-interval bucket deltas, merged across endpoints', async () => {
    const { urls, set } = await endpoints(['/a', '/b'])
    const { scrape } = provider({ canary: urls })
    set({
      '/a': histogram({ '0.1': 10, '0.5': 20, '+Inf': 25 }, 'route="/",'),
      '/b': histogram({ '0.1': 0, '0.5': 0, '+Inf': 0 }, 'route="/",'),
    })
    await scrape.begin?.(T0)
    set({
      '/a': histogram({ '0.1': 14, '0.5': 30, '+Inf': 40 }, 'route="/",'),
      // Another client library writes bounds differently; they are the same buckets.
      '/b': histogram({ '0.10': 1, '5e-1': 2, '+Inf': 3 }, 'route="/",'),
    })
    const check: MetricCheck = { name: 'latency', type: 'samples', buckets: 'http_request_duration_seconds{route="/"}' }
    expect(await scrape.query({ check, arm: 'canary', vars: VARS, window: W1 })).toEqual({
      ok: true,
      observation: { buckets: [{ le: 0.1, count: 5 }, { le: 0.5, count: 12 }, { le: Infinity, count: 18 }] },
    })
  })

  it('a histogram whose process restarted counts its buckets from zero', async () => {
    const { urls, set } = await endpoints(['/a'])
    const { scrape } = provider({ canary: urls })
    set({ '/a': histogram({ '0.1': 100, '+Inf': 200 }) })
    await scrape.begin?.(T0)
    set({ '/a': histogram({ '0.1': 3, '+Inf': 4 }) })
    const check: MetricCheck = { name: 'latency', type: 'samples', buckets: 'http_request_duration_seconds_bucket' }
    expect(await scrape.query({ check, arm: 'canary', vars: VARS, window: W1 })).toEqual({
      ok: true,
      observation: { buckets: [{ le: 0.1, count: 3 }, { le: Infinity, count: 4 }] },
    })
  })
})

describe('scrape: gauges', () => {
  it.each([
    ['process_cpu_ratio', 1.5],
    ['sum(process_cpu_ratio)', 1.5],
    ['avg(process_cpu_ratio)', 0.75],
    ['max(process_cpu_ratio)', 0.9],
    ['min(process_cpu_ratio{pod="a"})', 0.6],
  ])('%s reads %s at the end of the interval, without needing an earlier reading', async (query, expected) => {
    const { urls, set } = await endpoints(['/a', '/b'])
    const { scrape } = provider({ canary: urls })
    set({ '/a': 'process_cpu_ratio{pod="a"} 0.6', '/b': 'process_cpu_ratio{pod="b"} 0.9' })
    expect(await scrape.query({ check: { name: 'cpu', type: 'value', query }, arm: 'canary', vars: VARS, window: W1 })).toEqual({
      ok: true,
      observation: { value: expected },
    })
  })
})

describe('scrape: no data', () => {
  it('without a reading at the interval start', async () => {
    const { urls, set } = await endpoints(['/metrics'])
    const { scrape } = provider({ canary: urls })
    set({ '/metrics': counters({ '{code="200"}': 5 }) })
    const result = await scrape.query({ check: errors, arm: 'canary', vars: VARS, window: W1 })
    expect(!result.ok && result.reason).toMatch(
      /^scrape: check "errors" \(canary\) events selector `http_requests_total\{code=~"5.."\}`: no reading of http:\/\/127.0.0.1:\d+\/metrics at the interval start 2023-11-14T22:13:20.000Z; counters need two readings/,
    )
  })

  it('for a metric no endpoint exposes', async () => {
    const { urls, set } = await endpoints(['/metrics'])
    const { scrape } = provider({ canary: urls })
    set({ '/metrics': 'other_total 1' })
    await scrape.begin?.(T0)
    const result = await scrape.query({ check: errors, arm: 'canary', vars: VARS, window: W1 })
    expect(!result.ok && result.reason).toMatch(/events selector .*: http_requests_total is not exposed by http:\/\/127\.0\.0\.1:\d+\/metrics$/)
  })

  it('leaves out an endpoint that failed a reading, with a warning, and uses the others', async () => {
    const { urls, set } = await endpoints(['/a', '/b'])
    const { scrape, deps } = provider({ canary: urls })
    set({ '/a': counters({ '{code="200"}': 1 }), '/b': 503 })
    await scrape.begin?.(T0)
    set({ '/a': counters({ '{code="200"}': 11 }), '/b': counters({ '{code="200"}': 1000 }) })
    // The left-out target is left out of the breakdown too.
    expect(await scrape.query({ check: errors, arm: 'canary', vars: VARS, window: W1 })).toEqual({
      ok: true,
      observation: { events: 0, total: 10 },
      instances: { [urls[0] as string]: { events: 0, total: 10 } },
    })
    expect(deps.logger.lines.join('\n')).toMatch(/warn: scrape: canary interval ending .* leaves out http:\/\/127\.0\.0\.1:\d+\/b at 2023-11-14T22:13:20.000Z: HTTP 503: unavailable/)
  })

  it.each([
    ['every endpoint is down', 503, /no endpoint could be read: .*HTTP 503: unavailable/],
    ['the text is malformed', 'http_requests_total{code="200" 5', /unreadable exposition text: line 1, column 32: expected "," or "}"/],
    ['a counter reads NaN', 'http_requests_total NaN', /http_requests_total reads NaN/],
  ])('when %s', async (_name, body, reason) => {
    const { urls, set } = await endpoints(['/metrics'])
    const { scrape } = provider({ canary: urls })
    set({ '/metrics': counters({ '{code="200"}': 1 }) })
    await scrape.begin?.(T0)
    set({ '/metrics': body })
    const result = await scrape.query({ check: errors, arm: 'canary', vars: VARS, window: W1 })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.reason).toMatch(/^scrape: check "errors" \(canary\) /)
    expect(!result.ok && result.reason).toMatch(reason)
  })

  it('masks a password in an endpoint URL and header credentials', async () => {
    const { server, set } = await endpoints(['/metrics'])
    set({ '/metrics': 503 })
    const url = server.url.replace('http://', 'http://scraper:pa55word@')
    const { scrape, deps } = provider({ canary: [`${url}/metrics`], headers: { Authorization: 'Bearer scrape-token' } })
    await scrape.begin?.(T0)
    const result = await scrape.query({ check: errors, arm: 'canary', vars: VARS, window: W1 })
    expect(deps.logger.masked).toEqual(expect.arrayContaining(['pa55word', 'Bearer scrape-token']))
    expect(server.requests[0]?.headers.authorization).toBe('Bearer scrape-token')
    expect(`${!result.ok && result.reason}${deps.logger.lines.join('\n')}`).not.toMatch(/pa55word|scrape-token/)
  })
})

describe('scrape: configuration', () => {
  const { scrape } = provider({ canary: ['http://127.0.0.1:9/metrics'] })
  it.each<[string, MetricCheck, RegExp]>([
    ['raw values', { name: 'l', type: 'samples', values: 'x' }, /exposes no raw samples; use `buckets`/],
    ['a bad selector', { name: 'e', type: 'ratio', events: 'rate(x[5m])', total: 'x' }, /selector `rate\(x\[5m\]\)`/],
    ['an aggregation on a ratio', { name: 'e', type: 'ratio', events: 'max(x)', total: 'x' }, /max\(\.\.\.\) applies to value checks/],
    ['an unknown variable', { name: 'e', type: 'ratio', events: 'x{v="{{release}}"}', total: 'x' }, /unknown template variable \{\{release\}\}/],
  ])('validate rejects %s', (_name, check, message) => {
    expect(() => scrape.validate(check, VARS)).toThrow(ConfigError)
    expect(() => scrape.validate(check, VARS)).toThrow(message)
  })

  it('accepts templated selectors', () => {
    expect(() => scrape.validate({ name: 'e', type: 'ratio', events: 'x{version="{{version}}",code=~"5.."}', total: 'x' }, VARS)).not.toThrow()
  })

  it.each([
    [{ canary: [], baseline: ['http://b/metrics'] }, /`canary` needs at least one \/metrics URL/],
    [{ canary: ['http://a/metrics'], baseline: ['b:9090/metrics'] }, /`baseline` entry "b:9090\/metrics" is not an http\(s\) URL/],
  ])('rejects %j', (options, message) => {
    expect(() => createScrapeProvider(options, fakeDeps())).toThrow(message)
  })
})

describe('scrape: per-target breakdown (issue 14)', () => {
  /** One server per target, so each has its own host:port. */
  async function targets(n: number) {
    const made = await Promise.all(Array.from({ length: n }, () => endpoints(['/metrics'])))
    return { urls: made.map((m) => m.urls[0] as string), set: (bodies: string[]) => made.forEach((m, i) => m.set({ '/metrics': bodies[i] as string })) }
  }

  it('gives each target its own deltas, named by host:port; a target without the error series has zero events; a reset counts its new value', async () => {
    const { urls, set } = await targets(3)
    const { scrape } = provider({ canary: urls })
    set([counters({ '{code="200"}': 100, '{code="500"}': 1 }), counters({ '{code="200"}': 50 }), counters({ '{code="200"}': 900, '{code="500"}': 30 })])
    await scrape.begin?.(T0)
    set([counters({ '{code="200"}': 190, '{code="500"}': 11 }), counters({ '{code="200"}': 150 }), counters({ '{code="200"}': 20, '{code="500"}': 5 })])
    const result = await scrape.query({ check: errors, arm: 'canary', vars: VARS, window: W1 })
    const [a, b, c] = urls.map((u) => new URL(u).host)
    expect(result).toEqual({
      ok: true,
      observation: { events: 15, total: 225 },
      instances: { [a as string]: { events: 10, total: 100 }, [b as string]: { events: 0, total: 100 }, [c as string]: { events: 5, total: 25 } },
    })
    // The breakdown adds up to the arm's counts.
    const parts = Object.values(result.ok ? (result.instances ?? {}) : {}) as { events: number; total: number }[]
    expect(parts.reduce((s, p) => s + p.total, 0)).toBe(225)
  })

  it('gives no breakdown for an arm of one target (it is the arm)', async () => {
    const { urls, set } = await targets(1)
    const { scrape } = provider({ canary: urls })
    set([counters({ '{code="200"}': 1 })])
    await scrape.begin?.(T0)
    set([counters({ '{code="200"}': 11, '{code="500"}': 2 })])
    const result = await scrape.query({ check: errors, arm: 'canary', vars: VARS, window: W1 })
    expect(result).toEqual({ ok: true, observation: { events: 2, total: 12 } })
  })

  it('splits ratio checks only: buckets and values stay whole', async () => {
    const { urls, set } = await targets(2)
    const { scrape } = provider({ canary: urls })
    const gauge = ['# TYPE cpu gauge', 'cpu 0.5'].join('\n')
    set([gauge, gauge])
    const result = await scrape.query({ check: { name: 'cpu', type: 'value', query: 'cpu' }, arm: 'canary', vars: VARS, window: W1 })
    expect(result).toEqual({ ok: true, observation: { value: 1 } })
  })
})
