/**
 * Mirror entries next to the weighted ones (#16 point 3): the Gateway API and Istio providers
 * restrict mirroring to some HTTP methods by adding, before each rule (or http route) that holds
 * both backends, a copy of it that matches only those methods, sends its traffic to the stable
 * backend alone and copies a percentage of it to the canary. Both engines prefer that copy: Gateway
 * API ranks a rule with a method match above the same path without one, Istio takes the first
 * matching http route. These functions compute the JSON patch that adds, replaces or removes those
 * copies, and the patch that undoes it, from the list as read.
 */
import type { StepMirror } from '../config/mirror.js'
import type { JsonPatchOperation } from './kubectl.js'

export interface MirrorLayout {
  /** Pointer of the list, e.g. `/spec/rules`. */
  listPath: string
  /** The list as read. */
  entries: unknown[]
  /** Indices of the entries holding both backends (the weighted pairs), ascending. */
  pairIndices: number[]
  /** Whether an entry is a mirror copy this provider wrote (it mirrors to the canary). */
  isMirror(entry: unknown): boolean
  /** The mirror copy of a weighted entry; undefined when none of its matches can take the methods. */
  build(entry: unknown, mirror: StepMirror): unknown
  /**
   * Pointers (below the copy) and values that identify a copy this provider wrote, for the undo's
   * guard: not the whole copy, which the API server may have defaulted or pruned since.
   */
  identity(copy: unknown): { path: string; value: unknown }[]
}

export interface MirrorPatch {
  /** Applied after the weight ops (which use the indices as read). */
  apply: JsonPatchOperation[]
  /** Applied before the weight-restoring ops. */
  undo: JsonPatchOperation[]
  /** Lines for the log and the record; empty when nothing changes. */
  changes: string[]
}

/** Whether the list holds exactly the copies `mirror` asks for (the read-back after a change). */
export function mirrorInPlace(layout: MirrorLayout, mirror: StepMirror | undefined): boolean {
  return mirrorPatch(layout, mirror, String).apply.length === 0
}

/** The patch that leaves exactly the wanted mirror copies (none when `mirror` is undefined). */
export function mirrorPatch(layout: MirrorLayout, mirror: StepMirror | undefined, label: (index: number) => string): MirrorPatch {
  const { listPath, entries, pairIndices } = layout
  const existing = entries.flatMap((entry, index) => (layout.isMirror(entry) ? [index] : []))
  const targets = mirror
    ? pairIndices.flatMap((index) => {
        const copy = layout.build(entries[index], mirror)
        return copy === undefined ? [] : [{ pair: index, copy }]
      })
    : []
  const wanted = targets.map((t) => t.copy)
  const pairs = targets.map((t) => t.pair)
  // Already in place: each pair preceded by its copy, and no other copies. The API server may add
  // defaults (a backendRef's kind, a match's path), so the copy read back need only contain ours.
  const inPlace = existing.length === wanted.length && pairs.every((pair, k) => existing[k] === pair - 1 && containsJson(entries[pair - 1], wanted[k]))
  if (inPlace) return { apply: [], undo: [], changes: [] }

  const apply: JsonPatchOperation[] = []
  const undo: JsonPatchOperation[] = []
  const changes: string[] = []
  for (const index of [...existing].reverse()) {
    apply.push({ op: 'test', path: `${listPath}/${index}`, value: entries[index] }, { op: 'remove', path: `${listPath}/${index}` })
    changes.push(`removed the mirror copy before ${label(index + 1)}`)
  }
  // Positions after the removals; inserting from the last keeps the earlier positions valid.
  const shifted = pairs.map((pair) => pair - existing.filter((e) => e < pair).length)
  for (let k = wanted.length - 1; k >= 0; k--) {
    apply.push({ op: 'add', path: `${listPath}/${shifted[k] as number}`, value: wanted[k] })
  }
  if (mirror) changes.push(...pairs.map((pair) => `${label(pair)}: mirror ${mirror.percent}% of ${mirror.methods.join(', ')} to the canary`))
  // Undo: take the new copies out (each sits before its pair, k copies earlier), put the old ones back.
  const final = shifted.map((position, k) => position + k)
  for (let k = final.length - 1; k >= 0; k--) {
    const at = `${listPath}/${final[k] as number}`
    undo.push(...layout.identity(wanted[k]).map((i) => ({ op: 'test' as const, path: `${at}${i.path}`, value: i.value })), { op: 'remove', path: at })
  }
  for (const index of existing) undo.push({ op: 'add', path: `${listPath}/${index}`, value: entries[index] })
  return { apply, undo, changes }
}

/** Whether `actual` holds everything `wanted` does: the same arrays, objects with at least its keys. */
function containsJson(actual: unknown, wanted: unknown): boolean {
  if (actual === wanted) return true
  if (Array.isArray(actual) || Array.isArray(wanted)) {
    return Array.isArray(actual) && Array.isArray(wanted) && actual.length === wanted.length && wanted.every((v, i) => containsJson(actual[i], v))
  }
  if (typeof actual !== 'object' || typeof wanted !== 'object' || actual === null || wanted === null) return false
  return Object.entries(wanted).every(([k, v]) => Object.hasOwn(actual, k) && containsJson((actual as Record<string, unknown>)[k], v))
}
