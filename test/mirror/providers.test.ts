/**
 * Dark launch by mirroring (#16 point 3), as the Gateway API and Istio providers write it: real
 * kubectl against the fake API server, asserting the exact JSON patch sent and the object stored.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTrafficProvider } from '../../shared/traffic/registry.js'
import type { TrafficConfig, TrafficProvider } from '../../shared/traffic/types.js'
import { TrafficChangeError } from '../../shared/traffic/transaction.js'
import { FakeKubernetes, type KubeObject } from '../fakes/kubernetes/server.js'
import { requireExecutable, testDeps } from '../traffic/support.js'

const hasKubectl = requireExecutable('kubectl', 'it comes with the machine image as /usr/bin/kubectl; put it on PATH')
const reads = { percent: 10, methods: ['GET', 'HEAD'] }
const ctx = (mirror?: { percent: number; methods: string[] }) => ({ environment: 'staging', canaryVersion: 'v2', stableVersion: 'v1', ...(mirror ? { mirror } : {}) })

const headerRule = { matches: [{ headers: [{ name: 'x-canary', value: 'always' }] }], backendRefs: [{ name: 'web-canary', port: 80 }] }
const weightedRule = (stable = 100, canary = 0) => ({
  matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
  filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-env', value: 'staging' }] } }],
  backendRefs: [{ name: 'web-stable', port: 80, weight: stable }, { name: 'web-canary', port: 80, weight: canary }],
})
function httpRoute(): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { parentRefs: [{ name: 'gateway' }], rules: [headerRule, weightedRule()] },
  }
}
const gatewayMirrorRule = (share: Record<string, unknown>) => ({
  matches: [
    { path: { type: 'PathPrefix', value: '/api' }, method: 'GET' },
    { path: { type: 'PathPrefix', value: '/api' }, method: 'HEAD' },
  ],
  filters: [
    { type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-env', value: 'staging' }] } },
    { type: 'RequestMirror', requestMirror: { backendRef: { name: 'web-canary', port: 80 }, ...share } },
  ],
  backendRefs: [{ name: 'web-stable', port: 80 }],
})

const internalRoute = { name: 'internal', match: [{ headers: { 'x-canary': { exact: 'always' } } }], route: [{ destination: { host: 'web', subset: 'canary' } }] }
const primaryRoute = (stable = 100, canary = 0) => ({
  name: 'primary',
  timeout: '5s',
  route: [{ destination: { host: 'web', subset: 'stable' }, weight: stable }, { destination: { host: 'web', subset: 'canary' }, weight: canary }],
})
function virtualService(): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { hosts: ['web.shop.svc.cluster.local'], http: [internalRoute, primaryRoute()] },
  }
}
const istioMirrorRoute = (percent: number, methods = ['GET', 'HEAD']) => ({
  name: 'primary-mirror',
  timeout: '5s',
  match: methods.map((m) => ({ method: { exact: m } })),
  route: [{ destination: { host: 'web', subset: 'stable' } }],
  mirror: { host: 'web', subset: 'canary' },
  mirrorPercentage: { value: percent },
})

describe.skipIf(!hasKubectl)('mirror steps write the engines\' own mirroring, through the real kubectl', () => {
  let fake: FakeKubernetes
  let dir: string
  const env = (): Record<string, string> => ({ KUBECACHEDIR: join(dir, 'cache'), KUBECONFIG: join(dir, 'empty-kubeconfig') })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rollgate-mirror-'))
    writeFileSync(join(dir, 'empty-kubeconfig'), 'apiVersion: v1\nkind: Config\n')
    fake = await FakeKubernetes.start()
  })
  afterAll(async () => {
    await fake?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
  beforeEach(() => fake.reset())

  const provider = (config: TrafficConfig): TrafficProvider => createTrafficProvider(config, testDeps({ env: env() }).deps)
  const gateway = (): TrafficProvider => provider({ provider: 'gateway-api', namespace: 'shop', route: 'web', stable: 'web-stable', canary: 'web-canary', server: fake.url })
  const istio = (): TrafficProvider =>
    provider({ provider: 'istio', namespace: 'shop', virtualService: 'web', stable: { host: 'web', subset: 'stable' }, canary: { host: 'web', subset: 'canary' }, server: fake.url })

  describe('gateway-api', () => {
    it('adds a rule before the weighted one that matches only GET and HEAD and mirrors 10% to the canary; users stay on stable', async () => {
      fake.put(httpRoute())
      const change = await gateway().setWeight(0, ctx(reads))

      expect(fake.patches()).toEqual([
        {
          path: '/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/web',
          contentType: 'application/json-patch+json',
          body: [
            { op: 'test', path: '/spec/rules/1/backendRefs/0/name', value: 'web-stable' },
            { op: 'test', path: '/spec/rules/1/backendRefs/0/weight', value: 100 },
            { op: 'replace', path: '/spec/rules/1/backendRefs/0/weight', value: 100 },
            { op: 'test', path: '/spec/rules/1/backendRefs/1/name', value: 'web-canary' },
            { op: 'test', path: '/spec/rules/1/backendRefs/1/weight', value: 0 },
            { op: 'replace', path: '/spec/rules/1/backendRefs/1/weight', value: 0 },
            { op: 'add', path: '/spec/rules/1', value: gatewayMirrorRule({ percent: 10 }) },
          ],
        },
      ])
      expect((fake.get('httproutes', 'shop', 'web').spec as { rules: unknown[] }).rules).toEqual([headerRule, gatewayMirrorRule({ percent: 10 }), weightedRule()])
      expect(change).toMatchObject({ weight: 0, readBack: 0 })
      expect(change.changes.join('\n')).toContain('HTTPRoute shop/web rule 1: mirror 10% of GET, HEAD to the canary')
    })

    it('writes the same mirror again as no change, and the next step takes the mirror out while it sets the weight', async () => {
      fake.put(httpRoute())
      await gateway().setWeight(0, ctx(reads))
      await gateway().setWeight(0, ctx(reads))
      expect(fake.patches()[1]?.body).toEqual([
        { op: 'test', path: '/spec/rules/2/backendRefs/0/name', value: 'web-stable' },
        { op: 'test', path: '/spec/rules/2/backendRefs/0/weight', value: 100 },
        { op: 'replace', path: '/spec/rules/2/backendRefs/0/weight', value: 100 },
        { op: 'test', path: '/spec/rules/2/backendRefs/1/name', value: 'web-canary' },
        { op: 'test', path: '/spec/rules/2/backendRefs/1/weight', value: 0 },
        { op: 'replace', path: '/spec/rules/2/backendRefs/1/weight', value: 0 },
      ])

      await gateway().setWeight(5, ctx())
      expect(fake.patches()[2]?.body).toEqual([
        { op: 'test', path: '/spec/rules/2/backendRefs/0/name', value: 'web-stable' },
        { op: 'test', path: '/spec/rules/2/backendRefs/0/weight', value: 100 },
        { op: 'replace', path: '/spec/rules/2/backendRefs/0/weight', value: 95 },
        { op: 'test', path: '/spec/rules/2/backendRefs/1/name', value: 'web-canary' },
        { op: 'test', path: '/spec/rules/2/backendRefs/1/weight', value: 0 },
        { op: 'replace', path: '/spec/rules/2/backendRefs/1/weight', value: 5 },
        { op: 'test', path: '/spec/rules/1', value: gatewayMirrorRule({ percent: 10 }) },
        { op: 'remove', path: '/spec/rules/1' },
      ])
      expect((fake.get('httproutes', 'shop', 'web').spec as { rules: unknown[] }).rules).toEqual([headerRule, weightedRule(95, 5)])
    })

    it.each([
      [2.5, { fraction: { numerator: 250, denominator: 10_000 } }],
      [100, {}],
    ])('writes %s percent as %j', async (percent, share) => {
      fake.put(httpRoute())
      await gateway().setWeight(0, ctx({ percent, methods: ['GET', 'HEAD'] }))
      expect((fake.get('httproutes', 'shop', 'web').spec as { rules: unknown[] }).rules[1]).toEqual(gatewayMirrorRule(share))
    })

    it('narrows matches that already name a method, and mirrors nothing on a rule whose matches take none of the methods', async () => {
      const route = httpRoute()
      const rules = (route.spec as { rules: Record<string, unknown>[] }).rules
      rules[1] = { ...weightedRule(), matches: [{ path: { type: 'Exact', value: '/buy' }, method: 'POST' }, { path: { type: 'Exact', value: '/cart' }, method: 'GET' }] }
      fake.put(route)
      await gateway().setWeight(0, ctx(reads))
      const stored = (fake.get('httproutes', 'shop', 'web').spec as { rules: { matches?: unknown }[] }).rules
      expect(stored).toHaveLength(3)
      expect(stored[1]?.matches).toEqual([{ path: { type: 'Exact', value: '/cart' }, method: 'GET' }])

      fake.reset()
      rules[1] = { ...weightedRule(), matches: [{ method: 'POST' }] }
      fake.put(route)
      await gateway().setWeight(0, ctx(reads))
      expect((fake.get('httproutes', 'shop', 'web').spec as { rules: unknown[] }).rules).toHaveLength(2)
    })

    it('accepts the defaults a real API server adds to the copy (kind, group, a match\'s path), and sees it in place next time', async () => {
      fake.put(httpRoute())
      fake.onPatch(({ plural, object }) => {
        if (plural !== 'httproutes') return
        for (const rule of (object.spec as { rules: { filters?: { requestMirror?: { backendRef: Record<string, unknown> } }[] }[] }).rules) {
          for (const filter of rule.filters ?? []) if (filter.requestMirror) Object.assign(filter.requestMirror.backendRef, { group: '', kind: 'Service' })
        }
      })
      await expect(gateway().setWeight(0, ctx(reads))).resolves.toMatchObject({ weight: 0, readBack: 0 })
      await gateway().setWeight(0, ctx(reads))
      expect(fake.patches()[1]?.body).toHaveLength(6) // the weights only: the copy is already there
    })

    it('restores the route when the API server drops the percentage (an HTTPRoute CRD from before GEP-3171 prunes it)', async () => {
      fake.put(httpRoute())
      fake.onPatch(({ plural, object }) => {
        if (plural !== 'httproutes') return
        for (const rule of (object.spec as { rules: { filters?: { requestMirror?: Record<string, unknown> }[] }[] }).rules) {
          for (const filter of rule.filters ?? []) if (filter.requestMirror) delete filter.requestMirror.percent
        }
      })
      const error = await gateway().setWeight(0, ctx(reads)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TrafficChangeError)
      expect((error as Error).message).toMatch(/without requestMirror\.percent and \.fraction, GEP-3171: before Gateway API v1\.3 on the standard channel/)
      expect((error as TrafficChangeError).failure).toMatchObject({ failedAt: 'read-back', notRestored: [] })
      expect(fake.patches()[1]?.body).toEqual([
        { op: 'test', path: '/spec/rules/1/filters/1/type', value: 'RequestMirror' },
        { op: 'test', path: '/spec/rules/1/filters/1/requestMirror/backendRef/name', value: 'web-canary' },
        { op: 'remove', path: '/spec/rules/1' },
        { op: 'test', path: '/spec/rules/1/backendRefs/0/name', value: 'web-stable' },
        { op: 'replace', path: '/spec/rules/1/backendRefs/0/weight', value: 100 },
        { op: 'test', path: '/spec/rules/1/backendRefs/1/name', value: 'web-canary' },
        { op: 'replace', path: '/spec/rules/1/backendRefs/1/weight', value: 0 },
      ])
      expect((fake.get('httproutes', 'shop', 'web').spec as { rules: unknown[] }).rules).toEqual([headerRule, weightedRule()])
    })
  })

  describe('istio', () => {
    it('adds an http route before the weighted one with method matches, mirror and mirrorPercentage', async () => {
      fake.put(virtualService())
      const change = await istio().setWeight(0, ctx({ percent: 12.5, methods: ['GET', 'HEAD'] }))

      expect(fake.patches()).toEqual([
        {
          path: '/apis/networking.istio.io/v1/namespaces/shop/virtualservices/web',
          contentType: 'application/json-patch+json',
          body: [
            { op: 'test', path: '/spec/http/1/route/0/destination', value: { host: 'web', subset: 'stable' } },
            { op: 'test', path: '/spec/http/1/route/0/weight', value: 100 },
            { op: 'replace', path: '/spec/http/1/route/0/weight', value: 100 },
            { op: 'test', path: '/spec/http/1/route/1/destination', value: { host: 'web', subset: 'canary' } },
            { op: 'test', path: '/spec/http/1/route/1/weight', value: 0 },
            { op: 'replace', path: '/spec/http/1/route/1/weight', value: 0 },
            { op: 'add', path: '/spec/http/1', value: istioMirrorRoute(12.5) },
          ],
        },
      ])
      expect((fake.get('virtualservices', 'shop', 'web').spec as { http: unknown[] }).http).toEqual([internalRoute, istioMirrorRoute(12.5), primaryRoute()])
      expect(change).toMatchObject({ weight: 0, readBack: 0 })
    })

    it('a rollback (no mirror) removes the mirror route with the weights', async () => {
      fake.put(virtualService())
      await istio().setWeight(0, ctx({ percent: 50, methods: ['GET'] }))
      expect((fake.get('virtualservices', 'shop', 'web').spec as { http: unknown[] }).http[1]).toEqual(istioMirrorRoute(50, ['GET']))
      await istio().setWeight(0, ctx())
      expect((fake.get('virtualservices', 'shop', 'web').spec as { http: unknown[] }).http).toEqual([internalRoute, primaryRoute()])
      await expect(istio().readWeight()).resolves.toBe(0)
    })
  })
})
