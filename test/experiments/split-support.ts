/** The policy the flag-split tests share (./flag-split.test.ts, ./unleash-split.test.ts). */

/** A policy whose experiment `checkout` is split by `flag` into `variants`, reading flags from `source`. */
export function splitPolicy(options: { flag?: string; variants?: string[]; source?: string; control?: string } = {}): string {
  const variants = options.variants ?? ['control', 'green', 'blue']
  return `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [set, "{{weight}}"] }
    steps: [ { weight: 100 } ]
analysis:
  shop:
    provider: { type: prometheus, address: "http://127.0.0.1:9" }
    checks:
      - { name: errors, type: ratio, events: 'sum(e{version="{{version}}"})', total: 'sum(t{version="{{version}}"})' }
flags:
  source: ${options.source ?? '{ type: registry }'}
experiments:
  checkout:
    start: 2026-11-20T00:00:00Z
    variants:
${variants.map((v) => `      - { name: ${v} }`).join('\n')}
    control: ${options.control ?? 'control'}
    split: { type: flag, flag: ${options.flag ?? 'checkout-button'} }
    analysis: shop
    primary: { name: conversion, type: ratio, events: 'sum(o{variant="{{variant}}"})', total: 'sum(s{variant="{{variant}}"})', direction: increase }
    guardrails: [errors]
    minimumEffect: 5%
    maxDuration: 28d
`
}
