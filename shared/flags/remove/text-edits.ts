// Text-range edits over an original source text: the remover never reprints a file, it splices
// replacements into the original so formatting outside the edited ranges stays byte-for-byte.

export interface TextEdit {
  start: number
  end: number
  text: string
}

/** text[start, end) with the edits inside that range applied (edits must not overlap). */
export function applyEdits(text: string, start: number, end: number, edits: readonly TextEdit[]): string {
  const sorted = edits.filter((e) => e.start >= start && e.end <= end).sort((a, b) => a.start - b.start || a.end - b.end)
  let out = ''
  let at = start
  for (const e of sorted) {
    if (e.start < at) throw new Error(`overlapping edits at ${e.start} (internal error in the flag remover)`)
    out += text.slice(at, e.start) + e.text
    at = e.end
  }
  return out + text.slice(at, end)
}

export function lineStartOf(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1
}

/** The end of the line holding pos, after its newline (or the text's end). */
export function nextLineStart(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos)
  return nl === -1 ? text.length : nl + 1
}

export function onlyWhitespace(text: string, from: number, to: number): boolean {
  return /^[ \t]*$/.test(text.slice(from, to))
}

/** The range that removes [start, end) and, when it has the line to itself, the whole line. */
export function wholeLineRange(text: string, start: number, end: number): { start: number; end: number } {
  const ls = lineStartOf(text, start)
  const nl = text.indexOf('\n', end)
  const le = nl === -1 ? text.length : nl
  if (onlyWhitespace(text, ls, start) && onlyWhitespace(text, end, le)) {
    return { start: ls, end: nl === -1 ? text.length : nl + 1 }
  }
  return { start, end }
}

export function indentOf(text: string, pos: number): string {
  const ls = lineStartOf(text, pos)
  return /^[ \t]*/.exec(text.slice(ls))![0]
}

/** Removes `by` from the start of every line after the first that begins with it. */
export function dedent(block: string, by: string): string {
  if (by === '') return block
  return block
    .split('\n')
    .map((l, i) => (i > 0 && l.startsWith(by) ? l.slice(by.length) : l))
    .join('\n')
}
