import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import {
  ExpositionParseError,
  matchesSelector,
  parseExposition,
  parseGoFloat,
  parseSelector,
} from '../../shared/metrics/exposition.js'
import { fixture } from './support/server.js'

describe('parseExposition', () => {
  it('reads the documented example: counters, escapes, timestamps, histograms, summaries', () => {
    const { samples, types, help } = parseExposition(fixture('exposition-sample.txt'))
    expect(types.get('http_requests_total')).toBe('counter')
    expect(types.get('http_request_duration_seconds')).toBe('histogram')
    expect(types.get('rpc_duration_seconds')).toBe('summary')
    expect(help.get('http_requests_total')).toBe('The total number of HTTP requests.')
    expect(samples).toContainEqual({ name: 'http_requests_total', labels: { method: 'post', code: '400' }, value: 3, timestampMs: 1395066363000 })
    expect(samples).toContainEqual({
      name: 'msdos_file_access_time_seconds',
      labels: { path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' },
      value: 1.458255915e9,
    })
    expect(samples).toContainEqual({ name: 'something_weird', labels: { problem: 'division by zero' }, value: Infinity, timestampMs: -3982045 })
    expect(samples).toContainEqual({ name: 'http_request_duration_seconds_bucket', labels: { le: '+Inf' }, value: 144320 })
    expect(samples).toContainEqual({ name: 'rpc_duration_seconds_sum', labels: {}, value: 1.7560473e7 })
    expect(samples).toHaveLength(21)
  })

  it.each([
    ['trailing comma in labels', 'a{b="c",} 1', { name: 'a', labels: { b: 'c' }, value: 1 }],
    ['spaces and tabs around tokens', 'a { b = "c" ,\td="e" }\t 2', { name: 'a', labels: { b: 'c', d: 'e' }, value: 2 }],
    ['empty label set', 'a{} 3', { name: 'a', labels: {}, value: 3 }],
    ['colons in names', 'job:rate5m:sum 4', { name: 'job:rate5m:sum', labels: {}, value: 4 }],
    ['exponent', 'a 1.5e-3', { name: 'a', labels: {}, value: 0.0015 }],
    ['negative infinity', 'a -Inf', { name: 'a', labels: {}, value: -Infinity }],
    ['unknown escape kept as is', 'a{b="x\\ty"} 1', { name: 'a', labels: { b: 'x\\ty' }, value: 1 }],
    ['braces and hashes inside label values', 'a{b="}{ # ,="} 1', { name: 'a', labels: { b: '}{ # ,=' }, value: 1 }],
    ['quoted UTF-8 metric name', '{"my.metric", "a.b"="c"} 5', { name: 'my.metric', labels: { 'a.b': 'c' }, value: 5 }],
    ['OpenMetrics exemplar ignored', 'a_bucket{le="1"} 7 # {trace_id="abc"} 0.5 1700000000', { name: 'a_bucket', labels: { le: '1' }, value: 7 }],
    ['CRLF line ending', 'a 8\r', { name: 'a', labels: {}, value: 8 }],
  ])('%s', (_name, line, expected) => {
    expect(parseExposition(line).samples).toEqual([expected])
  })

  it('reads NaN as NaN', () => {
    expect(parseExposition('a NaN').samples[0]?.value).toBeNaN()
  })

  it.each([
    ['# EOF'],
    ['# just a comment'],
    ['#HELPful comment'],
    ['   '],
    [''],
  ])('ignores %j', (text) => {
    expect(parseExposition(text).samples).toEqual([])
  })

  it('unescapes HELP text', () => {
    expect(parseExposition('# HELP a one\\ntwo \\\\ three').help.get('a')).toBe('one\ntwo \\ three')
  })

  it.each([
    ['no value', 'a{b="c"}', /line 1, column 9: expected a space before the value/],
    ['not a number', 'a{b="c"} twelve', /"twelve" is not a number/],
    ['unterminated label value', 'a{b="c} 1', /unterminated quoted string/],
    ['missing equals', 'a{b"c"} 1', /expected "="/],
    ['duplicate label', 'a{b="1",b="2"} 1', /label "b" given twice/],
    ['bad timestamp', 'a 1 12.5', /not a timestamp/],
    ['junk after timestamp', 'a 1 12 x', /unexpected "x" after the value/],
    ['unknown TYPE', '# TYPE a countr', /unknown metric type "countr"/],
    ['no metric name', '{b="c"} 1', /expected a metric name/],
    ['hex is not a Go float here', 'a 0x10', /"0x10" is not a number/],
  ])('rejects %s with its line and column', (_name, text, message) => {
    expect(() => parseExposition(text)).toThrow(ExpositionParseError)
    expect(() => parseExposition(text)).toThrow(message)
  })

  it('numbers lines from 1 across comments and blank lines', () => {
    expect(() => parseExposition('# TYPE a counter\n\na 1\na{ 2')).toThrow(/^line 4/)
  })
})

describe('parseGoFloat', () => {
  it.each([
    ['1', 1],
    ['-0.5', -0.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['+Inf', Infinity],
    ['inf', Infinity],
    ['-Inf', -Infinity],
    ['', undefined],
    ['1_000', undefined],
    ['12abc', undefined],
  ])('%j → %s', (text, expected) => {
    expect(parseGoFloat(text)).toBe(expected)
  })
})

describe('selectors', () => {
  const series = [
    ['http_requests_total', { code: '200', method: 'GET' }],
    ['http_requests_total', { code: '503', method: 'GET' }],
    ['http_requests_total', { code: '500', method: 'POST' }],
    ['http_requests_total', { method: 'GET' }],
    ['other_total', { code: '500' }],
  ] as const

  it.each([
    ['http_requests_total', [0, 1, 2, 3]],
    ['http_requests_total{code=~"5.."}', [1, 2]],
    ['http_requests_total{code!~"5.."}', [0, 3]],
    ['http_requests_total{code="200"}', [0]],
    ['http_requests_total{code!="200"}', [1, 2, 3]],
    ['http_requests_total{code=""}', [3]],
    ['http_requests_total{code=~"5..", method="GET"}', [1]],
    ["http_requests_total{method='POST'}", [2]],
    ['http_requests_total{code=~"5"}', []],
    ['{__name__=~".*_total", code="500"}', [2, 4]],
    ['{code=~"50."}', [1, 2, 4]],
  ])('%s selects %j', (text, expected) => {
    const selector = parseSelector(text)
    const selected = series.flatMap(([name, labels], i) => (matchesSelector(selector, name, labels) ? [i] : []))
    expect(selected).toEqual(expected)
  })

  it.each([
    ['sum(up)', 'sum'],
    ['avg ( up{job="a"} )', 'avg'],
    ['max(up)', 'max'],
    ['up', undefined],
  ])('%s aggregates with %s', (text, aggregation) => {
    expect(parseSelector(text).aggregation).toBe(aggregation)
  })

  it.each([
    ['', /selects nothing/],
    ['up{', /expected a label name/],
    ['up{code~"5"}', /expected =, !=, =~ or !~/],
    ['up{code="5"', /expected "," or "}"/],
    ['rate(up[5m])', /unexpected "\("/],
    ['{code=""}', /needs a metric name or a matcher that does not match the empty string/],
    ['up{code=~"("}', /invalid regular expression/],
  ])('rejects %j as a ConfigError', (text, message) => {
    expect(() => parseSelector(text)).toThrow(ConfigError)
    expect(() => parseSelector(text)).toThrow(message)
  })
})
