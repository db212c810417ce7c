/**
 * The report end to end: read the history through GraphQL, compute the figures, attach the API
 * budget the reading cost. Shared by `rollgate report` and actions/report.
 */
import type { Logger } from '../action/logger.js'
import { GraphQLClient, type GraphQLPort } from '../github/graphql.js'
import type { RepoRef } from '../github/ports.js'
import { readHistory } from './history.js'
import { computeInsight, type InsightOptions, type InsightReport } from './metrics.js'

export interface InsightRequest extends InsightOptions {
  repo: RepoRef
  environments: string[]
  since: Date
  until: Date
  stateBranch?: string
  maxPages?: number
}

export async function buildInsightReport(port: GraphQLPort, request: InsightRequest, logger?: Pick<Logger, 'warn' | 'debug'>): Promise<InsightReport> {
  const client = new GraphQLClient(port, logger)
  const history = await readHistory(client, {
    repo: request.repo,
    environments: request.environments,
    since: request.since,
    until: request.until,
    ...(request.stateBranch ? { stateBranch: request.stateBranch } : {}),
    ...(request.maxPages ? { maxPages: request.maxPages } : {}),
    ...(logger ? { logger } : {}),
  })
  const report = computeInsight(history, {
    ...(request.hotfixWithinMs !== undefined ? { hotfixWithinMs: request.hotfixWithinMs } : {}),
    ...(request.hotfixLabel !== undefined ? { hotfixLabel: request.hotfixLabel } : {}),
  })
  const budget = client.budget()
  report.budget = { graphqlCalls: budget.calls, graphqlPoints: budget.points, restCalls: 0, remaining: budget.remaining }
  return report
}
