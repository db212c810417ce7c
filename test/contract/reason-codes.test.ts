import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { REASON_CODES, REASON_CODE_LIST } from '../../shared/reason-codes.js'
import { reasonCodesMarkdown, resultSchemaText } from '../../shared/result-schema.js'

const root = join(import.meta.dirname, '..', '..')

describe('the one reason-code list', () => {
  it('schema/result.schema.json and docs/reason-codes.md are generated from it (npm run gen:reason-codes)', () => {
    expect(readFileSync(join(root, 'schema', 'result.schema.json'), 'utf8')).toBe(resultSchemaText())
    expect(readFileSync(join(root, 'docs', 'reason-codes.md'), 'utf8')).toBe(reasonCodesMarkdown())
  })

  it('gives every code a one-line description', () => {
    for (const code of REASON_CODE_LIST) {
      expect(REASON_CODES[code], code).toMatch(/^\S.*\.$/)
      expect(REASON_CODES[code], code).not.toContain('\n')
      expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/)
    }
  })

  it('is the only list: no other module spells out a reasonCode union', () => {
    const offenders: string[] = []
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (/\.ts$/.test(entry.name) && !path.endsWith('reason-codes.ts')) {
          const text = readFileSync(path, 'utf8')
          if (/type\s+\w*Reason\w*\s*=\s*['"]/.test(text)) offenders.push(path)
        }
      }
    }
    for (const dir of ['shared', 'actions', 'cli']) walk(join(root, dir))
    expect(offenders).toEqual([])
  })
})
