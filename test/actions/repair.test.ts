/**
 * #10 point 5: a crash between the traffic move and the record. The repair reads the weight back
 * with the same template context as the move ({{environment}}, {{version}}, {{stableVersion}}),
 * and without a getWeight the refusal names the command that settles it, which exists: promote
 * with `repair-weight`.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { FakeClock, runMain, testDeps, workspace, type Workspace } from './support.js'

const github = useFakeGitHub({ repository: 'octo-org/shop' })
const spaces: Workspace[] = []
afterEach(() => {
  for (const w of spaces.splice(0)) w.cleanup()
})

/** A weight script keyed by environment and version: it fails on a value it cannot resolve. */
function script(ws: Workspace): string {
  const path = join(ws.dir, 'weight.mjs')
  writeFileSync(
    path,
    `import { readFileSync, writeFileSync } from 'node:fs'
const [cmd, env, version, stable, w] = process.argv.slice(2)
if (env.includes('{{') || version.includes('{{') || stable.includes('{{')) { console.error('unfilled ' + env + version + stable); process.exit(3) }
const f = new URL('./w-' + env + '-' + version + '.txt', import.meta.url)
if (cmd === 'set') writeFileSync(f, w); else { try { process.stdout.write(readFileSync(f, 'utf8')) } catch { process.stdout.write('0') } }
`,
  )
  chmodSync(path, 0o755)
  return path
}

function setup(readable: boolean) {
  const ws = workspace('')
  spaces.push(ws)
  const s = script(ws)
  const get = readable ? `, getWeight: [node, ${JSON.stringify(s)}, get, "{{environment}}", "{{version}}", "{{stableVersion}}"]` : ''
  ws.writePolicy(`version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [node, ${JSON.stringify(s)}, set, "{{environment}}", "{{version}}", "{{stableVersion}}", "{{weight}}"]${get} }
    steps: [ { weight: 5 }, { weight: 50 }, { weight: 100 } ]
`)
  const sha = github.state.seedPull({ head: 'feature' }).head.sha
  const clock = new FakeClock()
  const run = (action: Parameters<typeof runMain>[0], inputs: Record<string, string>) =>
    runMain(action, ws, (io) => testDeps(io, { github, traffic: 'real', clock }), { sha, inputs: { environment: 'production', ...inputs } })
  const weight = () => Number(readFileSync(join(ws.dir, 'w-production-v2.txt'), 'utf8'))
  // A crashed command's lease stays until it expires (15 minutes).
  const afterLease = () => clock.advance(16 * 60_000)
  return { ws, run, weight, afterLease }
}

/** The final record write after the traffic move fails for good: the crash between the two. */
function loseTheFinalWrite(): void {
  github.faults.push({ match: { operationId: 'repos/create-or-update-file-contents' }, skip: 1, status: 422, times: 1 })
}

describe('crash repair', () => {
  it('reads the weight back with the move\'s template context and completes the move', async () => {
    const { run, weight, afterLease } = setup(true)
    await run('deploy-canary', { version: 'v2', 'stable-version': 'v1' })
    loseTheFinalWrite()
    const crashed = await run('promote', {})
    expect(crashed.result.reasonCode).toBe('record-write-failed')
    expect(weight()).toBe(50)
    afterLease()
    const next = await run('promote', {})
    expect(next.failed).toBeUndefined()
    expect(next.io.logs.join('\n')).toMatch(/repaired an interrupted move first: repaired: completed the promote/)
    expect(next.result).toMatchObject({ reasonCode: 'applied', rollout: { weight: 100, phase: 'promoted' } })
  })

  it('without getWeight, refuses naming promote repair-weight, which settles it', async () => {
    const { run, weight, afterLease } = setup(false)
    await run('deploy-canary', { version: 'v2', 'stable-version': 'v1' })
    loseTheFinalWrite()
    await run('promote', {})
    expect(weight()).toBe(50)
    afterLease()
    const refused = await run('promote', {})
    expect(refused.result.reasonCode).toBe('interrupted-move')
    expect(refused.failed).toMatch(/run the promote action with `repair-weight: 50`/)
    const repaired = await run('promote', { 'repair-weight': '50' })
    expect(repaired.result).toMatchObject({ reasonCode: 'repaired', rollout: { weight: 50, step: 1, phase: 'canary' } })
    const next = await run('promote', {})
    expect(next.result).toMatchObject({ reasonCode: 'applied', rollout: { weight: 100 } })
    expect(weight()).toBe(100)
  })
})

