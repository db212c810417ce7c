/**
 * The router's first read, in one GraphQL request: the policy file at the default branch and the
 * rollout record of the environment the comment names, from the state branch. The early busy or
 * paused answer needs the record; reading it with the policy spares the separate Contents call
 * (a canary: 7 requests instead of 8). A denial costs the same one request it did.
 *
 * The caller falls back to the REST reads when this answers undefined: a policy GitHub will not
 * show as text here (binary, or truncated), or a failed request.
 */
import type { Logger } from '../action/logger.js'
import { errorMessage } from '../errors.js'
import { GraphQLClient, type GraphQLPort, type RateLimitInfo } from '../github/graphql.js'
import type { RepoRef } from '../github/ports.js'

export interface StartingRead {
  /** The policy file's text; undefined when the default branch has no such file. */
  policy: string | undefined
  /** Whether the default branch holds something else at that path (a directory). */
  policyNotAFile: boolean
  /** The record file's text; undefined when the environment has no record yet. */
  record: string | undefined
}

export interface StartingReadRequest {
  policyPath: string
  defaultBranch: string
  /** Where the environment's record lives: the state branch and the file name on it. */
  record: { branch: string; path: string }
}

const QUERY = `query RollgateRouterStart($owner: String!, $name: String!, $policy: String!, $record: String!) {
  rateLimit { cost remaining }
  repository(owner: $owner, name: $name) {
    policy: object(expression: $policy) { __typename ... on Blob { text isBinary isTruncated } }
    record: object(expression: $record) { __typename ... on Blob { text isBinary isTruncated } }
  }
}`

interface BlobAnswer {
  __typename: string
  text?: string | null
  isBinary?: boolean | null
  isTruncated?: boolean
}

interface Answer {
  rateLimit?: RateLimitInfo | null
  repository: { policy: BlobAnswer | null; record: BlobAnswer | null } | null
}

export async function readPolicyAndRecord(port: GraphQLPort, repo: RepoRef, request: StartingReadRequest, logger?: Pick<Logger, 'debug' | 'warn'>): Promise<StartingRead | undefined> {
  // A path Contents accepts with a leading ./ or / is a plain path in a rev:path expression.
  const policyPath = request.policyPath.replace(/^(\.\/|\/)+/, '')
  let data: Answer
  try {
    data = await new GraphQLClient(port, logger).query<Answer>('RollgateRouterStart', QUERY, {
      owner: repo.owner,
      name: repo.repo,
      policy: `${request.defaultBranch}:${policyPath}`,
      record: `${request.record.branch}:${request.record.path}`,
    })
  } catch (error) {
    logger?.warn(`reading the policy and the record in one GraphQL request failed (${errorMessage(error)}); reading them through the REST API`)
    return undefined
  }
  if (!data.repository) return undefined
  const { policy, record } = data.repository
  const usable = (blob: BlobAnswer): blob is BlobAnswer & { text: string } => typeof blob.text === 'string' && blob.isBinary !== true && blob.isTruncated !== true
  if (policy && policy.__typename === 'Blob' && !usable(policy)) return undefined
  if (record && (record.__typename !== 'Blob' || !usable(record))) return undefined
  return {
    policy: policy && policy.__typename === 'Blob' ? (policy.text as string) : undefined,
    policyNotAFile: policy !== null && policy.__typename !== 'Blob',
    record: record ? (record.text as string) : undefined,
  }
}
