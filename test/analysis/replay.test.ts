import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { replayCommand } from '../../cli/replay.js'
import type { CliIO } from '../../cli/command.js'

const fixtures = fileURLToPath(new URL('../fixtures/analysis/', import.meta.url))

async function run(args: string[], cwd = fixtures) {
  let out = ''
  let err = ''
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env: {}, cwd, isTTY: false }
  const code = await replayCommand.run(args, io)
  return { code, out, err }
}

function fileWith(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-replay-'))
  const file = join(dir, 'replay.json')
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))
  return file
}

const valid = {
  version: 1,
  alpha: 0.05,
  metrics: [{ name: 'errors', type: 'ratio', tolerance: 0 }],
  intervals: [{ canary: { errors: { events: 3, total: 600 } }, baseline: { errors: { events: 41, total: 11400 } } }],
}

describe('rollgate replay', () => {
  it('runs the DESIGN.md example and prints the documented JSON', async () => {
    const { code, out } = await run(['design-example.json', '--json'])
    expect(code).toBe(0)
    const result = JSON.parse(out)
    expect(result.decision).toBe('inconclusive')
    expect(result.decidedAt).toBeNull()
    expect(result.looks).toHaveLength(1)
    const look = result.looks[0]
    expect(look.interval).toBe(0)
    expect(look.metrics.map((m: { name: string }) => m.name)).toEqual(['errors', 'latency', 'cpu'])
    const errors = look.metrics[0]
    expect(errors).toMatchObject({ name: 'errors', state: 'continue', canary: { events: 3, total: 600 }, baseline: { events: 41, total: 11400 } })
    expect(errors.estimate).toBeCloseTo(3 / 600 / (41 / 11400) - 1, 2)
    expect(errors.lower === null || errors.lower < errors.estimate).toBe(true)
    expect(errors.upper).toBeNull()
    expect(look.metrics[2]).toMatchObject({ name: 'cpu', state: 'pass', estimate: 0.41 })
  })

  it('prints a readable table without --json', async () => {
    const { code, out } = await run(['design-example.json'])
    expect(code).toBe(0)
    expect(out).toMatch(/^look\s+decision\s+errors\s+latency\s+cpu/)
    expect(out).toMatch(/Decision: inconclusive → hold/)
    expect(out).toMatch(/errors: not decided: \+39%/)
  })

  it('exits 0 on a fail verdict', async () => {
    const intervals = Array.from({ length: 5 }, () => ({ canary: { errors: { events: 30, total: 600 } }, baseline: { errors: { events: 57, total: 11400 } } }))
    const { code, out } = await run([fileWith({ ...valid, intervals }), '--json'])
    expect(code).toBe(0)
    expect(JSON.parse(out)).toMatchObject({ decision: 'fail', decidedAt: expect.any(Number), action: 'rollback' })
  })

  it.each([
    ['a non-number total', { ...valid, intervals: [{ canary: { errors: { events: 3, total: 600 } }, baseline: { errors: { events: 1, total: 'abc' } } }] }, 'intervals[0].baseline.errors.total: expected a non-negative number, found "abc"'],
    ['events above total', { ...valid, intervals: [{ canary: { errors: { events: 700, total: 600 } }, baseline: {} }] }, 'intervals[0].canary.errors.events: expected at most total (600), found 700'],
    ['an unknown metric in an interval', { ...valid, intervals: [{ canary: { errorz: { events: 1, total: 2 } }, baseline: {} }] }, 'intervals[0].canary.errorz: expected a metric declared in metrics (errors), found "errorz"'],
    ['a wrong version', { ...valid, version: 2 }, 'version: expected 1, found 2'],
    ['alpha out of range', { ...valid, alpha: 5 }, 'alpha: expected a number between 0 and 1 (e.g. 0.05), found 5'],
    ['an unknown metric type', { ...valid, metrics: [{ name: 'x', type: 'rate' }] }, 'metrics[0].type: expected one of "ratio", "samples", "value", found "rate"'],
    ['a misspelt field', { ...valid, metrics: [{ name: 'errors', type: 'ratio', tolerence: 0.1 }] }, 'metrics[0].tolerence: expected one of the fields'],
    ['non-cumulative buckets', { ...valid, metrics: [{ name: 'l', type: 'samples' }], intervals: [{ canary: { l: { buckets: [{ le: 1, count: 5 }, { le: 2, count: 3 }] } }, baseline: {} }] }, 'intervals[0].canary.l.buckets[1].count: expected a cumulative count'],
    ['a value metric without bounds', { ...valid, metrics: [{ name: 'cpu', type: 'value' }] }, 'metrics[0].max: expected a number (a value metric needs max or min)'],
  ])('exits 2 and names the field at fault: %s', async (_name, content, message) => {
    const { code, err, out } = await run([fileWith(content)])
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toContain(message)
  })

  it('exits 2 on invalid JSON and on bad usage', async () => {
    expect((await run([fileWith('{"version": 1,')])).code).toBe(2)
    expect((await run([])).code).toBe(2)
    expect((await run(['a.json', '--frobnicate'])).code).toBe(2)
    expect((await run(['missing.json'])).err).toMatch(/cannot read missing\.json/)
  })

  it('accepts "+Inf" bucket bounds', async () => {
    const content = {
      version: 1,
      alpha: 0.05,
      metrics: [{ name: 'l', type: 'samples', quantile: 0.95 }],
      intervals: [{ canary: { l: { buckets: [{ le: 0.1, count: 5 }, { le: '+Inf', count: 6 }] } }, baseline: { l: { buckets: [{ le: 0.1, count: 50 }, { le: '+Inf', count: 60 }] } } }],
    }
    const { code } = await run([fileWith(content), '--json'])
    expect(code).toBe(0)
  })
})
