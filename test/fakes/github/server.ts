/**
 * A fake GitHub REST API on 127.0.0.1: every request is routed and validated against GitHub's
 * published OpenAPI description, implemented operations answer from an in-memory repository with
 * schema-valid bodies, and faults (5xx, rate limits, delays) can be injected per request.
 *
 *   const github = await startFakeGitHub({ repository: 'acme/shop' })
 *   github.state.permissions.set('alice', 'maintain')
 *   github.faults.push({ match: { operationId: 'repos/create-deployment' }, status: 502 })
 *   ... point the client at github.url ...
 *   expectNoInvalidRequests(github); github.count('repos/create-deployment')
 *
 * In vitest, `useFakeGitHub()` (use-fake-github.ts) does the starting, resetting and checking.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { basicError, validationError } from './factories.js'
import { environmentHandlers } from './environments.js'
import { GitHubHttpError, handlers, type HandlerResult } from './handlers.js'
import { matchOperation, pathExists, preloadOpenApi, SUBSET_GENERATOR, templateOutsideSubset, validateRequest, validateResponse } from './openapi.js'
import { FakeGitHubState, type FakeGitHubStateOptions } from './state.js'
import { answerGraphQL, type GraphQLCall, type GraphQLLedger } from './graphql.js'

export type FaultStatus = 500 | 502 | 503 | 504 | 429 | 422 | 'secondary-rate-limit' | 'rate-limit'

export interface Fault {
  /** Which requests it applies to; all fields optional, all given ones must match. */
  match?: { method?: string; path?: RegExp; operationId?: string; body?: (body: unknown) => boolean }
  /** How many matching requests it answers (default 1); counts down, removed at 0. */
  times?: number
  /** Let this many matching requests through first (to fail the second write of a kind). */
  skip?: number
  /**
   * 5xx: a server error. 'secondary-rate-limit': 403 with retry-after and GitHub's documented
   * message. 429: the same limit answered as 429. 'rate-limit': a primary limit, 403 with
   * x-ratelimit-remaining 0 and x-ratelimit-reset. Without a status the request only waits delayMs
   * and then proceeds normally.
   */
  status?: FaultStatus
  /** Seconds for retry-after (rate limits) or until x-ratelimit-reset; default 1. */
  retryAfter?: number
  /** Wait this long before answering (to exercise client timeouts). */
  delayMs?: number
  /**
   * Apply the fault after the request was carried out: the change landed, but the client sees the
   * fault (a 502 after the write, an answer lost to a timeout or a reset).
   */
  after?: boolean
  /** Close the connection instead of answering (ECONNRESET on the client). */
  reset?: boolean
  /**
   * Holds the request (before it is carried out, or after with `after`) until the promise settles:
   * a test kills the client meanwhile (crash tests). 'drop' then waits for the client's connection
   * to close and neither carries the request out (unless `after`) nor answers.
   */
  hold?: (request: RecordedRequest) => Promise<'drop' | void>
}

export interface RecordedRequest {
  operationId: string | undefined
  method: string
  /** Path without the API root, e.g. `/repos/acme/shop/deployments`. */
  path: string
  query: Record<string, string | string[]>
  body: unknown
  headers: IncomingHttpHeaders
  status: number
  /** Answered by an injected fault. */
  fault: boolean
}

export interface InvalidRequest {
  method: string
  path: string
  operationId: string | undefined
  status: number
  problems: string[]
}

export interface FakeGitHubOptions extends FakeGitHubStateOptions {
  /** Serve the API under a prefix, as GHES does (`/api/v3`). */
  basePath?: string
  /** Root of html_url fields. */
  webUrl?: string
}

export interface FakeGitHub {
  /** The API root to give the client (GITHUB_API_URL). */
  readonly url: string
  readonly state: FakeGitHubState
  readonly requests: RecordedRequest[]
  /** Requests GitHub's description rejects, unknown routes and unimplemented operations. */
  readonly invalidRequests: InvalidRequest[]
  /** Bugs in the fake itself (a response that does not match the schema, a handler that threw). */
  readonly fakeErrors: string[]
  readonly faults: Fault[]
  /** Requests made for an operation, faults and retries included (an API budget). */
  count(operationId: string): number
  /** GraphQL queries answered (schema-checked, see graphql.ts) and the points they were charged. */
  readonly graphql: GraphQLLedger
  /** Returns the invalid requests seen so far and forgets them (for tests that send them on purpose). */
  takeInvalidRequests(): InvalidRequest[]
  /** A fresh state, no faults, no recorded requests. */
  reset(): void
  close(): Promise<void>
}

const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:4444.'
const SECONDARY_DOCS = 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits'
const PRIMARY_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit'

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  preloadOpenApi()
  const basePath = (options.basePath ?? '').replace(/\/+$/, '')
  const webUrl = options.webUrl ?? 'https://github.com'
  let state = new FakeGitHubState(options)
  const requests: RecordedRequest[] = []
  const invalidRequests: InvalidRequest[] = []
  const fakeErrors: string[] = []
  const faults: Fault[] = []
  const graphqlCalls: GraphQLCall[] = []
  const graphqlPoints = { points: 0 }
  let requestCounter = 0

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      fakeErrors.push(`fake GitHub crashed on ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`)
      // 400, not 500: clients retry 5xx, which would only repeat the crash and slow the test down.
      if (!res.headersSent) send(res, 400, { message: 'fake GitHub crashed (see fakeErrors)' })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const apiRoot = `${origin}${basePath}`

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    requestCounter++
    const common = {
      'x-github-request-id': `FAKE:${requestCounter}`,
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, 5000 - requestCounter)),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
    }
    if (body === undefined) {
      res.writeHead(status, { ...common, ...headers })
      res.end()
      return
    }
    res.writeHead(status, { ...common, 'content-type': 'application/json; charset=utf-8', ...headers })
    res.end(JSON.stringify(body))
  }

  function takeFault(method: string, path: string, operationId: string | undefined, body: unknown): Fault | undefined {
    const index = faults.findIndex(
      (f) =>
        (f.match?.body === undefined || f.match.body(body)) &&
        (f.match?.method === undefined || f.match.method.toUpperCase() === method) &&
        (f.match?.path === undefined || f.match.path.test(path)) &&
        (f.match?.operationId === undefined || f.match.operationId === operationId),
    )
    const fault = faults[index]
    if (!fault) return undefined
    if ((fault.skip ?? 0) > 0) {
      fault.skip = (fault.skip ?? 0) - 1
      return undefined
    }
    const left = (fault.times ?? 1) - 1
    if (left <= 0) faults.splice(index, 1)
    else fault.times = left
    return fault
  }

  function faultAnswer(fault: Fault & { status: FaultStatus }): { status: number; body: unknown; headers: Record<string, string> } {
    const retryAfter = fault.retryAfter ?? 1
    switch (fault.status) {
      case 'secondary-rate-limit':
        return { status: 403, headers: { 'retry-after': String(retryAfter) }, body: { message: SECONDARY_MESSAGE, documentation_url: SECONDARY_DOCS } }
      case 429:
        return { status: 429, headers: { 'retry-after': String(retryAfter) }, body: { message: SECONDARY_MESSAGE, documentation_url: SECONDARY_DOCS } }
      case 'rate-limit':
        return {
          status: 403,
          headers: {
            'x-ratelimit-limit': '1000',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-used': '1000',
            'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + retryAfter),
          },
          body: { message: 'API rate limit exceeded for installation ID 1.', documentation_url: PRIMARY_DOCS },
        }
      default:
        return { status: fault.status, headers: {}, body: { message: fault.status === 422 ? 'Validation Failed' : fault.status === 502 ? 'Server Error' : 'Service Unavailable' } }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks)
    const method = (req.method ?? 'GET').toUpperCase()
    const url = new URL(req.url ?? '/', origin)
    const path = basePath && url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : url.pathname
    const query: Record<string, string | string[]> = {}
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key)
      query[key] = values.length === 1 ? (values[0] as string) : values
    }
    let json: unknown
    let parseError: string | undefined
    if (raw.length > 0) {
      try {
        json = JSON.parse(raw.toString('utf8'))
      } catch (error) {
        parseError = (error as Error).message
      }
    }
    const entry: RecordedRequest = { operationId: undefined, method, path, query, body: json ?? (raw.length > 0 ? raw.toString('utf8') : undefined), headers: req.headers, status: 0, fault: false }
    requests.push(entry)
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status
      send(res, status, body, headers)
    }
    const reject = (status: number, problems: string[]): void => {
      invalidRequests.push({ method, path, operationId: entry.operationId, status, problems })
    }

    // GraphQL sits beside the REST root: /graphql, or /api/graphql under GHES's /api/v3.
    const graphqlPath = basePath ? `${basePath.replace(/\/v3$/, '')}/graphql` : '/graphql'
    if (url.pathname === graphqlPath) {
      entry.operationId = 'graphql'
      if (method !== 'POST') {
        reject(404, [`GitHub's GraphQL endpoint takes POST, not ${method}`])
        answer(404, basicError('Not Found', 404))
        return
      }
      if (!/^(token|bearer) \S+/i.test(req.headers.authorization ?? '')) {
        answer(401, { message: 'This endpoint requires you to be authenticated.', documentation_url: 'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql' })
        return
      }
      const fault = takeFault(method, path, 'graphql', json)
      if (fault?.hold) {
        // Held like a REST request: a crash test kills the client while GitHub has not answered.
        entry.fault = true
        if ((await fault.hold(entry)) === 'drop') {
          if (!req.socket.destroyed) await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 5_000)
            req.socket.once('close', () => (clearTimeout(timer), resolve()))
          })
          entry.status = 0
          if (!req.socket.destroyed) req.socket.destroy()
          return
        }
      }
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs))
      if (fault?.status !== undefined) {
        const f = faultAnswer({ ...fault, status: fault.status })
        entry.fault = true
        answer(f.status, f.body, f.headers)
        return
      }
      const site = state.site(apiRoot, webUrl)
      const result = answerGraphQL(state, json, graphqlPoints, webUrl, { site, viewer: state.user(site, state.viewer) })
      graphqlCalls.push(result.call)
      if (result.problems.length > 0) reject(200, result.problems.map((p) => `GraphQL${result.call.operationName ? ` ${result.call.operationName}` : ''}: ${p}`))
      fakeErrors.push(...result.fakeErrors.map((e) => `fake GitHub GraphQL: ${e}`))
      answer(result.status, result.body, { 'x-ratelimit-resource': 'graphql' })
      return
    }

    const match = basePath && !url.pathname.startsWith(`${basePath}/`) ? undefined : matchOperation(method, path)
    if (!match) {
      const outside = basePath && !url.pathname.startsWith(`${basePath}/`) ? undefined : templateOutsideSubset(path)
      const problem = outside
        ? `endpoint not in the OpenAPI subset: ${method} ${outside} (add its prefix to PREFIXES in ${SUBSET_GENERATOR} and rerun it)`
        : pathExists(path)
          ? `${method} is not an operation of ${path} in GitHub's OpenAPI description`
          : `no operation in GitHub's OpenAPI description matches ${method} ${url.pathname}${basePath ? ` (API root ${basePath})` : ''}`
      reject(404, [problem])
      answer(404, basicError('Not Found', 404))
      return
    }
    const { operation } = match
    entry.operationId = operation.operationId

    if (!/^(token|bearer) \S+/i.test(req.headers.authorization ?? '')) {
      answer(401, basicError('Requires authentication', 401))
      return
    }

    const body = parseError !== undefined ? { present: true, json: undefined, parseError } : { present: raw.length > 0, json }
    const validation = validateRequest(operation, match.pathParams, query, body)
    if (validation.urlProblems.length > 0) reject(400, validation.urlProblems)
    else if (validation.bodyProblems.length > 0) reject(422, validation.bodyProblems)

    const taken = takeFault(method, path, operation.operationId, json)
    const fault = taken?.after ? undefined : taken
    const late = taken?.after ? taken : undefined
    const held = async (f: Fault): Promise<boolean> => {
      if (!f.hold) return false
      entry.fault = true
      if ((await f.hold(entry)) !== 'drop') return false
      if (!req.socket.destroyed) await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5_000)
        req.socket.once('close', () => (clearTimeout(timer), resolve()))
      })
      entry.status = 0
      if (!req.socket.destroyed) req.socket.destroy()
      return true
    }
    if (fault && (await held(fault))) return
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs))
    if (fault?.reset) {
      entry.fault = true
      entry.status = 0
      req.socket.destroy()
      return
    }
    if (fault?.status !== undefined) {
      const f = faultAnswer({ ...fault, status: fault.status })
      entry.fault = true
      answer(f.status, f.body, f.headers)
      return
    }
    if (res.destroyed) return

    if (validation.urlProblems.length > 0) {
      answer(400, basicError(`Invalid request.\n\n${validation.urlProblems.join('\n')}`, 400))
      return
    }
    if (validation.bodyProblems.length > 0) {
      answer(422, validationError(`Invalid request.\n\n${validation.bodyProblems.join('\n')}`))
      return
    }

    const params = validation.pathParams
    if (
      operation.template.startsWith('/repos/{owner}/{repo}/') &&
      (String(params['owner']).toLowerCase() !== state.owner.toLowerCase() || String(params['repo']).toLowerCase() !== state.repo.toLowerCase())
    ) {
      answer(404, basicError('Not Found', 404))
      return
    }

    const handler = handlers[operation.operationId] ?? environmentHandlers[operation.operationId]
    if (!handler) {
      reject(404, [`the fake GitHub does not implement ${operation.operationId} yet (add a handler in test/fakes/github/handlers.ts)`])
      answer(404, basicError(`Not implemented by the fake GitHub: ${operation.operationId}`, 404))
      return
    }

    const site = state.site(apiRoot, webUrl)
    let result: HandlerResult
    try {
      result = handler({
        state,
        site,
        viewer: state.user(site, state.viewer),
        pathParams: params,
        query: validation.query,
        body: (json ?? {}) as Record<string, unknown>,
        requestUrl: url,
      })
    } catch (error) {
      if (!(error instanceof GitHubHttpError)) throw error
      result = { status: error.status, body: error.body }
    }
    const problems = validateResponse(operation, result.status, result.body)
    if (problems.length > 0) {
      fakeErrors.push(`fake GitHub answered ${method} ${path} (${operation.operationId}) with an invalid ${result.status}:\n  ${problems.join('\n  ')}`)
    }
    if (late && (await held(late))) return
    if (late && (late.status !== undefined || late.reset || late.delayMs)) {
      // The request was carried out; what the client gets is the fault.
      entry.fault = true
      if (late.delayMs) await new Promise((resolve) => setTimeout(resolve, late.delayMs))
      if (late.reset || res.destroyed) {
        entry.status = 0
        req.socket.destroy()
        return
      }
      if (late.status !== undefined) {
        const f = faultAnswer({ ...late, status: late.status })
        answer(f.status, f.body, f.headers)
        return
      }
    }
    answer(result.status, result.body, result.headers)
  }

  const fake: FakeGitHub = {
    url: apiRoot,
    get state() {
      return state
    },
    requests,
    invalidRequests,
    fakeErrors,
    faults,
    count: (operationId) => requests.filter((r) => r.operationId === operationId).length,
    graphql: { calls: graphqlCalls, points: () => graphqlPoints.points },
    takeInvalidRequests: () => invalidRequests.splice(0),
    reset: () => {
      state = new FakeGitHubState(options)
      requests.length = 0
      invalidRequests.length = 0
      fakeErrors.length = 0
      faults.length = 0
      graphqlCalls.length = 0
      graphqlPoints.points = 0
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
  return fake
}

/**
 * Throws when the fake saw a request GitHub's description rejects (or hit a bug in itself),
 * naming each request and what was wrong. `useFakeGitHub` runs it after every test.
 */
export function expectNoInvalidRequests(github: Pick<FakeGitHub, 'invalidRequests' | 'fakeErrors'>): void {
  const lines: string[] = []
  for (const r of github.invalidRequests) {
    lines.push(`${r.method} ${r.path}${r.operationId ? ` (${r.operationId})` : ''} → ${r.status}: ${r.problems.join('; ')}`)
  }
  lines.push(...github.fakeErrors)
  if (lines.length === 0) return
  const count = github.invalidRequests.length
  const head =
    count > 0
      ? `${count} request${count === 1 ? '' : 's'} to the fake GitHub ${count === 1 ? 'does' : 'do'} not match GitHub's OpenAPI description:`
      : 'the fake GitHub misbehaved:'
  throw new Error(`${head}\n  ${lines.join('\n  ')}`)
}
