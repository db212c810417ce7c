// Multi-pattern substring search over raw file bytes: the prefilter that decides which files the
// scanner reads further. Two strategies, chosen by pattern count (bench/flag-scan measures both):
// - few patterns: one native Buffer#indexOf per pattern (memchr-class speed in C++);
// - many patterns: an Aho-Corasick automaton over bytes with a dense transition table, one pass.
// Both answer the same question, so the choice only changes speed.

/** Above this many patterns one Aho-Corasick pass beats a native indexOf per pattern (measured). */
const INDEXOF_MAX_PATTERNS = 12

export interface Prefilter {
  /** True when any pattern occurs in buf[0, length). */
  test(buf: Buffer, length?: number): boolean
  readonly patterns: readonly string[]
  readonly strategy: 'indexOf' | 'aho-corasick'
}

export function createPrefilter(patterns: readonly string[], strategy?: 'indexOf' | 'aho-corasick'): Prefilter {
  const unique = [...new Set(patterns.filter((p) => p.length > 0))]
  const chosen = strategy ?? (unique.length <= INDEXOF_MAX_PATTERNS ? 'indexOf' : 'aho-corasick')
  return chosen === 'indexOf' ? indexOfPrefilter(unique) : ahoCorasickPrefilter(unique)
}

function indexOfPrefilter(patterns: string[]): Prefilter {
  const needles = patterns.map((p) => Buffer.from(p, 'utf8'))
  return {
    patterns,
    strategy: 'indexOf',
    test(buf, length = buf.length) {
      const view = length === buf.length ? buf : buf.subarray(0, length)
      for (const needle of needles) if (view.indexOf(needle) !== -1) return true
      return false
    },
  }
}

function ahoCorasickPrefilter(patterns: string[]): Prefilter {
  // Build the trie with goto edges in a growable dense table (256 slots per state).
  let capacity = 1024
  let next = new Int32Array(capacity * 256).fill(-1)
  let out = new Uint8Array(capacity)
  let states = 1
  for (const p of patterns) {
    let s = 0
    for (const byte of Buffer.from(p, 'utf8')) {
      const slot = s * 256 + byte
      let t = next[slot]!
      if (t === -1) {
        if (states === capacity) {
          capacity *= 2
          const grown = new Int32Array(capacity * 256).fill(-1)
          grown.set(next)
          next = grown
          const grownOut = new Uint8Array(capacity)
          grownOut.set(out)
          out = grownOut
        }
        t = states++
        next[slot] = t
      }
      s = t
    }
    out[s] = 1
  }
  // Breadth-first: fill the missing edges from the failure links so matching is one lookup per byte.
  const fail = new Int32Array(states)
  const queue = new Int32Array(states)
  let head = 0
  let tail = 0
  for (let b = 0; b < 256; b++) {
    const t = next[b]!
    if (t === -1) next[b] = 0
    else {
      fail[t] = 0
      queue[tail++] = t
    }
  }
  while (head < tail) {
    const s = queue[head++]!
    if (out[fail[s]!]) out[s] = 1
    for (let b = 0; b < 256; b++) {
      const slot = s * 256 + b
      const t = next[slot]!
      if (t === -1) next[slot] = next[fail[s]! * 256 + b]!
      else {
        fail[t] = next[fail[s]! * 256 + b]!
        queue[tail++] = t
      }
    }
  }
  const table = next.subarray(0, states * 256)
  const accept = out.subarray(0, states)
  return {
    patterns,
    strategy: 'aho-corasick',
    test(buf, length = buf.length) {
      let s = 0
      for (let i = 0; i < length; i++) {
        s = table[(s << 8) | buf[i]!]!
        if (accept[s] === 1) return true
      }
      return false
    },
  }
}

/** Bytes sniffed for a NUL to call a file binary (what git and ripgrep do). */
const BINARY_SNIFF_BYTES = 8000

export function looksBinary(buf: Buffer, length: number): boolean {
  const end = Math.min(length, BINARY_SNIFF_BYTES)
  return buf.subarray(0, end).indexOf(0) !== -1
}
