/**
 * Fitting Markdown into a byte budget without ever producing broken Markdown. A document is a list
 * of blocks: fixed text, and lists of atomic items (table rows, charts, timeline lines) that can be
 * shortened. Lists fill by priority (the metric table before the charts), keep whole items only,
 * and say what they left out. A last-resort cut closes whatever it interrupted.
 */
import { byteLength, cutToBytes, truncateText } from './text.js'

export interface FixedBlock {
  kind: 'fixed'
  text: string
}

export interface ListBlock {
  kind: 'list'
  /** Emitted before the first kept item (a table header, `<details><summary>…`). */
  open: string
  /** Each item is valid on its own and ends with a newline. */
  items: string[]
  /** Emitted after the last kept item; it must end the construct (a blank line after a table). */
  close: string
  /** The visible note, given how many items were left out and how many there were. */
  omitted: (omitted: number, total: number) => string
  /** Lower fills first. */
  priority: number
  /** Which end survives: the first items (a table sorted by importance) or the last (recent looks). */
  keep?: 'head' | 'tail'
}

export type Block = FixedBlock | ListBlock

export function fixed(text: string): FixedBlock {
  return { kind: 'fixed', text }
}

/** The note that replaces what did not fit, as its own paragraph. */
export function omissionNote(count: number, noun: string, hint: string): string {
  const more = count === 1 ? `1 more ${noun.replace(/s$/, '')}` : `${count} more ${noun}`
  return `\n_… ${more} omitted; ${hint}._\n\n`
}

/** Lays the blocks out within `limitBytes`, shortening lists by priority. */
export function fitBlocks(blocks: Block[], limitBytes: number, fallbackNote = 'report truncated'): string {
  const lists = blocks.filter((b): b is ListBlock => b.kind === 'list')
  const kept = new Map<ListBlock, number>(lists.map((b) => [b, b.items.length]))
  const full = render(blocks, kept)
  if (byteLength(full) <= limitBytes) return full

  // Start from every list empty (just its note), then fill the most important lists first.
  const sizes = new Map<ListBlock, number[]>(lists.map((b) => [b, b.items.map(byteLength)]))
  for (const list of lists) kept.set(list, 0)
  let used = byteLength(render(blocks, kept))
  if (used > limitBytes) return closeAndCut(render(blocks, kept), limitBytes, fallbackNote)

  const byPriority = [...lists].sort((a, b) => a.priority - b.priority)
  for (const list of byPriority) {
    const itemSizes = sizes.get(list) as number[]
    const n = list.items.length
    const order = list.keep === 'tail' ? [...itemSizes].reverse() : itemSizes
    let cost = listCost(list, 0, 0)
    let itemBytes = 0
    let k = 0
    while (k < n) {
      const nextItems = itemBytes + (order[k] as number)
      const nextCost = listCost(list, k + 1, nextItems)
      if (used - cost + nextCost > limitBytes) break
      used = used - cost + nextCost
      cost = nextCost
      itemBytes = nextItems
      k += 1
    }
    kept.set(list, k)
  }
  const text = render(blocks, kept)
  // Exact by construction; the guard only protects against a caller's inconsistent block.
  return byteLength(text) <= limitBytes ? text : closeAndCut(text, limitBytes, fallbackNote)
}

function listCost(list: ListBlock, k: number, itemBytes: number): number {
  const n = list.items.length
  if (n === 0) return 0
  if (k === 0) return byteLength(list.omitted(n, n))
  return byteLength(list.open) + itemBytes + byteLength(list.close) + (k < n ? byteLength(list.omitted(n - k, n)) : 0)
}

function render(blocks: Block[], kept: Map<ListBlock, number>): string {
  let out = ''
  for (const block of blocks) {
    if (block.kind === 'fixed') {
      out += block.text
      continue
    }
    const n = block.items.length
    const k = kept.get(block) ?? n
    if (n === 0) continue
    if (k === 0) {
      out += block.omitted(n, n)
      continue
    }
    const items = block.keep === 'tail' ? block.items.slice(n - k) : block.items.slice(0, k)
    out += block.open + items.join('') + block.close
    if (k < n) out += block.omitted(n - k, n)
  }
  return out
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/

/**
 * Last resort: cuts Markdown at a line end within the budget, closes an open code fence and open
 * `<details>` blocks, and appends a note. Never cuts inside a character.
 */
export function closeAndCut(markdown: string, limitBytes: number, note: string): string {
  if (byteLength(markdown) <= limitBytes) return markdown
  const tail = `\n\n_… ${note}._\n`
  let budget = limitBytes - byteLength(tail) - 64
  while (budget > 0) {
    let cut = cutToBytes(markdown, budget)
    const lastNewline = cut.lastIndexOf('\n')
    if (lastNewline > 0) cut = cut.slice(0, lastNewline)
    const result = `${cut}${closers(cut)}${tail}`
    if (byteLength(result) <= limitBytes) return result
    budget -= Math.max(64, byteLength(result) - limitBytes)
  }
  return truncateText(tail.trim(), limitBytes)
}

/** What it takes to close the constructs left open at the end of `markdown`. */
function closers(markdown: string): string {
  let fence: string | null = null
  let details = 0
  for (const line of markdown.split('\n')) {
    const m = FENCE.exec(line)
    if (fence !== null) {
      if (m && (m[1] as string)[0] === fence[0] && (m[1] as string).length >= fence.length && line.trim() === m[1]) fence = null
      continue
    }
    if (m) {
      fence = m[1] as string
      continue
    }
    // A `<details>` inside a code span (a version string) is text, not a block.
    const html = line.replace(/(`+)[^`][\s\S]*?\1/g, '')
    details += (html.match(/<details\b/gi) ?? []).length
    details -= (html.match(/<\/details>/gi) ?? []).length
  }
  const lastLine = markdown.slice(markdown.lastIndexOf('\n') + 1)
  let out = ''
  // A single line cut short may leave a code span open.
  if (fence === null && (lastLine.match(/(?<!\\)`/g) ?? []).length % 2 === 1) out += '`'
  if (fence !== null) out += `\n${fence}`
  out += '\n</details>\n'.repeat(Math.max(0, details))
  return out
}
