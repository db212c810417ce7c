/**
 * What the router does with one `issue_comment` event, in an order that spends REST calls only
 * when an earlier, cheaper gate passed and shows nothing before authorization:
 *
 *   parse (0 calls; no command → silence) → policy from the default branch (1; for canary,
 *   promote and status that names its environment, one GraphQL request that also reads the
 *   record) → bots, edits → environment → role (collaborator permission, 1) → pull request
 *   (1: head SHA, fork, state) → environment branch policy (1-2, canary/promote) → head checks
 *   (2, canary) → the record, for an early busy/paused answer (0 when read with the policy, else
 *   1) → answer.
 *
 * The router moves no traffic. canary, promote, rollback and analyze are dispatched: outputs
 * select a following job that declares `environment:` (so GitHub's reviewers and wait timers
 * apply) and runs the action, which finishes the reply. pause and resume are record writes that
 * move nothing and must work mid-incident without waiting for reviewers: the router writes them
 * itself. status and help are answered directly.
 */
import type { IssueCommentEvent } from '@octokit/webhooks-types'
import type { Policy } from '../config/policy.generated.js'
import type { Logger } from '../action/logger.js'
import type { RepoRef } from '../github/ports.js'
import { IllegalMoveError, type CommandContext } from '../state/machine.js'
import type { RolloutRecord } from '../state/record.js'
import type { StateStore } from '../state/store.js'
import { runTransition } from '../state/transition.js'
import { LeaseHeldError, environmentSlug } from '../state/store.js'
import {
  judgeBranchPolicy,
  judgeEvent,
  judgeFork,
  judgeRole,
  neededForHelp,
  neededRole,
  readBranchPolicy,
  readPull,
  readRoleName,
  type CommandsReadPort,
  type Denial,
  type PullFacts,
} from './authorize.js'
import { readChecks, type ChecksReadPort } from './checks.js'
import { EARLY_ANSWERED, earlyAnswer } from './early-answer.js'
import { parseComment, resolveEnvironment, type CommandArgs, type CommandName } from './grammar.js'
import {
  createReply,
  react,
  replyDenied,
  replyDispatched,
  replyEarly,
  replyEnvironmentProblem,
  replyHelp,
  replyInvalid,
  replyRefused,
  replyFinished,
  replyStatus,
  type CommandLabel,
  type ReplyPort,
} from './reply.js'
import { errorMessage, isUserError, reasonCodeOf } from '../errors.js'
import type { ReasonCode } from '../reason-codes.js'

/** Commands the router hands to a lifecycle action in an environment-protected job. */
export const DISPATCHED: readonly CommandName[] = ['canary', 'promote', 'rollback', 'analyze']

export interface RouterOutcome {
  reasonCode: ReasonCode
  message: string
  command?: CommandName
  environment?: string
  sha?: string
  ref?: string
  pr?: number
  args?: CommandArgs
  /** The router's reply comment, when it wrote one. */
  commentId?: number
}

/** The policy read together with one environment's record (GraphQL), so the record costs no call of its own. */
export interface StartingPolicy {
  policy: Policy
  /** The environment as the comment wrote it (records are keyed case-insensitively). */
  environment: string
  /** Its record as read with the policy, parsed on first use (a bad record fails only a command that reads it). */
  record(): RolloutRecord | undefined
}

export interface RouterDeps {
  github: CommandsReadPort & ChecksReadPort & ReplyPort
  repo: RepoRef
  /** The policy as the default branch has it (never the PR head's). */
  readPolicy(): Promise<Policy>
  /** The policy and `environment`'s record in one request; undefined when only readPolicy can serve. */
  readPolicyWithRecord?(environment: string): Promise<StartingPolicy | undefined>
  store: StateStore
  context: CommandContext
  runUrl: string
  logger: Logger
  now(): Date
  /** Lease length for a pause or resume write. */
  leaseTtlMs?: number
}

/** The comment text the event carries, with the shape checks a hand-made event could miss. */
function isPullRequestComment(event: IssueCommentEvent): boolean {
  return typeof event.issue === 'object' && event.issue !== null && 'pull_request' in event.issue && event.issue.pull_request !== undefined
}

export async function routeComment(event: IssueCommentEvent, deps: RouterDeps): Promise<RouterOutcome> {
  const { github, repo, logger } = deps
  if (event.action === 'deleted') return { reasonCode: 'ignored', message: 'a deleted comment is not a command' }
  if (!isPullRequestComment(event)) return { reasonCode: 'ignored', message: 'commands are read on pull requests only, not on issues' }
  const pr = event.issue.number
  const commentId = event.comment.id
  const parsed = parseComment(event.comment.body ?? '')
  if (parsed.kind === 'none') return { reasonCode: 'ignored', message: 'the comment holds no /rollgate command' }
  if (event.action === 'edited') {
    const before = parseComment(event.changes.body?.from ?? '')
    if (JSON.stringify(before) === JSON.stringify(parsed)) return { reasonCode: 'ignored', message: 'the edit did not change the command' }
  }

  // The commands that read the record (the early answer, status) read it with the policy when the
  // comment names the environment; otherwise the record is read later, when it is needed.
  const named = parsed.kind === 'command' ? parsed.command : undefined
  const readsRecord = named !== undefined && named.environment !== undefined && (EARLY_ANSWERED.includes(named.command) || named.command === 'status')
  const starting = readsRecord && deps.readPolicyWithRecord ? await deps.readPolicyWithRecord(named.environment as string) : undefined
  const policy = starting?.policy ?? (await deps.readPolicy())
  const recordOf = async (environment: string): Promise<RolloutRecord | undefined> =>
    starting && environmentSlug(starting.environment) === environmentSlug(environment) ? starting.record() : (await deps.store.load(environment))?.record
  const sender = { login: event.sender.login, type: event.sender.type }

  // Silence toward bots (answering them can loop two bots); every other refusal is answered.
  const eventJudgement = judgeEvent({ action: event.action, sender }, policy)
  if (!eventJudgement.allowed) {
    if (eventJudgement.code === 'denied-bot') return { reasonCode: 'denied-bot', message: eventJudgement.message, pr }
    return deny(eventJudgement, { command: parsed.kind === 'command' ? parsed.command.command : 'help' }, pr, commentId, deps)
  }

  const environments = Object.keys(policy.environments)
  if (parsed.kind === 'invalid') {
    // Answer mistakes only to people who could at least ask for help.
    const role = await readRoleName(github, repo, sender.login)
    const judged = judgeRole(role, neededForHelp(policy), policy, sender.login)
    if (!judged.allowed) return deny(judged, { command: 'help' }, pr, commentId, deps)
    const code: ReasonCode = /^unknown command|needs a command/.test(parsed.problem.message) ? 'unknown-command' : 'invalid-command'
    await react(github, repo, commentId, 'confused')
    const reply = await createReply(github, repo, pr, replyInvalid(parsed.problem, policy, parsed.ignored))
    return { reasonCode: code, message: parsed.problem.message, pr, commentId: reply.id }
  }

  const { command, args, ignored } = { ...parsed.command, ignored: parsed.ignored }
  const written = parsed.command.environment
  const label: CommandLabel = { command, ...(written !== undefined ? { environment: written } : {}), args }

  if (command === 'help' && written === undefined) {
    const role = await readRoleName(github, repo, sender.login)
    const judged = judgeRole(role, neededForHelp(policy), policy, sender.login)
    if (!judged.allowed) return deny(judged, label, pr, commentId, deps)
    return answer(replyHelp(policy, undefined), { command, pr }, commentId, deps)
  }

  const match = resolveEnvironment(written, environments)
  if (!match.ok) {
    const role = await readRoleName(github, repo, sender.login)
    const judged = judgeRole(role, neededForHelp(policy), policy, sender.login)
    if (!judged.allowed) return deny(judged, label, pr, commentId, deps)
    await react(github, repo, commentId, 'confused')
    const reply = await createReply(github, repo, pr, replyEnvironmentProblem(label, match.message, match.suggestion, policy))
    return { reasonCode: match.reason, message: match.message, command, pr, commentId: reply.id }
  }
  const environment = match.environment
  label.environment = environment

  const role = await readRoleName(github, repo, sender.login)
  const judged = judgeRole(role, neededRole(policy, environment, command), policy, sender.login)
  if (!judged.allowed) return deny(judged, label, pr, commentId, deps, environment)

  if (command === 'help') return answer(replyHelp(policy, environment), { command, environment, pr }, commentId, deps)
  if (command === 'status') {
    return answer(replyStatus(environment, await recordOf(environment), deps.now(), { runUrl: deps.runUrl }), { command, environment, pr }, commentId, deps)
  }

  const pull = await readPull(github, repo, pr)
  const base: RouterOutcome = { reasonCode: 'dispatched', message: '', command, environment, sha: pull.headSha, ref: `refs/pull/${pr}/head`, pr, args }
  const forkJudgement = judgeFork(pull, environment, policy)
  if (!forkJudgement.allowed) return deny(forkJudgement, label, pr, commentId, deps, environment, base)

  if (command === 'pause' || command === 'resume') return pauseOrResume(command, args, environment, policy, label, base, commentId, deps)

  if ((command === 'canary' || command === 'promote') && pull.state !== 'open') {
    const message = `pull request #${pr} is ${pull.merged ? 'merged' : 'closed'}; ${command} acts on open pull requests only`
    return refuse('pr-closed', message, label, base, commentId, deps)
  }
  if (command === 'canary' || command === 'promote') {
    const branchPolicy = await readBranchPolicy(github, repo, environment, pull.headRef)
    const branchJudgement = judgeBranchPolicy(pull.headRef, environment, branchPolicy)
    if (!branchJudgement.allowed) return deny(branchJudgement, label, pr, commentId, deps, environment, base)
  }
  if (command === 'canary' && policy.commands.requireChecks) {
    const checks = await readChecks(github, repo, pull.headSha)
    if (checks.state !== 'green') {
      const names = (checks.state === 'failed' ? checks.failed : checks.pending).slice(0, 20).join(', ')
      const message = checks.state === 'failed' ? `checks failed on ${pull.headSha.slice(0, 12)}: ${names}` : `checks still running on ${pull.headSha.slice(0, 12)}: ${names}`
      return refuse(checks.state === 'failed' ? 'checks-failed' : 'checks-pending', message, label, base, commentId, deps)
    }
  }

  // A courtesy from the record (one read, only once every gate passed): answer now what the action
  // would refuse after the environment's reviewers approved. The action still decides.
  if (EARLY_ANSWERED.includes(command)) {
    const early = earlyAnswer(command, environment, await recordOf(environment), { headSha: pull.headSha, now: deps.now(), runId: deps.context.runId }, policy.environments[environment])
    if (early !== undefined) {
      await react(github, repo, commentId, 'confused')
      const body = replyEarly(label, early.code, early.message, early.proceeds, environment, early.after, deps.runUrl)
      const answered = await createReply(github, repo, pr, body)
      return { ...base, reasonCode: early.code, message: early.message, commentId: answered.id }
    }
  }

  const reply = await createReply(github, repo, pr, replyDispatched(label, pull.headSha, environment, deps.runUrl, ignored))
  logger.info(`dispatched ${command} for ${environment} at ${pull.headSha} (pull request #${pr}); reply comment ${reply.id}`)
  return { ...base, reasonCode: 'dispatched', message: `${command} ${environment} dispatched for ${pull.headSha}`, commentId: reply.id }
}

async function deny(
  denial: Denial,
  label: CommandLabel,
  pr: number,
  commentId: number,
  deps: RouterDeps,
  environment?: string,
  base?: RouterOutcome,
): Promise<RouterOutcome> {
  await react(deps.github, deps.repo, commentId, '-1')
  const reply = await createReply(deps.github, deps.repo, pr, replyDenied(label, denial.message, deps.runUrl))
  return {
    ...(base ?? {}),
    reasonCode: denial.code,
    message: denial.message,
    command: label.command,
    ...(environment !== undefined ? { environment } : {}),
    pr,
    commentId: reply.id,
  }
}

async function refuse(code: ReasonCode, message: string, label: CommandLabel, base: RouterOutcome, commentId: number, deps: RouterDeps): Promise<RouterOutcome> {
  await react(deps.github, deps.repo, commentId, 'confused')
  const reply = await createReply(deps.github, deps.repo, base.pr as number, replyRefused(label, code, message, deps.runUrl))
  return { ...base, reasonCode: code, message, commentId: reply.id }
}

async function answer(body: string, base: Omit<RouterOutcome, 'reasonCode' | 'message'>, commentId: number, deps: RouterDeps): Promise<RouterOutcome> {
  await react(deps.github, deps.repo, commentId, 'eyes')
  const reply = await createReply(deps.github, deps.repo, base.pr as number, body)
  return { ...base, reasonCode: 'replied', message: `answered ${base.command ?? 'the command'}`, commentId: reply.id }
}

async function pauseOrResume(
  command: 'pause' | 'resume',
  args: CommandArgs,
  environment: string,
  policy: Policy,
  label: CommandLabel,
  base: RouterOutcome,
  commentId: number,
  deps: RouterDeps,
): Promise<RouterOutcome> {
  await react(deps.github, deps.repo, commentId, 'eyes')
  const env = policy.environments[environment]
  let ok = true
  let code: ReasonCode
  let message: string
  try {
    const outcome = await runTransition({
      store: deps.store,
      environment,
      command: command === 'pause' ? { type: 'pause', ...(args.reason !== undefined ? { reason: args.reason } : {}) } : { type: 'resume' },
      policy: env ?? { steps: [] },
      context: deps.context,
      leaseTtlMs: deps.leaseTtlMs ?? 60_000,
    })
    code = outcome.effect === 'noop' ? 'noop' : 'applied'
    message = outcome.message
  } catch (error) {
    // A refusal (no rollout to pause, the lease held) is answered; anything else fails the run.
    if (!isUserError(error) || !(error instanceof LeaseHeldError || error instanceof IllegalMoveError)) throw error
    ok = false
    code = reasonCodeOf(error)
    message = error instanceof LeaseHeldError ? `busy: ${errorMessage(error)}` : errorMessage(error)
  }
  await react(deps.github, deps.repo, commentId, ok ? 'rocket' : 'confused')
  const reply = await createReply(deps.github, deps.repo, base.pr as number, replyFinished(label, ok, code, message, deps.runUrl))
  return { ...base, reasonCode: code, message, commentId: reply.id }
}

/** The pull request facts, for tests and the lifecycle hooks. */
export type { PullFacts }
