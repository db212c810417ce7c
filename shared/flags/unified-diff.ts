/** A unified diff of one file's edit (for `rollgate flags remove --dry-run`), from a line LCS. */
import type { FileEdit } from './types.js'

const MAX_CELLS = 25_000_000

function lines(text: string | null): string[] {
  if (text === null || text === '') return []
  const out = text.split('\n')
  if (out[out.length - 1] === '') out.pop()
  return out
}

type Op = { kind: ' ' | '-' | '+'; text: string }

function diffLines(a: string[], b: string[]): Op[] {
  // Trim the common head and tail first: removals touch a few places in long files.
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++
  const mid = (x: string[]) => x.slice(head, x.length - tail)
  const am = mid(a)
  const bm = mid(b)
  const ops: Op[] = a.slice(0, head).map((text) => ({ kind: ' ', text }))
  if (am.length * bm.length > MAX_CELLS) {
    ops.push(...am.map((text): Op => ({ kind: '-', text })), ...bm.map((text): Op => ({ kind: '+', text })))
  } else {
    const n = am.length
    const m = bm.length
    const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        table[i]![j] = am[i] === bm[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!)
      }
    }
    let i = 0
    let j = 0
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) {
        ops.push({ kind: ' ', text: am[i++]! })
        j++
      } else if (i < n && (j === m || table[i + 1]![j]! >= table[i]![j + 1]!)) ops.push({ kind: '-', text: am[i++]! })
      else ops.push({ kind: '+', text: bm[j++]! })
    }
  }
  ops.push(...a.slice(a.length - tail).map((text): Op => ({ kind: ' ', text })))
  return ops
}

export function unifiedDiff(edit: FileEdit, context = 3): string {
  const a = lines(edit.before)
  const b = lines(edit.after)
  const ops = diffLines(a, b)
  const header = `--- a/${edit.file}\n+++ ${edit.after === null ? '/dev/null' : `b/${edit.file}`}\n`
  const hunks: string[] = []
  let i = 0
  let oldLine = 1
  let newLine = 1
  const positions = ops.map((op) => {
    const at = { old: oldLine, new: newLine }
    if (op.kind !== '+') oldLine++
    if (op.kind !== '-') newLine++
    return at
  })
  while (i < ops.length) {
    while (i < ops.length && ops[i]!.kind === ' ') i++
    if (i >= ops.length) break
    const start = Math.max(0, i - context)
    let end = i
    let quiet = 0
    while (end < ops.length && quiet <= context * 2) {
      quiet = ops[end]!.kind === ' ' ? quiet + 1 : 0
      end++
    }
    end = Math.min(ops.length, end - Math.max(0, quiet - context))
    const slice = ops.slice(start, end)
    const oldCount = slice.filter((o) => o.kind !== '+').length
    const newCount = slice.filter((o) => o.kind !== '-').length
    const at = positions[start]!
    hunks.push(`@@ -${oldCount === 0 ? at.old - 1 : at.old},${oldCount} +${newCount === 0 ? at.new - 1 : at.new},${newCount} @@\n${slice.map((o) => `${o.kind}${o.text}`).join('\n')}\n`)
    i = end
  }
  return hunks.length === 0 ? '' : header + hunks.join('')
}
