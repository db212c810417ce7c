// Removes the flag's own definitions from a module: module-level constants holding its name (or an
// alias of it, directly or through another constant), enum members, object-map entries, and the
// export/re-export specifiers that pass such a constant on.
import ts from '../typescript.js'
import type { ModuleGraph } from '../scan-modules.js'
import { unwrapExpression } from '../scan-modules.js'
import type { TextEdit } from './text-edits.js'
import { applyEdits, statementRange, wholeLineRange } from './text-edits.js'

export function removeFlagDefinitions(graph: ModuleGraph, file: string, text: string, flag: string): { text: string; removed: number } {
  graph.forget(file)
  const m = graph.get(file, text)
  if (!m) return { text, removed: 0 }
  const { sf } = m
  const isFlag = (e: ts.Expression | undefined) => e !== undefined && graph.flagOf(m, e) === flag
  const edits: TextEdit[] = []
  const removedNames = new Set<string>()
  const removeListItem = (node: ts.Node, list: ts.NodeArray<ts.Node>) => {
    // The item, its trailing comma, and its line when it has one to itself.
    let end = node.end
    const after = text.slice(end)
    const comma = /^\s*,[ \t]*/.exec(after)
    if (comma) end += comma[0].length
    if (comma && text[end] === '\n') end -= comma[0].length - comma[0].trimEnd().length
    const i = list.indexOf(node)
    if (!comma && i > 0) {
      // The last item without a trailing comma: take the comma before it instead.
      const prev = list[i - 1]!
      edits.push({ start: prev.end, end: node.end, text: '' })
      return
    }
    edits.push({ ...wholeLineRange(text, node.getStart(sf), end), text: '' })
  }
  const objectEntries = (o: ts.ObjectLiteralExpression) => {
    for (const p of o.properties) {
      if (ts.isPropertyAssignment(p)) {
        const init = unwrapExpression(p.initializer)
        if (ts.isObjectLiteralExpression(init)) objectEntries(init)
        else if (isFlag(p.initializer)) removeListItem(p, o.properties)
      }
    }
  }
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      const decls = st.declarationList.declarations
      const dead = decls.filter((d) => ts.isIdentifier(d.name) && d.initializer && isFlag(d.initializer))
      for (const d of dead) removedNames.add((d.name as ts.Identifier).text)
      if (dead.length > 0 && dead.length === decls.length) edits.push({ ...statementRange(text, st.getStart(sf), st.end), text: '' })
      else for (const d of dead) removeListItem(d, decls)
      for (const d of decls) {
        if (dead.includes(d) || !d.initializer) continue
        const init = unwrapExpression(d.initializer)
        if (ts.isObjectLiteralExpression(init)) objectEntries(init)
      }
    } else if (ts.isExportAssignment(st)) {
      const init = unwrapExpression(st.expression)
      if (ts.isObjectLiteralExpression(init)) objectEntries(init)
    } else if (ts.isEnumDeclaration(st)) {
      for (const mem of st.members) if (isFlag(mem.initializer)) removeListItem(mem, st.members)
    } else if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)) {
      const els = st.exportClause.elements
      const dead = els.filter((el) => {
        if (st.moduleSpecifier) return resolvesTo(graph, m.file, el.name.text, flag)
        return removedNames.has((el.propertyName ?? el.name).text)
      })
      if (dead.length > 0 && dead.length === els.length) edits.push({ ...statementRange(text, st.getStart(sf), st.end), text: '' })
      else for (const el of dead) removeListItem(el, els)
    }
  }
  if (edits.length === 0) return { text, removed: 0 }
  const out = applyEdits(text, 0, text.length, edits)
  graph.forget(file)
  return { text: out, removed: edits.length }
}

function resolvesTo(graph: ModuleGraph, file: string, exported: string, flag: string): boolean {
  const m = graph.get(file)
  const r = m ? graph.resolveExport(m, exported) : undefined
  return r?.kind === 'flag' && r.flag === flag
}
