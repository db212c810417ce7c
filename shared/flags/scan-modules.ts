// TS/JS understanding shared by the scanner and the remover: parse a module with the TypeScript
// compiler API (createSourceFile only: no Program, no type checker, so a file costs one parse), read
// its imports, exports and module-level bindings, and resolve an expression to a flag name across
// files (constants, enums, object maps, namespace imports, re-exports, `export *`). Calls are classed
// as SDK evaluations, the repository's wrappers (a function passing a parameter on to an evaluation,
// transitively) or helpers (a function that returns the evaluation of one fixed flag).
import ts from './typescript.js'
import { existsSync, readFileSync } from 'node:fs'
import { join, posix } from 'node:path'

export const SCRIPT_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const

/** The binding name of an `export default { ... }` object (not a valid identifier, so no clash). */
export const DEFAULT_OBJECT = '<default>'

export interface TsconfigAliases {
  /** Repo-relative folder non-relative specifiers resolve against ('' = the root), if set. */
  baseUrl: string | undefined
  /** `paths` patterns (at most one `*` each) with their repo-relative targets, in file order. */
  paths: { pattern: string; targets: string[] }[]
}

/**
 * Reads `compilerOptions.baseUrl` and `paths` from the root tsconfig.json (JSON with comments and
 * trailing commas, as tsc allows). `paths` targets resolve against baseUrl, or the tsconfig's
 * folder without one. `extends` is not followed.
 */
export function readTsconfigAliases(readText: (rel: string) => string | undefined): TsconfigAliases | null {
  const text = readText('tsconfig.json')
  if (text === undefined) return null
  const parsed = ts.parseConfigFileTextToJson('tsconfig.json', text)
  const options = (parsed.config as { compilerOptions?: { baseUrl?: unknown; paths?: unknown } } | undefined)?.compilerOptions
  if (!options) return null
  const norm = (p: string) => {
    const n = posix.normalize(p.replace(/\\/g, '/')).replace(/^\.\/?/, '').replace(/\/$/, '')
    return n === '.' ? '' : n
  }
  const baseUrl = typeof options.baseUrl === 'string' ? norm(options.baseUrl) : undefined
  const paths: TsconfigAliases['paths'] = []
  if (options.paths && typeof options.paths === 'object') {
    for (const [pattern, targets] of Object.entries(options.paths as Record<string, unknown>)) {
      if (!Array.isArray(targets)) continue
      paths.push({ pattern, targets: targets.filter((t): t is string => typeof t === 'string').map((t) => norm(posix.join(baseUrl ?? '', t))) })
    }
  }
  if (baseUrl === undefined && paths.length === 0) return null
  return { baseUrl, paths }
}

/** Where a non-relative specifier may point: `paths` matches (longest prefix first), then baseUrl. */
export function aliasTargets(a: TsconfigAliases, spec: string): string[] {
  const out: string[] = []
  const matches = a.paths
    .map((p) => {
      const star = p.pattern.indexOf('*')
      if (star === -1) return p.pattern === spec ? { p, rest: '', prefix: p.pattern.length } : undefined
      const prefix = p.pattern.slice(0, star)
      const suffix = p.pattern.slice(star + 1)
      if (!spec.startsWith(prefix) || !spec.endsWith(suffix) || spec.length < prefix.length + suffix.length) return undefined
      return { p, rest: spec.slice(prefix.length, spec.length - suffix.length), prefix: prefix.length }
    })
    .filter((x): x is { p: TsconfigAliases['paths'][number]; rest: string; prefix: number } => x !== undefined)
    .sort((x, y) => y.prefix - x.prefix)
  for (const { p, rest } of matches) for (const t of p.targets) out.push(t.replace('*', rest))
  if (a.baseUrl !== undefined) out.push(posix.join(a.baseUrl, spec))
  return out.map((t) => posix.normalize(t))
}

export function isScriptFile(rel: string): boolean {
  if (rel.endsWith('.d.ts') || rel.endsWith('.d.mts') || rel.endsWith('.d.cts')) return false
  return SCRIPT_EXTENSIONS.some((e) => rel.endsWith(e))
}

/**
 * What an evaluation returns, which decides the literal a removal substitutes:
 * `boolean` (isEnabled), `negated` (GrowthBook isOff), `value` (variation, getStringValue),
 * `variant-object` (Unleash getVariant: `.name`), `details` (OpenFeature …Details: `.value`),
 * `feature-result` (GrowthBook useFeature/evalFeature: `.on`, `.off`, `.value`).
 */
export type ResultShape = 'boolean' | 'negated' | 'value' | 'variant-object' | 'details' | 'feature-result' | 'unknown'

/** SDK evaluation functions; the flag key is the first argument of every one of them. */
export const SDK_EVALUATIONS: Readonly<Record<string, ResultShape>> = {
  // Unleash (node, proxy/frontend, React)
  isEnabled: 'boolean',
  getVariant: 'variant-object',
  useFlag: 'boolean',
  useVariant: 'variant-object',
  // LaunchDarkly (server, client, React hooks take keys through useFlags, which is not a key call)
  variation: 'value',
  boolVariation: 'value',
  stringVariation: 'value',
  numberVariation: 'value',
  jsonVariation: 'value',
  variationDetail: 'details',
  boolVariationDetail: 'details',
  stringVariationDetail: 'details',
  numberVariationDetail: 'details',
  jsonVariationDetail: 'details',
  // OpenFeature (server/web SDK and React)
  getBooleanValue: 'value',
  getStringValue: 'value',
  getNumberValue: 'value',
  getObjectValue: 'value',
  getBooleanDetails: 'details',
  getStringDetails: 'details',
  getNumberDetails: 'details',
  getObjectDetails: 'details',
  useBooleanFlagValue: 'value',
  useStringFlagValue: 'value',
  useNumberFlagValue: 'value',
  useObjectFlagValue: 'value',
  useBooleanFlagDetails: 'details',
  useStringFlagDetails: 'details',
  useNumberFlagDetails: 'details',
  useObjectFlagDetails: 'details',
  // GrowthBook (JS and React)
  isOn: 'boolean',
  isOff: 'negated',
  getFeatureValue: 'value',
  evalFeature: 'feature-result',
  useFeature: 'feature-result',
  useFeatureIsOn: 'boolean',
  useFeatureValue: 'value',
  // Flagsmith
  hasFeature: 'boolean',
  isFeatureEnabled: 'boolean',
}

export const SDK_EVALUATION_NAMES = Object.keys(SDK_EVALUATIONS)

export interface ImportBinding {
  /** Resolved repo-relative module, undefined for packages or unresolvable specifiers. */
  module: string | undefined
  /** 'default', '*' (namespace) or the exported name. */
  name: string
  node: ts.ImportSpecifier | ts.ImportClause | ts.NamespaceImport
}

export type LocalBinding =
  | { kind: 'value'; node: ts.Expression; decl?: ts.VariableDeclaration }
  | { kind: 'enum'; node: ts.EnumDeclaration }
  | { kind: 'function'; node: ts.FunctionLikeDeclaration; name: string }

export interface ParsedModule {
  file: string
  text: string
  sf: ts.SourceFile
  imports: Map<string, ImportBinding>
  /** exported name -> local name (export const, export { a as b }, export default function f). */
  localExports: Map<string, string>
  /** exported name -> re-exported binding (export { a as b } from './x'). */
  reexports: Map<string, { module: string | undefined; name: string; node: ts.ExportSpecifier }>
  stars: (string | undefined)[]
  bindings: Map<string, LocalBinding>
  /** Relative module specifiers this file imports or re-exports (resolved), for reachability. */
  dependencies: Set<string>
}

export type Resolved =
  | { kind: 'flag'; flag: string; node: ts.Node; module: ParsedModule }
  | { kind: 'object'; node: ts.ObjectLiteralExpression; module: ParsedModule }
  | { kind: 'enum'; node: ts.EnumDeclaration; module: ParsedModule }
  | { kind: 'namespace'; module: ParsedModule }
  | { kind: 'function'; node: ts.FunctionLikeDeclaration; module: ParsedModule; name: string }

export interface Wrapper {
  /** Argument index that carries the flag name; undefined for a helper of one fixed flag. */
  paramIndex: number | undefined
  /** The fixed flag of a helper. */
  flag?: string
  shape: ResultShape
  name: string
}

export interface CallClass {
  kind: 'evaluation' | 'wrapper'
  via: string
  shape: ResultShape
  /** The flag, when the argument resolves to one. */
  flag: string | undefined
  /** The argument node carrying the name (undefined for helpers). */
  arg: ts.Expression | undefined
}

export function scriptKind(file: string): ts.ScriptKind {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX
  if (file.endsWith('.jsx')) return ts.ScriptKind.JSX
  if (file.endsWith('.js') || file.endsWith('.mjs') || file.endsWith('.cjs')) return ts.ScriptKind.JSX
  return ts.ScriptKind.TS
}

export function parseSource(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file))
}

export function unwrapExpression(e: ts.Expression): ts.Expression {
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isSatisfiesExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isTypeAssertionExpression(e)
  )
    e = e.expression
  return e
}

export function propertyNameText(name: ts.PropertyName | ts.MemberName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text
  if (ts.isNoSubstitutionTemplateLiteral(name)) return name.text
  if (ts.isComputedPropertyName(name) && ts.isStringLiteralLike(name.expression)) return name.expression.text
  return undefined
}

function hasExportModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
}

function hasDefaultModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)
}

/**
 * A project of parsed modules rooted at `root`. Modules are parsed on demand, so following an import
 * into a file the prefilter did not pick (a barrel, a constants file under another name) still works.
 */
export class ModuleGraph {
  readonly modules = new Map<string, ParsedModule | null>()
  private readonly wrapperMemo = new Map<ts.Node, Wrapper | null | 'pending'>()
  /** Flag name or alias -> flag. */
  readonly names: Map<string, string>
  parsedCount = 0
  parseMs = 0

  constructor(
    readonly root: string,
    names: Map<string, string>,
    private readonly exists: (rel: string) => boolean = (rel) => existsSync(join(root, rel)),
    private readonly readText: (rel: string) => string | undefined = (rel) => {
      try {
        return readFileSync(join(root, rel), 'utf8')
      } catch {
        return undefined
      }
    },
  ) {
    this.names = names
  }

  private aliasConfig: TsconfigAliases | null | undefined

  /** The root tsconfig.json's `baseUrl` and `paths` (read once; null when there are none). */
  private aliases(): TsconfigAliases | null {
    if (this.aliasConfig === undefined) this.aliasConfig = readTsconfigAliases(this.readText)
    return this.aliasConfig
  }

  /**
   * Resolves a specifier the way bundlers and NodeNext do for TS sources: relative ones against the
   * importing file, others through the root tsconfig's `paths` patterns and then its `baseUrl`
   * (a package name that matches neither stays unresolved, as a package).
   */
  resolveSpecifier(from: string, spec: string): string | undefined {
    if (!spec.startsWith('./') && !spec.startsWith('../') && spec !== '.' && spec !== '..') {
      const a = this.aliases()
      if (!a) return undefined
      for (const target of aliasTargets(a, spec)) {
        const r = this.resolveBase(target)
        if (r) return r
      }
      return undefined
    }
    return this.resolveBase(posix.normalize(posix.join(posix.dirname(from), spec)))
  }

  private resolveBase(base: string): string | undefined {
    if (base.startsWith('../') || base === '..') return undefined
    const candidates: string[] = []
    const ext = posix.extname(base)
    if (ext !== '' && this.exists(base) && isScriptFile(base)) return base
    if (['.js', '.jsx', '.mjs', '.cjs'].includes(ext)) {
      const stem = base.slice(0, -ext.length)
      const mapped = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] }[ext] ?? []
      for (const m of mapped) candidates.push(stem + m)
    }
    for (const e of SCRIPT_EXTENSIONS) candidates.push(base + e)
    for (const e of SCRIPT_EXTENSIONS) candidates.push(`${base}/index${e}`)
    return candidates.find((c) => this.exists(c))
  }

  get(file: string, text?: string): ParsedModule | undefined {
    const known = this.modules.get(file)
    if (known !== undefined) return known ?? undefined
    const source = text ?? this.readText(file)
    if (source === undefined || !isScriptFile(file)) {
      this.modules.set(file, null)
      return undefined
    }
    const started = performance.now()
    const sf = parseSource(file, source)
    this.parseMs += performance.now() - started
    this.parsedCount++
    const m = this.index(file, source, sf)
    this.modules.set(file, m)
    return m
  }

  /** Replaces a module's text (the remover re-reads a file it rewrote). */
  forget(file: string): void {
    this.modules.delete(file)
    this.wrapperMemo.clear()
  }

  private index(file: string, text: string, sf: ts.SourceFile): ParsedModule {
    const m: ParsedModule = {
      file,
      text,
      sf,
      imports: new Map(),
      localExports: new Map(),
      reexports: new Map(),
      stars: [],
      bindings: new Map(),
      dependencies: new Set(),
    }
    const dep = (spec: string) => {
      const r = this.resolveSpecifier(file, spec)
      if (r) m.dependencies.add(r)
      return r
    }
    for (const st of sf.statements) {
      if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
        const mod = dep(st.moduleSpecifier.text)
        const clause = st.importClause
        if (!clause) continue
        if (clause.name) m.imports.set(clause.name.text, { module: mod, name: 'default', node: clause })
        const nb = clause.namedBindings
        if (nb && ts.isNamespaceImport(nb)) m.imports.set(nb.name.text, { module: mod, name: '*', node: nb })
        if (nb && ts.isNamedImports(nb))
          for (const el of nb.elements) m.imports.set(el.name.text, { module: mod, name: (el.propertyName ?? el.name).text, node: el })
      } else if (ts.isExportDeclaration(st)) {
        const spec = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined
        const mod = spec !== undefined ? dep(spec) : undefined
        if (!st.exportClause) {
          if (spec !== undefined) m.stars.push(mod)
        } else if (ts.isNamespaceExport(st.exportClause)) {
          // export * as ns from './x': a namespace under a name; followed through reexports with '*'.
          if (spec !== undefined) m.reexports.set(st.exportClause.name.text, { module: mod, name: '*', node: st.exportClause as unknown as ts.ExportSpecifier })
        } else {
          for (const el of st.exportClause.elements) {
            const local = (el.propertyName ?? el.name).text
            if (spec !== undefined) m.reexports.set(el.name.text, { module: mod, name: local, node: el })
            else m.localExports.set(el.name.text, local)
          }
        }
      } else if (ts.isExportAssignment(st)) {
        const e = unwrapExpression(st.expression)
        if (ts.isIdentifier(e)) m.localExports.set('default', e.text)
        else if (ts.isObjectLiteralExpression(e) && !m.bindings.has(DEFAULT_OBJECT)) {
          // `export default { newCheckout: 'new-checkout' }`: a map under a name no code can write.
          m.bindings.set(DEFAULT_OBJECT, { kind: 'value', node: st.expression })
          m.localExports.set('default', DEFAULT_OBJECT)
        }
      } else if (ts.isVariableStatement(st)) {
        const exported = hasExportModifier(st)
        for (const d of st.declarationList.declarations) {
          if (!ts.isIdentifier(d.name) || !d.initializer) continue
          const init = unwrapExpression(d.initializer)
          if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) m.bindings.set(d.name.text, { kind: 'function', node: init, name: d.name.text })
          else m.bindings.set(d.name.text, { kind: 'value', node: d.initializer, decl: d })
          if (exported) m.localExports.set(d.name.text, d.name.text)
        }
      } else if (ts.isEnumDeclaration(st)) {
        m.bindings.set(st.name.text, { kind: 'enum', node: st })
        if (hasExportModifier(st)) m.localExports.set(st.name.text, st.name.text)
      } else if (ts.isFunctionDeclaration(st) && st.body) {
        const name = st.name?.text ?? 'default'
        m.bindings.set(name, { kind: 'function', node: st, name })
        if (hasExportModifier(st)) m.localExports.set(hasDefaultModifier(st) ? 'default' : name, name)
      }
    }
    // CommonJS: require('./x') and dynamic import('./x') count as dependencies for reachability.
    const visit = (n: ts.Node) => {
      if (ts.isCallExpression(n) && n.arguments.length === 1 && ts.isStringLiteral(n.arguments[0]!)) {
        if ((ts.isIdentifier(n.expression) && n.expression.text === 'require') || n.expression.kind === ts.SyntaxKind.ImportKeyword) dep((n.arguments[0] as ts.StringLiteral).text)
      }
      ts.forEachChild(n, visit)
    }
    if (/\brequire\s*\(|\bimport\s*\(/.test(text)) visit(sf)
    return m
  }

  /** The module an identifier or an exported name refers to, followed to its definition. */
  resolveName(m: ParsedModule, name: string, depth = 0): Resolved | undefined {
    if (depth > 40) return undefined
    const b = m.bindings.get(name)
    if (b) {
      if (b.kind === 'enum') return { kind: 'enum', node: b.node, module: m }
      if (b.kind === 'function') return { kind: 'function', node: b.node, module: m, name: b.name }
      return this.resolveExpression(m, b.node, depth + 1)
    }
    const imp = m.imports.get(name)
    if (imp && imp.module) {
      const target = this.get(imp.module)
      if (!target) return undefined
      if (imp.name === '*') return { kind: 'namespace', module: target }
      return this.resolveExport(target, imp.name, depth + 1)
    }
    return undefined
  }

  resolveExport(m: ParsedModule, name: string, depth = 0, seen = new Set<string>()): Resolved | undefined {
    if (depth > 40 || seen.has(`${m.file}#${name}`)) return undefined
    seen.add(`${m.file}#${name}`)
    const local = m.localExports.get(name)
    if (local !== undefined) return this.resolveName(m, local, depth + 1)
    const re = m.reexports.get(name)
    if (re) {
      const target = re.module ? this.get(re.module) : undefined
      if (!target) return undefined
      if (re.name === '*') return { kind: 'namespace', module: target }
      return this.resolveExport(target, re.name, depth + 1, seen)
    }
    if (name === 'default') return undefined
    for (const s of m.stars) {
      const target = s ? this.get(s) : undefined
      const r = target ? this.resolveExport(target, name, depth + 1, seen) : undefined
      if (r) return r
    }
    return undefined
  }

  resolveExpression(m: ParsedModule, expr: ts.Expression, depth = 0): Resolved | undefined {
    if (depth > 40) return undefined
    const e = unwrapExpression(expr)
    if (ts.isStringLiteralLike(e)) {
      const flag = this.names.get(e.text)
      return flag !== undefined ? { kind: 'flag', flag, node: e, module: m } : undefined
    }
    if (ts.isIdentifier(e)) return this.resolveName(m, e.text, depth + 1)
    if (ts.isObjectLiteralExpression(e)) return { kind: 'object', node: e, module: m }
    let base: ts.Expression | undefined
    let member: string | undefined
    if (ts.isPropertyAccessExpression(e)) {
      base = e.expression
      member = e.name.text
    } else if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) {
      base = e.expression
      member = e.argumentExpression.text
    }
    if (!base || member === undefined) return undefined
    const owner = this.resolveExpression(m, base, depth + 1)
    return owner ? this.member(owner, member, depth + 1) : undefined
  }

  member(owner: Resolved, name: string, depth: number): Resolved | undefined {
    if (owner.kind === 'namespace') return this.resolveExport(owner.module, name, depth + 1)
    if (owner.kind === 'enum') {
      const mem = owner.node.members.find((x) => propertyNameText(x.name) === name)
      return mem?.initializer ? this.resolveExpression(owner.module, mem.initializer, depth + 1) : undefined
    }
    if (owner.kind === 'object') {
      for (const p of owner.node.properties) {
        if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === name) return this.resolveExpression(owner.module, p.initializer, depth + 1)
        if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return this.resolveName(owner.module, name, depth + 1)
      }
    }
    return undefined
  }

  /** Classifies a call: an SDK evaluation, a call of the repository's wrapper/helper, or neither. */
  classifyCall(m: ParsedModule, call: ts.CallExpression): CallClass | undefined {
    const callee = unwrapExpression(call.expression)
    let calleeName: string | undefined
    let target: Resolved | undefined
    if (ts.isIdentifier(callee)) {
      calleeName = callee.text
      target = this.resolveName(m, callee.text)
    } else if (ts.isPropertyAccessExpression(callee)) {
      calleeName = callee.name.text
      const owner = this.resolveExpression(m, callee.expression)
      if (owner) target = this.member(owner, calleeName, 0)
    } else return undefined
    if (target?.kind === 'function') {
      const w = this.wrapperOf(target.module, target.node, target.name)
      if (w) {
        const arg = w.paramIndex === undefined ? undefined : call.arguments[w.paramIndex]
        const flag = w.paramIndex === undefined ? w.flag : arg ? this.flagOf(m, arg) : undefined
        return { kind: 'wrapper', via: calleeName, shape: w.shape, flag, arg }
      }
      return undefined
    }
    const shape = SDK_EVALUATIONS[calleeName]
    // A local binding of the same name that is not a function we recognise is not the SDK.
    if (shape === undefined || (ts.isIdentifier(callee) && m.bindings.has(calleeName))) return undefined
    const arg = call.arguments[0]
    return { kind: 'evaluation', via: calleeName, shape, flag: arg ? this.flagOf(m, arg) : undefined, arg }
  }

  flagOf(m: ParsedModule, e: ts.Expression): string | undefined {
    const r = this.resolveExpression(m, e)
    return r?.kind === 'flag' ? r.flag : undefined
  }

  /**
   * Whether a function is a wrapper: it passes one of its parameters (unchanged) as the flag of an
   * evaluation or of another wrapper; or a helper: its result is the evaluation of one fixed flag.
   */
  wrapperOf(m: ParsedModule, fn: ts.FunctionLikeDeclaration, name: string): Wrapper | undefined {
    const memo = this.wrapperMemo.get(fn)
    if (memo === 'pending' || memo === null) return undefined
    if (memo) return memo
    this.wrapperMemo.set(fn, 'pending')
    const params = fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : undefined))
    let found: Wrapper | undefined
    const returned = returnedExpression(fn)
    const visit = (n: ts.Node): void => {
      if (found) return
      if (n !== fn && ts.isFunctionLike(n)) return
      if (ts.isCallExpression(n)) {
        const c = this.classifyCall(m, n)
        if (c && c.arg && ts.isIdentifier(unwrapExpression(c.arg))) {
          const idx = params.indexOf((unwrapExpression(c.arg) as ts.Identifier).text)
          if (idx !== -1) {
            found = { paramIndex: idx, shape: returnsCall(returned, n) ? c.shape : 'unknown', name }
            return
          }
        }
      }
      ts.forEachChild(n, visit)
    }
    if (fn.body) visit(fn.body)
    if (!found && returned) {
      const inner = unwrapExpression(returned)
      if (ts.isCallExpression(inner)) {
        const c = this.classifyCall(m, inner)
        if (c?.flag !== undefined) found = { paramIndex: undefined, flag: c.flag, shape: c.shape, name }
      }
    }
    this.wrapperMemo.set(fn, found ?? null)
    return found
  }
}

/** The single expression a function returns (expression body or a body of one return), if any. */
export function returnedExpression(fn: ts.FunctionLikeDeclaration): ts.Expression | undefined {
  if (!fn.body) return undefined
  if (!ts.isBlock(fn.body)) return fn.body
  const sts = fn.body.statements
  const last = sts[sts.length - 1]
  if (sts.length === 1 && last && ts.isReturnStatement(last) && last.expression) return last.expression
  return undefined
}

function returnsCall(returned: ts.Expression | undefined, call: ts.CallExpression): boolean {
  return returned !== undefined && unwrapExpression(returned) === call
}

/**
 * LaunchDarkly's React SDK hands out every flag at once: `const { newCheckout } = useFlags()`, keyed
 * by the flag key camel-cased (its `useCamelCaseFlagKeys` option, on by default; lodash's camelCase)
 * or, with that option off, by the key itself. Returns each binding element of such a destructuring
 * with the flag its key names.
 */
export function useFlagsBindings(m: ParsedModule, names: ReadonlyMap<string, string>): { element: ts.BindingElement; flag: string; key: string }[] {
  if (!m.text.includes('useFlags')) return []
  const camel = new Map<string, string>()
  for (const [n, flag] of names) camel.set(ldCamelCase(n), flag)
  const out: { element: ts.BindingElement; flag: string; key: string }[] = []
  const visit = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) && ts.isObjectBindingPattern(n.name) && n.initializer && isUseFlagsCall(m, unwrapExpression(n.initializer))) {
      for (const el of n.name.elements) {
        if (el.dotDotDotToken) continue
        const keyNode = el.propertyName ?? el.name
        const key = ts.isIdentifier(keyNode) || ts.isStringLiteral(keyNode) ? keyNode.text : undefined
        if (key === undefined) continue
        const flag = names.get(key) ?? camel.get(key)
        if (flag !== undefined) out.push({ element: el, flag, key })
      }
    }
    ts.forEachChild(n, visit)
  }
  visit(m.sf)
  return out
}

/** Where a read of a flags object comes from: LaunchDarkly React's `useFlags()` or a client's `allFlags()`. */
export type FlagObjectSource = 'useFlags' | 'allFlags'

/** `flags.newCheckout`, `flags['new-checkout']`, `useFlags().newCheckout`: one flag read off a flags object. */
export interface FlagObjectRead {
  node: ts.PropertyAccessExpression | ts.ElementAccessExpression
  flag: string
  key: string
  via: FlagObjectSource
}

/** `const flags = useFlags()` (or `= client.allFlags()`) and every use of that binding. */
export interface FlagObjectBinding {
  decl: ts.VariableDeclaration
  via: FlagObjectSource
  /** Every value use of the binding (the identifiers), reads of a flag and others alike. */
  uses: ts.Identifier[]
}

export interface FlagObjects {
  reads: FlagObjectRead[]
  bindings: FlagObjectBinding[]
  /** Uses the scanner cannot key to one flag: a computed key, the object passed on or spread. */
  dynamic: { node: ts.Node; via: FlagObjectSource; text: string }[]
}

/**
 * Every flags object of a module and what is read off it. LaunchDarkly hands out all flags at once:
 * the React SDK's `useFlags()` keyed by the camel-cased key (`new-checkout` -> `newCheckout`, its
 * default `useCamelCaseFlagKeys`) and the JavaScript client's `allFlags()` keyed by the key itself;
 * both spellings are accepted for both. A `flags` that is not such a binding (another object, a
 * parameter, a shadowing declaration) is never one: names are resolved through the scopes.
 */
export function flagObjects(m: ParsedModule, names: ReadonlyMap<string, string>): FlagObjects {
  const out: FlagObjects = { reads: [], bindings: [], dynamic: [] }
  if (!m.text.includes('useFlags') && !m.text.includes('allFlags')) return out
  const camel = new Map<string, string>()
  for (const [n, flag] of names) camel.set(ldCamelCase(n), flag)
  const flagOf = (key: string) => names.get(key) ?? camel.get(key)
  const sourceOf = (e: ts.Expression): FlagObjectSource | undefined => {
    const u = unwrapExpression(e)
    if (isUseFlagsCall(m, u)) return 'useFlags'
    if (ts.isCallExpression(u) && u.arguments.length === 0) {
      const callee = unwrapExpression(u.expression)
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'allFlags') return 'allFlags'
    }
    return undefined
  }
  /** A read of one key off `object` (the member expression holding it), or undefined. */
  const readOf = (object: ts.Expression): { node: FlagObjectRead['node']; key: string } | 'dynamic' | undefined => {
    let top: ts.Expression = object
    while (ts.isParenthesizedExpression(top.parent) || ts.isNonNullExpression(top.parent) || ts.isAsExpression(top.parent)) top = top.parent as ts.Expression
    const p = top.parent
    if (ts.isPropertyAccessExpression(p) && p.expression === top) return { node: p, key: p.name.text }
    if (ts.isElementAccessExpression(p) && p.expression === top) {
      const arg = unwrapExpression(p.argumentExpression)
      return ts.isStringLiteralLike(arg) ? { node: p, key: arg.text } : 'dynamic'
    }
    return undefined
  }
  const record = (object: ts.Expression, via: FlagObjectSource, whole: boolean) => {
    const r = readOf(object)
    if (r === undefined) {
      if (whole) out.dynamic.push({ node: object, via, text: object.getText(m.sf) })
    } else if (r === 'dynamic') out.dynamic.push({ node: object.parent, via, text: object.parent.getText(m.sf) })
    else {
      const flag = flagOf(r.key)
      if (flag !== undefined) out.reads.push({ node: r.node, flag, key: r.key, via })
    }
  }
  const visit = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && ts.isVariableDeclarationList(n.parent) && (n.parent.flags & ts.NodeFlags.Const) !== 0) {
      const via = sourceOf(n.initializer)
      if (via !== undefined) {
        const uses = bindingUses(n)
        out.bindings.push({ decl: n, via, uses })
        for (const id of uses) record(id, via, true)
      }
    } else if (ts.isCallExpression(n) && !(ts.isVariableDeclaration(n.parent) && n.parent.initializer === n)) {
      // `useFlags().newCheckout` read in place.
      const via = sourceOf(n)
      if (via !== undefined) record(n, via, false)
    }
    ts.forEachChild(n, visit)
  }
  visit(m.sf)
  return out
}

/** The value uses of a `const` declared by identifier `decl`, resolved through the scopes between. */
function bindingUses(decl: ts.VariableDeclaration): ts.Identifier[] {
  const name = (decl.name as ts.Identifier).text
  const statement = decl.parent.parent
  const scope = statement.parent
  const uses: ts.Identifier[] = []
  const visit = (n: ts.Node, shadowed: boolean) => {
    if (n !== scope && declaresName(n, name, decl)) shadowed = true
    if (!shadowed && ts.isIdentifier(n) && n.text === name && n !== decl.name && isValueReference(n)) uses.push(n)
    ts.forEachChild(n, (c) => visit(c, shadowed))
  }
  visit(scope, false)
  return uses
}

/** Whether scope node `n` declares `name` itself (besides `except`): parameters, its own declarations. */
function declaresName(n: ts.Node, name: string, except: ts.VariableDeclaration): boolean {
  const names: string[] = []
  const collect = (b: ts.BindingName) => {
    if (ts.isIdentifier(b)) names.push(b.text)
    else for (const el of b.elements) if (!ts.isOmittedExpression(el)) collect(el.name)
  }
  if (ts.isFunctionLike(n)) {
    for (const p of n.parameters) collect(p.name)
    if ((ts.isFunctionExpression(n) || ts.isClassExpression(n)) && n.name) names.push(n.name.text)
  } else if (ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n) || ts.isCaseClause(n) || ts.isDefaultClause(n)) {
    for (const st of n.statements) {
      if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (d !== except) collect(d.name)
      if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) names.push(st.name.text)
    }
  } else if ((ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n)) && n.initializer && ts.isVariableDeclarationList(n.initializer)) {
    for (const d of n.initializer.declarations) collect(d.name)
  } else if (ts.isCatchClause(n) && n.variableDeclaration) collect(n.variableDeclaration.name)
  return names.includes(name)
}

/** An identifier read as a value (not a property name, a key, a declaration's name or a type). */
function isValueReference(id: ts.Identifier): boolean {
  const p = id.parent
  if ((ts.isPropertyAccessExpression(p) || ts.isQualifiedName(p)) && (p as ts.PropertyAccessExpression).name === id) return false
  if ((ts.isPropertyAssignment(p) || ts.isBindingElement(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isPropertySignature(p)) && (p.name === id || (ts.isBindingElement(p) && p.propertyName === id))) return false
  if (ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isClassDeclaration(p)) return p.name !== id
  if (ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p) || ts.isExportSpecifier(p)) return false
  if (ts.isTypeReferenceNode(p) || ts.isTypeQueryNode(p) || ts.isJsxAttribute(p) || ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) return false
  return true
}

function isUseFlagsCall(m: ParsedModule, e: ts.Expression): boolean {
  if (!ts.isCallExpression(e) || e.arguments.length > 0) return false
  const callee = unwrapExpression(e.expression)
  if (ts.isIdentifier(callee)) return callee.text === 'useFlags' && !m.bindings.has('useFlags')
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'useFlags'
}

/** lodash's camelCase, which LaunchDarkly's React SDK applies to flag keys: `new-checkout` -> `newCheckout`. */
export function ldCamelCase(key: string): string {
  const words = key.match(/[A-Z]{2,}(?=[A-Z][a-z]+[0-9]*|[^A-Za-z0-9]|$)|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+/g) ?? []
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join('')
}

export function lineColumn(sf: ts.SourceFile, pos: number): { line: number; column: number } {
  const lc = sf.getLineAndCharacterOfPosition(pos)
  return { line: lc.line + 1, column: lc.character + 1 }
}
