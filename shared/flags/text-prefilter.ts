// Multi-pattern substring search over raw file bytes: the prefilter that decides which files the
// scanner reads further. Three strategies (bench/flag-scan measures each on 50,000 files):
// - few patterns: one native Buffer#indexOf per pattern (C++ speed, but one pass per pattern);
// - many patterns of 4+ bytes: Wu-Manber, a block-shift scan that skips most bytes without looking
//   at them (2-byte blocks, shift table over the shortest pattern length), verifying candidates;
// - many patterns with a very short one: an Aho-Corasick automaton, one table lookup per byte.
// All answer the same question, so the choice only changes speed.
//
// Everything lives inside one self-contained function, byteScanKit(): the main thread calls it, and
// scan-pool.ts ships its source text to worker threads (a bundle then needs no second file), so it
// may use nothing from outside itself: no imports, no module-level values.

export interface Prefilter {
  /** True when any pattern occurs in buf[0, length). */
  test(buf: Buffer, length?: number): boolean
  readonly patterns: readonly string[]
  readonly strategy: Strategy
}

export type Strategy = 'indexOf' | 'aho-corasick' | 'wu-manber'

export function byteScanKit() {
  /** Up to this many patterns one native indexOf each beats a JS scan (measured). */
  const INDEXOF_MAX_PATTERNS = 3
  /** Wu-Manber needs the shortest pattern at least this long to skip usefully. */
  const WU_MANBER_MIN_LENGTH = 4

  function createPrefilter(patterns: readonly string[], strategy?: Strategy): Prefilter {
    const unique = [...new Set(patterns.filter((p) => p.length > 0))]
    const minBytes = Math.min(...unique.map((p) => Buffer.byteLength(p)))
    const chosen = strategy ?? (unique.length <= INDEXOF_MAX_PATTERNS ? 'indexOf' : minBytes >= WU_MANBER_MIN_LENGTH ? 'wu-manber' : 'aho-corasick')
    if (chosen === 'wu-manber' && minBytes >= 2) return wuManberPrefilter(unique)
    return chosen === 'indexOf' || unique.length === 0 ? indexOfPrefilter(unique) : ahoCorasickPrefilter(unique)
  }

  function wuManberPrefilter(patterns: string[]): Prefilter {
    const bufs = patterns.map((p) => Buffer.from(p, 'utf8'))
    const m = Math.min(...bufs.map((b) => b.length))
    // shift[block]: how far the window may move when its last two bytes are `block`.
    const maxShift = m - 1
    const shift = new Uint8Array(65536).fill(Math.min(maxShift, 255))
    // Patterns whose m-byte prefix ends with a block, as linked lists over pattern indices.
    const head = new Int32Array(65536).fill(-1)
    const nextInBucket = new Int32Array(bufs.length)
    for (let i = 0; i < bufs.length; i++) {
      const b = bufs[i]!
      for (let j = 1; j < m; j++) {
        const block = (b[j - 1]! << 8) | b[j]!
        const s = m - 1 - j
        if (s < shift[block]!) shift[block] = s
      }
      const last = (b[m - 2]! << 8) | b[m - 1]!
      nextInBucket[i] = head[last]!
      head[last] = i
    }
    return {
      patterns,
      strategy: 'wu-manber',
      test(buf, length = buf.length) {
        let pos = m - 1
        while (pos < length) {
          const block = (buf[pos - 1]! << 8) | buf[pos]!
          const s = shift[block]!
          if (s !== 0) {
            pos += s
            continue
          }
          const start = pos - m + 1
          for (let i = head[block]!; i !== -1; i = nextInBucket[i]!) {
            const p = bufs[i]!
            if (start + p.length > length) continue
            let k = 0
            while (k < p.length && buf[start + k] === p[k]) k++
            if (k === p.length) return true
          }
          pos++
        }
        return false
      },
    }
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

  function looksBinary(buf: Buffer, length: number): boolean {
    const end = Math.min(length, BINARY_SNIFF_BYTES)
    return buf.subarray(0, end).indexOf(0) !== -1
  }

  /** What a worker or the main thread is given to read files with (node:fs, passed in). */
  interface ReadFs {
    openSync(path: string, flags: string): number
    readSync(fd: number, buf: Buffer, offset: number, length: number, position: number): number
    closeSync(fd: number): void
  }

  /**
   * Reads files into one reused buffer of maxBytes + 1: one read answers both "what is in it" and "is
   * it over the limit", so a file costs open + read + close (no fstat). On Linux a read of a regular
   * file returns less than asked only at its end; a full buffer means the file is over the limit.
   * Returns the bytes (valid until the next call), 'huge', or undefined when it cannot be read.
   */
  function createReader(fs: ReadFs, maxBytes: number): (abs: string) => { buf: Buffer; length: number } | 'huge' | undefined {
    const buf = Buffer.allocUnsafe(maxBytes + 1)
    return (abs) => {
      let fd: number
      try {
        fd = fs.openSync(abs, 'r')
      } catch {
        return undefined
      }
      try {
        const length = fs.readSync(fd, buf, 0, buf.length, 0)
        if (length > maxBytes) return 'huge'
        return { buf, length }
      } catch {
        return undefined
      } finally {
        fs.closeSync(fd)
      }
    }
  }
  return { createPrefilter, looksBinary, createReader }
}

const kit = byteScanKit()
export const createPrefilter = kit.createPrefilter
export const looksBinary = kit.looksBinary
export const createReader = kit.createReader
