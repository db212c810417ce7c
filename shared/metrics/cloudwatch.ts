import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'
import { ConfigError } from '../errors.js'
import {
  createHttpClient,
  describeFailure,
  describeResponseFailure,
  excerpt,
  httpClientDeps,
  isRecord,
  parseJson,
  type HttpResponse,
  type RequestOptions,
} from '../http/client.js'
import type { MetricsBackend, MetricsProvider, MetricsProviderDeps } from './types.js'
import { SecretSet } from '../http/redact.js'
import { pointsInWindow, seriesProvider, type QueryContext, type Series } from './series.js'
import type { CloudwatchMetrics } from '../config/policy.generated.js'
import { endpoint, request, str, variant } from '../config/schema-parts.js'

/**
 * `type: cloudwatch`: GetMetricData over HTTPS, JSON flavour, as the CloudWatch API reference
 * ("Making API requests using the POST method") documents it:
 *
 *   POST https://monitoring.{region}.amazonaws.com/
 *   X-Amz-Target: GraniteServiceVersion20100801.GetMetricData
 *   Content-Type: application/json, Content-Encoding: amz-1.0, Accept: application/json
 *   {"MetricDataQueries":[{"Id":"rollgate", ...}], "StartTime":<s>, "EndTime":<s>, "ScanBy":"TimestampAscending"}
 *
 * signed with AWS Signature V4 (@smithy/signature-v4, service `monitoring`). Credentials come from
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (what
 * aws-actions/configure-aws-credentials exports).
 *
 * A check's query is either a metric-math / Metrics Insights expression
 * (`SUM(METRICS())`, `SELECT SUM(Errors) FROM "AWS/Lambda" WHERE FunctionName = 'api-{{arm}}'`)
 * or a JSON MetricDataQuery without Id (`{"MetricStat": {"Metric": {...}, "Stat": "Sum"}}`).
 * Period defaults to the interval (or 60 s when the interval is not a valid CloudWatch period).
 * Values within [start, end) are summed for counts.
 */
export interface CloudWatchOptions extends RequestOptions {
  region: string
  /** Overrides https://monitoring.{region}.amazonaws.com (VPC endpoints, LocalStack, tests). */
  endpoint?: string
}

export const CLOUDWATCH_TARGET = 'GraniteServiceVersion20100801.GetMetricData'
const QUERY_ID = 'rollgate'
const MAX_PAGES = 10

export function createCloudWatchProvider(options: CloudWatchOptions, deps: MetricsProviderDeps): MetricsProvider {
  if (!options.region?.trim()) throw new ConfigError('cloudwatch: `region` is required, e.g. region: us-east-1')
  const credentials = awsCredentialsFromEnv(deps.env)
  const secrets = new SecretSet(deps.logger)
  secrets.add(credentials.secretAccessKey)
  secrets.add(credentials.sessionToken)
  const endpoint = cloudWatchEndpoint(options)
  secrets.addUrl(String(endpoint))
  // No x-amz-content-sha256: that header is S3's; CloudWatch signs the payload hash without it.
  const signer = new SignatureV4({ credentials, region: options.region, service: 'monitoring', sha256: Sha256, applyChecksum: false })
  const httpDeps = httpClientDeps(deps)
  const client = createHttpClient(options, httpDeps, { retryable: isRetryableAwsError }, (t) => secrets.scrub(t))

  return seriesProvider({
    type: 'cloudwatch',
    secrets,
    queryNoun: 'GetMetricData query',
    supports(kind, check) {
      if (kind === 'buckets') {
        throw new ConfigError(`cloudwatch: check "${check.name}": GetMetricData returns no histogram buckets; use \`values\` for samples checks`)
      }
    },
    async fetchSeries(query, context) {
      const metricQuery = toMetricDataQuery(query, context)
      if (!metricQuery.ok) return metricQuery
      const points: { t: number; v: number }[] = []
      let label = ''
      let nextToken: string | undefined
      for (let page = 0; page < MAX_PAGES; page++) {
        const payload: Record<string, unknown> = {
          MetricDataQueries: [metricQuery.value],
          StartTime: context.window.start.getTime() / 1000,
          EndTime: context.window.end.getTime() / 1000,
          ScanBy: 'TimestampAscending',
        }
        if (nextToken !== undefined) payload['NextToken'] = nextToken
        const body = JSON.stringify(payload)
        const signed = await signGetMetricData(signer, endpoint, body, httpDeps.now())
        const outcome = await client.send({ method: 'POST', url: endpoint.toString(), headers: signed, body }, context.signal)
        if (outcome.kind === 'failed') return { ok: false, reason: describeFailure(outcome) }
        const parsed = parseJson(outcome.response.text)
        if (outcome.response.status < 200 || outcome.response.status >= 300) {
          return { ok: false, reason: describeResponseFailure(outcome, parsed.ok ? awsError(parsed.value) : undefined) }
        }
        if (!parsed.ok) return parsed
        const result = parseGetMetricDataResponse(parsed.value)
        if (!result.ok) return result
        points.push(...result.points)
        label ||= result.label
        nextToken = result.nextToken
        if (nextToken === undefined) break
      }
      const series: Series[] = [{ labels: label ? { label } : {}, points: pointsInWindow(points, context.window) }]
      return { ok: true, series }
    },
  })
}

export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export function awsCredentialsFromEnv(env: Readonly<Record<string, string | undefined>>): AwsCredentials {
  const accessKeyId = env['AWS_ACCESS_KEY_ID']?.trim()
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY']?.trim()
  const missing = [!accessKeyId && 'AWS_ACCESS_KEY_ID', !secretAccessKey && 'AWS_SECRET_ACCESS_KEY'].filter(Boolean)
  if (!accessKeyId || !secretAccessKey) {
    throw new ConfigError(
      `cloudwatch: AWS credentials are missing: ${missing.join(' and ')} not set; export them (and AWS_SESSION_TOKEN for temporary credentials), e.g. with aws-actions/configure-aws-credentials before this step`,
    )
  }
  const sessionToken = env['AWS_SESSION_TOKEN']?.trim()
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey }
}

export function cloudWatchEndpoint(options: CloudWatchOptions): URL {
  const raw = options.endpoint ?? `https://monitoring.${options.region}.amazonaws.com/`
  try {
    return new URL(raw)
  } catch {
    throw new ConfigError(`cloudwatch: \`endpoint\` "${raw}" is not a URL`)
  }
}

/**
 * The headers of one signed GetMetricData call. `host` is signed as the URL's host (port included
 * when not the default), which is what fetch then sends; it is left out of the headers handed to
 * fetch, which sets Host itself.
 */
export async function signGetMetricData(signer: SignatureV4, endpoint: URL, body: string, now: Date): Promise<Record<string, string>> {
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: endpoint.pathname,
      query: {},
      headers: {
        host: endpoint.host,
        'content-type': 'application/json',
        'content-encoding': 'amz-1.0',
        accept: 'application/json',
        'x-amz-target': CLOUDWATCH_TARGET,
      },
      body,
    },
    { signingDate: now },
  )
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(signed.headers)) if (name.toLowerCase() !== 'host') headers[name] = value
  return headers
}

/** Valid GetMetricData periods: 1, 5, 10, 20, 30, or any multiple of 60 seconds. */
export function cloudWatchPeriod(windowMs: number): number {
  const seconds = Math.round(windowMs / 1000)
  if ([1, 5, 10, 20, 30].includes(seconds) || (seconds >= 60 && seconds % 60 === 0)) return seconds
  return 60
}

function toMetricDataQuery(query: string, context: QueryContext): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  const period = cloudWatchPeriod(context.window.end.getTime() - context.window.start.getTime())
  const trimmed = query.trim()
  if (!trimmed.startsWith('{')) return { ok: true, value: { Id: QUERY_ID, Expression: trimmed, Period: period, ReturnData: true } }
  const parsed = parseJson(trimmed)
  if (!parsed.ok || !isRecord(parsed.value)) {
    throw new ConfigError(`cloudwatch: query ${excerpt(trimmed, 120)} starts with "{" but is not a JSON MetricDataQuery object`)
  }
  const value: Record<string, unknown> = { ...parsed.value, Id: QUERY_ID, ReturnData: true }
  if (isRecord(value['MetricStat'])) {
    value['MetricStat'] = { Period: period, ...value['MetricStat'] }
  } else if (typeof value['Expression'] === 'string') {
    value['Period'] ??= period
  } else {
    throw new ConfigError(`cloudwatch: query ${excerpt(trimmed, 120)} has neither MetricStat nor Expression`)
  }
  return { ok: true, value }
}

/**
 * `{"MetricDataResults": [{"Id", "Label", "Timestamps": [s...], "Values": [...], "StatusCode":
 * "Complete"|"PartialData"|"InternalError"|"Forbidden", "Messages"}], "NextToken"?, "Messages"?}`.
 */
export function parseGetMetricDataResponse(
  body: unknown,
): { ok: true; points: { t: number; v: number }[]; label: string; nextToken?: string } | { ok: false; reason: string } {
  if (!isRecord(body) || !Array.isArray(body['MetricDataResults'])) {
    return { ok: false, reason: `response has no MetricDataResults: ${excerpt(JSON.stringify(body))}` }
  }
  const result = (body['MetricDataResults'] as unknown[]).find((r) => isRecord(r) && r['Id'] === QUERY_ID)
  if (!isRecord(result)) return { ok: false, reason: `no result with Id "${QUERY_ID}" in ${excerpt(JSON.stringify(body))}` }
  const status = result['StatusCode']
  if (status === 'InternalError' || status === 'Forbidden') {
    return { ok: false, reason: `StatusCode ${status}: ${messages(result['Messages']) || messages(body['Messages']) || 'no message'}` }
  }
  const timestamps = result['Timestamps']
  const values = result['Values']
  if (!Array.isArray(timestamps) || !Array.isArray(values) || timestamps.length !== values.length) {
    return { ok: false, reason: `Timestamps and Values do not pair up: ${excerpt(JSON.stringify(result))}` }
  }
  const points: { t: number; v: number }[] = []
  for (let i = 0; i < values.length; i++) {
    const t = toEpochMs(timestamps[i])
    const v = values[i]
    if (t === undefined || typeof v !== 'number') return { ok: false, reason: `unreadable datapoint ${JSON.stringify([timestamps[i], v])}` }
    points.push({ t, v })
  }
  const out: { ok: true; points: { t: number; v: number }[]; label: string; nextToken?: string } = {
    ok: true,
    points,
    label: typeof result['Label'] === 'string' ? result['Label'] : '',
  }
  if (typeof body['NextToken'] === 'string' && body['NextToken'] !== '') out.nextToken = body['NextToken']
  return out
}

/** The JSON protocol sends epoch seconds; ISO strings are accepted too. */
function toEpochMs(raw: unknown): number | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw * 1000
  if (typeof raw === 'string') {
    const parsed = Date.parse(raw)
    return Number.isNaN(parsed) ? undefined : parsed
  }
  return undefined
}

function messages(raw: unknown): string {
  if (!Array.isArray(raw)) return ''
  return raw
    .filter(isRecord)
    .map((m) => `${String(m['Code'] ?? '')} ${String(m['Value'] ?? '')}`.trim())
    .join('; ')
}

/** `{"__type": "...#ThrottlingException", "message": "..."}` (JSON errors use `message` or `Message`). */
function awsError(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined
  const type = typeof body['__type'] === 'string' ? body['__type'].split('#').at(-1) : undefined
  const message = body['message'] ?? body['Message']
  if (type === undefined && message === undefined) return undefined
  return `${type ?? 'error'}: ${String(message ?? '')}`.trim()
}

/** AWS throttles with 400 + a Throttling error type, not only 429. */
function isRetryableAwsError(response: HttpResponse): boolean {
  if (response.status === 429 || response.status >= 500) return true
  if (response.status !== 400) return false
  return /Throttling|RequestLimitExceeded|TooManyRequests/i.test(response.text)
}

/** `provider: { type: cloudwatch }`: this backend's descriptor, listed in shared/metrics/registry.ts. */
export const cloudwatchMetrics: MetricsBackend<CloudwatchMetrics> = {
  type: 'cloudwatch',
  definition: 'cloudwatchMetrics',
  schema: variant(
    'type',
    'cloudwatch',
    'Amazon CloudWatch GetMetricData: each query is a metric-math or Metrics Insights expression, or a JSON MetricDataQuery. Credentials come from the usual AWS environment variables.',
    {
      region: str('AWS region.'),
      endpoint,
      ...request,
    },
    ['region'],
  ),
  create: (config, deps) =>
    createCloudWatchProvider({ timeoutMs: config.timeout, retries: config.retries, region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) }, deps),
}
