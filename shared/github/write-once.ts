/**
 * Writes whose answer can be lost. A 5xx, a timeout or a reset connection after a POST or PUT
 * does not say whether GitHub carried it out: a blind retry could create a second deployment or
 * comment, or (for the record) fail its compare-and-swap against its own first attempt. So the
 * write is sent without the client's automatic retries, and after an ambiguous failure `landed()`
 * looks for it; only when it is not there is the write sent again. Rate limits (403/429 with
 * retry-after) are still retried by the client: GitHub refuses those before doing anything.
 */
import { errorMessage } from '../errors.js'
import type { Logger } from '../action/logger.js'

export const WRITE_ATTEMPTS = 4

/** No answer, or a 5xx/408: the write may or may not have happened. */
export function isAmbiguous(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status
  if (typeof status !== 'number') return true
  // Octokit reports a network failure or an aborted request as status 500 with no response.
  return status >= 500 || status === 408
}

export function describeFailure(error: unknown): string {
  const status = (error as { status?: unknown } | null)?.status
  const response = (error as { response?: unknown } | null)?.response
  if (typeof status === 'number' && response !== undefined) return `HTTP ${status}`
  const cause = (error as { cause?: { code?: unknown; name?: unknown } } | null)?.cause
  const code = typeof cause?.code === 'string' ? cause.code : typeof cause?.name === 'string' ? cause.name : undefined
  return `no answer (${code ?? errorMessage(error).slice(0, 80)})`
}

export interface WriteOnceOptions<T> {
  /** `repos.createOrUpdateFileContents (acme/shop@rollgate-state:production.json)`, for log lines. */
  call: string
  logger?: Logger | undefined
  /** Sends the write once (without the client's 5xx retries: `request: { retries: 0 }`). */
  write: () => Promise<T>
  /** Looks for the write having landed; undefined when it has not. May throw (e.g. someone else wrote). */
  landed: () => Promise<T | undefined>
  attempts?: number
  /** Waits between attempts (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>
  backoffMs?: number
}

export async function writeOnce<T>(options: WriteOnceOptions<T>): Promise<T> {
  const attempts = options.attempts ?? WRITE_ATTEMPTS
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.write()
    } catch (error) {
      if (!isAmbiguous(error)) throw error
      const what = describeFailure(error)
      options.logger?.warn(`GitHub API ${options.call} got ${what} on attempt ${attempt} of ${attempts}; checking whether it landed`)
      const found = await options.landed()
      if (found !== undefined) {
        options.logger?.info(`GitHub API ${options.call}: the write of attempt ${attempt} had landed despite the ${what}; using it`)
        return found
      }
      if (attempt >= attempts) {
        options.logger?.warn(`GitHub API ${options.call}: it had not landed; giving up after ${attempts} attempts`)
        throw error
      }
      options.logger?.warn(`GitHub API ${options.call}: it had not landed; sending it again (attempt ${attempt + 1} of ${attempts})`)
      await sleep((options.backoffMs ?? 1000) * attempt * attempt)
    }
  }
}
