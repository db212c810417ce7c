/**
 * A small GraphQL client over Octokit's `graphql` (the same Octokit, so the same retry, throttling,
 * proxy and user agent as every REST call), which keeps the API budget of what it read: calls made
 * and rate-limit points spent.
 *
 * Why GraphQL for history: a REST report of 1,000 deployments needs one statuses call per
 * deployment plus a pull-request look-up per commit (about 3,000 calls against GITHUB_TOKEN's
 * 1,000 an hour); one GraphQL query reads 100 deployments with their statuses for one point, and one
 * reads 50 commits with their pull requests for about five.
 *
 * Every query asks for `rateLimit { cost remaining }`, so the points come from GitHub itself, not
 * from an estimate.
 */
import { ProviderError, errorMessage } from '../errors.js'
import type { Logger } from '../action/logger.js'

/** What the client needs: Octokit's `graphql` function (the real Octokit satisfies it). */
export interface GraphQLPort {
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>
}

export interface RateLimitInfo {
  cost: number
  remaining: number
}

export interface GraphQLBudget {
  /** GraphQL requests sent (retries are the throttling layer's and are not counted here). */
  calls: number
  /** Rate-limit points GitHub charged, summed from each answer's `rateLimit.cost`. */
  points: number
  /** Points left in the hour after the last call, as GitHub said. */
  remaining: number | undefined
  /** Calls per query name. */
  byQuery: Record<string, { calls: number; points: number }>
}

export class GraphQLClient {
  private readonly spent: GraphQLBudget = { calls: 0, points: 0, remaining: undefined, byQuery: {} }

  constructor(
    private readonly port: GraphQLPort,
    private readonly logger?: Pick<Logger, 'debug' | 'warn'>,
  ) {}

  /**
   * Runs one query. `name` names it in errors and in the budget. The query must select
   * `rateLimit { cost remaining }` at its root: the budget is read from it.
   */
  async query<T extends { rateLimit?: RateLimitInfo | null }>(name: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const entry = (this.spent.byQuery[name] ??= { calls: 0, points: 0 })
    this.spent.calls++
    entry.calls++
    let data: T
    try {
      data = await this.port.graphql<T>(query, variables)
    } catch (error) {
      throw graphQLError(name, error)
    }
    const limit = data.rateLimit
    if (limit) {
      this.spent.points += limit.cost
      entry.points += limit.cost
      this.spent.remaining = limit.remaining
      this.logger?.debug(`GitHub GraphQL ${name}: cost ${limit.cost}, ${limit.remaining} points left this hour`)
    }
    return data
  }

  budget(): GraphQLBudget {
    return { ...this.spent, byQuery: Object.fromEntries(Object.entries(this.spent.byQuery).map(([k, v]) => [k, { ...v }])) }
  }
}

/** The error users see: which query, and what GitHub said (its `errors[].message`, or the HTTP status). */
export function graphQLError(name: string, error: unknown): ProviderError {
  const errors = (error as { errors?: { message?: unknown; path?: unknown }[] }).errors
  const status = (error as { status?: unknown }).status
  let detail: string
  if (Array.isArray(errors) && errors.length > 0) {
    detail = errors
      .slice(0, 3)
      .map((e) => `${String(e.message)}${Array.isArray(e.path) ? ` (at ${e.path.join('.')})` : ''}`)
      .join('; ')
  } else {
    detail = typeof status === 'number' ? `HTTP ${status}: ${errorMessage(error)}` : errorMessage(error)
  }
  return new ProviderError('GitHub GraphQL API', name, detail, false, { cause: error })
}

