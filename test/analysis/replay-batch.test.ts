import { describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { replayCommand } from '../../cli/replay.js'
import type { CliIO } from '../../cli/command.js'

const example = join(import.meta.dirname, '..', 'fixtures', 'analysis', 'design-example.json')

function io(cwd: string): CliIO & { out: string; err: string } {
  const o = { out: '', err: '', stdout: (t: string) => void (o.out += t), stderr: (t: string) => void (o.err += t), env: {}, cwd, isTTY: false }
  return o
}

describe('rollgate replay batch mode', () => {
  it('a directory with --jsonl replays every *.json file, one line each, in sorted order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-batch-'))
    mkdirSync(join(dir, 'runs', 'b'), { recursive: true })
    copyFileSync(example, join(dir, 'runs', 'z.json'))
    copyFileSync(example, join(dir, 'runs', 'b', 'a.json'))
    writeFileSync(join(dir, 'runs', 'notes.txt'), 'ignored')
    const out = io(dir)
    expect(await replayCommand.run(['runs', '--jsonl'], out)).toBe(0)
    const lines = out.out.trim().split('\n').map((l) => JSON.parse(l) as { file: string; decision: string })
    expect(lines.map((l) => l.file)).toEqual([join('runs', 'b', 'a.json'), join('runs', 'z.json')])
    for (const l of lines) expect(['pass', 'fail', 'inconclusive']).toContain(l.decision)
  })

  it('a malformed file in a batch names the file and field, exits 2, and the others still run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-batch-'))
    copyFileSync(example, join(dir, 'good.json'))
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ version: 1, alpha: 2, metrics: [], intervals: [] }))
    const out = io(dir)
    expect(await replayCommand.run(['bad.json', 'good.json', '--jsonl'], out)).toBe(2)
    const lines = out.out.trim().split('\n').map((l) => JSON.parse(l) as { file: string; error?: string; decision?: string })
    expect(lines[0]?.error).toMatch(/bad\.json: alpha: expected a number between 0 and 1/)
    expect(lines[1]?.decision).toBeDefined()
    expect(out.err).toContain('bad.json')
  })

  it('several files without --jsonl is a usage error naming the flag', async () => {
    const out = io(tmpdir())
    expect(await replayCommand.run([example, example], out)).toBe(2)
    expect(out.err).toContain('--jsonl')
  })
})
