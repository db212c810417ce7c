import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import { createNewRelicProvider, NRQL_DOCUMENT, withWindow } from '../../shared/metrics/newrelic.js'
import type { MetricCheck, RatioCheck } from '../../shared/metrics/types.js'
import { fakeDeps, jsonFixture, serverPool, VARS, WINDOW, type Reply } from './support/server.js'

const pool = serverPool()
afterEach(() => pool.closeAll())

const API_KEY = 'NRAK-EXAMPLE0123456789ABCDEFGHIJ'

const errors: RatioCheck = {
  name: 'errors',
  type: 'ratio',
  events: `SELECT count(*) FROM Transaction WHERE appVersion = '{{version}}' AND error IS true`,
  total: `SELECT count(*) FROM Transaction WHERE appVersion = '{{version}}'`,
}

async function run(replies: Reply[], check: MetricCheck = errors) {
  const server = await pool.start(replies)
  const deps = fakeDeps()
  const provider = createNewRelicProvider({ accountId: '1234567', apiKey: API_KEY, endpoint: `${server.url}/graphql` }, deps)
  const result = await provider.query({ check, arm: 'canary', vars: VARS, window: WINDOW })
  return { result, server, deps }
}

describe('newrelic: the NerdGraph request', () => {
  it('POSTs the NRQL query with the API-Key header, the account and the interval', async () => {
    const { result, server } = await run([{ body: jsonFixture('newrelic-count.json') }, { body: { data: { actor: { account: { nrql: { results: [{ count: 25_000 }] } } } } } }])
    expect(result).toEqual({ ok: true, observation: { events: 1000, total: 25_000 } })
    const request = server.requests[0]
    expect(request?.method).toBe('POST')
    expect(request?.path).toBe('/graphql')
    expect(request?.headers).toMatchObject({ 'api-key': API_KEY, 'content-type': 'application/json' })
    expect(JSON.parse(request?.body ?? '')).toEqual({
      query: 'query($accountId: Int!, $nrql: Nrql!) { actor { account(id: $accountId) { nrql(query: $nrql) { results } } } }',
      variables: {
        accountId: 1234567,
        nrql: `SELECT count(*) FROM Transaction WHERE appVersion = 'v2.1.0' AND error IS true SINCE 1700000000000 UNTIL 1700000060000`,
      },
    })
    expect(NRQL_DOCUMENT).toContain('nrql(query: $nrql) { results }')
  })

  it.each([
    ['SELECT count(*) FROM Transaction', 'SELECT count(*) FROM Transaction SINCE 1700000000000 UNTIL 1700000060000'],
    ['SELECT count(*) FROM Transaction since 5 minutes ago', 'SELECT count(*) FROM Transaction since 5 minutes ago'],
    ['SELECT count(*) FROM Transaction SINCE {{startMs}}', 'SELECT count(*) FROM Transaction SINCE {{startMs}}'],
  ])('window: %s', (query, expected) => {
    expect(withWindow(query, { window: WINDOW })).toBe(expected)
  })

  it('reads one sample per row for a values check, ignoring timestamps', async () => {
    const { result } = await run([{ body: jsonFixture('newrelic-values.json') }], {
      name: 'latency',
      type: 'samples',
      values: `SELECT duration FROM Transaction WHERE appVersion = '{{version}}' LIMIT MAX`,
    })
    expect(result).toEqual({ ok: true, observation: { values: [0.121, 0.098, 0.25] } })
  })

  it.each([
    ['us', 'https://api.newrelic.com/graphql'],
    ['eu', 'https://api.eu.newrelic.com/graphql'],
  ] as const)('region %s targets %s', async (region, url) => {
    const seen: string[] = []
    const provider = createNewRelicProvider(
      { accountId: 1, apiKey: API_KEY, region, retries: 0 },
      {
        ...fakeDeps(),
        fetch: async (input) => {
          seen.push(String(input))
          return new Response(JSON.stringify(jsonFixture('newrelic-count.json')))
        },
      },
    )
    await provider.query({ check: { name: 'x', type: 'value', query: 'SELECT count(*) FROM T' }, arm: 'canary', vars: VARS, window: WINDOW })
    expect(seen).toEqual([url])
  })
})

describe('newrelic: no data', () => {
  it.each([
    ['a GraphQL error (HTTP 200)', [{ body: jsonFixture('newrelic-error.json') }], /NerdGraph errors: NRQL Syntax Error: Error at line 1 position 8, unexpected 'FORM'/],
    ['no rows', [{ body: { data: { actor: { account: { nrql: { results: [] } } } } } }], /returned no rows/],
    ['a row with two numbers', [{ body: { data: { actor: { account: { nrql: { results: [{ count: 1, sum: 2 }] } } } } } }], /exactly one numeric field, got count, sum/],
    ['a null count', [{ body: { data: { actor: { account: { nrql: { results: [{ count: null }] } } } } } }], /exactly one numeric field, got none/],
    ['an unauthorised key', [{ status: 401, body: { errors: [{ message: 'Invalid API key' }] } }], /HTTP 401: Invalid API key/],
    ['no data object', [{ body: { data: null } }], /no data.actor.account.nrql.results/],
  ])('%s', async (_name, replies, reason) => {
    const { result, deps } = await run(replies as Reply[])
    expect(!result.ok && result.reason).toMatch(/^newrelic: check "errors" \(canary\) events query `SELECT count\(\*\) FROM Transaction/)
    expect(!result.ok && result.reason).toMatch(reason)
    expect(`${!result.ok && result.reason}${deps.logger.lines.join('\n')}`).not.toContain(API_KEY)
    expect(deps.logger.masked).toContain(API_KEY)
  })
})

describe('newrelic: configuration', () => {
  it.each([
    [{ accountId: 'abc', apiKey: 'k' }, /`accountId` "abc" is not an account number/],
    [{ accountId: 1, apiKey: '' }, /`apiKey` is empty/],
    [{ accountId: 1, apiKey: 'k', region: 'ap' as 'us' }, /`region` "ap" is not us or eu/],
  ])('rejects %j', (options, message) => {
    expect(() => createNewRelicProvider(options, fakeDeps())).toThrow(ConfigError)
    expect(() => createNewRelicProvider(options, fakeDeps())).toThrow(message)
  })

  it('refuses buckets', () => {
    const provider = createNewRelicProvider({ accountId: 1, apiKey: 'k' }, fakeDeps())
    expect(() => provider.validate({ name: 'l', type: 'samples', buckets: 'x' }, VARS)).toThrow(/histogram\(\) results carry no bucket bounds/)
  })
})
