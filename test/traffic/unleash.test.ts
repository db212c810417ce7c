import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, ProviderError } from '../../shared/errors.js'
import { createTrafficProvider } from '../../shared/traffic/registry.js'
import type { TrafficProvider } from '../../shared/traffic/types.js'
import { TrafficChangeError } from '../../shared/traffic/transaction.js'
import { testDeps } from './support.js'

// Recorded calls against a local stand-in for the Unleash admin API.
const TOKEN = '*:*.unleash-admin-token-for-tests'
const STRATEGY_ID = '6b5157cb-343a-41e7-bfa3-7b4ec3044840'
const PREFIX = '/api/admin/projects/shop/features/new-checkout/environments/production/strategies'
const ctx = { environment: 'production', canaryVersion: 'v2', stableVersion: 'v1' }

interface Recorded {
  method: string
  path: string
  authorization: string | undefined
  contentType: string | undefined
  body: unknown
}

function flexibleRollout(id = STRATEGY_ID, rollout = '5'): Record<string, unknown> {
  return {
    id,
    name: 'flexibleRollout',
    title: 'Gradual rollout',
    disabled: false,
    featureName: 'new-checkout',
    sortOrder: 0,
    segments: [],
    constraints: [{ contextName: 'appName', operator: 'IN', values: ['shop'], inverted: false, caseInsensitive: false }],
    variants: [],
    parameters: { rollout, stickiness: 'default', groupId: 'new-checkout' },
  }
}

let server: Server
let url: string
let requests: Recorded[] = []
let strategies: Record<string, unknown>[] = []
let ignorePuts = 0

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const path = new URL(req.url ?? '/', 'http://x').pathname
      requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, contentType: req.headers['content-type'], body: text ? (JSON.parse(text) as unknown) : undefined })
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      if (req.headers.authorization !== TOKEN) return send(401, { name: 'AuthenticationRequired', message: 'You must log in to use Unleash.' })
      if (path === PREFIX && req.method === 'GET') return send(200, strategies)
      const id = path.startsWith(`${PREFIX}/`) ? decodeURIComponent(path.slice(PREFIX.length + 1)) : undefined
      const index = strategies.findIndex((s) => s.id === id)
      const found = strategies[index]
      if (!found) return send(404, { name: 'NotFoundError', message: `Could not find strategy with id ${id}` })
      if (req.method === 'GET') return send(200, found)
      if (req.method === 'PUT') {
        if (ignorePuts > 0) {
          ignorePuts--
          return send(200, found)
        }
        strategies[index] = { ...found, ...(JSON.parse(text) as object) }
        return send(200, strategies[index])
      }
      send(405, { message: 'method not allowed' })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server?.closeAllConnections()
  await new Promise<void>((resolve) => server?.close(() => resolve()))
})

beforeEach(() => {
  requests = []
  strategies = [flexibleRollout()]
  ignorePuts = 0
})

function unleash(options: { strategyId?: string; token?: string } = {}): { provider: TrafficProvider; logs: string[] } {
  const { deps, logs } = testDeps()
  const provider = createTrafficProvider(
    { provider: 'unleash', url: `${url}/api/`, token: options.token ?? TOKEN, project: 'shop', feature: 'new-checkout', environment: 'production', ...(options.strategyId ? { strategyId: options.strategyId } : {}) },
    deps,
  )
  return { provider, logs }
}

const putBody = (rollout: string): unknown => {
  const { id: _id, featureName: _feature, ...rest } = flexibleRollout()
  return { ...rest, parameters: { rollout, stickiness: 'default', groupId: 'new-checkout' } }
}

describe('unleash provider', () => {
  it('finds the flexibleRollout strategy, PUTs it back with the new rollout and reads it back', async () => {
    const { provider } = unleash()

    const change = await provider.setWeight(25, ctx)

    expect(requests).toEqual([
      { method: 'GET', path: PREFIX, authorization: TOKEN, contentType: undefined, body: undefined },
      { method: 'PUT', path: `${PREFIX}/${STRATEGY_ID}`, authorization: TOKEN, contentType: 'application/json', body: putBody('25') },
      { method: 'GET', path: `${PREFIX}/${STRATEGY_ID}`, authorization: TOKEN, contentType: undefined, body: undefined },
    ])
    expect(change).toEqual({
      provider: 'unleash',
      target: 'Unleash feature new-checkout in shop/production (flexibleRollout)',
      previous: 5,
      weight: 25,
      readBack: 25,
      changes: [`Unleash new-checkout/production strategy ${STRATEGY_ID}: rollout 5→25`],
    })
  })

  it('uses the strategy id it is given', async () => {
    strategies = [flexibleRollout('a'), flexibleRollout(STRATEGY_ID, '50')]
    const { provider } = unleash({ strategyId: STRATEGY_ID })
    await expect(provider.setWeight(100, ctx)).resolves.toMatchObject({ previous: 50, readBack: 100 })
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${PREFIX}/${STRATEGY_ID}`, `PUT ${PREFIX}/${STRATEGY_ID}`, `GET ${PREFIX}/${STRATEGY_ID}`])
  })

  it('puts the previous rollout back when the read-back differs', async () => {
    ignorePuts = 1
    const { provider } = unleash()

    const error = await provider.setWeight(50, ctx).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(TrafficChangeError)
    expect((error as TrafficChangeError).failure).toMatchObject({ previous: 5, failedAt: 'read-back', notRestored: [] })
    expect(requests.filter((r) => r.method === 'PUT').map((r) => r.body)).toEqual([putBody('50'), putBody('5')])
  })

  it('asks for a strategy id when the feature has several gradual rollouts', async () => {
    strategies = [flexibleRollout('a'), flexibleRollout('b')]
    const error = await unleash().provider.setWeight(5, ctx).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toBe('unleash: feature new-checkout has 2 flexibleRollout strategies in production; set traffic.strategyId to one of a, b')
  })

  it('names the call and the token problem on 401, without printing the token', async () => {
    const { provider, logs } = unleash({ token: 'wrong-token' })
    const error = await provider.readWeight().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderError)
    expect((error as Error).message).toMatch(new RegExp(`^unleash: GET ${PREFIX} failed: HTTP 401 \\(check traffic.token`))
    expect([...logs, (error as Error).message].join('\n')).not.toContain('wrong-token')
  })
})

describe('unleash through the shared HTTP client', () => {
  it('retries a 503 and an echoed token never reaches the error', async () => {
    let calls = 0
    const flaky = createServer((req, res) => {
      calls++
      if (calls === 1) return void res.writeHead(503).end('busy')
      res.writeHead(401, { 'content-type': 'text/plain' }).end(`bad token ${String(req.headers['authorization'])}`)
    })
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r))
    try {
      const { deps } = testDeps()
      const provider = createTrafficProvider(
        { provider: 'unleash', url: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`, token: TOKEN, project: 'shop', feature: 'new-checkout', environment: 'production' },
        deps,
      )
      const failure = provider.readWeight().catch((e: unknown) => e as ProviderError)
      const error = await failure
      expect(error).toBeInstanceOf(ProviderError)
      expect(calls).toBe(2)
      expect(String((error as Error).message)).toMatch(/HTTP 401 \(check traffic\.token.*\) after 2 attempts|HTTP 401 after 2 attempts/)
      expect(String((error as Error).message)).not.toContain('unleash-admin-token-for-tests')
    } finally {
      flaky.close()
    }
  })
})
