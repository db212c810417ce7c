import { afterEach, describe, expect, it } from 'vitest'
import {
  backoffMs,
  createHttpClient,
  excerpt,
  httpClientDeps,
  MAX_BACKOFF_MS,
  parseRetryAfter,
} from '../../shared/http/client.js'
import { redactUrl } from '../../shared/http/redact.js'
import { fakeDeps, serverPool } from '../metrics/support/server.js'

const pool = serverPool()
afterEach(() => pool.closeAll())

describe('backoff', () => {
  it.each([
    [0, 0.5, 250],
    [1, 0.5, 500],
    [2, 0.999, 1998],
    [10, 0.5, MAX_BACKOFF_MS / 2],
    [3, 0, 0],
  ])('attempt %i with random %f waits %ims (full jitter under min(cap, 500·2^n))', (attempt, random, expected) => {
    expect(backoffMs(attempt, () => random)).toBe(expected)
  })
})

describe('parseRetryAfter', () => {
  const now = new Date('2024-01-02T03:04:05Z')
  it.each([
    ['7', 7000],
    ['0.5', 500],
    ['Tue, 02 Jan 2024 03:04:15 GMT', 10_000],
    ['Tue, 02 Jan 2024 03:00:00 GMT', 0],
    ['soon', undefined],
    [null, undefined],
  ])('%s → %s', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected)
  })
})

describe('createHttpClient', () => {
  it('retries 5xx with backoff and returns the last answer when retries run out', async () => {
    const server = await pool.start([{ status: 503, body: 'overloaded' }])
    const deps = fakeDeps()
    const client = createHttpClient({ retries: 2 }, httpClientDeps(deps))
    const outcome = await client.send({ method: 'GET', url: `${server.url}/x`, headers: {} })
    expect(outcome).toMatchObject({ kind: 'response', attempts: 3, retriesExhausted: true, response: { status: 503, text: 'overloaded' } })
    expect(server.requests).toHaveLength(3)
    expect(deps.sleeps).toEqual([250, 500])
  })

  it('does not retry a 4xx other than 429', async () => {
    const server = await pool.start([{ status: 404, body: 'nope' }])
    const client = createHttpClient({}, httpClientDeps(fakeDeps()))
    const outcome = await client.send({ method: 'GET', url: `${server.url}/x`, headers: {} })
    expect(outcome).toMatchObject({ kind: 'response', attempts: 1, retriesExhausted: false })
    expect(server.requests).toHaveLength(1)
  })

  it('waits as long as Retry-After asks on 429, then succeeds', async () => {
    const server = await pool.start([{ status: 429, headers: { 'retry-after': '3' } }, { status: 200, body: 'ok' }])
    const deps = fakeDeps()
    const client = createHttpClient({}, httpClientDeps(deps))
    const outcome = await client.send({ method: 'GET', url: `${server.url}/x`, headers: {} })
    expect(outcome).toMatchObject({ kind: 'response', attempts: 2, response: { status: 200 } })
    expect(deps.sleeps).toEqual([3000 + 250])
  })

  it('gives up at once when the server asks for a wait longer than a look can afford', async () => {
    const server = await pool.start([{ status: 429, headers: { 'retry-after': '3600' } }])
    const deps = fakeDeps()
    const outcome = await createHttpClient({}, httpClientDeps(deps)).send({ method: 'GET', url: `${server.url}/x`, headers: {} })
    expect(outcome).toMatchObject({ kind: 'response', attempts: 1, note: expect.stringMatching(/wait 3600s/) })
    expect(deps.sleeps).toEqual([])
  })

  it('times out a server that never answers, per attempt', async () => {
    const server = await pool.start([{ hang: true }])
    const deps = fakeDeps()
    const client = createHttpClient({ timeoutMs: 100, retries: 1 }, httpClientDeps(deps))
    const outcome = await client.send({ method: 'GET', url: `${server.url}/x`, headers: {} })
    expect(outcome).toEqual({ kind: 'failed', reason: 'timed out after 100ms', attempts: 2 })
    expect(server.requests).toHaveLength(2)
  })

  it('reports a refused connection', async () => {
    const server = await pool.start([{}])
    const url = `${server.url}/x`
    await pool.closeAll()
    const outcome = await createHttpClient({ retries: 0 }, httpClientDeps(fakeDeps())).send({ method: 'GET', url, headers: {} })
    expect(outcome).toMatchObject({ kind: 'failed', attempts: 1, reason: expect.stringMatching(/ECONNREFUSED/) })
  })

  it('stops when the caller cancels', async () => {
    const server = await pool.start([{ hang: true }])
    const controller = new AbortController()
    const client = createHttpClient({ timeoutMs: 5000 }, httpClientDeps(fakeDeps()))
    const pending = client.send({ method: 'GET', url: `${server.url}/x`, headers: {} }, controller.signal)
    setTimeout(() => controller.abort(), 50)
    expect(await pending).toMatchObject({ kind: 'failed', attempts: 1, reason: expect.stringMatching(/^cancelled/) })
  })
})

describe('helpers', () => {
  it('redacts credentials in URLs', () => {
    expect(redactUrl('https://user:hunter2@example.com/metrics')).toBe('https://***@example.com/metrics')
  })
  it('flattens and shortens bodies for reasons, saying how long they were', () => {
    expect(excerpt('a\n  b')).toBe('a b')
    expect(excerpt('')).toBe('(empty body)')
    expect(excerpt('x'.repeat(300))).toBe(`${'x'.repeat(200)}… (300 characters)`)
  })
  it('never quotes a body raw: controls that would act on a log or terminal are shown as escapes', () => {
    expect(excerpt('ok\u0000\u001b[31mred\u2028::error::x')).toBe('ok\\u0000\\u001b[31mred ::error::x')
  })
})

describe('size limits', () => {
  it.each([
    ['declared by content-length', { 'content-length': String(2048) }],
    ['streamed without a length', { 'transfer-encoding': 'chunked' }],
  ])('a body larger than maxBodyBytes fails the attempt (%s) instead of filling memory', async (_what, headers) => {
    const server = await pool.start([{ status: 200, body: 'y'.repeat(2048), headers }])
    const client = createHttpClient({ retries: 0, maxBodyBytes: 1024 }, httpClientDeps(fakeDeps()))
    const outcome = await client.send({ method: 'GET', url: `${server.url}/x`, headers: {} })
    expect(outcome).toEqual({ kind: 'failed', attempts: 1, reason: 'the response body is larger than 1024 bytes' })
  })
  it('a body within the limit is read whole', async () => {
    const server = await pool.start([{ status: 200, body: 'y'.repeat(1024) }])
    const client = createHttpClient({ retries: 0, maxBodyBytes: 1024 }, httpClientDeps(fakeDeps()))
    expect(await client.send({ method: 'GET', url: `${server.url}/x`, headers: {} })).toMatchObject({ kind: 'response', response: { text: 'y'.repeat(1024) } })
  })
})
