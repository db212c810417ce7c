// The flags contract between the scanner/remover (shared/flags/scan.ts, shared/flags/remove/) and the
// sources, stale rules, verification and cleanup pull requests that consume them. Plain data only:
// this file imports nothing, so any flags module may depend on it without a cycle.

/** A flag as a source names it, plus the other spellings the repository uses for it. */
export interface FlagRef {
  name: string
  aliases?: readonly string[]
}

/**
 * - `evaluation`: a call of an SDK evaluation function (`isEnabled('x')`, `useFlag(FLAGS.x)`, ...).
 * - `wrapper`: a call of one of the repository's own functions that passes its argument on to an
 *   evaluation (transitively), or a helper that evaluates this one flag.
 * - `constant`: a declaration that holds the flag's name (const, enum member, object-map entry,
 *   re-export), followed across files.
 * - `text`: any other occurrence: other languages, docs, config, or a TS/JS use the scanner does not
 *   understand (a name passed to an unknown function, a dynamic name). The remover never edits these.
 */
export type ReferenceKind = 'evaluation' | 'constant' | 'wrapper' | 'text'

export interface FlagReference {
  flag: string
  /** Repository-relative path with '/' separators. */
  file: string
  /** 1-based. */
  line: number
  /** 1-based, in UTF-16 code units (what editors and GitHub annotations count). */
  column: number
  kind: ReferenceKind
  /** For parsed references: the evaluation or wrapper called, or the symbol that holds the name. */
  via?: string
}

export interface ScanOptions {
  root: string
  /** Globs (gitignore-style, relative to root) a file must match; empty = every file. */
  include: readonly string[]
  /** Globs that exclude a file even when it is included. */
  exclude: readonly string[]
  /** Files larger than this are skipped (default 1 MiB). */
  maxFileBytes?: number
  /** Threads reading files in the first pass; 1 = the main thread only. Default: available cores. */
  threads?: number
  /** Fewer files than this are read on the main thread (starting workers costs more). Default 2000. */
  parallelFrom?: number
}

export interface ScanResult {
  references: FlagReference[]
  filesScanned: number
  filesParsed: number
  bytesScanned: number
}

export type KeptValue = { kind: 'boolean'; value: boolean } | { kind: 'variant'; value: string }

export interface FileEdit {
  file: string
  before: string
  /** null = delete the file. */
  after: string | null
}

export interface LeftByHand {
  file: string
  line: number
  reason: string
}

export interface RemovalResult {
  flag: string
  edits: FileEdit[]
  leftByHand: LeftByHand[]
}
