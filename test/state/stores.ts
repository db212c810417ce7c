/**
 * The two state stores behind one harness, so the contract tests run on both: the file store on a
 * temporary directory, the GitHub store against the fake GitHub server (which fails the test on
 * any request GitHub's OpenAPI description rejects).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { streamLogger } from '../../shared/action/logger.js'
import { createGitHubClient } from '../../shared/github/client.js'
import { FileStateStore } from '../../shared/state/file-store.js'
import { GitHubStateStore, type GitHubStateStoreOptions } from '../../shared/state/github-store.js'
import type { CanaryRef } from '../../shared/state/record.js'
import type { StateStore } from '../../shared/state/store.js'
import type { FakeGitHub } from '../fakes/github/server.js'
import type { Clock } from './fixtures.js'

export const REPOSITORY = 'acme/shop'

export interface StoreHarness {
  name: string
  setup(): Promise<void>
  teardown(): Promise<void>
  /** A store as one runner would have it (each call: a separate process, its own cache). */
  store(clock: Clock): StateStore
  /** A canary whose SHA the store's backend knows (a real commit on the fake GitHub). */
  canary(version: string): CanaryRef
  /** Requests made so far (0 for the file store). */
  calls(): number
}

export function fileHarness(): StoreHarness {
  let directory = ''
  return {
    name: 'file store',
    setup: async () => {
      directory = await mkdtemp(join(tmpdir(), 'rollgate-state-'))
    },
    teardown: () => rm(directory, { recursive: true, force: true }),
    store: (clock) => new FileStateStore({ directory, clock: clock.now }),
    canary: (version) => ({ version, ref: `refs/tags/${version}`, sha: hexOf(version) }),
    calls: () => 0,
  }
}

export function gitHubHarness(github: FakeGitHub, options: Partial<GitHubStateStoreOptions> = {}): StoreHarness {
  const shas = new Map<string, string>()
  return {
    name: 'GitHub store',
    setup: async () => {
      shas.clear()
    },
    teardown: async () => undefined,
    store: (clock) => new GitHubStateStore({ github: octokit(github).rest, repo: { owner: 'acme', repo: 'shop' }, clock: clock.now, ...options }),
    canary: (version) => {
      let sha = shas.get(version)
      if (!sha) {
        sha = github.state.commitFiles({ branch: `release-${version}`, files: { 'VERSION': `${version}\n` }, message: `Release ${version}` })
        shas.set(version, sha)
      }
      return { version, ref: `refs/heads/release-${version}`, sha }
    },
    calls: () => github.requests.length,
  }
}

export function octokit(github: FakeGitHub): ReturnType<typeof createGitHubClient> {
  return createGitHubClient({
    token: 'ghs_test',
    version: '0.0.0-test',
    logger: streamLogger(() => undefined),
    baseUrl: github.url,
    paceWrites: false,
    request: { retries: 0 },
  })
}

function hexOf(text: string): string {
  return Buffer.from(text).toString('hex').padEnd(40, '0').slice(0, 40)
}
