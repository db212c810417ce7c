/**
 * The lifecycle commands over the local file store and an in-memory traffic backend: blue-green and
 * flag-based rollouts are policies, not special code; hooks run in order around traffic moves; a
 * failing hook or traffic move leaves nothing moved without a record.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePolicy } from '../../shared/config/load.js'
import { FileStateStore } from '../../shared/state/file-store.js'
import { deployCanary, promote, recordVerdict, rollback, type LifecycleDeps } from '../../shared/rollout/lifecycle.js'
import { createLocalReporter } from '../../shared/rollout/reporter.js'
import type { HookRunner } from '../../shared/rollout/hooks.js'
import { streamLogger } from '../../shared/action/logger.js'
import { ProviderError } from '../../shared/errors.js'
import type { TrafficProvider, WeightContext } from '../../shared/traffic/types.js'
import type { AnalysisReport } from '../../shared/report/model.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

class MemoryTraffic implements TrafficProvider {
  readonly name = 'command' as const
  weight = 0
  readonly log: string[] = []
  failNext = false
  async setWeight(weight: number, ctx: WeightContext) {
    if (this.failNext) {
      this.failNext = false
      throw new ProviderError('memory', 'set weight', 'backend refused; previous weight kept')
    }
    const previous = this.weight
    this.weight = weight
    this.log.push(`${weight} ${ctx.canaryVersion}/${ctx.stableVersion}`)
    return { provider: 'command' as const, target: 'memory', previous, weight, readBack: weight, changes: [] }
  }
  async readWeight() {
    return this.weight
  }
  describe() {
    return 'memory'
  }
}

function setup(policyText: string) {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-lifecycle-'))
  dirs.push(dir)
  const policy = parsePolicy(policyText, 'policy.yml', {})
  const traffic = new MemoryTraffic()
  const hookLog: string[] = []
  const hooks: HookRunner = {
    async run(list, ctx) {
      for (const h of list) {
        if (h.type === 'command' && h.run[0] === 'fail') throw new ProviderError('hook', `${ctx.phase} hook`, 'exited with 1')
        hookLog.push(`${ctx.phase}:${ctx.step}:${h.type === 'command' ? h.run.join(' ') : h.url}@${ctx.weight}`)
      }
    },
  }
  const store = new FileStateStore({ directory: dir })
  let run = 1000
  const deps = (): LifecycleDeps => ({
    store,
    traffic,
    hooks,
    reporter: createLocalReporter(() => undefined),
    logger: streamLogger(() => undefined),
    context: { runId: ++run, runAttempt: 1, job: 'rollout', actor: 'octocat', now: new Date() },
  })
  return { policy, traffic, hookLog, store, deps }
}

const report: AnalysisReport = { environment: 'production', decision: 'pass', versions: {}, looks: [] }

describe('lifecycle commands', () => {
  it('blue-green: a 0% step with a smoke analysis, then 100% at once, and an instant rollback to the old colour', async () => {
    const { policy, traffic, hookLog, deps } = setup(`version: 1
environments:
  production:
    strategy: blue-green
    traffic: { provider: command, setWeight: [set, "{{weight}}"] }
    steps:
      - weight: 0
        analysis: smoke
        before: [ { type: command, run: [smoke-test, green] } ]
      - weight: 100
        after: [ { type: command, run: [retire, blue] } ]
analysis:
  smoke:
    provider: { type: scrape, canary: ["http://127.0.0.1:1/metrics"], baseline: ["http://127.0.0.1:2/metrics"] }
    checks: [ { name: errors, type: ratio, events: e, total: t } ]
`)
    const deployed = await deployCanary({ policy, environment: 'production', version: 'green', ref: 'main', sha: 'a'.repeat(40), stableVersion: 'blue' }, deps())
    expect(deployed.record).toMatchObject({ phase: 'canary', weight: 0, step: 0 })
    expect(hookLog).toEqual(['before:1:smoke-test green@0'])
    // The idle colour must pass its smoke analysis before traffic switches.
    await expect(promote({ policy, environment: 'production', target: { kind: 'next' } }, deps())).rejects.toThrow(/analysis/)
    await recordVerdict({ policy, environment: 'production', decision: 'pass', template: 'smoke', summary: 'ok', step: 0, analysis: report }, deps())
    const switched = await promote({ policy, environment: 'production', target: { kind: 'next' } }, deps())
    expect(switched.record).toMatchObject({ phase: 'promoted', weight: 100, stable: { version: 'green' } })
    expect(hookLog).toEqual(['before:1:smoke-test green@0', 'after:2:retire blue@100'])
    // After the switch, rollback returns every request to the old colour.
    const back = await rollback({ policy, environment: 'production', reason: 'errors after the switch' }, deps())
    expect(back.record.weight).toBe(0)
    expect(traffic.weight).toBe(0)
    expect(traffic.log.at(-1)).toBe('0 green/blue')
  })

  it('a flag-based rollout moves the flag percentage through the same steps', async () => {
    const { policy, traffic, deps } = setup(`version: 1
environments:
  production:
    traffic: { provider: unleash, url: "http://127.0.0.1:1", token: t, project: default, feature: new-checkout, environment: production }
    steps: [ { weight: 10 }, { weight: 50 }, { weight: 100 } ]
analysis: {}
`)
    expect(policy.environments['production']?.traffic.provider).toBe('unleash')
    await deployCanary({ policy, environment: 'production', version: 'new-checkout-on', ref: 'main', sha: 'b'.repeat(40), stableVersion: 'flag-off' }, deps())
    await promote({ policy, environment: 'production', target: { kind: 'next' } }, deps())
    await promote({ policy, environment: 'production', target: { kind: 'next' } }, deps())
    expect(traffic.log.map((l) => l.split(' ')[0])).toEqual(['10', '50', '100'])
  })

  it('a failing before hook stops the move: no traffic moved, the record says what failed', async () => {
    const { policy, traffic, deps, store } = setup(`version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [set, "{{weight}}"] }
    steps:
      - { weight: 5 }
      - weight: 50
        before: [ { type: command, run: [fail] } ]
      - { weight: 100 }
analysis: {}
`)
    await deployCanary({ policy, environment: 'production', version: 'v2', ref: 'main', sha: 'c'.repeat(40), stableVersion: 'v1' }, deps())
    await expect(promote({ policy, environment: 'production', target: { kind: 'next' } }, deps())).rejects.toThrow(/hook/)
    expect(traffic.weight).toBe(5)
    const record = (await store.load('production'))?.record
    expect(record).toMatchObject({ phase: 'canary', weight: 5, step: 0 })
    expect(record?.pendingMove).toBeUndefined()
    expect(JSON.stringify(record?.history.at(-1))).toMatch(/hook/)
  })

  it('a traffic move the backend refuses leaves the record at the previous weight, with the failure recorded', async () => {
    const { policy, traffic, deps, store } = setup(`version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [set, "{{weight}}"] }
    steps: [ { weight: 5 }, { weight: 50 }, { weight: 100 } ]
analysis: {}
`)
    await deployCanary({ policy, environment: 'production', version: 'v2', ref: 'main', sha: 'd'.repeat(40), stableVersion: 'v1' }, deps())
    traffic.failNext = true
    await expect(promote({ policy, environment: 'production', target: { kind: 'next' } }, deps())).rejects.toThrow(/backend refused/)
    const record = (await store.load('production'))?.record
    expect(record).toMatchObject({ weight: 5, step: 0 })
    expect(record?.lease).toBeUndefined()
    // The next promote works from the recorded state.
    const next = await promote({ policy, environment: 'production', target: { kind: 'next' } }, deps())
    expect(next.record.weight).toBe(50)
  })
})
