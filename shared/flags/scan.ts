// The reference scanner: every file the walk lets through is read once and tested by the byte
// prefilter; TS/JS files that match (a flag name, an SDK evaluation name, or a name a previous round
// learned: an exported constant, map, enum or wrapper) are parsed and their references resolved across
// files; other text files that match are searched for the names and aliases. Rounds repeat over the
// not-yet-parsed TS/JS files until no new name is learned, so a file that only says `FLAGS.newCheckout`
// or calls an imported wrapper is still found without parsing everything.
import ts from './typescript.js'
import type { FlagRef, FlagReference, ScanOptions, ScanResult } from './types.js'
import { createPrefilter, looksBinary } from './text-prefilter.js'
import { createPathFilter, FileReader, type WalkedFile } from './scan-files.js'
import { prefilterTree } from './scan-pool.js'
import { DEFAULT_OBJECT, flagObjects, isScriptFile, lineColumn, ModuleGraph, propertyNameText, unwrapExpression, useFlagsBindings } from './scan-modules.js'
import type { ParsedModule, Resolved } from './scan-modules.js'

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024

/** Substrings that every SDK evaluation name contains (checked by a test), so the prefilter stays small. */
export const SDK_NAME_STEMS = ['isEnabled', 'Variant', 'ariation', 'useFlag', 'allFlags', 'Value', 'Details', 'Feature', 'isOn', 'isOff'] as const

export interface ScanTimings {
  walkMs: number
  /** Walking, reading and testing every file in the first round (the walk overlaps the reads). */
  prefilterMs: number
  parseMs: number
  /** Later rounds: re-reading unparsed TS/JS files for learned names. */
  followMs: number
  rounds: number
  /** Threads that read in the first pass (1 = the main thread). */
  threads: number
}

export interface ScanResultWithTimings extends ScanResult {
  timings: ScanTimings
  filesSkipped: { binary: number; huge: number }
}

/** Builds the name -> flag map; a flag named twice (or an alias shared by two flags) is an error. */
export function flagNameMap(flags: readonly FlagRef[]): Map<string, string> {
  const names = new Map<string, string>()
  for (const f of flags) {
    for (const n of [f.name, ...(f.aliases ?? [])]) {
      if (n.trim() === '') throw new Error(`flag ${JSON.stringify(f.name)}: empty name or alias`)
      const owner = names.get(n)
      if (owner !== undefined && owner !== f.name) throw new Error(`flag name ${JSON.stringify(n)} is given to both ${owner} and ${f.name}`)
      names.set(n, f.name)
    }
  }
  return names
}

export async function scanRepository(flags: readonly FlagRef[], options: ScanOptions): Promise<ScanResultWithTimings> {
  const names = flagNameMap(flags)
  const flagNames = [...names.keys()]
  const known = new Set<string>()
  const graph = new ModuleGraph(options.root, names, (rel) => known.has(rel))
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES
  const reader = new FileReader(maxFileBytes)
  const references: FlagReference[] = []
  let bytesScanned = 0
  let filesScanned = 0
  const skipped = { binary: 0, huge: 0 }
  const unparsedScripts: WalkedFile[] = []
  const parsed: ParsedModule[] = []
  const matched: { rel: string; text: string }[] = []

  // Script files are tested for flag names and SDK stems (set 0), other text files for names (set 1).
  const t1 = performance.now()
  const tree = await prefilterTree(
    {
      root: options.root,
      filter: createPathFilter(options.include, options.exclude),
      patternSets: [[...flagNames, ...SDK_NAME_STEMS], flagNames],
      setOf: (rel) => (isScriptFile(rel) ? 0 : 1),
      maxFileBytes,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(options.parallelFrom === undefined ? {} : { parallelFrom: options.parallelFrom }),
    },
    (o) => {
      if (o.status === 'unreadable') return
      if (o.status === 'huge') {
        skipped.huge++
        return
      }
      filesScanned++
      bytesScanned += o.length
      if (o.status === 'binary') skipped.binary++
      else if (o.status === 'miss') {
        if (isScriptFile(o.file.rel)) unparsedScripts.push(o.file)
      } else matched.push({ rel: o.file.rel, text: o.bytes!.toString('utf8', 0, o.length) })
    },
  )
  const prefilterMs = performance.now() - t1
  for (const f of tree.files) known.add(f.rel)
  // Parsing waits for the walk: the module graph resolves imports against the whole file list.
  for (const o of matched) {
    if (isScriptFile(o.rel)) {
      const m = graph.get(o.rel, o.text)
      if (m) parsed.push(m)
    } else references.push(...textReferences(o.rel, o.text, names))
  }

  // Follow: names exported by flag-related modules, searched in the TS/JS files not parsed yet.
  const t2 = performance.now()
  const searched = new Set<string>([...flagNames, ...SDK_NAME_STEMS])
  let rounds = 1
  let pending = unparsedScripts
  for (;;) {
    const learned = new Set<string>()
    for (const m of graph.modules.values()) if (m) for (const n of interestingExports(graph, m)) if (!searched.has(n)) learned.add(n)
    if (learned.size === 0 || pending.length === 0) break
    rounds++
    for (const n of learned) searched.add(n)
    const filter = createPrefilter([...learned])
    const still: WalkedFile[] = []
    for (const f of pending) {
      const r = reader.read(f.abs)
      if (r === undefined || r === 'huge' || looksBinary(r.buf, r.length)) continue
      if (filter.test(r.buf, r.length)) {
        const m = graph.get(f.rel, r.buf.toString('utf8', 0, r.length))
        if (m && !parsed.includes(m)) parsed.push(m)
      } else still.push(f)
    }
    pending = still
  }
  // Modules parsed on demand while resolving (a barrel outside the prefilter's picks) count too.
  for (const m of graph.modules.values()) if (m && !parsed.includes(m)) parsed.push(m)
  const followMs = performance.now() - t2

  for (const m of parsed) references.push(...moduleReferences(graph, m))
  references.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column))
  return {
    references,
    filesScanned,
    filesParsed: graph.parsedCount,
    bytesScanned,
    filesSkipped: skipped,
    timings: { walkMs: tree.walkMs, prefilterMs, parseMs: graph.parseMs, followMs, rounds, threads: tree.threads },
  }
}

const WORD = /[A-Za-z0-9_$-]/

/** Occurrences of `name` in `text` not glued to a longer word (so `beta` does not match `beta-2`). */
export function* wordOccurrences(text: string, name: string): Generator<number> {
  for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + 1)) {
    const before = i > 0 ? text[i - 1]! : ''
    const after = text[i + name.length] ?? ''
    if ((before === '' || !WORD.test(before)) && (after === '' || !WORD.test(after))) yield i
  }
}

function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

function position(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (starts[mid]! <= offset) lo = mid
    else hi = mid - 1
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 }
}

export function textReferences(file: string, text: string, names: Map<string, string>): FlagReference[] {
  const out: FlagReference[] = []
  let starts: number[] | undefined
  const seen = new Set<number>()
  // Longest names first, so an alias inside a longer name is not counted twice at one place.
  for (const name of [...names.keys()].sort((a, b) => b.length - a.length)) {
    for (const at of wordOccurrences(text, name)) {
      if (seen.has(at)) continue
      seen.add(at)
      starts ??= lineStarts(text)
      out.push({ flag: names.get(name)!, file, ...position(starts, at), kind: 'text' })
    }
  }
  return out
}

/** Whether a resolved value holds a flag somewhere (a flag, or a map/enum with a flag member). */
export function holdsFlag(graph: ModuleGraph, r: Resolved | undefined, depth = 0): boolean {
  if (!r || depth > 6) return false
  if (r.kind === 'flag') return true
  if (r.kind === 'enum') return r.node.members.some((mem) => mem.initializer !== undefined && graph.flagOf(r.module, mem.initializer) !== undefined)
  if (r.kind === 'object')
    return r.node.properties.some(
      (p) => ts.isPropertyAssignment(p) && holdsFlag(graph, graph.resolveExpression(r.module, p.initializer), depth + 1),
    )
  if (r.kind === 'function') return graph.wrapperOf(r.module, r.node, r.name) !== undefined
  if (r.kind === 'namespace') return [...interestingExports(graph, r.module, depth + 1)].length > 0
  return false
}

/** `src/config/toggles.ts` -> `toggles`; `src/flags/index.ts` -> `flags`. */
function moduleStem(file: string): string {
  const parts = file.split('/')
  const base = parts[parts.length - 1]!.replace(/\.[cm]?[jt]sx?$/, '')
  return base === 'index' && parts.length > 1 ? parts[parts.length - 2]! : base
}

function* interestingExports(graph: ModuleGraph, m: ParsedModule, depth = 0): Generator<string> {
  if (depth > 6) return
  const names = new Set([...m.localExports.keys(), ...m.reexports.keys()])
  for (const n of names) {
    const r = graph.resolveExport(m, n)
    if (!holdsFlag(graph, r, depth)) continue
    if (n !== 'default') yield n
    else {
      // A default export is imported under any name, but the importing file names the module: its
      // stem (`toggles` for src/toggles.ts, the folder for an index file) is in the specifier.
      const stem = moduleStem(m.file)
      if (stem.length >= 3) yield stem
      if (r?.kind === 'function' && r.name !== 'default') yield r.name
      else if (m.localExports.get('default') && m.localExports.get('default') !== DEFAULT_OBJECT) yield m.localExports.get('default')!
    }
  }
  for (const s of m.stars) {
    const t = s ? graph.get(s) : undefined
    if (t) yield* interestingExports(graph, t, depth + 1)
  }
}

/** Every reference inside one parsed module. */
export function moduleReferences(graph: ModuleGraph, m: ParsedModule): FlagReference[] {
  const out: FlagReference[] = []
  const { sf } = m
  /** Ranges of string literals accounted for by a parsed reference. */
  const accounted: Array<[number, number]> = []
  /** Nodes that are an evaluation's flag argument (a use there is not an unknown use). */
  const argNodes = new Set<ts.Node>()
  const add = (flag: string, node: ts.Node, kind: FlagReference['kind'], via?: string) => {
    const ref: FlagReference = { flag, file: m.file, ...lineColumn(sf, node.getStart(sf)), kind }
    if (via !== undefined) ref.via = via
    out.push(ref)
  }
  const account = (n: ts.Node) => {
    const u = ts.isExpression(n) ? unwrapExpression(n) : n
    if (ts.isStringLiteralLike(u)) accounted.push([u.getStart(sf), u.end])
  }
  // Module-level constants, enum members and object-map entries holding a flag name.
  const declared = (e: ts.Expression, holder: string) => {
    const u = unwrapExpression(e)
    if (ts.isStringLiteralLike(u)) {
      const flag = graph.names.get(u.text)
      if (flag !== undefined) {
        add(flag, u, 'constant', holder)
        account(u)
      }
    } else if (ts.isObjectLiteralExpression(u)) {
      for (const p of u.properties) if (ts.isPropertyAssignment(p)) declared(p.initializer, `${holder}.${propertyNameText(p.name) ?? '?'}`)
    }
  }
  for (const [name, b] of m.bindings) {
    if (b.kind === 'value') declared(b.node, name)
    if (b.kind === 'enum') for (const mem of b.node.members) if (mem.initializer) declared(mem.initializer, `${name}.${propertyNameText(mem.name) ?? '?'}`)
  }
  // Re-exports of a flag constant are references too: the remover deletes them with the constant.
  for (const [name, re] of m.reexports) {
    if (re.name === '*') continue
    const r = graph.resolveExport(m, name)
    if (r?.kind === 'flag') add(r.flag, re.node, 'constant', name)
  }

  // LaunchDarkly's useFlags() destructured: each element naming a flag is an evaluation.
  for (const b of useFlagsBindings(m, graph.names)) {
    add(b.flag, b.element, 'evaluation', 'useFlags')
    account(b.element.propertyName ?? b.element.name)
  }
  // Flags objects (`const flags = useFlags()`, `client.allFlags()`): a key naming a flag is an
  // evaluation; a computed key, or the object passed on or spread, may read any flag.
  const objects = flagObjects(m, graph.names)
  for (const r of objects.reads) {
    add(r.flag, r.node, 'evaluation', r.via)
    if (ts.isElementAccessExpression(r.node)) account(r.node.argumentExpression)
  }
  for (const d of objects.dynamic) for (const flag of new Set(graph.names.values())) add(flag, d.node, 'text', `dynamic use of ${d.text}`)
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n)) {
      const c = graph.classifyCall(m, n)
      if (c?.flag !== undefined) {
        add(c.flag, n, c.kind, c.via)
        if (c.arg) {
          account(c.arg)
          argNodes.add(unwrapExpression(c.arg))
        }
      }
    }
    ts.forEachChild(n, visit)
  }
  visit(sf)

  // Uses of a flag-holding name that are not an evaluation argument: a name passed somewhere unknown,
  // or a map/enum iterated as a whole (dynamic). The remover leaves these by hand.
  const interesting = new Set<string>()
  for (const name of [...m.bindings.keys(), ...m.imports.keys()]) {
    const b = m.bindings.get(name)
    if (b?.kind === 'function') continue
    if (holdsFlag(graph, graph.resolveName(m, name))) interesting.add(name)
  }
  if (interesting.size > 0) {
    const uses = (n: ts.Node) => {
      if (ts.isIdentifier(n) && interesting.has(n.text) && isValueUse(n)) {
        let top: ts.Expression = n
        while (
          (ts.isPropertyAccessExpression(top.parent) && top.parent.expression === top) ||
          (ts.isElementAccessExpression(top.parent) && top.parent.expression === top) ||
          ts.isParenthesizedExpression(top.parent) ||
          ts.isAsExpression(top.parent) ||
          ts.isNonNullExpression(top.parent) ||
          ts.isSatisfiesExpression(top.parent)
        )
          top = top.parent as ts.Expression
        const inner = unwrapExpression(top)
        if (!argNodes.has(inner) && !isDeclarationInitializer(inner)) {
          // The longest chain that still resolves: `FLAGS.a.b` or, for a whole map, `FLAGS`.
          let probe: ts.Expression = inner
          let r = graph.resolveExpression(m, probe)
          while (!r && (ts.isPropertyAccessExpression(probe) || ts.isElementAccessExpression(probe))) {
            probe = probe.expression
            r = graph.resolveExpression(m, probe)
          }
          if (r?.kind === 'flag') add(r.flag, n, 'text', `use of ${probe.getText(sf)}`)
          else if (r && probe === inner) for (const flag of flagsHeld(graph, r)) add(flag, n, 'text', `dynamic use of ${probe.getText(sf)}`)
        }
      }
      ts.forEachChild(n, uses)
    }
    uses(sf)
  }

  // Remaining textual mentions (strings passed elsewhere, comments, JSX text).
  for (const name of graph.names.keys()) {
    for (const at of wordOccurrences(m.text, name)) {
      if (accounted.some(([s, e]) => at >= s && at < e)) continue
      const node = deepestAt(sf, at)
      if (node && ts.isIdentifier(node)) continue
      const via = !node ? 'comment' : ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node) ? 'string' : ts.isJsxText(node) ? 'jsx text' : 'comment'
      const { line, column } = lineColumn(sf, at)
      out.push({ flag: graph.names.get(name)!, file: m.file, line, column, kind: 'text', via })
    }
  }
  return out
}

function flagsHeld(graph: ModuleGraph, r: Resolved): string[] {
  const out = new Set<string>()
  const walk = (x: Resolved | undefined, depth: number) => {
    if (!x || depth > 6) return
    if (x.kind === 'flag') out.add(x.flag)
    else if (x.kind === 'enum') {
      for (const mem of x.node.members) if (mem.initializer) walk(graph.resolveExpression(x.module, mem.initializer), depth + 1)
    } else if (x.kind === 'object') {
      for (const p of x.node.properties) if (ts.isPropertyAssignment(p)) walk(graph.resolveExpression(x.module, p.initializer), depth + 1)
    }
  }
  walk(r, 0)
  return [...out]
}

function isValueUse(id: ts.Identifier): boolean {
  const p = id.parent
  if (ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p) || ts.isExportSpecifier(p)) return false
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false
  if (ts.isQualifiedName(p)) return false
  if ((ts.isVariableDeclaration(p) || ts.isEnumDeclaration(p) || ts.isFunctionDeclaration(p) || ts.isPropertyAssignment(p) || ts.isParameter(p)) && p.name === id) return false
  if (ts.isTypeReferenceNode(p) || ts.isTypeQueryNode(p) || ts.isExpressionWithTypeArguments(p)) return false
  if (ts.isExportAssignment(p)) return false
  return true
}

function isDeclarationInitializer(e: ts.Expression): boolean {
  const p = e.parent
  return (ts.isVariableDeclaration(p) && p.initializer === e && ts.isSourceFile(p.parent.parent.parent)) || (ts.isPropertyAssignment(p) && p.initializer === e)
}

export function deepestAt(sf: ts.SourceFile, pos: number): ts.Node | undefined {
  let found: ts.Node | undefined
  const descend = (n: ts.Node) => {
    ts.forEachChild(n, (c) => {
      if (c.getStart(sf) <= pos && pos < c.end) {
        found = c
        descend(c)
        return true
      }
      return undefined
    })
  }
  descend(sf)
  return found
}
