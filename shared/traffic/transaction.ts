import { ConfigError, ProviderError } from '../errors.js'
import type { Logger } from '../action/logger.js'
import type { TrafficProviderName, WeightChange } from './types.js'

/** One change to a backend object or setting, with the change that undoes it. */
export interface WeightStep {
  /** One line for the record, e.g. `haproxy app/canary weight 5→25`. */
  description: string
  apply(): Promise<void>
  undo(): Promise<void>
  /** The step may be half-applied when it fails (a user's script): undo it too. */
  undoWhenFailed?: boolean
}

/** What the rollout record keeps when a weight change fails: nothing is left moved without a record. */
export interface TrafficFailure {
  provider: TrafficProviderName
  target: string
  weight: number
  previous: number | undefined
  /** The step that failed, or `read-back`. */
  failedAt: string
  cause: string
  /** Steps that had taken effect before the failure. */
  applied: string[]
  /** Steps undone while restoring. */
  restored: string[]
  /** Steps that could not be undone: traffic may be split other than recorded. */
  notRestored: { step: string; error: string }[]
}

/** A weight change that failed after changing something; `failure` says what was restored. */
export class TrafficChangeError extends ProviderError {
  constructor(
    readonly failure: TrafficFailure,
    options?: { cause?: unknown },
  ) {
    super(failure.provider, `set canary weight ${failure.weight}% on ${failure.target}`, explain(failure), false, options)
  }
}

export interface WeightMove {
  provider: TrafficProviderName
  target: string
  weight: number
  previous: number | undefined
  steps: WeightStep[]
  /** Reads the weight back after the steps; undefined means the backend cannot tell. */
  verify?: () => Promise<number | undefined>
  logger: Logger
}

/**
 * Applies the steps in order and reads the result back. On a failure, or a read-back that differs
 * from the weight asked for, undoes what was applied (newest first) and throws TrafficChangeError.
 */
export async function moveWeight(move: WeightMove): Promise<WeightChange> {
  const applied: WeightStep[] = []
  for (const step of move.steps) {
    try {
      await step.apply()
      applied.push(step)
      move.logger.info(`${move.provider}: ${step.description}`)
    } catch (error) {
      if (applied.length === 0 && !step.undoWhenFailed) throw error
      const undoing = step.undoWhenFailed ? [...applied, step] : applied
      throw await restore(move, undoing, applied, step.description, error)
    }
  }
  let readBack: number | undefined
  try {
    readBack = move.verify ? await move.verify() : undefined
  } catch (error) {
    throw await restore(move, applied, applied, 'read-back', error)
  }
  if (readBack !== undefined && readBack !== move.weight) {
    const cause = new ProviderError(move.provider, 'read-back', `the backend reports a canary weight of ${readBack}% after setting ${move.weight}%`)
    throw await restore(move, applied, applied, 'read-back', cause)
  }
  return {
    provider: move.provider,
    target: move.target,
    previous: move.previous,
    weight: move.weight,
    readBack,
    changes: applied.map((s) => s.description),
  }
}

async function restore(move: WeightMove, undoing: WeightStep[], applied: WeightStep[], failedAt: string, error: unknown): Promise<TrafficChangeError> {
  const restored: string[] = []
  const notRestored: { step: string; error: string }[] = []
  for (const step of [...undoing].reverse()) {
    try {
      await step.undo()
      restored.push(step.description)
    } catch (undoError) {
      notRestored.push({ step: step.description, error: message(undoError) })
    }
  }
  const failure: TrafficFailure = {
    provider: move.provider,
    target: move.target,
    weight: move.weight,
    previous: move.previous,
    failedAt,
    cause: message(error),
    applied: applied.map((s) => s.description),
    restored,
    notRestored,
  }
  const result = new TrafficChangeError(failure, { cause: error })
  move.logger.warn(result.message)
  return result
}

function explain(f: TrafficFailure): string {
  const what = f.failedAt === 'read-back' ? 'reading the weight back' : `"${f.failedAt}"`
  const before = f.previous === undefined ? 'the previous weights' : `the previous weights (canary ${f.previous}%)`
  let text = `${what} failed: ${f.cause}`
  if (f.notRestored.length === 0) text += `; restored ${before} by undoing: ${f.restored.join('; ')}`
  else {
    text += `; could NOT restore ${before}: ${f.notRestored.map((n) => `${n.step} (${n.error})`).join('; ')}`
    if (f.restored.length > 0) text += `; undone: ${f.restored.join('; ')}`
    text += `; check ${f.target} by hand`
  }
  return text
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Weights are whole percentages of traffic sent to the canary. */
export function assertWeight(weight: number, provider: string): void {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw new ConfigError(`${provider}: canary weight ${String(weight)} is not accepted; expected a whole number from 0 to 100`)
  }
}

/**
 * Reads a required string option, with an error naming the policy key: `policyKey` is its path under
 * `traffic:` as the policy spells it, when the provider's option has another name (istio's `routeName`
 * is the policy's `route`) or sits deeper (`stable.host`).
 */
export function requireString(options: object, key: string, provider: string, policyKey = key): string {
  const value = (options as Record<string, unknown>)[key]
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(`traffic.${policyKey}: the ${provider} provider needs a non-empty string, got ${JSON.stringify(value) ?? 'nothing'}`)
  }
  return value
}

export function optionalString(options: object, key: string, provider: string, policyKey = key): string | undefined {
  const value = (options as Record<string, unknown>)[key]
  if (value === undefined) return undefined
  return requireString(options, key, provider, policyKey)
}

/** Canary percentage from two relative weights; undefined when both are zero. */
export function canaryPercent(stable: number, canary: number): number | undefined {
  const total = stable + canary
  if (total <= 0) return undefined
  return Math.round((canary * 10_000) / total) / 100
}
