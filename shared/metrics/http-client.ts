import { errorMessage } from '../errors.js'
import type { Logger } from '../action/logger.js'
import type { MetricsProviderDeps } from './provider.js'

/** Options every HTTP-backed provider accepts in the policy file. */
export interface RequestOptions {
  /** Per attempt, body included. Default 10000. */
  timeoutMs?: number
  /** Further attempts after the first on timeouts, network errors, 5xx and 429. Default 2. */
  retries?: number
}

export const DEFAULT_TIMEOUT_MS = 10_000
export const DEFAULT_RETRIES = 2
/** First backoff ceiling; doubles per attempt up to MAX_BACKOFF_MS ("full jitter": uniform below it). */
export const BASE_BACKOFF_MS = 500
export const MAX_BACKOFF_MS = 10_000
/** A rate limit asking for a longer wait than this ends the query as nodata instead of stalling the look. */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000

export interface HttpRequest {
  method: 'GET' | 'POST'
  url: string
  headers: Record<string, string>
  body?: string
}

export interface HttpResponse {
  status: number
  headers: Headers
  text: string
}

/**
 * `response`: the server's final answer (2xx, a non-retryable status, or the last retryable one after
 * the retries ran out; `retriesExhausted` tells which). `failed`: no answer at all (timeout, network).
 * Either way `attempts` says how many requests were sent, for the reason a user reads.
 */
export type HttpOutcome =
  | { kind: 'response'; response: HttpResponse; attempts: number; retriesExhausted: boolean; note?: string }
  | { kind: 'failed'; reason: string; attempts: number }

export interface RetryHooks {
  /** Whether this answer is worth another attempt. Default: 429 and 5xx. */
  retryable?: (response: HttpResponse) => boolean
  /**
   * How long the server asked us to wait before the next attempt, in ms, or undefined when it said
   * nothing. Default: Retry-After (seconds or HTTP date).
   */
  retryAfterMs?: (response: HttpResponse, now: Date) => number | undefined
}

export interface HttpClient {
  send(request: HttpRequest, signal?: AbortSignal): Promise<HttpOutcome>
}

export interface HttpClientDeps {
  fetch: typeof fetch
  sleep: (ms: number) => Promise<void>
  random: () => number
  now: () => Date
  logger: Logger
}

export function httpClientDeps(deps: MetricsProviderDeps): HttpClientDeps {
  return {
    fetch: deps.fetch ?? globalThis.fetch,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: deps.random ?? Math.random,
    now: deps.now ?? (() => new Date()),
    logger: deps.logger,
  }
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^attempt)). */
export function backoffMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt)
  return Math.floor(random() * ceiling)
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000)
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime())
}

const defaultRetryable = (response: HttpResponse): boolean => response.status === 429 || response.status >= 500

/**
 * One HTTP client per provider: a timeout per attempt (AbortSignal, body included), retries with
 * exponential backoff and full jitter, and the server's own wait honoured on 429. `describe` names the
 * request in debug lines without its credentials (they are masked by the logger too).
 */
export function createHttpClient(
  options: RequestOptions,
  deps: HttpClientDeps,
  hooks: RetryHooks = {},
  scrub: (text: string) => string = (t) => t,
): HttpClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const retries = options.retries ?? DEFAULT_RETRIES
  const retryable = hooks.retryable ?? defaultRetryable
  const retryAfterMs = hooks.retryAfterMs ?? ((r, now) => parseRetryAfter(r.headers.get('retry-after'), now))

  return {
    async send(request, signal) {
      let attempt = 0
      for (;;) {
        attempt++
        const label = scrub(`${request.method} ${redactUrl(request.url)}`)
        deps.logger.debug(`${label} (attempt ${attempt} of ${retries + 1})`)
        const result = await sendOnce(deps.fetch, request, timeoutMs, signal)
        const last = attempt > retries
        if (!result.ok) {
          if (signal?.aborted) return { kind: 'failed', reason: `cancelled (${result.reason})`, attempts: attempt }
          if (last) return { kind: 'failed', reason: result.reason, attempts: attempt }
          const wait = backoffMs(attempt - 1, deps.random)
          deps.logger.debug(`${label}: ${result.reason}; retrying in ${wait}ms`)
          await deps.sleep(wait)
          continue
        }
        const response = result.response
        if (!retryable(response)) {
          return { kind: 'response', response, attempts: attempt, retriesExhausted: false }
        }
        if (last) return { kind: 'response', response, attempts: attempt, retriesExhausted: true }
        const asked = retryAfterMs(response, deps.now())
        if (asked !== undefined && asked > MAX_RATE_LIMIT_WAIT_MS) {
          return {
            kind: 'response',
            response,
            attempts: attempt,
            retriesExhausted: false,
            note: `the server asked to wait ${Math.ceil(asked / 1000)}s, more than the ${MAX_RATE_LIMIT_WAIT_MS / 1000}s Rollgate waits within a look`,
          }
        }
        // The server's wait when it gave one (plus jitter so parallel arms do not return together).
        const wait = asked !== undefined ? asked + backoffMs(0, deps.random) : backoffMs(attempt - 1, deps.random)
        deps.logger.debug(`${label}: HTTP ${response.status}; retrying in ${wait}ms`)
        await deps.sleep(wait)
      }
    },
  }
}

type Once = { ok: true; response: HttpResponse } | { ok: false; reason: string }

async function sendOnce(
  fetchFn: typeof fetch,
  request: HttpRequest,
  timeoutMs: number,
  outer: AbortSignal | undefined,
): Promise<Once> {
  const timeout = AbortSignal.timeout(timeoutMs)
  const signal = outer ? AbortSignal.any([timeout, outer]) : timeout
  try {
    const { url, headers } = moveUrlCredentials(request.url, request.headers)
    const init: RequestInit = { method: request.method, headers, signal, redirect: 'follow' }
    if (request.body !== undefined) init.body = request.body
    const res = await fetchFn(url, init)
    const text = await res.text()
    return { ok: true, response: { status: res.status, headers: res.headers, text } }
  } catch (error) {
    if (timeout.aborted) return { ok: false, reason: `timed out after ${timeoutMs}ms` }
    return { ok: false, reason: `request failed: ${describeFetchError(error)}` }
  }
}

function describeFetchError(error: unknown): string {
  const cause = error instanceof Error ? (error as Error & { cause?: unknown }).cause : undefined
  const code = cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : ''
  const message = errorMessage(cause ?? error)
  return code && !message.includes(code) ? `${code} ${message}` : message
}

/**
 * fetch refuses URLs with user:password@; they become a Basic Authorization header instead (an
 * explicit Authorization header wins).
 */
export function moveUrlCredentials(url: string, headers: Record<string, string>): { url: string; headers: Record<string, string> } {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { url, headers }
  }
  if (!parsed.username && !parsed.password) return { url, headers }
  const basic = Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')
  parsed.username = ''
  parsed.password = ''
  const hasAuth = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')
  return { url: parsed.toString(), headers: hasAuth ? headers : { ...headers, Authorization: `Basic ${basic}` } }
}

/** user:password@ in a URL never reaches a log line. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.username || parsed.password) {
      parsed.username = '***'
      parsed.password = ''
    }
    return parsed.toString()
  } catch {
    return url
  }
}

/** A short, single-line excerpt of a body for a reason. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat === '') return '(empty body)'
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}

/** "HTTP 503 after 3 attempts: <body>" and the like. */
export function describeResponseFailure(outcome: Extract<HttpOutcome, { kind: 'response' }>, detail?: string): string {
  const tries = outcome.attempts > 1 ? ` after ${outcome.attempts} attempts` : ''
  const note = outcome.note ? ` (${outcome.note})` : ''
  return `HTTP ${outcome.response.status}${tries}${note}: ${detail ?? excerpt(outcome.response.text)}`
}

export function describeFailure(outcome: Extract<HttpOutcome, { kind: 'failed' }>): string {
  const tries = outcome.attempts > 1 ? ` (${outcome.attempts} attempts)` : ''
  return `${outcome.reason}${tries}`
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    return { ok: false, reason: `malformed JSON (${errorMessage(error)}): ${excerpt(text, 120)}` }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
