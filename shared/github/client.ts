/**
 * The one place that builds an Octokit. Everything else in shared/ takes a narrow port
 * (ports.ts) so it can be tested with a small fake.
 *
 * Built on @actions/github's `getOctokit` rather than the `octokit` meta-package: it is maintained by
 * GitHub for Actions, reads GITHUB_API_URL and routes through the proxy the runner configures
 * (https_proxy / no_proxy), and bundles smaller (no GraphQL/App/OAuth layers we do not use).
 */
import { getOctokit } from '@actions/github'
import { defaults as actionsDefaults } from '@actions/github/lib/utils'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import type { ThrottlingOptions } from '@octokit/plugin-throttling'
import type { Octokit as OctokitCore } from '@octokit/core'
import { ProviderError, errorMessage } from '../errors.js'
import type { Logger } from '../action/logger.js'
import { resolveApiUrl } from './context.js'

export type Octokit = ReturnType<typeof getOctokit>

/** How many times a request is retried after a rate limit (primary or secondary). */
export const RATE_LIMIT_RETRIES = 2
/** How many times a request is retried after a 5xx or a network failure. */
export const SERVER_ERROR_RETRIES = 3

/**
 * plugin-retry retries every status >= 400 it is not told to skip. A 4xx other than a timeout will
 * not change on its own (a 409 "status checks failed" or a stale sha only wastes 1 + 4 + 9 s), and
 * rate limits (403/429 with retry-after or x-ratelimit-reset) belong to the throttling plugin, which
 * honours the wait GitHub asks for where plugin-retry's fixed backoff would not.
 */
const NOT_RETRIED = Array.from({ length: 100 }, (_, i) => 400 + i).filter((status) => status !== 408)

export interface GitHubClientOptions {
  /** GITHUB_TOKEN, a PAT or an App installation token. */
  token: string
  /** Rollgate's version, sent as `rollgate/<version>` in the user agent. */
  version: string
  /** Receives rate-limit and retry warnings. */
  logger: Logger
  /** REST API root; GHES: `https://HOST/api/v3`. Defaults to env GITHUB_API_URL, then api.github.com. */
  baseUrl?: string
  /** Where GITHUB_API_URL is read from; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>
  /** Overrides, mostly for tests. */
  request?: {
    fetch?: typeof globalThis.fetch
    /** Retries after a 5xx or network failure (default SERVER_ERROR_RETRIES). */
    retries?: number
    /** Aborts one attempt after this long; the attempt then counts as a 5xx and is retried. */
    timeoutMs?: number
  }
  /** Backoff unit after a 5xx or network failure: waits 1, 4, 9... units (default 1000 ms). */
  retryBaseMs?: number
  /**
   * GitHub asks integrators to leave at least one second between mutating requests (and three
   * between notification-triggering ones such as new comments) to stay clear of secondary rate
   * limits; the throttling plugin does that. Tests against the fake turn it off.
   */
  paceWrites?: boolean
  /** A rate limit that resets later than this is not waited for (default 120 s). */
  maxRateLimitWaitSeconds?: number
}

export function createGitHubClient(options: GitHubClientOptions): Octokit {
  const { logger } = options
  logger.mask(options.token)
  const baseUrl = (options.baseUrl ?? resolveApiUrl(options.env)).replace(/\/+$/, '')
  const retries = options.request?.retries ?? SERVER_ERROR_RETRIES
  const maxWait = options.maxRateLimitWaitSeconds ?? 120
  // @actions/github's default fetch goes through the runner's proxy settings; keep it unless a test
  // brings its own. Passing `request` replaces the defaults' object wholesale, hence the merge.
  const baseFetch = options.request?.fetch ?? actionsDefaults.request?.fetch ?? globalThis.fetch
  const timeoutMs = options.request?.timeoutMs ?? 60_000

  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      const call = `${request.method} ${request.url}`
      if (retryCount >= RATE_LIMIT_RETRIES) {
        logger.warn(`GitHub API ${kind} rate limit on ${call}: giving up after ${retryCount} retries`)
        return false
      }
      if (retryAfter > maxWait) {
        logger.warn(`GitHub API ${kind} rate limit on ${call}: resets in ${retryAfter}s, longer than the ${maxWait}s Rollgate waits`)
        return false
      }
      logger.warn(`GitHub API ${kind} rate limit on ${call}: retrying in ${retryAfter}s (retry ${retryCount + 1} of ${RATE_LIMIT_RETRIES})`)
      return true
    }

  const throttle: ThrottlingOptions = {
    onRateLimit: onLimit('primary'),
    onSecondaryRateLimit: onLimit('secondary'),
    ...(options.paceWrites === false ? { write: unpacedGroup(), notifications: unpacedGroup() } : {}),
  }

  return getOctokit(
    options.token,
    {
      baseUrl,
      userAgent: `rollgate/${options.version}`,
      log: {
        debug: (m: string) => logger.debug(m),
        info: (m: string) => logger.debug(m),
        warn: (m: string) => logger.warn(m),
        error: (m: string) => logger.warn(m),
      },
      request: {
        ...actionsDefaults.request,
        fetch: withTimeout(baseFetch, timeoutMs),
      },
      // The count goes here, not in `request.retries`: plugin-retry reads that one for every error,
      // doNotRetry or not.
      retry: { retries, doNotRetry: NOT_RETRIED, ...(options.retryBaseMs !== undefined ? { retryAfterBaseValue: options.retryBaseMs } : {}) },
      throttle,
    },
    logAttempts(logger, retries),
    retry,
    throttling,
  )
}

/**
 * Registered before retry and throttling, so it sits innermost and sees every attempt rather than
 * only the final outcome: a retried 502 leaves a warning in the log instead of vanishing.
 */
function logAttempts(logger: Logger, retries: number) {
  return (octokit: OctokitCore): void => {
    octokit.hook.error('request', (error, options) => {
      const status = (error as { status?: unknown }).status
      const attempt = ((options.request as { retryCount?: number } | undefined)?.retryCount ?? 0) + 1
      if (typeof status === 'number' && status >= 500 && attempt <= retries) {
        logger.warn(`GitHub API ${options.method} ${options.url} answered ${status} on attempt ${attempt} of ${retries + 1}: retrying`)
      }
      throw error
    })
  }
}

function withTimeout(fetchFn: typeof globalThis.fetch, timeoutMs: number): typeof globalThis.fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs)
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout
    return fetchFn(input, { ...init, signal })
  }
}

/**
 * A stand-in for a Bottleneck group that runs jobs at once. The throttling plugin only calls
 * `group.key(id).schedule([options,] fn, ...args)` on it.
 */
function unpacedGroup(): NonNullable<ThrottlingOptions['write']> {
  const limiter = {
    schedule: (...args: unknown[]): Promise<unknown> => {
      const [first, ...rest] = args
      const [fn, fnArgs] = typeof first === 'function' ? [first, rest] : [rest[0], rest.slice(1)]
      return Promise.resolve().then(() => (fn as (...a: unknown[]) => unknown)(...fnArgs))
    },
  }
  return { key: () => limiter } as unknown as NonNullable<ThrottlingOptions['write']>
}

/**
 * Turns an Octokit failure into the ProviderError users see: which call, what GitHub said, and
 * whether retries were spent on it.
 */
export function gitHubError(call: string, error: unknown): ProviderError {
  const status = (error as { status?: unknown }).status
  const retryCount = (error as { request?: { request?: { retryCount?: unknown } } }).request?.request?.retryCount
  const retried = typeof retryCount === 'number' && retryCount > 0
  const detail = typeof status === 'number' ? `HTTP ${status}: ${errorMessage(error)}` : errorMessage(error)
  return new ProviderError('GitHub API', call, detail, retried, { cause: error })
}
