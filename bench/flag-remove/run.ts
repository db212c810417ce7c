// bench/flag-remove: time per removal (removeFlag only, after a scan) on the fixture shop
// (test/fixtures/flags/app) for each of its flags, median of N runs, and the removal corpus'
// pass rate with its time per case.
//   npx tsx bench/flag-remove/run.ts [--runs 15]
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { scanRepository } from '../../shared/flags/scan.js'
import { removeFlag } from '../../shared/flags/remove/remove-flag.js'
import type { KeptValue } from '../../shared/flags/types.js'
import { applyEdits, CORPUS, listFiles, loadCase, materialize, tempRepo } from '../../test/flags/remove-harness.js'

const i = process.argv.indexOf('--runs')
const RUNS = i === -1 ? 15 : Number(process.argv[i + 1])
const APP = join(import.meta.dirname, '../../test/fixtures/flags/app')
const KEEP = JSON.parse(readFileSync(join(APP, 'flags.json'), 'utf8')) as Record<string, KeptValue>
const FLAGS = Object.keys(KEEP).map((name) => ({ name }))

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const root = tempRepo('rollgate-flag-remove-')
for (const f of ['src', 'test', 'package.json', 'README.md']) cpSync(join(APP, f), join(root, f), { recursive: true })
mkdirSync(join(root, 'node_modules'), { recursive: true })
cpSync(join(APP, 'vendor/fake-flags'), join(root, 'node_modules/fake-flags'), { recursive: true })
writeFileSync(join(root, '.gitignore'), 'node_modules/\n')

console.log(`fixture shop: ${listFiles(join(root, 'src')).length} source files, ${FLAGS.length} flags; median of ${RUNS} runs (the first, cold, run reported apart)\n`)
console.log('| flag | kept | scan | removeFlag (cold) | removeFlag (median) | files edited / deleted |')
console.log('| --- | --- | ---: | ---: | ---: | ---: |')
const medians: number[] = []
for (const { name } of FLAGS) {
  const t0 = performance.now()
  const scan = await scanRepository(FLAGS, { root, include: [], exclude: [] })
  const scanMs = performance.now() - t0
  const times: number[] = []
  let edited = 0
  let deleted = 0
  for (let r = 0; r < RUNS + 1; r++) {
    const t = performance.now()
    const out = await removeFlag({ name }, KEEP[name]!, { root, references: scan.references })
    times.push(performance.now() - t)
    edited = out.edits.filter((e) => e.after !== null).length
    deleted = out.edits.length - edited
  }
  const cold = times.shift()!
  medians.push(median(times))
  console.log(`| ${name} | ${JSON.stringify(KEEP[name]!.value)} | ${scanMs.toFixed(1)} ms | ${cold.toFixed(1)} ms | ${median(times).toFixed(1)} ms | ${edited} / ${deleted} |`)
}
console.log(`\nmean of medians: ${(medians.reduce((a, b) => a + b, 0) / medians.length).toFixed(1)} ms per removal`)
rmSync(root, { recursive: true, force: true })

// The corpus: same check as test/flags/remove-corpus.test.ts without the type-check.
const cases = readdirSync(CORPUS).filter((d) => !d.startsWith('_')).sort()
let passed = 0
const caseTimes: number[] = []
const failed: string[] = []
for (const name of cases) {
  const c = loadCase(name)
  const r = materialize(c.before)
  try {
    const flag = c.spec.aliases ? { name: c.spec.flag, aliases: c.spec.aliases } : { name: c.spec.flag }
    const scan = await scanRepository([flag, ...(c.spec.others ?? []).map((o) => ({ name: o }))], { root: r, include: [], exclude: [] })
    const t = performance.now()
    const out = await removeFlag(flag, c.spec.keep, { root: r, references: scan.references })
    caseTimes.push(performance.now() - t)
    applyEdits(r, out.edits)
    const files = listFiles(r).filter((f) => f !== 'src/jsx.d.ts' && f !== '.gitignore')
    const same = JSON.stringify(files) === JSON.stringify([...c.after.keys()].sort()) && [...c.after].every(([f, text]) => readFileSync(join(r, f), 'utf8') === text)
    if (same && out.leftByHand.length === (c.spec.left ?? []).length) passed++
    else failed.push(name)
  } finally {
    rmSync(r, { recursive: true, force: true })
  }
}
console.log(`\nremoval corpus: ${passed}/${cases.length} cases produce their expected after (${((100 * passed) / cases.length).toFixed(0)} %), median ${median(caseTimes).toFixed(1)} ms per removal${failed.length ? `; failing: ${failed.join(', ')}` : ''}`)
