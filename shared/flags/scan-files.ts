// The file walk under the scanner: nested .gitignore files (git's rules: later lines win, `!`
// re-includes, a trailing `/` means directories only, a slash anywhere but the end anchors the
// pattern to its .gitignore's folder, an ignored folder is not entered), then the policy's
// include/exclude globs, then size and binary checks on read.
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs'
import { join } from 'node:path'
import { createReader } from './text-prefilter.js'

export interface GlobRule {
  regex: RegExp
  negated: boolean
  directoryOnly: boolean
  /** Pattern had no slash except a trailing one: it matches a name at any depth below its base. */
  basename: boolean
}

/** Turns one gitignore-style glob into a RegExp over a '/'-separated path relative to its base. */
export function globToRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/'
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/'
        if (atStart && atEnd) {
          if (i + 2 === glob.length) re += '.*'
          else {
            re += '(?:.*/)?'
            i++ // skip the slash after **
          }
          i++
          continue
        }
      }
      re += '[^/]*'
    } else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2)
      if (close === -1) re += '\\['
      else {
        let body = glob.slice(i + 1, close)
        if (body.startsWith('!')) body = '^' + body.slice(1)
        re += '[' + body.replace(/\\/g, '\\\\') + ']'
        i = close
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      re += escapeRegExp(glob[++i]!)
    } else re += escapeRegExp(c)
  }
  return new RegExp('^' + re + '$')
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

export function parseGlobRule(line: string): GlobRule | undefined {
  let p = line.replace(/(?<!\\)\s+$/, '')
  if (p === '' || p.startsWith('#')) return undefined
  let negated = false
  if (p.startsWith('!')) {
    negated = true
    p = p.slice(1)
  } else if (p.startsWith('\\!') || p.startsWith('\\#')) p = p.slice(1)
  let directoryOnly = false
  if (p.endsWith('/')) {
    directoryOnly = true
    p = p.replace(/\/+$/, '')
  }
  if (p === '') return undefined
  const basename = !p.includes('/')
  if (p.startsWith('/')) p = p.slice(1)
  return { regex: globToRegExp(p), negated, directoryOnly, basename }
}

/** One rule set and the folder (repo-relative, '' for the root) its paths are relative to. */
interface IgnoreLayer {
  base: string
  rules: GlobRule[]
}

function ruleMatches(rule: GlobRule, relToBase: string, isDir: boolean): boolean {
  if (rule.directoryOnly && !isDir) return false
  if (rule.basename) {
    const slash = relToBase.lastIndexOf('/')
    return rule.regex.test(slash === -1 ? relToBase : relToBase.slice(slash + 1))
  }
  return rule.regex.test(relToBase)
}

/** git semantics: the last matching rule across all layers (deepest .gitignore last) decides. */
function ignoredBy(layers: readonly IgnoreLayer[], rel: string, isDir: boolean): boolean {
  if (layers.length === 0) return false
  let ignored = false
  for (const layer of layers) {
    const sub = layer.base === '' ? rel : rel.slice(layer.base.length + 1)
    for (const rule of layer.rules) if (ruleMatches(rule, sub, isDir)) ignored = !rule.negated
  }
  return ignored
}

export interface PathFilter {
  /** True when a repo-relative file path passes include and exclude. */
  file(rel: string): boolean
  /** False when a whole folder is excluded (so the walk does not enter it). */
  directory(rel: string): boolean
}

export function createPathFilter(include: readonly string[], exclude: readonly string[]): PathFilter {
  const inc = include.map(parseGlobRule).filter((r): r is GlobRule => r !== undefined)
  const exc = exclude.map(parseGlobRule).filter((r): r is GlobRule => r !== undefined)
  const matchesAny = (rules: GlobRule[], rel: string, isDir: boolean) => {
    let hit = false
    for (const r of rules) if (ruleMatches(r, rel, isDir)) hit = !r.negated
    return hit
  }
  // A file also counts as matched when one of its folders matches (`src` includes `src/a.ts`).
  const underMatch = (rules: GlobRule[], rel: string) => {
    if (matchesAny(rules, rel, false)) return true
    for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1)) if (matchesAny(rules, rel.slice(0, i), true)) return true
    return false
  }
  return {
    file: (rel) => (inc.length === 0 || underMatch(inc, rel)) && !underMatch(exc, rel),
    directory: (rel) => !matchesAny(exc, rel, true),
  }
}

export interface WalkedFile {
  rel: string
  abs: string
}

/**
 * Every file under root that .gitignore and the filter let through, in a stable order. `onFile` sees
 * each one as soon as it is found, so reading can start while the walk goes on.
 */
export function walkFiles(root: string, filter: PathFilter, onFile?: (file: WalkedFile) => void): WalkedFile[] {
  const files: WalkedFile[] = []
  const rootAbs = root.length > 1 && root.endsWith('/') ? root.slice(0, -1) : root
  const visit = (dirRel: string, layers: IgnoreLayer[]) => {
    // Plain concatenation, not path.join: the walk builds one path per file and join normalises each.
    const dirAbs = dirRel === '' ? rootAbs : `${rootAbs}/${dirRel}`
    let entries
    try {
      entries = readdirSync(dirAbs, { withFileTypes: true })
    } catch {
      return
    }
    let here = layers
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      const rules = readFileSync(join(dirAbs, '.gitignore'), 'utf8')
        .split(/\r?\n/)
        .map(parseGlobRule)
        .filter((r): r is GlobRule => r !== undefined)
      if (rules.length > 0) here = [...layers, { base: dirRel, rules }]
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      if (e.name === '.git') continue
      const rel = dirRel === '' ? e.name : `${dirRel}/${e.name}`
      if (e.isDirectory()) {
        if (!ignoredBy(here, rel, true) && filter.directory(rel)) visit(rel, here)
      } else if (e.isFile()) {
        if (!ignoredBy(here, rel, false) && filter.file(rel)) {
          const file = { rel, abs: `${dirAbs}/${e.name}` }
          files.push(file)
          onFile?.(file)
        }
      }
      // Symbolic links are not followed: a link can leave the repository or loop.
    }
  }
  visit('', [])
  return files
}

/** A reader with one reused buffer (text-prefilter.ts: createReader says how it reads). */
export class FileReader {
  readonly read: (abs: string) => { buf: Buffer; length: number } | 'huge' | undefined

  constructor(maxBytes: number) {
    this.read = createReader({ openSync, readSync, closeSync }, maxBytes)
  }
}
