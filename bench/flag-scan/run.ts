// bench/flag-scan: generates a repository-like tree of 50,000+ files in a temp dir, then prints, side
// by side, the throughput of the scanner's text prefilter and of `rg -F -l -f <flag names>` on the
// same tree and patterns (best of N warm runs each), and the scanner's parse time separately.
//   npx tsx bench/flag-scan/run.ts [--files 50000] [--flags 40] [--runs 3] [--keep]
// ripgrep is Debian's (`apt-get install -y ripgrep`); it is needed here only, not in CI.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPrefilter, looksBinary } from '../../shared/flags/text-prefilter.js'
import { createPathFilter, FileReader, walkFiles } from '../../shared/flags/scan-files.js'
import { DEFAULT_MAX_FILE_BYTES, scanRepository } from '../../shared/flags/scan.js'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const FILES = arg('files', 50_000)
const FLAGS = arg('flags', 40)
const RUNS = arg('runs', 3)

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

function best<T>(runs: number, fn: () => T): { ms: number; value: T } {
  let bestMs = Infinity
  let value!: T
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    value = fn()
    bestMs = Math.min(bestMs, performance.now() - t)
  }
  return { ms: bestMs, value }
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

function ripgrep(root: string, patterns: string, threads?: number): number {
  const args = ['-F', '-l', '--no-require-git', '-f', patterns, ...(threads ? ['-j', String(threads)] : []), root]
  const out = spawnSync('rg', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (out.status !== 0 && out.status !== 1) throw new Error(`rg failed: ${out.stderr}`)
  return out.stdout.split('\n').filter(Boolean).length
}

const root = mkdtempSync(join(tmpdir(), 'rollgate-flag-scan-'))
try {
  const gen = best(1, () => generate(root))
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
  console.log(`tree: ${files} files, ${mb.toFixed(1)} MB, ${flags.length} flag names (generated in ${(gen.ms / 1000).toFixed(1)} s) in ${root}`)
  console.log(`node ${process.version}, ${rgVersion}, best of ${RUNS} warm runs\n`)
  // Warm the page cache once for everyone.
  prefilterPass(root, 'indexOf')
  const rows: [string, number, number][] = []
  if (rgVersion !== 'not installed') {
    const rg = best(RUNS, () => ripgrep(root, patterns))
    rows.push([`rg -F -l -f names (default threads)`, rg.ms, rg.value])
    const rg1 = best(RUNS, () => ripgrep(root, patterns, 1))
    rows.push([`rg -F -l -f names -j1`, rg1.ms, rg1.value])
  }
  const io = best(RUNS, () => prefilterPass(root, 'indexOf'))
  rows.push(['prefilter, indexOf per name (1 thread)', io.ms, io.value])
  const ac = best(RUNS, () => prefilterPass(root, 'aho-corasick'))
  rows.push(['prefilter, Aho-Corasick (1 thread)', ac.ms, ac.value])
  const wm = best(RUNS, () => prefilterPass(root, 'wu-manber'))
  rows.push(['prefilter, Wu-Manber (1 thread, the default for these names)', wm.ms, wm.value])
  const read = best(RUNS, () => readOnly(root))
  rows.push(['walk + read only, no matching (the floor)', read.ms, read.value])
  console.log('| what | time | files/s | MB/s | files matched |')
  console.log('| --- | ---: | ---: | ---: | ---: |')
  for (const [what, ms, n] of rows) console.log(`| ${what} | ${ms.toFixed(0)} ms | ${Math.round(files / (ms / 1000))} | ${(mb / (ms / 1000)).toFixed(0)} | ${n} |`)
  const rgMs = rows[0]![0].startsWith('rg') ? rows[0]![1] : undefined
  if (rgMs !== undefined) {
    const ours = wm.ms
    console.log(`\nprefilter throughput / ripgrep throughput: ${(rgMs / ours).toFixed(2)} (goal >= 0.5); vs rg -j1: ${(rows[1]![1] / ours).toFixed(2)}`)
  }
  const full = await scanRepository(flags.map((name) => ({ name })), { root, include: [], exclude: [] })
  const t = full.timings
  console.log(`\nscanRepository: walk ${t.walkMs.toFixed(0)} ms, read+prefilter ${t.prefilterMs.toFixed(0)} ms (names + SDK stems), parse ${t.parseMs.toFixed(0)} ms for ${full.filesParsed} files (${(t.parseMs / Math.max(1, full.filesParsed)).toFixed(2)} ms/file), follow rounds ${t.rounds} in ${t.followMs.toFixed(0)} ms; ${full.references.length} references`)
  rmSync(patterns, { force: true })
} finally {
  if (!process.argv.includes('--keep')) rmSync(root, { recursive: true, force: true })
}
