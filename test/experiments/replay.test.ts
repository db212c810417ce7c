import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../cli/main.js'
import type { CliIO } from '../../cli/command.js'
import { parseExperimentReplay } from '../../shared/analysis/experiment/replay-file.js'
import { REPO_ROOT } from '../bundle/harness.js'

const FIXTURE = 'test/fixtures/experiments/checkout-button.json'

function io(): CliIO & { out: string; err: string } {
  const result = { out: '', err: '', stdout: (t: string) => void (result.out += t), stderr: (t: string) => void (result.err += t), env: {}, cwd: REPO_ROOT, isTTY: false }
  return result
}

const base = () => JSON.parse(readFileSync(`${REPO_ROOT}/${FIXTURE}`, 'utf8')) as Record<string, unknown> & { experiment: Record<string, unknown>; intervals: { variants: Record<string, Record<string, unknown>> }[] }

describe('rollgate replay on a recorded experiment', () => {
  it('judges it look by look and prints the verdict with the lift and its confidence sequence', async () => {
    const out = io()
    expect(await runCli(['replay', FIXTURE], out)).toBe(0)
    expect(out.out).toMatch(/^look\s+decision\s+needed \(sessions\)\s+green$/m)
    expect(out.out).toMatch(/Decision: winner green at interval \d+/)
    expect(out.out).toMatch(/green is better than control: lift \+[\d.]+% \(\+[\d.]+% … \+[\d.]+%\) excludes 0/)
  })

  it('--json prints the versioned verdict: decision, winner, per-variant lift and bounds, every look with the traffic still needed', async () => {
    const out = io()
    expect(await runCli(['replay', FIXTURE, '--json'], out)).toBe(0)
    const v = JSON.parse(out.out)
    expect(v).toMatchObject({ experimentVersion: 1, decision: 'winner', winner: 'green', unit: 'sessions' })
    const green = v.variants[0]
    expect(green.lower).toBeGreaterThan(0)
    expect(green.estimate).toBeGreaterThan(green.lower)
    expect(green.upper).toBeGreaterThan(green.estimate)
    expect(v.looks[0].needed).toBeGreaterThan(0)
    expect(v.looks).toHaveLength(base().intervals.length)
  })

  it('a canary replay file (no `experiment`) still goes to the canary judge', async () => {
    const out = io()
    expect(await runCli(['replay', 'test/fixtures/analysis/design-example.json', '--json'], out)).toBe(0)
    expect(JSON.parse(out.out).decision).toMatch(/^(pass|fail|inconclusive)$/)
  })

  it.each([
    ['experiment.variants', (f: ReturnType<typeof base>) => (f.experiment.variants = ['control']), /experiment\.variants: expected an array of two or more variant names/],
    ['experiment.control', (f: ReturnType<typeof base>) => (f.experiment.control = 'blue'), /experiment\.control: expected one of the variants \(control, green\)/],
    ['experiment.primary.direction', (f: ReturnType<typeof base>) => ((f.experiment.primary as Record<string, unknown>).direction = 'either'), /experiment\.primary\.direction: expected one of "increase", "decrease"/],
    ['experiment.minimumEffect', (f: ReturnType<typeof base>) => (f.experiment.minimumEffect = 5), /experiment\.minimumEffect: expected a relative lift between 0 and 1/],
    ['experiment.weights', (f: ReturnType<typeof base>) => (f.experiment.weights = { control: 50 }), /experiment\.weights\.green: expected a positive number/],
    ['intervals[3].variants.blue', (f: ReturnType<typeof base>) => ((f.intervals[3] as { variants: Record<string, unknown> }).variants.blue = {}), /intervals\[3\]\.variants\.blue: expected one of the fields control, green/],
    ['intervals[2].variants.green.clicks', (f: ReturnType<typeof base>) => ((f.intervals[2]?.variants.green as Record<string, unknown>).clicks = { events: 1, total: 2 }), /intervals\[2\]\.variants\.green\.clicks: expected the primary metric \(conversion\) or a guardrail declared in metrics \(errors\)/],
    ['a guardrail observation', (f: ReturnType<typeof base>) => ((f.intervals[1]?.variants.control as Record<string, unknown>).errors = { events: 9, total: 3 }), /intervals\[1\]\.variants\.control\.errors\.events: expected at most total \(3\), found 9/],
    ['a primary observation', (f: ReturnType<typeof base>) => ((f.intervals[0]?.variants.green as Record<string, unknown>).conversion = { events: 'x', total: 3 }), /intervals\[0\]\.variants\.green\.conversion\.events: expected a non-negative number, found "x"/],
  ])('a malformed %s is refused, naming the field (exit 2)', async (_what, mutate, message) => {
    const file = base()
    mutate(file)
    expect(() => parseExperimentReplay(file)).toThrow(message)
  })

  it('exits 2 with the file name and the field at fault', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(`${tmpdir()}/rollgate-exp-`)
    const file = base()
    file.experiment.minimumEffect = -1
    writeFileSync(`${dir}/bad.json`, JSON.stringify(file))
    const out = io()
    expect(await runCli(['replay', `${dir}/bad.json`], out)).toBe(2)
    expect(out.err).toMatch(/bad\.json: experiment\.minimumEffect: expected a relative lift/)
  })
})

describe('schema/experiment-replay.schema.json', () => {
  it('accepts the fixture, and refuses what the parser refuses', async () => {
    const { Ajv } = await import('ajv')
    const schema = JSON.parse(readFileSync(`${REPO_ROOT}/schema/experiment-replay.schema.json`, 'utf8')) as object
    const validate = new Ajv({ strict: false }).compile(schema)
    expect(validate(base())).toBe(true)
    const cases: ((f: ReturnType<typeof base>) => void)[] = [
      (f) => (f.experiment.variants = ['control']),
      (f) => ((f.experiment.primary as Record<string, unknown>).direction = 'either'),
      (f) => (f.experiment.minimumEffect = 5),
      (f) => ((f.intervals[0]?.variants.green as Record<string, unknown>).conversion = { events: 'x', total: 3 }),
      (f) => (f.experiment.extra = 1),
    ]
    for (const mutate of cases) {
      const file = base()
      mutate(file)
      expect(validate(file)).toBe(false)
      expect(() => parseExperimentReplay(file)).toThrow()
    }
  })
})
