/**
 * Indentation slips explained from what the schema accepts at each level: a file of its own, because
 * it needs the policy schema, and the YAML reader (indentation.ts) must not (flag files use it too).
 */
import { formatPath, type PathSegment, type PolicyProblem } from './problems.js'
import { builtinGrammar, type PolicyGrammar } from './grammar.js'
import { isRecord, type SchemaWalk } from './schema-walk.js'

function within(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`)
}

/** Inverse of formatPath for the paths problems carry. */
function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = []
  const pattern = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([^.[\]]+)/g
  for (let m = pattern.exec(path); m !== null; m = pattern.exec(path)) {
    if (m[1] !== undefined) out.push(Number(m[1]))
    else if (m[2] !== undefined) out.push(JSON.parse(m[2]) as string)
    else if (m[3] !== undefined) out.push(m[3])
  }
  return out
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let value = data
  for (const seg of path) value = Array.isArray(value) && typeof seg === 'number' ? value[seg] : isRecord(value) ? value[String(seg)] : undefined
  return value
}

function acceptsKey(walk: SchemaWalk, path: readonly PathSegment[], data: unknown, key: string): boolean {
  const schema = walk.schemaAt(path, data)
  if (schema === undefined) return false
  const node = walk.deref(schema)
  const branches = [node, ...(node.oneOf ?? []).map(walk.deref)]
  return branches.some((b) => b.properties?.[key] !== undefined)
}

function name(path: readonly PathSegment[]): string {
  const last = path[path.length - 1]
  return last === undefined ? 'the top level' : typeof last === 'number' ? `item ${last + 1}` : `'${last}'`
}

/**
 * An unknown key that an enclosing mapping accepts (and does not already have) was indented one
 * level too far: say so, and drop the "missing required key" the same slip causes up there.
 */
export function explainIndentation(source: { locate(path: readonly PathSegment[], options?: { key?: boolean }): { line: number; column: number } }, data: unknown, problems: PolicyProblem[], grammar: PolicyGrammar = builtinGrammar): PolicyProblem[] {
  const { walk } = grammar
  const dropped = new Set<PolicyProblem>()
  const rewritten = new Map<PolicyProblem, PolicyProblem>()
  for (const problem of problems) {
    const unknown = /^unknown key '([^']+)'/.exec(problem.message)
    if (!unknown) continue
    const key = unknown[1] as string
    const path = parsePath(problem.path)
    const parent = path.slice(0, -1)
    for (let depth = parent.length - 1; depth >= 0; depth--) {
      const ancestor = parent.slice(0, depth)
      const holder = valueAt(data, ancestor)
      if (!isRecord(holder) || key in holder || !acceptsKey(walk, ancestor, data, key)) continue
      const sibling = Object.keys(holder)[0]
      const siblingAt = sibling === undefined ? undefined : source.locate([...ancestor, sibling], { key: true })
      rewritten.set(problem, {
        ...problem,
        message: `'${key}' is indented too far: it is inside ${name(parent)} but belongs to ${name(ancestor)}`,
        expected: siblingAt ? `'${key}' at column ${siblingAt.column}, like '${sibling}' on line ${siblingAt.line}` : `'${key}' one level up`,
      })
      for (const other of problems) {
        if (other.path === formatPath(ancestor) && other.message.startsWith(`missing required key '${key}'`)) dropped.add(other)
      }
      break
    }
  }
  underIndented(walk, source, data, problems, dropped, rewritten)
  return problems.filter((p) => !dropped.has(p)).map((p) => rewritten.get(p) ?? p)
}

/**
 * `production:` left empty with its keys written at its own level: they became its siblings. Say
 * that once, instead of one problem per stray key.
 */
function underIndented(
  walk: SchemaWalk,
  source: { locate(path: readonly PathSegment[], options?: { key?: boolean }): { line: number; column: number } },
  data: unknown,
  problems: PolicyProblem[],
  dropped: Set<PolicyProblem>,
  rewritten: Map<PolicyProblem, PolicyProblem>,
): void {
  for (const problem of problems) {
    if (dropped.has(problem) || !/has the wrong type/.test(problem.message) || problem.found !== 'nothing') continue
    const path = parsePath(problem.path)
    const emptyKey = path[path.length - 1]
    if (typeof emptyKey !== 'string') continue
    const parent = path.slice(0, -1)
    const holder = valueAt(data, parent)
    if (!isRecord(holder)) continue
    const keys = Object.keys(holder)
    const strays = keys.slice(keys.indexOf(emptyKey) + 1).filter((k) => acceptsKey(walk, path, data, k))
    if (strays.length === 0) continue
    const first = source.locate([...parent, strays[0] as string], { key: true })
    const own = source.locate(path, { key: true })
    const { found: _found, ...rest } = problem
    rewritten.set(problem, {
      ...rest,
      ...own,
      message: `'${emptyKey}' is empty, and the keys after it (${strays.map((k) => `'${k}'`).join(', ')}) are written at its level instead of under it`,
      expected: `'${strays[0] as string}' (line ${first.line}) and the keys after it indented more than '${emptyKey}', e.g. at column ${own.column + 2}`,
    })
    for (const other of problems) {
      if (other === problem) continue
      if (strays.some((k) => within(other.path, formatPath([...parent, k])))) dropped.add(other)
    }
  }
}
