// The removal corpus: each case under test/fixtures/flags/removal is a small repository before and
// after removing one flag. The remover must produce `after` byte for byte, `before` and `after` must
// both type-check (strict, unused locals and unreachable code are errors, so leftovers fail), and
// cases that cannot be removed safely must list what is left by hand and edit nothing in that file.
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { applyEdits, CORPUS, listFiles, loadCase, materialize, scanAndRemove, typeCheck } from './remove-harness.js'

const cases = readdirSync(CORPUS).filter((d) => !d.startsWith('_')).sort()

describe('flag removal corpus', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40)
  })

  it.each(cases)('%s', async (name) => {
    const c = loadCase(name)
    const root = materialize(c.before)
    try {
      expect(typeCheck(root, listFiles(root)), 'the case itself must compile before the removal').toEqual([])
      const others = (c.spec.others ?? []).map((o) => ({ name: o }))
      const flag = c.spec.aliases ? { name: c.spec.flag, aliases: c.spec.aliases } : { name: c.spec.flag }
      const { result } = await scanAndRemove(root, flag, c.spec.keep, others)
      applyEdits(root, result.edits)
      const files = listFiles(root).filter((f) => f !== 'src/jsx.d.ts' && f !== '.gitignore')
      expect(files).toEqual([...c.after.keys()].sort())
      for (const [f, expected] of c.after) expect(readFileSync(join(root, f), 'utf8'), f).toBe(expected)
      const left = result.leftByHand.map((l) => ({ file: l.file, line: l.line, reason: l.reason }))
      const expectedLeft = c.spec.left ?? []
      expect(left.length, JSON.stringify(left)).toBe(expectedLeft.length)
      for (const [i, l] of expectedLeft.entries()) {
        expect(left[i]!.file).toBe(l.file)
        expect(left[i]!.line).toBe(l.line)
        expect(left[i]!.reason).toContain(l.reason)
      }
      if (c.spec.compiles !== false) expect(typeCheck(root, listFiles(root))).toEqual([])
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
