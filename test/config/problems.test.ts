import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import { parsePolicy } from '../../shared/config/load.js'
import { formatProblem, PolicyError, suggest } from '../../shared/config/problems.js'
import { linesOf, policyText, problemsOf, readRepoFile } from './helpers.js'

describe('a file with three mistakes', () => {
  const text = readRepoFile('test/fixtures/config/three-mistakes.yml')

  it('reports exactly those three, each where it is written', () => {
    expect(problemsOf(text).map((p) => [p.line, p.column, p.path])).toEqual([
      [13, 33, 'environments.production.steps[0].analysis'],
      [17, 45, 'analysis.default.provider.address'],
      [23, 9, 'analysis.default.checks[0].tolerence'],
    ])
  })

  it('says what was found and what is expected', () => {
    expect(linesOf(text)).toEqual([
      "rollgate.yml:13:33: unknown analysis template 'defualt'; did you mean 'default'? (expected a template defined under analysis: default)",
      'rollgate.yml:17:45: environment variable PROMETHEUS_URL is not set (found ${PROMETHEUS_URL}; expected PROMETHEUS_URL set in the environment (env: or secrets))',
      "rollgate.yml:23:9: unknown key 'tolerence'; did you mean 'tolerance'? (expected one of: type, name, critical, group, weight, events, total, direction, tolerance)",
    ])
  })

  it('throws one PolicyError, a ConfigError, carrying every problem', () => {
    let caught: unknown
    try {
      parsePolicy(text, '.github/rollgate.yml', {})
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(PolicyError)
    expect(caught).toBeInstanceOf(ConfigError)
    const error = caught as PolicyError
    expect(error.problems).toHaveLength(3)
    expect(error.message.split('\n')[0]).toBe('.github/rollgate.yml: 3 problems in the policy file:')
    expect(error.message).toContain('  .github/rollgate.yml:13:33: unknown analysis template')
  })
})

describe('unknown keys', () => {
  it.each([
    ['root', policyText({ extra: 'flag: {}' }), 'flag', 'flags'],
    ['environment', policyText({ environment: '    stratgy: canary\n    traffic: { provider: command, setWeight: [a] }\n    steps: [{ weight: 100 }]' }), 'stratgy', 'strategy'],
    ['step', policyText({ environment: '    traffic: { provider: command, setWeight: [a] }\n    steps: [{ weight: 100, analsis: default }]' }), 'analsis', 'analysis'],
    ['template', policyText({ analysis: '    provider: { type: prometheus, address: "http://p" }\n    intervall: 1m\n    checks: [{ name: e, type: ratio, events: e, total: t }]' }), 'intervall', 'interval'],
    ['check', policyText({ analysis: '    provider: { type: prometheus, address: "http://p" }\n    checks: [{ name: e, type: ratio, events: e, total: t, critcal: true }]' }), 'critcal', 'critical'],
    ['protect', policyText({ environment: '    traffic: { provider: command, setWeight: [a] }\n    steps: [{ weight: 100 }]\n    protect: { Promote: write }' }), 'Promote', 'promote'],
  ])('in %s: names the key and suggests the closest one', (_where, text, key, suggestion) => {
    const problems = problemsOf(text)
    expect(problems.map((p) => p.message)).toEqual([`unknown key '${key}'; did you mean '${suggestion}'?`])
    const line = text.split('\n')[(problems[0]?.line ?? 0) - 1] ?? ''
    expect(line.slice((problems[0]?.column ?? 0) - 1)).toMatch(new RegExp(`^${key}:`))
  })

  it('makes no suggestion when nothing is close', () => {
    expect(problemsOf(policyText({ extra: 'colour: blue' })).map((p) => p.message)).toEqual(["unknown key 'colour'"])
  })

  it('lists the allowed keys of the provider that was chosen', () => {
    const text = policyText({ environment: '    traffic: { provider: aws-lambda, function: f, alias: live, namespace: x }\n    steps: [{ weight: 100 }]' })
    expect(problemsOf(text).map((p) => [p.message, p.expected])).toEqual([["unknown key 'namespace'", 'one of: provider, function, alias, region']])
  })
})

describe('discriminated providers', () => {
  const traffic = (yaml: string): string => policyText({ environment: `    traffic: ${yaml}\n    steps: [{ weight: 100 }]` })
  const metrics = (yaml: string): string =>
    policyText({ analysis: `    provider: ${yaml}\n    checks: [{ name: e, type: ratio, events: e, total: t }]` })

  it.each([
    ['a traffic provider', traffic('{ provider: gateway-apis, namespace: shop }'), "unknown provider 'gateway-apis'; did you mean 'gateway-api'?", 'command, gateway-api, istio'],
    ['a metrics type', metrics('{ type: promethus, address: "http://p" }'), "unknown type 'promethus'; did you mean 'prometheus'?", 'prometheus, datadog, cloudwatch'],
    ['a check type', policyText({ analysis: '    provider: { type: scrape, canary: ["http://c"], baseline: ["http://b"] }\n    checks: [{ name: e, type: ratios }]' }), "unknown type 'ratios'; did you mean 'ratio'?", 'ratio, samples, value'],
    ['a flag source', policyText({ extra: 'flags: { source: { type: launch-darkly } }' }), "unknown type 'launch-darkly'; did you mean 'launchdarkly'?", 'unleash, launchdarkly'],
    ['a hook', policyText({ environment: '    traffic: { provider: command, setWeight: [a] }\n    steps: [{ weight: 100, before: [{ type: shell, run: [a] }] }]' }), "unknown type 'shell'", 'command, webhook'],
  ])('an unknown %s is one problem at the discriminator value', (_what, text, message, allowed) => {
    const problems = problemsOf(text)
    expect(problems.map((p) => p.message)).toEqual([message])
    expect(problems[0]?.expected).toContain(allowed)
    const line = text.split('\n')[(problems[0]?.line ?? 0) - 1] ?? ''
    expect(line.slice((problems[0]?.column ?? 0) - 1)).toMatch(/^[a-z-]+/)
    expect(line.slice((problems[0]?.column ?? 0) - 1)).not.toMatch(/^(provider|type):/)
  })

  it('judges only the chosen branch: missing keys of that provider, nothing about the others', () => {
    expect(problemsOf(traffic('{ provider: istio, namespace: shop }')).map((p) => p.message)).toEqual([
      "missing required key 'canary' in traffic",
      "missing required key 'stable' in traffic",
      "missing required key 'virtualService' in traffic",
    ])
  })

  it('reports a missing discriminator with the values it may take', () => {
    const problems = problemsOf(traffic('{ namespace: shop }'))
    expect(problems.map((p) => [p.message, p.line, p.column])).toEqual([["missing required key 'provider' in traffic", 4, 5]])
  })

  it.each([
    ['command', '{ provider: command, setWeight: [./w.sh, "{{weight}}"] }'],
    ['gateway-api', '{ provider: gateway-api, namespace: n, route: r, stable: s, canary: c, context: k, kubeconfig: ./kc }'],
    ['istio', '{ provider: istio, namespace: n, virtualService: v, stable: { host: h, subset: a }, canary: { host: h, subset: b } }'],
    ['nginx-ingress', '{ provider: nginx-ingress, namespace: n, ingress: web-canary }'],
    ['argo-rollouts', '{ provider: argo-rollouts, namespace: n, rollout: r }'],
    ['aws-lambda', '{ provider: aws-lambda, function: f, alias: live, region: eu-west-1 }'],
    ['haproxy', '{ provider: haproxy, address: "127.0.0.1:9999", backend: b, stable: s, canary: c }'],
    ['unleash', '{ provider: unleash, url: "https://u/api", token: t, feature: f, environment: production }'],
  ])('traffic provider %s accepts its keys', (provider, yaml) => {
    expect(linesOf(traffic(yaml))).toEqual([])
  })

  it.each([
    ['prometheus', '{ type: prometheus, address: "http://p:9090", auth: { type: basic, username: u, password: p } }'],
    ['datadog', '{ type: datadog, apiKey: a, appKey: b }'],
    ['cloudwatch', '{ type: cloudwatch, region: us-east-1 }'],
    ['newrelic', '{ type: newrelic, accountId: 42, apiKey: k }'],
    ['http', '{ type: http, url: "https://s/q?{{query}}", jsonPath: { value: $.v }, body: { q: "{{query}}" } }'],
    ['scrape', '{ type: scrape, canary: ["http://c/metrics"], baseline: ["http://b/metrics"] }'],
  ])('metrics provider %s accepts its keys', (_type, yaml) => {
    expect(linesOf(metrics(yaml))).toEqual([])
  })
})

describe('other schema problems', () => {
  it.each([
    ['a weight out of range', policyText({ environment: '    traffic: { provider: command, setWeight: [a] }\n    steps: [{ weight: 120 }]' }), 'invalid weight', '120', 'a whole number from 0 to 100'],
    ['a wrong type', policyText({ environment: '    traffic: { provider: command, setWeight: [a] }\n    steps: [{ weight: "half" }]' }), 'weight has the wrong type', '"half"', 'a whole number from 0 to 100'],
    ['an enum typo', policyText({ environment: '    traffic: { provider: command, setWeight: [a] }\n    steps: [{ weight: 100 }]\n    onInconclusive: rollbak' }), "invalid onInconclusive; did you mean 'rollback'?", '"rollbak"', 'one of: hold, promote, rollback'],
    ['a bad pause', policyText({ environment: '    traffic: { provider: command, setWeight: [a] }\n    steps: [{ weight: 100, pause: forever }]' }), 'invalid pause', '"forever"', 'manual or a duration such as 30s, 5m, 1h or 1h30m'],
    ['alpha out of range', policyText({ analysis: '    provider: { type: prometheus, address: "http://p" }\n    alpha: 1\n    checks: [{ name: e, type: ratio, events: e, total: t }]' }), 'invalid alpha', '1', 'a number greater than 0 and less than 1'],
    ['a wrong version', policyText().replace('version: 1', 'version: 2'), 'invalid version', '2', '1'],
    ['an empty step list', policyText({ environment: '    traffic: { provider: command, setWeight: [a] }\n    steps: []' }), 'steps needs at least 1 item', 'an empty list', undefined],
    ['a bad environment name', policyText().replace('  production:', '  -prod:'), "invalid name '-prod'", undefined, 'an environment name of letters, digits, spaces and - _ . /'],
  ])('%s', (_what, text, message, found, expected) => {
    const problems = problemsOf(text)
    expect(problems.map((p) => ({ message: p.message, found: p.found, expected: p.expected }))).toEqual([{ message, found, expected }])
  })

  it('reports YAML syntax errors with their position and checks nothing else', () => {
    const problems = problemsOf(readRepoFile('test/fixtures/config/broken-yaml.yml'))
    expect(problems.length).toBeGreaterThan(0)
    expect(problems.every((p) => p.message.startsWith('YAML: ') && p.line === 4)).toBe(true)
  })

  it('reports duplicate keys as YAML errors', () => {
    const problems = problemsOf(policyText({ extra: 'version: 1' }))
    expect(problems.map((p) => [p.line, p.message])).toEqual([[11, 'YAML: Map keys must be unique']])
  })

  it('explains an empty file', () => {
    expect(linesOf('# nothing yet\n')).toEqual(['rollgate.yml:1:1: the policy file is empty (expected version: 1 and environments:)'])
  })

  it('locates values shared through anchors and merge keys where they are written, once', () => {
    const text = policyText({
      analysis: `    provider: { type: prometheus, address: "http://p" }
    checks:
      - &errors { name: errors, type: ratio, events: "{{verison}}", total: t }
      - { <<: *errors, name: errors-5xx }`,
    })
    expect(problemsOf(text).map((p) => [p.line, p.column, p.message])).toEqual([[10, 55, "unknown placeholder '{{verison}}'; did you mean 'version'?"]])
  })
})

describe('formatting', () => {
  it.each([
    [{ file: 'f.yml', line: 3, column: 7, path: 'a', message: 'bad' }, 'f.yml:3:7: bad'],
    [{ file: 'f.yml', line: 3, column: 7, path: 'a', message: 'bad', found: '1' }, 'f.yml:3:7: bad (found 1)'],
    [{ file: 'f.yml', line: 3, column: 7, path: 'a', message: 'bad', found: '1', expected: '2' }, 'f.yml:3:7: bad (found 1; expected 2)'],
  ])('%j', (problem, text) => {
    expect(formatProblem(problem)).toBe(text)
  })

  it.each([
    ['stabel', ['stable', 'canary'], 'stable'],
    ['Promote', ['promote'], 'promote'],
    ['xyz', ['stable', 'canary'], undefined],
  ])('suggest(%s)', (word, candidates, expected) => {
    expect(suggest(word, candidates)).toBe(expected)
  })
})
