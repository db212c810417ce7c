import { describe, expect, it } from 'vitest'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ESLint } from 'eslint'

const root = resolve(import.meta.dirname, '..', '..')

// The import rules must be able to fail: write a small cycle and a shared/ -> actions/ import
// into a scratch folder inside shared/ and lint it with the project's own configuration.
describe('lint import rules', () => {
  it('rejects an import cycle and shared/ importing an action', async () => {
    const dir = join(root, 'shared', `.lint-probe-${process.pid}`)
    mkdirSync(dir, { recursive: true })
    try {
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js'\nexport const a = (): unknown => b\n")
      writeFileSync(join(dir, 'b.ts'), "import { a } from './a.js'\nimport { main } from '../../actions/analyze/main.js'\nexport const b = (): unknown => [a, main]\n")
      const eslint = new ESLint({ cwd: root })
      const results = await eslint.lintFiles([join(dir, 'a.ts'), join(dir, 'b.ts')])
      const messages = results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))
      expect(messages.filter((m) => m.startsWith('rollgate/no-cycle: Import cycle'))).toHaveLength(2)
      expect(messages.some((m) => m.startsWith('no-restricted-imports') && m.includes('shared/ must not import from actions/'))).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
