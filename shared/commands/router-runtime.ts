/**
 * The router's outside world, built from the runner's environment: the GitHub client, the policy
 * read from the default branch through the Contents API, and the state store for status, pause and
 * resume. Tests build the same object around the fake GitHub.
 */
import type { IssueCommentEvent } from '@octokit/webhooks-types'
import type { ActionIO } from '../action/io.js'
import { actionLogger, type Logger } from '../action/logger.js'
import { checkPolicy } from '../config/load.js'
import type { Policy } from '../config/policy.generated.js'
import { PolicyError } from '../config/problems.js'
import { ConfigError } from '../errors.js'
import { createGitHubClient, gitHubError, type Octokit } from '../github/client.js'
import { readRunContext, runUrl, type RunContext } from '../github/context.js'
import type { RepoRef } from '../github/ports.js'
import type { GraphQLPort } from '../github/graphql.js'
import { GitHubStateStore } from '../state/github-store.js'
import { ROLLGATE_VERSION } from '../version.js'
import type { RouterDeps, StartingPolicy } from './dispatch.js'
import { readPolicyAndRecord } from './starting-read.js'

export interface RouterRuntimeDeps {
  /** Builds the GitHub client (tests turn write pacing off). */
  octokit(token: string, logger: Logger, env: ActionIO['env']): Octokit
  now(): Date
}

export function productionRouterDeps(): RouterRuntimeDeps {
  return {
    octokit: (token, logger, env) => createGitHubClient({ token, version: ROLLGATE_VERSION, logger, env }),
    now: () => new Date(),
  }
}

/** The event, checked to be a comment event (the router's workflow must run `on: issue_comment`). */
export function commentEvent(run: RunContext): IssueCommentEvent {
  if (run.eventName !== 'issue_comment') {
    throw new ConfigError(`The Rollgate router reads pull request comments: run it on \`issue_comment\` (this run is \`${run.eventName}\`).`)
  }
  const event = run.event as Partial<IssueCommentEvent>
  if (typeof event.comment?.id !== 'number' || typeof event.issue?.number !== 'number' || typeof event.sender?.login !== 'string') {
    throw new ConfigError('GITHUB_EVENT_PATH does not hold an issue_comment payload (comment.id, issue.number and sender.login are missing).')
  }
  return event as IssueCommentEvent
}

/** Reads the policy at the default branch: a pull request must not be able to lower its own bar. */
export async function readDefaultBranchPolicy(
  github: Pick<Octokit['rest']['repos'], 'getContent'>,
  repo: RepoRef,
  path: string,
  defaultBranch: string,
  env: ActionIO['env'],
): Promise<Policy> {
  let text: string
  try {
    const { data } = await github.getContent({ ...repo, path, ref: defaultBranch })
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) throw new ConfigError(`${path} on ${defaultBranch} is not a file`)
    text = Buffer.from(data.content, 'base64').toString('utf8')
  } catch (error) {
    if (error instanceof ConfigError) throw error
    if ((error as { status?: number }).status === 404) {
      throw new ConfigError(`Policy file ${path} not found on the default branch (${defaultBranch}); commands are judged by the default branch's policy.`)
    }
    throw gitHubError(`GET contents/${path}?ref=${defaultBranch}`, error)
  }
  return routerPolicy(text, path, env)
}

function routerPolicy(text: string, path: string, env: ActionIO['env']): Policy {
  // The router reads roles and environments only; secrets the actions need may be unset here.
  const checked = checkPolicy(text, path, env, { allowUnsetEnv: true })
  if (!checked.ok) throw new PolicyError(path, checked.problems)
  return checked.policy
}

/**
 * The policy and the named environment's record in one GraphQL request (see starting-read.ts);
 * undefined when the REST reads must be used instead. Errors in the policy are the same errors.
 */
export async function readPolicyWithRecord(
  port: GraphQLPort,
  store: GitHubStateStore,
  repo: RepoRef,
  path: string,
  defaultBranch: string,
  environment: string,
  env: ActionIO['env'],
  logger?: Logger,
): Promise<StartingPolicy | undefined> {
  const read = await readPolicyAndRecord(port, repo, { policyPath: path, defaultBranch, record: store.location(environment) }, logger)
  if (!read) return undefined
  if (read.policyNotAFile) throw new ConfigError(`${path} on ${defaultBranch} is not a file`)
  if (read.policy === undefined) {
    throw new ConfigError(`Policy file ${path} not found on the default branch (${defaultBranch}); commands are judged by the default branch's policy.`)
  }
  const text = read.record
  return { policy: routerPolicy(read.policy, path, env), environment, record: () => (text === undefined ? undefined : store.parse(environment, text)) }
}

export function createRouterDeps(io: ActionIO, runtime: RouterRuntimeDeps, token: string, policyPath: string): { deps: RouterDeps; event: IssueCommentEvent; run: RunContext } {
  const logger = actionLogger(io)
  const run = readRunContext(io.env)
  const event = commentEvent(run)
  const octokit = runtime.octokit(token, logger, io.env)
  const repo = { owner: run.owner, repo: run.repo }
  const link = runUrl(run)
  const defaultBranch = event.repository?.default_branch || 'main'
  const store = new GitHubStateStore({ github: octokit.rest, graphql: octokit, repo, logUrl: link, logger })
  const deps: RouterDeps = {
    github: octokit.rest,
    repo,
    readPolicy: () => readDefaultBranchPolicy(octokit.rest.repos, repo, policyPath, defaultBranch, io.env),
    readPolicyWithRecord: (environment) => readPolicyWithRecord(octokit, store, repo, policyPath, defaultBranch, environment, io.env, logger),
    store,
    context: { runId: run.runId, runAttempt: run.runAttempt, job: run.job, actor: event.sender.login, now: runtime.now() },
    runUrl: link,
    logger,
    now: runtime.now,
  }
  return { deps, event, run }
}
