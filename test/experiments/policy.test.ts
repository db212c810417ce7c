import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { at, linesOf, policyOf, policyText } from '../config/helpers.js'

/** A policy with one experiment; `lines` replaces or adds keys of the experiment (YAML, 4 spaces in). */
function experiment(overrides: Record<string, string> = {}, flags = 'flags: {}\n'): string {
  const keys: Record<string, string> = {
    start: '2026-11-20T00:00:00Z',
    variants: '[{ name: control, weight: 50 }, { name: green, weight: 50 }]',
    split: '{ type: flag, flag: checkout-button }',
    analysis: 'default',
    primary: '{ name: conversion, type: ratio, events: "sum(orders{variant=\\"{{variant}}\\"})", total: "sum(sessions{variant=\\"{{variant}}\\"})", direction: increase }',
    guardrails: '[errors]',
    minimumEffect: '2%',
    maxDuration: '28d',
    ...overrides,
  }
  const body = Object.entries(keys)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `    ${k}: ${v}`)
    .join('\n')
  return policyText({ extra: `${flags}experiments:\n  checkout:\n${body}\n` })
}

describe('policy experiments: section', () => {
  it('loads with defaults applied: durations in ms, percentages as fractions, control and alpha defaulted', () => {
    const policy = policyOf(experiment())
    const e = policy.experiments.checkout
    expect(e).toMatchObject({ control: 'control', alpha: 0.05, minimumEffect: 0.02, maxDuration: 28 * 86_400_000, interval: 86_400_000, guardrails: ['errors'] })
    expect(e?.variants).toEqual([{ name: 'control', weight: 50 }, { name: 'green', weight: 50 }])
    expect(e?.split).toEqual({ type: 'flag', flag: 'checkout-button' })
  })

  it('a policy without experiments still loads (the section defaults to none)', () => {
    expect(policyOf(policyText()).experiments).toEqual({})
  })

  /** [what, overrides, text the problem points at, message]. */
  it.each<[string, Record<string, string>, string, string]>([
    ['an unknown template', { analysis: 'defualt' }, 'defualt', "unknown analysis template 'defualt'; did you mean 'default'? (expected a template defined under analysis: default)"],
    ['a guardrail that is not a check of the template', { guardrails: '[errors, latency]' }, 'latency]', "guardrail 'latency' is not a check of analysis template 'default' (expected errors)"],
    ['a control that is not a variant', { control: 'blue' }, 'blue', "control 'blue' is not one of the variants (expected one of: control, green)"],
    ['no control variant', { variants: '[{ name: red }, { name: green }]' }, '[{ name: red }', 'control \'control\' is not one of the variants (expected a variant named control, or control: one of: red, green)'],
    ['duplicate variants', { variants: '[{ name: control }, { name: control }]' }, 'control }]', "duplicate variant 'control' (expected a name not used by another variant)"],
    ['an unknown placeholder in the primary metric', { primary: '{ name: conversion, type: ratio, events: "x{v=\\"{{variantt}}\\"}", total: t, direction: increase }' }, '{{variantt}}', "unknown placeholder '{{variantt}}'; did you mean 'variant'?"],
    ['a traffic split with three variants', { variants: '[{ name: control }, { name: b }, { name: c }]', split: '{ type: traffic, environment: production }' }, '[{ name: control }', 'a traffic split serves exactly two variants (the stable and the canary version) (found 3 variants; expected two variants, or split: { type: flag, flag: <name> } for more)'],
    ['a traffic split on an unknown environment', { split: '{ type: traffic, environment: prod }' }, 'prod }', "unknown environment 'prod'"],
    ['a traffic split at a share no step sets', { variants: '[{ name: control, weight: 70 }, { name: green, weight: 30 }]', split: '{ type: traffic, environment: production }' }, '{ name: green, weight: 30 }', "variant 'green' gets 30% of the traffic, a weight no step of environment 'production' sets (found steps at 50, 100; expected a step with weight: 30, or variant weights matching a step)"],
    ['a zero minimum effect', { minimumEffect: '0%' }, '0%', 'the minimum detectable effect must be a lift between 0% and 100%, exclusive (found 0%; expected e.g. 2%)'],
    ['an interval not shorter than maxDuration', { interval: '30d' }, '30d', 'interval must be shorter than maxDuration, or the experiment never looks (found interval 30d, maxDuration 28d; expected an interval shorter than 28d)'],
    ['too many intervals per look', { interval: '1m' }, '1m', 'maxDuration / interval is 40320 intervals; each look re-reads every interval since start'],
    ['a samples primary with both sources', { primary: '{ name: order, type: samples, values: v, buckets: b, direction: increase }' }, 'buckets:', 'a samples metric needs exactly one of values (raw values) or buckets (histogram) (found both; expected values: <raw values query> or buckets: <histogram buckets query>)'],
    ['a flag split without a flag source', { flags: 'none' }, 'flag, flag:', "a flag split reads flag 'checkout-button' from the policy's flag source, but the policy has no flags: section (expected flags: { source: ... } naming where the flag lives (flags: {} reads flags.yml))"],
  ])('%s: names file:line:column', (_what, overrides, needle, message) => {
    const { flags, ...rest } = overrides
    const text = flags === 'none' ? experiment(rest, '') : experiment(overrides)
    const lines = linesOf(text)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(`rollgate.yml:${at(text, needle).join(':')}: ${message}`)
  })

  it.each<[string, Record<string, string>, string, RegExp]>([
    ['one variant', { variants: '[{ name: control }]' }, '[{ name: control }]', /must NOT have fewer than 2 items|at least 2/],
    ['a direction that is not increase or decrease', { primary: '{ name: c, type: ratio, events: e, total: t, direction: either }' }, 'either', /increase, decrease/],
    ['a missing maxDuration', { maxDuration: '' }, 'checkout:', /maxDuration/],
    ['a bad start date', { start: 'yesterday' }, 'yesterday', /start/],
    ['an unknown split type', { split: '{ type: cookie }' }, 'cookie', /traffic, flag|flag, traffic/],
  ])('schema: %s is refused at its position', (_what, overrides, needle, message) => {
    const text = experiment(overrides)
    const lines = linesOf(text)
    expect(lines.length).toBeGreaterThan(0)
    const [line] = at(text, needle)
    expect(lines.some((l) => l.startsWith(`rollgate.yml:${line}:`) && message.test(l))).toBe(true)
  })
})

describe('rollgate validate on the experiments example', () => {
  it('accepts it, names its experiments and checks the flag split against the example registry copied to flags.yml', async () => {
    const { runCli } = await import('../../cli/main.js')
    const { REPO_ROOT } = await import('../bundle/harness.js')
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-experiments-example-'))
    try {
      mkdirSync(join(dir, '.github'))
      copyFileSync(join(REPO_ROOT, 'examples/policies/experiments.yml'), join(dir, '.github/rollgate.yml'))
      copyFileSync(join(REPO_ROOT, 'examples/experiment-flags.yml'), join(dir, 'flags.yml'))
      const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t), env: {}, cwd: dir, isTTY: false }
      expect(await runCli(['validate'], io), io.err).toBe(0)
      expect(io.out).toContain('2 experiments (checkout-button, search-ranking); flag split checked against the flag registry flags.yml')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
