import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { COMMAND_NAMES, MAX_COMMAND_LINE, parseComment, resolveEnvironment, type ParseResult } from '../../shared/commands/grammar.js'

const accepted: [string, string, string | undefined, Record<string, unknown>][] = [
  ['/rollgate promote production', 'promote', 'production', {}],
  ['/Rollgate PROMOTE Production', 'promote', 'Production', {}],
  ['   /rollgate promote production   ', 'promote', 'production', {}],
  ['/rollgate promote production --to 50', 'promote', 'production', { to: 50 }],
  ['/rollgate promote production --to=50%', 'promote', 'production', { to: 50 }],
  ['/rollgate promote --full production', 'promote', 'production', { full: true }],
  ['/rollgate promote production --full --to 100', 'promote', 'production', { full: true, to: 100 }],
  ['/rollgate canary staging --version ghcr.io/acme/web:1.4.2 --stable 1.4.1', 'canary', 'staging', { version: 'ghcr.io/acme/web:1.4.2', stable: '1.4.1' }],
  ['/rollgate rollback production --reason "error rate doubled"', 'rollback', 'production', { reason: 'error rate doubled' }],
  ['/rollgate rollback production --reason "say \\"no\\""', 'rollback', 'production', { reason: 'say "no"' }],
  ['/rollgate rollback --reason oops', 'rollback', undefined, { reason: 'oops' }],
  ['/rollgate analyze production', 'analyze', 'production', {}],
  ['/rollgate pause production --reason "incident 42"', 'pause', 'production', { reason: 'incident 42' }],
  ['/rollgate resume production', 'resume', 'production', {}],
  ['/rollgate status', 'status', undefined, {}],
  ['/rollgate help', 'help', undefined, {}],
  ['Looks good to me.\n\n/rollgate promote production\n\nthanks', 'promote', 'production', {}],
  ['/rollgate promote eu-west/prod.1', 'promote', 'eu-west/prod.1', {}],
  ['/rollgate\tpromote\tproduction', 'promote', 'production', {}],
  ['/rollgate rollback production --reason "naïve 🚀 café"', 'rollback', 'production', { reason: 'naïve 🚀 café' }],
]

const rejected: [string, RegExp, string | undefined][] = [
  ['/rollgate promot production', /unknown command 'promot'/, 'promote'],
  ['/rollgate', /needs a command/, 'help'],
  ['/rollgate deploy production', /unknown command 'deploy'/, undefined],
  ['/rollgate promote production --to 150', /whole percentage/, undefined],
  ['/rollgate promote production --to abc', /whole percentage/, undefined],
  ['/rollgate promote production --to', /--to needs a value/, undefined],
  ['/rollgate promote production --to 25 --full', /contradict/, undefined],
  ['/rollgate promote production --too 25', /unknown option '--too'/, '--to'],
  ['/rollgate promote production --reason x', /'--reason' is not for promote/, undefined],
  ['/rollgate promote production extra', /unexpected 'extra' after production/, undefined],
  ['/rollgate promote production; rm -rf /', /unexpected/, undefined],
  ['/rollgate promote production $(id)', /unexpected '\$\(id\)'/, undefined],
  ['/rollgate promote production `id`', /unexpected/, undefined],
  ['/rollgate promote ${{ secrets.TOKEN }}', /unexpected/, undefined],
  ['/rollgate rollback production --reason "unclosed', /not closed/, undefined],
  ['/rollgate rollback production --reason "a"b', /space after the closing/, undefined],
  ['/rollgate canary production --version "1.0"', /needs a version/, undefined],
  ['/rollgate canary production --version 1.0;id', /needs a version/, undefined],
  ['/rollgate promote production --to 10 --to 20', /given twice/, undefined],
  ['/rollgate promote production --full=yes', /takes no value/, undefined],
  ['/rollgate help\u2028/rollgate promote production', /U\+2028/, undefined],
  ['/rollgate promote production\u0000', /U\+0000/, undefined],
  ['/rollgate promote pro\u202eduction', /U\+202E/, undefined],
  ['/rollgate promote production\u0085', /U\+0085/, undefined],
  ['/rollgate status ' + 'x'.repeat(MAX_COMMAND_LINE), /longer than/, undefined],
  ['/rollgate rollback production --reason "' + 'y'.repeat(600) + '"', /longer than 500/, undefined],
]

const notCommands = [
  '',
  'lgtm',
  '> /rollgate promote production',
  '>/rollgate promote production',
  '`/rollgate promote production`',
  'please run `/rollgate promote production` later',
  '    /rollgate promote production',
  '\t/rollgate promote production',
  '```\n/rollgate promote production\n```',
  '~~~\n/rollgate promote production\n~~~',
  '````\n```\n/rollgate promote production\n```\n````',
  '```\nunclosed fence\n/rollgate promote production',
  '<!-- /rollgate promote production -->',
  '<!--\n/rollgate promote production\n-->',
  '<!-- rollgate:sticky production\n/rollgate promote production\n-->',
  'x /rollgate promote production',
  '/rollgatepromote production',
  '/rollgate-bot promote production',
]

function command(result: ParseResult) {
  if (result.kind !== 'command') throw new Error(`expected a command, got ${JSON.stringify(result)}`)
  return result.command
}

describe('parseComment', () => {
  it.each(accepted)('accepts %j', (body, name, environment, args) => {
    const parsed = command(parseComment(body))
    expect(parsed.command).toBe(name)
    expect(parsed.environment).toBe(environment)
    expect(parsed.args).toEqual(args)
  })

  it.each(rejected)('rejects %j', (body, message, suggestion) => {
    const result = parseComment(body)
    expect(result.kind).toBe('invalid')
    if (result.kind !== 'invalid') return
    expect(result.problem.message).toMatch(message)
    expect(result.problem.suggestion).toBe(suggestion)
    expect(result.problem.line).toBeGreaterThanOrEqual(1)
    expect(result.problem.column).toBeGreaterThanOrEqual(1)
  })

  it.each(notCommands)('does not read %j as a command', (body) => {
    expect(parseComment(body)).toEqual({ kind: 'none' })
  })

  it('reads the first command only and reports the others by line', () => {
    const result = parseComment('/rollgate promote production\r\nand\n/rollgate rollback production\r/rollgate status')
    expect(result.kind).toBe('command')
    if (result.kind !== 'command') return
    expect(result.command.command).toBe('promote')
    expect(result.ignored).toEqual([3, 4])
  })

  it('a fence opened after a command does not hide the command, one before does', () => {
    expect(command(parseComment('/rollgate status\n```\n/rollgate promote production\n```')).command).toBe('status')
    expect(command(parseComment('```js\ncode\n```\n/rollgate status')).command).toBe('status')
  })

  it('names the line and column of the mistake', () => {
    const result = parseComment('hi\n\n/rollgate promote production --bogus')
    expect(result).toMatchObject({ kind: 'invalid', problem: { line: 3, column: 30 } })
  })
})

describe('parseComment properties', () => {
  const hostile = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 300 }),
    fc.array(
      fc.constantFrom('/rollgate', ' ', '\n', '\r', '\r\n', '\u2028', '\u2029', '\u0000', '```', '~~~~', '> ', '<!--', '-->', '`', '"', '\\',
        'promote', 'production', '--to', '50', '--full', '--reason', '$(id)', '${{ x }}', '::set-output name=a::b', '%0A', '\ud800', '🚀', 'x'.repeat(2000)),
      { maxLength: 40 },
    ).map((parts) => parts.join('')),
  )

  it('never throws and always answers one of its three shapes', () => {
    fc.assert(
      fc.property(hostile, (body) => {
        const result = parseComment(body)
        expect(['none', 'command', 'invalid']).toContain(result.kind)
      }),
      { numRuns: 3000 },
    )
  })

  it('never accepts trailing garbage: a command followed by an extra word is refused', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COMMAND_NAMES),
        fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/[\s"]/.test(s) && !s.startsWith('--')),
        (name, garbage) => {
          const result = parseComment(`/rollgate ${name} production ${garbage}`)
          expect(result.kind).toBe('invalid')
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('an accepted command carries only printable text in its environment and args', () => {
    fc.assert(
      fc.property(hostile, (body) => {
        const result = parseComment(`/rollgate rollback production --reason "${body.replace(/["\\]/g, '')}"`)
        if (result.kind === 'command') {
          const text = JSON.stringify(result.command)
          expect(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(result.command.args.reason ?? '')).toBe(false)
          expect(text.length).toBeLessThan(1200)
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('is fast on a 64 KiB comment of nested fences and long lines', () => {
    const body = ('````\n```\n/rollgate promote production\n```\n````\n' + 'y'.repeat(4000) + '\n').repeat(14).slice(0, 65_536) + '\n/rollgate status'
    const start = performance.now()
    for (let i = 0; i < 20; i++) expect(command(parseComment(body)).command).toBe('status')
    expect((performance.now() - start) / 20).toBeLessThan(20)
  })
})

describe('resolveEnvironment', () => {
  it.each([
    ['production', ['staging', 'production'], { ok: true, environment: 'production' }],
    ['PRODUCTION', ['staging', 'Production'], { ok: true, environment: 'Production' }],
    [undefined, ['production'], { ok: true, environment: 'production' }],
    [undefined, ['staging', 'production'], { ok: false, reason: 'ambiguous-environment' }],
    ['prod', ['staging', 'Prod', 'prod'], { ok: false, reason: 'ambiguous-environment' }],
    ['producton', ['staging', 'production'], { ok: false, reason: 'unknown-environment', suggestion: 'production' }],
    ['qa', ['staging', 'production'], { ok: false, reason: 'unknown-environment' }],
  ] as const)('%j in %j', (written, environments, expected) => {
    expect(resolveEnvironment(written, environments)).toMatchObject(expected)
  })
})
