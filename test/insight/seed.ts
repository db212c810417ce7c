/**
 * Seeds the fake GitHub with a delivery history: merged pull requests (first commit, merge commit),
 * Rollgate deployments exactly as the GitHub state store writes them (task `deploy:rollgate`, a
 * payload with a `rollgate` object, the status descriptions of `visibleStatus`), GitHub's own
 * per-job deployments, and the rollout record on the state branch.
 */
import { deployment, deploymentStatus } from '../fakes/github/factories.js'
import type { FakeGitHubState } from '../fakes/github/state.js'
import type { DeploymentStatus } from '../fakes/github/types.js'
import { DEPLOYMENT_TASK } from '../../shared/state/github-store.js'
import { serializeRecord, type HistoryEntry, type RolloutRecord } from '../../shared/state/record.js'

const SITE = { api: 'http://fake', web: 'https://github.com' }

export const at = (iso: string): Date => new Date(iso.endsWith('Z') ? iso : `${iso}Z`)

function site(state: FakeGitHubState) {
  return state.site(SITE.api, SITE.web)
}

/**
 * A merged pull request: its first commit authored at `firstCommitAt`, its head later, and its
 * merge commit on main at `mergedAt`. Returns the merge commit's SHA (what gets deployed).
 */
export function seedMergedPull(state: FakeGitHubState, input: { branch: string; firstCommitAt: string; mergedAt: string; labels?: string[] }): string {
  state.clock = () => at(input.firstCommitAt)
  const first = state.commitFiles({ branch: input.branch, files: { [`${input.branch}.txt`]: `${input.branch} 1\n` }, message: `${input.branch}: start` })
  state.clock = () => new Date(at(input.firstCommitAt).getTime() + 60_000)
  state.commitFiles({ branch: input.branch, files: { [`${input.branch}.txt`]: `${input.branch} 2\n` }, message: `${input.branch}: finish` })
  const pull = state.seedPull({ head: input.branch, title: input.branch, labels: input.labels ?? [] })
  state.clock = () => at(input.mergedAt)
  const merge = state.commitFiles({ branch: state.defaultBranch, files: { [`${input.branch}.txt`]: `${input.branch} 2\n` }, message: `Merge ${input.branch} (#${pull.number})` })
  pull.commits = [first]
  pull.state = 'closed'
  pull.merged = true
  pull.mergedAt = at(input.mergedAt)
  pull.closedAt = at(input.mergedAt)
  pull.mergeCommitSha = merge
  state.clock = () => new Date()
  return merge
}

/** A commit pushed straight to main (no pull request). */
export function seedCommit(state: FakeGitHubState, authoredAt: string, name: string): string {
  state.clock = () => at(authoredAt)
  const sha = state.commitFiles({ branch: state.defaultBranch, files: { [`${name}.txt`]: `${name}\n` }, message: name })
  state.clock = () => new Date()
  return sha
}

export interface SeedStatus {
  at: string
  state: DeploymentStatus['state']
  description: string
}

export function seedRollgateDeployment(
  state: FakeGitHubState,
  input: { environment: string; sha: string; version: string; ref?: string; createdAt: string; statuses: SeedStatus[]; history?: HistoryEntry[] },
): number {
  const s = site(state)
  const id = state.nextId()
  const ref = input.ref ?? 'refs/heads/main'
  const d = deployment(s, {
    id,
    sha: input.sha,
    ref: input.sha,
    task: DEPLOYMENT_TASK,
    payload: {
      rollgate: {
        schemaVersion: 1,
        liveRecord: `${state.owner}/${state.repo}@rollgate-state:${input.environment}.json`,
        record: { schemaVersion: 1, environment: input.environment, phase: 'pending', canary: { version: input.version, ref, sha: input.sha }, history: input.history ?? [] },
      },
    },
    environment: input.environment,
    description: `Rollgate canary ${input.version} (${ref})`,
    creator: state.user(s, state.viewer),
    transientEnvironment: false,
    productionEnvironment: input.environment === 'production',
    createdAt: at(input.createdAt),
  })
  state.deployments.push(d)
  for (const st of input.statuses) {
    state.statusesOf(id).push(
      deploymentStatus(s, d, { id: state.nextId(), state: st.state, description: st.description, environment: input.environment, logUrl: '', environmentUrl: '', creator: state.user(s, state.viewer), createdAt: at(st.at) }),
    )
  }
  return id
}

/** A deployment GitHub creates for a job that names `environment:` (task `deploy`, empty payload). */
export function seedJobDeployment(state: FakeGitHubState, input: { environment: string; sha: string; createdAt: string }): number {
  const s = site(state)
  const id = state.nextId()
  const d = deployment(s, {
    id,
    sha: input.sha,
    ref: 'main',
    task: 'deploy',
    payload: {},
    environment: input.environment,
    description: null,
    creator: state.user(s, 'github-actions[bot]'),
    transientEnvironment: false,
    productionEnvironment: false,
    createdAt: at(input.createdAt),
  })
  state.deployments.push(d)
  state.statusesOf(id).push(
    deploymentStatus(s, d, { id: state.nextId(), state: 'success', description: '', environment: input.environment, logUrl: '', environmentUrl: '', creator: state.user(s, 'github-actions[bot]'), createdAt: at(input.createdAt) }),
  )
  return id
}

/** Writes `<environment>.json` on the `rollgate-state` branch, as the GitHub state store would. */
export function seedRecord(state: FakeGitHubState, record: RolloutRecord): void {
  state.commitFiles({ branch: 'rollgate-state', files: { [`${record.environment}.json`]: serializeRecord(record) }, message: 'rollgate: record [skip ci]' })
}

export function entry(input: Partial<HistoryEntry> & Pick<HistoryEntry, 'at' | 'action' | 'weight'>): HistoryEntry {
  return {
    from: 'canary',
    to: 'canary',
    fromWeight: 0,
    actor: 'github-actions[bot]',
    runId: 1,
    runAttempt: 1,
    ...input,
    at: at(input.at).toISOString(),
  }
}
