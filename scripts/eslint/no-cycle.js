// ESLint rule: no import cycles between the project's own modules. Resolves relative imports the
// way NodeNext does here (`./x.js` is `./x.ts`) and reports the import that closes a cycle with the
// whole chain. `import type` counts too: erased at build time, but a type cycle still means two
// modules that cannot be understood (or moved) one without the other, e.g. an interface file that
// imports its own implementations.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'

const IMPORT = /^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm
const edges = new Map()

function resolveImport(from, spec) {
  const base = resolve(dirname(from), spec)
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, resolve(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate
  }
  return undefined
}

function importsOf(file) {
  let list = edges.get(file)
  if (list) return list
  list = []
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    text = ''
  }
  for (const m of text.matchAll(IMPORT)) {
    const target = resolveImport(file, m[1])
    if (target) list.push({ spec: m[1], target })
  }
  edges.set(file, list)
  return list
}

function findPath(start, goal) {
  const seen = new Set()
  const stack = [[start, [start]]]
  while (stack.length > 0) {
    const [file, path] = stack.pop()
    if (file === goal && path.length > 1) return path
    if (seen.has(file)) continue
    seen.add(file)
    for (const { target } of importsOf(file)) stack.push([target, [...path, target]])
  }
  return undefined
}

export default {
  meta: { type: 'problem', docs: { description: 'forbid import cycles' }, schema: [] },
  create(context) {
    const file = context.filename
    edges.delete(file) // the file may have changed since it was last read
    return {
      ImportDeclaration(node) {
        if (typeof node.source.value !== 'string' || !node.source.value.startsWith('.')) return
        const target = resolveImport(file, node.source.value)
        if (!target) return
        const path = findPath(target, file)
        if (path) {
          const chain = [file, ...path].map((p) => relative(context.cwd, p)).join(' -> ')
          context.report({ node, message: `Import cycle: ${chain}` })
        }
      },
    }
  },
}
