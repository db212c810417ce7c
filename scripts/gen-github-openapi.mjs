#!/usr/bin/env node
// Generates test/fakes/github/openapi-subset.json: the part of GitHub's published OpenAPI
// description (@octokit/openapi, api.github.com.json) that the fake GitHub serves, so contributors
// do not install the whole 385 MB package. Everything under the prefixes below is kept, with every
// component schema, parameter and response it reaches; the full list of GitHub's path templates is
// kept too, so the fake can tell "not in the subset" from "not a GitHub endpoint".
//
//   node scripts/gen-github-openapi.mjs                 regenerate from node_modules
//   node scripts/gen-github-openapi.mjs --from DIR      ... from a prefix holding node_modules/@octokit/openapi
//   node scripts/gen-github-openapi.mjs --check [--from DIR]   fail when the committed file differs
//
// To serve a new endpoint: add its path prefix to PREFIXES and rerun. `.ci/run` installs the pinned
// version (OPENAPI_VERSION) into a temporary prefix and runs --check.
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** The pinned @octokit/openapi version the subset is cut from. */
export const OPENAPI_VERSION = '23.0.2'

/**
 * Path templates kept: a prefix keeps that template and everything under `<prefix>/`; one ending in
 * `/` keeps only what is under it; one ending in `$` keeps that template alone.
 */
export const PREFIXES = [
  '/repos/{owner}/{repo}$', // the repository itself
  '/repos/{owner}/{repo}/git/', // blobs, trees, commits, refs, tags
  '/repos/{owner}/{repo}/pulls',
  '/repos/{owner}/{repo}/issues', // comments, reactions, labels, assignees, events
  '/repos/{owner}/{repo}/labels',
  '/repos/{owner}/{repo}/assignees',
  '/repos/{owner}/{repo}/check-runs',
  '/repos/{owner}/{repo}/check-suites',
  '/repos/{owner}/{repo}/deployments',
  '/repos/{owner}/{repo}/environments', // incl. deployment-branch-policies and protection rules
  '/repos/{owner}/{repo}/contents',
  '/repos/{owner}/{repo}/readme',
  '/repos/{owner}/{repo}/collaborators',
  '/repos/{owner}/{repo}/commits', // incl. check-runs, statuses, pulls of a commit
  '/repos/{owner}/{repo}/statuses',
  '/repos/{owner}/{repo}/branches',
  '/repos/{owner}/{repo}/rules',
  '/repos/{owner}/{repo}/rulesets',
  '/repos/{owner}/{repo}/compare',
  '/repos/{owner}/{repo}/merges',
  '/repos/{owner}/{repo}/comments', // commit comments and their reactions
  '/repos/{owner}/{repo}/actions/workflows',
  '/repos/{owner}/{repo}/actions/runs',
  '/repos/{owner}/{repo}/dispatches',
  '/repos/{owner}/{repo}/releases',
  '/repos/{owner}/{repo}/tags',
  '/rate_limit',
  '/user',
  '/app',
  '/installation',
]

export const SUBSET_PATH = 'test/fakes/github/openapi-subset.json'

export function keepsTemplate(template) {
  return PREFIXES.some((p) => {
    if (p.endsWith('$')) return template === p.slice(0, -1)
    if (p.endsWith('/')) return template.startsWith(p)
    return template === p || template.startsWith(`${p}/`)
  })
}

/** Documentation-only keys the fake never reads; dropping them keeps the file small. */
const DROPPED = new Set(['description', 'summary', 'example', 'examples', 'externalDocs', 'x-github', 'x-githubEnterpriseVersion', 'x-displayName', 'tags', 'servers'])

function strip(node) {
  if (Array.isArray(node)) return node.map(strip)
  if (node === null || typeof node !== 'object') return node
  const out = {}
  for (const [key, value] of Object.entries(node)) {
    // A property or parameter may be *named* like a dropped keyword (a `description` field):
    // keep the keys of name→schema maps.
    if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v)]))
    } else if (!DROPPED.has(key)) out[key] = strip(value)
  }
  return out
}

function refsOf(node, out) {
  if (Array.isArray(node)) for (const item of node) refsOf(item, out)
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value)
      else refsOf(value, out)
    }
  }
  return out
}

export function subsetOf(spec) {
  const paths = {}
  for (const [template, item] of Object.entries(spec.paths)) if (keepsTemplate(template)) paths[template] = strip(item)
  const components = {}
  const pending = refsOf(paths, [])
  const seen = new Set()
  while (pending.length > 0) {
    const ref = pending.pop()
    if (seen.has(ref) || !ref.startsWith('#/components/')) continue
    seen.add(ref)
    const [kind, name] = ref.slice('#/components/'.length).split('/')
    const target = spec.components[kind]?.[name]
    if (target === undefined) throw new Error(`unresolvable $ref ${ref} in the OpenAPI description`)
    const stripped = strip(target)
    ;(components[kind] ??= {})[name] = stripped
    refsOf(stripped, pending)
  }
  for (const kind of Object.keys(components)) components[kind] = Object.fromEntries(Object.entries(components[kind]).sort(([a], [b]) => a.localeCompare(b)))
  return {
    '//': `Generated by scripts/gen-github-openapi.mjs from @octokit/openapi@${OPENAPI_VERSION} (api.github.com.json). Do not edit; add a prefix to PREFIXES there and rerun.`,
    openapiVersion: OPENAPI_VERSION,
    prefixes: PREFIXES,
    allTemplates: Object.keys(spec.paths).sort(),
    paths,
    components,
  }
}

export function render(subset) {
  // One path per line: readable diffs when a prefix is added, without pretty-printing 2 MB.
  const lines = ['{']
  const entries = Object.entries(subset)
  entries.forEach(([key, value], i) => {
    const comma = i < entries.length - 1 ? ',' : ''
    if ((key === 'paths' || key === 'components') && value && typeof value === 'object') {
      const inner = Object.entries(value)
      lines.push(`  ${JSON.stringify(key)}: {`)
      inner.forEach(([k, v], j) => lines.push(`    ${JSON.stringify(k)}: ${JSON.stringify(v)}${j < inner.length - 1 ? ',' : ''}`))
      lines.push(`  }${comma}`)
    } else lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value)}${comma}`)
  })
  lines.push('}')
  return `${lines.join('\n')}\n`
}

function main(argv) {
  const root = resolve(import.meta.dirname, '..')
  const fromIndex = argv.indexOf('--from')
  const prefix = fromIndex >= 0 ? resolve(argv[fromIndex + 1] ?? '') : root
  const source = join(prefix, 'node_modules', '@octokit', 'openapi')
  if (!existsSync(source)) {
    console.error(`@octokit/openapi is not installed under ${prefix}: run\n  npm install --prefix ${prefix} @octokit/openapi@${OPENAPI_VERSION} --no-save`)
    return 2
  }
  const installed = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')).version
  if (installed !== OPENAPI_VERSION) {
    console.error(`@octokit/openapi under ${prefix} is ${installed}; the subset is cut from ${OPENAPI_VERSION} (OPENAPI_VERSION in scripts/gen-github-openapi.mjs)`)
    return 2
  }
  const spec = JSON.parse(readFileSync(join(source, 'generated', 'api.github.com.json'), 'utf8'))
  const text = render(subsetOf(spec))
  const target = join(root, SUBSET_PATH)
  if (argv.includes('--check')) {
    const committed = existsSync(target) ? readFileSync(target, 'utf8') : ''
    if (committed !== text) {
      console.error(`${SUBSET_PATH} differs from a fresh cut of @octokit/openapi@${OPENAPI_VERSION}: run node scripts/gen-github-openapi.mjs --from <prefix> and commit the result`)
      return 1
    }
    console.log(`${SUBSET_PATH} is up to date (@octokit/openapi@${OPENAPI_VERSION}, ${Object.keys(JSON.parse(text).paths).length} paths)`)
    return 0
  }
  writeFileSync(target, text)
  console.log(`wrote ${SUBSET_PATH} (${(text.length / 1024).toFixed(0)} KiB, ${Object.keys(JSON.parse(text).paths).length} of ${Object.keys(spec.paths).length} paths)`)
  return 0
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2))
