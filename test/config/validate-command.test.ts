import { describe, expect, it } from 'vitest'
import { validateCommand } from '../../cli/validate.js'
import { FakeCliIO, FIXTURES, ROOT } from './helpers.js'

async function run(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number; io: FakeCliIO }> {
  const io = new FakeCliIO(options.cwd ?? FIXTURES, options.env ?? {})
  const code = await validateCommand.run(args, io)
  return { code, io }
}

describe('rollgate validate', () => {
  it('checks .github/rollgate.yml by default and prints a one-line summary', async () => {
    const { code, io } = await run([], { cwd: ROOT, env: { PROMETHEUS_URL: 'http://prometheus:9090' } })
    expect({ code, out: io.out, err: io.err }).toEqual({
      code: 0,
      out: 'OK .github/rollgate.yml: 2 environments (staging, production), 1 analysis template (default), 3 checks\n',
      err: '',
    })
  })

  it('checks the file it is given, relative to the working directory', async () => {
    const { code, io } = await run(['valid.yml'])
    expect([code, io.out]).toEqual([0, 'OK valid.yml: 1 environment (staging), 1 analysis template (default), 2 checks\n'])
  })

  it('exits 2 listing every problem with file:line:column, with an unset variable as a warning', async () => {
    const { code, io } = await run(['three-mistakes.yml'])
    expect(code).toBe(2)
    expect(io.out).toBe('')
    expect(io.err.split('\n')).toEqual([
      expect.stringMatching(/^three-mistakes\.yml:17:45: warning: environment variable PROMETHEUS_URL is not set/),
      expect.stringMatching(/^three-mistakes\.yml: 1 warning: .*--strict-env makes this an error$/),
      expect.stringMatching(/^three-mistakes\.yml:13:33: unknown analysis template 'defualt'/),
      expect.stringMatching(/^three-mistakes\.yml:23:9: unknown key 'tolerence'/),
      'three-mistakes.yml: 2 problems',
      '',
    ])
  })

  it('--strict-env makes an unset variable an error, as an action loading the policy does', async () => {
    const { code, io } = await run(['three-mistakes.yml', '--strict-env'])
    expect(code).toBe(2)
    expect(io.err).toMatch(/^three-mistakes\.yml:17:45: environment variable PROMETHEUS_URL is not set/m)
    expect(io.err).not.toMatch(/warning/)
    expect(io.err).toMatch(/three-mistakes\.yml: 3 problems/)
  })

  it('passes a policy whose secrets are unset (a pull-request check), warning about each, and fails it with --strict-env', async () => {
    const lenient = await run([], { cwd: ROOT })
    expect(lenient.code).toBe(0)
    expect(lenient.io.out).toMatch(/^OK \.github\/rollgate\.yml/)
    expect(lenient.io.err).toMatch(/warning: environment variable PROMETHEUS_URL is not set/)
    expect((await run(['--strict-env'], { cwd: ROOT })).code).toBe(2)
    expect((await run(['--strict-env'], { cwd: ROOT, env: { PROMETHEUS_URL: 'http://prometheus:9090' } })).code).toBe(0)
    // The former opt-in still parses.
    expect((await run(['--allow-unset-env'], { cwd: ROOT })).code).toBe(0)
  })

  it('--json prints one object for a valid file', async () => {
    const { code, io } = await run(['valid.yml', '--json'])
    expect(code).toBe(0)
    expect(JSON.parse(io.out)).toEqual({ ok: true, file: 'valid.yml', environments: ['staging'], templates: ['default'], checks: 2, warnings: [] })
  })

  it('--json prints the problems of an invalid file, and the warnings apart', async () => {
    const { code, io } = await run(['--json', 'three-mistakes.yml'])
    expect(code).toBe(2)
    const result = JSON.parse(io.out) as { ok: boolean; problems: { line: number; column: number; path: string }[]; warnings: { line: number; path: string }[] }
    expect(result.ok).toBe(false)
    expect(result.problems.map((p) => [p.line, p.column, p.path])).toEqual([
      [13, 33, 'environments.production.steps[0].analysis'],
      [23, 9, 'analysis.default.checks[0].tolerence'],
    ])
    expect(result.warnings.map((p) => [p.line, p.path])).toEqual([[17, 'analysis.default.provider.address']])
    expect(io.err).toBe('')
  })

  it.each([
    [['missing.yml'], 'Policy file missing.yml not found'],
    [['--strict'], "unknown option '--strict'"],
    [['a.yml', 'b.yml'], "unexpected argument 'b.yml'"],
  ])('exits 2 for %j', async (args, message) => {
    const { code, io } = await run(args)
    expect(code).toBe(2)
    expect(io.err).toContain(message)
  })

  it('prints its usage for --help', async () => {
    const { code, io } = await run(['--help'])
    expect(code).toBe(0)
    expect(io.out).toContain('Usage: rollgate validate [FILE]')
  })
})
