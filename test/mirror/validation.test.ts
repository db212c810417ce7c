/**
 * `mirror:` steps are refused at validation time, at the step's file:line:column, for every
 * traffic provider whose engine cannot copy requests; the two that can accept them.
 */
import { describe, expect, it } from 'vitest'
import { mirrorOf } from '../../shared/config/mirror.js'
import { TRAFFIC_BACKENDS } from '../../shared/traffic/registry.js'

const TRAFFIC_PROVIDERS = TRAFFIC_BACKENDS.map((b) => b.type)
import { at, linesOf, policyOf } from '../config/helpers.js'

const TRAFFIC: Record<string, string> = {
  command: '{ provider: command, setWeight: [./w.sh, "{{weight}}"] }',
  'gateway-api': '{ provider: gateway-api, namespace: n, route: r, stable: s, canary: c }',
  istio: '{ provider: istio, namespace: n, virtualService: v, stable: { host: h, subset: a }, canary: { host: h, subset: b } }',
  'nginx-ingress': '{ provider: nginx-ingress, namespace: n, ingress: web-canary }',
  'argo-rollouts': '{ provider: argo-rollouts, namespace: n, rollout: r }',
  'aws-lambda': '{ provider: aws-lambda, function: f, alias: live, region: eu-west-1 }',
  haproxy: '{ provider: haproxy, address: "127.0.0.1:9999", backend: b, stable: s, canary: c }',
  unleash: '{ provider: unleash, url: "https://u/api", token: t, feature: f, environment: production }',
}

const policy = (traffic: string, mirror = '10') => `version: 1
environments:
  staging:
    traffic: ${traffic}
    steps:
      - { weight: 0, mirror: ${mirror} }
      - { weight: 100 }
`

describe('mirror: in the policy', () => {
  it('covers every provider the registry lists', () => {
    expect(Object.keys(TRAFFIC).sort()).toEqual([...TRAFFIC_PROVIDERS].sort())
  })

  it.each(TRAFFIC_PROVIDERS.filter((p) => p !== 'gateway-api' && p !== 'istio'))('%s refuses a mirror step, naming the provider and the step', (provider) => {
    const text = policy(TRAFFIC[provider] as string)
    const [line, column] = at(text, 'mirror:')
    expect(linesOf(text)).toEqual([
      `rollgate.yml:${line}:${column}: the ${provider} traffic provider cannot mirror requests (step 1) (found provider: ${provider}; expected a provider whose engine mirrors (gateway-api, istio), or no mirror: on this step)`,
    ])
  })

  it.each(['gateway-api', 'istio'])('%s accepts it; the methods default to GET and HEAD', (provider) => {
    const loaded = policyOf(policy(TRAFFIC[provider] as string))
    expect(mirrorOf(loaded.environments['staging']?.steps[0])).toEqual({ percent: 10, methods: ['GET', 'HEAD'] })
    const written = policyOf(policy(TRAFFIC[provider] as string, '{ percent: 2.5, methods: [GET, OPTIONS] }'))
    expect(mirrorOf(written.environments['staging']?.steps[0])).toEqual({ percent: 2.5, methods: ['GET', 'OPTIONS'] })
  })

  it.each([
    ['0', /mirror/],
    ['101', /mirror/],
    ['{ percent: 10, methods: [FETCH] }', /methods/],
    ['{ percent: 10, methods: [] }', /methods/],
  ])('rejects mirror: %s', (mirror, where) => {
    const lines = linesOf(policy(TRAFFIC['istio'] as string, mirror))
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.join('\n')).toMatch(where)
  })

  it('a mirror step serves every user from stable: its weight must be 0', () => {
    const text = policy(TRAFFIC['istio'] as string).replace('{ weight: 0, mirror', '{ weight: 5, mirror')
    const [line, column] = at(text, '5, mirror')
    expect(linesOf(text)).toEqual([`rollgate.yml:${line}:${column}: a mirror step serves every user from the stable version (found 5; expected 0)`])
  })
})
