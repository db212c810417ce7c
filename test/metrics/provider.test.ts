import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import { moveUrlCredentials } from '../../shared/http/client.js'
import { createMetricsProvider, METRICS_BACKENDS } from '../../shared/metrics/registry.js'
import type { MetricsProviderConfig } from '../../shared/metrics/types.js'
import { reduceField, type Series } from '../../shared/metrics/series.js'
import { fakeDeps } from './support/server.js'

describe('createMetricsProvider', () => {
  const configs: Parameters<typeof createMetricsProvider>[0][] = [
    { type: 'prometheus', address: 'http://prometheus:9090' },
    { type: 'datadog', apiKey: 'a', appKey: 'b' },
    { type: 'cloudwatch', region: 'us-east-1' },
    { type: 'newrelic', accountId: 1, apiKey: 'k' },
    { type: 'http', url: 'http://stats/{{query}}' },
    { type: 'scrape', canary: ['http://c/metrics'], baseline: ['http://b/metrics'] },
  ]

  it.each(configs)('builds a $type provider', (config) => {
    const provider = createMetricsProvider(config, fakeDeps({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' }))
    expect(provider.type).toBe(config.type)
  })

  it('knows every type once', () => {
    expect(METRICS_BACKENDS.map((b) => b.type)).toEqual(configs.map((c) => c.type))
  })

  it('names the accepted types for an unknown one', () => {
    const build = () => createMetricsProvider({ type: 'graphite' } as unknown as MetricsProviderConfig, fakeDeps())
    expect(build).toThrow(ConfigError)
    expect(build).toThrow('unknown metrics provider type "graphite"; expected one of prometheus, datadog, cloudwatch, newrelic, http, scrape')
  })
})

describe('reducing series to observations', () => {
  const series = (...points: number[]): Series => ({ labels: {}, points: points.map((v, t) => ({ t, v })) })

  it.each([
    ['count', [series(1, 2), series(3)], { ok: true, value: 6 }],
    ['count', [series(0)], { ok: true, value: 0 }],
    ['count', [], { ok: false, reason: 'returned no series (an empty result is no data, not zero)' }],
    ['count', [series()], { ok: false, reason: 'returned 1 series but no points in the interval' }],
    ['count', [series(-1)], { ok: false, reason: 'returned a negative count -1 for {}' }],
    ['count', [series(Infinity)], { ok: false, reason: 'returned +Inf for {}' }],
    ['values', [series(1, NaN, 2)], { ok: true, value: [1, 2] }],
    ['values', [series(NaN)], { ok: false, reason: 'returned no finite values in the interval' }],
    ['value', [series(5)], { ok: true, value: 5 }],
    ['value', [series(), series()], expect.objectContaining({ ok: false })],
    ['buckets', [{ labels: { le: '1' }, points: [{ t: 0, v: 2 }] }, { labels: { le: '+Inf' }, points: [{ t: 0, v: 3 }] }, { labels: { le: '1.0' }, points: [{ t: 0, v: 1 }] }], { ok: true, value: [{ le: 1, count: 3 }, { le: Infinity, count: 3 }] }],
    ['buckets', [{ labels: { le: 'big' }, points: [] }], { ok: false, reason: 'returned an unreadable bucket bound le="big"' }],
  ] as const)('%s of %j', (kind, input, expected) => {
    expect(reduceField(kind, input as readonly Series[], 'mean')).toEqual(expected)
  })
})

describe('moveUrlCredentials', () => {
  it.each([
    ['http://u:p%40ss@h/metrics', {}, 'http://h/metrics', { Authorization: `Basic ${Buffer.from('u:p@ss').toString('base64')}` }],
    ['http://u:p@h/metrics', { authorization: 'Bearer t' }, 'http://h/metrics', { authorization: 'Bearer t' }],
    ['http://h/metrics', { A: 'b' }, 'http://h/metrics', { A: 'b' }],
  ])('%s', (url, headers, expectedUrl, expectedHeaders) => {
    expect(moveUrlCredentials(url, headers)).toEqual({ url: expectedUrl, headers: expectedHeaders })
  })
})
