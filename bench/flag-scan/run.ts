// bench/flag-scan: generates a repository-like tree of 50,000+ files in a temp dir, then prints, side
// by side, the throughput of the scanner's text prefilter (walk + read + test on worker threads,
// shared/flags/scan-pool.ts) and of `rg -F -f <flag names>` (the command) and `rg -F -l -f`
// on the same tree and patterns, and the scanner's parse time separately. The machine is shared, so
// ripgrep and the prefilter run interleaved, round after round, and the ratio is reported per round
// (median and spread) next to the best and median time of each.
//   npx tsx bench/flag-scan/run.ts [--files 50000] [--flags 40] [--runs 7] [--threads N] [--keep] [--tree DIR]
// ripgrep is Debian's (`apt-get install -y ripgrep`); it is needed here only, not in CI.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPrefilter, looksBinary } from '../../shared/flags/text-prefilter.js'
import { createPathFilter, FileReader, walkFiles } from '../../shared/flags/scan-files.js'
import { DEFAULT_MAX_FILE_BYTES, scanRepository } from '../../shared/flags/scan.js'
import { defaultScanThreads, prefilterTree } from '../../shared/flags/scan-pool.js'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const FILES = arg('files', 50_000)
const FLAGS = arg('flags', 40)
const RUNS = arg('runs', 7)
const THREADS = arg('threads', defaultScanThreads())
const treeArg = process.argv.indexOf('--tree')
/** Reuse (or create once) the tree in this folder instead of a fresh temp dir. */
const TREE = treeArg === -1 ? undefined : process.argv[treeArg + 1]

let seed = 20240601
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed / 0x7fffffff
}
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!

const flags = Array.from({ length: FLAGS }, (_, i) => `${pick(['new', 'fast', 'beta', 'exp', 'ui'])}-${pick(['checkout', 'search', 'nav', 'pricing', 'login'])}-${i}`)
const words = ['const', 'return', 'function', 'export', 'import', 'value', 'items', 'props', 'state', 'render', 'await', 'config', 'handler', 'result', 'index']

function codeFile(flagged: boolean): string {
  const lines: string[] = [`import { helper } from '../lib/helper'`, '']
  const n = 20 + Math.floor(rand() * 120)
  for (let i = 0; i < n; i++) lines.push(`export const ${pick(words)}${i} = (${pick(words)}: number) => ${pick(words)}.${pick(words)}(${i}) // ${pick(words)} ${pick(words)}`)
  if (flagged) lines.splice(5, 0, `  if (client.isEnabled('${pick(flags)}')) { helper() }`)
  return lines.join('\n') + '\n'
}

function textFile(flagged: boolean): string {
  const lines: string[] = []
  const n = 10 + Math.floor(rand() * 60)
  for (let i = 0; i < n; i++) lines.push(Array.from({ length: 8 }, () => pick(words)).join(' '))
  if (flagged) lines.push(`The ${pick(flags)} flag is documented here.`)
  return lines.join('\n') + '\n'
}

function generate(root: string): { files: number; bytes: number } {
  let bytes = 0
  writeFileSync(join(root, '.gitignore'), 'node_modules/\n*.log\n')
  const dirs = Math.ceil(FILES / 100)
  let made = 0
  for (let d = 0; d < dirs && made < FILES; d++) {
    const dir = join(root, `packages/p${d % 50}/src/m${d}`)
    mkdirSync(dir, { recursive: true })
    for (let f = 0; f < 100 && made < FILES; f++, made++) {
      const flagged = rand() < 0.01
      const r = rand()
      let name: string
      let body: string | Buffer
      if (r < 0.6) [name, body] = [`f${f}.ts`, codeFile(flagged)]
      else if (r < 0.7) [name, body] = [`f${f}.tsx`, codeFile(flagged)]
      else if (r < 0.78) [name, body] = [`f${f}.js`, codeFile(flagged)]
      else if (r < 0.95) [name, body] = [`f${f}.md`, textFile(flagged)]
      else if (r < 0.99) [name, body] = [`f${f}.json`, JSON.stringify({ name: pick(words), flags: flagged ? [pick(flags)] : [] })]
      else [name, body] = [`f${f}.png`, Buffer.from(Array.from({ length: 2048 }, () => Math.floor(rand() * 256)))]
      writeFileSync(join(dir, name), body)
      bytes += Buffer.byteLength(body)
    }
  }
  return { files: made, bytes }
}

function timed<T>(fn: () => T): { ms: number; value: T } {
  const t = performance.now()
  const value = fn()
  return { ms: performance.now() - t, value }
}

async function timedAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now()
  const value = await fn()
  return { ms: performance.now() - t, value }
}

/** The scanner's first pass: walk, read and test every file, on `threads` reader threads. */
async function poolPass(root: string, threads: number): Promise<number> {
  let matched = 0
  await prefilterTree(
    { root, filter: createPathFilter([], []), patternSets: [flags], setOf: () => 0, maxFileBytes: DEFAULT_MAX_FILE_BYTES, threads, parallelFrom: 0 },
    (o) => {
      if (o.status === 'match') matched++
    },
  )
  return matched
}

function prefilterPass(root: string, strategy: 'indexOf' | 'aho-corasick' | 'wu-manber') {
  const filter = createPrefilter(flags, strategy)
  const reader = new FileReader(DEFAULT_MAX_FILE_BYTES)
  let matched = 0
  for (const f of walkFiles(root, createPathFilter([], []))) {
    const r = reader.read(f.abs)
    if (r === undefined || r === 'huge' || looksBinary(r.buf, r.length)) continue
    if (filter.test(r.buf, r.length)) matched++
  }
  return matched
}

function readOnly(root: string) {
  const reader = new FileReader(DEFAULT_MAX_FILE_BYTES)
  let n = 0
  for (const f of walkFiles(root, createPathFilter([], []))) if (reader.read(f.abs)) n++
  return n
}

function ripgrep(root: string, patterns: string, options: { threads?: number; list?: boolean } = {}): number {
  const args = ['-F', ...(options.list ? ['-l'] : []), '--no-require-git', '-f', patterns, ...(options.threads ? ['-j', String(options.threads)] : []), root]
  const out = spawnSync('rg', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  if (out.status !== 0 && out.status !== 1) throw new Error(`rg failed: ${out.stderr}`)
  // Files with a match: `path` with -l, `path:line` without.
  return new Set(out.stdout.split('\n').filter(Boolean).map((l) => (options.list ? l : l.slice(0, l.indexOf(':'))))).size
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** Files and bytes of an existing tree (--tree reuse); the .gitignore is not counted. */
function measure(dir: string): { files: number; bytes: number } {
  let n = 0
  let bytes = 0
  for (const f of walkFiles(dir, createPathFilter([], []))) {
    if (f.rel === '.gitignore') continue
    n++
    bytes += statSync(f.abs).size
  }
  return { files: n, bytes }
}

const root = TREE ?? mkdtempSync(join(tmpdir(), 'rollgate-flag-scan-'))
try {
  mkdirSync(root, { recursive: true })
  const fresh = !existsSync(join(root, '.gitignore'))
  const gen = timed(() => (fresh ? generate(root) : measure(root)))
  const { files, bytes } = gen.value
  const mb = bytes / 1024 / 1024
  const patterns = join(tmpdir(), `rollgate-flag-scan-patterns-${process.pid}.txt`)
  writeFileSync(patterns, flags.join('\n') + '\n')
  let rgVersion = 'not installed'
  try {
    rgVersion = execFileSync('rg', ['--version'], { encoding: 'utf8' }).split('\n')[0]!
  } catch {
    console.error('ripgrep is not installed: apt-get install -y ripgrep')
  }
  console.log(`tree: ${files} files, ${mb.toFixed(1)} MB, ${flags.length} flag names (${fresh ? 'generated' : 'reused'} in ${(gen.ms / 1000).toFixed(1)} s) in ${root}`)
  console.log(`node ${process.version}, ${rgVersion}, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${RUNS} interleaved rounds, prefilter on ${THREADS} reader threads\n`)
  // Warm the page cache once for everyone.
  prefilterPass(root, 'wu-manber')
  const have = rgVersion !== 'not installed'
  const rows = new Map<string, { ms: number[]; n: number }>()
  const record = (what: string, r: { ms: number; value: number }) => {
    const row = rows.get(what) ?? { ms: [], n: r.value }
    row.ms.push(r.ms)
    rows.set(what, row)
    return r.ms
  }
  const RG = "rg -F -f names (the issue's command, default threads)"
  const RGL = 'rg -F -l -f names (default threads)'
  const OURS = `prefilter: walk + read + Wu-Manber on ${THREADS} reader threads (the scanner's first pass)`
  const ratios: number[] = []
  const ratiosL: number[] = []
  for (let round = 0; round < RUNS; round++) {
    const ours = async () => record(OURS, await timedAsync(() => poolPass(root, THREADS)))
    let rg = 0
    let rgl = 0
    let mine = 0
    // Alternate who goes first, so neither always gets the quieter moment.
    if (round % 2 === 0) {
      if (have) rg = record(RG, timed(() => ripgrep(root, patterns)))
      mine = await ours()
      if (have) rgl = record(RGL, timed(() => ripgrep(root, patterns, { list: true })))
    } else {
      if (have) rgl = record(RGL, timed(() => ripgrep(root, patterns, { list: true })))
      mine = await ours()
      if (have) rg = record(RG, timed(() => ripgrep(root, patterns)))
    }
    if (have) {
      ratios.push(rg / mine)
      ratiosL.push(rgl / mine)
    }
  }
  if (have) record('rg -F -l -f names -j1', timed(() => ripgrep(root, patterns, { threads: 1, list: true })))
  record('prefilter, Wu-Manber, main thread only (no workers)', timed(() => prefilterPass(root, 'wu-manber')))
  record('prefilter, Aho-Corasick, main thread only', timed(() => prefilterPass(root, 'aho-corasick')))
  record('walk + read only, main thread, no matching', timed(() => readOnly(root)))
  console.log('| what | best time | median time | files/s (best) | MB/s (best) | files matched |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
  for (const [what, { ms, n }] of rows) {
    const b = Math.min(...ms)
    console.log(`| ${what} | ${b.toFixed(0)} ms | ${median(ms).toFixed(0)} ms | ${Math.round(files / (b / 1000))} | ${(mb / (b / 1000)).toFixed(0)} | ${n} |`)
  }
  if (have) {
    const fmt = (xs: number[]) => `median ${median(xs).toFixed(2)}, spread ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} over ${xs.length} rounds [${xs.map((x) => x.toFixed(2)).join(' ')}]`
    console.log('\nprefilter throughput / ripgrep throughput, per interleaved round (goal >= 0.5):')
    console.log(`  vs rg -F -f (the issue's command): ${fmt(ratios)}`)
    console.log(`  vs rg -F -l -f (stops at a file's first match): ${fmt(ratiosL)}`)
  }
  const full = await scanRepository(flags.map((name) => ({ name })), { root, include: [], exclude: [], threads: THREADS })
  const t = full.timings
  console.log(`\nscanRepository: walk ${t.walkMs.toFixed(0)} ms within walk+read+prefilter ${t.prefilterMs.toFixed(0)} ms on ${t.threads} threads (names + SDK stems), parse ${t.parseMs.toFixed(0)} ms for ${full.filesParsed} files (${(t.parseMs / Math.max(1, full.filesParsed)).toFixed(2)} ms/file), follow rounds ${t.rounds} in ${t.followMs.toFixed(0)} ms; ${full.references.length} references`)
  rmSync(patterns, { force: true })
} finally {
  if (!process.argv.includes('--keep') && !TREE) rmSync(root, { recursive: true, force: true })
}
