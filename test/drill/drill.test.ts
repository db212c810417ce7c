/**
 * Rollback drills (#16 point 2): the drill action's main in-process against the OpenAPI-validating
 * fake GitHub. A real `command` traffic provider (node processes writing a weight file) shows
 * traffic restored; a provider that refuses to move back fails the drill's check run with the cause.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ProviderError } from '../../shared/errors.js'
import { stickyMarker } from '../../shared/report/targets.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { FakeClock, MemoryTraffic, runMain, testDeps, workspace, type Workspace } from '../actions/support.js'

const github = useFakeGitHub({ repository: 'octo-org/shop' })
const spaces: Workspace[] = []
afterEach(() => {
  for (const w of spaces.splice(0)) w.cleanup()
})

const SET = 'const [file, w] = process.argv.slice(1); if (w === "0" && require("fs").existsSync(file + ".stuck")) { console.error("backend refused to move traffic back"); process.exit(3) } require("fs").writeFileSync(file, w)'
const GET = 'process.stdout.write(require("fs").readFileSync(process.argv[1], "utf8"))'

function commandPolicy(dir: string, drills: string, extra = ''): string {
  const file = join(dir, 'weight')
  writeFileSync(file, '0')
  return `version: 1
environments:
  staging:
    stableVersion: v1
${extra}    traffic:
      provider: command
      setWeight: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(SET)}, ${JSON.stringify(file)}, "{{weight}}"]
      getWeight: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(GET)}, ${JSON.stringify(file)}]
    steps: [ { weight: 10 }, { weight: 100 } ]
    drills: ${drills}
`
}

/** A policy whose traffic goes to the MemoryTraffic the test hands in. */
const memoryPolicy = (drills: string, first = 5, extra = '') => `version: 1
environments:
  staging:
    ${extra}stableVersion: v1
    traffic: { provider: command, setWeight: [unused] }
    steps: [ { weight: ${first} }, { weight: 100 } ]
${drills ? `    drills: ${drills}\n` : ''}`

function setup(policy: (dir: string) => string, traffic: MemoryTraffic | 'real' = 'real', clock = new FakeClock()) {
  const ws = workspace('')
  spaces.push(ws)
  ws.writePolicy(policy(ws.dir))
  const sha = github.state.commitFiles({ branch: 'main', files: { 'app.txt': `drill ${spaces.length}` } })
  const run = () => runMain('drill', ws, (io) => testDeps(io, { github, traffic, clock }), { inputs: { environment: 'staging' }, sha })
  return { ws, run, sha, weightFile: join(ws.dir, 'weight') }
}

const drillRuns = () => github.state.checkRuns.map((c) => c.run).filter((r) => r.name === 'rollgate/drill/staging')

describe('the drill action', () => {
  it('ships a canary, injects a failing verdict, rolls back and proves it: traffic read back at 0, record, deployment status, alert comment', async () => {
    const issue = github.state.seedIssue()
    const { run, weightFile } = setup((dir) => commandPolicy(dir, `{ schedule: "0 3 * * 1", alert: { issue: ${issue} } }`))

    const drill = await run()

    expect(drill.failed, drill.failed).toBeUndefined()
    expect(drill.result).toMatchObject({ action: 'drill', reasonCode: 'drill-passed', rollout: { phase: 'rolled-back', weight: 0, canary: 'v1', stable: 'v1' } })
    expect(readFileSync(weightFile, 'utf8')).toBe('0')
    const checks = (drill.result['drill'] as { checks: { name: string; ok: boolean; detail: string }[] }).checks
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['deploy', true],
      ['inject', true],
      ['rollback', true],
      ['traffic', true],
      ['record', true],
      ['deployment', true],
      ['alert', true],
      ['time-to-restore', true],
    ])
    expect(checks.find((c) => c.name === 'deploy')?.detail).toContain('provider reads 10%')
    expect(drill.io.outputs['passed']).toBe('true')
    expect(drill.io.outputs['time-to-restore-ms']).toMatch(/^\d+$/)

    const [checkRun] = drillRuns()
    expect(checkRun).toMatchObject({ status: 'completed', conclusion: 'success' })
    expect(checkRun?.output.title).toMatch(/^Drill passed: rollback of staging works end to end/)
    const deployment = github.state.deployments.at(-1)
    expect(github.state.statusesOf(deployment?.id as number).at(-1)).toMatchObject({ state: 'failure', description: expect.stringMatching(/^rolled back to v1: Rollgate drill: injected failing verdict/) })
    const comment = github.state.comments.find((c) => c.issueNumber === issue && c.comment.body?.includes(stickyMarker('staging')))
    expect(comment?.comment.body).toMatch(/rolled back/i)
    expect(drill.io.summary).toContain('### Rollgate drill: staging')
  })

  it('a provider that refuses to move traffic back fails the drill check run, naming the rollback and the cause', async () => {
    const { ws, run, weightFile } = setup((dir) => commandPolicy(dir, '{ schedule: "0 3 * * 1" }'))
    writeFileSync(`${join(ws.dir, 'weight')}.stuck`, '')

    const drill = await run()

    expect(drill.result.reasonCode).toBe('drill-failed')
    expect(drill.failed).toMatch(/^rollgate\/drill\/staging: Drill failed: rollback, traffic, record, deployment, time-to-restore broke/)
    expect(drill.failed).toMatch(/rollback: rollback failed \(traffic-failed\): .*backend refused to move traffic back/)
    expect(drill.failed).toMatch(/traffic: after the failed rollback .* reads 10% on the canary/)
    expect(readFileSync(weightFile, 'utf8')).toBe('10')
    const [checkRun] = drillRuns()
    expect(checkRun).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(checkRun?.output.summary).toMatch(/❌ \| rollback \| rollback failed \(traffic-failed\)/)
    expect(drill.io.outputs['passed']).toBe('false')
    expect(drill.io.outputs['time-to-restore-ms']).toBe('')
  })

  it('provider-fault: the first rollback move fails, the weights are kept and recorded, the second rollback restores; the webhook gets the result', async () => {
    const posted: string[] = []
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString()))
      req.on('end', () => {
        posted.push(body)
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/drill`
    try {
      const traffic = new MemoryTraffic()
      const { run } = setup(
        () => memoryPolicy(`{ inject: provider-fault, version: v1-drill, alert: { webhook: "${url}" } }`, 25),
        traffic,
      )
      const drill = await run()
      expect(drill.failed, drill.failed).toBeUndefined()
      expect(drill.result).toMatchObject({ reasonCode: 'drill-passed', rollout: { phase: 'rolled-back', canary: 'v1-drill', stable: 'v1' } })
      expect(traffic.changes.map((c) => c.weight)).toEqual([25, 0])
      const inject = (drill.result['drill'] as { checks: { name: string; detail: string }[] }).checks.filter((c) => c.name === 'inject')
      expect(inject[1]?.detail).toMatch(/the traffic provider failed the first rollback move; weights stayed at 25% and the record says: rollback failed, traffic left at 25%: .*injected provider fault/)
      expect(posted).toHaveLength(1)
      expect(JSON.parse(posted[0] as string)).toMatchObject({ environment: 'staging', phase: 'rolled-back', weight: 0, drill: { ok: true, inject: 'provider-fault', timeToRestoreMs: null } })
    } finally {
      server.close()
    }
  })

  it('measures the time to restore and fails a drill slower than maxTimeToRestore', async () => {
    const clock = new FakeClock()
    const slow = new (class extends MemoryTraffic {
      override async setWeight(weight: number, ctx: Parameters<MemoryTraffic['setWeight']>[1]) {
        if (weight === 0) clock.advance(7 * 60_000)
        return super.setWeight(weight, ctx)
      }
    })()
    const { run } = setup(
      () => memoryPolicy('{ maxTimeToRestore: 5m }', 5),
      slow,
      clock,
    )
    const drill = await run()
    expect(drill.result.reasonCode).toBe('drill-failed')
    expect(drill.io.outputs['time-to-restore-ms']).toBe(String(7 * 60_000))
    expect(drill.failed).toMatch(/time-to-restore: 7\.0 min from the injected failure to traffic read back at 0% \(at most 5\.0 min\)/)
  })

  it('a provider that cannot read weights back cannot prove the way back: the drill fails on traffic', async () => {
    const blind = new MemoryTraffic()
    blind.canRead = false
    const { run } = setup(
      () => memoryPolicy('{}', 5),
      blind,
    )
    const drill = await run()
    expect(drill.result.reasonCode).toBe('drill-failed')
    expect(drill.failed).toMatch(/traffic: memory cannot read its weights back/)
  })

  it.each([
    ['is down', async () => ({ serving: false, detail: 'app/stable is down (srv_op_state 0)' }), /traffic: memory reads back 0% on the canary, but app\/stable is down \(srv_op_state 0\): nothing serves the traffic returned to v1/],
    ['cannot be read', async () => Promise.reject(new ProviderError('haproxy', 'show servers state app', 'permission denied')), /traffic: memory reads back 0% on the canary, but its stable side could not be read \(haproxy: show servers state app failed: permission denied\)/],
  ])('a stable side that %s fails the drill on traffic alone, the weights being back at zero', async (_what, readStable, message) => {
    const traffic = Object.assign(new MemoryTraffic(), { readStable })
    const { run } = setup(() => memoryPolicy('{}', 5), traffic)
    const drill = await run()
    expect(drill.result.reasonCode).toBe('drill-failed')
    expect(drill.failed).toMatch(message)
    const checks = (drill.result['drill'] as { checks: { name: string; ok: boolean }[] }).checks
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['traffic'])
    expect(traffic.weight).toBe(0)
  })

  it('a stable side the provider reads as up is named in the traffic check', async () => {
    const traffic = Object.assign(new MemoryTraffic(), { readStable: async () => ({ serving: true, detail: 'app/stable is up' }) })
    const { run } = setup(() => memoryPolicy('{}', 5), traffic)
    const drill = await run()
    expect(drill.result.reasonCode).toBe('drill-passed')
    expect((drill.result['drill'] as { checks: { name: string; detail: string }[] }).checks.find((c) => c.name === 'traffic')?.detail).toBe('memory reads back 0% on the canary and app/stable is up: v1 serves all traffic')
  })

  it.each([
    ['production: true\n    ', '{}', 'drill-production-refused', /staging is marked production: true.*set drills.allowProduction: true/],
    ['', undefined, 'drill-not-configured', /staging has no drills: section/],
  ])('refuses before deploying anything (%s drills: %s)', async (extra, drills, code, message) => {
    const traffic = new MemoryTraffic()
    const { run } = setup(
      () => memoryPolicy(drills ?? '', 5, extra),
      traffic,
    )
    const drill = await run()
    expect(drill.result.reasonCode).toBe(code)
    expect(drill.failed).toMatch(message)
    expect(github.state.deployments).toHaveLength(0)
    expect(traffic.changes).toHaveLength(0)
  })

  it('runs in production when the drill says so explicitly', async () => {
    const { run } = setup(
      () => memoryPolicy('{ allowProduction: true }', 5, 'production: true\n    '),
      new MemoryTraffic(),
    )
    expect((await run()).result.reasonCode).toBe('drill-passed')
  })

  it('warns when the cron that fired a scheduled drill is not the policy\'s drills.schedule', async () => {
    const { ws, sha } = setup(() => memoryPolicy('{ schedule: "0 3 * * 1" }', 5), new MemoryTraffic())
    const event = join(ws.dir, 'schedule.json')
    writeFileSync(event, JSON.stringify({ schedule: '0 4 * * 1' }))
    const drill = await runMain('drill', ws, (io) => testDeps(io, { github, traffic: new MemoryTraffic() }), {
      inputs: { environment: 'staging' },
      sha,
      env: { GITHUB_EVENT_NAME: 'schedule', GITHUB_EVENT_PATH: event },
    })
    expect(drill.result.reasonCode).toBe('drill-passed')
    expect(drill.io.warnings.map((w) => w.message).join('\n')).toMatch(/this drill ran on the cron '0 4 \* \* 1' but the policy's drills.schedule for staging says '0 3 \* \* 1'/)
  })

  it('waits for a real rollout in progress instead of disturbing it', async () => {
    const traffic = new MemoryTraffic()
    const { ws, run, sha } = setup(
      () => memoryPolicy('{}', 5),
      traffic,
    )
    await runMain('deploy-canary', ws, (io) => testDeps(io, { github, traffic }), { inputs: { environment: 'staging', version: 'v2' }, sha })
    const drill = await run()
    expect(drill.result.reasonCode).toBe('illegal-move')
    expect(drill.failed).toMatch(/a rollout of v2 is in progress in staging/)
    expect(traffic.weight).toBe(5)
  })
})
