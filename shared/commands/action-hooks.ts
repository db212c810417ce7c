/**
 * What the lifecycle actions add when a comment command dispatched them: the commit to deploy
 * (`sha`), the SHA the command was read at (`expected-sha`, re-checked against the pull request and
 * the rollout: `sha-changed`, `pr-closed`), and the router's reply to finish (`reply-comment-id`:
 * 👀 when the job starts, then 🚀 or 😕 and the reply edited in place). Kept here so the actions'
 * mains each gain a line or two.
 */
import type { ActionIO } from '../action/io.js'
import { readOptional } from '../action/inputs.js'
import { ConfigError, InputError, errorMessage, isUserError, reasonCodeOf } from '../errors.js'
import { pullRequestNumber, runUrl, type RunContext } from '../github/context.js'
import type { RepoRef } from '../github/ports.js'
import type { Logger } from '../action/logger.js'
import type { RolloutRecord } from '../state/record.js'
import type { Snapshot, StateStore } from '../state/store.js'
import { readPull, type CommandsReadPort } from './authorize.js'
import type { CommandName } from './grammar.js'
import { react, replyFinished, updateReply, type ReplyPort } from './reply.js'

export const SHA_INPUT = 'sha'
export const EXPECTED_SHA_INPUT = 'expected-sha'
export const REPLY_INPUT = 'reply-comment-id'

const SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/

function readSha(io: ActionIO, name: string): string | undefined {
  const value = readOptional(io, name)
  if (value === undefined) return undefined
  if (!SHA.test(value)) throw new InputError(`Input '${name}' is ${JSON.stringify(value.slice(0, 80))}; expected a full commit SHA (40 or 64 lowercase hex digits).`)
  return value
}

export function readShaInput(io: ActionIO): string | undefined {
  return readSha(io, SHA_INPUT)
}

export function readExpectedSha(io: ActionIO): string | undefined {
  return readSha(io, EXPECTED_SHA_INPUT)
}

export function readReplyCommentId(io: ActionIO): number | undefined {
  const value = readOptional(io, REPLY_INPUT)
  if (value === undefined) return undefined
  if (!/^[1-9]\d{0,15}$/.test(value)) throw new InputError(`Input '${REPLY_INPUT}' is ${JSON.stringify(value.slice(0, 80))}; expected a comment id (the router's \`comment-id\` output).`)
  return Number(value)
}

/**
 * The commit a canary is: the input, else the pull request's head on pull-request events, else
 * GITHUB_SHA (on `issue_comment` that is the default branch's tip, never the pull request's).
 */
export function canarySha(run: Pick<RunContext, 'sha' | 'event' | 'eventName'>, input: string | undefined): string {
  if (input !== undefined) return input
  const head = (run.event['pull_request'] as { head?: { sha?: unknown } } | undefined)?.head?.sha
  if (run.eventName.startsWith('pull_request') && typeof head === 'string') return head
  return run.sha
}

/** How the command's pull request or rollout moved on since the router read the command. */
export interface PinnedShaDrift {
  code: 'pr-closed' | 'sha-changed'
  /** What moved, without advice (the caller says what it does about it). */
  what: string
}

/**
 * Whether the command's pull request has moved on since the command was read: it was closed or
 * merged (pr-closed), its head is no longer `expected`, or the rollout's canary is another commit
 * (sha-changed). One REST call (the pull request) on a pull-request event, none otherwise.
 */
export async function pinnedShaDrift(
  port: Pick<CommandsReadPort, 'pulls'>,
  repo: RepoRef,
  run: Pick<RunContext, 'event' | 'eventName'>,
  expected: string,
  record?: RolloutRecord,
): Promise<PinnedShaDrift | undefined> {
  const pr = pullRequestNumber(run)
  if (pr !== undefined) {
    const pull = await readPull(port, repo, pr)
    if (pull.state !== 'open') return { code: 'pr-closed', what: `pull request #${pr} is ${pull.merged ? 'merged' : 'closed'}` }
    if (pull.headSha !== expected) {
      return { code: 'sha-changed', what: `pull request #${pr} moved to ${pull.headSha.slice(0, 12)} after the command was read at ${expected.slice(0, 12)}` }
    }
  }
  const canary = record?.canary?.sha
  if (record && record.phase === 'canary' && canary !== undefined && canary !== expected) {
    return { code: 'sha-changed', what: `the rollout's canary is ${canary.slice(0, 12)}, not ${expected.slice(0, 12)}` }
  }
  return undefined
}

/**
 * Refuses (pr-closed, sha-changed) when the command's pull request or rollout has moved on since
 * the command was read. Rollback never calls this: it records the drift and rolls back anyway.
 */
export async function verifyPinnedSha(
  port: Pick<CommandsReadPort, 'pulls'>,
  repo: RepoRef,
  run: Pick<RunContext, 'event' | 'eventName'>,
  expected: string,
  record?: RolloutRecord,
): Promise<void> {
  const drift = await pinnedShaDrift(port, repo, run, expected, record)
  if (drift === undefined) return
  const advice = drift.code === 'pr-closed' ? 'the command acts on open pull requests only' : 'nothing moved, comment again to act on the new head'
  throw new ConfigError(`${drift.what}; ${advice}`, { reasonCode: drift.code })
}

/**
 * What a rollback notes when it rolls back although the pull request or rollout moved on since
 * the command (a rollback must always be possible mid-incident): appended to the recorded reason,
 * so the record, the reports and the reply all say it. Undefined when nothing moved.
 */
export async function rollbackDriftNote(
  port: Pick<CommandsReadPort, 'pulls'>,
  repo: RepoRef,
  run: Pick<RunContext, 'event' | 'eventName'>,
  expected: string,
  record?: RolloutRecord,
): Promise<string | undefined> {
  const drift = await pinnedShaDrift(port, repo, run, expected, record)
  return drift === undefined ? undefined : `rolled back although ${drift.what} (${drift.code})`
}

/**
 * promote and rollback read the record to compare the rollout's canary with `expected-sha`; the
 * lifecycle's first step would read it again. This store answers that next read of the environment
 * with the snapshot just taken and is the store itself for everything else: the write is still a
 * compare-and-swap against that snapshot, so a change in between is a state conflict exactly as
 * before. One REST call fewer per dispatched promote and rollback.
 */
export function reuseLoaded(store: StateStore, environment: string, snapshot: Snapshot | undefined): StateStore {
  let pending = true
  return new Proxy(store, {
    get(target, key) {
      if (key === 'load') {
        return async (name: string) => {
          if (pending && name === environment) {
            pending = false
            return snapshot
          }
          return target.load(name)
        }
      }
      const value: unknown = Reflect.get(target, key, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}

export interface CommandReply {
  /** 👀 on the command's comment: the job has started (after the environment's protection rules). */
  start(): Promise<void>
  /** Edits the router's reply with the outcome and reacts 🚀 or 😕. */
  finish(result: { ok: true; code: string; message: string } | { ok: false; error: unknown }): Promise<void>
}

const NO_REPLY: CommandReply = { start: async () => {}, finish: async () => {} }

/** The reply of a dispatched command; a no-op without `reply-comment-id`. Failures only warn. */
export function commandReply(
  port: ReplyPort,
  run: RunContext,
  logger: Logger,
  replyCommentId: number | undefined,
  label: { command: CommandName; environment: string },
): CommandReply {
  if (replyCommentId === undefined) return NO_REPLY
  const repo = { owner: run.owner, repo: run.repo }
  const commentId = (run.event['comment'] as { id?: unknown } | undefined)?.id
  const source = typeof commentId === 'number' ? commentId : undefined
  const quietly = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn()
    } catch (error) {
      logger.warn(`could not ${what}: ${errorMessage(error)}`)
    }
  }
  return {
    start: () => quietly('react to the command', async () => (source !== undefined ? react(port, repo, source, 'eyes') : undefined)),
    finish: (result) =>
      quietly('finish the reply', async () => {
        const ok = result.ok
        const code = result.ok ? result.code : reasonCodeOf(result.error)
        const message = result.ok ? result.message : isUserError(result.error) ? errorMessage(result.error) : 'the job failed; see the workflow run'
        await updateReply(port, repo, replyCommentId, replyFinished(label, ok, code, message, runUrl(run)))
        if (source !== undefined) await react(port, repo, source, ok ? 'rocket' : 'confused')
      }),
  }
}

/** Runs an action's body between the reply's start and finish. */
export async function withCommandReply<T extends { effect: string; message: string }>(reply: CommandReply, body: () => Promise<T>): Promise<T> {
  await reply.start()
  let outcome: T
  try {
    outcome = await body()
  } catch (error) {
    await reply.finish({ ok: false, error })
    throw error
  }
  await reply.finish({ ok: true, code: outcome.effect, message: outcome.message })
  return outcome
}
