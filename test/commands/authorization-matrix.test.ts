/**
 * The whole authorization matrix of the router, generated: every role (six base roles, a custom
 * role the policy maps, one it does not) × every command × four environments (production or not,
 * with or without required reviewers on the GitHub environment) × actor kind (user, bot, bot with
 * commands.allowBots) × pull request kind (same repository, fork, fork with allowForks) × comment
 * (created, edited, edited with commands.allowEdited): 6,912 cases, each compared with the
 * expectation computed from the rules docs/commands.md states ("Who may run what, in order"),
 * written here a second time on purpose: the test is the documentation's check on the code.
 *
 * Every case runs the router's routeComment over an in-memory GitHub that answers its narrow port
 * from the same table the fake server holds (thousands of cases in seconds); a deterministic
 * sample of them also runs the router's main through the fake GitHub server, which checks every
 * request against GitHub's OpenAPI description, and must give the same observations.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { actionLogger } from '../../shared/action/logger.js'
import { checkPolicy } from '../../shared/config/load.js'
import type { Policy } from '../../shared/config/policy.generated.js'
import { routeComment, type RouterDeps } from '../../shared/commands/dispatch.js'
import { FileStateStore } from '../../shared/state/file-store.js'
import { FakeActionIO } from '../fakes/action-io.js'
import { COMMAND_NAMES, type CommandName } from '../../shared/commands/grammar.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { commentEvent, postComment, runRouter } from './support.js'

const ROLES = ['admin', 'maintain', 'write', 'triage', 'read', 'none', 'deployer', 'release-captain'] as const
type Role = (typeof ROLES)[number]
const ACTORS = ['user', 'bot', 'bot-allowed'] as const
const PULLS = ['same-repo', 'fork', 'fork-allowed'] as const
const EDITS = ['created', 'edited', 'edited-allowed'] as const

interface EnvironmentCase {
  name: string
  production: boolean
  reviewers: boolean
}
const ENVIRONMENTS: EnvironmentCase[] = [
  { name: 'production', production: true, reviewers: true },
  { name: 'production-eu', production: true, reviewers: false },
  { name: 'staging', production: false, reviewers: true },
  { name: 'preview', production: false, reviewers: false },
]

// What docs/commands.md states. Base roles in order; `deployer` is mapped to write by the policy;
// `release-captain` is not mapped (GitHub's base role for it, admin, must not count).
const RANK: Record<string, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 }
const BASE_OF: Partial<Record<Role, string>> = { admin: 'admin', maintain: 'maintain', write: 'write', triage: 'triage', read: 'read', none: 'none', deployer: 'write' }
/** The schema's defaults (docs/commands.md, "Who may run what"). */
const DEFAULT_PROTECT: Record<CommandName, string> = { canary: 'write', promote: 'write', rollback: 'write', analyze: 'triage', pause: 'write', resume: 'write', status: 'read', help: 'read' }
/** Production environments in this policy set their own bar, a custom role among them. */
const PRODUCTION_PROTECT: Record<CommandName, string> = { canary: 'write', promote: 'maintain', rollback: 'triage', analyze: 'triage', pause: 'triage', resume: 'maintain', status: 'triage', help: 'read' }

interface Case {
  role: Role
  command: CommandName
  environment: EnvironmentCase
  actor: (typeof ACTORS)[number]
  pull: (typeof PULLS)[number]
  edit: (typeof EDITS)[number]
}

function needed(c: Case): string {
  return (c.environment.production ? PRODUCTION_PROTECT : DEFAULT_PROTECT)[c.command]
}

/** The rules, in the order docs/commands.md gives them. */
function expected(c: Case): string {
  if (c.actor === 'bot') return 'denied-bot'
  if (c.edit === 'edited') return 'denied-edited'
  const base = BASE_OF[c.role]
  if (base === undefined || (RANK[base] as number) < (RANK[needed(c)] as number)) return 'denied-role'
  if (c.command === 'status' || c.command === 'help') return 'replied'
  if (c.pull === 'fork') return 'denied-fork'
  // No rollout exists in these environments: pause and resume are authorized, then refused by the record.
  if (c.command === 'pause' || c.command === 'resume') return 'illegal-move'
  return 'dispatched'
}

function policyFor(flags: { allowBots: boolean; allowEdited: boolean; allowForks: boolean }): string {
  const env = (e: EnvironmentCase) =>
    [
      `  ${e.name}:`,
      `    production: ${e.production}`,
      ...(flags.allowForks ? ['    allowForks: true'] : []),
      '    traffic: { provider: command, setWeight: [./set-weight.sh, "{{weight}}"] }',
      '    steps: [ { weight: 10 }, { weight: 100 } ]',
      ...(e.production ? [`    protect: { ${Object.entries(PRODUCTION_PROTECT).map(([k, v]) => `${k}: ${v}`).join(', ')} }`] : []),
    ].join('\n')
  return [
    'version: 1',
    'commands:',
    '  roles: { deployer: write }',
    `  allowBots: ${flags.allowBots}`,
    `  allowEdited: ${flags.allowEdited}`,
    'environments:',
    ...ENVIRONMENTS.map(env),
    '',
  ].join('\n')
}

const CASES: Case[] = ROLES.flatMap((role) =>
  COMMAND_NAMES.flatMap((command) =>
    ENVIRONMENTS.flatMap((environment) =>
      ACTORS.flatMap((actor) => PULLS.flatMap((pull) => EDITS.map((edit) => ({ role, command, environment, actor, pull, edit })))),
    ),
  ),
)

/** Every 61st case (a prime stride, so it walks across all dimensions) also runs through the server. */
const SERVER_STRIDE = 61

const login = (c: Case) => (c.actor === 'user' ? `${c.role}-person` : `${c.role}-ci[bot]`)
const label = (c: Case) => `${c.role} ${c.command} ${c.environment.name} ${c.actor} ${c.pull} ${c.edit}`
const flagsOf = (c: Case) => ({ allowBots: c.actor === 'bot-allowed', allowEdited: c.edit === 'edited-allowed', allowForks: c.pull === 'fork-allowed' })

const PERMISSIONS: Record<string, { roleName: string; base: 'none' | 'read' | 'triage' | 'write' | 'maintain' | 'admin' }> = Object.fromEntries(
  ROLES.flatMap((role) => {
    const seed = role === 'deployer' ? { roleName: 'deployer', base: 'write' as const } : role === 'release-captain' ? { roleName: 'release-captain', base: 'admin' as const } : { roleName: role, base: role }
    return [
      [`${role}-person`, seed],
      [`${role}-ci[bot]`, seed],
    ]
  }),
)
PERMISSIONS['admin-author'] = { roleName: 'admin', base: 'admin' }

/** What a user of the pull request sees, however the router was run. */
interface Observation {
  reasonCode: string
  command: string
  reactions: string[]
  replies: string[]
  /** REST calls besides the policy read (given in process; one Contents API call through the server). */
  calls: number
}

function problemsOf(c: Case, seen: Observation): string[] {
  const want = expected(c)
  const problems: string[] = []
  if (seen.reasonCode !== want) problems.push(`reasonCode ${seen.reasonCode}, expected ${want}`)
  if (seen.command !== (want === 'dispatched' ? c.command : '')) problems.push(`command output ${JSON.stringify(seen.command)}`)
  if (want === 'denied-bot') {
    // Silence toward bots: nothing but the policy read.
    if (seen.reactions.length + seen.replies.length !== 0) problems.push('a bot was answered')
    return problems
  }
  if (seen.replies.length !== 1) problems.push(`${seen.replies.length} replies`)
  if (want.startsWith('denied-')) {
    if (seen.reactions.join() !== '-1') problems.push(`reactions ${seen.reactions.join()} on a denial`)
    if (seen.calls + 1 > 5) problems.push(`${seen.calls + 1} REST calls for a denial (goal: 5)`)
  } else if (seen.reactions.includes('-1')) problems.push('👎 on an allowed command')
  // Nothing is acknowledged before the dispatched job starts (after the environment's reviewers).
  if (want === 'dispatched' && seen.reactions.length > 0) problems.push(`reacted ${seen.reactions.join()} on dispatch`)
  if (want === 'replied' && seen.reactions.join() !== 'eyes') problems.push(`reactions ${seen.reactions.join()} on an answer`)
  if (want === 'denied-role') {
    const reply = seen.replies[0] ?? ''
    const found = c.role === 'deployer' ? 'deployer (counts as write)' : c.role
    if (c.role === 'release-captain') {
      if (!reply.includes("custom role 'release-captain', which commands.roles does not map")) problems.push('the unmapped custom role is not named in the reply')
    } else if (!reply.includes(`needs the ${needed(c)} role here`) || !reply.includes(`has ${found}`)) {
      problems.push(`the reply does not name ${needed(c)} needed and ${found} found: ${reply.slice(0, 160)}`)
    }
  }
  return problems
}

function parsePolicy(text: string): Policy {
  const checked = checkPolicy(text, '.github/rollgate.yml', {}, { allowUnsetEnv: true })
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems))
  return checked.policy
}

interface MemoryPull {
  number: number
  headSha: string
  headRef: string
  headRepo: string
}

/** GitHub as the router's narrow port sees it, in memory: the same facts the fake server is seeded with. */
function memoryGitHub(owner: string, repo: string, pulls: MemoryPull[]) {
  const reactions: string[] = []
  const replies: string[] = []
  let calls = 0
  let nextId = 5_000_000
  const notFound = () => Object.assign(new Error('Not Found'), { status: 404 })
  const answer = <T>(data: T) => {
    calls++
    return Promise.resolve({ data, headers: {}, status: 200, url: '' })
  }
  const port = {
    repos: {
      getCollaboratorPermissionLevel: ({ username }: { username: string }) => {
        const seed = PERMISSIONS[username]
        if (!seed) {
          calls++
          return Promise.reject(notFound())
        }
        return answer({ role_name: seed.roleName, permission: seed.base, user: null })
      },
      getEnvironment: ({ environment_name }: { environment_name: string }) => {
        const env = ENVIRONMENTS.find((e) => e.name.toLowerCase() === environment_name.toLowerCase())
        if (!env) {
          calls++
          return Promise.reject(notFound())
        }
        return answer({ name: env.name, deployment_branch_policy: null, protection_rules: env.reviewers ? [{ type: 'required_reviewers' }] : [] })
      },
      getCombinedStatusForRef: () => answer({ state: 'success', statuses: [] }),
      getBranch: () => Promise.reject(new Error('not expected: no environment has a branch policy')),
      listDeploymentBranchPolicies: () => Promise.reject(new Error('not expected: no environment has a branch policy')),
      getContent: () => Promise.reject(new Error('not expected: the policy is given')),
    },
    pulls: {
      get: ({ pull_number }: { pull_number: number }) => {
        const pull = pulls.find((p) => p.number === pull_number)
        if (!pull) return Promise.reject(notFound())
        return answer({
          number: pull.number,
          state: 'open',
          merged: false,
          head: { sha: pull.headSha, ref: pull.headRef, repo: { full_name: pull.headRepo } },
          base: { repo: { full_name: `${owner}/${repo}` } },
        })
      },
    },
    checks: { listForRef: () => answer({ total_count: 0, check_runs: [] }) },
    issues: {
      createComment: ({ body }: { body: string }) => {
        replies.push(body)
        return answer({ id: nextId++, html_url: `https://github.com/${owner}/${repo}/pull/1#issuecomment-${nextId}` })
      },
      updateComment: () => Promise.reject(new Error('not expected: the router writes new replies')),
    },
    reactions: {
      createForIssueComment: ({ content }: { content: string }) => {
        reactions.push(content)
        return answer({ id: nextId++, content })
      },
    },
  }
  return {
    port: port as unknown as RouterDeps['github'],
    take(): Pick<Observation, 'reactions' | 'replies' | 'calls'> {
      const seen = { reactions: [...reactions], replies: [...replies], calls }
      reactions.length = 0
      replies.length = 0
      calls = 0
      return seen
    },
  }
}

describe('authorization matrix', () => {
  const github = useFakeGitHub()

  function seedServer() {
    for (const env of ENVIRONMENTS) {
      github.state.environments.set(env.name, { id: 7000 + github.state.environments.size * 10, name: env.name, branchPolicy: null, createdAt: new Date(), ...(env.reviewers ? { reviewers: ['release-manager'] } : {}) })
    }
    for (const [name, seed] of Object.entries(PERMISSIONS)) github.state.permissions.set(name, seed.roleName === seed.base ? seed.base : seed)
    return { sameRepo: github.state.seedPull({ head: 'feature' }), fork: github.state.seedPull({ head: 'forked', headRepository: 'mallory/octo-repo' }) }
  }

  function eventFor(c: Case, pr: number, commentId: number) {
    const body = `/rollgate ${c.command} ${c.environment.name}`
    return commentEvent({
      github,
      body,
      login: login(c),
      senderType: c.actor === 'user' ? 'User' : 'Bot',
      pr,
      commentId,
      ...(c.edit !== 'created' ? { action: 'edited' as const, author: 'admin-author', previousBody: 'looks good' } : {}),
    })
  }

  it(`all ${CASES.length} cases, in process: allowed or denied with the reason code docs/commands.md gives`, async () => {
    const { sameRepo, fork } = seedServer()
    const { owner, repo } = github.state
    const memory = memoryGitHub(owner, repo, [
      { number: sameRepo.number, headSha: sameRepo.head.sha, headRef: 'feature', headRepo: `${owner}/${repo}` },
      { number: fork.number, headSha: fork.head.sha, headRef: 'forked', headRepo: 'mallory/octo-repo' },
    ])
    const policies = new Map<string, Policy>()
    const store = new FileStateStore({ directory: mkdtempSync(join(tmpdir(), 'rollgate-matrix-')) })
    const logger = actionLogger(new FakeActionIO())
    const mismatches: string[] = []
    const tally = new Map<string, number>()
    for (const [i, c] of CASES.entries()) {
      const flags = flagsOf(c)
      const key = JSON.stringify(flags)
      const policy = policies.get(key) ?? parsePolicy(policyFor(flags))
      policies.set(key, policy)
      const deps: RouterDeps = {
        github: memory.port,
        repo: { owner, repo },
        readPolicy: async () => policy,
        store,
        context: { runId: 4242, runAttempt: 1, job: 'rollgate', actor: login(c), now: new Date() },
        runUrl: `https://github.com/${owner}/${repo}/actions/runs/4242`,
        logger,
        now: () => new Date(),
      }
      const outcome = await routeComment(eventFor(c, c.pull === 'same-repo' ? sameRepo.number : fork.number, 900_000 + i), deps)
      const seen = { reasonCode: outcome.reasonCode, command: outcome.reasonCode === 'dispatched' ? (outcome.command ?? '') : '', ...memory.take() }
      tally.set(seen.reasonCode, (tally.get(seen.reasonCode) ?? 0) + 1)
      const problems = problemsOf(c, seen)
      if (problems.length > 0) mismatches.push(`${label(c)}: ${problems.join('; ')}`)
    }
    console.log(`authorization matrix: ${CASES.length} cases; outcomes ${JSON.stringify(Object.fromEntries([...tally].sort()))}`)
    expect(mismatches.slice(0, 40)).toEqual([])
    // Every outcome the rules can give occurs, so no rule is vacuous here.
    expect([...tally.keys()].sort()).toEqual(['denied-bot', 'denied-edited', 'denied-fork', 'denied-role', 'dispatched', 'illegal-move', 'replied'])
  }, 300_000)

  const sample = CASES.filter((_, i) => i % SERVER_STRIDE === 0)
  it(`a sample of ${sample.length} cases through the router's main and the OpenAPI-validating fake GitHub gives the same`, async () => {
    const { sameRepo, fork } = seedServer()
    const mismatches: string[] = []
    let policyKey = ''
    for (const c of sample) {
      const key = JSON.stringify(flagsOf(c))
      if (key !== policyKey) github.state.commitFiles({ branch: 'main', files: { '.github/rollgate.yml': policyFor(flagsOf(c)) } })
      policyKey = key
      const pr = c.pull === 'same-repo' ? sameRepo.number : fork.number
      const commentId = await postComment(github, pr, `/rollgate ${c.command} ${c.environment.name}`)
      const before = github.requests.length
      const run = await runRouter(github, eventFor(c, pr, commentId))
      const requests = github.requests.slice(before)
      const seen: Observation = {
        reasonCode: String(run.result['reasonCode']),
        command: run.outputs['command'] ?? '',
        reactions: requests.filter((r) => r.operationId === 'reactions/create-for-issue-comment').map((r) => (r.body as { content: string }).content),
        replies: requests.filter((r) => r.operationId === 'issues/create-comment').map((r) => (r.body as { body: string }).body),
        // The policy read is one call here and none in process (it is given there).
        calls: run.calls.length - 1,
      }
      const problems = [...problemsOf(c, seen), ...(run.error !== undefined ? [`threw ${String(run.error)}`] : [])]
      if (problems.length > 0) mismatches.push(`${label(c)}: ${problems.join('; ')}`)
    }
    expect(mismatches).toEqual([])
    expect(github.fakeErrors).toEqual([])
  }, 600_000)
})
