/**
 * #10 point 7: one sticky comment per environment per pull request, across rollouts. The comment
 * is found by its hidden marker among the token's own comments (paged), updated in place, and its
 * id is only a cache in the record.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createGitHubClient } from '../../shared/github/client.js'
import { streamLogger } from '../../shared/action/logger.js'
import { stickyMarker } from '../../shared/report/targets.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { MemoryTraffic, runMain, testDeps, workspace, type Workspace } from './support.js'

const github = useFakeGitHub({ repository: 'octo-org/shop' })
const spaces: Workspace[] = []
afterEach(() => {
  for (const w of spaces.splice(0)) w.cleanup()
})

const POLICY = `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [set, "{{weight}}"], getWeight: [get] }
    steps: [ { weight: 10 }, { weight: 100 } ]
`

function setup() {
  const ws = workspace(POLICY)
  spaces.push(ws)
  const traffic = new MemoryTraffic()
  const pull = github.state.seedPull({ head: 'feature' })
  const run = (action: Parameters<typeof runMain>[0], inputs: Record<string, string>, extra: Parameters<typeof runMain>[3] = {}) =>
    runMain(action, ws, (io) => testDeps(io, { github, traffic }), { sha: pull.head.sha, pullRequest: pull.number, inputs: { environment: 'production', ...inputs }, ...extra })
  return { ws, pull, run }
}

/** Comments posted as someone else (a user pasting our marker, or chatter before ours). */
async function postAs(login: string, issue: number, bodies: string[]): Promise<void> {
  const viewer = github.state.viewer
  github.state.viewer = login
  try {
    const octokit = createGitHubClient({ token: 'ghp_other', version: 'test', logger: streamLogger(() => undefined), baseUrl: github.url, paceWrites: false })
    for (const body of bodies) await octokit.rest.issues.createComment({ owner: 'octo-org', repo: 'shop', issue_number: issue, body })
  } finally {
    github.state.viewer = viewer
  }
}

const ours = (issue: number) =>
  github.state.comments.filter((c) => c.issueNumber === issue && (c.comment.body ?? '').startsWith(stickyMarker('production')) && c.comment.user?.login === 'github-actions[bot]')

describe('the sticky comment', () => {
  it('is one comment per environment per pull request across rollouts, updated in place', async () => {
    const { pull, run } = setup()
    await run('deploy-canary', { version: 'v2', 'stable-version': 'v1' })
    await run('promote', { full: 'true' })
    expect(ours(pull.number)).toHaveLength(1)
    const id = ours(pull.number)[0]?.comment.id
    await run('deploy-canary', { version: 'v3' })
    await run('rollback', { reason: 'second rollout rolled back' })
    expect(ours(pull.number)).toHaveLength(1)
    expect(ours(pull.number)[0]?.comment.id).toBe(id)
    expect(ours(pull.number)[0]?.comment.body).toMatch(/v3/)
  })

  it('on a cache miss is found by its marker, paging past 100 comments, without creating another', async () => {
    const { ws, pull, run } = setup()
    await postAs('bob', pull.number, Array.from({ length: 120 }, (_, i) => `chatter ${i}`))
    await run('deploy-canary', { version: 'v2', 'stable-version': 'v1' })
    await run('promote', { full: 'true' })
    const id = ours(pull.number)[0]?.comment.id
    // A rollout from another pull request: the record's cache now names that one.
    const other = github.state.seedPull({ head: 'other' })
    const traffic = new MemoryTraffic()
    const elsewhere = (action: Parameters<typeof runMain>[0], inputs: Record<string, string>) =>
      runMain(action, ws, (io) => testDeps(io, { github, traffic }), { sha: other.head.sha, pullRequest: other.number, inputs: { environment: 'production', ...inputs } })
    await elsewhere('deploy-canary', { version: 'v3' })
    await elsewhere('promote', { full: 'true' })
    // Back on the first pull request: a miss, so the marker search pages through the thread.
    const listed = github.count('issues/list-comments')
    await run('deploy-canary', { version: 'v4' })
    expect(github.count('issues/list-comments') - listed).toBe(2)
    expect(ours(pull.number)).toHaveLength(1)
    expect(ours(pull.number)[0]?.comment.id).toBe(id)
    expect(ours(pull.number)[0]?.comment.body).toMatch(/v4/)
  })

  it('a pasted marker in someone else\'s comment is not ours: it is left alone', async () => {
    const { pull, run } = setup()
    await postAs('mallory', pull.number, [`${stickyMarker('production')}\nI am the rollout now`])
    await run('deploy-canary', { version: 'v2', 'stable-version': 'v1' })
    const planted = github.state.comments.find((c) => c.comment.user?.login === 'mallory')
    expect(planted?.comment.body).toMatch(/I am the rollout now/)
    expect(ours(pull.number)).toHaveLength(1)
  })
})
