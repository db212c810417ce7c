// Removes one flag from a repository, given the scanner's references and the value to keep. Returns
// edits (never writes). Per TS/JS file: evaluations become the kept value and the code around them is
// folded (simplify.ts), the flag's own constants/enum members/map entries go (constants.ts, only when
// no reference anywhere was left by hand), then names the removal left unused go (unused.ts), then
// files that only the removed code imported are deleted, then the repository's Prettier runs on the
// edited files.
//
// The rule for unsafe references: a file is edited whole or not at all. If any code reference in a
// file cannot be removed safely (a dynamic name, the flag's name passed to an unknown function, a
// result the remover cannot fold), the file is left untouched and every code reference in it is listed
// in leftByHand (the unsafe one with its reason, the others pointing at it). The flag's definitions are
// then kept too, since the file left by hand still uses them. Mentions in comments, docs and other
// languages are listed in leftByHand but never block the code edits.
import ts from '../typescript.js'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FileEdit, FlagRef, FlagReference, KeptValue, LeftByHand, RemovalResult } from '../types.js'
import { flagObjects, isScriptFile, lineColumn, ModuleGraph, parseSource } from '../scan-modules.js'
import { flagNameMap, wordOccurrences } from '../scan.js'
import { createPathFilter, walkFiles } from '../scan-files.js'
import { rewriteModule, UnsafeReference } from './simplify.js'
import { removeFlagDefinitions } from './constants.js'
import { removeNewlyUnused } from './unused.js'
import { statementRange } from './text-edits.js'
import { repositoryFormatter } from './format.js'

export interface RemoveOptions {
  root: string
  references: FlagReference[]
  /** Apply the repository's Prettier to edited files when it has a config and prettier (default true). */
  format?: boolean
}

export interface RemovalResultWithNotes extends RemovalResult {
  /** What the remover decided beyond the edits (formatter skipped, files deleted and why). */
  notes: string[]
}

const NON_BLOCKING_TEXT = new Set(['comment', 'jsx text'])

function blocking(ref: FlagReference): boolean {
  return ref.kind === 'text' && !NON_BLOCKING_TEXT.has(ref.via ?? '')
}

function reasonFor(ref: FlagReference): string {
  if (ref.via === 'string') return "the flag's name appears as a string that is not an evaluation (passed somewhere unknown)"
  if (ref.via?.startsWith('dynamic use')) return `${ref.via}: the flag may be read under a computed name`
  if (ref.via?.startsWith('use of')) return `${ref.via} is passed somewhere that is not an evaluation`
  return `reference of kind ${ref.kind} the remover does not handle`
}

export async function removeFlag(flag: FlagRef, keep: KeptValue, options: RemoveOptions): Promise<RemovalResultWithNotes> {
  const names = flagNameMap([flag])
  const root = options.root
  const read = (rel: string) => readFileSync(join(root, rel), 'utf8')
  const leftByHand: LeftByHand[] = []
  const notes: string[] = []
  const refs = options.references.filter((r) => r.flag === flag.name)
  const byFile = new Map<string, FlagReference[]>()
  for (const r of refs) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r])

  const graph = new ModuleGraph(root, names)
  const finalText = new Map<string, string>()
  const unsafeFiles = new Set<string>()

  // 1. Evaluations, file by file, atomically.
  for (const [file, fileRefs] of byFile) {
    if (!isScriptFile(file)) {
      for (const r of fileRefs) leftByHand.push({ file, line: r.line, reason: 'mentioned in a file that is not TypeScript/JavaScript: edit by hand' })
      continue
    }
    const code = fileRefs.filter((r) => r.kind !== 'text' || blocking(r))
    const unsafe = fileRefs.filter(blocking).map((r) => ({ line: r.line, reason: reasonFor(r) }))
    let text: string | undefined
    if (unsafe.length === 0 && fileRefs.some((r) => r.kind === 'evaluation' || r.kind === 'wrapper')) {
      const m = graph.get(file)
      if (!m) {
        unsafe.push({ line: fileRefs[0]!.line, reason: 'the file could not be read' })
      } else {
        try {
          text = rewriteModule(graph, m, flag.name, keep).text
          const left = remainingEvaluations(root, names, file, text, flag.name)
          if (left.length > 0) {
            unsafe.push(...left.map((line) => ({ line, reason: 'this evaluation is in a position the remover cannot fold' })))
            text = undefined
          }
        } catch (e) {
          if (!(e instanceof UnsafeReference)) throw e
          unsafe.push({ line: lineColumn(m.sf, e.node.getStart(m.sf)).line, reason: e.reason })
        }
      }
    }
    if (unsafe.length > 0) {
      unsafeFiles.add(file)
      const first = unsafe[0]!
      for (const u of unsafe) leftByHand.push({ file, line: u.line, reason: u.reason })
      for (const r of code) if (!unsafe.some((u) => u.line === r.line)) leftByHand.push({ file, line: r.line, reason: `not edited: the file is left whole because of line ${first.line}` })
      continue
    }
    if (text !== undefined) finalText.set(file, text)
  }

  // 2. The flag's definitions, when nothing that uses them was left by hand.
  const definitionFiles = [...byFile].filter(([f, rs]) => isScriptFile(f) && !unsafeFiles.has(f) && rs.some((r) => r.kind === 'constant')).map(([f]) => f)
  if (unsafeFiles.size === 0) {
    const defGraph = new ModuleGraph(root, names)
    for (const file of definitionFiles) {
      const out = removeFlagDefinitions(defGraph, file, finalText.get(file) ?? read(file), flag.name)
      if (out.removed > 0) finalText.set(file, out.text)
    }
  } else {
    for (const file of definitionFiles) {
      const r = byFile.get(file)!.find((x) => x.kind === 'constant')!
      leftByHand.push({ file, line: r.line, reason: "the flag's definition is kept: a file that uses it is left by hand" })
    }
  }

  // 3. What the removal left unused, in every edited file.
  const original = new Map<string, string>()
  for (const [file, text] of finalText) {
    const before = read(file)
    original.set(file, before)
    let out = removeNewlyUnused(file, before, text).text
    // Removed imports at the top must not leave the file starting with blank lines.
    if (!/^[ \t]*\r?\n/.test(before)) out = out.replace(/^([ \t]*\r?\n)+/, '')
    finalText.set(file, out)
  }

  // 3b. Exported helpers of this one flag (`useNewCheckout()`) that nothing calls any more.
  removeOrphanHelpers(root, graph, flag.name, refs, original, finalText, notes)

  // 4. Files only reachable through the removed code.
  const deleted = deleteUnreachable(root, names, original, finalText, notes)

  // 5. The repository's formatter, on edited files only.
  if (options.format !== false && finalText.size > 0) {
    const formatter = await repositoryFormatter(root)
    if (typeof formatter === 'function') {
      for (const [file, text] of finalText) if (!deleted.has(file)) finalText.set(file, await formatter(file, text))
      notes.push("edited files formatted with the repository's Prettier")
    } else notes.push(`not formatted: ${formatter.none}`)
  }

  // Mentions in comments that are still there after the edits.
  for (const [file, fileRefs] of byFile) {
    if (!isScriptFile(file) || unsafeFiles.has(file) || deleted.has(file)) continue
    if (!fileRefs.some((r) => r.kind === 'text')) continue
    const text = finalText.get(file) ?? read(file)
    for (const name of names.keys())
      for (const at of wordOccurrences(text, name)) leftByHand.push({ file, line: text.slice(0, at).split('\n').length, reason: 'the flag is still mentioned here (a comment or text)' })
  }

  const edits: FileEdit[] = []
  for (const [file, text] of finalText) {
    const before = original.get(file) ?? read(file)
    if (deleted.has(file)) continue
    if (text !== before) edits.push({ file, before, after: text })
  }
  for (const file of deleted) edits.push({ file, before: original.get(file) ?? read(file), after: null })
  edits.sort((a, b) => (a.file < b.file ? -1 : 1))
  leftByHand.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line))
  return { flag: flag.name, edits, leftByHand: dedupeLeft(leftByHand), notes }
}

function dedupeLeft(list: LeftByHand[]): LeftByHand[] {
  const seen = new Set<string>()
  return list.filter((l) => {
    const k = `${l.file}:${l.line}:${l.reason}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

/** Lines of evaluations of the flag still present in a rewritten text (a fold the remover missed). */
function remainingEvaluations(root: string, names: Map<string, string>, file: string, text: string, flag: string): number[] {
  const g = new ModuleGraph(root, names)
  const m = g.get(file, text)
  if (!m) return []
  const lines: number[] = []
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && g.classifyCall(m, n)?.flag === flag) lines.push(lineColumn(m.sf, n.getStart(m.sf)).line)
    ts.forEachChild(n, visit)
  }
  visit(m.sf)
  for (const r of flagObjects(m, names).reads) if (r.flag === flag) lines.push(lineColumn(m.sf, r.node.getStart(m.sf)).line)
  return lines
}

/** Entry points named by package.json: never deleted, even when nothing imports them. */
function packageEntries(root: string): Set<string> {
  const out = new Set<string>()
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>
    const add = (v: unknown) => {
      if (typeof v === 'string') out.add(v.replace(/^\.\//, ''))
      else if (v && typeof v === 'object') for (const x of Object.values(v)) add(x)
    }
    add(pkg.main)
    add(pkg.module)
    add(pkg.bin)
    add(pkg.exports)
  } catch {
    // no package.json: no entries to protect
  }
  return out
}

const TEST_FILE = /(^|\/)(__tests__\/|[^/]*\.(test|spec)\.[cm]?[jt]sx?$)/

/**
 * Deletes modules that an edited file stopped importing and that nothing else imports any more
 * (transitively). A test file whose only local imports are deleted modules is deleted with them, since
 * it tests code that no longer exists; a test file that also imports live code keeps the module.
 */
function deleteUnreachable(root: string, names: Map<string, string>, original: Map<string, string>, finalText: Map<string, string>, notes: string[]): Set<string> {
  const deleted = new Set<string>()
  const deps = (g: ModuleGraph, file: string, text: string) => g.get(file, text)?.dependencies ?? new Set<string>()
  const gOld = new ModuleGraph(root, names)
  const gNew = new ModuleGraph(root, names)
  const candidates: string[] = []
  for (const [file, text] of finalText) {
    const before = deps(gOld, file, original.get(file)!)
    const after = deps(gNew, file, text)
    for (const d of before) if (!after.has(d)) candidates.push(d)
  }
  if (candidates.length === 0) return deleted
  const entries = packageEntries(root)
  const scripts = walkFiles(root, createPathFilter([], [])).filter((f) => isScriptFile(f.rel)).map((f) => f.rel)
  const currentText = (file: string) => finalText.get(file) ?? readFileSync(join(root, file), 'utf8')
  const importersCache = new Map<string, string[]>()
  const importersOf = (target: string) => {
    const cached = importersCache.get(target)
    if (cached) return cached
    const stem = target.replace(/\.[cm]?[jt]sx?$/, '').split('/').pop()!
    const stemName = stem === 'index' ? target.split('/').slice(-2, -1)[0] ?? stem : stem
    const found: string[] = []
    for (const f of scripts) {
      if (f === target || deleted.has(f)) continue
      const text = currentText(f)
      if (!text.includes(stemName)) continue
      const g = new ModuleGraph(root, names)
      if (deps(g, f, text).has(target)) found.push(f)
    }
    importersCache.set(target, found)
    return found
  }
  while (candidates.length > 0) {
    const d = candidates.shift()!
    if (deleted.has(d) || !existsSync(join(root, d)) || entries.has(d)) continue
    importersCache.clear()
    const importers = importersOf(d).filter((f) => !deleted.has(f))
    const tests = importers.filter((f) => TEST_FILE.test(f))
    if (importers.length !== tests.length) continue
    const deadTests = tests.filter((t) => [...deps(new ModuleGraph(root, names), t, currentText(t))].every((x) => x === d || deleted.has(x)))
    if (deadTests.length !== tests.length) continue
    deleted.add(d)
    notes.push(`${d} deleted: only the removed code imported it`)
    for (const t of deadTests) {
      deleted.add(t)
      notes.push(`${t} deleted: it only tests ${d}`)
    }
    for (const x of deps(new ModuleGraph(root, names), d, currentText(d))) candidates.push(x)
  }
  for (const f of deleted) if (!original.has(f)) original.set(f, readFileSync(join(root, f), 'utf8'))
  return deleted
}

/**
 * An exported helper that only evaluated this flag (`export function useNewCheckout() { return
 * useFlag('new-checkout') }`) now returns a constant; when no file of the repository names it any
 * more, it is removed, and then what it alone used. Only helpers the repository called before the
 * removal: one nobody called may be public API of a package, and stays.
 */
function removeOrphanHelpers(
  root: string,
  graph: ModuleGraph,
  flag: string,
  refs: readonly FlagReference[],
  original: Map<string, string>,
  finalText: Map<string, string>,
  notes: string[],
): void {
  const helpers: { file: string; name: string }[] = []
  for (const file of finalText.keys()) {
    const m = graph.get(file)
    if (!m) continue
    for (const [name, b] of m.bindings) {
      if (b.kind !== 'function' || ![...m.localExports.values()].includes(name)) continue
      const w = graph.wrapperOf(m, b.node, name)
      const called = refs.some((r) => r.kind === 'wrapper' && r.via === name)
      if (w && w.paramIndex === undefined && w.flag === flag && called) helpers.push({ file, name })
    }
  }
  if (helpers.length === 0) return
  const scripts = walkFiles(root, createPathFilter([], [])).filter((f) => isScriptFile(f.rel)).map((f) => f.rel)
  for (const h of helpers) {
    const pattern = `(?<![\\w$])${h.name.replace(/[$]/g, '\\$')}(?![\\w$])`
    const word = new RegExp(pattern)
    const usedElsewhere = scripts.some((f) => f !== h.file && word.test(finalText.get(f) ?? readFileSync(join(root, f), 'utf8')))
    const own = finalText.get(h.file)!
    if (usedElsewhere || (own.match(new RegExp(pattern, 'g')) ?? []).length > 1) continue
    const out = removeExportedDeclaration(h.file, own, h.name)
    if (out === undefined) continue
    finalText.set(h.file, removeNewlyUnused(h.file, original.get(h.file)!, out).text)
    notes.push(`${h.file}: ${h.name}() removed: it only evaluated ${flag} and nothing calls it any more`)
  }
}

function removeExportedDeclaration(file: string, text: string, name: string): string | undefined {
  const sf = parseSource(file, text)
  for (const st of sf.statements) {
    const named =
      (ts.isFunctionDeclaration(st) && st.name?.text === name) ||
      (ts.isVariableStatement(st) && st.declarationList.declarations.length === 1 && ts.isIdentifier(st.declarationList.declarations[0]!.name) && st.declarationList.declarations[0]!.name.text === name)
    if (named) {
      const r = statementRange(text, st.getStart(sf), st.end)
      return text.slice(0, r.start) + text.slice(r.end)
    }
  }
  return undefined
}
