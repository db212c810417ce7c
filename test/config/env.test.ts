import { describe, expect, it } from 'vitest'
import { checkPolicy } from '../../shared/config/load.js'
import { formatProblem } from '../../shared/config/problems.js'
import { at, linesOf, policyOf, policyText, problemsOf } from './helpers.js'

/** A policy whose Prometheus address is `address` (written as a YAML plain or quoted scalar). */
const withAddress = (address: string): string =>
  policyText({
    analysis: `    provider:
      type: prometheus
      address: ${address}
    checks:
      - { name: errors, type: ratio, events: e, total: t }`,
  })

function addressOf(text: string, env: Record<string, string>): string {
  const provider = policyOf(text, env).analysis.default?.provider
  return provider?.type === 'prometheus' ? provider.address : ''
}

describe('${NAME} substitution', () => {
  it.each([
    ['a whole value', '${PROM}', { PROM: 'http://prom:9090' }, 'http://prom:9090'],
    ['part of a value', '"http://${HOST}:${PORT}"', { HOST: 'prom', PORT: '9090' }, 'http://prom:9090'],
    ['a single-quoted value', "'${PROM}'", { PROM: 'https://p' }, 'https://p'],
    ['an escaped reference', '"http://p/$${NOT_A_VAR}"', {}, 'http://p/${NOT_A_VAR}'],
    ['a lone dollar', '"http://p/$x"', {}, 'http://p/$x'],
  ])('replaces %s', (_what, written, env, expected) => {
    expect(addressOf(withAddress(written), env)).toBe(expected)
  })

  it.each([
    ['unset', {}, 'environment variable PORT is not set'],
    ['empty (how Actions passes a missing secret)', { PORT: '' }, 'environment variable PORT is empty'],
  ])('reports a variable that is %s at the reference itself', (_what, env, message) => {
    const text = withAddress('"http://${HOST}:${PORT}"')
    const problems = problemsOf(text, { HOST: 'prom', ...env })
    expect(problems.map((p) => [p.line, p.column, p.message, p.found])).toEqual([[...at(text, '${PORT}'), message, '${PORT}']])
  })

  it('reports every unset variable, not just the first', () => {
    const text = withAddress('"http://${HOST}:${PORT}"')
    expect(problemsOf(text).map((p) => [p.line, p.column])).toEqual([at(text, '${HOST}'), at(text, '${PORT}')])
  })

  it('reports a malformed reference', () => {
    const text = withAddress('"http://${HOST-1}"')
    expect(linesOf(text)).toEqual([
      `rollgate.yml:${at(text, '${').join(':')}: malformed environment variable reference (found \${HOST-1}; expected \${NAME} with NAME made of letters, digits and _, or $\${ for a literal \${)`,
    ])
  })

  it('with allowUnsetEnv, leaves unset references in place and does not judge those values', () => {
    const result = checkPolicy(withAddress('${PROM}'), 'rollgate.yml', {}, { allowUnsetEnv: true })
    expect(result.ok).toBe(true)
  })

  it('never shows a substituted value that may be a secret; it shows what was written', () => {
    const text = withAddress('"${PROM}"')
    const problems = problemsOf(text, { PROM: 'not a url with s3cr3t' })
    expect(problems.map(formatProblem)).toEqual([
      `rollgate.yml:${at(text, '"${PROM}"').join(':')}: invalid address (found "\${PROM}" (after substitution); expected an http:// or https:// URL)`,
    ])
    expect(JSON.stringify(problems)).not.toContain('s3cr3t')
  })

  it('explains the YAML error an unquoted reference causes inside { }', () => {
    const text = policyText({
      analysis: `    provider: { type: prometheus, address: \${PROM} }
    checks: [{ name: e, type: ratio, events: e, total: t }]`,
    })
    expect(problemsOf(text)[0]?.expected).toBe('quotes around values that use ${NAME} inside { } or [ ], e.g. address: "${PROMETHEUS_URL}"')
  })

  it('substitutes in lists and leaves keys alone', () => {
    const text = policyText({
      environment: `    traffic: { provider: command, setWeight: ["\${DEPLOY}", "{{weight}}"] }
    steps: [{ weight: 100 }]`,
    })
    const traffic = policyOf(text, { DEPLOY: './deploy.sh' }).environments.production?.traffic
    expect(traffic?.provider === 'command' ? traffic.setWeight : []).toEqual(['./deploy.sh', '{{weight}}'])
  })
})
