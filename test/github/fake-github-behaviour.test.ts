// What the fake GitHub does, exercised through the production client. Every answer is checked
// against the OpenAPI response schema by the fake itself; a mismatch fails the test in afterEach.
import { describe, expect, it } from 'vitest'
import { listAll } from '../../shared/github/ports.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { clientFor, deploymentOf, REPO } from './helpers.js'

const github = useFakeGitHub()

describe('deployments', () => {
  const deploy = async (environment: string, extra: Record<string, unknown> = {}) =>
    deploymentOf((await clientFor(github).rest.repos.createDeployment({ ...REPO, ref: 'main', environment, required_contexts: [], ...extra })).data)

  it('fills the whole deployment object and filters lists by environment, sha and ref', async () => {
    const octokit = clientFor(github)
    const sha = github.state.resolveRef('main') as string
    const created = await deploy('staging', { payload: { record: { version: 1 } }, description: 'canary' })
    await deploy('production')
    expect(created).toMatchObject({
      sha,
      ref: 'main',
      task: 'deploy',
      environment: 'staging',
      original_environment: 'staging',
      production_environment: false,
      transient_environment: false,
      payload: { record: { version: 1 } },
      creator: { login: 'github-actions[bot]', type: 'Bot' },
      statuses_url: `${github.url}/repos/octo-org/octo-repo/deployments/${created.id}/statuses`,
    })
    const { data: staging } = await octokit.rest.repos.listDeployments({ ...REPO, environment: 'staging' })
    expect(staging.map((d) => d.id)).toEqual([created.id])
    expect((await octokit.rest.repos.listDeployments({ ...REPO, sha })).data).toHaveLength(2)
    expect((await octokit.rest.repos.listDeployments({ ...REPO, ref: 'other' })).data).toHaveLength(0)
    expect((await octokit.rest.repos.getDeployment({ ...REPO, deployment_id: created.id })).data).toEqual(created)
  })

  it('refuses to deploy while a status context is not success unless required_contexts is given', async () => {
    const octokit = clientFor(github)
    const sha = github.state.resolveRef('main') as string
    await octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: 'pending', context: 'rollgate/production' })
    await expect(octokit.rest.repos.createDeployment({ ...REPO, ref: 'main' })).rejects.toMatchObject({ status: 409 })
    await expect(octokit.rest.repos.createDeployment({ ...REPO, ref: 'main', required_contexts: [] })).resolves.toMatchObject({ status: 201 })
  })

  it('answers 422 for a ref that does not exist', async () => {
    await expect(clientFor(github).rest.repos.createDeployment({ ...REPO, ref: 'nope', required_contexts: [] })).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/No ref found for: nope/),
    })
  })

  it.each([
    { environment: 'staging', extra: {}, inactivated: true },
    { environment: 'production', extra: {}, inactivated: false },
    { environment: 'preview', extra: { transient_environment: true }, inactivated: false },
  ])('auto_inactive on success in $environment marks the earlier one inactive: $inactivated', async ({ environment, extra, inactivated }) => {
    const octokit = clientFor(github)
    const first = await deploy(environment, extra)
    await octokit.rest.repos.createDeploymentStatus({ ...REPO, deployment_id: first.id, state: 'success' })
    const second = await deploy(environment, extra)
    await octokit.rest.repos.createDeploymentStatus({ ...REPO, deployment_id: second.id, state: 'success', log_url: 'https://ci.example/run/1' })
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({ ...REPO, deployment_id: first.id })
    expect(statuses.map((s) => s.state)).toEqual(inactivated ? ['inactive', 'success'] : ['success'])
    const { data: latest } = await octokit.rest.repos.listDeploymentStatuses({ ...REPO, deployment_id: second.id })
    expect(latest[0]).toMatchObject({ state: 'success', log_url: 'https://ci.example/run/1', target_url: 'https://ci.example/run/1', environment })
  })

  it('keeps auto_inactive: false from touching earlier deployments', async () => {
    const octokit = clientFor(github)
    const first = await deploy('staging')
    await octokit.rest.repos.createDeploymentStatus({ ...REPO, deployment_id: first.id, state: 'success' })
    const second = await deploy('staging')
    await octokit.rest.repos.createDeploymentStatus({ ...REPO, deployment_id: second.id, state: 'success', auto_inactive: false })
    expect(github.state.statusesOf(first.id).map((s) => s.state)).toEqual(['success'])
  })

  it('gets one status of a deployment', async () => {
    const octokit = clientFor(github)
    const { id } = await deploy('staging')
    const { data: status } = await octokit.rest.repos.createDeploymentStatus({ ...REPO, deployment_id: id, state: 'queued' })
    expect((await octokit.rest.repos.getDeploymentStatus({ ...REPO, deployment_id: id, status_id: status.id })).data).toEqual(status)
  })

  it('rejects a status description over 140 characters', async () => {
    const { id } = await deploy('staging')
    await expect(clientFor(github).rest.repos.createDeploymentStatus({ ...REPO, deployment_id: id, state: 'in_progress', description: 'x'.repeat(141) })).rejects.toMatchObject({ status: 422 })
  })

  it('pages statuses past 100, newest first', async () => {
    const { id } = await deploy('staging')
    const octokit = clientFor(github)
    const { data: status } = await octokit.rest.repos.createDeploymentStatus({ ...REPO, deployment_id: id, state: 'in_progress', description: 'step 0' })
    // Seeded directly: 104 more requests would only slow the test down.
    for (let i = 1; i < 105; i++) github.state.statusesOf(id).push({ ...structuredClone(status), id: status.id + i, description: `step ${i}` })
    const all = await listAll(octokit.rest.repos.listDeploymentStatuses, { ...REPO, deployment_id: id })
    expect(all).toHaveLength(105)
    expect(all[0]?.description).toBe('step 104')
    expect(github.count('repos/list-deployment-statuses')).toBe(2)
  })
})

describe('check runs', () => {
  it('completes a run when a conclusion is given and appends annotations across updates', async () => {
    const octokit = clientFor(github)
    const head_sha = github.state.resolveRef('main') as string
    const annotation = { path: '.github/rollgate.yml', start_line: 3, end_line: 3, annotation_level: 'failure' as const, message: 'unknown provider' }
    const { data: run } = await octokit.rest.checks.create({ ...REPO, name: 'rollgate/flags', head_sha, output: { title: 't', summary: 's', annotations: [annotation] } })
    expect(run).toMatchObject({ status: 'queued', conclusion: null, app: { slug: 'github-actions' }, output: { annotations_count: 1 } })
    const { data: done } = await octokit.rest.checks.update({ ...REPO, check_run_id: run.id, conclusion: 'failure', output: { summary: 'failed', annotations: [annotation] } })
    expect(done).toMatchObject({ status: 'completed', conclusion: 'failure', output: { title: 't', summary: 'failed', annotations_count: 2 } })
    expect(done.completed_at).not.toBeNull()
  })

  it('refuses status completed without a conclusion, and an unknown head_sha', async () => {
    const octokit = clientFor(github)
    const head_sha = github.state.resolveRef('main') as string
    await expect(octokit.rest.checks.create({ ...REPO, name: 'x', head_sha, status: 'completed' })).rejects.toMatchObject({ status: 422 })
    await expect(octokit.rest.checks.create({ ...REPO, name: 'x', head_sha: 'f'.repeat(40) })).rejects.toMatchObject({ status: 422 })
  })

  it('lists the latest run per name by default, all with filter=all, and links open PRs', async () => {
    const octokit = clientFor(github)
    const pr = github.state.seedPull({ head: 'feature' })
    const head_sha = github.state.resolveRef('feature') as string
    await octokit.rest.checks.create({ ...REPO, name: 'rollgate/production', head_sha })
    const { data: second } = await octokit.rest.checks.create({ ...REPO, name: 'rollgate/production', head_sha })
    expect(second.pull_requests.map((p) => p.number)).toEqual([pr.number])
    expect((await octokit.rest.checks.listForRef({ ...REPO, ref: 'feature' })).data.check_runs.map((r) => r.id)).toEqual([second.id])
    expect((await octokit.rest.checks.listForRef({ ...REPO, ref: head_sha, filter: 'all' })).data.total_count).toBe(2)
  })
})

describe('commit statuses', () => {
  it('combines the latest status per context', async () => {
    const octokit = clientFor(github)
    const sha = github.state.resolveRef('main') as string
    await octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: 'pending', context: 'rollgate/production' })
    await octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: 'success', context: 'rollgate/production', description: 'promoted' })
    await octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: 'success', context: 'rollgate/flags' })
    const { data } = await octokit.rest.repos.getCombinedStatusForRef({ ...REPO, ref: 'main' })
    expect(data).toMatchObject({ state: 'success', total_count: 2, sha })
    expect((await octokit.rest.repos.listCommitStatusesForRef({ ...REPO, ref: sha })).data.map((s) => s.state)).toEqual(['success', 'success', 'pending'])
  })

  it('rejects a description over 140 characters and an unknown sha', async () => {
    const octokit = clientFor(github)
    const sha = github.state.resolveRef('main') as string
    await expect(octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: 'failure', description: 'y'.repeat(141) })).rejects.toMatchObject({ status: 422 })
    await expect(octokit.rest.repos.createCommitStatus({ ...REPO, sha: '0'.repeat(40), state: 'failure' })).rejects.toMatchObject({ status: 422 })
  })
})

describe('comments and reactions', () => {
  it('answers 404 for an issue that does not exist and 422 for a body over 65,536 characters', async () => {
    const octokit = clientFor(github)
    await expect(octokit.rest.issues.createComment({ ...REPO, issue_number: 99, body: 'hi' })).rejects.toMatchObject({ status: 404 })
    const issue = github.state.seedIssue()
    await expect(octokit.rest.issues.createComment({ ...REPO, issue_number: issue, body: 'z'.repeat(65_537) })).rejects.toMatchObject({ status: 422 })
    const { data } = await octokit.rest.issues.createComment({ ...REPO, issue_number: issue, body: 'ok' })
    expect(data.html_url).toMatch(new RegExp(`/issues/${issue}#issuecomment-${data.id}$`))
    await octokit.rest.issues.deleteComment({ ...REPO, comment_id: data.id })
    expect(github.state.comments).toEqual([])
  })

  it('creates a reaction once per user and content', async () => {
    const octokit = clientFor(github)
    const pr = github.state.seedPull({ head: 'feature' })
    const { data: comment } = await octokit.rest.issues.createComment({ ...REPO, issue_number: pr.number, body: '/rollgate promote production' })
    expect((await octokit.rest.reactions.createForIssueComment({ ...REPO, comment_id: comment.id, content: 'rocket' })).status).toBe(201)
    expect((await octokit.rest.reactions.createForIssueComment({ ...REPO, comment_id: comment.id, content: 'rocket' })).status).toBe(200)
    await octokit.rest.reactions.createForIssueComment({ ...REPO, comment_id: comment.id, content: 'eyes' })
    expect((await octokit.rest.reactions.listForIssueComment({ ...REPO, comment_id: comment.id, content: 'rocket' })).data).toHaveLength(1)
  })
})

describe('pull requests', () => {
  it('creates, refuses a duplicate, lists by head and finds the PR of a commit', async () => {
    const octokit = clientFor(github)
    github.state.commitFiles({ branch: 'rollgate/flag-cleanup', files: { 'src/flags.ts': 'export {}\n' } })
    const { data: pr } = await octokit.rest.pulls.create({ ...REPO, head: 'rollgate/flag-cleanup', base: 'main', title: 'Remove stale flags' })
    expect(pr).toMatchObject({ state: 'open', head: { ref: 'rollgate/flag-cleanup' }, base: { ref: 'main', repo: { full_name: 'octo-org/octo-repo' } } })
    await expect(octokit.rest.pulls.create({ ...REPO, head: 'rollgate/flag-cleanup', base: 'main', title: 'again' })).rejects.toMatchObject({ status: 422 })
    const { data: listed } = await octokit.rest.pulls.list({ ...REPO, head: 'octo-org:rollgate/flag-cleanup' })
    expect(listed.map((p) => p.number)).toEqual([pr.number])
    const { data: forCommit } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...REPO, commit_sha: pr.head.sha })
    expect(forCommit.map((p) => p.number)).toEqual([pr.number])
    expect((await octokit.rest.pulls.get({ ...REPO, pull_number: pr.number })).data.title).toBe('Remove stale flags')
  })

  it('refuses a head branch that does not exist', async () => {
    await expect(clientFor(github).rest.pulls.create({ ...REPO, head: 'ghost', base: 'main', title: 't' })).rejects.toMatchObject({ status: 422 })
  })
})

describe('git data', () => {
  it('builds a commit from blob, tree and commit, then moves a branch only forward unless forced', async () => {
    const { git } = clientFor(github).rest
    const base = (await git.getRef({ ...REPO, ref: 'heads/main' })).data.object.sha
    const baseTree = (await git.getCommit({ ...REPO, commit_sha: base })).data.tree.sha
    const { data: blob } = await git.createBlob({ ...REPO, content: Buffer.from('flag: off\n').toString('base64'), encoding: 'base64' })
    const { data: tree } = await git.createTree({
      ...REPO,
      base_tree: baseTree,
      tree: [
        { path: 'config/flags.yml', mode: '100644', type: 'blob', sha: blob.sha },
        { path: 'src/app.ts', mode: '100644', type: 'blob', content: 'export const x = 1\n' },
      ],
    })
    const { data: commit } = await git.createCommit({ ...REPO, message: 'Remove flag', tree: tree.sha, parents: [base] })
    await git.createRef({ ...REPO, ref: 'refs/heads/cleanup', sha: base })
    const { data: moved } = await git.updateRef({ ...REPO, ref: 'heads/cleanup', sha: commit.sha })
    expect(moved.object.sha).toBe(commit.sha)
    expect(github.state.files('cleanup')).toEqual(new Map([['README.md', '# octo-repo\n'], ['config/flags.yml', 'flag: off\n'], ['src/app.ts', 'export const x = 1\n']]))
    const { data: full } = await git.getTree({ ...REPO, tree_sha: tree.sha, recursive: 'true' })
    expect(full.tree.map((e) => `${e.type} ${e.path}`)).toEqual(['blob README.md', 'tree config', 'blob config/flags.yml', 'tree src', 'blob src/app.ts'])
    await expect(git.updateRef({ ...REPO, ref: 'heads/cleanup', sha: base })).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/not a fast forward/) })
    await expect(git.updateRef({ ...REPO, ref: 'heads/cleanup', sha: base, force: true })).resolves.toMatchObject({ status: 200 })
  })

  it('reads a blob back and deletes a ref', async () => {
    const { git } = clientFor(github).rest
    const { data: created } = await git.createBlob({ ...REPO, content: 'héllo' })
    const { data: blob } = await git.getBlob({ ...REPO, file_sha: created.sha })
    expect(Buffer.from(blob.content, 'base64').toString()).toBe('héllo')
    const main = github.state.resolveRef('main') as string
    await git.createRef({ ...REPO, ref: 'refs/heads/tmp', sha: main })
    expect((await git.deleteRef({ ...REPO, ref: 'heads/tmp' })).status).toBe(204)
    expect(github.state.git.refs.has('refs/heads/tmp')).toBe(false)
  })

  it('answers 404 for getRef with a refs/ prefix, as GitHub does', async () => {
    await expect(clientFor(github).rest.git.getRef({ ...REPO, ref: 'refs/heads/main' })).rejects.toMatchObject({ status: 404 })
  })
})

describe('contents', () => {
  it('reads a file as base64 and updates it only with the current sha', async () => {
    const { repos } = clientFor(github).rest
    const { data } = await repos.getContent({ ...REPO, path: 'README.md' })
    if (Array.isArray(data) || data.type !== 'file') throw new Error('expected a file')
    expect(Buffer.from(data.content, 'base64').toString()).toBe('# octo-repo\n')
    const content = Buffer.from('# changed\n').toString('base64')
    await expect(repos.createOrUpdateFileContents({ ...REPO, path: 'README.md', message: 'm', content })).rejects.toMatchObject({ status: 422 })
    await expect(repos.createOrUpdateFileContents({ ...REPO, path: 'README.md', message: 'm', content, sha: 'f'.repeat(40) })).rejects.toMatchObject({ status: 409 })
    expect((await repos.createOrUpdateFileContents({ ...REPO, path: 'README.md', message: 'm', content, sha: data.sha })).status).toBe(200)
    expect((await repos.createOrUpdateFileContents({ ...REPO, path: 'docs/new.md', message: 'm', content, branch: 'main' })).status).toBe(201)
    await expect(repos.createOrUpdateFileContents({ ...REPO, path: 'x.md', message: 'm', content: 'not base64!' })).rejects.toMatchObject({ status: 422 })
    const { data: dir } = await repos.getContent({ ...REPO, path: 'docs' })
    expect(Array.isArray(dir) ? dir.map((e) => e.path) : dir).toEqual(['docs/new.md'])
    expect(github.state.files().get('README.md')).toBe('# changed\n')
  })
})

describe('workflow dispatch', () => {
  it('records the dispatch and returns run details when asked', async () => {
    const { actions } = clientFor(github).rest
    expect((await actions.createWorkflowDispatch({ ...REPO, workflow_id: 'promote.yml', ref: 'main', inputs: { environment: 'production' } })).status).toBe(204)
    const response = await actions.createWorkflowDispatch({ ...REPO, workflow_id: 42, ref: 'main', return_run_details: true })
    expect(response.status).toBe(200)
    expect(github.state.dispatches.map((d) => [d.workflowId, d.inputs])).toEqual([['promote.yml', { environment: 'production' }], [42, {}]])
    await expect(actions.createWorkflowDispatch({ ...REPO, workflow_id: 'x.yml', ref: 'nope' })).rejects.toMatchObject({ status: 422 })
  })
})
