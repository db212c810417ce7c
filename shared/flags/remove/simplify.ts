// Semantic rewrite of one module for one flag: each evaluation of the flag becomes its kept value and
// the code around it is folded: `!`, `&&`, `||`, `??`, `===`/`!==`/`==`/`!=`, ternaries, `if`/`else`
// (both branches, `else if` chains, early returns: code after an inlined `return` is dropped), `switch`
// on a variant, JSX conditionals, and `const` variables holding the check (inlined, then removed).
// Output is text edits over the original; anything it cannot prove is an UnsafeReference.
import ts from '../typescript.js'
import type { KeptValue } from '../types.js'
import type { ModuleGraph, ParsedModule } from '../scan-modules.js'
import { flagObjects, unwrapExpression, useFlagsBindings, type FlagObjectBinding } from '../scan-modules.js'
import type { TextEdit } from './text-edits.js'
import { applyEdits, dedent, indentOf, lineStartOf, onlyWhitespace, statementRange, wholeLineRange } from './text-edits.js'

export class UnsafeReference extends Error {
  constructor(
    readonly node: ts.Node,
    readonly reason: string,
  ) {
    super(reason)
  }
}

type Lit = boolean | string | number | null | undefined
/** A folded expression: a constant (with no side effects left), or residual source text. */
type Simp = { c: true; value: Lit; selected?: true } | { c: false; text: string; node?: ts.Node | undefined } | undefined

const truthy = (v: Lit) => Boolean(v)

export interface RewriteOutcome {
  text: string
  /** Evaluations of the flag rewritten in this module. */
  evaluations: number
}

export function rewriteModule(graph: ModuleGraph, m: ParsedModule, flag: string, keep: KeptValue): RewriteOutcome {
  return new ModuleRewriter(graph, m, flag, keep).run()
}

class ModuleRewriter {
  private readonly text: string
  private readonly sf: ts.SourceFile
  private readonly derived = new Map<ts.VariableDeclaration, Lit>()
  /** `const { newCheckout } = useFlags()` elements naming this flag (LaunchDarkly React). */
  private readonly flagBindings = new Set<ts.BindingElement>()
  /** `flags.newCheckout` / `flags['new-checkout']` reads of this flag off a flags object. */
  private readonly objectReads = new Set<ts.Node>()
  /** `const flags = useFlags()` whose every use reads this flag: the declaration goes with them. */
  private readonly spentObjects = new Set<ts.VariableDeclaration>()
  private evaluations = 0
  private readonly quote: string

  constructor(
    private readonly graph: ModuleGraph,
    private readonly m: ParsedModule,
    private readonly flag: string,
    private readonly keep: KeptValue,
  ) {
    this.text = m.text
    this.sf = m.sf
    const single = (this.text.match(/'/g) ?? []).length
    const double = (this.text.match(/"/g) ?? []).length
    this.quote = double > single ? '"' : "'"
  }

  run(): RewriteOutcome {
    for (const b of useFlagsBindings(this.m, this.graph.names)) if (b.flag === this.flag) this.flagBindings.add(b.element)
    const objects = flagObjects(this.m, this.graph.names)
    for (const r of objects.reads) if (r.flag === this.flag) this.objectReads.add(r.node)
    for (const b of objects.bindings) if (this.readsOnlyThisFlag(b)) this.spentObjects.add(b.decl)
    this.collectDerived(this.sf)
    const edits = this.rw(this.sf)
    return { text: applyEdits(this.text, 0, this.text.length, edits), evaluations: this.evaluations }
  }

  /** Whether every use of a flags object reads this flag (so nothing needs the object afterwards). */
  private readsOnlyThisFlag(b: FlagObjectBinding): boolean {
    if (b.uses.length === 0) return false
    return b.uses.every((id) => {
      let top: ts.Node = id
      while (ts.isParenthesizedExpression(top.parent) || ts.isNonNullExpression(top.parent) || ts.isAsExpression(top.parent)) top = top.parent
      return this.objectReads.has(top.parent)
    })
  }

  // ---- values --------------------------------------------------------------------------------

  private literal(v: Lit): string {
    if (typeof v === 'string') {
      const q = this.quote
      return q + v.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`).replace(/\n/g, '\\n') + q
    }
    return v === undefined ? 'undefined' : String(v)
  }

  private keptBoolean(node: ts.Node, via: string): boolean {
    if (this.keep.kind !== 'boolean') throw new UnsafeReference(node, `${via}() is a boolean check but the flag keeps variant ${JSON.stringify(this.keep.value)}`)
    return this.keep.value
  }

  /** The value an evaluation of this flag yields, 'object' for SDK results read through a member. */
  private evaluation(call: ts.CallExpression): { value: Lit } | { object: string; via: string } | undefined {
    const c = this.graph.classifyCall(this.m, call)
    if (!c) return undefined
    if (c.flag === undefined) {
      return undefined
    }
    if (c.flag !== this.flag) return undefined
    switch (c.shape) {
      case 'boolean':
        return { value: this.keptBoolean(call, c.via) }
      case 'negated':
        return { value: !this.keptBoolean(call, c.via) }
      case 'value':
        return { value: this.keep.value }
      case 'unknown':
        throw new UnsafeReference(call, `${c.via}() wraps the flag's evaluation but does not return it as it is, so its result is unknown`)
      default:
        return { object: c.shape, via: c.via }
    }
  }

  private member(obj: { object: string; via: string }, name: string, node: ts.Node): Lit {
    if (obj.object === 'variant-object' && name === 'name') {
      if (this.keep.kind !== 'variant') throw new UnsafeReference(node, `${obj.via}().name reads a variant but the flag keeps a boolean`)
      return this.keep.value
    }
    if (obj.object === 'variant-object' && name === 'enabled') return true
    if (obj.object === 'details' && name === 'value') return this.keep.value
    if (obj.object === 'feature-result' && name === 'value') return this.keep.value
    if (obj.object === 'feature-result' && name === 'on') return this.keptBoolean(node, obj.via)
    if (obj.object === 'feature-result' && name === 'off') return !this.keptBoolean(node, obj.via)
    throw new UnsafeReference(node, `${obj.via}() result is read as .${name}, which the remover does not know`)
  }

  /** Nearest declaration of a name visible at a node (block-scoped lookup, enough for consts). */
  private declarationOf(id: ts.Identifier): ts.VariableDeclaration | undefined {
    for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
      const statements = ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n) || ts.isCaseClause(n) || ts.isDefaultClause(n) ? n.statements : undefined
      if (statements) {
        for (const st of statements) {
          if (ts.isVariableStatement(st))
            for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === id.text) return d
          if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name?.text === id.text) return undefined
        }
      }
      if (ts.isFunctionLike(n) && n.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === id.text)) return undefined
    }
    return undefined
  }

  /** The useFlags() binding of this flag an identifier reads, if it reads one (nearest scope wins). */
  private flagBindingOf(id: ts.Identifier): ts.BindingElement | undefined {
    if (ts.isBindingElement(id.parent) || (ts.isPropertyAccessExpression(id.parent) && id.parent.name === id)) return undefined
    for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
      const statements = ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n) || ts.isCaseClause(n) || ts.isDefaultClause(n) ? n.statements : undefined
      if (statements) {
        for (const st of statements) {
          if (!ts.isVariableStatement(st)) continue
          for (const d of st.declarationList.declarations) {
            if (ts.isIdentifier(d.name) && d.name.text === id.text) return undefined
            if (ts.isObjectBindingPattern(d.name)) {
              const el = d.name.elements.find((x) => ts.isIdentifier(x.name) && x.name.text === id.text)
              if (el) return this.flagBindings.has(el) ? el : undefined
            }
          }
        }
      }
      if (ts.isFunctionLike(n) && n.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === id.text)) return undefined
    }
    return undefined
  }

  private collectDerived(root: ts.Node): void {
    const visit = (n: ts.Node) => {
      if (
        ts.isVariableDeclaration(n) &&
        ts.isIdentifier(n.name) &&
        n.initializer &&
        ts.isVariableDeclarationList(n.parent) &&
        (n.parent.flags & ts.NodeFlags.Const) !== 0
      ) {
        const s = this.simp(n.initializer, false, true)
        if (s?.c && !s.selected) this.derived.set(n, s.value)
      }
      ts.forEachChild(n, visit)
    }
    visit(root)
    this.evaluations = 0
  }

  private isExported(decl: ts.VariableDeclaration): boolean {
    const st = decl.parent.parent
    if (ts.isVariableStatement(st) && (ts.getModifiers(st) ?? []).some((x) => x.kind === ts.SyntaxKind.ExportKeyword)) return true
    return ts.isIdentifier(decl.name) && ts.isSourceFile(st.parent) && [...this.m.localExports.values()].includes(decl.name.text)
  }

  // ---- expressions ---------------------------------------------------------------------------

  private isPure(e: ts.Expression): boolean {
    const u = unwrapExpression(e)
    if (ts.isIdentifier(u) || ts.isLiteralExpression(u) || u.kind === ts.SyntaxKind.TrueKeyword || u.kind === ts.SyntaxKind.FalseKeyword || u.kind === ts.SyntaxKind.NullKeyword) return true
    if (ts.isPropertyAccessExpression(u)) return this.isPure(u.expression)
    if (ts.isPrefixUnaryExpression(u) && u.operator === ts.SyntaxKind.ExclamationToken) return this.isPure(u.operand)
    if (ts.isBinaryExpression(u) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(u.operatorToken.kind))
      return this.isPure(u.left) && this.isPure(u.right)
    return false
  }

  private staticLiteral(e: ts.Expression): { value: Lit } | undefined {
    const u = unwrapExpression(e)
    if (ts.isStringLiteralLike(u)) return { value: u.text }
    if (ts.isNumericLiteral(u)) return { value: Number(u.text) }
    if (u.kind === ts.SyntaxKind.TrueKeyword) return { value: true }
    if (u.kind === ts.SyntaxKind.FalseKeyword) return { value: false }
    if (u.kind === ts.SyntaxKind.NullKeyword) return { value: null }
    if (ts.isIdentifier(u) && u.text === 'undefined') return { value: undefined }
    return undefined
  }

  private render(node: ts.Node): string {
    return applyEdits(this.text, node.getStart(this.sf), node.end, this.rw(node))
  }

  private residual(s: Simp, node: ts.Expression): { text: string; node?: ts.Node | undefined } {
    if (!s) return { text: this.render(node), node }
    if (s.c) return { text: this.literal(s.value) }
    return s
  }

  private operatorText(b: ts.BinaryExpression): string {
    return this.text.slice(b.left.end, b.right.getStart(this.sf))
  }

  /** Folds an expression. `dry` computes without counting (the derived-constant pre-pass). */
  private simp(e: ts.Expression, boolCtx: boolean, dry = false): Simp {
    if (ts.isParenthesizedExpression(e)) {
      const s = this.simp(e.expression, boolCtx, dry)
      if (!s || s.c) return s
      // Edited inside but still the same expression: keep the parentheses as they were written.
      if (s.node === e.expression) return { c: false, text: this.text.slice(e.getStart(this.sf), e.expression.getStart(this.sf)) + s.text + this.text.slice(e.expression.end, e.end), node: e }
      const n = s.node && unwrapParens(s.node)
      const simple = n && (ts.isIdentifier(n) || ts.isCallExpression(n) || ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isLiteralExpression(n) || isJsx(n) || ts.isPrefixUnaryExpression(n))
      return simple ? s : { c: false, text: `(${s.text})`, node: undefined }
    }
    if (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e)) {
      const s = this.simp(e.expression, boolCtx, dry)
      if (s?.c) return s
      return s ? { c: false, text: this.render(e) } : undefined
    }
    if (ts.isCallExpression(e)) {
      const v = this.evaluation(e)
      if (v && 'value' in v) {
        if (!dry) this.evaluations++
        return { c: true, value: v.value }
      }
      if (v) throw new UnsafeReference(e, `${v.via}() returns an object that is used as a whole, not through a known member`)
    }
    if ((ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) && this.objectReads.has(e)) {
      if (!dry) this.evaluations++
      return { c: true, value: this.keep.value }
    }
    if (ts.isPropertyAccessExpression(e) && ts.isCallExpression(unwrapExpression(e.expression))) {
      const v = this.evaluation(unwrapExpression(e.expression) as ts.CallExpression)
      if (v && 'object' in v) {
        if (!dry) this.evaluations++
        return { c: true, value: this.member(v, e.name.text, e) }
      }
    }
    if (ts.isIdentifier(e)) {
      if (this.flagBindings.size > 0 && this.flagBindingOf(e)) {
        if (!dry) this.evaluations++
        return { c: true, value: this.keep.value }
      }
      const d = this.declarationOf(e)
      if (d && this.derived.has(d) && d.name !== e) return { c: true, value: this.derived.get(d) }
      return undefined
    }
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
      const s = this.simp(e.operand, true, dry)
      if (!s) return undefined
      if (s.c) return { c: true, value: !truthy(s.value) }
      return { c: false, text: `!${s.text}` }
    }
    if (ts.isConditionalExpression(e)) {
      const sc = this.simp(e.condition, true, dry)
      if (sc?.c) {
        const chosen = truthy(sc.value) ? e.whenTrue : e.whenFalse
        return this.simp(chosen, boolCtx, dry) ?? this.kept(chosen)
      }
      return this.generic(e, dry)
    }
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
        const sl = this.simp(e.left, boolCtx, dry)
        const sr = this.simp(e.right, boolCtx, dry)
        const right = () => sr ?? this.kept(e.right)
        if (sl?.c) {
          if (op === ts.SyntaxKind.AmpersandAmpersandToken) return truthy(sl.value) ? right() : sl
          if (op === ts.SyntaxKind.BarBarToken) return truthy(sl.value) ? sl : right()
          return sl.value === null || sl.value === undefined ? right() : sl
        }
        if (sr?.c) {
          const left = this.residual(sl, e.left)
          // In a condition only truthiness matters: `x && true` is `x`, `x || false` is `x`.
          if (boolCtx && op === ts.SyntaxKind.AmpersandAmpersandToken) {
            if (truthy(sr.value)) return { c: false, text: left.text, node: left.node }
            if (this.isPure(e.left)) return { c: true, value: false }
          }
          if (boolCtx && op === ts.SyntaxKind.BarBarToken) {
            if (!truthy(sr.value)) return { c: false, text: left.text, node: left.node }
            if (this.isPure(e.left)) return { c: true, value: true }
          }
          return { c: false, text: `${left.text}${this.operatorText(e)}${this.literal(sr.value)}` }
        }
        if (sl || sr) return { c: false, text: `${this.residual(sl, e.left).text}${this.operatorText(e)}${this.residual(sr, e.right).text}` }
        return undefined
      }
      if (
        op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
        op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
        op === ts.SyntaxKind.EqualsEqualsToken ||
        op === ts.SyntaxKind.ExclamationEqualsToken
      ) {
        const sl = this.simp(e.left, false, dry)
        const sr = this.simp(e.right, false, dry)
        const l = sl?.c ? { value: sl.value } : sl ? undefined : this.staticLiteral(e.left)
        const r = sr?.c ? { value: sr.value } : sr ? undefined : this.staticLiteral(e.right)
        if ((sl?.c || sr?.c) && l && r) {
          const loose = l.value == r.value
          const strict = l.value === r.value
          const value = op === ts.SyntaxKind.EqualsEqualsEqualsToken ? strict : op === ts.SyntaxKind.ExclamationEqualsEqualsToken ? !strict : op === ts.SyntaxKind.EqualsEqualsToken ? loose : !loose
          return { c: true, value }
        }
        if (sl || sr) return { c: false, text: `${this.residual(sl, e.left).text}${this.operatorText(e)}${this.residual(sr, e.right).text}` }
        return undefined
      }
    }
    return this.generic(e, dry)
  }

  /**
   * The operand a fold selected, unchanged: a literal stays a constant (so `{on ? <A/> : null}` off
   * disappears) but is marked `selected`, so `const t = on ? 5000 : 1000` keeps its name.
   */
  private kept(e: ts.Expression): Simp {
    const lit = this.staticLiteral(e)
    if (lit) return { c: true, value: lit.value, selected: true }
    return { c: false, text: this.render(e), node: e }
  }

  /** An expression that is not folded itself but may contain folded parts. */
  private generic(e: ts.Expression, dry: boolean): Simp {
    if (dry) {
      // The pre-pass only needs constants; a residual is not a constant.
      let found = false
      ts.forEachChild(e, (c) => {
        if (found) return
        if (this.containsEvaluation(c)) found = true
      })
      return found ? { c: false, text: '' } : undefined
    }
    const edits = this.rw(e)
    if (edits.length === 0) return undefined
    return { c: false, text: applyEdits(this.text, e.getStart(this.sf), e.end, edits), node: e }
  }

  private containsEvaluation(n: ts.Node): boolean {
    if (ts.isCallExpression(n)) {
      try {
        if (this.evaluation(n)) return true
      } catch {
        return true
      }
    }
    if (ts.isIdentifier(n)) {
      const d = this.declarationOf(n)
      if (d && this.derived.has(d)) return true
    }
    let found = false
    ts.forEachChild(n, (c) => {
      if (!found && this.containsEvaluation(c)) found = true
    })
    return found
  }

  // ---- statements and nodes ------------------------------------------------------------------

  private isBoolContext(child: ts.Node, parent: ts.Node): boolean {
    return (
      ((ts.isIfStatement(parent) || ts.isWhileStatement(parent) || ts.isDoStatement(parent)) && parent.expression === child) ||
      (ts.isForStatement(parent) && parent.condition === child) ||
      (ts.isConditionalExpression(parent) && parent.condition === child)
    )
  }

  /** Edits inside a node (never covering the node's own full range unless it is replaced whole). */
  private rw(node: ts.Node): TextEdit[] {
    if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node)) return this.statementList(node.statements, node)
    if (ts.isCaseClause(node) || ts.isDefaultClause(node)) return this.statementList(node.statements, node)
    if (ts.isJsxElement(node) || ts.isJsxFragment(node)) return this.jsxChildren(node)
    if (ts.isIfStatement(node)) return this.ifInPlace(node)
    if (ts.isShorthandPropertyAssignment(node)) {
      const d = this.declarationOf(node.name)
      if (d && this.derived.has(d)) return [{ start: node.getStart(this.sf), end: node.end, text: `${node.name.text}: ${this.literal(this.derived.get(d))}` }]
      return []
    }
    const edits: TextEdit[] = []
    ts.forEachChild(node, (child) => {
      if (ts.isExpression(child) && !ts.isFunctionLike(child) && !ts.isClassExpression(child) && !(ts.isIdentifier(child) && !isValueIdentifier(child))) {
        const s = this.simp(child, this.isBoolContext(child, node))
        if (s) {
          let text = s.c ? this.literal(s.value) : s.text
          if (ts.isArrowFunction(node) && node.body === child && text.startsWith('{')) text = `(${text})`
          edits.push({ start: child.getStart(this.sf), end: child.end, text })
        }
      } else edits.push(...this.rw(child))
    })
    return edits
  }

  /** An `if` that is not directly in a statement list (an `else if`, a loop body). */
  private ifInPlace(st: ts.IfStatement): TextEdit[] {
    const s = this.simp(st.expression, true)
    if (s?.c) {
      const branch = truthy(s.value) ? st.thenStatement : st.elseStatement
      return [{ start: st.getStart(this.sf), end: st.end, text: branch ? this.render(branch) : '{}' }]
    }
    const edits: TextEdit[] = []
    if (s) edits.push({ start: st.expression.getStart(this.sf), end: st.expression.end, text: s.text })
    edits.push(...this.rw(st.thenStatement))
    const el = st.elseStatement
    if (el && ts.isIfStatement(el)) {
      const se = this.simp(el.expression, true)
      if (se?.c) {
        const branch = truthy(se.value) ? el.thenStatement : el.elseStatement
        // `else if (off) {...}` with nothing after it disappears with its `else`.
        if (!branch) edits.push({ start: st.thenStatement.end, end: el.end, text: '' })
        else edits.push({ start: el.getStart(this.sf), end: el.end, text: this.render(branch) })
      } else edits.push(...this.ifInPlace(el))
    } else if (el) edits.push(...this.rw(el))
    return edits
  }

  private statementList(statements: ts.NodeArray<ts.Statement> | readonly ts.Statement[], container: ts.Node): TextEdit[] {
    const edits: TextEdit[] = []
    let terminated = false
    for (const st of statements) {
      if (terminated) {
        // Unreachable after an inlined return/throw; hoisted declarations stay reachable.
        if (!(ts.isFunctionDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st))) edits.push(this.removal(st))
        continue
      }
      const r = this.statement(st, container)
      if (r === undefined) edits.push(...this.rw(st))
      else if (r === 'remove') edits.push(this.removal(st))
      else if ('text' in r) edits.push({ start: st.getStart(this.sf), end: st.end, text: r.text })
      else {
        edits.push(this.inline(st, r.groups, r.block))
        terminated = r.terminates
      }
    }
    return edits
  }

  private removal(st: ts.Node): TextEdit {
    let start = st.getStart(this.sf)
    // Comment lines directly above a removed statement go with it.
    const comments = ts.getLeadingCommentRanges(this.text, st.getFullStart()) ?? []
    for (let i = comments.length - 1; i >= 0; i--) {
      const c = comments[i]!
      const between = this.text.slice(c.end, start)
      if (!/^[ \t]*\r?\n[ \t]*$/.test(between) && !(between.trim() === '' && !between.includes('\n\n') && between.includes('\n'))) break
      if (!onlyWhitespace(this.text, lineStartOf(this.text, c.pos), c.pos)) break
      if (/\n[ \t]*\r?\n/.test(between)) break
      start = c.pos
    }
    const r = statementRange(this.text, start, st.end)
    return { start: r.start, end: r.end, text: '' }
  }

  private statement(
    st: ts.Statement,
    container: ts.Node,
  ): undefined | 'remove' | { text: string } | { groups: readonly (readonly ts.Statement[])[]; block: ts.Block | undefined; terminates: boolean } {
    if (ts.isIfStatement(st)) {
      const s = this.simp(st.expression, true)
      if (!s?.c) return undefined
      const branch = truthy(s.value) ? st.thenStatement : st.elseStatement
      if (!branch) return 'remove'
      if (ts.isBlock(branch)) {
        if (collides(branch.statements, container, st)) return { text: this.render(branch) }
        return { groups: [branch.statements], block: branch, terminates: endsAbruptly(branch.statements) }
      }
      if (ts.isIfStatement(branch)) return { text: this.render(branch).trimStart() }
      return { groups: [[branch]], block: undefined, terminates: endsAbruptly([branch]) }
    }
    if (ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => ts.isObjectBindingPattern(d.name) && d.name.elements.some((el) => this.flagBindings.has(el)))) {
      // `const { newCheckout, darkMode } = useFlags()`: the flag's elements go; an empty pattern takes
      // its declaration with it, the last declaration the statement.
      const kept: string[] = []
      for (const d of st.declarationList.declarations) {
        if (!ts.isObjectBindingPattern(d.name)) {
          kept.push(this.render(d))
          continue
        }
        const rest = d.name.elements.filter((el) => !this.flagBindings.has(el))
        if (rest.length === 0) continue
        const pattern = d.name
        const inner = this.text.slice(pattern.getStart(this.sf), pattern.end)
        const list = inner.includes('\n')
          ? `{\n${rest.map((el) => `${/\n([ \t]*)/.exec(inner)![1]!}${el.getText(this.sf)},`).join('\n')}\n}`
          : `{ ${rest.map((el) => el.getText(this.sf)).join(', ')} }`
        kept.push(`${list}${this.text.slice(pattern.end, d.end)}`)
      }
      if (kept.length === 0) return 'remove'
      const head = this.text.slice(st.getStart(this.sf), st.declarationList.declarations[0]!.getStart(this.sf))
      return { text: `${head}${kept.join(', ')}${this.text.slice(st.declarationList.end, st.end)}` }
    }
    if (ts.isVariableStatement(st)) {
      const decls = st.declarationList.declarations
      const gone = decls.filter((d) => (this.derived.has(d) || this.spentObjects.has(d)) && !this.isExported(d))
      if (gone.length === 0) return undefined
      this.countUses(gone)
      if (gone.length === decls.length) return 'remove'
      const keepText = decls.filter((d) => !gone.includes(d)).map((d) => this.render(d))
      const head = this.text.slice(st.getStart(this.sf), st.declarationList.declarations[0]!.getStart(this.sf))
      return { text: `${head}${keepText.join(', ')}${this.text.slice(st.declarationList.end, st.end)}` }
    }
    if (ts.isExpressionStatement(st)) {
      const s = this.simp(st.expression, false)
      if (s?.c) return 'remove'
      return undefined
    }
    if (ts.isSwitchStatement(st)) return this.switchStatement(st, container)
    return undefined
  }

  private countUses(decls: ts.VariableDeclaration[]): void {
    // Evaluations inside a removed derived constant were already counted by the pre-pass' twin.
    for (const d of decls) if (d.initializer) this.simp(d.initializer, false)
  }

  private switchStatement(st: ts.SwitchStatement, container: ts.Node): ReturnType<ModuleRewriter['statement']> {
    const s = this.simp(st.expression, false)
    if (!s?.c) return undefined
    const clauses = st.caseBlock.clauses
    let index = -1
    for (let i = 0; i < clauses.length; i++) {
      const cl = clauses[i]!
      if (ts.isDefaultClause(cl)) continue
      const v = this.staticLiteral(cl.expression)
      if (!v) throw new UnsafeReference(cl, 'a case of the switch on the flag is not a literal')
      if (v.value === s.value) {
        index = i
        break
      }
    }
    if (index === -1) index = clauses.findIndex((c) => ts.isDefaultClause(c))
    if (index === -1) return 'remove'
    const picked: ts.Statement[] = []
    const groups: ts.Statement[][] = []
    let terminates = false
    for (let i = index; i < clauses.length; i++) {
      let body: readonly ts.Statement[] = clauses[i]!.statements
      if (body.length === 1 && ts.isBlock(body[0]!)) body = (body[0] as ts.Block).statements
      const last = body[body.length - 1]
      const endsWithBreak = last !== undefined && ts.isBreakStatement(last) && !last.label
      const own = endsWithBreak ? body.slice(0, -1) : body
      for (const x of own) if (containsSwitchBreak(x)) throw new UnsafeReference(x, 'a `break` inside the kept case leaves the switch early')
      picked.push(...own)
      groups.push([...own])
      if (endsWithBreak) break
      if (last && endsAbruptly([last])) {
        terminates = true
        break
      }
    }
    if (picked.length === 0) return 'remove'
    if (collides(picked, container, st)) throw new UnsafeReference(st, 'the kept case declares a name the enclosing block already uses')
    return { groups, block: undefined, terminates }
  }

  /**
   * Replaces statement `st` by `groups` of statements (a branch's contents, or the kept cases of a
   * switch: one group per case, since cases are not contiguous text), re-indented to st's level.
   */
  private inline(st: ts.Statement, groups: readonly (readonly ts.Statement[])[], block: ts.Block | undefined): TextEdit {
    const stStart = st.getStart(this.sf)
    const outerIndent = indentOf(this.text, stStart)
    const bodies: string[] = []
    for (const statements of groups) {
      if (statements.length === 0) continue
      const first = statements[0]!
      const last = statements[statements.length - 1]!
      // Comments inside the block before its first statement stay with it.
      const leading = block ? ((ts.getLeadingCommentRanges(this.text, first.getFullStart()) ?? [])[0]?.pos ?? Infinity) : Infinity
      const from = Math.min(first.getStart(this.sf), leading)
      const atLineStart = onlyWhitespace(this.text, lineStartOf(this.text, from), from)
      const innerStart = atLineStart ? lineStartOf(this.text, from) : from
      let body = applyEdits(this.text, innerStart, last.end, this.statementList(statements, block ?? st))
      const innerIndent = indentOf(this.text, from)
      if (innerIndent.startsWith(outerIndent) && innerIndent.length > outerIndent.length) body = dedent(body, innerIndent.slice(outerIndent.length))
      if (atLineStart && body.startsWith(innerIndent)) body = outerIndent + body.slice(innerIndent.length)
      else if (!atLineStart) body = outerIndent + body
      if (body.trim() !== '') bodies.push(body)
    }
    if (bodies.length === 0) return this.removal(st)
    const text = bodies.join('\n')
    if (onlyWhitespace(this.text, lineStartOf(this.text, stStart), stStart)) return { start: lineStartOf(this.text, stStart), end: st.end, text }
    return { start: stStart, end: st.end, text: text.trimStart() }
  }

  // ---- JSX -----------------------------------------------------------------------------------

  private jsxChildren(node: ts.JsxElement | ts.JsxFragment): TextEdit[] {
    const edits: TextEdit[] = []
    if (ts.isJsxElement(node)) edits.push(...this.rw(node.openingElement))
    for (const child of node.children) {
      if (ts.isJsxExpression(child) && child.expression) {
        const s = this.simp(child.expression, false)
        if (!s) continue
        const start = child.getStart(this.sf)
        if (s.c) {
          if (typeof s.value === 'string' || typeof s.value === 'number') edits.push({ start: child.expression.getStart(this.sf), end: child.expression.end, text: this.literal(s.value) })
          else edits.push({ ...wholeLineRange(this.text, start, child.end), text: '' })
          continue
        }
        const inner = s.node ? unwrapParens(s.node) : undefined
        if (inner && isJsx(inner)) {
          let text = this.render(inner)
          const by = indentOf(this.text, inner.getStart(this.sf))
          const to = indentOf(this.text, start)
          if (by.startsWith(to) && by.length > to.length) text = dedent(text, by.slice(to.length))
          edits.push({ start, end: child.end, text })
        } else edits.push({ start: child.expression.getStart(this.sf), end: child.expression.end, text: s.text })
      } else edits.push(...this.rw(child))
    }
    if (ts.isJsxElement(node)) edits.push(...this.rw(node.closingElement))
    return edits
  }
}

function unwrapParens(n: ts.Node): ts.Node {
  while (ts.isParenthesizedExpression(n)) n = n.expression
  return n
}

function isJsx(n: ts.Node): boolean {
  return ts.isJsxElement(n) || ts.isJsxSelfClosingElement(n) || ts.isJsxFragment(n)
}

function isValueIdentifier(id: ts.Identifier): boolean {
  const p = id.parent
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false
  if ((ts.isVariableDeclaration(p) || ts.isFunctionDeclaration(p) || ts.isParameter(p) || ts.isPropertyAssignment(p) || ts.isBindingElement(p)) && p.name === id) return false
  if (ts.isImportSpecifier(p) || ts.isExportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p)) return false
  if (ts.isJsxAttribute(p) || ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) return false
  return true
}

export function endsAbruptly(statements: readonly ts.Statement[]): boolean {
  const last = statements[statements.length - 1]
  if (!last) return false
  if (ts.isReturnStatement(last) || ts.isThrowStatement(last) || ts.isContinueStatement(last) || ts.isBreakStatement(last)) return true
  if (ts.isBlock(last)) return endsAbruptly(last.statements)
  if (ts.isIfStatement(last) && last.elseStatement) return endsAbruptly([last.thenStatement]) && endsAbruptly([last.elseStatement])
  return false
}

function containsSwitchBreak(n: ts.Node): boolean {
  if (ts.isBreakStatement(n) && !n.label) return true
  if (ts.isIterationStatement(n, false) || ts.isSwitchStatement(n) || ts.isFunctionLike(n)) return false
  let found = false
  ts.forEachChild(n, (c) => {
    if (!found && containsSwitchBreak(c)) found = true
  })
  return found
}

function declaredNames(statements: readonly ts.Statement[]): string[] {
  const out: string[] = []
  for (const st of statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) collectBindingNames(d.name, out)
    else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) out.push(st.name.text)
  }
  return out
}

function collectBindingNames(n: ts.BindingName, out: string[]): void {
  if (ts.isIdentifier(n)) out.push(n.text)
  else for (const el of n.elements) if (!ts.isOmittedExpression(el)) collectBindingNames(el.name, out)
}

/** Whether inlining `inner` into the statement list holding `st` would redeclare a name there. */
function collides(inner: readonly ts.Statement[], container: ts.Node, st: ts.Statement): boolean {
  const names = declaredNames(inner)
  if (names.length === 0) return false
  const siblings =
    ts.isSourceFile(container) || ts.isBlock(container) || ts.isModuleBlock(container) || ts.isCaseClause(container) || ts.isDefaultClause(container)
      ? container.statements.filter((s) => s !== st)
      : []
  const outer = declaredNames(siblings)
  // Parameters of the enclosing function are in the same scope as its body's top level.
  if (ts.isBlock(container) && ts.isFunctionLike(container.parent)) for (const p of container.parent.parameters) collectBindingNames(p.name, outer)
  return names.some((n) => outer.includes(n))
}
