// The fixture application (test/fixtures/flags/app): a small multi-file shop with its own node:test
// unit tests, written against the production state of its flags. Removing any flag with the value
// production serves must leave an application that still type-checks and whose tests still pass,
// and so must removing all of them one after another.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { scanRepository } from '../../shared/flags/scan.js'
import type { KeptValue } from '../../shared/flags/types.js'
import { applyEdits, listFiles, scanAndRemove, tempRepo, typeCheck } from './remove-harness.js'

const APP = join(import.meta.dirname, '../fixtures/flags/app')
const KEEP = JSON.parse(readFileSync(join(APP, 'flags.json'), 'utf8')) as Record<string, KeptValue>
const FLAGS = Object.keys(KEEP).map((name) => ({ name }))
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href

const roots: string[] = []
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true })
})

function app(): string {
  const root = tempRepo('rollgate-flag-app-')
  roots.push(root)
  for (const f of ['src', 'test', 'package.json', 'README.md']) cpSync(join(APP, f), join(root, f), { recursive: true })
  mkdirSync(join(root, 'node_modules'), { recursive: true })
  cpSync(join(APP, 'vendor/fake-flags'), join(root, 'node_modules/fake-flags'), { recursive: true })
  writeFileSync(join(root, '.gitignore'), 'node_modules/\n')
  return root
}

function unitTests(root: string): { ok: boolean; output: string } {
  const files = listFiles(join(root, 'test')).map((f) => join('test', f))
  const r = spawnSync(process.execPath, ['--import', tsx, '--test', ...files], { cwd: root, encoding: 'utf8', timeout: 60_000 })
  return { ok: r.status === 0, output: `${r.stdout}\n${r.stderr}` }
}

const NODE_TYPES = { types: ['node'], typeRoots: [join(import.meta.dirname, '../../node_modules/@types')] }

function sources(root: string): string[] {
  return listFiles(root).filter((f) => /^(src|test)\/.*\.ts$/.test(f))
}

describe('the fixture application after flag removals', () => {
  it('type-checks and passes its own tests before any removal', () => {
    const root = app()
    expect(typeCheck(root, sources(root), NODE_TYPES)).toEqual([])
    const t = unitTests(root)
    expect(t.ok, t.output).toBe(true)
  })

  it.each(FLAGS.map((f) => f.name))('removing %s keeps it compiling and its tests passing', async (name) => {
    const root = app()
    const { result } = await scanAndRemove(root, { name }, KEEP[name]!, FLAGS.filter((f) => f.name !== name))
    expect(result.edits.length).toBeGreaterThan(0)
    applyEdits(root, result.edits)
    expect(typeCheck(root, sources(root), NODE_TYPES)).toEqual([])
    const t = unitTests(root)
    expect(t.ok, t.output).toBe(true)
    // Nothing in the code refers to the flag any more; only the README mention is left by hand.
    const after = await scanRepository(FLAGS, { root, include: [], exclude: [] })
    expect(after.references.filter((r) => r.flag === name && r.file !== 'README.md')).toEqual([])
    expect(result.leftByHand.map((l) => l.file)).toEqual(name === 'new-checkout' ? ['README.md'] : [])
  })

  it('removing every flag in turn deletes the legacy checkout and its test, and the rest still passes', async () => {
    const root = app()
    for (const { name } of FLAGS) {
      const { result } = await scanAndRemove(root, { name }, KEEP[name]!, FLAGS.filter((f) => f.name !== name))
      applyEdits(root, result.edits)
    }
    expect(existsSync(join(root, 'src/legacy-checkout.ts'))).toBe(false)
    expect(existsSync(join(root, 'test/legacy-checkout.test.ts'))).toBe(false)
    // With every flag gone nothing imports the flag names module either.
    expect(existsSync(join(root, 'src/flags.ts'))).toBe(false)
    expect(readFileSync(join(root, 'src/checkout.ts'), 'utf8')).not.toContain('legacy')
    expect(typeCheck(root, sources(root), NODE_TYPES)).toEqual([])
    const t = unitTests(root)
    expect(t.ok, t.output).toBe(true)
  })
})
