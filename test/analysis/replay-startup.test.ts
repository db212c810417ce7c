/**
 * What `rollgate replay` pays at start-up (issue 14, point 5; the figure itself is bench/replay-start):
 * its entry's static imports stay inside the judge (no package, no other part of Rollgate), no Intl
 * formatter on its path (ICU's first load costs ~14 ms), and the judge's ρ table built in one pass
 * per row with the same numbers as the per-entry formula (the O(n²) build cost ~6 ms at import).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ar1ResidualLag, ar1ResidualLagRow } from '../../shared/analysis/stats.js'

afterEach(() => vi.restoreAllMocks())

const root = resolve(import.meta.dirname, '..', '..')

/** The modules cli/replay-main.ts evaluates at start-up: its static, non-type imports, transitively. */
function staticGraph(entry: string): { modules: string[]; external: string[] } {
  const seen = new Set<string>()
  const external = new Set<string>()
  const walk = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+['"]([^'"]+)['"]/gms)) {
      const spec = m[1] as string
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec.replace(/\.js$/, '.ts')))
      else external.add(spec)
    }
    for (const m of text.matchAll(/^import\s+['"]([^'"]+)['"]/gm)) external.add(m[1] as string)
  }
  walk(resolve(root, entry))
  return { modules: [...seen].map((f) => relative(root, f)).sort(), external: [...external].sort() }
}

describe('replay start-up', () => {
  it("replay's entry loads only the judge's own modules and Node built-ins", () => {
    const { modules, external } = staticGraph('cli/replay-main.ts')
    expect(modules).toContain('shared/analysis/judge.ts')
    const outside = modules.filter((m) => !/^cli\/replay(-main)?\.ts$/.test(m) && !m.startsWith('shared/analysis/'))
    expect(outside, 'modules outside the judge on replay start-up').toEqual([])
    expect(external.filter((s) => !s.startsWith('node:')), 'packages on replay start-up').toEqual([])
    // The experiment judge is loaded only when a file is an experiment (a dynamic import).
    expect(modules).not.toContain('cli/replay-experiment.ts')
    expect(modules.filter((m) => m.startsWith('shared/analysis/experiment/'))).toEqual(['shared/analysis/experiment/replay-file.ts'])
    // So is the paired judge, when a file is a recorded mirror step (`mode: paired`).
    expect(modules).not.toContain('shared/analysis/paired.ts')
  })

  it('ar1ResidualLagRow gives ar1ResidualLag(ρ, n) bit for bit for n ≤ 201', () => {
    const rhos = [0, 0.05, 0.1, 0.35, 0.5, 0.8, 0.85, 0.9, 0.95, 0.999, 1.2, -0.1, 0.123456]
    for (const rho of rhos) {
      const row = ar1ResidualLagRow(rho, 201)
      expect(row.length).toBe(202)
      for (let n = 0; n <= 201; n++) expect(Object.is(row[n], ar1ResidualLag(rho, n)), `ρ ${rho}, n ${n}: ${row[n]} vs ${ar1ResidualLag(rho, n)}`).toBe(true)
    }
    expect(() => ar1ResidualLagRow(0.5, 202)).toThrow(/nMax 202/)
  })

  it('a --json replay builds no Intl.NumberFormat (the reasons are formatted by hand)', async () => {
    const spy = vi.spyOn(Intl, 'NumberFormat')
    const { replayCommand } = await import('../../cli/replay.js')
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-replay-startup-'))
    const file = join(dir, 'r.json')
    const intervals = Array.from({ length: 20 }, (_, i) => ({
      canary: { errors: { events: i % 3, total: 300 } },
      baseline: { errors: { events: 25 + (i % 7), total: 6000 } },
    }))
    writeFileSync(file, JSON.stringify({ version: 1, alpha: 0.05, maxIntervals: 60, metrics: [{ name: 'errors', type: 'ratio', tolerance: 0.25 }], intervals }))
    let out = ''
    const code = await replayCommand.run([file, '--json'], { stdout: (t) => void (out += t), stderr: () => undefined, env: {}, cwd: dir, isTTY: false })
    expect(code).toBe(0)
    const parsed = JSON.parse(out) as { looks: { metrics: { reason: string }[] }[] }
    expect(parsed.looks).toHaveLength(20)
    expect(parsed.looks.every((l) => l.metrics.some((m) => /[−+]\d.*%.*e-value \d/.test(m.reason)))).toBe(true)
    expect(spy).not.toHaveBeenCalled()
  })
})
