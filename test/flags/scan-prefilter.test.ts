// The byte prefilter (both strategies must agree with a plain substring search) and the glob rules
// behind .gitignore and include/exclude.
import { describe, expect, it } from 'vitest'
import { createPrefilter, looksBinary } from '../../shared/flags/text-prefilter.js'
import { globToRegExp, parseGlobRule } from '../../shared/flags/scan-files.js'

function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed / 0x7fffffff
  }
}

describe('prefilter', () => {
  it.each(['indexOf', 'aho-corasick', 'wu-manber'] as const)('%s agrees with String#includes on random texts and patterns', (strategy) => {
    const rand = rng(7)
    const alphabet = 'abc-é'
    const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('')
    for (let round = 0; round < 300; round++) {
      const patterns = Array.from({ length: 1 + Math.floor(rand() * 30) }, () => word(2 + Math.floor(rand() * 5)))
      const text = word(Math.floor(rand() * 200))
      const f = createPrefilter(patterns, strategy)
      expect(f.test(Buffer.from(text)), `${JSON.stringify(patterns)} in ${text}`).toBe(patterns.some((p) => text.includes(p)))
    }
  })

  it('only looks at the first `length` bytes of a reused buffer', () => {
    const buf = Buffer.from('aaaa new-checkout')
    for (const s of ['indexOf', 'aho-corasick', 'wu-manber'] as const) {
      const f = createPrefilter(['new-checkout'], s)
      expect(f.test(buf, 5)).toBe(false)
      expect(f.test(buf, buf.length)).toBe(true)
    }
  })

  it('chooses indexOf for few patterns, Wu-Manber for many long ones, Aho-Corasick when one is short', () => {
    expect(createPrefilter(['a', 'b']).strategy).toBe('indexOf')
    expect(createPrefilter(Array.from({ length: 100 }, (_, i) => `flag-${i}`)).strategy).toBe('wu-manber')
    expect(createPrefilter([...Array.from({ length: 100 }, (_, i) => `flag-${i}`), 'ab']).strategy).toBe('aho-corasick')
  })

  it('calls a file binary when it has a NUL byte early on', () => {
    expect(looksBinary(Buffer.from([65, 0, 66]), 3)).toBe(true)
    expect(looksBinary(Buffer.from('plain text'), 10)).toBe(false)
  })
})

describe('globs', () => {
  it.each([
    ['*.ts', 'a.ts', true],
    ['*.ts', 'a/b.ts', false],
    ['src/**', 'src/a/b.ts', true],
    ['**/*.test.ts', 'a.test.ts', true],
    ['**/*.test.ts', 'x/y/a.test.ts', true],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['file?.md', 'file1.md', true],
    ['[ab].js', 'b.js', true],
    ['[!ab].js', 'b.js', false],
    ['a.b', 'axb', false],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected)
  })

  it('parses gitignore lines: comments, negation, directory-only, anchoring', () => {
    expect(parseGlobRule('# comment')).toBeUndefined()
    expect(parseGlobRule('   ')).toBeUndefined()
    expect(parseGlobRule('!keep.log')).toMatchObject({ negated: true, basename: true })
    expect(parseGlobRule('build/')).toMatchObject({ directoryOnly: true, basename: true })
    expect(parseGlobRule('/generated')).toMatchObject({ basename: false })
    expect(parseGlobRule('\\#literal')!.regex.test('#literal')).toBe(true)
  })
})
