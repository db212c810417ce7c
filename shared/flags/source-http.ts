/**
 * JSON over HTTP for the provider-backed flag sources, through the one HTTP client (timeouts,
 * retries with backoff, credentials masked). Every failure is a ProviderError naming the source and
 * the call, so a bad answer stops the run before anything is opened.
 */
import { ProviderError } from '../errors.js'
import {
  createHttpClient,
  describeFailure,
  describeResponseFailure,
  httpClientDeps,
  isRecord,
  parseJson,
  type HttpClient,
} from '../http/client.js'
import { SecretSet } from '../http/redact.js'
import type { FlagSourceDeps } from './source.js'

export interface SourceRequestOptions {
  timeoutMs?: number
  retries?: number
}

/** The schema keys every HTTP-backed flag source accepts. */
export const REQUEST_SCHEMA = {
  timeoutMs: { type: 'integer', minimum: 100, maximum: 120_000, description: 'Per request attempt, in milliseconds.', default: 10_000 },
  retries: { type: 'integer', minimum: 0, maximum: 5, description: 'Further attempts after a timeout, network error, 5xx or 429.', default: 2 },
} as const

export interface SourceHttp {
  /** GET `url` and parse JSON; `call` names the request in errors (`GET /api/v2/flags/shop`). */
  getJson(url: string, call: string): Promise<unknown>
}

export function createSourceHttp(
  source: string,
  options: SourceRequestOptions,
  headers: Record<string, string>,
  secrets: readonly (string | undefined)[],
  deps: FlagSourceDeps,
  authHint: string,
): SourceHttp {
  const secretSet = new SecretSet(deps.logger)
  for (const secret of secrets) secretSet.add(secret)
  const scrub = (text: string): string => secretSet.scrub(text)
  const client: HttpClient = createHttpClient(
    options,
    httpClientDeps(deps),
    {},
    scrub,
  )
  return {
    async getJson(url, call) {
      const outcome = await client.send({ method: 'GET', url, headers: { accept: 'application/json', ...headers } })
      if (outcome.kind === 'failed') throw new ProviderError(source, call, scrub(describeFailure(outcome)), outcome.attempts > 1)
      const { response } = outcome
      if (response.status < 200 || response.status >= 300) {
        const hint = response.status === 401 || response.status === 403 ? ` (${authHint})` : ''
        throw new ProviderError(source, call, scrub(describeResponseFailure(outcome) + hint), outcome.attempts > 1)
      }
      const parsed = parseJson(response.text)
      if (!parsed.ok) throw new ProviderError(source, call, scrub(parsed.reason), outcome.attempts > 1)
      return parsed.value
    },
  }
}

/** A field of an answer that must be there: a clear ProviderError otherwise. */
export function expectRecord(value: unknown, source: string, call: string, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw new ProviderError(source, call, `unexpected answer: expected ${what}, got ${describeValue(value)}`)
  return value
}

export function expectArray(value: unknown, source: string, call: string, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ProviderError(source, call, `unexpected answer: expected ${what}, got ${describeValue(value)}`)
  return value
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value).slice(0, 40)}`
}

export function optionalDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date
}

export function trimBase(url: string): string {
  return url.replace(/\/+$/, '')
}
