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

  it('sees a cycle made of type imports only (an interface file importing its own backends)', async () => {
    const dir = join(root, 'shared', `.lint-probe-types-${process.pid}`)
    mkdirSync(dir, { recursive: true })
    try {
      writeFileSync(join(dir, 'provider.ts'), "import type { Options } from './backend.js'\nexport interface Provider { options: Options }\n")
      writeFileSync(join(dir, 'backend.ts'), "import type { Provider } from './provider.js'\nexport interface Options { parent?: Provider }\n")
      const results = await new ESLint({ cwd: root }).lintFiles([join(dir, 'provider.ts'), join(dir, 'backend.ts')])
      const messages = results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))
      expect(messages.filter((m) => m.startsWith('rollgate/no-cycle: Import cycle'))).toHaveLength(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.each([
    ['analysis', "import type { MetricsProvider } from '../metrics/types.js'", 'shared/analysis/ may import only itself'],
    ['metrics', "import { planAnalysis } from '../rollout/analysis-plan.js'", 'shared/metrics/ may import only'],
    ['config', "import type { TrafficProvider } from '../traffic/types.js'", 'shared/config/ may import only shared/action/'],
    ['http', "import { runProcess } from '../process/run.js'", 'shared/http/ may import only shared/action/'],
    ['traffic', "import * as core from '@actions/core'", 'Use the ActionIO port'],
  ])('refuses an import against the room map: shared/%s', async (room, line, message) => {
    const file = join(root, 'shared', room, `lint-probe-${process.pid}.ts`)
    writeFileSync(file, `${line}\nexport const probe = (): unknown => null\n`)
    try {
      const [result] = await new ESLint({ cwd: root }).lintFiles([file])
      const messages = (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
      expect(messages.some((m) => m.includes(message)), messages.join('\n')).toBe(true)
    } finally {
      rmSync(file, { force: true })
    }
  })

  it('allows the arrows the map draws', async () => {
    const file = join(root, 'shared', 'rollout', `lint-probe-${process.pid}.ts`)
    writeFileSync(file, "import type { MetricsProvider } from '../metrics/types.js'\nimport type { TrafficProvider } from '../traffic/types.js'\nexport type Probe = [MetricsProvider, TrafficProvider]\n")
    try {
      const [result] = await new ESLint({ cwd: root }).lintFiles([file])
      expect((result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([])
    } finally {
      rmSync(file, { force: true })
    }
  })
})
