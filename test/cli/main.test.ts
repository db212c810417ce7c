import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { runCli } from '../../cli/main.js'
import type { CliIO } from '../../cli/command.js'
import { ROLLGATE_VERSION } from '../../shared/version.js'
import { REPO_ROOT, node24 } from '../bundle/harness.js'

function io(): CliIO & { out: string; err: string } {
  const result = {
    out: '',
    err: '',
    stdout: (t: string) => void (result.out += t),
    stderr: (t: string) => void (result.err += t),
    env: {},
    cwd: REPO_ROOT,
    isTTY: false,
  }
  return result
}

describe('rollgate CLI', () => {
  it.each([
    [['--version'], 0, ROLLGATE_VERSION],
    [['--help'], 0, 'Usage: rollgate <command>'],
    [['validate', '--help'], 0, 'validate'],
  ])('%j exits %d and prints %s', async (argv, code, text) => {
    const out = io()
    expect(await runCli(argv, out)).toBe(code)
    expect(out.out).toContain(text)
  })

  it('lists every command in its help', async () => {
    const out = io()
    await runCli(['--help'], out)
    for (const name of ['validate', 'replay', 'demo']) expect(out.out).toMatch(new RegExp(`^  ${name} `, 'm'))
  })

  it('rejects an unknown command with exit 2 and names it', async () => {
    const out = io()
    expect(await runCli(['deploy'], out)).toBe(2)
    expect(out.err).toContain("unknown command 'deploy'")
  })

  it('the committed bundle answers --version under Node 24 (what npx rollgate runs)', () => {
    expect(execFileSync(node24(), [join(REPO_ROOT, 'bin', 'rollgate.js'), '--version'], { encoding: 'utf8' }).trim()).toBe(ROLLGATE_VERSION)
  })
})
