import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { CliIO } from '../../cli/command.js'
import { runCli } from '../../cli/main.js'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

const POLICY = `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [./set-weight.sh, "{{weight}}"] }
    steps: [ { weight: 100 } ]
flags:
  include: ["src/**", "flags.yml"]
  verify: ["${process.execPath.replace(/\\/g, '/')}", "-e", "process.exit(require('fs').readFileSync('src/app.ts','utf8').includes('old') ? 1 : 0)"]
`
const REGISTRY = `flags:
  new-checkout: { owner: alice, expires: 2026-01-01, state: "on" }
  beta: { owner: bob, expires: 2026-01-01, state: 50% }
  later: { owner: bob, expires: 2099-01-01, state: "off" }
  dynamic: { owner: bob, expires: 2026-01-01, state: "off" }
`
const APP = `import { initialize } from 'unleash-client'

const unleash = initialize({ url: 'http://unleash/api', appName: 'shop' })

export function checkout(): string {
  if (unleash.isEnabled('new-checkout')) {
    return 'new'
  } else {
    return 'old'
  }
}

export const banner = unleash.isEnabled('beta') ? 'b' : 'a'
const which = ['dyn', 'amic'].join('')
export const d = unleash.isEnabled(which) || 'dynamic'.length
`

function repo(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-cli-flags-'))
  dirs.push(dir)
  const all = { '.github/rollgate.yml': POLICY, 'flags.yml': REGISTRY, 'src/app.ts': APP, ...files }
  for (const [file, text] of Object.entries(all)) {
    mkdirSync(join(dir, file, '..'), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  return dir
}

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIO = { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd, isTTY: false }
  const code = await runCli(['flags', ...argv], io)
  return { code, out, err }
}

describe('rollgate flags', () => {
  it('scan --json lists every flag with its references, repo-relative, 1-based', async () => {
    const { code, out } = await cli(repo(), 'scan', '--json')
    expect(code).toBe(0)
    const json = JSON.parse(out) as { flags: { name: string; references: { file: string; line: number; column: number; kind: string }[] }[] }
    expect(json.flags.map((f) => f.name)).toEqual(['new-checkout', 'beta', 'later', 'dynamic'])
    expect(json.flags[0]?.references).toContainEqual({ file: 'src/app.ts', line: 6, column: 7, kind: 'evaluation' })
    expect(json.flags[0]?.references).toContainEqual({ file: 'flags.yml', line: 2, column: 3, kind: 'text' })
  })

  it('stale --json gives stale, reasons, keep and removable per flag', async () => {
    const { code, out } = await cli(repo(), 'stale', '--json')
    expect(code).toBe(0)
    expect(JSON.parse(out)).toEqual({
      flags: [
        { name: 'new-checkout', stale: true, reasons: ['expired'], keep: 'on', removable: true },
        { name: 'beta', stale: true, reasons: ['expired'], keep: null, removable: false },
        { name: 'later', stale: false, reasons: [], keep: 'off', removable: false },
        { name: 'dynamic', stale: true, reasons: ['expired'], keep: 'off', removable: true },
      ],
    })
  })

  it('remove --dry-run prints the diff and changes nothing', async () => {
    const dir = repo()
    const { code, out } = await cli(dir, 'remove', 'new-checkout', '--dry-run')
    expect(code).toBe(0)
    expect(out).toContain("-  if (unleash.isEnabled('new-checkout')) {")
    expect(out).toContain("+  return 'new'")
    expect(out).toContain('-  new-checkout: { owner: alice, expires: 2026-01-01, state: "on" }')
    expect(readFileSync(join(dir, 'src/app.ts'), 'utf8')).toBe(APP)
  })

  it('remove edits the working tree, drops the registry entry and runs verify', async () => {
    const dir = repo()
    const { code, err } = await cli(dir, 'remove', 'new-checkout')
    expect(err).toMatch(/-e process.exit.*: passed/)
    expect(code).toBe(0)
    expect(readFileSync(join(dir, 'src/app.ts'), 'utf8')).not.toContain('new-checkout')
    expect(readFileSync(join(dir, 'flags.yml'), 'utf8')).not.toContain('new-checkout')
  })

  it('remove --keep off keeps the other branch; verification failing exits 1', async () => {
    const dir = repo()
    const { code, err } = await cli(dir, 'remove', 'new-checkout', '--keep', 'off')
    expect(readFileSync(join(dir, 'src/app.ts'), 'utf8')).toContain("return 'old'")
    expect(err).toContain('verification failed')
    expect(code).toBe(1)
  })

  it.each([
    ['a partial rollout', 'beta', /refused: beta is in a partial rollout \(50%\)/],
    ['dynamic names only', 'dynamic', /refused: dynamic: no reference can be removed safely/],
  ])('remove refuses %s with exit 1', async (_name, flag, message) => {
    const dir = repo()
    const { code, err } = await cli(dir, 'remove', flag)
    expect(err).toMatch(message)
    expect(code).toBe(1)
    expect(readFileSync(join(dir, 'src/app.ts'), 'utf8')).toBe(APP)
  })

  it('an unknown flag exits 2 naming it', async () => {
    const { code, err } = await cli(repo(), 'remove', 'new-chekout')
    expect(code).toBe(2)
    expect(err).toContain("unknown flag 'new-chekout' in the flag registry flags.yml; did you mean 'new-checkout'?")
  })

  it('a bad registry exits 2 with file:line:column', async () => {
    const { code, err } = await cli(repo({ 'flags.yml': 'flags:\n  x: { owner: a, state: "on" }\n' }), 'stale')
    expect(code).toBe(2)
    expect(err).toContain("flags.yml:2:3: missing required key 'expires'")
  })

  it('a bad policy exits 2 naming the policy file', async () => {
    const { code, err } = await cli(repo({ '.github/rollgate.yml': 'version: 1\nflags: { stale: { afterDays: 0 } }\n' }), 'scan')
    expect(code).toBe(2)
    expect(err).toContain('rollgate.yml:')
  })
})
