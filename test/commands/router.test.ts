import { describe, expect, it } from 'vitest'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import type { FakeGitHub } from '../fakes/github/server.js'
import { commentEvent, postComment, runRouter } from './support.js'

const POLICY = `version: 1
commands:
  roles: { deployer: write, auditor: read }
environments:
  production:
    traffic: { provider: command, setWeight: [./set-weight.sh, "{{weight}}"] }
    steps: [ { weight: 10 }, { weight: 50 }, { weight: 100 } ]
    protect: { promote: maintain, rollback: triage, canary: write }
  staging:
    allowForks: true
    traffic: { provider: command, setWeight: [./set-weight.sh, "{{weight}}"] }
    steps: [ { weight: 50 }, { weight: 100 } ]
`

const PR_POLICY_LOWERING_THE_BAR = POLICY.replace('promote: maintain', 'promote: read')

function seed(github: FakeGitHub, options: { fork?: boolean; policy?: string } = {}) {
  github.state.commitFiles({ branch: github.state.defaultBranch, files: { '.github/rollgate.yml': options.policy ?? POLICY } })
  const pull = github.state.seedPull({
    head: 'feature',
    files: { '.github/rollgate.yml': PR_POLICY_LOWERING_THE_BAR, 'app.txt': 'v2\n' },
    ...(options.fork ? { headRepository: 'mallory/octo-repo' } : {}),
  })
  return pull
}

async function command(github: FakeGitHub, body: string, login: string, extra: Partial<Parameters<typeof commentEvent>[0]> = {}) {
  const pr = extra.pr ?? [...github.state.pulls.keys()][0] as number
  const commentId = await postComment(github, pr, body)
  const event = commentEvent({ github, body, login, pr, commentId, ...extra })
  const run = await runRouter(github, event)
  const record = github.state.comments.find((c) => c.comment.id === commentId)
  const reactions = record?.reactions.map((r) => r.content) ?? []
  const replies = github.state.comments.filter((c) => c.comment.id !== commentId && c.comment.id > commentId).map((c) => c.comment.body ?? '')
  return { ...run, reactions, replies, commentId }
}

// The first event of a file compiles GitHub's webhook schema (test/commands/support.ts): well over
// the default 20 s on a loaded two-core runner, so these tests get longer.
describe('router', { timeout: 120_000 }, () => {
  const github = useFakeGitHub()

  it('ignores comments without a command, on issues and deleted ones, without a single REST call', async () => {
    seed(github)
    for (const extra of [{ body: 'lgtm' }, { body: '> /rollgate promote production' }, { body: '/rollgate promote production', onIssue: true }, { body: '/rollgate promote production', action: 'deleted' as const }]) {
      const pr = [...github.state.pulls.keys()][0] as number
      const event = commentEvent({ github, login: 'alice', pr, commentId: 1, ...extra })
      const run = await runRouter(github, event)
      expect(run.result['reasonCode']).toBe('ignored')
      expect(run.calls).toEqual([])
      expect(run.outputs['command']).toBe('')
    }
  })

  it('dispatches an authorized promote: outputs pin the head SHA, the reply links the run, nothing moves', async () => {
    const pull = seed(github)
    github.state.permissions.set('maria', 'maintain')
    const run = await command(github, 'Ship it!\n\n/rollgate PROMOTE Production --to 50', 'maria')
    expect(run.result).toMatchObject({ reasonCode: 'dispatched', command: 'promote', environment: 'production', sha: pull.head.sha })
    expect(run.outputs).toMatchObject({ command: 'promote', environment: 'production', sha: pull.head.sha, ref: `refs/pull/${pull.number}/head`, pr: String(pull.number) })
    expect(JSON.parse(run.outputs['args'] as string)).toEqual({ to: 50 })
    expect(Number(run.outputs['comment-id'])).toBeGreaterThan(run.commentId)
    expect(run.replies).toHaveLength(1)
    expect(run.replies[0]).toContain('dispatched')
    expect(run.replies[0]).toContain('actions/runs/4242')
    // The reply is the acknowledgement; the dispatched job reacts 👀 when it starts (after reviewers).
    expect(run.reactions).toEqual([])
    expect(github.state.deployments).toHaveLength(0)
    expect(run.calls.length).toBeLessThanOrEqual(6)
  })

  it('judges by the default branch policy, never the pull request head', async () => {
    seed(github)
    github.state.permissions.set('rita', 'read')
    const run = await command(github, '/rollgate promote production', 'rita')
    expect(run.result['reasonCode']).toBe('denied-role')
    expect(run.replies[0]).toContain('needs the maintain role')
    // The policy comes in the starting GraphQL read (policy and record together), at the default branch.
    const contents = github.requests.filter((r) => r.operationId === 'repos/get-content')
    expect(contents).toEqual([])
    const reads = github.requests.filter((r) => r.path === '/graphql').map((r) => (r.body as { variables?: Record<string, unknown> }).variables ?? {})
    expect(reads).toHaveLength(1)
    expect(String(reads[0]?.['policy'])).toMatch(/^main:\.github\/rollgate\.yml$/)
  })

  it('answers every denial with 👎 and a reply naming the role needed and found, in at most 5 REST calls', async () => {
    seed(github)
    github.state.permissions.set('walt', 'write')
    const run = await command(github, '/rollgate promote production', 'walt')
    expect(run.result['reasonCode']).toBe('denied-role')
    expect(run.reactions).toEqual(['-1'])
    expect(run.replies[0]).toMatch(/needs the maintain role.*has write/)
    expect(run.outputs['command']).toBe('')
    expect(run.calls.length).toBeLessThanOrEqual(5)
    expect(run.calls).not.toContain('POST reactions/create-for-issue-comment eyes')
  })

  it('an unmapped custom role is denied with a reply saying so; a mapped one counts as its base role', async () => {
    seed(github)
    github.state.permissions.set('cu', { roleName: 'release-captain', base: 'admin' })
    const denied = await command(github, '/rollgate rollback production', 'cu')
    expect(denied.result['reasonCode']).toBe('denied-role')
    expect(denied.replies[0]).toContain('commands.roles does not map')
    github.state.permissions.set('dee', { roleName: 'deployer', base: 'write' })
    const allowed = await command(github, '/rollgate rollback production --reason "checkout errors"', 'dee')
    expect(allowed.result['reasonCode']).toBe('dispatched')
    expect(JSON.parse(allowed.outputs['args'] as string)).toEqual({ reason: 'checkout errors' })
  })

  it('on an edit judges the editor, not the author, and only with commands.allowEdited', async () => {
    seed(github, { policy: POLICY.replace('commands:\n', 'commands:\n  allowEdited: true\n') })
    github.state.permissions.set('admin-ann', 'admin')
    github.state.permissions.set('ed', 'read')
    const run = await command(github, '/rollgate promote production', 'ed', { action: 'edited', author: 'admin-ann', previousBody: 'typo' })
    expect(run.result['reasonCode']).toBe('denied-role')
    expect(run.replies[0]).toContain('@\u200ded')
    const permission = github.requests.filter((r) => r.operationId === 'repos/get-collaborator-permission-level').map((r) => r.path)
    expect(permission.at(-1)).toMatch(/collaborators\/ed\/permission$/)
  })

  it('an edit that leaves the command as it was does not run it again', async () => {
    seed(github, { policy: POLICY.replace('commands:\n', 'commands:\n  allowEdited: true\n') })
    github.state.permissions.set('maria', 'maintain')
    const run = await command(github, '/rollgate promote production\nfixed a typo', 'maria', { action: 'edited', previousBody: '/rollgate promote production\nfixed a tpyo' })
    expect(run.result['reasonCode']).toBe('ignored')
    expect(run.calls).toEqual([])
  })

  it('bots are ignored (no reply, no reaction) unless commands.allowBots', async () => {
    seed(github)
    github.state.permissions.set('deploy-bot[bot]', 'admin')
    const run = await command(github, '/rollgate promote production', 'deploy-bot[bot]', { senderType: 'Bot' })
    expect(run.result['reasonCode']).toBe('denied-bot')
    expect(run.replies).toEqual([])
    expect(run.reactions).toEqual([])
    expect(run.calls.length).toBeLessThanOrEqual(1)
  })

  it('refuses fork pull requests unless the environment allows forks', async () => {
    seed(github, { fork: true })
    github.state.permissions.set('maria', 'admin')
    const prod = await command(github, '/rollgate promote production', 'maria')
    expect(prod.result['reasonCode']).toBe('denied-fork')
    expect(prod.outputs['command']).toBe('')
    const staging = await command(github, '/rollgate promote staging', 'maria')
    expect(staging.result['reasonCode']).toBe('dispatched')
  })

  it('checks the head branch against the environment deployment branch policies', async () => {
    seed(github)
    github.state.permissions.set('maria', 'admin')
    github.state.environments.set('production', { id: 77, name: 'Production', createdAt: new Date(), branchPolicy: { customPatterns: [{ name: 'release/*', type: 'branch' }, { name: 'feature', type: 'tag' }] } })
    const denied = await command(github, '/rollgate promote production', 'maria')
    expect(denied.result['reasonCode']).toBe('denied-branch-policy')
    expect(denied.replies[0]).toContain('release/\\*')
    github.state.environments.set('production', { id: 77, name: 'Production', createdAt: new Date(), branchPolicy: { customPatterns: [{ name: 'feat*', type: 'branch' }] } })
    const allowed = await command(github, '/rollgate promote production', 'maria')
    expect(allowed.result['reasonCode']).toBe('dispatched')
  })

  it('canary needs green checks (Rollgate\'s own excepted) and names the ones that are not, in at most 8 REST calls (7 + the record read for an early busy answer)', async () => {
    const pull = seed(github)
    github.state.permissions.set('walt', 'write')
    const { owner, repo } = github.state
    const post = (path: string, body: unknown) =>
      fetch(`${github.url}/repos/${owner}/${repo}/${path}`, { method: 'POST', headers: { authorization: 'token x', 'content-type': 'application/json' }, body: JSON.stringify(body) })
    await post('check-runs', { name: 'build', head_sha: pull.head.sha, status: 'in_progress' })
    await post('check-runs', { name: 'rollgate/production', head_sha: pull.head.sha, status: 'completed', conclusion: 'failure' })
    const pending = await command(github, '/rollgate canary production --version v2', 'walt')
    expect(pending.result['reasonCode']).toBe('checks-pending')
    expect(pending.replies[0]).toContain('build')
    expect(pending.replies[0]).not.toContain('rollgate/production')
    await post('check-runs', { name: 'build', head_sha: pull.head.sha, status: 'completed', conclusion: 'success' })
    await post(`statuses/${pull.head.sha}`, { context: 'ci/lint', state: 'failure' })
    const failed = await command(github, '/rollgate canary production --version v2', 'walt')
    expect(failed.result['reasonCode']).toBe('checks-failed')
    expect(failed.replies[0]).toContain('ci/lint')
    await post(`statuses/${pull.head.sha}`, { context: 'ci/lint', state: 'success' })
    const green = await command(github, '/rollgate canary production --version v2', 'walt')
    expect(green.result['reasonCode']).toBe('dispatched')
    expect(green.outputs['sha']).toBe(pull.head.sha)
    expect(green.calls.length).toBeLessThanOrEqual(8)
  })

  it('canary and promote on a closed pull request are refused with pr-closed; rollback is not', async () => {
    const pull = seed(github)
    pull.state = 'closed'
    github.state.permissions.set('maria', 'admin')
    expect((await command(github, '/rollgate promote production', 'maria')).result['reasonCode']).toBe('pr-closed')
    expect((await command(github, '/rollgate rollback production', 'maria')).result['reasonCode']).toBe('dispatched')
  })

  it('a mistake gets 😕, the mistake with a did-you-mean and the help; nothing runs', async () => {
    seed(github)
    github.state.permissions.set('walt', 'write')
    const run = await command(github, '/rollgate promot production', 'walt')
    expect(run.result['reasonCode']).toBe('unknown-command')
    expect(run.reactions).toEqual(['confused'])
    expect(run.replies[0]).toContain('Did you mean `promote`?')
    expect(run.replies[0]).toContain('/rollgate promote [environment] [--to N \\| --full]')
    expect(run.outputs['command']).toBe('')
    const env = await command(github, '/rollgate promote prodution', 'walt')
    expect(env.result['reasonCode']).toBe('unknown-environment')
    expect(env.replies[0]).toContain('Did you mean `production`?')
    const missing = await command(github, '/rollgate promote', 'walt')
    expect(missing.result['reasonCode']).toBe('ambiguous-environment')
  })

  it('a second command in the comment is answered, not run', async () => {
    seed(github)
    github.state.permissions.set('maria', 'maintain')
    const run = await command(github, '/rollgate promote production\n/rollgate rollback production', 'maria')
    expect(run.result['reasonCode']).toBe('dispatched')
    expect(run.outputs['command']).toBe('promote')
    expect(run.replies[0]).toContain('on line 2 did not run')
  })

  it('help lists the environments and the role each command needs there', async () => {
    seed(github)
    github.state.permissions.set('rita', 'read')
    const run = await command(github, '/rollgate help', 'rita')
    expect(run.result['reasonCode']).toBe('replied')
    expect(run.reactions).toEqual(['eyes'])
    expect(run.replies[0]).toMatch(/\| promote \| .* \| maintain \| write \|/)
  })

  it('status answers from the record; pause is written by the router and refused to readers', async () => {
    seed(github)
    github.state.permissions.set('rita', 'read')
    github.state.permissions.set('walt', 'write')
    const status = await command(github, '/rollgate status production', 'rita')
    expect(status.result['reasonCode']).toBe('replied')
    expect(status.replies[0]).toContain('has no rollout yet')
    const denied = await command(github, '/rollgate pause production', 'rita')
    expect(denied.result['reasonCode']).toBe('denied-role')
    const idle = await command(github, '/rollgate pause production', 'walt')
    expect(idle.result['reasonCode']).toBe('illegal-move')
    expect(idle.reactions).toEqual(['eyes', 'confused'])
  })

  it('a policy error fails the run with a result and answers nobody', async () => {
    seed(github, { policy: 'version: 2\n' })
    github.state.permissions.set('maria', 'admin')
    const run = await command(github, '/rollgate promote production', 'maria')
    expect(run.error).toBeDefined()
    expect(run.result['reasonCode']).toBe('invalid-policy')
    expect(run.replies).toEqual([])
  })
})
