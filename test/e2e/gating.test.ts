/**
 * The two gating models of the README, on the bundles against the fake GitHub: which commit the
 * `rollgate/production` check run lands on, and so whether it can be a required check.
 *
 * (a) Deploy before merge: a pull-request workflow deploys the canary with the PR head as its `sha`;
 *     the check lands on the head, the commit branch protection looks at, so requiring it gates the
 *     merge. (On `pull_request`, GITHUB_SHA is the test-merge commit, not the head: the `sha` input
 *     is what makes this work.)
 * (b) Deploy after merge: a push to main deploys the merged commit; the check lands there, never on a
 *     pull request's head, so requiring it would block every pull request forever. Later jobs gate
 *     on the actions' outputs (`needs:`) and environment protection instead.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, runBundle, type BundleRun } from '../bundle/harness.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'

const github = useFakeGitHub({ repository: 'octo-org/shop' })
let workspace: string

/** Model (a) needs deploy-canary's `sha` input (it lands with the comment-commands work, #12). */
const deployInputs = Object.keys((parse(readFileSync(join(REPO_ROOT, 'actions/deploy-canary/action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs)
const HAS_SHA_INPUT = deployInputs.includes('sha')
const promoteInputs = Object.keys((parse(readFileSync(join(REPO_ROOT, 'actions/promote/action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs)

const POLICY = (script: string): string => `version: 1
environments:
  production:
    traffic:
      provider: command
      setWeight: [node, ${JSON.stringify(script)}, "{{weight}}"]
    steps:
      - { weight: 50 }
      - { weight: 100 }
`

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'rollgate-gating-'))
  mkdirSync(join(workspace, '.github'))
  const script = join(workspace, 'weight.mjs')
  writeFileSync(script, "import { writeFileSync } from 'node:fs'\nwriteFileSync(new URL('./weight.txt', import.meta.url), process.argv[2])\n")
  writeFileSync(join(workspace, '.github', 'rollgate.yml'), POLICY(script))
})
afterAll(() => rmSync(workspace, { recursive: true, force: true }))

interface Trigger {
  event: { name: string; payload: unknown }
  env: Record<string, string>
}

async function action(name: string, inputs: Record<string, string>, trigger: Trigger): Promise<BundleRun> {
  const run = await runBundle(name, {
    inputs: { environment: 'production', ...inputs },
    cwd: workspace,
    apiUrl: github.url,
    env: { ROLLGATE_GITHUB_PACING: 'off', GITHUB_ACTION: `${name}-${github.requests.length}`, ...trigger.env },
    event: trigger.event,
    timeoutMs: 60_000,
  })
  expect(run.errors, run.stdout).toEqual([])
  expect(run.exitCode, run.stdout).toBe(0)
  return run
}

const checksOn = (sha: string) => github.state.checkRuns.map((c) => c.run).filter((run) => run.name === 'rollgate/production' && run.head_sha === sha)
const reset = (): void => rmSync(join(workspace, 'weight.txt'), { force: true })

describe('gating models: where the rollgate/production check run lands', () => {
  it('(b) deploy after merge: on the merged commit of main, never on the pull request head', async () => {
    reset()
    const pull = github.state.seedPull({ head: 'feature-b' })
    const merged = github.state.commitFiles({ branch: 'main', files: { 'feature-b.txt': 'feature-b\n' }, message: `Merge pull request #${pull.number}` })
    const push: Trigger = {
      event: { name: 'push', payload: { ref: 'refs/heads/main', after: merged, head_commit: { id: merged } } },
      env: { GITHUB_SHA: merged, GITHUB_REF: 'refs/heads/main', GITHUB_REF_NAME: 'main' },
    }
    await action('deploy-canary', { version: 'v2', 'stable-version': 'v1' }, push)
    expect(checksOn(merged)).toEqual([expect.objectContaining({ status: 'in_progress' })])
    const promoted = await action('promote', {}, push)
    // What later jobs gate on in this model: the outputs, through needs:.
    expect(promoted.outputs['weight']).toBe('100')
    expect(checksOn(merged)).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'success' })])
    // The pull request's head never gets the check: as a required check it would wait forever.
    expect(checksOn(pull.head.sha)).toEqual([])
  }, 120_000)

  it.skipIf(!HAS_SHA_INPUT)('(a) deploy before merge: on the pull request head given as `sha`, not on the test-merge commit', async () => {
    reset()
    const pull = github.state.seedPull({ head: 'feature-a' })
    const head = pull.head.sha
    // What GITHUB_SHA is on pull_request: GitHub's test merge of the head into the base.
    const testMerge = github.state.commitFiles({ branch: `pull/${pull.number}/merge`, files: { 'feature-a.txt': 'feature-a\n' }, message: 'Merge into main' })
    const pr: Trigger = {
      event: { name: 'pull_request', payload: { number: pull.number, pull_request: { number: pull.number, head: { sha: head, ref: 'feature-a' } } } },
      env: { GITHUB_SHA: testMerge, GITHUB_REF: `refs/pull/${pull.number}/merge`, GITHUB_HEAD_REF: 'feature-a' },
    }
    await action('deploy-canary', { version: 'pr-a', 'stable-version': 'v2', sha: head }, pr)
    expect(checksOn(head)).toEqual([expect.objectContaining({ status: 'in_progress' })])
    await action('promote', promoteInputs.includes('expected-sha') ? { 'expected-sha': head } : {}, pr)
    expect(checksOn(head)).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'success' })])
    expect(checksOn(testMerge)).toEqual([])
  }, 120_000)
})
