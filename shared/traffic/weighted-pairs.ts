import type { JsonPatchOperation } from './kubectl.js'
import { canaryPercent } from './transaction.js'

/**
 * The stable and canary entries of one weighted list in a Kubernetes object (a rule's backendRefs,
 * a VirtualService route), located by JSON pointer so a patch can guard and change them.
 */
export interface WeightedEntry {
  index: number
  weight: number | undefined
  /** Pointer (below the entry) and value that identify the entry, tested before every change. */
  identityPath: string
  identity: unknown
}

export interface WeightedPair {
  /** `rule 0`, `http route "primary"`: for messages and the record. */
  label: string
  /** Pointer to the list holding both entries, e.g. `/spec/rules/0/backendRefs`. */
  listPath: string
  stable: WeightedEntry
  canary: WeightedEntry
}

/**
 * JSON patch setting both weights of every pair. With `guard`, `test` ops pin the weights the
 * change was computed from, so a concurrent edit makes kubectl fail instead of being overwritten.
 */
export function setWeightOps(pairs: WeightedPair[], stableWeight: number, canaryWeight: number): JsonPatchOperation[] {
  return pairs.flatMap((pair) => [
    ...entryOps(pair, pair.stable, stableWeight, true),
    ...entryOps(pair, pair.canary, canaryWeight, true),
  ])
}

/** JSON patch putting every pair back as it was read (a weight that was absent is removed again). */
export function restoreWeightOps(pairs: WeightedPair[]): JsonPatchOperation[] {
  return pairs.flatMap((pair) => [...entryOps(pair, pair.stable, pair.stable.weight, false), ...entryOps(pair, pair.canary, pair.canary.weight, false)])
}

function entryOps(pair: WeightedPair, entry: WeightedEntry, weight: number | undefined, guard: boolean): JsonPatchOperation[] {
  const base = `${pair.listPath}/${entry.index}`
  const ops: JsonPatchOperation[] = [{ op: 'test', path: `${base}${entry.identityPath}`, value: entry.identity }]
  if (weight === undefined) {
    ops.push({ op: 'remove', path: `${base}/weight` })
    return ops
  }
  if (guard && entry.weight !== undefined) ops.push({ op: 'test', path: `${base}/weight`, value: entry.weight })
  ops.push({ op: entry.weight === undefined ? 'add' : 'replace', path: `${base}/weight`, value: weight })
  return ops
}

/** The canary percentage all pairs agree on; undefined when they disagree or carry no weight. */
export function pairsPercent(pairs: WeightedPair[], defaultWeight: number): number | undefined {
  const percents = new Set(pairs.map((p) => canaryPercent(p.stable.weight ?? defaultWeight, p.canary.weight ?? defaultWeight)))
  if (percents.size !== 1) return undefined
  return [...percents][0]
}

export function describePairs(object: string, pairs: WeightedPair[], names: { stable: string; canary: string }, defaultWeight: number, stableWeight: number, canaryWeight: number): string[] {
  return pairs.map(
    (p) =>
      `${object} ${p.label}: ${names.stable} ${p.stable.weight ?? defaultWeight}→${stableWeight}, ${names.canary} ${p.canary.weight ?? defaultWeight}→${canaryWeight}`,
  )
}
