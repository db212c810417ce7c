/**
 * Who may run which `/rollgate` command where. The judgements are pure functions over what the
 * router read (the event, the default branch's policy, the collaborator permission, the pull
 * request, the environment's deployment branch policies); the reads are the small functions at
 * the end, each one REST call on a narrow port.
 *
 * Roles come from `role_name` (not the legacy `permission`, which folds maintain into write and
 * triage into read). A custom role's base role is not visible to a workflow token, so the policy
 * maps it (`commands.roles`); an unmapped one is denied, never guessed.
 */
import { ConfigError } from '../errors.js'
import type { Environment, Policy } from '../config/policy.generated.js'
import { gitHubError } from '../github/client.js'
import { listAll, type RepoRef } from '../github/ports.js'
import type { CommandName } from './grammar.js'
import type { CommandsPort } from './ports.js'

export const BASE_ROLES = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const
export type BaseRole = (typeof BASE_ROLES)[number]

export type DenialCode = 'denied-role' | 'denied-bot' | 'denied-edited' | 'denied-fork' | 'denied-branch-policy'

export type Judgement = { allowed: true; role?: BaseRole; needed?: BaseRole } | Denial

export interface Denial {
  allowed: false
  code: DenialCode
  /** One sentence for the reply; any user-controlled part is neutralized by the renderer. */
  message: string
  needed?: BaseRole
  /** The role as GitHub reported it (a custom role's own name). */
  found?: string
}

function isBaseRole(role: string): role is BaseRole {
  return (BASE_ROLES as readonly string[]).includes(role)
}

export function roleAtLeast(role: BaseRole, needed: BaseRole): boolean {
  return BASE_ROLES.indexOf(role) >= BASE_ROLES.indexOf(needed)
}

/** The base role a `role_name` counts as: itself, the policy's mapping of a custom role, or undefined. */
export function baseRoleOf(roleName: string, policy: Pick<Policy, 'commands'>): BaseRole | undefined {
  const name = roleName.toLowerCase()
  if (isBaseRole(name)) return name
  // GitHub's REST answers `pull`/`push` in some places; they are read and write.
  if (name === 'pull') return 'read'
  if (name === 'push') return 'write'
  const mapped = Object.entries(policy.commands.roles).find(([custom]) => custom.toLowerCase() === name)
  return mapped?.[1]
}

/** The minimum role for a command in an environment (the policy's `protect`), as a base role. */
export function neededRole(policy: Policy, environment: string, command: CommandName): BaseRole {
  const env = policy.environments[environment] as Environment
  const written = env.protect[command]
  const base = baseRoleOf(written, policy)
  if (base === undefined) {
    throw new ConfigError(
      `environments.${environment}.protect.${command} is '${written}', which is neither a base role (${BASE_ROLES.slice(1).join(', ')}) nor a custom role listed in commands.roles`,
    )
  }
  return base
}

/** `help` without an environment needs the least any environment asks for it. */
export function neededForHelp(policy: Policy): BaseRole {
  const roles = Object.keys(policy.environments).map((e) => neededRole(policy, e, 'help'))
  return roles.reduce<BaseRole>((low, r) => (BASE_ROLES.indexOf(r) < BASE_ROLES.indexOf(low) ? r : low), 'admin')
}

export interface Sender {
  login: string
  type: string
}

export function isBot(sender: Sender): boolean {
  return sender.type === 'Bot' || /\[bot\]$/i.test(sender.login)
}

/** What the event itself allows, before any API call: bots and edited comments. */
export function judgeEvent(event: { action: string; sender: Sender }, policy: Pick<Policy, 'commands'>): Judgement {
  if (isBot(event.sender) && !policy.commands.allowBots) {
    return { allowed: false, code: 'denied-bot', message: `commands from bots are ignored unless the policy sets commands.allowBots (sender: ${event.sender.login})` }
  }
  if (event.action === 'edited' && !policy.commands.allowEdited) {
    return { allowed: false, code: 'denied-edited', message: 'edited comments are not read as commands unless the policy sets commands.allowEdited; post the command as a new comment' }
  }
  return { allowed: true }
}

/** Whether the person judged (the event's sender: on an edit, the editor) holds the role needed. */
export function judgeRole(roleName: string, needed: BaseRole, policy: Pick<Policy, 'commands'>, login: string): Judgement {
  const role = baseRoleOf(roleName, policy)
  if (role === undefined) {
    return {
      allowed: false,
      code: 'denied-role',
      needed,
      found: roleName,
      message: `@${login} has the custom role '${roleName}', which commands.roles does not map to a base role; this command needs ${needed}`,
    }
  }
  if (!roleAtLeast(role, needed)) {
    const shown = role === roleName.toLowerCase() ? role : `${roleName} (counts as ${role})`
    return { allowed: false, code: 'denied-role', needed, found: roleName, message: `this command needs the ${needed} role here; @${login} has ${shown}` }
  }
  return { allowed: true, role, needed }
}

export interface PullFacts {
  number: number
  state: 'open' | 'closed'
  merged: boolean
  headSha: string
  headRef: string
  /** The head repository differs from the base one (or was deleted). */
  fork: boolean
}

export function judgeFork(pull: PullFacts, environment: string, policy: Policy): Judgement {
  if (pull.fork && !(policy.environments[environment] as Environment).allowForks) {
    return {
      allowed: false,
      code: 'denied-fork',
      message: `commands on pull requests from forks are refused for ${environment} unless the policy sets environments.${environment}.allowForks`,
    }
  }
  return { allowed: true }
}

/** An environment's deployment branch policy, as GitHub's environments API describes it. */
export type BranchPolicy =
  | { kind: 'none' }
  | { kind: 'protected'; headProtected: boolean }
  | { kind: 'custom'; patterns: string[] }

/**
 * Matches a name against a deployment branch policy pattern as GitHub does (File.fnmatch with
 * FNM_PATHNAME: `*` and `?` stop at `/`, `**` crosses it, `[...]` classes).
 */
export function matchesBranchPattern(name: string, pattern: string): boolean {
  let re = '^'
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*'
        i++
        if (pattern[i + 1] === '/') i++
      } else re += '[^/]*'
    } else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end < 0) re += '\\['
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\')
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`
        i = end
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&')
  }
  try {
    return new RegExp(`${re}$`).test(name)
  } catch {
    return false
  }
}

/**
 * On `issue_comment` the dispatched job runs on the default branch, so GitHub checks the
 * environment's branch policy against that branch; the router checks the PR's head branch itself.
 */
export function judgeBranchPolicy(headRef: string, environment: string, policy: BranchPolicy): Judgement {
  if (policy.kind === 'none') return { allowed: true }
  if (policy.kind === 'protected') {
    if (policy.headProtected) return { allowed: true }
    return { allowed: false, code: 'denied-branch-policy', message: `the GitHub environment ${environment} deploys only protected branches, and ${headRef} is not protected` }
  }
  if (policy.patterns.some((p) => matchesBranchPattern(headRef, p))) return { allowed: true }
  const list = policy.patterns.length === 0 ? 'no branch' : policy.patterns.join(', ')
  return { allowed: false, code: 'denied-branch-policy', message: `the GitHub environment ${environment} deploys only branches matching ${list}; ${headRef} does not match` }
}

// -------------------------------------------------------------------------------------------
// Reads: one REST call each (two for a custom branch policy).

export type CommandsReadPort = Pick<CommandsPort, 'repos' | 'pulls'>

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status
  return typeof status === 'number' ? status : undefined
}

/** The judged person's `role_name`; `none` when GitHub does not know them as a collaborator. */
export async function readRoleName(port: Pick<CommandsReadPort, 'repos'>, repo: RepoRef, login: string): Promise<string> {
  try {
    const { data } = await port.repos.getCollaboratorPermissionLevel({ ...repo, username: login })
    return data.role_name || 'none'
  } catch (error) {
    if (statusOf(error) === 404) return 'none'
    throw gitHubError(`GET collaborators/${login}/permission`, error)
  }
}

export async function readPull(port: Pick<CommandsReadPort, 'pulls'>, repo: RepoRef, number: number): Promise<PullFacts> {
  try {
    const { data } = await port.pulls.get({ ...repo, pull_number: number })
    const base = data.base.repo.full_name.toLowerCase()
    return {
      number: data.number,
      state: data.state === 'open' ? 'open' : 'closed',
      merged: data.merged,
      headSha: data.head.sha,
      headRef: data.head.ref,
      fork: data.head.repo === null || data.head.repo.full_name.toLowerCase() !== base,
    }
  } catch (error) {
    throw gitHubError(`GET pulls/${number}`, error)
  }
}

/** The environment's deployment branch policy; none when GitHub has no such environment yet. */
export async function readBranchPolicy(port: Pick<CommandsReadPort, 'repos'>, repo: RepoRef, environment: string, headRef: string): Promise<BranchPolicy> {
  let settings: { protected_branches: boolean; custom_branch_policies: boolean } | null | undefined
  try {
    settings = (await port.repos.getEnvironment({ ...repo, environment_name: environment })).data.deployment_branch_policy
  } catch (error) {
    if (statusOf(error) === 404) return { kind: 'none' }
    throw gitHubError(`GET environments/${environment}`, error)
  }
  if (!settings) return { kind: 'none' }
  try {
    if (settings.protected_branches) {
      const { data } = await port.repos.getBranch({ ...repo, branch: headRef })
      return { kind: 'protected', headProtected: data.protected }
    }
    const policies = await listAll(port.repos.listDeploymentBranchPolicies, { ...repo, environment_name: environment }, { items: (d) => d.branch_policies, maxPages: 5 })
    return { kind: 'custom', patterns: policies.filter((p) => (p.type ?? 'branch') === 'branch' && p.name).map((p) => p.name as string) }
  } catch (error) {
    if (statusOf(error) === 404 && settings.protected_branches) return { kind: 'protected', headProtected: false }
    throw gitHubError(`GET environments/${environment} branch policies`, error)
  }
}
