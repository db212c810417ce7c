import { describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runProcess } from '../../shared/process/run.js'

const node = process.execPath
/** Running, as opposed to gone or a zombie nobody reaped yet (containers often have no init that reaps). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : ''
  return !/^\d+ \(.*\) Z/.test(stat)
}

describe('the process runner', () => {
  it('passes arguments as they are: no shell ever reads them', async () => {
    const result = await runProcess(node, ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', '$(echo pwned)', '; rm -rf /', '`id`'])
    expect(JSON.parse(result.stdout)).toEqual(['$(echo pwned)', '; rm -rf /', '`id`'])
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, truncated: false })
  })

  it('returns a non-zero exit with both streams', async () => {
    const result = await runProcess(node, ['-e', 'console.log("out"); console.error("err"); process.exit(3)'])
    expect(result).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' })
  })

  it('throws when the command cannot be started', async () => {
    await expect(runProcess('/nonexistent/rollgate-tool', [])).rejects.toThrow(/ENOENT/)
  })

  it('keeps the first maxOutputBytes of each stream and says it cut', async () => {
    const result = await runProcess(node, ['-e', 'process.stdout.write("x".repeat(100000))'], { maxOutputBytes: 1000 })
    expect(result.stdout).toBe('x'.repeat(1000))
    expect(result.truncated).toBe(true)
  })

  it('streams complete lines to onLine', async () => {
    const lines: string[] = []
    await runProcess(node, ['-e', 'process.stdout.write("a\\nb\\r\\nc"); process.stderr.write("e\\n")'], { onLine: (l, s) => lines.push(`${s}:${l}`) })
    expect(lines.sort()).toEqual(['stderr:e', 'stdout:a', 'stdout:b', 'stdout:c'])
  })

  it('a timeout kills the whole process group, grandchildren included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-process-'))
    const pidFile = join(dir, 'grandchild.pid')
    const script = `const { spawn } = require('node:child_process'); const c = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' }); require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); setTimeout(() => {}, 60000)`
    const started = Date.now()
    const result = await runProcess(node, ['-e', script], { timeoutMs: 700 })
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' })
    expect(Date.now() - started).toBeLessThan(10_000)
    const grandchild = Number(readFileSync(pidFile, 'utf8'))
    await new Promise((r) => setTimeout(r, 200))
    expect(alive(grandchild)).toBe(false)
  })
})
