import { afterEach, describe, expect, it } from 'vitest'
import type { Logger } from '../../shared/action/logger.js'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { credentialsInUrl, expandedValues, redactUrl, secretsOf, SecretSet } from '../../shared/http/redact.js'
import { loadPolicyFor } from '../../shared/rollout/policy.js'
import { createMetricsProvider } from '../../shared/metrics/registry.js'
import { fakeDeps, serverPool } from '../metrics/support/server.js'

const pool = serverPool()
afterEach(() => pool.closeAll())

describe('credentials in URLs', () => {
  it.each([
    ['https://api.example.com/q?api_key=k3y-abcdef&query=x', ['k3y-abcdef'], 'https://api.example.com/q?api_key=***&query=x'],
    ['https://api.example.com/q?query=x&apikey=abc%2Fdef', ['abc%2Fdef', 'abc/def'], 'https://api.example.com/q?query=x&apikey=***'],
    ['https://x.example/v1?token=t0ken1&access_token=t0ken2#frag', ['t0ken1', 't0ken2'], 'https://x.example/v1?token=***&access_token=***#frag'],
    ['https://x.example/?Signature=s1gnature&key=k3yvalue&password=passw0rd', ['s1gnature', 'k3yvalue', 'passw0rd'], 'https://x.example/?Signature=***&key=***&password=***'],
    ['https://bob:hunter2@x.example/m', ['hunter2', Buffer.from('bob:hunter2').toString('base64')], 'https://***@x.example/m'],
    ['https://x.example/q?query={{query}}&start={{start}}', [], 'https://x.example/q?query={{query}}&start={{start}}'],
  ])('%s', (url, secrets, redacted) => {
    expect(credentialsInUrl(url)).toEqual(secrets)
    expect(redactUrl(url)).toBe(redacted)
  })

  it('scrubs every secret the logger knows too (the policy ${NAME} values), longest first', () => {
    const deps = fakeDeps()
    const known = ['policy-secret-value', 'policy-secret']
    const logger: Logger = {
      info: () => undefined,
      warn: () => undefined,
      debug: () => undefined,
      group: (_name, fn) => fn(),
      mask: (s) => deps.logger.mask(s),
      redact: (t) => known.reduce((acc, k) => acc.split(k).join('***'), t),
    }
    const set = new SecretSet(logger)
    set.add('own-secret')
    expect(set.scrub('own-secret and policy-secret-value')).toBe('*** and ***')
  })
})

describe('a token in a metrics URL query string (Datadog and New Relic style)', () => {
  it('is masked before the first request, never in a debug line, and not in a reason even when the server echoes the URL', async () => {
    const server = await pool.start((request) => ({ status: 403, body: { error: `forbidden: ${request.url}` } }))
    const deps = fakeDeps()
    let maskedBeforeFirstRequest: string[] | undefined
    const realFetch = globalThis.fetch
    deps.fetch = (input, init) => {
      maskedBeforeFirstRequest ??= [...deps.logger.masked]
      return realFetch(input, init)
    }
    const provider = createMetricsProvider(
      { type: 'http', url: `${server.url}/q?api_key=DD-SECRET-123456&query={{query}}`, retries: 0 },
      deps,
    )
    const result = await provider.query({
      check: { name: 'errors', type: 'value', query: 'sum:errors' },
      arm: 'canary',
      vars: { version: 'v2' },
      window: { start: new Date('2024-01-02T03:00:00Z'), end: new Date('2024-01-02T03:01:00Z') },
    })
    expect(server.requests[0]?.query.get('api_key')).toBe('DD-SECRET-123456')
    expect(maskedBeforeFirstRequest).toContain('DD-SECRET-123456')
    expect(result.ok).toBe(false)
    const reason = result.ok ? '' : result.reason
    expect(reason).toMatch(/HTTP 403/)
    expect(reason).not.toContain('DD-SECRET-123456')
    expect(deps.logger.lines.join('\n')).not.toContain('DD-SECRET-123456')
    expect(deps.logger.lines.join('\n')).toContain('api_key=***')
  })
})

describe('the values a policy expands', () => {
  it('are every ${NAME} the text references, not $${literal}, not unset ones, not ones too short to mask', () => {
    const text = 'address: ${PROM_URL}\ntoken: "${TOKEN}"\nliteral: $${NOT_THIS}\nunset: ${MISSING}\nshort: ${ONE}\n'
    expect(expandedValues(text, { PROM_URL: 'https://prom.example', TOKEN: 's3cr3t-token', NOT_THIS: 'nope-nope', ONE: '1' })).toEqual([
      'https://prom.example',
      's3cr3t-token',
    ])
  })

  it('are kept beside the loaded policy, registered by the runtime before the first request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-secrets-'))
    const path = join(dir, 'rollgate.yml')
    writeFileSync(
      path,
      'version: 1\nenvironments:\n  production:\n    traffic: { provider: unleash, url: "https://unleash.example/api", token: "${UNLEASH_TOKEN}", feature: web, environment: production }\n    steps: [{ weight: 100 }]\n',
    )
    const policy = await loadPolicyFor(path, { environment: 'production' }, { UNLEASH_TOKEN: 'unleash-admin-token' })
    expect(secretsOf(policy)).toEqual(['unleash-admin-token'])
    expect(JSON.stringify(policy)).toContain('unleash-admin-token')
    expect(Object.keys(policy)).not.toContain('secrets')
  })
})
