// After a rewrite: remove what the removal left unused in a file: import bindings (then whole import
// declarations), local functions, classes and variables with side-effect-free initializers. Only
// names that were used before the rewrite and are not used after it are touched, so code that was
// already unused (or is exported) is never removed by a flag cleanup. Repeats until nothing changes
// (a removed function can leave its own imports unused).
import ts from 'typescript'
import { parseSource } from '../scan-modules.js'
import type { TextEdit } from './text-edits.js'
import { applyEdits, wholeLineRange } from './text-edits.js'

/** How often each name is used (declaration names, property keys and import bindings excluded). */
export function useCounts(sf: ts.SourceFile): Map<string, number> {
  const counts = new Map<string, number>()
  const visit = (n: ts.Node) => {
    if (ts.isIdentifier(n) && isUse(n)) counts.set(n.text, (counts.get(n.text) ?? 0) + 1)
    if (ts.isShorthandPropertyAssignment(n)) counts.set(n.name.text, (counts.get(n.name.text) ?? 0) + 1)
    ts.forEachChild(n, visit)
  }
  visit(sf)
  return counts
}

function isUse(id: ts.Identifier): boolean {
  const p = id.parent
  if (!p) return false
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false
  if (ts.isQualifiedName(p) && p.right === id) return false
  if (
    (ts.isVariableDeclaration(p) ||
      ts.isFunctionDeclaration(p) ||
      ts.isFunctionExpression(p) ||
      ts.isClassDeclaration(p) ||
      ts.isClassExpression(p) ||
      ts.isParameter(p) ||
      ts.isPropertyAssignment(p) ||
      ts.isPropertyDeclaration(p) ||
      ts.isMethodDeclaration(p) ||
      ts.isPropertySignature(p) ||
      ts.isMethodSignature(p) ||
      ts.isEnumMember(p) ||
      ts.isEnumDeclaration(p) ||
      ts.isInterfaceDeclaration(p) ||
      ts.isTypeAliasDeclaration(p) ||
      ts.isTypeParameterDeclaration(p) ||
      ts.isGetAccessor(p) ||
      ts.isSetAccessor(p)) &&
    p.name === id
  )
    return false
  if (ts.isBindingElement(p) && p.name === id) return false
  if (ts.isBindingElement(p) && p.propertyName === id) return false
  if (ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p)) return false
  if (ts.isExportSpecifier(p) && p.propertyName !== undefined && p.name === id) return false
  if (ts.isJsxAttribute(p)) return false
  if (ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) return false
  if (ts.isShorthandPropertyAssignment(p)) return false
  return true
}

function isExported(n: ts.Node): boolean {
  return ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
}

function pureInitializer(e: ts.Expression | undefined): boolean {
  if (!e) return true
  if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e)) return pureInitializer(e.expression)
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e) || ts.isClassExpression(e)) return true
  if (ts.isLiteralExpression(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isIdentifier(e)) return true
  if ([ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword].includes(e.kind)) return true
  if (ts.isPropertyAccessExpression(e)) return pureInitializer(e.expression)
  if (ts.isElementAccessExpression(e)) return pureInitializer(e.expression) && pureInitializer(e.argumentExpression)
  if (ts.isPrefixUnaryExpression(e)) return pureInitializer(e.operand)
  if (ts.isObjectLiteralExpression(e))
    return e.properties.every((p) => (ts.isPropertyAssignment(p) ? pureInitializer(p.initializer) : ts.isShorthandPropertyAssignment(p) || ts.isMethodDeclaration(p)))
  if (ts.isArrayLiteralExpression(e)) return e.elements.every((x) => pureInitializer(x))
  if (ts.isTemplateExpression(e)) return e.templateSpans.every((s) => pureInitializer(s.expression))
  return false
}

export interface UnusedOutcome {
  text: string
  /** Relative module specifiers of import declarations removed whole. */
  removedImports: string[]
}

export function removeNewlyUnused(file: string, originalText: string, text: string): UnusedOutcome {
  const before = useCounts(parseSource(file, originalText))
  const removedImports: string[] = []
  for (let round = 0; round < 20; round++) {
    const sf = parseSource(file, text)
    const after = useCounts(sf)
    const gone = (name: string) => (after.get(name) ?? 0) === 0 && (before.get(name) ?? 0) > 0
    const edits: TextEdit[] = []
    const removeNode = (n: ts.Node) => {
      const r = wholeLineRange(text, n.getStart(sf), n.end)
      edits.push({ ...r, text: '' })
    }
    const statements = (list: readonly ts.Statement[]) => {
      for (const st of list) {
        if (ts.isImportDeclaration(st) && st.importClause && ts.isStringLiteral(st.moduleSpecifier)) {
          const edit = importEdit(st, sf, text, gone)
          if (edit === 'all') {
            removeNode(st)
            removedImports.push(st.moduleSpecifier.text)
          } else if (edit) edits.push(edit)
        } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name && !isExported(st) && gone(st.name.text)) {
          removeNode(st)
        } else if (ts.isVariableStatement(st) && !isExported(st)) {
          const decls = st.declarationList.declarations
          const dead = decls.filter((d) => ts.isIdentifier(d.name) && gone(d.name.text) && pureInitializer(d.initializer))
          if (dead.length === decls.length) removeNode(st)
          else if (dead.length > 0) {
            const keep = decls.filter((d) => !dead.includes(d)).map((d) => d.getText(sf))
            edits.push({ start: decls[0]!.getStart(sf), end: decls[decls.length - 1]!.end, text: keep.join(', ') })
          }
        }
      }
    }
    const visit = (n: ts.Node) => {
      if (ts.isSourceFile(n) || ts.isBlock(n) || ts.isModuleBlock(n)) statements(n.statements)
      ts.forEachChild(n, visit)
    }
    visit(sf)
    if (edits.length === 0) break
    text = applyEdits(text, 0, text.length, dedupe(edits))
  }
  return { text, removedImports }
}

/** Nested removals (a function inside a removed function) collapse to the outer one. */
function dedupe(edits: TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start || b.end - a.end)
  const out: TextEdit[] = []
  for (const e of sorted) {
    const last = out[out.length - 1]
    if (last && e.start < last.end) continue
    out.push(e)
  }
  return out
}

function importEdit(st: ts.ImportDeclaration, sf: ts.SourceFile, text: string, gone: (n: string) => boolean): TextEdit | 'all' | undefined {
  const clause = st.importClause!
  const def = clause.name && !gone(clause.name.text) ? clause.name.text : undefined
  const defGone = clause.name !== undefined && def === undefined
  const nb = clause.namedBindings
  if (nb && ts.isNamespaceImport(nb)) {
    const nsGone = gone(nb.name.text)
    if ((defGone || !clause.name) && nsGone) return 'all'
    if (!defGone && !nsGone) return undefined
    const parts = [def, nsGone ? undefined : `* as ${nb.name.text}`].filter(Boolean)
    return { start: clause.getStart(sf), end: clause.end, text: (clause.isTypeOnly ? 'type ' : '') + parts.join(', ') }
  }
  const elements = nb && ts.isNamedImports(nb) ? nb.elements : undefined
  const kept = elements?.filter((el) => !gone(el.name.text)) ?? []
  const elementsGone = (elements?.length ?? 0) - kept.length
  if (!defGone && elementsGone === 0) return undefined
  if (!def && kept.length === 0) return 'all'
  if (elements && elementsGone > 0 && !defGone) {
    // Only named bindings changed: rewrite the braces, keeping a multi-line list multi-line.
    const inner = text.slice(nb!.getStart(sf), nb!.end)
    const multiline = inner.includes('\n')
    if (kept.length === 0) return { start: clause.name!.end, end: nb!.end, text: '' }
    const indent = multiline ? /\n([ \t]*)/.exec(inner)![1]! : ''
    const list = multiline ? `{\n${kept.map((el) => `${indent}${el.getText(sf)},`).join('\n')}\n}` : `{ ${kept.map((el) => el.getText(sf)).join(', ')} }`
    return { start: nb!.getStart(sf), end: nb!.end, text: list }
  }
  const named = kept.length > 0 ? `{ ${kept.map((el) => el.getText(sf)).join(', ')} }` : undefined
  return { start: clause.getStart(sf), end: clause.end, text: (clause.isTypeOnly ? 'type ' : '') + [def, named].filter(Boolean).join(', ') }
}
