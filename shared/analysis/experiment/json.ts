/**
 * The experiment verdict as versioned JSON: `rollgate replay --json` prints it and the analyze
 * action's `result` output embeds it. Infinite numbers become null (JSON has no Infinity).
 */
import type { ExperimentLook, ExperimentResult, VariantLook } from './types.js'

/** Bumped when a field changes meaning or disappears; new fields keep the version. */
export const EXPERIMENT_VERDICT_VERSION = 1

const n = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : x)

export function variantJson(v: VariantLook): Record<string, unknown> {
  return {
    name: v.name,
    state: v.state,
    estimate: n(v.estimate),
    lower: n(v.lower),
    upper: n(v.upper),
    mean: n(v.mean),
    controlMean: n(v.controlMean),
    variant: v.variant,
    control: v.control,
    guardrailsHold: v.guardrailsHold,
    guardrails: v.guardrails.map((g) => ({ ...g, estimate: n(g.estimate), lower: n(g.lower), upper: n(g.upper) })),
    needed: v.needed,
    reason: v.reason,
  }
}

export function lookJson(l: ExperimentLook): Record<string, unknown> {
  return {
    interval: l.interval,
    decision: l.decision,
    winner: l.winner,
    needed: l.needed,
    sampleRatio: l.sampleRatio ? { ...l.sampleRatio, eValue: n(l.sampleRatio.eValue) } : null,
    variants: l.variants.map(variantJson),
  }
}

/** The verdict: decision, winner, lift and confidence sequence per variant at the deciding (else last) look, and every look. */
export function experimentVerdict(result: ExperimentResult, options: { looks?: boolean } = {}): Record<string, unknown> {
  const final = result.looks.find((l) => l.interval === result.decidedAt) ?? result.looks.at(-1)
  return {
    experimentVersion: EXPERIMENT_VERDICT_VERSION,
    decision: result.decision,
    winner: result.winner,
    decidedAt: result.decidedAt,
    reason: result.reason,
    needed: result.needed,
    unit: final?.unit ?? null,
    variants: (final?.variants ?? []).map(variantJson),
    ...(options.looks === false ? {} : { looks: result.looks.map(lookJson) }),
  }
}
