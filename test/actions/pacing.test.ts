/**
 * Write pacing comes from the deps alone: the production deps pace GitHub writes one second apart
 * whatever the API root (a local one included: no host or environment sniffing), and the test deps
 * turn pacing off by passing their own client.
 */
import { describe, expect, it } from 'vitest'
import { FakeActionIO } from '../fakes/action-io.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { streamLogger } from '../../shared/action/logger.js'
import { productionDeps } from '../../shared/rollout/runtime.js'
import { testDeps } from './support.js'

const github = useFakeGitHub({ repository: 'octo-org/shop' })
const REPO = { owner: 'octo-org', repo: 'shop' }

async function twoWrites(deps: ReturnType<typeof productionDeps>): Promise<number> {
  const octokit = deps.github({ token: 'ghs_pacingtesttoken0123456789', logger: streamLogger(() => undefined) })
  const started = Date.now()
  await octokit.rest.repos.createDeployment({ ...REPO, ref: 'main', required_contexts: [] })
  await octokit.rest.repos.createDeployment({ ...REPO, ref: 'main', required_contexts: [] })
  return Date.now() - started
}

describe('GitHub write pacing', () => {
  it('is on in the production deps, even for an API root on this machine', async () => {
    const io = new FakeActionIO({}, { GITHUB_API_URL: github.url })
    expect(await twoWrites(productionDeps(io))).toBeGreaterThanOrEqual(950)
  })

  it('is off in the test deps, which bring their own client', async () => {
    const io = new FakeActionIO({}, { GITHUB_API_URL: github.url })
    expect(await twoWrites(testDeps(io, { github }))).toBeLessThan(900)
  })
})
