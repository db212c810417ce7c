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
