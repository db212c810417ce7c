#!/usr/bin/env node
// CI check of the newcomer's path: runs `rollgate demo --fast --json` from the committed bundle and
// asserts from its JSON summary that v2 was rolled back and v3 promoted, within three minutes, and
// that nothing it started is left running (HAProxy process, router port).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const out = mkdtempSync(join(tmpdir(), 'rollgate-ci-demo-'))
const started = Date.now()
const run = spawnSync(process.execPath, ['bin/rollgate.js', 'demo', '--fast', '--json', '--out', out], { encoding: 'utf8', timeout: 180_000 })
const seconds = (Date.now() - started) / 1000
const fail = (message) => {
  console.error(`demo check failed: ${message}\n--- stderr (tail) ---\n${(run.stderr ?? '').split('\n').slice(-30).join('\n')}`)
  process.exit(1)
}
if (run.error) fail(`could not run the demo: ${run.error.message}`)
if (run.status !== 0) fail(`the demo exited with ${run.status}`)
let summary
try {
  summary = JSON.parse(run.stdout)
} catch {
  fail(`stdout is not one JSON object: ${run.stdout.slice(0, 300)}`)
}
const outcome = (v) => summary.versions?.find((x) => x.version === v)?.outcome
if (outcome('v2') !== 'rolled-back') fail(`v2 ended ${outcome('v2')}, expected rolled-back`)
if (outcome('v3') !== 'promoted') fail(`v3 ended ${outcome('v3')}, expected promoted`)
if (seconds > 180) fail(`took ${seconds.toFixed(0)} s, more than 3 minutes`)
for (const file of ['report.md', 'report.html']) if (!existsSync(join(out, file))) fail(`${file} was not written`)
if (!readFileSync(join(out, 'report.html'), 'utf8').includes('<svg')) fail('report.html has no charts')
if (summary.haproxyPid && existsSync(`/proc/${summary.haproxyPid}`)) fail(`HAProxy (pid ${summary.haproxyPid}) is still running`)
if (summary.url) {
  const port = Number(new URL(summary.url).port)
  const open = await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
  if (open) fail(`the router port ${port} still accepts connections`)
}
console.log(`demo: v2 rolled back, v3 promoted, ${seconds.toFixed(0)} s, router ${summary.router}, nothing left running`)
