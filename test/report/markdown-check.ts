import { expect } from 'vitest'

/**
 * What "valid" means for a truncated report: fences closed, `<details>` balanced, every table row
 * with as many cells as its header, no lone surrogate, within the byte limit.
 */
export function expectWellFormed(markdown: string, limitBytes?: number): void {
  if (limitBytes !== undefined) expect(Buffer.byteLength(markdown, 'utf8')).toBeLessThanOrEqual(limitBytes)
  expect(markdown).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)

  let fence: string | null = null
  let details = 0
  let tableCells: number | null = null
  for (const line of markdown.split('\n')) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line)
    if (fence !== null) {
      if (m && m[1] === fence && line.trim() === fence) fence = null
      continue
    }
    if (m) {
      fence = m[1] as string
      tableCells = null
      continue
    }
    // Inside a code span HTML is text (GitHub escapes it), so only tags outside spans count.
    const html = line.replace(/(`+)[^`][\s\S]*?\1/g, '')
    details += (html.match(/<details\b/g) ?? []).length
    details -= (html.match(/<\/details>/g) ?? []).length
    expect(details, `</details> without <details> before: ${line}`).toBeGreaterThanOrEqual(0)
    if (line.startsWith('|')) {
      const cells = cellCount(line)
      if (tableCells === null) tableCells = cells
      else expect(cells, `table row with a different cell count: ${line}`).toBe(tableCells)
    } else {
      tableCells = null
    }
  }
  expect(fence, 'unclosed code fence').toBeNull()
  expect(details, 'unclosed <details>').toBe(0)
}

/** Cells in a GFM table row: pipes not escaped by a backslash. */
export function cellCount(row: string): number {
  return (row.replace(/\\\\/g, '').match(/(?<!\\)\|/g) ?? []).length - 1
}
