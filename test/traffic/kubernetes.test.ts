import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, ProviderError } from '../../shared/errors.js'
import { createTrafficProvider } from '../../shared/traffic/registry.js'
import type { TrafficConfig, TrafficProvider } from '../../shared/traffic/types.js'
import { TrafficChangeError } from '../../shared/traffic/transaction.js'
import { FakeKubernetes, type KubeObject } from '../fakes/kubernetes/server.js'
import { fakeClock, requireExecutable, testDeps } from './support.js'

// Real kubectl against a fake API server: asserts the exact patches each provider sends.
const hasKubectl = requireExecutable('kubectl', 'it comes with the machine image as /usr/bin/kubectl (package kubectl from google-cloud-cli, not in Debian); put it on PATH')

const ctx = { environment: 'production', canaryVersion: 'v2', stableVersion: 'v1' }

function httpRoute(): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      parentRefs: [{ name: 'gateway' }],
      rules: [
        { matches: [{ headers: [{ name: 'x-canary', value: 'always' }] }], backendRefs: [{ name: 'web-canary', port: 80 }] },
        { backendRefs: [{ name: 'web-stable', port: 80, weight: 100 }, { name: 'web-canary', port: 80, weight: 0 }] },
      ],
    },
  }
}

function virtualService(): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      hosts: ['web.shop.svc.cluster.local'],
      http: [
        { name: 'internal', match: [{ headers: { 'x-canary': { exact: 'always' } } }], route: [{ destination: { host: 'web', subset: 'canary' } }] },
        { name: 'primary', route: [{ destination: { host: 'web', subset: 'stable' }, weight: 90 }, { destination: { host: 'web', subset: 'canary' }, weight: 10 }] },
      ],
    },
  }
}

function canaryIngress(annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web-canary', namespace: 'shop', ...(annotations ? { annotations } : {}) },
    spec: { ingressClassName: 'nginx', rules: [{ host: 'shop.example.com' }] },
  }
}

const userSteps = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '1h' } }]

function rollout(overrides: { paused?: boolean; pauseConditions?: unknown[]; currentStepIndex?: number } = {}): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'shop', generation: 3 },
    spec: {
      replicas: 4,
      ...(overrides.paused === undefined ? {} : { paused: overrides.paused }),
      strategy: { canary: { canaryService: 'web-canary', stableService: 'web-stable', trafficRouting: { nginx: { stableIngress: 'web' } }, steps: userSteps } },
    },
    status: {
      observedGeneration: '3',
      currentStepIndex: overrides.currentStepIndex ?? 1,
      stableRS: '6d4f8b',
      currentPodHash: '7c9a1e',
      ...(overrides.pauseConditions ? { pauseConditions: overrides.pauseConditions } : {}),
      canary: { weights: { canary: { weight: 20, podTemplateHash: '7c9a1e' }, stable: { weight: 80, podTemplateHash: '6d4f8b' } } },
    },
  }
}

/** Plays the Argo Rollouts controller: new steps reset to step 0, whose setWeight is applied, then pause. */
function playArgoController(fake: FakeKubernetes): void {
  fake.onPatch(({ plural, subresource, object }) => {
    if (plural !== 'rollouts' || subresource !== undefined) return
    const spec = object.spec as { strategy: { canary: { steps: { setWeight?: number }[] } } }
    const status = object.status as Record<string, unknown>
    const weight = spec.strategy.canary.steps[0]?.setWeight ?? 0
    status.observedGeneration = String(object.metadata.generation)
    status.currentStepIndex = 1
    status.pauseConditions = [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }]
    status.canary = { weights: { canary: { weight, podTemplateHash: '7c9a1e' }, stable: { weight: 100 - weight, podTemplateHash: '6d4f8b' } } }
  })
}

describe.skipIf(!hasKubectl)('Kubernetes providers drive the real kubectl', () => {
  let fake: FakeKubernetes
  let dir: string
  let kubeconfig: string
  const env = (): Record<string, string> => ({ KUBECACHEDIR: join(dir, 'cache'), KUBECONFIG: join(dir, 'empty-kubeconfig') })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rollgate-kube-'))
    writeFileSync(join(dir, 'empty-kubeconfig'), 'apiVersion: v1\nkind: Config\n')
    fake = await FakeKubernetes.start()
    kubeconfig = join(dir, 'kubeconfig')
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: fake, cluster: { server: "' + fake.url + '" } }]',
        'users: [{ name: ci, user: {} }]',
        'contexts: [{ name: fake, context: { cluster: fake, user: ci } }]',
        'current-context: fake',
        '',
      ].join('\n'),
    )
  })

  afterAll(async () => {
    await fake?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  beforeEach(() => fake.reset())

  const provider = (config: TrafficConfig, clock = fakeClock()): { provider: TrafficProvider; logs: string[] } => {
    const { deps, logs } = testDeps({ env: env(), clock })
    return { provider: createTrafficProvider(config, deps), logs }
  }

  describe('gateway-api', () => {
    const config = (): TrafficConfig => ({ provider: 'gateway-api', namespace: 'shop', route: 'web', stable: 'web-stable', canary: 'web-canary', server: fake.url })

    it('patches the backendRef weights of the rule holding both backends, guarded by test ops', async () => {
      fake.put(httpRoute())
      const { provider: gateway } = provider(config())

      const change = await gateway.setWeight(5, ctx)

      expect(fake.patches()).toEqual([
        {
          path: '/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/web',
          contentType: 'application/json-patch+json',
          body: [
            { op: 'test', path: '/spec/rules/1/backendRefs/0/name', value: 'web-stable' },
            { op: 'test', path: '/spec/rules/1/backendRefs/0/weight', value: 100 },
            { op: 'replace', path: '/spec/rules/1/backendRefs/0/weight', value: 95 },
            { op: 'test', path: '/spec/rules/1/backendRefs/1/name', value: 'web-canary' },
            { op: 'test', path: '/spec/rules/1/backendRefs/1/weight', value: 0 },
            { op: 'replace', path: '/spec/rules/1/backendRefs/1/weight', value: 5 },
          ],
        },
      ])
      expect(change).toEqual({
        provider: 'gateway-api',
        target: 'HTTPRoute shop/web (backends web-stable / web-canary)',
        previous: 0,
        weight: 5,
        readBack: 5,
        changes: ['HTTPRoute shop/web rule 1: web-stable 100→95, web-canary 0→5'],
      })
      const stored = fake.get('httproutes', 'shop', 'web').spec as ReturnType<typeof httpRoute>['spec']
      expect(stored).toEqual({
        ...(httpRoute().spec as object),
        rules: [
          (httpRoute().spec as { rules: unknown[] }).rules[0],
          { backendRefs: [{ name: 'web-stable', port: 80, weight: 95 }, { name: 'web-canary', port: 80, weight: 5 }] },
        ],
      })
      await expect(gateway.readWeight()).resolves.toBe(5)
    })

    it('uses the kubeconfig and context it is given', async () => {
      fake.put(httpRoute())
      const { provider: gateway } = provider({ provider: 'gateway-api', namespace: 'shop', route: 'web', stable: 'web-stable', canary: 'web-canary', kubeconfig, context: 'fake' })
      await expect(gateway.setWeight(25, ctx)).resolves.toMatchObject({ previous: 0, weight: 25, readBack: 25 })
      expect(fake.patches()).toHaveLength(1)
    })

    it('adds weights that were left to the default of 1', async () => {
      const route = httpRoute()
      ;(route.spec as { rules: unknown[] }).rules = [{ backendRefs: [{ name: 'web-stable' }, { name: 'web-canary' }] }]
      fake.put(route)
      const { provider: gateway } = provider(config())
      await expect(gateway.readWeight()).resolves.toBe(50)

      await gateway.setWeight(10, ctx)

      expect(fake.patches()[0]?.body).toEqual([
        { op: 'test', path: '/spec/rules/0/backendRefs/0/name', value: 'web-stable' },
        { op: 'add', path: '/spec/rules/0/backendRefs/0/weight', value: 90 },
        { op: 'test', path: '/spec/rules/0/backendRefs/1/name', value: 'web-canary' },
        { op: 'add', path: '/spec/rules/0/backendRefs/1/weight', value: 10 },
      ])
    })

    it('restores the previous weights when the read-back differs (another writer reverted part of it)', async () => {
      fake.put(httpRoute())
      let reverted = false
      fake.onPatch(({ plural, object }) => {
        if (plural !== 'httproutes' || reverted) return
        reverted = true
        const refs = (object.spec as { rules: { backendRefs: { weight?: number }[] }[] }).rules[1]?.backendRefs ?? []
        if (refs[1]) refs[1].weight = 0
      })
      const { provider: gateway } = provider(config())

      const error = await gateway.setWeight(50, ctx).catch((e: unknown) => e)

      expect(error).toBeInstanceOf(TrafficChangeError)
      const failure = (error as TrafficChangeError).failure
      expect(failure).toMatchObject({
        provider: 'gateway-api',
        weight: 50,
        previous: 0,
        failedAt: 'read-back',
        applied: ['HTTPRoute shop/web rule 1: web-stable 100→50, web-canary 0→50'],
        restored: ['HTTPRoute shop/web rule 1: web-stable 100→50, web-canary 0→50'],
        notRestored: [],
      })
      expect(failure.cause).toContain('canary weight of 0%')
      expect((error as Error).message).toMatch(/^gateway-api: set canary weight 50% on HTTPRoute shop\/web .* failed: reading the weight back failed: .*; restored the previous weights \(canary 0%\)/)
      expect(fake.patches().map((p) => p.body)).toEqual([
        expect.any(Array),
        [
          { op: 'test', path: '/spec/rules/1/backendRefs/0/name', value: 'web-stable' },
          { op: 'replace', path: '/spec/rules/1/backendRefs/0/weight', value: 100 },
          { op: 'test', path: '/spec/rules/1/backendRefs/1/name', value: 'web-canary' },
          { op: 'replace', path: '/spec/rules/1/backendRefs/1/weight', value: 0 },
        ],
      ])
      const refs = (fake.get('httproutes', 'shop', 'web').spec as { rules: { backendRefs: unknown[] }[] }).rules[1]?.backendRefs
      expect(refs).toEqual([{ name: 'web-stable', port: 80, weight: 100 }, { name: 'web-canary', port: 80, weight: 0 }])
    })

    it('changes nothing when the route changed between its read and the patch (a failed test op)', async () => {
      fake.put(httpRoute())
      const { deps } = testDeps({ env: env() })
      const real = deps.exec
      // Another writer edits the route while Rollgate computes its patch.
      deps.exec = {
        run: (command, args, options) => {
          if (args.includes('patch')) {
            const route = fake.get('httproutes', 'shop', 'web')
            const refs = (route.spec as { rules: { backendRefs: { weight?: number }[] }[] }).rules[1]?.backendRefs ?? []
            if (refs[0] && refs[1]) [refs[0].weight, refs[1].weight] = [93, 7]
            fake.put(route)
          }
          return real.run(command, args, options)
        },
      }
      const gateway = createTrafficProvider(config(), deps)

      const error = await gateway.setWeight(25, ctx).catch((e: unknown) => e)

      expect(error).toBeInstanceOf(ProviderError)
      expect(error).not.toBeInstanceOf(TrafficChangeError)
      expect((error as Error).message).toMatch(/^gateway-api: kubectl patch httproutes.gateway.networking.k8s.io shop\/web failed: .*testing value \/spec\/rules\/1\/backendRefs\/0\/weight failed/)
      expect(fake.patches()).toHaveLength(1)
      const refs = (fake.get('httproutes', 'shop', 'web').spec as { rules: { backendRefs: unknown[] }[] }).rules[1]?.backendRefs
      expect(refs).toEqual([{ name: 'web-stable', port: 80, weight: 93 }, { name: 'web-canary', port: 80, weight: 7 }])
    })

    it.each([
      ['a route without the backends', { canary: 'web-preview' }, ConfigError, /no rule whose backendRefs include both "web-stable" \(traffic.stable\) and "web-preview"/],
      ['a missing route', { route: 'nope' }, ProviderError, /gateway-api: kubectl get httproutes.gateway.networking.k8s.io shop\/nope failed: .*NotFound/],
    ])('reports %s clearly', async (_name, overrides, type, message) => {
      fake.put(httpRoute())
      const { provider: gateway } = provider({ ...config(), ...overrides } as TrafficConfig)
      const error = await gateway.setWeight(5, ctx).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(type)
      expect((error as Error).message).toMatch(message)
      expect(fake.patches()).toEqual([])
    })
  })

  describe('istio', () => {
    it('patches the destination weights of the named http route', async () => {
      fake.put(virtualService())
      const { provider: istio } = provider({
        provider: 'istio',
        namespace: 'shop',
        virtualService: 'web',
        stable: { host: 'web', subset: 'stable' },
        canary: { host: 'web', subset: 'canary' },
        route: 'primary',
        server: fake.url,
      })
      await expect(istio.readWeight()).resolves.toBe(10)

      const change = await istio.setWeight(25, ctx)

      expect(fake.patches()).toEqual([
        {
          path: '/apis/networking.istio.io/v1/namespaces/shop/virtualservices/web',
          contentType: 'application/json-patch+json',
          body: [
            { op: 'test', path: '/spec/http/1/route/0/destination', value: { host: 'web', subset: 'stable' } },
            { op: 'test', path: '/spec/http/1/route/0/weight', value: 90 },
            { op: 'replace', path: '/spec/http/1/route/0/weight', value: 75 },
            { op: 'test', path: '/spec/http/1/route/1/destination', value: { host: 'web', subset: 'canary' } },
            { op: 'test', path: '/spec/http/1/route/1/weight', value: 10 },
            { op: 'replace', path: '/spec/http/1/route/1/weight', value: 25 },
          ],
        },
      ])
      expect(change).toMatchObject({ previous: 10, weight: 25, readBack: 25, changes: ['VirtualService shop/web http route "primary": web/stable 90→75, web/canary 10→25'] })
    })

    it('refuses a route name that does not exist', async () => {
      fake.put(virtualService())
      const { provider: istio } = provider({ provider: 'istio', namespace: 'shop', virtualService: 'web', stable: { host: 'web', subset: 'stable' }, canary: { host: 'web', subset: 'canary' }, route: 'main', server: fake.url })
      await expect(istio.setWeight(25, ctx)).rejects.toThrow(/no http route named "main" \(traffic.routeName\)/)
    })
  })

  describe('nginx-ingress', () => {
    const config = (): TrafficConfig => ({ provider: 'nginx-ingress', namespace: 'shop', ingress: 'web-canary', server: fake.url })

    it('sets the canary and canary-weight annotations of the canary Ingress', async () => {
      fake.put(canaryIngress({ 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '5' }))
      const { provider: nginx } = provider(config())

      const change = await nginx.setWeight(50, ctx)

      expect(fake.patches()).toEqual([
        {
          path: '/apis/networking.k8s.io/v1/namespaces/shop/ingresses/web-canary',
          contentType: 'application/json-patch+json',
          body: [
            { op: 'test', path: '/metadata/annotations/nginx.ingress.kubernetes.io~1canary', value: 'true' },
            { op: 'add', path: '/metadata/annotations/nginx.ingress.kubernetes.io~1canary', value: 'true' },
            { op: 'test', path: '/metadata/annotations/nginx.ingress.kubernetes.io~1canary-weight', value: '5' },
            { op: 'add', path: '/metadata/annotations/nginx.ingress.kubernetes.io~1canary-weight', value: '50' },
          ],
        },
      ])
      expect(change).toMatchObject({ previous: 5, weight: 50, readBack: 50 })
      expect(fake.get('ingresses', 'shop', 'web-canary').metadata.annotations).toEqual({
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight': '50',
      })
    })

    it('creates the annotations on an Ingress that has none', async () => {
      fake.put(canaryIngress())
      const { provider: nginx } = provider(config())
      await expect(nginx.readWeight()).resolves.toBeUndefined()

      await expect(nginx.setWeight(5, ctx)).resolves.toMatchObject({ previous: undefined, readBack: 5 })

      expect(fake.patches()[0]?.body).toEqual([
        { op: 'add', path: '/metadata/annotations', value: {} },
        { op: 'add', path: '/metadata/annotations/nginx.ingress.kubernetes.io~1canary', value: 'true' },
        { op: 'add', path: '/metadata/annotations/nginx.ingress.kubernetes.io~1canary-weight', value: '5' },
      ])
    })

    it('scales the weight to canary-weight-total', async () => {
      fake.put(canaryIngress({ 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '0', 'nginx.ingress.kubernetes.io/canary-weight-total': '1000' }))
      const { provider: nginx } = provider(config())
      await expect(nginx.setWeight(25, ctx)).resolves.toMatchObject({ readBack: 25 })
      expect(fake.get('ingresses', 'shop', 'web-canary').metadata.annotations).toMatchObject({ 'nginx.ingress.kubernetes.io/canary-weight': '250' })
    })
  })

  describe('argo-rollouts', () => {
    const config = (): TrafficConfig => ({ provider: 'argo-rollouts', namespace: 'shop', rollout: 'web', server: fake.url, timeout: 30_000 })

    it('sets a weight by handing the controller the steps [setWeight, pause] and waits for it to report', async () => {
      fake.put(rollout({ pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }] }))
      playArgoController(fake)
      const { provider: argo } = provider(config())

      const change = await argo.setWeight(5, ctx)

      expect(fake.patches()).toEqual([
        {
          path: '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web',
          contentType: 'application/json-patch+json',
          body: [
            { op: 'test', path: '/spec/strategy/canary/steps', value: userSteps },
            { op: 'add', path: '/spec/strategy/canary/steps', value: [{ setWeight: 5 }, { pause: {} }] },
          ],
        },
      ])
      expect(change).toMatchObject({ previous: 20, weight: 5, readBack: 5 })
      expect(fake.get('rollouts', 'shop', 'web').metadata.generation).toBe(4)
    })

    it('restores the previous steps when the controller never reports the weight', async () => {
      fake.put(rollout())
      const clock = fakeClock()
      const { provider: argo } = provider({ ...config(), timeout: 4_000 } as TrafficConfig, clock)

      const error = await argo.setWeight(25, ctx).catch((e: unknown) => e)

      expect(error).toBeInstanceOf(TrafficChangeError)
      expect((error as TrafficChangeError).failure).toMatchObject({ failedAt: 'read-back', notRestored: [] })
      expect((error as Error).message).toMatch(/has not observed generation 4 after 4s \(traffic.timeout\).*restored the previous weights \(canary 20%\)/)
      expect(fake.patches().map((p) => p.body)).toEqual([
        expect.any(Array),
        [{ op: 'add', path: '/spec/strategy/canary/steps', value: userSteps }],
      ])
      expect(clock.slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(4_000)
    })

    it.each([
      [
        'a rollout paused at a canary step: clear its pause conditions',
        rollout({ pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }] }),
        [{ path: '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web/status', contentType: 'application/merge-patch+json', body: { status: { pauseConditions: null } } }],
      ],
      [
        'a rollout paused by hand: also unpause the spec',
        rollout({ paused: true, pauseConditions: [{ reason: 'PausedByUser', startTime: '2026-01-01T00:00:00Z' }] }),
        [
          { path: '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web/status', contentType: 'application/merge-patch+json', body: { status: { pauseConditions: null } } },
          { path: '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web', contentType: 'application/merge-patch+json', body: { spec: { paused: false } } },
        ],
      ],
      [
        'a rollout in the middle of a step: skip to the next step',
        rollout({ currentStepIndex: 2 }),
        [{ path: '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web/status', contentType: 'application/merge-patch+json', body: { status: { pauseConditions: null, currentStepIndex: 3 } } }],
      ],
    ])('promote, as `kubectl argo rollouts promote` does, on %s', async (_name, object, patches) => {
      fake.put(object)
      const { provider: argo } = provider(config())
      await argo.promote?.()
      expect(fake.patches()).toEqual(patches)
    })

    it('abort patches status.abort through the status subresource', async () => {
      fake.put(rollout())
      const { provider: argo } = provider(config())
      await argo.abort?.()
      expect(fake.patches()).toEqual([{ path: '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web/status', contentType: 'application/merge-patch+json', body: { status: { abort: true } } }])
      expect(fake.get('rollouts', 'shop', 'web').status).toMatchObject({ abort: true })
      await expect(argo.readWeight()).resolves.toBe(0)
    })

    it('refuses to move weights on a blue-green Rollout', async () => {
      const blueGreen = rollout()
      ;(blueGreen.spec as { strategy: unknown }).strategy = { blueGreen: { activeService: 'web', previewService: 'web-preview' } }
      fake.put(blueGreen)
      const { provider: argo } = provider(config())
      await expect(argo.setWeight(5, ctx)).rejects.toThrow(/uses the blueGreen strategy; weights can only be set on a canary strategy/)
    })
  })
})

describe.skipIf(!hasKubectl)('argo-rollouts against a controller without the status subresource', () => {
  let fake: FakeKubernetes
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rollgate-kube-'))
    writeFileSync(join(dir, 'empty-kubeconfig'), 'apiVersion: v1\nkind: Config\n')
    fake = await FakeKubernetes.start()
    fake.disableStatusSubresource('rollouts')
  })
  afterAll(async () => {
    await fake?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('falls back to patching the Rollout itself, like the kubectl plugin', async () => {
    fake.put(rollout())
    const { deps } = testDeps({ env: { KUBECACHEDIR: join(dir, 'cache'), KUBECONFIG: join(dir, 'empty-kubeconfig') } })
    const argo = createTrafficProvider({ provider: 'argo-rollouts', namespace: 'shop', rollout: 'web', server: fake.url }, deps)
    await argo.abort?.()
    expect(fake.patches()).toEqual([{ path: '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web', contentType: 'application/merge-patch+json', body: { status: { abort: true } } }])
  })
})

describe('Kubernetes providers without kubectl', () => {
  it('say kubectl must be installed', async () => {
    const { deps } = testDeps()
    deps.exec = { run: () => Promise.reject(new Error('Unable to locate executable file: kubectl')) }
    const gateway = createTrafficProvider({ provider: 'gateway-api', namespace: 'shop', route: 'web', stable: 'a', canary: 'b' }, deps)
    await expect(gateway.readWeight()).rejects.toThrow(/gateway-api: kubectl could not be run \(Unable to locate executable file: kubectl\); install kubectl/)
  })
})
