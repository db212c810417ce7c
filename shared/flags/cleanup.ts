/**
 * The flag-cleanup flow shared by the action and the CLI: read the flags from the source, judge them,
 * scan the repository, remove one flag (edits computed, then written or turned into a pull request),
 * verify. Each step is a function so the CLI can stop after any of them.
 */
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Logger } from '../action/logger.js'
import type { Flags } from '../config/policy.generated.js'
import { removeFlag } from './remove/remove-flag.js'
import { scanRepository } from './scan.js'
import type { FlagInfo, FlagSource, FlagSourceDeps } from './source.js'
import { createFlagSource } from './sources/list.js'
import { DEFAULT_REGISTRY_FILE, removeRegistryEntry } from './sources/registry.js'
import { judgeStale, type StaleVerdict } from './stale.js'
import type { FileEdit, FlagReference, KeptValue, LeftByHand, ScanResult } from './types.js'

export interface FlagState {
  source: FlagSource
  flags: FlagInfo[]
  verdicts: StaleVerdict[]
}

export async function readFlagState(config: Flags, deps: FlagSourceDeps, now: Date): Promise<FlagState> {
  const source = createFlagSource(config.source, deps)
  const flags = await source.listFlags()
  return { source, flags, verdicts: flags.map((f) => judgeStale(f, config.stale, now)) }
}

export async function scanFlags(config: Flags, root: string, flags: readonly FlagInfo[]): Promise<ScanResult> {
  return scanRepository(
    flags.map((f) => ({ name: f.name, aliases: f.aliases })),
    { root, include: config.include, exclude: config.exclude },
  )
}

/** `on`, `off` or a variant name, as the CLI's --keep and the registry's keep write it. */
export function parseKeep(text: string): KeptValue {
  return text === 'on' || text === 'off' ? { kind: 'boolean', value: text === 'on' } : { kind: 'variant', value: text }
}

export type RemovalPlan =
  | { ok: true; flag: FlagInfo; keep: KeptValue; edits: FileEdit[]; leftByHand: LeftByHand[]; references: FlagReference[]; notes: string[] }
  | { ok: false; flag: FlagInfo; refusal: string; leftByHand: LeftByHand[] }

/**
 * The edits that remove `flag`, keeping `keep` (the verdict's value unless the caller names one).
 * Refused, never guessed: no value to keep (targeting, partial rollout), or nothing the remover can
 * change safely (dynamic names only).
 */
export async function planRemoval(
  flag: FlagInfo,
  verdict: StaleVerdict,
  scan: ScanResult,
  options: { root: string; config: Flags; keep?: KeptValue; readText: (path: string) => Promise<string> },
): Promise<RemovalPlan> {
  const keep = options.keep ?? verdict.kept
  if (!keep) return { ok: false, flag, refusal: verdict.refusal ?? `${flag.name}: ${flag.state.kind}: no single value to keep; pass --keep or set keep: in the registry`, leftByHand: [] }
  const references = scan.references.filter((r) => r.flag === flag.name)
  const removal = await removeFlag({ name: flag.name, aliases: flag.aliases }, keep, { root: options.root, references })
  const edits = [...removal.edits]
  let leftByHand = removal.leftByHand
  if (options.config.source.type === 'registry' && removal.edits.length > 0) {
    // The registry entry goes with the code: its mention there is not left for the reviewer.
    const file = (options.config.source as { file?: string }).file ?? DEFAULT_REGISTRY_FILE
    const before = await options.readText(join(options.root, file))
    const after = removeRegistryEntry(before, file, flag.name)
    if (after !== undefined) {
      edits.push({ file, before, after })
      leftByHand = leftByHand.filter((l) => l.file !== file)
    }
  }
  if (removal.edits.length === 0) {
    const first = removal.leftByHand.find((l) => /\.[cm]?[jt]sx?$/.test(l.file)) ?? removal.leftByHand[0]
    const refusal =
      references.length === 0
        ? `${flag.name}: no reference to it in the scanned files (flags.include / flags.exclude)`
        : `${flag.name}: no reference can be removed safely (dynamic names or uses the remover does not understand${first ? `, e.g. ${first.file}:${first.line}: ${first.reason}` : ''})`
    return { ok: false, flag, refusal, leftByHand: removal.leftByHand }
  }
  return { ok: true, flag, keep, edits, leftByHand, references, notes: removal.notes }
}

/** Writes edits into the working tree (deleting files whose `after` is null). */
export async function writeEdits(root: string, edits: readonly FileEdit[]): Promise<void> {
  for (const edit of edits) {
    const path = join(root, edit.file)
    if (edit.after === null) await rm(path, { force: true })
    else {
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, edit.after)
    }
  }
}

/** Puts the working tree back as it was before `writeEdits`. */
export async function restoreEdits(root: string, edits: readonly FileEdit[]): Promise<void> {
  for (const edit of edits) {
    const path = join(root, edit.file)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, edit.before)
  }
}

export function nodeReadText(path: string): Promise<string> {
  return readFile(path, 'utf8')
}

export function sourceDeps(root: string, logger: Logger, fetchFn?: typeof fetch): FlagSourceDeps {
  return { root, readText: nodeReadText, logger, ...(fetchFn ? { fetch: fetchFn } : {}) }
}
