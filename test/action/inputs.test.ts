import { describe, expect, it } from 'vitest'
import { FakeActionIO } from '../fakes/action-io.js'
import {
  readBoolean,
  readDuration,
  readEnum,
  readEnvironment,
  readGitHubToken,
  readInteger,
  readList,
  readPercent,
  readRequired,
} from '../../shared/action/inputs.js'
import { ConfigError } from '../../shared/errors.js'

const io = (inputs: Record<string, string>) => new FakeActionIO(inputs)

describe('typed input readers', () => {
  it.each([
    ['true', true],
    ['False', false],
    ['yes', true],
    ['0', false],
    ['', true],
  ])('readBoolean(%j) is %s (default true)', (value, expected) => {
    expect(readBoolean(io({ flag: value }), 'flag', true)).toBe(expected)
  })

  it.each([
    [() => readBoolean(io({ full: 'sure' }), 'full', false), `Input 'full' is "sure"; expected true or false.`],
    [() => readRequired(io({}), 'version', 'the version to ship'), `Input 'version' is required; expected the version to ship.`],
    [() => readEnum(io({ mode: 'x' }), 'mode', ['watch', 'once'], 'watch'), `Input 'mode' is "x"; expected one of: watch, once.`],
    [() => readInteger(io({ n: '1.5' }), 'n', 1, { min: 1, max: 10 }), `Input 'n' is "1.5"; expected a whole number from 1 to 10.`],
    [() => readInteger(io({ n: '11' }), 'n', 1, { min: 1, max: 10 }), `Input 'n' is "11"; expected a whole number from 1 to 10.`],
    [() => readDuration(io({ wait: '5 minutes' }), 'wait'), `Input 'wait' is "5 minutes"; expected a duration such as 30s, 5m, 1h or 1h30m.`],
    [() => readPercent(io({ to: '101%' }), 'to'), `Input 'to' is "101%"; expected a percentage such as 5%, 0.5% or 25, from 0 to 100.`],
    [() => readEnvironment(io({ environment: '../prod' }), 'environment'), `Input 'environment' is "../prod"; expected an environment name made of letters, digits, spaces and - _ . /.`],
  ])('%#: a bad value names the input and what it accepts', (read, message) => {
    expect(read).toThrow(ConfigError)
    expect(read).toThrow(message)
  })

  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
  ])('readDuration(%j) = %d ms', (text, ms) => {
    expect(readDuration(io({ d: text }), 'd')).toBe(ms)
  })

  it.each([
    ['5%', 5],
    ['0.5%', 0.5],
    ['25', 25],
    ['100', 100],
  ])('readPercent(%j) = %d', (text, value) => {
    expect(readPercent(io({ p: text }), 'p')).toBe(value)
  })

  it('reads lists one per line or comma-separated', () => {
    expect(readList(io({ l: 'a, b\nc,,\n' }), 'l')).toEqual(['a', 'b', 'c'])
  })

  it('masks the token before anything can log it', () => {
    const fake = io({ 'github-token': 'ghs_secret' })
    expect(readGitHubToken(fake)).toBe('ghs_secret')
    expect(fake.secrets).toEqual(['ghs_secret'])
  })
})
