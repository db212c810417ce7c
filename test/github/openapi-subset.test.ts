import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs script without type declarations
import { keepsTemplate, OPENAPI_VERSION, PREFIXES, render, subsetOf } from '../../scripts/gen-github-openapi.mjs'

interface Subset {
  openapiVersion: string
  prefixes: string[]
  allTemplates: string[]
  paths: Record<string, unknown>
  components: Record<string, Record<string, unknown>>
}

const committed = JSON.parse(readFileSync('test/fakes/github/openapi-subset.json', 'utf8')) as Subset
const keeps = keepsTemplate as (template: string) => boolean

describe('the committed OpenAPI subset of the fake GitHub', () => {
  it('was cut from the pinned version with the generator\'s prefix list', () => {
    expect(committed.openapiVersion).toBe(OPENAPI_VERSION)
    expect(committed.prefixes).toEqual(PREFIXES)
  })

  it('holds exactly the templates its prefixes select', () => {
    const expected = committed.allTemplates.filter((t) => keeps(t))
    expect(Object.keys(committed.paths).sort()).toEqual(expected.sort())
  })

  it.each([
    ['/repos/{owner}/{repo}', true],
    ['/repos/{owner}/{repo}/git/refs/{ref}', true],
    ['/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies', true],
    ['/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', true],
    ['/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', true],
    ['/repos/{owner}/{repo}/gitignore', false],
    ['/repos/{owner}/{repo}/pullsx', false],
    ['/orgs/{org}/teams', false],
  ])('%s kept: %s', (template, kept) => {
    expect(keeps(template)).toBe(kept)
  })

  it('keeps every component a kept operation reaches, and properties named like dropped keywords', () => {
    const spec = {
      paths: {
        '/repos/{owner}/{repo}/labels': { get: { operationId: 'issues/list-labels-for-repo', description: 'dropped', responses: { 200: { $ref: '#/components/responses/labels' } } } },
        '/orgs/{org}': { get: { operationId: 'orgs/get', responses: { 200: { $ref: '#/components/responses/org' } } } },
      },
      components: {
        responses: { labels: { content: { 'application/json': { schema: { $ref: '#/components/schemas/label' } } } }, org: {} },
        schemas: { label: { type: 'object', description: 'dropped', properties: { description: { type: 'string', example: 'x' } } } },
      },
    }
    const subset = subsetOf(spec) as Subset
    expect(Object.keys(subset.paths)).toEqual(['/repos/{owner}/{repo}/labels'])
    expect(subset.allTemplates).toEqual(['/orgs/{org}', '/repos/{owner}/{repo}/labels'])
    expect(subset.components).toEqual({
      responses: { labels: { content: { 'application/json': { schema: { $ref: '#/components/schemas/label' } } } } },
      schemas: { label: { type: 'object', properties: { description: { type: 'string' } } } },
    })
    expect(JSON.parse(render(subset) as string)).toEqual(subset)
  })

  it('fails the generator on a reference it cannot resolve', () => {
    const spec = { paths: { '/user': { get: { operationId: 'users/get-authenticated', responses: { 200: { $ref: '#/components/responses/missing' } } } } }, components: {} }
    expect(() => subsetOf(spec)).toThrow(/unresolvable \$ref #\/components\/responses\/missing/)
  })
})
