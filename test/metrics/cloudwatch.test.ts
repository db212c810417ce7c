import { createHash, createHmac } from 'node:crypto'
import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import { cloudWatchPeriod, createCloudWatchProvider } from '../../shared/metrics/cloudwatch.js'
import type { MetricCheck, RatioCheck } from '../../shared/metrics/types.js'
import { fakeDeps, jsonFixture, serverPool, VARS, WINDOW, type RecordedRequest, type Reply } from './support/server.js'

const pool = serverPool()
afterEach(() => pool.closeAll())

const ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN',
}
const NOW = new Date('2024-01-02T03:04:05Z')

const lambdaErrors: RatioCheck = {
  name: 'lambda-errors',
  type: 'ratio',
  events: `SELECT SUM(Errors) FROM "AWS/Lambda" WHERE FunctionName = 'api-{{arm}}'`,
  total: `SELECT SUM(Invocations) FROM "AWS/Lambda" WHERE FunctionName = 'api-{{arm}}'`,
}

async function run(replies: Reply[], check: MetricCheck = lambdaErrors, env: Record<string, string> = ENV) {
  const server = await pool.start(replies)
  const deps = fakeDeps(env, NOW)
  const provider = createCloudWatchProvider({ region: 'us-east-1', endpoint: `${server.url}/`, retries: 2 }, deps)
  const result = await provider.query({ check, arm: 'canary', vars: VARS, window: WINDOW })
  return { result, server, deps }
}

/** Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
function parseAuthorization(header: string | undefined): { credential: string; signedHeaders: string[]; signature: string } {
  const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(header ?? '')
  if (!m) throw new Error(`not a SigV4 Authorization header: ${header}`)
  return { credential: m[1] as string, signedHeaders: (m[2] as string).split(';'), signature: m[3] as string }
}

function headerValue(request: RecordedRequest, name: string): string {
  const value = request.headers[name]
  return Array.isArray(value) ? value.join(',') : (value ?? '')
}

/** SigV4 computed from first principles (node:crypto) over the request exactly as the server got it. */
function independentSignature(request: RecordedRequest, signedHeaders: string[]): string {
  const hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex')
  const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest()
  const amzDate = headerValue(request, 'x-amz-date')
  const day = amzDate.slice(0, 8)
  const scope = `${day}/us-east-1/monitoring/aws4_request`
  const canonicalRequest = [
    request.method,
    request.path,
    '',
    ...signedHeaders.map((h) => `${h}:${headerValue(request, h).trim()}`),
    '',
    signedHeaders.join(';'),
    hex(request.body),
  ].join('\n')
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(canonicalRequest)].join('\n')
  const key = hmac(hmac(hmac(hmac(`AWS4${ENV.AWS_SECRET_ACCESS_KEY}`, day), 'us-east-1'), 'monitoring'), 'aws4_request')
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex')
}

describe('cloudwatch: the signed GetMetricData request', () => {
  it('POSTs the documented JSON request with X-Amz-Target and a SigV4 signature over it', async () => {
    const { result, server } = await run([{ body: jsonFixture('cloudwatch-getmetricdata.json') }])
    expect(result).toEqual({ ok: true, observation: { events: 7, total: 7 } })
    const request = server.requests[0] as RecordedRequest
    expect(request.method).toBe('POST')
    expect(request.path).toBe('/')
    expect(request.headers).toMatchObject({
      'x-amz-target': 'GraniteServiceVersion20100801.GetMetricData',
      'content-type': 'application/json',
      'content-encoding': 'amz-1.0',
      accept: 'application/json',
      'x-amz-date': '20240102T030405Z',
      'x-amz-security-token': ENV.AWS_SESSION_TOKEN,
    })
    expect(JSON.parse(request.body)).toEqual({
      MetricDataQueries: [
        {
          Id: 'rollgate',
          Expression: `SELECT SUM(Errors) FROM "AWS/Lambda" WHERE FunctionName = 'api-canary'`,
          Period: 60,
          ReturnData: true,
        },
      ],
      StartTime: 1700000000,
      EndTime: 1700000060,
      ScanBy: 'TimestampAscending',
    })

    const auth = parseAuthorization(headerValue(request, 'authorization'))
    expect(auth.credential).toBe('AKIDEXAMPLE/20240102/us-east-1/monitoring/aws4_request')
    expect(auth.signedHeaders).toEqual(['accept', 'content-encoding', 'content-type', 'host', 'x-amz-date', 'x-amz-security-token', 'x-amz-target'])
    // The Host the server saw is the one that was signed.
    expect(headerValue(request, 'host')).toBe(new URL(server.url).host)

    // Re-signing the received request with the same clock and credentials gives the same signature...
    const signer = new SignatureV4({
      credentials: { accessKeyId: ENV.AWS_ACCESS_KEY_ID, secretAccessKey: ENV.AWS_SECRET_ACCESS_KEY, sessionToken: ENV.AWS_SESSION_TOKEN },
      region: 'us-east-1',
      service: 'monitoring',
      sha256: Sha256,
      applyChecksum: false,
    })
    const url = new URL(server.url)
    const resigned = await signer.sign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: request.path,
        query: {},
        // x-amz-date and the token are the signer's own; everything else signed comes from the wire.
        headers: Object.fromEntries(
          auth.signedHeaders.filter((h) => h !== 'x-amz-date' && h !== 'x-amz-security-token').map((h) => [h, headerValue(request, h)]),
        ),
        body: request.body,
      },
      { signingDate: NOW },
    )
    expect(resigned.headers['authorization']).toBe(headerValue(request, 'authorization'))
    // ...and so does SigV4 computed by hand, which checks the library against the specification.
    expect(independentSignature(request, auth.signedHeaders)).toBe(auth.signature)
  })

  it('omits the session token when there is none', async () => {
    const { AWS_SESSION_TOKEN: _unused, ...env } = ENV
    const { server } = await run([{ body: jsonFixture('cloudwatch-getmetricdata.json') }], lambdaErrors, env)
    const request = server.requests[0] as RecordedRequest
    expect(request.headers['x-amz-security-token']).toBeUndefined()
    const auth = parseAuthorization(headerValue(request, 'authorization'))
    expect(auth.signedHeaders).not.toContain('x-amz-security-token')
    expect(independentSignature(request, auth.signedHeaders)).toBe(auth.signature)
  })

  it('accepts a JSON MetricDataQuery and fills its Id and Period', async () => {
    const check: MetricCheck = {
      name: 'latency',
      type: 'value',
      query: JSON.stringify({
        MetricStat: {
          Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: [{ Name: 'TargetGroup', Value: 'tg-{{arm}}' }] },
          Stat: 'p99',
        },
      }),
    }
    const { result, server } = await run([{ body: jsonFixture('cloudwatch-getmetricdata.json') }], check)
    expect(result).toEqual({ ok: true, observation: { value: 7 } })
    expect(JSON.parse(server.requests[0]?.body ?? '').MetricDataQueries).toEqual([
      {
        Id: 'rollgate',
        ReturnData: true,
        MetricStat: {
          Period: 60,
          Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: [{ Name: 'TargetGroup', Value: 'tg-canary' }] },
          Stat: 'p99',
        },
      },
    ])
  })

  it('follows NextToken and sums the pages', async () => {
    const check: MetricCheck = { name: 'invocations', type: 'value', query: 'SUM(METRICS())', reduce: 'sum' }
    const { result, server } = await run(
      [{ body: jsonFixture('cloudwatch-page1.json') }, { body: jsonFixture('cloudwatch-page2.json') }],
      check,
    )
    expect(result).toEqual({ ok: true, observation: { value: 1000 } })
    expect(server.requests.map((r) => JSON.parse(r.body).NextToken)).toEqual([undefined, 'page-2-token'])
  })

  it.each([
    [60_000, 60],
    [300_000, 300],
    [30_000, 30],
    [45_000, 60],
    [90_000, 60],
  ])('an interval of %ims queries with Period %i', (ms, period) => {
    expect(cloudWatchPeriod(ms)).toBe(period)
  })
})

describe('cloudwatch: faults', () => {
  it('retries a throttled call (400 Throttling) and then succeeds', async () => {
    const { result, server } = await run([
      { status: 400, body: jsonFixture('cloudwatch-throttled.json') },
      { body: jsonFixture('cloudwatch-getmetricdata.json') },
    ])
    expect(result.ok).toBe(true)
    expect(server.requests).toHaveLength(3)
  })

  it.each([
    ['no datapoints', [{ body: jsonFixture('cloudwatch-empty.json') }], /returned 1 series but no points in the interval/],
    ['a validation error', [{ status: 400, body: { __type: 'com.amazon.coral.validate#ValidationException', message: 'Period must be 60' } }], /HTTP 400: ValidationException: Period must be 60/],
    ['a bad signature', [{ status: 403, body: { __type: 'com.amazon.coral.service#IncompleteSignatureException', Message: 'bad' } }], /HTTP 403: IncompleteSignatureException: bad/],
    ['StatusCode Forbidden', [{ body: { MetricDataResults: [{ Id: 'rollgate', StatusCode: 'Forbidden', Timestamps: [], Values: [], Messages: [{ Code: 'Forbidden', Value: 'no access to AWS/Lambda' }] }] } }], /StatusCode Forbidden: Forbidden no access to AWS\/Lambda/],
    ['the wrong Id', [{ body: { MetricDataResults: [{ Id: 'other', Timestamps: [], Values: [] }] } }], /no result with Id "rollgate"/],
    ['an XML body', [{ body: '<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>' }], /malformed JSON/],
  ])('%s is no data', async (_name, replies, reason) => {
    const { result, deps } = await run(replies as Reply[])
    expect(!result.ok && result.reason).toMatch(/^cloudwatch: check "lambda-errors" \(canary\) events query `SELECT SUM\(Errors\)/)
    expect(!result.ok && result.reason).toMatch(reason)
    const everything = `${!result.ok && result.reason}\n${deps.logger.lines.join('\n')}`
    expect(everything).not.toContain(ENV.AWS_SECRET_ACCESS_KEY)
    expect(everything).not.toContain(ENV.AWS_SESSION_TOKEN)
  })
})

describe('cloudwatch: configuration', () => {
  it.each([
    [{}, /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not set/],
    [{ AWS_ACCESS_KEY_ID: 'AKID' }, /AWS_SECRET_ACCESS_KEY not set/],
    [{ AWS_ACCESS_KEY_ID: ' ', AWS_SECRET_ACCESS_KEY: 'x' }, /AWS_ACCESS_KEY_ID not set/],
  ])('missing credentials %j are a clear ConfigError', (env, message) => {
    expect(() => createCloudWatchProvider({ region: 'us-east-1' }, fakeDeps(env))).toThrow(ConfigError)
    expect(() => createCloudWatchProvider({ region: 'us-east-1' }, fakeDeps(env))).toThrow(message)
  })

  it('masks the secret key and the session token, not the key id', () => {
    const deps = fakeDeps(ENV)
    createCloudWatchProvider({ region: 'eu-west-1' }, deps)
    expect(deps.logger.masked).toEqual(expect.arrayContaining([ENV.AWS_SECRET_ACCESS_KEY, ENV.AWS_SESSION_TOKEN]))
    expect(deps.logger.masked).not.toContain(ENV.AWS_ACCESS_KEY_ID)
  })

  it('rejects a JSON query that is neither MetricStat nor Expression', async () => {
    const provider = createCloudWatchProvider({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9/' }, fakeDeps(ENV))
    await expect(
      provider.query({ check: { name: 'x', type: 'value', query: '{"Label":"x"}' }, arm: 'canary', vars: VARS, window: WINDOW }),
    ).rejects.toThrow(/has neither MetricStat nor Expression/)
  })
})
