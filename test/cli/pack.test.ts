/**
 * The package as a user installs it: `npm pack`, then `npm install <tarball>` in an empty project
 * without dev dependencies, then the installed `rollgate` command. The CLI ships as its bundle
 * (dist/cli), so the install pulls no dependencies and needs no registry.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../bundle/harness.js'

const work = mkdtempSync(join(tmpdir(), 'rollgate-pack-'))
const consumer = join(work, 'consumer')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string
  version: string
  private?: boolean
  files?: string[]
  bin?: Record<string, string>
  engines?: { node?: string }
  license?: string
  dependencies?: Record<string, string>
}
let packed: { filename: string; size: number; unpackedSize: number; files: { path: string }[] }

function duBytes(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    total += entry.isDirectory() ? duBytes(path) : statSync(path).size
  }
  return total
}

function rollgate(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(join(consumer, 'node_modules', '.bin', 'rollgate'), args, { cwd: consumer, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env['PATH'] ?? '', HOME: work } })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

beforeAll(() => {
  const out = execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  packed = (JSON.parse(out) as (typeof packed)[])[0] as typeof packed
  execFileSync('mkdir', ['-p', consumer])
  writeFileSync(join(consumer, 'package.json'), '{ "name": "consumer", "private": true }\n')
  execFileSync(npm, ['install', join(work, packed.filename), '--omit=dev', '--no-audit', '--no-fund', '--offline'], { cwd: consumer, stdio: 'ignore' })
  copyFileSync(join(REPO_ROOT, 'examples/policies/haproxy-scrape.yml'), join(consumer, 'policy.yml'))
  copyFileSync(join(REPO_ROOT, 'test/fixtures/analysis/design-example.json'), join(consumer, 'replay.json'))
}, 120_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('the published package', () => {
  it('is publishable: named, licensed, not private, with a bin, files and engines', () => {
    expect(pkg.private).toBeUndefined()
    expect(pkg.name).toBe('rollgate')
    expect(pkg.license).toBe('MIT')
    expect(pkg.bin).toEqual({ rollgate: 'bin/rollgate.js' })
    expect(pkg.engines?.node).toMatch(/^>=20/)
    // Everything the CLI runs is in its bundle: an install pulls nothing else.
    expect(pkg.dependencies ?? {}).toEqual({})
  })

  it('holds the command, its bundle, the schemas, the licence and the README, and nothing else', () => {
    const paths = packed.files.map((f) => f.path).sort()
    for (const needed of ['bin/rollgate.js', 'dist/cli/index.js', 'dist/cli/package.json', 'dist/replay/index.js', 'schema/rollgate.schema.json', 'schema/replay.schema.json', 'LICENSE', 'README.md', 'package.json']) expect(paths).toContain(needed)
    expect(paths.filter((p) => !/^(bin|dist\/cli|dist\/replay|schema)\/|^(LICENSE|README\.md|package\.json)$/.test(p))).toEqual([])
  })

  it('stays small (packed and installed)', () => {
    const installed = duBytes(join(consumer, 'node_modules'))
    console.log(`rollgate ${pkg.version}: ${(packed.size / 1e6).toFixed(2)} MB packed, ${(packed.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${(installed / 1e6).toFixed(2)} MB installed`)
    expect(packed.size).toBeLessThan(3e6)
    expect(readdirSync(join(consumer, 'node_modules')).filter((n) => n !== '.bin' && !n.startsWith('.'))).toEqual(['rollgate'])
  })

  it('runs `rollgate --version` and `rollgate demo --help`', () => {
    expect(rollgate(['--version'])).toMatchObject({ status: 0, stdout: expect.stringContaining(pkg.version) as unknown })
    const help = rollgate(['demo', '--help'])
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/^rollgate demo \[options\]/)
  })

  it('runs `rollgate report`: its help, and a usage error naming the flag before any request', () => {
    const help = rollgate(['report', '--help'])
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/^rollgate report --repo OWNER\/NAME --environment ENV/)
    const missing = rollgate(['report', '--repo', 'acme/shop'])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/--environment is required/)
  })

  it('runs `rollgate validate` on a policy copied out of the repository', () => {
    const run = rollgate(['validate', 'policy.yml'])
    expect(run.stderr).toBe('')
    expect(run).toMatchObject({ status: 0, stdout: expect.stringMatching(/^OK policy\.yml: 1 environment/) as unknown })
    const broken = rollgate(['validate', 'replay.json'])
    expect(broken.status).toBe(2)
  })

  it('runs `rollgate replay` on a recording', () => {
    const run = rollgate(['replay', 'replay.json', '--json'])
    expect(run.status).toBe(0)
    expect((JSON.parse(run.stdout) as { decision: string }).decision).toMatch(/^(pass|fail|inconclusive)$/)
  })
})
