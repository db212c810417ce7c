import { describe, expect, it } from 'vitest'
import { at, linesOf, policyText } from './helpers.js'

const steps = (list: string, extra = ''): string =>
  policyText({ environment: `    traffic: { provider: command, setWeight: [a] }\n${extra}    steps: ${list}` })

const checks = (list: string, extra = ''): string =>
  policyText({ analysis: `    provider: { type: prometheus, address: "http://p" }\n${extra}    checks: ${list}` })

const haproxy = (endpoints: string): string =>
  policyText({ environment: `    traffic: { provider: haproxy, ${endpoints}backend: b, stable: s, canary: c }\n    steps: [{ weight: 100 }]` })

/** [what, policy text, text the problem must point at, the message and details]. */
type Row = [string, string, string, string]

describe('rules between values', () => {
  it.each<Row>([
    ['decreasing weights', steps('[{ weight: 50 }, { weight: 20 }, { weight: 100 }]'), '20 }', "step weights must not decrease (found 20; expected at least 50, the previous step's weight)"],
    ['a last step below 100', steps('[{ weight: 10 }, { weight: 50 }]'), '50 }]', 'the last step must send all traffic to the new version (found 50; expected 100)'],
    ['blue-green partial weights', steps('[{ weight: 0 }, { weight: 50 }, { weight: 100 }]', '    strategy: blue-green\n'), '50 }', 'blue-green steps switch all traffic at once (found 50; expected 0 (preview) or 100 (switch))'],
    ['an unknown template', steps('[{ weight: 50, analysis: canary }, { weight: 100 }]'), 'canary }', "unknown analysis template 'canary' (expected a template defined under analysis: default)"],
    ['step minDuration over maxDuration', steps('[{ weight: 50, analysis: default, minDuration: 1h, maxDuration: 30m }, { weight: 100 }]'), '1h,', 'minDuration is longer than maxDuration (found 1h; expected at most 30m)'],
    ['a step maxDuration within one interval', steps('[{ weight: 50, analysis: default, maxDuration: 1m }, { weight: 100 }]'), '1m }', "maxDuration leaves no time for a look every 1m (the template's interval) (found 1m; expected longer than 1m)"],
    ['HAProxy with both endpoints', haproxy('socket: /s, address: "h:1", '), 'address:', 'set exactly one of socket or address for the HAProxy runtime API (found both; expected socket: /path/to/admin.sock or address: host:port)'],
    ['HAProxy with neither', haproxy(''), '{ provider: haproxy', 'set exactly one of socket or address for the HAProxy runtime API (found neither; expected socket: /path/to/admin.sock or address: host:port)'],
  ])('environments: %s', (_what, text, needle, message) => {
    expect(linesOf(text)).toEqual([`rollgate.yml:${at(text, needle).join(':')}: ${message}`])
  })

  it.each<Row>([
    ['interval not shorter than maxDuration', checks('[{ name: e, type: ratio, events: e, total: t }]', '    interval: 10m\n    maxDuration: 10m\n'), '10m', 'interval must be shorter than maxDuration, or the analysis never looks (found interval 10m, maxDuration 10m; expected an interval shorter than 10m)'],
    ['duplicate check names', checks('[{ name: e, type: ratio, events: e, total: t }, { name: e, type: value, query: q, max: 1 }]'), 'e, type: value', "duplicate check name 'e' (expected a name not already used by checks[0])"],
    ['an unknown placeholder', checks('[{ name: e, type: ratio, events: "x{v=\\"{{ versoin }}\\"}", total: t }]'), '{{ versoin }}', "unknown placeholder '{{versoin}}'; did you mean 'version'? (expected one of: {{version}}, {{environment}}, {{arm}}, {{interval}}, {{intervalSeconds}}, {{start}}, {{end}}, {{startMs}}, {{endMs}}, {{startIso}}, {{endIso}} (add others under variables:))"],
    ['a variable hiding a built-in', checks('[{ name: e, type: ratio, events: e, total: t }]', '    variables: { version: v1 }\n'), 'version: v1', "variable 'version' would hide the built-in {{version}} (expected another name)"],
    ['a samples check with both sources', checks('[{ name: l, type: samples, values: q, buckets: b }]'), 'buckets:', 'a samples check needs exactly one of values (raw samples) or buckets (histogram) (found both; expected values: <raw samples query> or buckets: <histogram buckets query>)'],
    ['a value check without bounds', checks('[{ name: c, type: value, query: q }]'), '{ name: c', 'a value check needs a bound (found neither min nor max; expected min, max or both)'],
    ['a value check with min over max', checks('[{ name: c, type: value, query: q, min: 2, max: 1 }]'), '2, max', 'min is greater than max (found 2; expected at most 1)'],
    ['group weights for a missing group', checks('[{ name: e, type: ratio, events: e, total: t, group: errors }]', '    test: { type: mann-whitney, groupWeights: { erors: 50 } }\n'), 'erors', "no check is in group 'erors'; did you mean 'errors'? (expected errors)"],
    ['group weights over 100', checks('[{ name: e, type: ratio, events: e, total: t, group: a }, { name: f, type: ratio, events: e, total: t, group: b }]', '    test: { type: mann-whitney, groupWeights: { a: 60, b: 60 } }\n'), '{ a: 60', 'group weights add up to more than 100 (found 120; expected at most 100)'],
    ['a marginal score above the pass score', checks('[{ name: e, type: ratio, events: e, total: t }]', '    test: { type: mann-whitney, passScore: 70 }\n'), '70 }', 'marginalScore is above passScore (found marginalScore 75, passScore 70; expected marginalScore at most passScore)'],
  ])('templates: %s', (_what, text, needle, message) => {
    expect(linesOf(text)).toEqual([`rollgate.yml:${at(text, needle).join(':')}: ${message}`])
  })

  it('accepts user variables as placeholders', () => {
    expect(linesOf(checks('[{ name: e, type: ratio, events: "x{s=\\"{{service}}\\"}", total: t }]', '    variables: { service: web }\n'))).toEqual([])
  })

  it('reports schema and semantic problems together, in file order', () => {
    const text = steps('[{ weight: 50, analysis: canary, pause: soon }, { weight: 20 }]')
    const where = (needle: string): string => `rollgate.yml:${at(text, needle).join(':')}`
    expect(linesOf(text).map((l) => l.replace(/ \(.*$/, ''))).toEqual([
      `${where('canary,')}: unknown analysis template 'canary'`,
      `${where('soon')}: invalid pause`,
      `${where('20 }')}: step weights must not decrease`,
      `${where('20 }')}: the last step must send all traffic to the new version`,
    ])
  })
})
