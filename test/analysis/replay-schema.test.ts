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
  ['an unknown mode', (f) => ({ ...f, mode: 'mirror' })],
  ['a paired file without a mirror percent', (f) => ({ ...f, mode: 'paired' })],
  ['a mirror percent in a split file', (f) => ({ ...f, mirror: 10 })],
  ['a paired file with the Mann-Whitney test', (f) => ({ ...paired(f), test: 'mann-whitney' })],
  ['a paired file with Kayenta options', (f) => ({ ...paired(f), kayenta: { pass: 80 } })],
  ['a paired file with a distribution test', (f) => ({ ...paired(f), metrics: [{ name: 'latency', type: 'samples', quantile: 'distribution' }], intervals: [] })],
  ['a paired file with split-traffic tuning', (f) => ({ ...paired(f), metrics: [{ name: 'e', type: 'ratio', tuning: { dispersion: 2 } }], intervals: [] })],
  ['a weight above 100', (f) => ({ ...f, intervals: [{ weight: 101, canary: {}, baseline: {} }] })],
  ['a minIntervals of 0', (f) => ({ ...f, minIntervals: 0 })],
  ['an unknown engine', (f) => ({ ...f, engine: 'v4' })],
  ['a paired file with an engine', (f) => ({ ...paired(f), engine: 'v3' })],
]

/** The example as a recorded mirror step. */
function paired(f: Record<string, unknown>): Record<string, unknown> {
  return { ...f, mode: 'paired', mirror: 20, test: 'sequential' }
}

describe('schema/replay.schema.json', () => {
  it('accepts the DESIGN.md example, as the parser does', () => {
    expect(() => parseReplay(example)).not.toThrow()
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true)
  })

  it('accepts a paired file with weights, a minimum duration and a histogram with a "+Inf" bucket, as the parser does', () => {
    const file = {
      ...paired(example),
      minIntervals: 2,
      metrics: [{ name: 'errors', type: 'ratio', tolerance: 0.2 }, { name: 'latency', type: 'samples', quantile: 0.95 }],
      intervals: [
        {
          weight: 20,
          canary: { errors: { events: 3, total: 600 }, latency: { buckets: [{ le: 0.1, count: 500 }, { le: '+Inf', count: 600 }] } },
          baseline: { errors: { events: 41, total: 3000 }, latency: { buckets: [{ le: 0.1, count: 2600 }, { le: '+Inf', count: 3000 }] } },
        },
      ],
    }
    expect(() => parseReplay(file)).not.toThrow()
    expect(validate(file), JSON.stringify(validate.errors)).toBe(true)
  })

  it.each(variants)('refuses %s, as the parser does', (_name, change) => {
    const file = change(structuredClone(example))
    expect(() => parseReplay(file)).toThrow()
    expect(validate(file)).toBe(false)
  })
})
