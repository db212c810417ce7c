/**
 * The step key `mirror:` (dark launch by traffic mirroring), normalized for the lifecycle and the
 * providers. Which traffic providers can mirror is each descriptor's `mirrors` (shared/traffic/*.ts),
 * generated into the loader's rules (`policyRules.mirroring`), so config/ need not import traffic/.
 */
import type { Step } from './policy.generated.js'

/** Mirrored by default: reads only. A mirrored write runs twice against the back ends both versions share. */
export const DEFAULT_MIRROR_METHODS = ['GET', 'HEAD'] as const

export interface StepMirror {
  /** More than 0, at most 100. */
  percent: number
  /** Upper-case HTTP methods, in the order written. */
  methods: string[]
}

/** The step's mirror with its defaults, or undefined for a step that mirrors nothing. */
export function mirrorOf(step: Pick<Step, 'mirror'> | undefined): StepMirror | undefined {
  const mirror = step?.mirror
  if (mirror === undefined) return undefined
  if (typeof mirror === 'number') return { percent: mirror, methods: [...DEFAULT_MIRROR_METHODS] }
  return { percent: mirror.percent, methods: [...new Set(mirror.methods ?? DEFAULT_MIRROR_METHODS)] }
}

/** The percent a step mirrors, from the policy's step or the machine's slice of it. */
export function mirrorPercentOf(step: { mirror?: number | { percent: number } | undefined } | undefined): number | undefined {
  const mirror = step?.mirror
  if (mirror === undefined) return undefined
  return typeof mirror === 'number' ? mirror : mirror.percent
}

/**
 * How every surface words a mirror step (#16): the shadow gets copies of requests and serves no
 * user, so its traffic weight of 0 is never shown as if it were a canary step at 0%.
 */
export function mirroringPhrase(percent: number, canary = 'the canary'): string {
  return `mirroring ${percent}% of requests to ${canary} (serves none)`
}

/** The short form for table cells and ladders: `mirror 20% (serves none)`. */
export function mirrorCell(percent: number): string {
  return `mirror ${percent}% (serves none)`
}
