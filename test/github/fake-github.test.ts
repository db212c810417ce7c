import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findOperation } from '../fakes/github/openapi.js'
import { handlers } from '../fakes/github/handlers.js'
import { expectNoInvalidRequests, startFakeGitHub } from '../fakes/github/server.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { clientFor, deploymentOf, REPO } from './helpers.js'

const AUTH = { authorization: 'token ghs_faketoken' }

describe('requests GitHub would reject', () => {
  const github = useFakeGitHub()

  const send = (method: string, path: string, body?: unknown, raw?: string): Promise<Response> =>
    fetch(`${github.url}${path}`, {
      method,
      headers: { ...AUTH, 'content-type': 'application/json' },
      ...(body !== undefined || raw !== undefined ? { body: raw ?? JSON.stringify(body) } : {}),
    })

  it.each([
    { what: 'a body field of the wrong type', method: 'POST', path: '/repos/octo-org/octo-repo/deployments', body: { ref: 5 }, status: 422, problem: /body\.ref must be string/ },
    { what: 'a missing required field', method: 'POST', path: '/repos/octo-org/octo-repo/deployments', body: { environment: 'production' }, status: 422, problem: /missing required field "ref"/ },
    { what: 'an unknown enum value', method: 'POST', path: '/repos/octo-org/octo-repo/deployments/1/statuses', body: { state: 'done' }, status: 422, problem: /body\.state must be one of "error", "failure", "inactive"/ },
    { what: 'a misspelt body field', method: 'POST', path: '/repos/octo-org/octo-repo/deployments', body: { ref: 'main', enviroment: 'production' }, status: 422, problem: /unknown field "enviroment"/ },
    { what: 'a body that is not JSON', method: 'POST', path: '/repos/octo-org/octo-repo/deployments', raw: '{ref: main', status: 422, problem: /not valid JSON/ },
    { what: 'a query parameter of the wrong type', method: 'GET', path: '/repos/octo-org/octo-repo/deployments?per_page=lots', status: 400, problem: /query parameter "per_page" must be integer/ },
    { what: 'a query parameter outside its enum', method: 'GET', path: '/repos/octo-org/octo-repo/pulls?state=merged', status: 400, problem: /query parameter "state" must be one of "open", "closed", "all"/ },
    { what: 'an unknown query parameter', method: 'GET', path: '/repos/octo-org/octo-repo/deployments?env=production', status: 400, problem: /query parameter "env" is not accepted/ },
    { what: 'a path parameter of the wrong type', method: 'GET', path: '/repos/octo-org/octo-repo/deployments/latest', status: 400, problem: /path parameter "deployment_id" must be integer/ },
    { what: 'an unknown path', method: 'GET', path: '/repos/octo-org/octo-repo/deploymentz', status: 404, problem: /no operation in GitHub's OpenAPI description matches GET/ },
    { what: 'an endpoint of GitHub outside the committed subset', method: 'GET', path: '/orgs/octo-org/teams', status: 404, problem: /endpoint not in the OpenAPI subset: GET \/orgs\/\{org\}\/teams \(add its prefix to PREFIXES in scripts\/gen-github-openapi\.mjs/ },
    { what: 'a method the path does not have', method: 'DELETE', path: '/repos/octo-org/octo-repo/deployments', status: 404, problem: /DELETE is not an operation of/ },
    { what: 'an operation the fake does not implement', method: 'GET', path: '/repos/octo-org/octo-repo/releases', status: 404, problem: /does not implement repos\/list-releases/ },
  ])('rejects and records $what', async ({ method, path, body, raw, status, problem }) => {
    const response = await send(method, path, body, raw)
    expect(response.status).toBe(status)
    const invalid = github.takeInvalidRequests()
    expect(invalid).toHaveLength(1)
    expect(invalid[0]?.problems.join('\n')).toMatch(problem)
    if (status !== 404) expect(((await response.json()) as { message: string }).message).toMatch(problem)
  })

  it('records an invalid request Octokit sends and answers it with a RequestError', async () => {
    const octokit = clientFor(github)
    const data = deploymentOf((await octokit.rest.repos.createDeployment({ ...REPO, ref: 'main', required_contexts: [] })).data)
    const call = octokit.rest.repos.createDeploymentStatus({ ...REPO, deployment_id: data.id, state: 'done' as 'success' })
    await expect(call).rejects.toMatchObject({ status: 422 })
    expect(github.takeInvalidRequests()).toMatchObject([{ method: 'POST', operationId: 'repos/create-deployment-status', status: 422 }])
  })

  it('answers 401 without an authorization header (a valid request otherwise)', async () => {
    const response = await fetch(`${github.url}/repos/octo-org/octo-repo/deployments`)
    expect(response.status).toBe(401)
    expect(github.invalidRequests).toEqual([])
  })

  it('answers 404 for another repository without calling the request invalid', async () => {
    const response = await send('GET', '/repos/someone/else/deployments')
    expect(response.status).toBe(404)
    expect(github.invalidRequests).toEqual([])
  })

  it('records every request with its operation and status', async () => {
    await send('GET', '/repos/octo-org/octo-repo/deployments?per_page=5')
    expect(github.requests).toMatchObject([{ operationId: 'repos/list-deployments', method: 'GET', query: { per_page: '5' }, status: 200, fault: false }])
    expect(github.count('repos/list-deployments')).toBe(1)
  })
})

describe('expectNoInvalidRequests', () => {
  it('throws, naming each invalid request and what was wrong', async () => {
    const github = await startFakeGitHub()
    try {
      expect(() => expectNoInvalidRequests(github)).not.toThrow()
      await fetch(`${github.url}/repos/octo-org/octo-repo/deployments`, { method: 'POST', headers: AUTH, body: JSON.stringify({ ref: 'main', task: 7 }) })
      expect(() => expectNoInvalidRequests(github)).toThrow(
        /1 request to the fake GitHub does not match GitHub's OpenAPI description:\n {2}POST \/repos\/octo-org\/octo-repo\/deployments \(repos\/create-deployment\) → 422: body\.task must be string/,
      )
    } finally {
      await github.close()
    }
  })

  it('throws on a bug in the fake too (a response that breaks the schema)', () => {
    expect(() => expectNoInvalidRequests({ invalidRequests: [], fakeErrors: ['fake GitHub answered ... with an invalid 200'] })).toThrow(/misbehaved/)
  })

  it('fails a test through useFakeGitHub even when the test itself passes', () => {
    const out = mkdtempSync(join(tmpdir(), 'rollgate-fixture-'))
    try {
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'))
      spawnSync(
        process.execPath,
        ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/github/fixtures/vitest.fixture.config.ts', '--reporter=json', `--outputFile=${join(out, 'report.json')}`],
        { cwd: process.cwd(), env, encoding: 'utf8', timeout: 60_000 },
      )
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
        testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[]
      }
      const results = report.testResults.flatMap((file) => file.assertionResults)
      const byTitle = Object.fromEntries(results.map((r) => [r.title, r]))
      expect(byTitle['sends only valid requests']?.status).toBe('passed')
      expect(byTitle['sends an invalid request but asserts nothing about it']?.status).toBe('failed')
      expect(byTitle['sends an invalid request but asserts nothing about it']?.failureMessages.join('\n')).toMatch(/unknown field "enviroment"/)
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('the fake itself', () => {
  const github = useFakeGitHub()

  it('implements only operations that exist in the description', () => {
    expect(Object.keys(handlers).filter((id) => findOperation(id) === undefined)).toEqual([])
  })

  it('checks its own answers against the response schema', async () => {
    // A deployment missing most required fields, as a broken factory would build it.
    github.state.deployments.push({ id: 7, sha: 'abc' } as unknown as (typeof github.state.deployments)[number])
    const response = await fetch(`${github.url}/repos/octo-org/octo-repo/deployments/7`, { headers: AUTH })
    expect(response.status).toBe(200)
    const errors = github.fakeErrors.splice(0)
    expect(errors.join('\n')).toMatch(/answered GET \/repos\/octo-org\/octo-repo\/deployments\/7 \(repos\/get-deployment\) with an invalid 200:\n {2}response 200 is missing required field "node_id"/)
  })
})
