import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import { queryVars, renderTemplate, templateNames } from '../../shared/metrics/template.js'
import { VARS, WINDOW } from './support/server.js'

describe('renderTemplate', () => {
  const vars = queryVars({ ...VARS, cluster: 'eu-1' }, 'canary', WINDOW)

  it.each([
    ['sum(increase(x{version="{{version}}"}[{{interval}}]))', 'sum(increase(x{version="v2.1.0"}[1m]))'],
    ['{{ environment }}/{{arm}}/{{cluster}}', 'production/canary/eu-1'],
    ['SINCE {{startMs}} UNTIL {{endMs}}', 'SINCE 1700000000000 UNTIL 1700000060000'],
    ['from={{start}}&to={{end}}&secs={{intervalSeconds}}', 'from=1700000000&to=1700000060&secs=60'],
    ['{{startIso}}', '2023-11-14T22:13:20.000Z'],
    ['no placeholders {{', 'no placeholders {{'],
  ])('%s → %s', (template, expected) => {
    expect(renderTemplate(template, vars, 'a test')).toBe(expected)
  })

  it('encodes substituted values when asked, not the template itself', () => {
    expect(renderTemplate('/q?v={{v}}&x=a b', { v: 'a&b=c' }, 'url', encodeURIComponent)).toBe('/q?v=a%26b%3Dc&x=a b')
  })

  it('names an unknown variable, where it was written and the known ones', () => {
    const render = (): string => renderTemplate('x{v="{{verison}}"}', vars, 'prometheus PromQL query `events` of check "errors"')
    expect(render).toThrow(ConfigError)
    expect(render).toThrow(/unknown template variable \{\{verison\}\} in prometheus PromQL query `events` of check "errors"; known variables: .*version/)
  })

  it('does not read inherited properties as variables', () => {
    expect(() => renderTemplate('{{constructor}}', {}, 'x')).toThrow(ConfigError)
  })

  it('window variables win over user variables of the same name', () => {
    expect(queryVars({ arm: 'x', interval: '5m' }, 'baseline', WINDOW)).toMatchObject({ arm: 'baseline', interval: '1m' })
  })

  it.each([
    [30_000, '30s'],
    [90_000, '90s'],
    [3_600_000, '1h'],
    [1_500, '1500ms'],
  ])('interval of %ims reads %s', (ms, interval) => {
    expect(queryVars({}, 'canary', { start: new Date(0), end: new Date(ms) })['interval']).toBe(interval)
  })

  it('lists the names a template uses', () => {
    expect(templateNames('{{a}} {{ b.c }} {{a}}')).toEqual(['a', 'b.c', 'a'])
  })
})
