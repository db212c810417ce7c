import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import { parseAddress, runtimeCommand } from '../../shared/traffic/haproxy.js'
import { createTrafficProvider } from '../../shared/traffic/registry.js'
import { TrafficChangeError } from '../../shared/traffic/transaction.js'
import { fetchVersion, startHaproxy, type HaproxyUnderTest } from '../fakes/haproxy/haproxy-process.js'
import { FakeRuntimeApi } from '../fakes/haproxy/runtime-api.js'
import { requireExecutable, testDeps } from './support.js'

const hasHaproxy = requireExecutable('haproxy', '.ci/run must `apt-get install -y haproxy`')
const ctx = { environment: 'production', canaryVersion: 'canary', stableVersion: 'stable' }
const REQUESTS_PER_STEP = 2_000

async function split(url: string, total: number, concurrency = 16): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  let sent = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < total) {
        sent++
        const version = await fetchVersion(url)
        counts[version] = (counts[version] ?? 0) + 1
      }
    }),
  )
  return counts
}

describe.skipIf(!hasHaproxy)('haproxy provider against the real HAProxy', () => {
  let haproxy: HaproxyUnderTest

  beforeAll(async () => {
    haproxy = await startHaproxy()
  })

  afterAll(async () => {
    await haproxy?.stop()
  })

  it.each([5, 25, 50, 100])(`splits ${REQUESTS_PER_STEP} real requests within ±2 points of the canary weight %i`, async (weight) => {
    const { deps } = testDeps()
    const provider = createTrafficProvider({ provider: 'haproxy', socket: haproxy.socket, backend: 'app', stable: 'stable', canary: 'canary' }, deps)

    const change = await provider.setWeight(weight, ctx)
    const counts = await split(haproxy.frontend, REQUESTS_PER_STEP)

    expect(change).toMatchObject({ provider: 'haproxy', weight, readBack: weight })
    expect((counts.stable ?? 0) + (counts.canary ?? 0)).toBe(REQUESTS_PER_STEP)
    const canaryPercent = ((counts.canary ?? 0) * 100) / REQUESTS_PER_STEP
    expect(Math.abs(canaryPercent - weight)).toBeLessThanOrEqual(2)
  }, 60_000)

  it('reads and sets weights over the TCP stats socket too', async () => {
    const { deps } = testDeps()
    const provider = createTrafficProvider({ provider: 'haproxy', socket: haproxy.tcpSocket, backend: 'app', stable: 'stable', canary: 'canary' }, deps)
    await expect(provider.setWeight(0, ctx)).resolves.toMatchObject({ weight: 0, readBack: 0 })
    await expect(provider.readWeight()).resolves.toBe(0)
    const counts = await split(haproxy.frontend, 200)
    expect(counts).toEqual({ stable: 200 })
  })

  it('reads whether the stable server can serve: up, draining, in maintenance', async () => {
    const { deps } = testDeps()
    const provider = createTrafficProvider({ provider: 'haproxy', socket: haproxy.socket, backend: 'app', stable: 'stable', canary: 'canary' }, deps)
    const states: unknown[] = []
    try {
      for (const state of ['ready', 'drain', 'maint']) {
        await runtimeCommand({ path: haproxy.socket }, `set server app/stable state ${state}`)
        states.push(await provider.readStable?.())
      }
    } finally {
      await runtimeCommand({ path: haproxy.socket }, 'set server app/stable state ready')
    }
    expect(states).toEqual([
      { serving: true, detail: 'app/stable is up' },
      { serving: false, detail: 'app/stable is draining, taking no new traffic (srv_admin_state 8)' },
      { serving: false, detail: 'app/stable is down (srv_op_state 0) and in maintenance (srv_admin_state 1)' },
    ])
    const unknown = createTrafficProvider({ provider: 'haproxy', socket: haproxy.socket, backend: 'web', stable: 'stable', canary: 'canary' }, deps)
    await expect(unknown.readStable?.()).rejects.toThrow(/^haproxy: show servers state web failed: Can't find backend/)
  })

  it('names the server HAProxy does not know, changing nothing', async () => {
    const { deps } = testDeps()
    const provider = createTrafficProvider({ provider: 'haproxy', socket: haproxy.socket, backend: 'app', stable: 'stable', canary: 'canray' }, deps)
    await expect(provider.setWeight(5, ctx)).rejects.toThrow(/^haproxy: get weight app\/canray failed: No such server/)
  })
})

describe('haproxy provider failing halfway', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rollgate-haproxy-fake-'))
  })
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('puts the canary server back when the stable server refuses its weight', async () => {
    const api = await FakeRuntimeApi.start(join(dir, 'admin.sock'), { 'app/stable': 95, 'app/canary': 5 }, (command) =>
      command === 'set server app/stable weight 75' ? "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'." : undefined,
    )
    try {
      const { deps } = testDeps()
      const provider = createTrafficProvider({ provider: 'haproxy', socket: api.socket, backend: 'app', stable: 'stable', canary: 'canary' }, deps)

      const error = await provider.setWeight(25, ctx).catch((e: unknown) => e)

      expect(error).toBeInstanceOf(TrafficChangeError)
      expect((error as TrafficChangeError).failure).toEqual({
        provider: 'haproxy',
        target: `HAProxy backend app (servers stable / canary) via ${api.socket}`,
        weight: 25,
        previous: 5,
        failedAt: 'app/stable weight 95→75',
        cause: "haproxy: set server app/stable weight 75 failed: Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.",
        applied: ['app/canary weight 5→25'],
        restored: ['app/canary weight 5→25'],
        notRestored: [],
      })
      expect(api.commands).toEqual([
        'get weight app/stable',
        'get weight app/canary',
        'set server app/canary weight 25',
        'set server app/stable weight 75',
        'set server app/canary weight 5',
      ])
      expect(api.weights).toEqual({ 'app/stable': 95, 'app/canary': 5 })
    } finally {
      await api.close()
    }
  })
})

describe('haproxy runtime API address', () => {
  it.each([
    ['/run/haproxy/admin.sock', { path: '/run/haproxy/admin.sock' }],
    ['unix@/tmp/a.sock', { path: '/tmp/a.sock' }],
    ['127.0.0.1:9999', { host: '127.0.0.1', port: 9999 }],
    ['[::1]:9999', { host: '::1', port: 9999 }],
  ])('%s', (socket, address) => {
    expect(parseAddress(socket)).toEqual(address)
  })

  it('rejects an address it cannot use', () => {
    expect(() => parseAddress('haproxy-admin')).toThrow(ConfigError)
  })
})
