/**
 * What Rollgate says back on a pull request: one reply comment per command (edited in place when the
 * dispatched job finishes) and reactions on the command's comment. Every piece of user text is
 * neutralized here: shown in a code span or escaped, mentions and issue references defused, capped.
 */
import { mirroringPhrase } from '../config/mirror.js'
import type { Policy } from '../config/policy.generated.js'
import type { RepoRef } from '../github/ports.js'
import type { CommandsPort } from './ports.js'
import { codeSpan, escapeInline, truncateText } from '../report/text.js'
import type { RolloutRecord } from '../state/record.js'
import { neededForHelp, neededRole } from './authorize.js'
import { COMMAND_NAMES, USAGE, type CommandArgs, type CommandName, type GrammarProblem } from './grammar.js'

export const REACTIONS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'] as const
export type Reaction = (typeof REACTIONS)[number]

/** Longest piece of user text repeated in a reply. */
export const MAX_ECHO = 200
/** A reply stays far below GitHub's 65,536-character comment limit. */
export const MAX_REPLY = 20_000

export type ReplyPort = Pick<CommandsPort, 'issues' | 'reactions'>

/** User text as a code span: verbatim but inert (no Markdown, no mentions, no HTML), one line, capped. */
export function echo(text: string): string {
  return codeSpan(truncateText(text, MAX_ECHO)) || '``'
}

/** A sentence that embeds user text (grammar and authorization messages): escaped and capped. */
export function prose(text: string): string {
  return escapeInline(truncateText(text, MAX_ECHO * 3))
}

function cap(body: string): string {
  return body.length <= MAX_REPLY ? body : `${body.slice(0, MAX_REPLY)}\n\n…(reply truncated)`
}

export interface CommandLabel {
  command: CommandName
  environment?: string
  args?: CommandArgs
}

export function renderArgs(args: CommandArgs | undefined): string {
  if (!args) return ''
  const parts: string[] = []
  if (args.version !== undefined) parts.push(`--version ${args.version}`)
  if (args.stable !== undefined) parts.push(`--stable ${args.stable}`)
  if (args.to !== undefined) parts.push(`--to ${args.to}`)
  if (args.full) parts.push('--full')
  if (args.reason !== undefined) parts.push(`--reason "${args.reason}"`)
  return parts.join(' ')
}

function label(c: CommandLabel): string {
  const text = ['/rollgate', c.command, c.environment, renderArgs(c.args)].filter((p) => p).join(' ')
  return echo(text)
}

function runLink(runUrl: string | undefined): string {
  return runUrl && /^https?:\/\//.test(runUrl) ? ` · [workflow run](${runUrl.replace(/[()\s<>]/g, encodeURIComponent)})` : ''
}

function ignoredNote(ignored: readonly number[]): string {
  if (ignored.length === 0) return ''
  const lines = ignored.slice(0, 10).join(', ')
  return `\n\nOne command per comment: only the first ran; the command${ignored.length > 1 ? 's' : ''} on line ${lines} did not run. Post ${ignored.length > 1 ? 'them' : 'it'} as a new comment.`
}

/** The grammar, the environments and the role each command needs in each. */
export function renderHelp(policy: Policy, only?: string): string {
  const environments = only !== undefined ? [only] : Object.keys(policy.environments)
  const head = `| command | usage | ${environments.map((e) => escapeInline(e)).join(' | ')} |`
  const rule = `| --- | --- | ${environments.map(() => '---').join(' | ')} |`
  const rows = COMMAND_NAMES.map((c) => `| ${c} | ${codeSpan(USAGE[c], { cell: true })} | ${environments.map((e) => safeRole(policy, e, c)).join(' | ')} |`)
  return [
    `Write one command on a line of its own: ${codeSpan('/rollgate <command> [environment] [options]')}. ` +
      `The environment may be left out when the policy has only one. Lines in code blocks, inline code and quotes are not read.`,
    '',
    'Minimum repository role per command and environment:',
    '',
    head,
    rule,
    ...rows,
  ].join('\n')
}

function safeRole(policy: Policy, environment: string, command: CommandName): string {
  try {
    return neededRole(policy, environment, command)
  } catch {
    return '(invalid in the policy)'
  }
}

export function replyInvalid(problem: GrammarProblem, policy: Policy | undefined, ignored: readonly number[] = []): string {
  const where = `line ${problem.line}, column ${problem.column}`
  const guess = problem.suggestion !== undefined ? ` Did you mean ${echo(problem.suggestion)}?` : ''
  const help = policy ? `\n\n<details><summary>How to write a command</summary>\n\n${renderHelp(policy)}\n\n</details>` : ''
  return cap(`😕 Rollgate could not read this command (${where}): ${prose(problem.message)}.${guess} Nothing ran.${help}${ignoredNote(ignored)}`)
}

export function replyEnvironmentProblem(c: CommandLabel, message: string, suggestion: string | undefined, policy: Policy): string {
  const guess = suggestion !== undefined ? ` Did you mean ${echo(suggestion)}?` : ''
  return cap(`😕 ${label(c)}: ${prose(message)}.${guess} Nothing ran.\n\n<details><summary>How to write a command</summary>\n\n${renderHelp(policy)}\n\n</details>`)
}

export function replyDenied(c: CommandLabel, message: string, runUrl?: string): string {
  return cap(`👎 ${label(c)} was refused: ${prose(message)}. Nothing ran.${runLink(runUrl)}`)
}

export function replyRefused(c: CommandLabel, code: string, message: string, runUrl?: string): string {
  return cap(`😕 ${label(c)} was refused (${codeSpan(code)}): ${prose(message)}. Nothing moved.${runLink(runUrl)}`)
}

/**
 * A refusal answered early from the record (busy, paused), with the commands that would proceed,
 * each written out so it can be copied.
 */
export function replyEarly(c: CommandLabel, code: string, message: string, proceeds: readonly CommandName[], environment: string, after: string | undefined, runUrl?: string): string {
  const commands = proceeds.map((p) => echo(`/rollgate ${p} ${environment}`)).join(', ')
  const next = proceeds.length === 0 ? '' : after !== undefined ? ` After ${escapeInline(after)}: ${commands}.` : ` Would proceed now: ${commands}.`
  return cap(`😕 ${label(c)} was not dispatched (${codeSpan(code)}): ${prose(message)}. Nothing moved.${next}${runLink(runUrl)}`)
}

export function replyDispatched(c: CommandLabel, sha: string, environment: string, runUrl: string | undefined, ignored: readonly number[] = []): string {
  return cap(
    `⏳ ${label(c)} for ${codeSpan(sha.slice(0, 12))} is dispatched${runLink(runUrl)}. ` +
      `The job waits for the protection rules of the GitHub environment ${escapeInline(environment)} (reviewers, wait timers) and edits this comment when it ends.` +
      ignoredNote(ignored),
  )
}

export function replyFinished(c: CommandLabel, ok: boolean, code: string, message: string, runUrl?: string): string {
  return cap(`${ok ? '🚀' : '😕'} ${label(c)}: ${prose(message)} (${codeSpan(code)})${runLink(runUrl)}`)
}

export function replyStatus(environment: string, record: RolloutRecord | undefined, now: Date, links: { runUrl?: string; checkRunUrl?: string }): string {
  if (!record || record.phase === 'idle') return cap(`📋 ${escapeInline(environment)} has no rollout yet.${runLink(links.runUrl)}`)
  const rows: [string, string][] = [
    ['phase', record.paused ? `${record.phase} (paused by ${prose(record.paused.actor)} at ${record.paused.at}${record.paused.reason ? `: ${prose(record.paused.reason)}` : ''})` : record.phase],
    ['step', String(record.step + 1)],
    ['weight', record.mirror !== undefined && record.phase === 'canary' ? mirroringPhrase(record.mirror) : `${record.weight}%`],
    ['canary', record.canary ? `${echo(record.canary.version)} (${codeSpan(record.canary.sha.slice(0, 12))})` : '–'],
    ['stable', record.stable ? echo(record.stable.version) : '–'],
  ]
  if (record.lastVerdict) rows.push(['last verdict', `${record.lastVerdict.decision} at step ${record.lastVerdict.step + 1} (${record.lastVerdict.at}): ${prose(record.lastVerdict.summary)}`])
  if (record.lease && Date.parse(record.lease.expiresAt) > now.getTime()) {
    rows.push(['lease', `held by run ${record.lease.owner.runId}/${record.lease.owner.runAttempt} (job ${prose(record.lease.owner.job || '?')}) until ${record.lease.expiresAt}`])
  } else rows.push(['lease', 'free'])
  if (record.reason) rows.push(['reason', prose(record.reason)])
  const table = ['| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`)].join('\n')
  const report = links.checkRunUrl ? ` · [report](${links.checkRunUrl})` : ''
  return cap(`📋 Rollout of ${escapeInline(environment)}:\n\n${table}\n${report}${runLink(links.runUrl)}`)
}

export function replyHelp(policy: Policy, environment: string | undefined): string {
  return cap(`📖 Rollgate comment commands\n\n${renderHelp(policy, environment)}\n\nHelp needs ${environment ? neededRole(policy, environment, 'help') : neededForHelp(policy)} or more.`)
}

export async function createReply(port: ReplyPort, repo: RepoRef, pr: number, body: string): Promise<{ id: number; url: string }> {
  const { data } = await port.issues.createComment({ ...repo, issue_number: pr, body })
  return { id: data.id, url: data.html_url }
}

export async function updateReply(port: ReplyPort, repo: RepoRef, commentId: number, body: string): Promise<void> {
  await port.issues.updateComment({ ...repo, comment_id: commentId, body })
}

export async function react(port: ReplyPort, repo: RepoRef, commentId: number, content: Reaction): Promise<void> {
  await port.reactions.createForIssueComment({ ...repo, comment_id: commentId, content })
}
