/**
 * The fake GitHub's GraphQL endpoint (`POST /graphql`, `/api/graphql` on GHES). Every query is
 * parsed and validated against GitHub's published GraphQL schema (`@octokit/graphql-schema`, its
 * introspection JSON), checked for GitHub's own pagination rules (every connection needs `first`
 * or `last`, at most 100), charged with GitHub's documented point formula, and executed against the
 * fake's repository with the resolvers below. An invalid query is recorded as an invalid request,
 * so the test that sent it fails (as the REST side does with the OpenAPI description).
 *
 * Cost (GitHub's "calculating a rate limit score"): add up the requests each connection needs,
 * assuming every one reaches its `first`/`last` (a connection under another one is requested once
 * per parent node), divide by 100 and round; at least 1.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  buildClientSchema,
  execute,
  getNamedType,
  getNullableType,
  isObjectType,
  isInterfaceType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type GraphQLCompositeType,
  type IntrospectionQuery,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  GraphQLError,
  getVariableValues,
} from 'graphql'
import { addDeploymentStatus, GitHubHttpError } from './handlers.js'
import type { FakeGitHubState, PullModel } from './state.js'
import type { Deployment, DeploymentStatus, SimpleUser } from './types.js'
import type { Site } from './factories.js'

let cached: GraphQLSchema | undefined

/** GitHub's public GraphQL schema, built once per process from the pinned package. */
export function githubGraphQLSchema(): GraphQLSchema {
  if (cached) return cached
  // The package exports only its JS entry (no subpaths): its introspection JSON is read from the install.
  const path = join(import.meta.dirname, '..', '..', '..', 'node_modules', '@octokit', 'graphql-schema', 'schema.json')
  const introspection = JSON.parse(readFileSync(path, 'utf8')) as IntrospectionQuery | { data: IntrospectionQuery }
  cached = buildClientSchema('data' in introspection ? introspection.data : introspection)
  return cached
}

/** The points an hour a GITHUB_TOKEN gets for GraphQL (per repository). */
export const GRAPHQL_POINTS_PER_HOUR = 1000

export interface GraphQLCall {
  /** The operation's name (from the request, or the query's own `query Name`). */
  operationName: string | undefined
  query: string
  variables: Record<string, unknown>
  /** Points charged (0 for a query GitHub would reject before running it). */
  cost: number
  /** Nodes the query may return at most (GitHub refuses more than 500,000). */
  nodeLimit: number
  problems: string[]
}

export interface GraphQLLedger {
  readonly calls: GraphQLCall[]
  /** Points charged so far. */
  points(): number
}

export interface GraphQLAnswer {
  status: number
  body: unknown
  /** What makes this query invalid against GitHub's schema or rules (empty when valid). */
  problems: string[]
  /** Resolver failures: bugs of the fake, not of the query. */
  fakeErrors: string[]
  call: GraphQLCall
}

interface Env {
  state: FakeGitHubState
  webUrl: string
  /** Who writes, for mutations (the token's user) and the site its objects link to. */
  writer: { site: Site; viewer: SimpleUser } | undefined
  cost: number
  remaining: number
}

export function answerGraphQL(
  state: FakeGitHubState,
  body: unknown,
  ledger: { points: number },
  webUrl = 'https://github.com',
  writer?: { site: Site; viewer: SimpleUser },
): GraphQLAnswer {
  const schema = githubGraphQLSchema()
  const request = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown }
  const query = typeof request.query === 'string' ? request.query : ''
  const variables = (request.variables && typeof request.variables === 'object' ? request.variables : {}) as Record<string, unknown>
  const operationName = typeof request.operationName === 'string' ? request.operationName : undefined
  const call: GraphQLCall = { operationName, query, variables, cost: 0, nodeLimit: 0, problems: [] }
  const reject = (problems: string[]): GraphQLAnswer => {
    call.problems = problems
    return { status: 200, body: { errors: problems.map((message) => ({ message })) }, problems, fakeErrors: [], call }
  }
  if (!query) return reject(['the request body has no "query" string'])

  let document: DocumentNode
  try {
    document = parse(query)
  } catch (error) {
    return reject([`the query does not parse: ${(error as Error).message}`])
  }
  const invalid = validate(schema, document).map((e) => `${e.message}${e.locations?.[0] ? ` (line ${e.locations[0].line}, column ${e.locations[0].column})` : ''}`)
  if (invalid.length > 0) return reject(invalid)

  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (operationName === undefined || d.name?.value === operationName))
  if (!operation) return reject([`no operation ${operationName ?? ''} in the document`])
  call.operationName = operation.name?.value
  if (operation.operation === 'subscription') return reject(['GitHub has no GraphQL subscriptions'])
  if (operation.operation === 'mutation' && !writer) return reject(['the fake GitHub cannot run mutations here (no writer)'])
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]))

  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables)
  if (coerced.errors) return reject(coerced.errors.map((e) => e.message))
  const scored = scoreQuery(schema, operation, fragments, coerced.coerced)
  if (scored.problems.length > 0) return reject(scored.problems)
  call.cost = scored.cost
  call.nodeLimit = scored.nodes
  if (scored.nodes > 500_000) return reject([`the query may return ${scored.nodes} nodes; GitHub refuses more than 500,000`])

  ledger.points += scored.cost
  const env: Env = { state, webUrl, writer, cost: scored.cost, remaining: Math.max(0, 5000 - ledger.points) }
  const result = execute({ schema, document, rootValue: operation.operation === 'mutation' ? mutationRoot(env) : queryRoot(env), variableValues: variables, ...(operationName ? { operationName } : {}) })
  if (result instanceof Promise) throw new Error('fake GitHub GraphQL: resolvers must be synchronous')
  const problems: string[] = []
  const fakeErrors: string[] = []
  for (const error of result.errors ?? []) {
    // A thrown resolver is the fake's bug; anything else (a variable of the wrong type) is the query's.
    if (error.originalError && !(error.originalError instanceof GraphQLError)) fakeErrors.push(`resolver failed at ${error.path?.join('.') ?? '?'}: ${error.originalError.stack ?? error.message}`)
    else problems.push(error.message)
  }
  call.problems = problems
  return { status: 200, body: result, problems, fakeErrors, call }
}

// ---------------------------------------------------------------------------------------------
// GitHub's rules and cost

function scoreQuery(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): { cost: number; nodes: number; problems: string[] } {
  const problems: string[] = []
  let requests = 0
  let nodes = 0
  const valueOf = (node: ValueNode | undefined): unknown => {
    if (!node) return undefined
    if (node.kind === Kind.VARIABLE) return variables[node.name.value]
    if (node.kind === Kind.INT) return Number(node.value)
    return undefined
  }
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, multiplier: number, path: string): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : parent
        walk(selection.selectionSet, on, multiplier, path)
        continue
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value)
        if (fragment) walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType, multiplier, path)
        continue
      }
      const field: FieldNode = selection
      if (!isObjectType(parent) && !isInterfaceType(parent)) continue
      const definition = parent.getFields()[field.name.value]
      if (!definition || !field.selectionSet) continue
      const type = getNamedType(definition.type)
      const where = `${path}${path ? '.' : ''}${field.alias?.value ?? field.name.value}`
      let next = multiplier
      if (type.name.endsWith('Connection') && isObjectType(getNullableType(definition.type))) {
        const arg = (name: string) => valueOf(field.arguments?.find((a) => a.name.value === name)?.value)
        const first = arg('first')
        const last = arg('last')
        const n = typeof first === 'number' ? first : typeof last === 'number' ? last : undefined
        if (n === undefined) problems.push(`You must provide a \`first\` or \`last\` value to properly paginate the \`${field.name.value}\` connection (at ${where}).`)
        else if (n < 0 || n > 100) problems.push(`Requesting ${n} records on the \`${field.name.value}\` connection exceeds the \`first\`/\`last\` limit of 100 records (at ${where}).`)
        const size = Math.min(Math.max(n ?? 100, 0), 100)
        requests += multiplier
        next = multiplier * size
        nodes += next
      }
      walk(field.selectionSet, type as GraphQLCompositeType, next, where)
    }
  }
  // A mutation is charged like a query over what its payloads select (at least one point); GitHub
  // counts each mutation five points toward the per-minute secondary limit, which the fake does not model.
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType()
  if (root) walk(operation.selectionSet, root, 1, '')
  return { cost: Math.max(1, Math.round(requests / 100)), nodes, problems }
}

// ---------------------------------------------------------------------------------------------
// Resolvers: plain objects whose fields are values or functions of the field's arguments (graphql's
// default resolver calls them), over the fake's state.

interface ConnectionArgs {
  first?: number | null
  last?: number | null
  after?: string | null
  before?: string | null
}

function connection<T>(all: T[], args: ConnectionArgs): Record<string, unknown> {
  const start = args.after ? decodeCursor(args.after) + 1 : 0
  const end = args.before ? decodeCursor(args.before) : all.length
  let from = start
  let to = end
  if (typeof args.first === 'number') to = Math.min(end, from + args.first)
  else if (typeof args.last === 'number') from = Math.max(start, to - args.last)
  const slice = all.slice(from, to)
  return {
    totalCount: all.length,
    nodes: slice,
    edges: slice.map((node, i) => ({ node, cursor: encodeCursor(from + i) })),
    pageInfo: {
      hasNextPage: to < end,
      hasPreviousPage: from > start,
      startCursor: slice.length > 0 ? encodeCursor(from) : null,
      endCursor: slice.length > 0 ? encodeCursor(to - 1) : null,
    },
  }
}

function encodeCursor(index: number): string {
  return Buffer.from(`cursor:v2:${index}`).toString('base64')
}

function decodeCursor(cursor: string): number {
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'))
  if (!match) throw new GraphQLError(`\`${cursor}\` does not appear to be a valid cursor.`)
  return Number(match[1])
}

function actor(env: Env, login: string): Record<string, unknown> {
  return { __typename: login.endsWith('[bot]') ? 'Bot' : 'User', login, url: `${env.webUrl}/${login}`, avatarUrl: `https://avatars.githubusercontent.com/u/1?v=4`, resourcePath: `/${login}` }
}

function queryRoot(env: Env): Record<string, unknown> {
  const { state } = env
  return {
    rateLimit: () => ({ cost: env.cost, remaining: env.remaining, limit: 5000, used: 5000 - env.remaining, nodeCount: 0, resetAt: new Date(Date.now() + 3_600_000).toISOString() }),
    repository: (args: { owner: string; name: string }) =>
      args.owner.toLowerCase() === state.owner.toLowerCase() && args.name.toLowerCase() === state.repo.toLowerCase() ? repositoryNode(env) : null,
  }
}

const STATE_OF_INPUT: Record<string, DeploymentStatus['state']> = {
  ERROR: 'error',
  FAILURE: 'failure',
  INACTIVE: 'inactive',
  PENDING: 'pending',
  SUCCESS: 'success',
  QUEUED: 'queued',
  IN_PROGRESS: 'in_progress',
}

interface CreateDeploymentStatusInput {
  deploymentId: string
  state: string
  description?: string | null
  environment?: string | null
  environmentUrl?: string | null
  logUrl?: string | null
  autoInactive?: boolean | null
  clientMutationId?: string | null
}

/** The mutations Rollgate sends, carried out on the fake's state as the REST handlers do. */
function mutationRoot(env: Env): Record<string, unknown> {
  const writer = env.writer as NonNullable<Env['writer']>
  return {
    createDeploymentStatus: ({ input }: { input: CreateDeploymentStatusInput }) => {
      const target = env.state.deployments.find((d) => d.node_id === input.deploymentId)
      if (!target) throw new GraphQLError(`Could not resolve to a node with the global id of '${input.deploymentId}'`)
      const state = STATE_OF_INPUT[input.state]
      if (!state) throw new GraphQLError(`unknown deployment status state ${input.state}`)
      let status: DeploymentStatus
      try {
        status = addDeploymentStatus({ state: env.state, ...writer }, target, {
          state,
          description: input.description ?? '',
          ...(input.environment ? { environment: input.environment } : {}),
          environment_url: input.environmentUrl ?? '',
          log_url: input.logUrl ?? '',
          auto_inactive: input.autoInactive ?? true,
        })
      } catch (error) {
        // GitHub answers a refused mutation with an entry in `errors`, not an HTTP status.
        if (error instanceof GitHubHttpError) throw new GraphQLError(JSON.stringify(error.body))
        throw error
      }
      return { clientMutationId: input.clientMutationId ?? null, deploymentStatus: deploymentStatusNode(env, target, status) }
    },
  }
}

function repositoryNode(env: Env): Record<string, unknown> {
  const { state } = env
  return {
    __typename: 'Repository',
    id: `R_${state.owner}_${state.repo}`,
    name: state.repo,
    nameWithOwner: `${state.owner}/${state.repo}`,
    deployments: (args: ConnectionArgs & { environments?: string[] | null; orderBy?: { field: string; direction: 'ASC' | 'DESC' } | null }) => {
      const wanted = args.environments?.map((e) => e.toLowerCase())
      const matching = state.deployments.filter((d) => !wanted || wanted.includes(d.environment.toLowerCase()))
      const ordered = [...matching].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id)
      if ((args.orderBy?.direction ?? 'ASC') === 'DESC') ordered.reverse()
      return connection(ordered.map((d) => deploymentNode(env, d)), args)
    },
    object: (args: { oid?: string | null; expression?: string | null }) => {
      if (args.oid) return commitNode(env, args.oid)
      if (!args.expression) return null
      const colon = args.expression.indexOf(':')
      const ref = colon >= 0 ? args.expression.slice(0, colon) : args.expression
      const path = colon >= 0 ? args.expression.slice(colon + 1) : ''
      if (!path) return state.resolveRef(ref) ? commitNode(env, state.resolveRef(ref) as string) : null
      if (!state.resolveRef(ref)) return null
      const text = state.files(ref).get(path)
      if (text === undefined) return null
      return { __typename: 'Blob', id: `B_${ref}_${path}`, oid: 'f'.repeat(40), abbreviatedOid: 'fffffff', byteSize: Buffer.byteLength(text), isBinary: false, isTruncated: false, text }
    },
  }
}

const STATUS_STATE: Record<DeploymentStatus['state'], string> = {
  error: 'ERROR',
  failure: 'FAILURE',
  inactive: 'INACTIVE',
  pending: 'PENDING',
  success: 'SUCCESS',
  queued: 'QUEUED',
  in_progress: 'IN_PROGRESS',
}

function deploymentStatusNode(env: Env, d: Deployment, s: DeploymentStatus): Record<string, unknown> {
  return {
    id: s.node_id,
    state: STATUS_STATE[s.state],
    description: s.description,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
    environment: s.environment ?? d.environment,
    logUrl: s.log_url || null,
    environmentUrl: s.environment_url || null,
    creator: actor(env, s.creator?.login ?? 'octocat'),
    deployment: () => deploymentNode(env, d),
  }
}

function deploymentNode(env: Env, d: Deployment): Record<string, unknown> {
  // Oldest first, as they were posted; callers should not rely on it and sort by createdAt.
  const statuses = () => env.state.statusesOf(d.id)
  const statusNode = (s: DeploymentStatus) => deploymentStatusNode(env, d, s)
  const latest = () => statuses().at(-1)
  return {
    id: d.node_id,
    databaseId: d.id,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
    environment: d.environment,
    originalEnvironment: d.original_environment ?? d.environment,
    latestEnvironment: d.environment,
    task: d.task,
    description: d.description,
    payload: typeof d.payload === 'string' ? d.payload : JSON.stringify(d.payload),
    commitOid: d.sha,
    commit: () => commitNode(env, d.sha),
    creator: actor(env, d.creator?.login ?? 'octocat'),
    latestStatus: () => {
      const s = latest()
      return s ? statusNode(s) : null
    },
    state: () => {
      const s = latest()?.state
      return s === 'success' ? 'ACTIVE' : s === 'failure' ? 'FAILURE' : s === 'error' ? 'ERROR' : s === 'inactive' ? 'INACTIVE' : s === 'in_progress' ? 'IN_PROGRESS' : s === 'queued' ? 'QUEUED' : 'PENDING'
    },
    statuses: (args: ConnectionArgs) => connection(statuses().map(statusNode), args),
    repository: () => repositoryNode(env),
  }
}

function commitNode(env: Env, oid: string): Record<string, unknown> | null {
  const commit = env.state.git.commits.get(oid)
  if (!commit) return null
  return {
    __typename: 'Commit',
    id: `C_${oid}`,
    oid,
    abbreviatedOid: oid.slice(0, 7),
    message: commit.message,
    messageHeadline: commit.message.split('\n')[0],
    authoredDate: commit.author.date,
    committedDate: commit.committer.date,
    associatedPullRequests: (args: ConnectionArgs) => {
      const pulls = [...env.state.pulls.values()].filter((p) => p.mergeCommitSha === oid || p.head.sha === oid || p.commits.includes(oid))
      return connection(pulls.map((p) => pullNode(env, p)), args)
    },
  }
}

function pullNode(env: Env, pull: PullModel): Record<string, unknown> {
  // The pull request's commits in order: the ones it gathered, then its head.
  const oids = [...pull.commits.filter((c) => c !== pull.head.sha), pull.head.sha]
  return {
    __typename: 'PullRequest',
    id: `PR_${pull.number}`,
    number: pull.number,
    title: pull.title,
    merged: pull.merged,
    mergedAt: pull.mergedAt?.toISOString() ?? null,
    createdAt: pull.createdAt.toISOString(),
    baseRefName: pull.base.ref,
    headRefName: pull.head.ref,
    url: `${env.webUrl}/${env.state.owner}/${env.state.repo}/pull/${pull.number}`,
    labels: (args: ConnectionArgs) => connection(pull.labels.map((name) => ({ id: `L_${name}`, name, color: 'ededed' })), args),
    commits: (args: ConnectionArgs) =>
      connection(
        oids.flatMap((oid) => {
          const node = commitNode(env, oid)
          return node ? [{ id: `PRC_${pull.number}_${oid}`, commit: node }] : []
        }),
        args,
      ),
  }
}
