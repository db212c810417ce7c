import { describe, expect, it } from 'vitest'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { commentEvent, postComment, runRouter } from './support.js'

const POLICY = `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [./set-weight.sh, "{{weight}}"] }
    steps: [ { weight: 10 }, { weight: 100 } ]
    protect: { promote: maintain }
`

// REST calls the router makes per command (the fake GitHub counts every request); printed for the report.
// The first event of a file compiles GitHub's webhook schema (test/commands/support.ts): well over
// the default 20 s on a loaded two-core runner, so these tests get longer.
describe('router REST budget', { timeout: 120_000 }, () => {
  const github = useFakeGitHub()
  it.each([
    ['denial (role)', '/rollgate promote production', 'write', 5],
    ['mistake', '/rollgate promot production', 'write', 5],
    // canary: the head's checks and statuses, plus one GraphQL read of the policy and the record (issue 12's goal).
    ['canary', '/rollgate canary production --version v2', 'write', 7],
    ['promote', '/rollgate promote production', 'maintain', 7],
    ['rollback', '/rollgate rollback production', 'write', 7],
    ['status', '/rollgate status production', 'read', 7],
    ['help', '/rollgate help', 'read', 7],
  ] as const)('%s', async (name, body, role, goal) => {
    github.state.commitFiles({ branch: 'main', files: { '.github/rollgate.yml': POLICY } })
    const pull = github.state.seedPull({ head: 'feature' })
    github.state.permissions.set('u', role)
    const commentId = await postComment(github, pull.number, body)
    const run = await runRouter(github, commentEvent({ github, body, login: 'u', pr: pull.number, commentId }))
    console.log(`router REST calls, ${name}: ${run.calls.length} (${run.calls.join(', ')})`)
    expect(run.calls.length).toBeLessThanOrEqual(goal)
  })
})
