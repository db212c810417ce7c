import { describe, expect, it } from 'vitest'
import { linesOf, policyOf, policyText, problemsOf } from './helpers.js'

const template = (lines: string): string =>
  policyText({
    analysis: `    provider: { type: prometheus, address: "http://p" }
${lines}
    checks:
      - { name: errors, type: ratio, events: e, total: t }`,
  })

const checkWith = (fields: string): string =>
  policyText({
    analysis: `    provider: { type: prometheus, address: "http://p" }
    checks:
      - { name: errors, type: ratio, events: e, total: t, ${fields} }`,
  })

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1.5m', 90_000],
  ])('interval %s is %d ms', (written, ms) => {
    expect(policyOf(template(`    interval: ${written}\n    maxDuration: 1d`)).analysis.default?.interval).toBe(ms)
  })

  it.each(['5 minutes', '5', '0s', '-1m', '1w', ''])('rejects %j with what a duration looks like', (written) => {
    const problems = problemsOf(template(`    interval: "${written}"`))
    expect(problems.map((p) => [p.message, p.expected])).toEqual([['invalid interval', 'a duration such as 30s, 5m, 1h or 1h30m']])
  })

  it('converts step durations and timed pauses; manual pauses stay manual', () => {
    const text = policyText({
      environment: `    traffic: { provider: command, setWeight: [a] }
    steps:
      - { weight: 10, analysis: default, minDuration: 2m, maxDuration: 10m }
      - { weight: 50, pause: 90s }
      - { weight: 60, pause: manual }
      - { weight: 100 }`,
    })
    const steps = policyOf(text).environments.production?.steps ?? []
    expect(steps.map((s) => [s.minDuration, s.maxDuration, s.pause])).toEqual([
      [120_000, 600_000, undefined],
      [undefined, undefined, 90_000],
      [undefined, undefined, 'manual'],
      [undefined, undefined, undefined],
    ])
  })
})

describe('percentages', () => {
  it.each([
    ['5%', 0.05],
    ['0.5%', 0.005],
    ['5', 0.05],
    ['100%', 1],
    ['0', 0],
  ])('tolerance %s is the fraction %d', (written, fraction) => {
    const check = policyOf(checkWith(`tolerance: ${written}`)).analysis.default?.checks[0]
    expect(check?.type === 'ratio' ? check.tolerance : undefined).toBeCloseTo(fraction, 10)
  })

  it.each(['150%', '101', '-5%', 'five percent'])('rejects tolerance %s', (written) => {
    expect(problemsOf(checkWith(`tolerance: ${written}`)).map((p) => [p.message, p.expected])).toEqual([
      ['invalid tolerance', 'a percentage from 0% to 100%, such as 5%'],
    ])
  })
})

describe('defaults', () => {
  it('fills in every default from the schema', () => {
    const policy = policyOf(policyText())
    const env = policy.environments.production
    const template = policy.analysis.default
    expect(env).toMatchObject({
      production: false,
      strategy: 'canary',
      onInconclusive: 'hold',
      protect: { canary: 'write', promote: 'write', rollback: 'write', analyze: 'triage', pause: 'write', resume: 'write', status: 'read', help: 'read' },
      allowForks: false,
      traffic: { provider: 'command', setWeight: ['./set-weight.sh', '{{weight}}'] },
    })
    expect(env?.steps[0]).toEqual({ weight: 50, analysis: 'default', skippable: false, before: [], after: [] })
    expect(template).toMatchObject({
      interval: 60_000,
      maxDuration: 1_800_000,
      alpha: 0.05,
      test: { type: 'sequential' },
      variables: {},
      provider: { type: 'prometheus', queryRange: false, timeout: 10_000, retries: 2 },
    })
    expect(template?.checks[0]).toEqual({
      type: 'ratio',
      name: 'errors',
      events: 'e',
      total: 't',
      direction: 'increase',
      tolerance: 0,
      critical: false,
      weight: 1,
    })
    expect(policy.commands).toEqual({ allowBots: false, allowEdited: false, requireChecks: true, roles: {} })
    expect(policy.flags).toBeUndefined()
  })

  it('fills in defaults inside defaults (flags, the Mann-Whitney test)', () => {
    const policy = policyOf(
      policyText({
        analysis: `    provider: { type: prometheus, address: "http://p" }
    test: { type: mann-whitney }
    checks: [{ name: e, type: ratio, events: e, total: t }]`,
        extra: 'flags: {}',
      }),
    )
    expect(policy.analysis.default?.test).toEqual({ type: 'mann-whitney', confidence: 0.98, groupWeights: {}, passScore: 95, marginalScore: 75 })
    expect(policy.flags).toEqual({
      source: { type: 'registry', file: 'flags.yml' },
      stale: { afterDays: 30 },
      include: ['**/*'],
      exclude: ['node_modules/**', 'dist/**', 'vendor/**', '**/*.min.js'],
      owners: [],
      maxPullRequests: 5,
      labels: ['flag-cleanup'],
    })
  })

  it('keeps what the file says over a default', () => {
    expect(linesOf(template('    alpha: 0.01'))).toEqual([])
    expect(policyOf(template('    alpha: 0.01')).analysis.default?.alpha).toBe(0.01)
  })
})
