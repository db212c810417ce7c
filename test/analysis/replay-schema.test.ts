import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { parseReplay } from '../../shared/analysis/replay-file.js'

// schema/replay.schema.json mirrors the replay parser (shared/analysis/replay-file.ts) for editors and
// other tools: what one accepts the other accepts, what one refuses the other refuses.
const root = resolve(import.meta.dirname, '..', '..')
const schema = JSON.parse(readFileSync(resolve(root, 'schema/replay.schema.json'), 'utf8')) as object
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema)
const example = JSON.parse(readFileSync(resolve(root, 'test/fixtures/analysis/design-example.json'), 'utf8')) as Record<string, unknown>

const variants: Array<[string, (f: Record<string, unknown>) => unknown]> = [
  ['an unknown root key', (f) => ({ ...f, extra: 1 })],
  ['version 2', (f) => ({ ...f, version: 2 })],
  ['alpha of 1', (f) => ({ ...f, alpha: 1 })],
  ['no metrics', (f) => ({ ...f, metrics: [] })],
  ['a ratio metric with a quantile', (f) => ({ ...f, metrics: [{ name: 'e', type: 'ratio', quantile: 0.5 }] })],
  ['a negative tolerance', (f) => ({ ...f, metrics: [{ name: 'e', type: 'ratio', tolerance: -0.1 }] })],
  ['an interval with a third arm', (f) => ({ ...f, intervals: [{ canary: {}, baseline: {}, shadow: {} }] })],
]

describe('schema/replay.schema.json', () => {
  it('accepts the DESIGN.md example, as the parser does', () => {
    expect(() => parseReplay(example)).not.toThrow()
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true)
  })

  it.each(variants)('refuses %s, as the parser does', (_name, change) => {
    const file = change(structuredClone(example))
    expect(() => parseReplay(file)).toThrow()
    expect(validate(file)).toBe(false)
  })
})
