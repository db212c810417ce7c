import { describe, expect, it } from 'vitest'
import { ProviderError } from '../../shared/errors.js'
import { createGitHubClient, gitHubError } from '../../shared/github/client.js'
import { listAll } from '../../shared/github/ports.js'
import { startFakeGitHub } from '../fakes/github/server.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { capturingLogger, clientFor, deploymentOf, REPO } from './helpers.js'

describe('the Octokit from client.ts against the fake GitHub', () => {
  const github = useFakeGitHub()

  it('creates deployments and lists them past 100 with Link pagination', async () => {
    const octokit = clientFor(github)
    const sha = github.state.resolveRef('main') as string
    for (let i = 0; i < 3; i++) {
      await octokit.rest.repos.createDeployment({ ...REPO, ref: 'main', environment: 'staging', required_contexts: [], auto_merge: false, payload: { n: i } })
    }
    // Seeding the rest directly keeps the test fast; listing them still goes through the API.
    const template = github.state.deployments[0]
    for (let i = 3; i < 130; i++) github.state.deployments.push({ ...structuredClone(template!), id: 5000 + i, payload: { n: i } })

    const all = await listAll(octokit.rest.repos.listDeployments, { ...REPO, environment: 'staging' })
    expect(all).toHaveLength(130)
    expect(all[0]?.sha).toBe(sha)
    expect(github.count('repos/list-deployments')).toBe(2)
    expect(github.requests.filter((r) => r.operationId === 'repos/list-deployments').map((r) => r.query['page'])).toEqual(['1', '2'])

    const viaPaginate = await octokit.paginate(octokit.rest.repos.listDeployments, { ...REPO, per_page: 100 })
    expect(viaPaginate).toHaveLength(130)
  })

  it('creates a check run and completes it', async () => {
    const octokit = clientFor(github)
    const head_sha = github.state.resolveRef('main') as string
    const { data: created } = await octokit.rest.checks.create({ ...REPO, name: 'rollgate/production', head_sha, status: 'in_progress', output: { title: 'Canary at 5%', summary: 'Analysing' } })
    expect(created.status).toBe('in_progress')
    const { data: updated } = await octokit.rest.checks.update({ ...REPO, check_run_id: created.id, conclusion: 'success', output: { title: 'Promoted', summary: 'All checks passed' } })
    expect(updated).toMatchObject({ status: 'completed', conclusion: 'success', output: { title: 'Promoted' } })
    const { data: listed } = await octokit.rest.checks.listForRef({ ...REPO, ref: 'main', check_name: 'rollgate/production' })
    expect(listed.check_runs.map((r) => r.id)).toEqual([created.id])
  })

  it('upserts a sticky comment: list, create, then update in place', async () => {
    const octokit = clientFor(github)
    const pr = github.state.seedPull({ head: 'feature' })
    const marker = '<!-- rollgate:production -->'
    const upsert = async (text: string): Promise<number> => {
      const comments = await listAll(octokit.rest.issues.listComments, { ...REPO, issue_number: pr.number })
      const mine = comments.find((c) => c.body?.includes(marker))
      if (mine) return (await octokit.rest.issues.updateComment({ ...REPO, comment_id: mine.id, body: `${marker}\n${text}` })).data.id
      return (await octokit.rest.issues.createComment({ ...REPO, issue_number: pr.number, body: `${marker}\n${text}` })).data.id
    }
    const first = await upsert('canary at 5%')
    const second = await upsert('canary at 25%')
    expect(second).toBe(first)
    expect(github.state.comments).toHaveLength(1)
    expect(github.state.comments[0]?.comment.body).toContain('canary at 25%')
    expect(github.count('issues/create-comment')).toBe(1)
    expect(github.count('issues/update-comment')).toBe(1)
    await octokit.rest.reactions.createForIssueComment({ ...REPO, comment_id: first, content: 'eyes' })
    const { data: comment } = await octokit.rest.issues.getComment({ ...REPO, comment_id: first })
    expect(comment.reactions?.eyes).toBe(1)
  })

  it.each([
    { seed: 'maintain' as const, role: 'maintain', permission: 'write' },
    { seed: 'triage' as const, role: 'triage', permission: 'read' },
    { seed: { roleName: 'deployer', base: 'write' as const }, role: 'deployer', permission: 'write' },
    { seed: undefined, role: 'none', permission: 'none' },
  ])('looks up a collaborator permission: $role', async ({ seed, role, permission }) => {
    if (seed !== undefined) github.state.permissions.set('alice', seed)
    const { data } = await clientFor(github).rest.repos.getCollaboratorPermissionLevel({ ...REPO, username: 'alice' })
    expect({ role: data.role_name, permission: data.permission }).toEqual({ role, permission })
  })

  it('sends rollgate/<version> as the user agent and the token as authorization', async () => {
    await clientFor(github).rest.repos.getCollaboratorPermissionLevel({ ...REPO, username: 'bob' })
    const headers = github.requests[0]?.headers
    expect(headers?.['user-agent']).toMatch(/^rollgate\/1\.2\.3 /)
    expect(headers?.authorization).toBe('token ghs_faketoken')
  })

  it('takes the API root from GITHUB_API_URL when no baseUrl is given', async () => {
    const octokit = createGitHubClient({ token: 't', version: '0.0.0', logger: capturingLogger(), env: { GITHUB_API_URL: `${github.url}/` }, paceWrites: false })
    await octokit.rest.repos.getCollaboratorPermissionLevel({ ...REPO, username: 'bob' })
    expect(github.count('repos/get-collaborator-permission-level')).toBe(1)
  })
})

describe('faults', () => {
  const github = useFakeGitHub()

  it('retries a 502 and logs the retry', async () => {
    const logger = capturingLogger()
    github.faults.push({ match: { operationId: 'repos/get-deployment' }, status: 502 })
    const created = deploymentOf((await clientFor(github).rest.repos.createDeployment({ ...REPO, ref: 'main', required_contexts: [] })).data)
    const { data } = await clientFor(github, { logger }).rest.repos.getDeployment({ ...REPO, deployment_id: created.id })
    expect(data.id).toBe(created.id)
    expect(github.requests.filter((r) => r.operationId === 'repos/get-deployment').map((r) => r.status)).toEqual([502, 200])
    expect(logger.lines.join('\n')).toMatch(/GET \/repos\/\{owner\}\/\{repo\}\/deployments\/\{deployment_id\} answered 502 on attempt 1 of 4: retrying/)
  })

  it('gives up after the configured retries; gitHubError says so', async () => {
    github.faults.push({ match: { path: /\/deployments$/ }, status: 503, times: 5 })
    const error: unknown = await clientFor(github, { request: { retries: 1 } }).rest.repos.listDeployments(REPO).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 503 })
    expect(github.count('repos/list-deployments')).toBe(2)
    const wrapped = gitHubError('repos.listDeployments', error)
    expect(wrapped).toBeInstanceOf(ProviderError)
    expect(wrapped.message).toMatch(/^GitHub API: repos\.listDeployments failed after retries: HTTP 503: Service Unavailable/)
  })

  it('does not retry a 4xx', async () => {
    await expect(clientFor(github).rest.repos.getDeployment({ ...REPO, deployment_id: 1 })).rejects.toMatchObject({ status: 404 })
    expect(github.count('repos/get-deployment')).toBe(1)
  })

  it('paces writes one second apart by default', async () => {
    const octokit = clientFor(github, { paceWrites: true })
    const started = Date.now()
    await octokit.rest.repos.createDeployment({ ...REPO, ref: 'main', required_contexts: [] })
    await octokit.rest.repos.createDeployment({ ...REPO, ref: 'main', required_contexts: [] })
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
  })

  it.each([
    { status: 'secondary-rate-limit' as const, answered: 403 },
    { status: 429 as const, answered: 429 },
  ])('honours retry-after on a $status answer and warns', async ({ status, answered }) => {
    const logger = capturingLogger()
    github.faults.push({ match: { operationId: 'repos/list-deployments' }, status, retryAfter: 1 })
    const started = Date.now()
    await clientFor(github, { logger }).rest.repos.listDeployments(REPO)
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    expect(github.requests.map((r) => r.status)).toEqual([answered, 200])
    expect(logger.lines.join('\n')).toMatch(/secondary rate limit on GET .*retrying in 1s \(retry 1 of 2\)/)
  })

  it('retries a primary rate limit once it resets', async () => {
    const logger = capturingLogger()
    github.faults.push({ match: { operationId: 'repos/list-deployments' }, status: 'rate-limit', retryAfter: 0 })
    await clientFor(github, { logger }).rest.repos.listDeployments(REPO)
    expect(github.requests.map((r) => r.status)).toEqual([403, 200])
    expect(logger.lines.join('\n')).toMatch(/primary rate limit/)
  })

  it('stops after two rate-limit retries', async () => {
    const logger = capturingLogger()
    github.faults.push({ match: { operationId: 'repos/list-deployments' }, status: 'secondary-rate-limit', retryAfter: 1, times: 5 })
    await expect(clientFor(github, { logger }).rest.repos.listDeployments(REPO)).rejects.toMatchObject({ status: 403 })
    expect(github.count('repos/list-deployments')).toBe(3)
    expect(logger.lines.join('\n')).toMatch(/giving up after 2 retries/)
  })

  it('does not wait for a rate limit that resets later than the limit allows', async () => {
    github.faults.push({ match: { operationId: 'repos/list-deployments' }, status: 'secondary-rate-limit', retryAfter: 3600 })
    await expect(clientFor(github).rest.repos.listDeployments(REPO)).rejects.toMatchObject({ status: 403 })
    expect(github.count('repos/list-deployments')).toBe(1)
  })

  it('aborts a hanging request after timeoutMs and retries it', async () => {
    github.faults.push({ match: { operationId: 'repos/list-deployments' }, delayMs: 1500 })
    const { status } = await clientFor(github, { request: { timeoutMs: 300 } }).rest.repos.listDeployments(REPO)
    expect(status).toBe(200)
    expect(github.count('repos/list-deployments')).toBe(2)
  })
})

describe('a GHES-style API root', () => {
  it('works under /api/v3', async () => {
    const github = await startFakeGitHub({ basePath: '/api/v3', repository: 'acme/shop' })
    try {
      expect(github.url).toMatch(/\/api\/v3$/)
      const data = deploymentOf((await clientFor(github).rest.repos.createDeployment({ owner: 'acme', repo: 'shop', ref: 'main', required_contexts: [] })).data)
      expect(data.url).toBe(`${github.url}/repos/acme/shop/deployments/${data.id}`)
      expect(github.invalidRequests).toEqual([])
    } finally {
      await github.close()
    }
  })
})
