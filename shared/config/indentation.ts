
/**
 * Indentation mistakes said in the user's terms: which key is at the wrong level and where it would
 * belong, instead of the parser's "All mapping items must start at the same column" at a later line,
 * or an "unknown key" in one place and a "missing key" in another for one misplaced line.
 */

export interface IndentationProblem {
  line: number
  column: number
  message: string
  expected: string
}

interface Level {
  /** 0-based column of the keys (or `-` items) at this level. */
  column: number
  /** The key or item written at this level most recently, and its line. */
  label: string
  line: number
  /** What the entries at this level belong to, e.g. `'production'` or `the top level`. */
  owner: string
}

interface Line {
  number: number
  indent: number
  /** The line without its indentation and trailing comment-free spaces. */
  content: string
}

const BLOCK_SCALAR = /:\s*[|>][-+0-9]*\s*(#.*)?$/

function significantLines(text: string, upTo: number): Line[] {
  const out: Line[] = []
  const raw = text.split('\n')
  let blockScalarIndent: number | undefined
  let flowDepth = 0
  for (let i = 0; i < Math.min(raw.length, upTo); i++) {
    const line = (raw[i] ?? '').replace(/\r$/, '')
    const content = line.trimStart()
    const indent = line.length - content.length
    if (content === '' || content.startsWith('#') || content === '---' || content === '...') continue
    if (blockScalarIndent !== undefined) {
      if (indent > blockScalarIndent) continue
      blockScalarIndent = undefined
    }
    const inFlow = flowDepth > 0
    flowDepth += (content.match(/[[{]/g) ?? []).length - (content.match(/[\]}]/g) ?? []).length
    if (flowDepth < 0) flowDepth = 0
    if (inFlow) continue
    out.push({ number: i + 1, indent, content })
    if (BLOCK_SCALAR.test(content)) blockScalarIndent = indent
  }
  return out
}

function keyOf(content: string): string | undefined {
  const match = /^(?:"([^"]*)"|'([^']*)'|([^\s:#][^:#]*?))\s*:(?:\s|$)/.exec(content)
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined
}

/** Whether a line leaves its value to the lines below it (`key:` alone, or `- ` alone). */
function opensBlock(content: string): boolean {
  const withoutComment = content.replace(/\s+#.*$/, '')
  return /:$/.test(withoutComment) || withoutComment === '-' || BLOCK_SCALAR.test(content)
}

function describeLevel(level: Level): string {
  return `${level.column} spaces to belong to ${level.owner} (like ${level.label} on line ${level.line})`
}

/**
 * The first line, up to `errorLine`, whose indentation matches no level of the block structure
 * around it, explained; undefined when the lines look consistent (the parser's message stays).
 */
export function indentationProblem(text: string, errorLine: number): IndentationProblem | undefined {
  const tab = text.split('\n').findIndex((line, i) => i < errorLine && /^ *\t/.test(line))
  const lines = significantLines(text, errorLine)
  const stack: Level[] = []
  let previous: Line | undefined
  for (const line of lines) {
    if (tab >= 0 && line.number > tab) break
    const isItem = line.content === '-' || line.content.startsWith('- ')
    const key = keyOf(isItem ? line.content.slice(1).trimStart() : line.content)
    const label = isItem ? `the list item` : key !== undefined ? `'${key}'` : 'the value'
    const popped: Level[] = []
    while (stack.length > 0 && (stack[stack.length - 1] as Level).column > line.indent) popped.push(stack.pop() as Level)
    const top = stack[stack.length - 1]
    if (top !== undefined && top.column === line.indent) {
      top.label = label
      top.line = line.number
    } else if (popped.length > 0) {
      const what = key !== undefined ? `'${key}'` : isItem ? 'this list item' : 'this line'
      const candidates = [popped[popped.length - 1] as Level, ...(top ? [top] : [])]
      return {
        line: line.number,
        column: line.indent + 1,
        message: `${what} is indented ${line.indent} spaces, which matches no level around it`,
        expected: `${candidates.map(describeLevel).join(', or ')}`,
      }
    } else if (previous !== undefined && !opensBlock(previous.content) && !(top === undefined)) {
      const previousKey = keyOf(previous.content.replace(/^-\s*/, ''))
      const what = key !== undefined ? `'${key}'` : 'this line'
      return {
        line: line.number,
        column: line.indent + 1,
        message: `${what} is indented deeper than ${previousKey !== undefined ? `'${previousKey}'` : 'the line'} on line ${previous.number}, which already has a value`,
        expected: `${top.column} spaces to belong to ${top.owner} (like ${top.label} on line ${top.line}), or a value left empty on line ${previous.number} to nest under it`,
      }
    } else {
      const previousKey = previous === undefined ? undefined : keyOf(previous.content.replace(/^-\s*/, ''))
      const owner = previous === undefined ? 'the top level' : previousKey !== undefined ? `'${previousKey}'` : `the list item on line ${previous.number}`
      stack.push({ column: line.indent, label, line: line.number, owner })
    }
    if (isItem && key !== undefined) {
      // `- key: value`: the item's own keys line up with `key`.
      const column = line.indent + line.content.length - line.content.slice(1).trimStart().length
      stack.push({ column, label: `'${key}'`, line: line.number, owner: `the list item on line ${line.number}` })
    }
    previous = line
  }
  if (tab >= 0) {
    return { line: tab + 1, column: 1, message: 'this line is indented with a tab', expected: 'spaces only: YAML does not allow tabs for indentation' }
  }
  return undefined
}
