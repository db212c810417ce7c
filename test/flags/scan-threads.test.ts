// The worker-thread first pass (shared/flags/scan-pool.ts) must give exactly what the main-thread
// path gives: the same references in the same order, the same counts of files scanned, parsed and
// skipped, on the fixture application, every removal-corpus case, and a tree big enough for many
// batches with binary, huge, ignored and unreadable files mixed in.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { scanRepository } from '../../shared/flags/scan.js'
import type { FlagRef } from '../../shared/flags/types.js'
import { CORPUS, loadCase, materialize } from './remove-harness.js'

const APP = join(import.meta.dirname, '../fixtures/flags/app')
const APP_FLAGS: FlagRef[] = ['new-checkout', 'dark-mode', 'search-v2', 'promo-banner', 'fast-shipping', 'checkout-variant'].map((name) => ({ name }))

async function both(root: string, flags: readonly FlagRef[], extra: { maxFileBytes?: number; exclude?: string[] } = {}) {
  const base = { root, include: [], exclude: extra.exclude ?? ['node_modules'], ...(extra.maxFileBytes ? { maxFileBytes: extra.maxFileBytes } : {}) }
  const single = await scanRepository(flags, { ...base, threads: 1 })
  const pooled = await scanRepository(flags, { ...base, threads: 2, parallelFrom: 0 })
  return { single, pooled }
}

function comparable(r: Awaited<ReturnType<typeof scanRepository>>) {
  return { references: r.references, filesScanned: r.filesScanned, filesParsed: r.filesParsed, bytesScanned: r.bytesScanned, filesSkipped: r.filesSkipped }
}

const temp: string[] = []
afterAll(() => {
  for (const t of temp) rmSync(t, { recursive: true, force: true })
})

describe('worker-thread scan equals the main-thread scan', () => {
  it('on the fixture application', async () => {
    const { single, pooled } = await both(APP, APP_FLAGS)
    expect(single.timings.threads).toBe(1)
    expect(pooled.timings.threads).toBe(2)
    expect(single.references.length).toBeGreaterThan(0)
    expect(comparable(pooled)).toEqual(comparable(single))
  })

  const cases = readdirSync(CORPUS).filter((d) => !d.startsWith('_')).sort()
  it.each(cases)('on removal case %s', async (name) => {
    const c = loadCase(name)
    const root = materialize(c.before)
    temp.push(root)
    const flags: FlagRef[] = [c.spec.aliases ? { name: c.spec.flag, aliases: c.spec.aliases } : { name: c.spec.flag }, ...(c.spec.others ?? []).map((o) => ({ name: o }))]
    const { single, pooled } = await both(root, flags)
    expect(pooled.timings.threads).toBe(2)
    expect(comparable(pooled)).toEqual(comparable(single))
  })

  it('on a tree of many batches with binary, huge, ignored and unreadable files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rollgate-scan-threads-'))
    temp.push(root)
    const put = (rel: string, body: string | Buffer) => {
      mkdirSync(dirname(join(root, rel)), { recursive: true })
      writeFileSync(join(root, rel), body)
    }
    put('.gitignore', 'build/\n*.log\n!keep.log\n')
    put('pkg/.gitignore', 'gen/\n')
    for (let i = 0; i < 1500; i++) {
      const dir = `pkg/m${i % 37}`
      if (i % 10 === 0) put(`${dir}/f${i}.ts`, `import { unleash } from 'sdk'\nexport const v${i} = unleash.isEnabled('${i % 20 === 0 ? 'new-checkout' : 'dark-mode'}')\n`)
      else if (i % 10 === 1) put(`${dir}/f${i}.md`, `Docs for new-checkout ${i}\n`)
      else if (i % 10 === 2) put(`${dir}/f${i}.png`, Buffer.from([137, 80, 78, 71, 0, 0, 1, 2, ...Buffer.from('new-checkout')]))
      else if (i % 10 === 3) put(`${dir}/f${i}.json`, JSON.stringify({ flag: 'new-checkout', pad: 'x'.repeat(5000) }))
      else if (i % 10 === 4) put(`build/f${i}.ts`, `useFlag('new-checkout')\n`)
      else if (i % 10 === 5) put(`pkg/gen/f${i}.ts`, `useFlag('new-checkout')\n`)
      else if (i % 10 === 6) put(`${dir}/${i % 20 === 6 ? 'keep' : `f${i}`}.log`, 'new-checkout in a log\n')
      else put(`${dir}/f${i}.ts`, `export const plain${i} = ${i}\n`)
    }
    put('pkg/locked.md', 'new-checkout, unreadable\n')
    chmodSync(join(root, 'pkg/locked.md'), 0)
    const { single, pooled } = await both(root, [{ name: 'new-checkout' }, { name: 'dark-mode' }], { maxFileBytes: 4096, exclude: [] })
    expect(pooled.timings.threads).toBe(2)
    expect(single.filesSkipped.huge).toBeGreaterThan(100)
    expect(single.filesSkipped.binary).toBeGreaterThan(100)
    expect(single.references.some((r) => r.file.startsWith('build/') || r.file.startsWith('pkg/gen/'))).toBe(false)
    expect(comparable(pooled)).toEqual(comparable(single))
  })
})
