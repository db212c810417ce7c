#!/usr/bin/env node
// Bundles every action, the comment router and the CLI with @vercel/ncc into dist/<name>/.
// Deterministic: pinned ncc, no source maps or timestamps, entries built in a fixed order, and a
// final scan that fails if a bundle embeds this machine's paths.
import { spawn } from 'node:child_process'
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const actions = (await readdir(join(root, 'actions'), { withFileTypes: true }))
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()
const entries = [
  ...actions.map((name) => ({ name, entry: `actions/${name}/index.ts` })),
  { name: 'router', entry: 'router/index.ts' },
  { name: 'cli', entry: 'cli/index.ts' },
  // `rollgate replay` alone, without the rest of the CLI: bin/rollgate.js runs it for fast start-up.
  { name: 'replay', entry: 'cli/replay-main.ts' },
]
const only = process.argv.slice(2)
const selected = only.length > 0 ? entries.filter((e) => only.includes(e.name)) : entries

function ncc(entry, out) {
  return new Promise((ok, fail) => {
    const bin = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
    const child = spawn(process.execPath, [bin, 'build', entry, '-o', out, '--license', 'licenses.txt', '--quiet', '--target', 'es2023'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`ncc failed for ${entry} (exit ${code})`))))
  })
}

// Two at a time: the machines have two cores.
const queue = [...selected]
async function worker() {
  for (let e = queue.shift(); e; e = queue.shift()) {
    const out = join('dist', e.name)
    await rm(join(root, out), { recursive: true, force: true })
    const started = Date.now()
    await ncc(e.entry, out)
    // The bundle is ESM; this keeps it so whatever package.json sits above it.
    await writeFile(join(root, out, 'package.json'), '{\n  "type": "module"\n}\n')
    const js = await readFile(join(root, out, 'index.js'), 'utf8')
    for (const leak of [root, '/tmp/']) {
      if (leak.length > 1 && js.includes(leak)) throw new Error(`${out}/index.js embeds a machine path (${leak}); the build would not be reproducible`)
    }
    console.log(`built ${out}/index.js (${(js.length / 1024).toFixed(0)} KiB, ${((Date.now() - started) / 1000).toFixed(1)} s)`)
  }
}
await Promise.all([worker(), worker()])
if (!existsSync(join(root, 'dist', 'cli', 'index.js')) && only.length === 0) throw new Error('dist/cli/index.js missing after build')
