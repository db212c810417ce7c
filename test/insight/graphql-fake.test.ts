/**
 * The schema-checking GraphQL fake: a query GitHub's published schema rejects, or that breaks
 * GitHub's pagination rules, is recorded as an invalid request (so the test that sent it fails),
 * and the points charged follow GitHub's formula.
 */
import { describe, expect, it } from 'vitest'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { startFakeGitHub } from '../fakes/github/server.js'
import { createGitHubClient } from '../../shared/github/client.js'
import { GraphQLClient } from '../../shared/github/graphql.js'
import { streamLogger } from '../../shared/action/logger.js'
import { DEPLOYMENTS_QUERY } from '../../shared/insight/history.js'

function client(url: string) {
  return new GraphQLClient(createGitHubClient({ token: 'ghs_test', version: 'test', logger: streamLogger(() => {}), baseUrl: url, paceWrites: false }))
}

describe('schema-checking GraphQL fake', () => {
  const github = useFakeGitHub({ repository: 'acme/shop' })

  it.each([
    ['an unknown field', 'query { repository(owner: "acme", name: "shop") { deployments(first: 1) { nodes { bogus } } } }', /Cannot query field "bogus" on type "Deployment"/],
    ['a wrong argument', 'query { repository(owner: "acme", name: "shop") { deployments(first: 1, environment: "x") { nodes { id } } } }', /Unknown argument "environment"/],
    ['a connection without first or last', 'query { repository(owner: "acme", name: "shop") { deployments { nodes { id } } } }', /must provide a `first` or `last`/],
    ['more than 100 a page', 'query { repository(owner: "acme", name: "shop") { deployments(first: 101) { nodes { id } } } }', /exceeds the `first`\/`last` limit of 100/],
    ['a variable of the wrong type', 'query Q($n: Int!) { repository(owner: "acme", name: "shop") { deployments(first: $n) { nodes { id } } } }', /Int cannot represent|got invalid value/],
  ])('refuses %s', async (_what, query, problem) => {
    const variables = query.includes('$n') ? { n: 'ten' } : {}
    await expect(client(github.url).query('Probe', query, variables)).rejects.toThrow(/GitHub GraphQL API: Probe failed/)
    const invalid = github.takeInvalidRequests()
    expect(invalid).toHaveLength(1)
    expect(invalid[0]?.problems.join('\n')).toMatch(problem)
  })

  it('charges GitHub\'s points: 100 deployments with their statuses cost 1, 50 commits with pull requests, labels and commits cost 4', async () => {
    const c = client(github.url)
    await c.query('RollgateDeployments', DEPLOYMENTS_QUERY, { owner: 'acme', name: 'shop', environments: ['production'], after: null })
    // 1 (deployments) + 100 × 1 (statuses) = 101 requests → 1 point.
    expect(github.graphql.calls.at(-1)?.cost).toBe(1)
    const fields = Array.from({ length: 50 }, (_, i) => `c${i}: object(expression: "main") { ... on Commit { associatedPullRequests(first: 3) { nodes { labels(first: 10) { nodes { name } } commits(first: 1) { nodes { commit { oid } } } } } } }`)
    await c.query('Commits', `query Commits { rateLimit { cost remaining } repository(owner: "acme", name: "shop") { ${fields.join(' ')} } }`)
    // 50 × (1 + 3 + 3) = 350 requests → 3.5 → 4 points.
    expect(github.graphql.calls.at(-1)?.cost).toBe(4)
    expect(c.budget()).toMatchObject({ calls: 2, points: 5 })
    expect(github.graphql.points()).toBe(5)
  })

  it('answers on /api/graphql under a GHES root (/api/v3)', async () => {
    const ghes = await startFakeGitHub({ repository: 'acme/shop', basePath: '/api/v3' })
    try {
      const data = await client(ghes.url).query<{ rateLimit: { cost: number; remaining: number }; repository: { nameWithOwner: string } }>('Repo', 'query Repo { rateLimit { cost remaining } repository(owner: "acme", name: "shop") { nameWithOwner } }')
      expect(data.repository.nameWithOwner).toBe('acme/shop')
      expect(ghes.requests.map((r) => r.path)).toEqual(['/api/graphql'])
      expect(ghes.invalidRequests).toEqual([])
    } finally {
      await ghes.close()
    }
  })

  it('turns a secondary rate limit into a retried request, then the answer', async () => {
    github.faults.push({ match: { operationId: 'graphql' }, status: 'secondary-rate-limit', retryAfter: 0 })
    const c = new GraphQLClient(createGitHubClient({ token: 'ghs_test', version: 'test', logger: streamLogger(() => {}), baseUrl: github.url, paceWrites: false, retryBaseMs: 1 }))
    const data = await c.query<{ rateLimit: { cost: number; remaining: number } }>('Limit', 'query Limit { rateLimit { cost remaining } }')
    expect(data.rateLimit.cost).toBe(1)
    expect(github.requests.filter((r) => r.operationId === 'graphql')).toHaveLength(2)
  })
})
