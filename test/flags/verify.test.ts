import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { describeStep, spawnRunner, verifyRemoval } from '../../shared/flags/verify.js'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

function repo(files: Record<string, string>, withTsc = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-verify-'))
  dirs.push(dir)
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  if (withTsc) {
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true })
    symlinkSync(resolve('node_modules/typescript/bin/tsc'), join(dir, 'node_modules', '.bin', 'tsc'))
  }
  return dir
}

const tsconfig = JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', types: [] }, include: ['src'] })

describe('verification after a removal', () => {
  it('runs tsc with the repository tsconfig and reports a type error with its output', async () => {
    const dir = repo({ 'tsconfig.json': tsconfig, 'src/a.ts': 'export const n: number = "text"\n' }, true)
    const result = await verifyRemoval({ root: dir })
    expect(result.ok).toBe(false)
    expect(result.steps[0]).toMatchObject({ name: 'tsc', ok: false })
    expect(result.steps[0]?.output).toMatch(/src\/a\.ts.*TS2322/)
  }, 60_000)

  it('passes when tsc and the verify command pass', async () => {
    const dir = repo({ 'tsconfig.json': tsconfig, 'src/a.ts': 'export const n: number = 1\n' }, true)
    const result = await verifyRemoval({ root: dir, verify: [process.execPath, '-e', 'console.log("tests ok")'] })
    expect(result.ok).toBe(true)
    expect(result.steps.map((s) => s.name)).toEqual(['tsc', 'verify'])
    expect(result.steps[1]?.output).toContain('tests ok')
  }, 60_000)

  it('no tsconfig: only the verify command runs; its failure fails the verification', async () => {
    const dir = repo({ 'package.json': '{}' })
    const result = await verifyRemoval({ root: dir, verify: [process.execPath, '-e', 'console.error("1 failed"); process.exit(3)'] })
    expect(result).toMatchObject({ ok: false, steps: [{ name: 'verify', exitCode: 3 }] })
    expect(describeStep(result.steps[0]!)).toMatch(/failed with exit 3/)
  })

  it('arguments reach the program as they are: no shell', async () => {
    const dir = repo({})
    const result = await verifyRemoval({ root: dir, verify: [process.execPath, '-e', 'console.log(process.argv[1])', '$(echo injected); rm -rf /'] })
    expect(result.steps[0]?.output.trim()).toBe('$(echo injected); rm -rf /')
  })

  it('a command past its timeout is killed and reported as timed out', async () => {
    const dir = repo({})
    const started = Date.now()
    const result = await verifyRemoval({ root: dir, verify: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'], timeoutMs: 300 })
    expect(result.steps[0]).toMatchObject({ ok: false, timedOut: true })
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('output is capped to its end', async () => {
    const result = await spawnRunner.run([process.execPath, '-e', 'process.stdout.write("x".repeat(100000) + "END")'], { cwd: tmpdir(), timeoutMs: 10_000, maxOutputBytes: 1000 })
    expect(result).toMatchObject({ exitCode: 0, truncated: true })
    expect(result.output.length).toBe(1000)
    expect(result.output.endsWith('END')).toBe(true)
  })
})
