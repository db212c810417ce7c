/**
 * The GitHub store against the fake GitHub: the deployment per rollout and its statuses, the state
 * branch, and the REST calls each command costs (the API budget).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { streamLogger } from '../../shared/action/logger.js'
import type { Command, CommandContext } from '../../shared/state/machine.js'
import type { CanaryRef, RolloutRecord } from '../../shared/state/record.js'
import { GitHubStateStore, SWEEP_LIMIT, type GitHubStatePort } from '../../shared/state/github-store.js'
import { StateConflictError } from '../../shared/state/store.js'
import { runTransition } from '../../shared/state/transition.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { Clock, FakeTraffic, POLICY, V1, full, next, pass } from './fixtures.js'
import { REPOSITORY, octokit } from './stores.js'

const github = useFakeGitHub({ repository: REPOSITORY })
const RUN_URL = 'https://github.com/acme/shop/actions/runs/1001'

let clock: Clock
let traffic: FakeTraffic
let runId: number
/** Whether stores get the GraphQL port (the actions' stores do; the REST path is the fallback). */
let withGraphQL: boolean
let lastStore: GitHubStateStore | undefined
beforeEach(() => {
  clock = new Clock()
  traffic = new FakeTraffic()
  runId = 5000
  withGraphQL = false
})

function store(extra: Partial<ConstructorParameters<typeof GitHubStateStore>[0]> = {}): GitHubStateStore {
  return new GitHubStateStore({
    ...(withGraphQL ? { graphql: octokit(github) } : {}),
    github: octokit(github).rest,
    repo: { owner: 'acme', repo: 'shop' },
    production: (env) => env === 'production',
    logUrl: RUN_URL,
    clock: clock.now,
    logger: streamLogger(() => undefined),
    ...extra,
  })
}

function release(version: string): CanaryRef {
  const sha = github.state.commitFiles({ branch: `release-${version}`, files: { VERSION: `${version}\n` }, message: version })
  return { version, ref: `release-${version}`, sha }
}

interface Step {
  label: string
  command: Command
  environment?: string
  refused?: boolean
}

/** Runs one command as an action would (a fresh runner: new store, new client) and counts its requests. */
async function act(step: Step): Promise<{ calls: string[]; record: RolloutRecord | undefined }> {
  const before = github.requests.length
  const context: CommandContext = { runId: ++runId, runAttempt: 1, job: 'rollout', actor: 'alice', now: clock.now() }
  lastStore = store()
  const outcome = await runTransition({
    store: lastStore,
    environment: step.environment ?? 'production',
    command: step.command,
    policy: POLICY,
    context,
    leaseTtlMs: 600_000,
    moveTraffic: traffic.move,
    readWeight: traffic.read,
  })
  clock.advance(60_000)
  return { calls: github.requests.slice(before).map((r) => r.operationId ?? r.path), record: outcome.snapshot?.record }
}

const deployments = (environment = 'production'): { id: number; statuses: string[] }[] =>
  github.state.deployments
    .filter((d) => d.environment === environment)
    .map((d) => ({ id: d.id, statuses: github.state.statusesOf(d.id).map((s) => `${s.state}: ${s.description}`) }))

describe('one deployment per rollout', () => {
  it('is created by deploy-canary with the record in its payload, and shows progress in its statuses', async () => {
    const v2 = release('v2')
    await act({ label: 'deploy', command: { type: 'deploy-canary', canary: v2, stable: V1 } })
    await act({ label: 'analyze', command: pass })
    await act({ label: 'promote', command: next })

    expect(github.state.deployments).toHaveLength(1)
    const [d] = github.state.deployments
    expect(d).toMatchObject({
      sha: v2.sha,
      ref: v2.sha,
      task: 'deploy:rollgate',
      environment: 'production',
      transient_environment: false,
      production_environment: true,
      description: 'Rollgate canary v2 (release-v2)',
    })
    expect(d?.payload).toMatchObject({
      rollgate: {
        schemaVersion: 1,
        liveRecord: 'acme/shop@rollgate-state:production.json',
        record: { phase: 'pending', canary: { version: 'v2', sha: v2.sha }, stable: V1, pendingMove: { from: 0, to: 5 } },
      },
    })
    expect(deployments()[0]?.statuses).toEqual(['in_progress: canary at 5% (step 1): v2', 'in_progress: canary at 25% (step 2): v2'])
    expect(github.state.statusesOf(d?.id ?? 0)[0]?.log_url).toBe(RUN_URL)
  })

  it('keeps the live record on the state branch, created once as an orphan commit, with [skip ci] commits', async () => {
    await act({ label: 'deploy', command: { type: 'deploy-canary', canary: release('v2'), stable: V1 } })
    const files = github.state.files('rollgate-state')
    expect([...files.keys()].sort()).toEqual(['README.md', 'production.json'])
    const record = JSON.parse(files.get('production.json') ?? '{}') as RolloutRecord
    expect(record).toMatchObject({ phase: 'canary', weight: 5, deploymentId: github.state.deployments[0]?.id })
    expect(files.get('production.json')).not.toContain('\n  ')

    let sha = github.state.git.refs.get('refs/heads/rollgate-state')
    const messages: string[] = []
    while (sha) {
      const commit = github.state.git.commits.get(sha)
      messages.push(commit?.message ?? '')
      sha = commit?.parents[0]
    }
    expect(messages.reverse()).toEqual([
      'rollgate: state branch [skip ci]',
      'rollgate(production): deploy-canary moving 0% → 5% [skip ci]',
      'rollgate(production): canary at 5% (step 1): v2 [skip ci]',
    ])
  })

  it('marks the production deployment it supersedes inactive at the end of the next rollout', async () => {
    await act({ label: 'deploy v2', command: { type: 'deploy-canary', canary: release('v2'), stable: V1 } })
    for (const command of [pass, next, pass, next, pass, next]) await act({ label: '', command })
    await act({ label: 'deploy v3', command: { type: 'deploy-canary', canary: release('v3') } })
    for (const command of [pass, next, pass, next, pass, next]) await act({ label: '', command })
    const [first, second] = deployments()
    expect(first?.statuses.at(-2)).toBe('success: promoted v2 to 100%')
    expect(first?.statuses.at(-1)).toBe('inactive: Superseded by v3')
    expect(second?.statuses.at(-1)).toBe('success: promoted v3 to 100%')
  })

  it('leaves superseding to GitHub’s auto_inactive outside production', async () => {
    const env = 'staging'
    await act({ label: '', environment: env, command: { type: 'deploy-canary', canary: release('v2'), stable: V1 } })
    for (const command of [pass, next, pass, next, pass, next]) await act({ label: '', environment: env, command })
    await act({ label: '', environment: env, command: { type: 'deploy-canary', canary: release('v3') } })
    for (const command of [pass, next, pass, next, pass, next]) await act({ label: '', environment: env, command })
    const [first] = deployments(env)
    expect(first?.statuses.at(-1)).toMatch(/^inactive/)
    expect(github.state.deployments.every((d) => d.production_environment === false)).toBe(true)
  })

  it('reverts a finished promotion: failure on it, success again on the known-good deployment', async () => {
    await act({ label: '', command: { type: 'deploy-canary', canary: release('v2'), stable: V1 } })
    for (const command of [pass, next, pass, next, pass, next]) await act({ label: '', command })
    await act({ label: '', command: { type: 'deploy-canary', canary: release('v3') } })
    for (const command of [pass, next, pass, next, pass, next]) await act({ label: '', command })
    const { calls, record } = await act({ label: 'revert', command: { type: 'rollback', reason: 'checkout errors after release' } })
    expect(record).toMatchObject({ phase: 'rolled-back', stable: { version: 'v2' } })
    const [v2, v3] = deployments()
    expect(v3?.statuses.at(-1)).toBe('failure: rolled back to v2: checkout errors after release')
    expect(v2?.statuses.at(-1)).toBe('success: Restored v2 after reverting v3')
    expect(calls).toEqual([
      'repos/get-content',
      'repos/create-or-update-file-contents',
      'repos/create-or-update-file-contents',
      'repos/create-deployment-status',
      'repos/create-deployment-status',
    ])
  })

  it('keeps status descriptions within GitHub’s 140 characters', async () => {
    await act({ label: '', command: { type: 'deploy-canary', canary: release('v2'), stable: V1 } })
    await act({ label: '', command: { type: 'rollback', reason: `p99 latency regression on ${'checkout '.repeat(30)}` } })
    const last = deployments()[0]?.statuses.at(-1) ?? ''
    expect(last.length).toBeLessThanOrEqual('failure: '.length + 140)
    expect(last).toMatch(/…$/)
  })

  it('creates no deployment for a record it refuses to write', async () => {
    const s = store()
    const before = github.requests.length
    const bad: RolloutRecord = {
      schemaVersion: 1,
      environment: 'production',
      revision: 0,
      updatedAt: clock.now().toISOString(),
      phase: 'canary',
      canary: release('v2'),
      step: 0,
      weight: 5,
      verdicts: [],
      history: [],
      evidence: { step: 0, template: 'default', data: { z: Number.NaN } },
    }
    await expect(s.save(bad, null)).rejects.toThrow('evidence.data.z must be a finite number')
    expect(github.requests.length).toBe(before)
  })

  it('marks the deployment of a write that lost its race as an error', async () => {
    const a = store()
    const b = store()
    const v2 = release('v2')
    const v3 = release('v3')
    const base = (canary: CanaryRef): RolloutRecord => ({
      schemaVersion: 1,
      environment: 'production',
      revision: 0,
      updatedAt: clock.now().toISOString(),
      phase: 'canary',
      canary,
      step: 0,
      weight: 5,
      verdicts: [],
      history: [],
    })
    await a.save(base(v2), null)
    await expect(b.save(base(v3), null)).rejects.toThrow(StateConflictError)
    const lost = deployments().find((d) => github.state.deployments.find((x) => x.id === d.id)?.sha === v3.sha)
    expect(lost?.statuses).toEqual(['error: Superseded: another Rollgate command changed the rollout first'])
  })
})

describe('REST calls per command (the API budget: deploy-canary ≤ 8, promote ≤ 6, rollback ≤ 6 for a whole action)', () => {
  it('costs what the budget allows, step by step', async () => {
    const steps: [Step, string[]][] = [
      // The very first write in a repository also creates the state branch (3 calls, once).
      [
        { label: 'first deploy-canary in the repository', command: { type: 'deploy-canary', canary: release('v2'), stable: V1 } },
        [
          'repos/get-content',
          'repos/create-deployment',
          'repos/create-or-update-file-contents',
          'git/create-tree',
          'git/create-commit',
          'git/create-ref',
          'repos/create-or-update-file-contents',
          'repos/create-or-update-file-contents',
          'repos/create-deployment-status',
        ],
      ],
      [{ label: 'analyze', command: pass }, ['repos/get-content', 'repos/create-or-update-file-contents']],
      [
        { label: 'promote', command: next },
        ['repos/get-content', 'repos/create-or-update-file-contents', 'repos/create-or-update-file-contents', 'repos/create-deployment-status'],
      ],
      [{ label: 'analyze', command: pass }, ['repos/get-content', 'repos/create-or-update-file-contents']],
      [
        { label: 'promote', command: next },
        ['repos/get-content', 'repos/create-or-update-file-contents', 'repos/create-or-update-file-contents', 'repos/create-deployment-status'],
      ],
      [{ label: 'analyze', command: pass }, ['repos/get-content', 'repos/create-or-update-file-contents']],
      // No earlier Rollgate deployment is known at the first promotion: one sweep (a list, here empty of others).
      [
        { label: 'first final promote in production', command: next },
        [
          'repos/get-content',
          'repos/create-or-update-file-contents',
          'repos/create-or-update-file-contents',
          'repos/create-deployment-status',
          'repos/list-deployments',
        ],
      ],
      [
        { label: 'deploy-canary', command: { type: 'deploy-canary', canary: release('v3') } },
        [
          'repos/get-content',
          'repos/create-deployment',
          'repos/create-or-update-file-contents',
          'repos/create-or-update-file-contents',
          'repos/create-deployment-status',
        ],
      ],
      [{ label: 'analyze', command: pass }, ['repos/get-content', 'repos/create-or-update-file-contents']],
      [{ label: 'promote --full, refused (it would skip step 3)', command: full, refused: true }, ['repos/get-content']],
      [
        { label: 'promote', command: next },
        ['repos/get-content', 'repos/create-or-update-file-contents', 'repos/create-or-update-file-contents', 'repos/create-deployment-status'],
      ],
      [{ label: 'pass', command: pass }, ['repos/get-content', 'repos/create-or-update-file-contents']],
      [
        { label: 'promote', command: next },
        ['repos/get-content', 'repos/create-or-update-file-contents', 'repos/create-or-update-file-contents', 'repos/create-deployment-status'],
      ],
      [{ label: 'pass', command: pass }, ['repos/get-content', 'repos/create-or-update-file-contents']],
      [
        { label: 'final promote in production', command: next },
        [
          'repos/get-content',
          'repos/create-or-update-file-contents',
          'repos/create-or-update-file-contents',
          'repos/create-deployment-status',
          'repos/create-deployment-status',
        ],
      ],
      [
        { label: 'deploy-canary', command: { type: 'deploy-canary', canary: release('v4') } },
        [
          'repos/get-content',
          'repos/create-deployment',
          'repos/create-or-update-file-contents',
          'repos/create-or-update-file-contents',
          'repos/create-deployment-status',
        ],
      ],
      [
        { label: 'rollback', command: { type: 'rollback', reason: 'errors' } },
        ['repos/get-content', 'repos/create-or-update-file-contents', 'repos/create-or-update-file-contents', 'repos/create-deployment-status'],
      ],
      [{ label: 'rollback again (no-op)', command: { type: 'rollback', reason: 'errors' } }, ['repos/get-content']],
    ]
    for (const [step, expected] of steps) {
      const before = github.requests.length
      if (step.refused) await expect(act(step)).rejects.toThrow('promote refused')
      else await act(step)
      const calls = github.requests.slice(before).map((r) => r.operationId ?? r.path)
      expect({ step: step.label, calls }).toEqual({ step: step.label, calls: expected })
    }
  })
})

describe('several statuses in one GraphQL request (the actions’ stores)', () => {
  const rollout = async (version: string, stable?: typeof V1): Promise<string[]> => {
    await act({ label: '', command: { type: 'deploy-canary', canary: release(version), ...(stable ? { stable } : {}) } })
    let last: string[] = []
    for (const command of [pass, next, pass, next, pass, next]) last = (await act({ label: '', command })).calls
    return last
  }

  it('marks the superseded production deployment inactive in the request that posts the success', async () => {
    withGraphQL = true
    // The environment's first promotion knows no predecessor: the answer lists the environment's
    // deployments (none older here), so no second request.
    expect(await rollout('v2', V1)).toEqual(['repos/get-content', 'repos/create-or-update-file-contents', 'repos/create-or-update-file-contents', 'graphql'])
    expect(await rollout('v3')).toEqual(['repos/get-content', 'repos/create-or-update-file-contents', 'repos/create-or-update-file-contents', 'graphql'])
    const [v2, v3] = deployments()
    expect(v2?.statuses.slice(-2)).toEqual(['success: promoted v2 to 100%', 'inactive: Superseded by v3'])
    expect(v3?.statuses.at(-1)).toBe('success: promoted v3 to 100%')
    // The same fields as the REST statuses: the run's page on each.
    const posted = github.state.statusesOf(v3?.id ?? 0).at(-1)
    expect(posted).toMatchObject({ state: 'success', log_url: RUN_URL, environment: 'production' })
    const { calls } = await act({ label: 'revert', command: { type: 'rollback', reason: 'errors after release' } })
    expect(calls).toEqual(['repos/get-content', 'repos/create-or-update-file-contents', 'repos/create-or-update-file-contents', 'graphql'])
    expect(deployments()[0]?.statuses.at(-1)).toBe('success: Restored v2 after reverting v3')
    expect(deployments()[1]?.statuses.at(-1)).toBe('failure: rolled back to v2: errors after release')
  })

  it('falls back to REST, one status each, when the GraphQL request fails', async () => {
    withGraphQL = true
    await rollout('v2', V1)
    github.faults.push({ match: { operationId: 'graphql' }, status: 502, times: 20 })
    const calls = await rollout('v3')
    expect(calls.slice(-2)).toEqual(['repos/create-deployment-status', 'repos/create-deployment-status'])
    expect(calls.filter((c) => c === 'graphql').length).toBeGreaterThan(0)
    expect(lastStore?.warnings.join('\n')).toMatch(/GraphQL|502/)
    const [v2, v3] = deployments()
    expect(v2?.statuses.at(-1)).toBe('inactive: Superseded by v3')
    expect(v3?.statuses.at(-1)).toBe('success: promoted v3 to 100%')
  })

  it('uses REST for a record written before node IDs were kept', async () => {
    await rollout('v2', V1)
    withGraphQL = true
    // v2's record and deployment predate node IDs (written without the GraphQL port is the same:
    // the REST path records them too, so drop them by hand).
    const calls = await rolloutWithoutNodeIds('v3')
    expect(calls.slice(-2)).toEqual(['repos/create-deployment-status', 'repos/create-deployment-status'])
    expect(deployments()[0]?.statuses.at(-1)).toBe('inactive: Superseded by v3')
  })

  async function rolloutWithoutNodeIds(version: string): Promise<string[]> {
    await act({ label: '', command: { type: 'deploy-canary', canary: release(version) } })
    const s = store()
    const snapshot = await s.load('production')
    if (!snapshot) throw new Error('no record')
    const strip = <T extends { deploymentNodeId?: string }>(v: T): T => {
      const { deploymentNodeId: _dropped, ...rest } = v
      return rest as T
    }
    const record = { ...strip(snapshot.record), history: snapshot.record.history.map((h) => (h.stable ? { ...h, stable: strip(h.stable) } : h)) }
    await s.save(record, snapshot.version)
    let last: string[] = []
    for (const command of [pass, next, pass, next, pass, next]) last = (await act({ label: '', command })).calls
    return last
  }
})

describe('superseded deployments', () => {
  it('pages past 100 to mark every earlier deployment of the environment inactive', async () => {
    const client = octokit(github).rest
    const base = release('v1')
    for (let i = 0; i < 110; i++) {
      await client.repos.createDeployment({ owner: 'acme', repo: 'shop', ref: base.sha, environment: 'production', required_contexts: [], auto_merge: false })
    }
    const keep = (await client.repos.createDeployment({ owner: 'acme', repo: 'shop', ref: base.sha, environment: 'production', required_contexts: [], auto_merge: false })).data
    const keepId = 'id' in keep ? keep.id : 0
    const before = github.requests.length
    expect(await store().markSuperseded('production', keepId, 500)).toBe(110)
    const calls = github.requests.slice(before).map((r) => r.operationId)
    expect(calls.filter((c) => c === 'repos/list-deployments')).toHaveLength(2)
    const active = github.state.deployments.filter((d) => d.id !== keepId && github.state.statusesOf(d.id).at(-1)?.state !== 'inactive')
    expect(active).toEqual([])
    expect(github.state.statusesOf(keepId)).toEqual([])
  })

  it(`stops at its limit (${SWEEP_LIMIT} by default) and says so`, async () => {
    const client = octokit(github).rest
    const base = release('v1')
    for (let i = 0; i < 5; i++) {
      await client.repos.createDeployment({ owner: 'acme', repo: 'shop', ref: base.sha, environment: 'production', required_contexts: [], auto_merge: false })
    }
    const s = store()
    expect(await s.markSuperseded('production', 1_000_000, 3)).toBe(3)
    expect(s.warnings).toEqual([])
    const lines: string[] = []
    const logged = store({ logger: streamLogger((l) => lines.push(l)) })
    await logged.markSuperseded('production', 1_000_000, 3)
    expect(lines).toEqual([
      'warning: production has 5 earlier deployments; marked the newest 3 inactive and left the rest (a sweep is capped at 3 requests)',
    ])
  })
})

describe('writes that race other environments', () => {
  it('tries again when GitHub answers 409 only because the branch moved, not the file', async () => {
    const text = JSON.stringify({ schemaVersion: 1 })
    let puts = 0
    const file = { type: 'file', sha: 'abc', content: Buffer.from(text).toString('base64') }
    const port = {
      repos: {
        getContent: async () => ({ data: file }),
        createOrUpdateFileContents: async () => {
          if (++puts === 1) throw Object.assign(new Error('is at 123 but expected 456'), { status: 409 })
          return { data: { content: { sha: 'def' } } }
        },
      },
      git: {},
    } as unknown as GitHubStatePort
    const s = new GitHubStateStore({ github: port, repo: { owner: 'acme', repo: 'shop' }, clock: clock.now })
    const record: RolloutRecord = {
      schemaVersion: 1,
      environment: 'staging',
      revision: 3,
      updatedAt: clock.now().toISOString(),
      phase: 'idle',
      step: -1,
      weight: 0,
      verdicts: [],
      history: [],
    }
    // getContent answers with the expected blob, so only the branch moved.
    file.content = Buffer.from(JSON.stringify(record)).toString('base64')
    const written = await s.save(record, 'abc')
    expect(written.version).toBe('def')
    expect(puts).toBe(2)
  })
})
