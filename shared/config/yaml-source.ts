import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit as visitYaml, type Document, type Node, type Pair } from 'yaml'
import type { PathSegment, PolicyProblem } from './problems.js'
import { formatPath } from './problems.js'
import { indentationProblem } from './indentation.js'

export interface Position {
  line: number
  column: number
}

export interface SubstitutionOptions {
  /** Leave `${NAME}` as written when NAME is unset instead of reporting it (for linting without secrets). */
  allowUnset?: boolean
}

/** What substitution did, so later checks can be fair to values that came from the environment. */
export interface Substitutions {
  /** Paths of values still holding an unset `${NAME}` (only with allowUnset). */
  unresolved: Set<string>
  /** Paths of values that took text from the environment, with the text as written (never show secrets). */
  written: Map<string, string>
}

/** With `merge: true`, yaml parses a plain `<<` key as a Scalar holding a symbol. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol'
}

const REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/

/** The depth limit named when the parser itself gives up (POLICY_LIMITS.maxDepth in load.ts). */
const DEPTH_HINT = 64

/**
 * A parsed policy file that can say where any path is: every problem, from YAML syntax to a
 * semantic check, is reported at a line and column.
 */
export class YamlSource {
  readonly doc: Document.Parsed
  private readonly lines = new LineCounter()

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    // merge: anchors with `<<` keep repeated checks short; uniqueKeys (the default) reports duplicates.
    this.doc = parseDocument(text, { lineCounter: this.lines, merge: true, prettyErrors: false })
  }

  syntaxProblems(): PolicyProblem[] {
    if (this.doc.errors.some((e) => /Maximum call stack size exceeded/.test(e.message))) {
      // The parser ran out of stack: the document nests far deeper than any policy does.
      return [{ file: this.file, line: 1, column: 1, path: '', message: 'the file nests lists or mappings too deeply to be a policy', expected: `at most ${DEPTH_HINT} levels of nesting` }]
    }
    const problems = this.doc.errors.map((error): PolicyProblem => {
      const at = this.at(error.pos[0])
      return { file: this.file, ...at, path: '', message: `YAML: ${error.message.split('\n')[0] ?? error.message}` }
    })
    // Indentation slips surface as parser errors at a later line ("All mapping items must start at
    // the same column"); say which key is at the wrong level instead.
    const indentationCodes = new Set(['BAD_INDENT', 'MISSING_CHAR', 'UNEXPECTED_TOKEN', 'TAB_AS_INDENT', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY'])
    const firstError = this.doc.errors[0]
    if (firstError !== undefined && indentationCodes.has(firstError.code)) {
      const explained = indentationProblem(this.text, this.at(firstError.pos[0]).line)
      if (explained) problems.splice(0, problems.length, { file: this.file, path: '', ...explained })
    }
    // `{ address: ${URL} }` is the likeliest cause: `{` and `}` end a plain value inside flow collections.
    const first = problems[0]
    const line = first === undefined ? '' : (this.text.split('\n')[first.line - 1] ?? '')
    if (first !== undefined && /[{[][^'"]*\$\{/.test(line)) {
      first.expected = 'quotes around values that use ${NAME} inside { } or [ ], e.g. address: "${PROMETHEUS_URL}"'
    }
    return problems
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 1000 })
  }

  /**
   * The document as data, or a problem at the first alias when aliases expand past `maxAliasCount`
   * nodes (a "billion laughs" alias bomb), instead of the parser's exception.
   */
  toJSWithin(maxAliasCount: number): { ok: true; value: unknown } | { ok: false; problem: PolicyProblem } {
    try {
      return { ok: true, value: this.doc.toJS({ maxAliasCount }) }
    } catch (error) {
      if (!(error instanceof ReferenceError) || !/alias count/i.test(error.message)) throw error
      let firstAlias: Position = { line: 1, column: 1 }
      visitYaml(this.doc, {
        Alias: (_, node) => {
          if (node.range) firstAlias = this.at(node.range[0])
          return visitYaml.BREAK
        },
      })
      return {
        ok: false,
        problem: {
          file: this.file,
          ...firstAlias,
          path: '',
          message: `YAML aliases (*name) expand to more than ${maxAliasCount} nodes: the file would grow without bound when read (an alias bomb)`,
          expected: 'anchors and aliases used to share a few values, not to multiply them',
        },
      }
    }
  }

  /** A problem at the first node nested deeper than `maxDepth` levels, or undefined. Iterative: no stack to exhaust. */
  depthProblem(maxDepth: number): PolicyProblem | undefined {
    const pending: { node: unknown; depth: number }[] = [{ node: this.doc.contents, depth: 1 }]
    while (pending.length > 0) {
      const { node, depth } = pending.pop() as { node: unknown; depth: number }
      const children = isMap(node) ? node.items.map((pair) => pair.value) : isSeq(node) ? node.items : []
      if (children.length === 0) continue
      if (depth > maxDepth) {
        const at = this.nodePosition(node) ?? { line: 1, column: 1 }
        return { file: this.file, ...at, path: '', message: `lists and mappings are nested more than ${maxDepth} levels deep here`, expected: `at most ${maxDepth} levels of nesting` }
      }
      for (const child of children) pending.push({ node: child, depth: depth + 1 })
    }
    return undefined
  }

  at(offset: number): Position {
    const { line, col } = this.lines.linePos(offset)
    return { line, column: col }
  }

  /**
   * Where `path` is written: its key when `key` is set (unknown keys), else its value. A path that does
   * not exist (a missing key) maps to the deepest ancestor that does, at its key.
   */
  locate(path: readonly PathSegment[], options: { key?: boolean; needle?: string } = {}): Position {
    let node: unknown = this.doc.contents
    let lastPair: Pair | undefined
    for (let i = 0; i < path.length; i++) {
      const seg = path[i] as PathSegment
      node = this.deref(node)
      const found = this.child(node, seg)
      if (found === undefined) return this.pairPosition(lastPair) ?? this.nodePosition(node) ?? { line: 1, column: 1 }
      if (isPair(found)) {
        lastPair = found
        if (i === path.length - 1 && options.key) return this.pairPosition(found) ?? { line: 1, column: 1 }
        node = found.value
        if (node === null || node === undefined) return this.pairPosition(found) ?? { line: 1, column: 1 }
      } else {
        node = found
      }
    }
    if (options.needle !== undefined && isScalar(node) && node.range) {
      const index = this.text.slice(node.range[0], node.range[1]).indexOf(options.needle)
      if (index >= 0) return this.at(node.range[0] + index)
    }
    return this.nodePosition(node) ?? this.pairPosition(lastPair) ?? { line: 1, column: 1 }
  }

  /**
   * Replaces `${NAME}` in every string value from `env`. An unset or empty NAME is a problem at the
   * reference itself (Actions turns a missing secret into an empty variable); `$${` writes `${`.
   */
  substitute(
    env: Readonly<Record<string, string | undefined>>,
    options: SubstitutionOptions = {},
  ): { problems: PolicyProblem[]; substitutions: Substitutions; unset: PolicyProblem[] } {
    const problems: PolicyProblem[] = []
    /** With allowUnset: the references left as written, as problems a caller may show as warnings. */
    const unset: PolicyProblem[] = []
    const substitutions: Substitutions = { unresolved: new Set(), written: new Map() }
    const visit = (node: unknown, path: PathSegment[]): void => {
      if (isMap(node)) {
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? pair.key.value : pair.key
          visit(pair.value, [...path, String(key)])
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, index) => visit(item, [...path, index]))
      } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${')) {
        const source = node.range ? this.text.slice(node.range[0], node.range[1]) : ''
        const offset = node.range?.[0] ?? 0
        const result = this.expand(node.value, env, options, (message, reference, expected, kind) => {
          const index = source.indexOf(reference)
          ;(kind === 'unset' && options.allowUnset ? unset : problems).push({
            file: this.file,
            ...this.at(index >= 0 ? offset + index : offset),
            path: formatPath(path),
            message,
            found: reference,
            expected,
          })
        })
        if (result.unresolved) substitutions.unresolved.add(formatPath(path))
        if (result.fromEnv) substitutions.written.set(formatPath(path), node.value)
        node.value = result.text
      }
    }
    visit(this.doc.contents, [])
    return { problems, substitutions, unset }
  }

  private expand(
    text: string,
    env: Readonly<Record<string, string | undefined>>,
    options: SubstitutionOptions,
    report: (message: string, reference: string, expected: string, kind?: 'unset') => void,
  ): { text: string; unresolved: boolean; fromEnv: boolean } {
    let out = ''
    let unresolved = false
    let fromEnv = false
    let i = 0
    while (i < text.length) {
      if (text.startsWith('$${', i)) {
        out += '${'
        i += 3
        continue
      }
      if (!text.startsWith('${', i)) {
        out += text[i]
        i += 1
        continue
      }
      const match = REFERENCE.exec(text.slice(i))
      if (match === null) {
        const reference = text.slice(i, i + 12)
        report('malformed environment variable reference', reference, '${NAME} with NAME made of letters, digits and _, or $${ for a literal ${')
        out += '${'
        i += 2
        continue
      }
      const name = match[1] as string
      const value = env[name]
      if (value === undefined || value === '') {
        if (options.allowUnset) unresolved = true
        report(`environment variable ${name} is ${value === undefined ? 'not set' : 'empty'}`, match[0], `${name} set in the environment (env: or secrets)`, 'unset')
        out += match[0]
      } else {
        fromEnv = true
        out += value
      }
      i += match[0].length
    }
    return { text: out, unresolved, fromEnv }
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node
  }

  /** The pair (in a map) or item (in a sequence) for one path segment, looking through `<<` merges. */
  private child(node: unknown, seg: PathSegment): Pair | Node | undefined {
    if (isMap(node)) {
      const direct = node.items.find((pair) => isScalar(pair.key) && !isMergeKey(pair.key) && String(pair.key.value) === String(seg))
      if (direct) return direct
      for (const pair of node.items) {
        if (!isMergeKey(pair.key)) continue
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value]
        for (const source of sources) {
          const found = this.child(this.deref(source), seg)
          if (found) return found
        }
      }
      return undefined
    }
    if (isSeq(node) && typeof seg === 'number') return (node.items[seg] as Node | undefined) ?? undefined
    return undefined
  }

  private pairPosition(pair: Pair | undefined): Position | undefined {
    const key = pair?.key
    if (key && typeof key === 'object' && 'range' in key && Array.isArray(key.range)) return this.at(key.range[0] as number)
    return undefined
  }

  private nodePosition(node: unknown): Position | undefined {
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) return this.at(node.range[0] as number)
    return undefined
  }
}
