import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { cleanupRepo, runFlagCleanup, type CleanupRepo } from './flag-cleanup-support.js'
import { assertValidResult } from './support.js'

const github = useFakeGitHub({ repository: 'acme/shop' })
const repos: CleanupRepo[] = []
afterEach(() => repos.splice(0).forEach((r) => r.cleanup()))

const POLICY = `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [./set-weight.sh, "{{weight}}"] }
    steps: [ { weight: 100 } ]
flags:
  include: ["src/**", "flags.yml"]
  labels: [flag-cleanup, tech-debt]
`
const REGISTRY = `flags:
  new-checkout: { owner: alice, expires: 2026-01-01, state: "on" }
  dark-mode: { owner: "@acme/web", expires: 2026-01-01, state: "off" }
  beta: { owner: bob, expires: 2026-01-01, state: 50% }
  later: { owner: bob, expires: 2099-01-01, state: "on" }
`
const APP = `import { initialize } from 'unleash-client'

const unleash = initialize({ url: 'http://unleash/api', appName: 'shop' })

export function checkout(): string {
  if (unleash.isEnabled('new-checkout')) {
    return 'new'
  }
  return 'old'
}

export const theme = unleash.isEnabled('dark-mode') ? 'dark' : 'light'
export const banner = unleash.isEnabled('beta') ? 'b' : 'a'
export const later = unleash.isEnabled('later')
`

function setup(files: Record<string, string> = {}): CleanupRepo {
  const repo = cleanupRepo(github, { '.github/rollgate.yml': POLICY, 'flags.yml': REGISTRY, 'src/app.ts': APP, ...files })
  repos.push(repo)
  github.state.permissions.set('alice', 'write')
  return repo
}

describe('flag-cleanup action (cleanup mode)', () => {
  it('opens one pull request per removable stale flag and reports the refused ones', async () => {
    const repo = setup()
    const { io, result } = await runFlagCleanup(github, repo)
    assertValidResult(result)
    expect(io.failed).toBeUndefined()
    expect(result).toMatchObject({ action: 'flag-cleanup', reasonCode: 'applied', mode: 'cleanup' })
    const flags = result.flags as { name: string; action: string; refusal?: string; calls?: number }[]
    expect(flags.map((f) => [f.name, f.action])).toEqual([['new-checkout', 'created'], ['dark-mode', 'created'], ['beta', 'refused']])
    expect(flags[2]?.refusal).toContain('partial rollout')
    const pulls = [...github.state.pulls.values()]
    expect(pulls.map((p) => p.head.ref).sort()).toEqual(['rollgate/flag-cleanup/dark-mode', 'rollgate/flag-cleanup/new-checkout'])
    const checkout = github.state.files('rollgate/flag-cleanup/new-checkout')
    expect(checkout.get('src/app.ts')).not.toContain("'new-checkout'")
    expect(checkout.get('flags.yml')).not.toContain('new-checkout')
    expect(pulls.find((p) => p.head.ref.endsWith('dark-mode'))?.requestedTeams).toEqual(['web'])
    expect(pulls.every((p) => p.labels.join() === 'flag-cleanup,tech-debt')).toBe(true)
    // The workspace is left as it was: each removal is verified on disk, then restored.
    expect(readFileSync(join(repo.dir, 'src/app.ts'), 'utf8')).toBe(APP)
    expect(io.outputs['pull-request-url']).toMatch(/\/pull\/\d+$/)
    expect(io.summary).toContain('| `beta` | expired | — | refused:')
  })

  it('running it twice opens one pull request per flag', async () => {
    const repo = setup()
    await runFlagCleanup(github, repo)
    const { result } = await runFlagCleanup(github, repo)
    expect(result.reasonCode).toBe('noop')
    expect((result.flags as { action: string }[]).slice(0, 2).map((f) => f.action)).toEqual(['unchanged', 'unchanged'])
    expect(github.state.pulls.size).toBe(2)
    expect(github.count('pulls/create')).toBe(2)
  })

  it('dry-run opens nothing', async () => {
    const repo = setup()
    const { result } = await runFlagCleanup(github, repo, { inputs: { 'dry-run': 'true' } })
    expect((result.flags as { action: string }[]).map((f) => f.action)).toEqual(['dry-run', 'dry-run', 'refused'])
    expect(github.state.pulls.size).toBe(0)
  })

  it('a broken registry fails with file:line:column and opens nothing', async () => {
    const repo = setup({ 'flags.yml': 'flags:\n  x: { owner: a, state: "on" }\n' })
    const { io, result } = await runFlagCleanup(github, repo)
    expect(result.reasonCode).toBe('invalid-policy')
    expect(io.failed).toContain("flags.yml:2:3: missing required key 'expires'")
    expect(github.state.pulls.size).toBe(0)
  })
})

describe('flag-cleanup action (check mode on pull requests)', () => {
  function pullWith(files: Record<string, string | null>, fork = false) {
    github.state.commitFiles({ branch: 'feature', files })
    const pull = github.state.seedPull({ head: 'feature', base: 'main', title: 'Add a flag', body: null, user: 'carol', draft: false })
    const head = github.state.resolveRef('feature') as string
    return { number: pull.number, pull_request: { number: pull.number, head: { sha: head, repo: { full_name: fork ? 'carol/shop' : 'acme/shop' } } } }
  }

  it('fails on a flag added without owner and expiry, with an annotation at file:line and a SARIF file', async () => {
    const repo = setup()
    const event = pullWith({ 'src/new.ts': "import { initialize } from 'unleash-client'\nconst u = initialize({ url: '', appName: '' })\nexport const x = u.isEnabled('brand-new')\n" })
    const { io, result } = await runFlagCleanup(github, repo, { eventName: 'pull_request', event, inputs: { 'sarif-file': 'flags.sarif' } })
    expect(result.reasonCode).toBe('flags-without-owner')
    expect(io.failed).toContain('rollgate/flags')
    const run = github.state.checkRuns.find((r) => r.run.name === 'rollgate/flags')
    expect(run?.run.conclusion).toBe('failure')
    expect(run?.annotations).toMatchObject([{ path: 'src/new.ts', start_line: 3, annotation_level: 'failure' }])
    const sarif = JSON.parse(readFileSync(join(repo.dir, 'flags.sarif'), 'utf8')) as { runs: { results: unknown[] }[] }
    expect(sarif.runs[0]?.results).toHaveLength(1)
  })

  it('passes when the new flag is in the registry with owner and expiry; stale flags in changed files are annotated', async () => {
    const repo = setup()
    const event = pullWith({ 'src/app.ts': `${APP}export const again = unleash.isEnabled('later')\n` })
    const { result } = await runFlagCleanup(github, repo, { eventName: 'pull_request', event })
    expect(result.reasonCode).toBe('flags-checked')
    const run = github.state.checkRuns.find((r) => r.run.name === 'rollgate/flags')
    expect(run?.run.conclusion).toBe('neutral')
    expect((run?.annotations as { message: string }[]).some((a) => a.message.startsWith('Flag new-checkout is past its expiry'))).toBe(true)
  })

  it('on a fork pull request writes workflow-command annotations and the job summary instead of a check run', async () => {
    const repo = setup()
    const event = pullWith({ 'src/new.ts': "export const x = client.isEnabled('brand-new')\n" }, true)
    const { io } = await runFlagCleanup(github, repo, { eventName: 'pull_request', event })
    expect(github.count('checks/create')).toBe(0)
    expect(io.errors.map((e) => [e.where?.file, e.where?.startLine])).toContainEqual(['src/new.ts', 1])
    expect(io.summary).toContain('rollgate/flags')
  })
})
