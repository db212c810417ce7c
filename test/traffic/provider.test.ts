import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import { streamLogger } from '../../shared/action/logger.js'
import { createTrafficProvider, TRAFFIC_BACKENDS } from '../../shared/traffic/registry.js'
import { moveWeight, TrafficChangeError } from '../../shared/traffic/transaction.js'
import { testDeps } from './support.js'

describe('createTrafficProvider', () => {
  it.each<[Parameters<typeof createTrafficProvider>[0], string]>([
    [{ provider: 'command', setWeight: ['./set-weight.sh', '{{weight}}'] }, 'command ./set-weight.sh'],
    [{ provider: 'gateway-api', namespace: 'shop', route: 'web', stable: 'web-stable', canary: 'web-canary' }, 'HTTPRoute shop/web (backends web-stable / web-canary)'],
    [{ provider: 'istio', namespace: 'shop', virtualService: 'web', stable: { host: 'web', subset: 'v1' }, canary: { host: 'web', subset: 'v2' } }, 'VirtualService shop/web (web/v1 / web/v2)'],
    [{ provider: 'nginx-ingress', namespace: 'shop', ingress: 'web-canary' }, 'Ingress shop/web-canary (canary annotations)'],
    [{ provider: 'argo-rollouts', namespace: 'shop', rollout: 'web' }, 'Rollout shop/web (Argo Rollouts controller)'],
    [{ provider: 'aws-lambda', function: 'checkout', alias: 'live' }, 'Lambda alias checkout:live'],
    [{ provider: 'haproxy', socket: '/run/haproxy/admin.sock', backend: 'app', stable: 's', canary: 'c' }, 'HAProxy backend app (servers s / c) via /run/haproxy/admin.sock'],
    [{ provider: 'unleash', url: 'https://unleash.example.com', token: 't', project: 'default', feature: 'f', environment: 'production' }, 'Unleash feature f in default/production (flexibleRollout)'],
  ])('builds %j', (config, description) => {
    const provider = createTrafficProvider(config, testDeps().deps)
    expect(provider.name).toBe(config.provider)
    expect(provider.describe()).toBe(description)
    expect(typeof provider.promote === 'function').toBe(config.provider === 'argo-rollouts')
  })

  it('covers every provider of the design', () => {
    expect(TRAFFIC_BACKENDS.map((b) => b.type).sort()).toEqual(['argo-rollouts', 'aws-lambda', 'command', 'gateway-api', 'haproxy', 'istio', 'nginx-ingress', 'unleash'])
  })

  it.each([
    [{ provider: 'linkerd' }, 'traffic.provider: got "linkerd"; expected one of command, gateway-api, istio, nginx-ingress, argo-rollouts, aws-lambda, haproxy, unleash'],
    [{ provider: 'gateway-api', namespace: 'shop', route: 'web', stable: 'web-stable' }, 'traffic.canary: missing; the gateway-api traffic provider needs it (service name of the canary backendRef)'],
    [{ provider: 'istio', namespace: 'shop', virtualService: 'web', stable: 'web', canary: { host: 'web' } }, 'traffic.stable: expected a mapping, got "web"'],
    [{ provider: 'argo-rollouts', namespace: 'shop', rollout: 'web', timeout: 0 }, 'traffic.timeout: expected a duration in milliseconds (a number greater than 0), got 0'],
    [{ provider: 'haproxy', socket: 'admin', backend: 'app', stable: 's', canary: 'c' }, 'traffic.socket: "admin" is neither a unix socket path (/run/haproxy/admin.sock) nor host:port of a TCP stats socket'],
  ])('rejects %j with a message naming the key', (config, message) => {
    expect(() => createTrafficProvider(config as Parameters<typeof createTrafficProvider>[0], testDeps().deps)).toThrow(new ConfigError(message))
  })

  it.each([-1, 101, 2.5, Number.NaN])('refuses a canary weight of %s', async (weight) => {
    const provider = createTrafficProvider({ provider: 'haproxy', socket: '/nonexistent.sock', backend: 'app', stable: 's', canary: 'c' }, testDeps().deps)
    await expect(provider.setWeight(weight, { environment: 'e', canaryVersion: 'b', stableVersion: 'a' })).rejects.toThrow(/expected a whole number from 0 to 100/)
  })
})

describe('moveWeight', () => {
  const logger = streamLogger(() => undefined)
  const step = (name: string, log: string[], fail: { apply?: boolean; undo?: boolean } = {}) => ({
    description: name,
    apply: async () => {
      log.push(`apply ${name}`)
      if (fail.apply) throw new Error(`${name} refused`)
    },
    undo: async () => {
      log.push(`undo ${name}`)
      if (fail.undo) throw new Error(`${name} unreachable`)
    },
  })

  it('undoes applied steps newest first and says what could not be restored', async () => {
    const log: string[] = []
    const error = await moveWeight({
      provider: 'haproxy',
      target: 'backend app',
      weight: 50,
      previous: 25,
      logger,
      steps: [step('a', log, { undo: true }), step('b', log), step('c', log, { apply: true })],
    }).catch((e: unknown) => e)

    expect(log).toEqual(['apply a', 'apply b', 'apply c', 'undo b', 'undo a'])
    expect(error).toBeInstanceOf(TrafficChangeError)
    expect((error as Error).message).toBe(
      'haproxy: set canary weight 50% on backend app failed: "c" failed: c refused; could NOT restore the previous weights (canary 25%): a (a unreachable); undone: b; check backend app by hand',
    )
  })

  it('rethrows a first-step failure as it is: nothing was changed', async () => {
    const log: string[] = []
    const error = await moveWeight({ provider: 'haproxy', target: 't', weight: 5, previous: 0, logger, steps: [step('a', log, { apply: true })] }).catch((e: unknown) => e)
    expect(error).not.toBeInstanceOf(TrafficChangeError)
    expect(log).toEqual(['apply a'])
  })
})
