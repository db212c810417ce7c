/**
 * Two demos on one folder, and a demo killed with SIGKILL (no handler runs, so HAProxy stays up):
 * the second demo is refused with a message naming the first, and the next start stops the
 * orphaned HAProxy, removes its folder and takes the lock over.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findOnPath } from '../../cli/demo/haproxy.js'
import { acquireDemoLock, cleanHaproxyLeftovers, currentProcess, HAPROXY_DIR_PREFIX, LOCK_FILE, stillRunning, writeHaproxyOwner } from '../../cli/demo/leftovers.js'

const ROOT = resolve(import.meta.dirname, '../..')
const HAPROXY = findOnPath('haproxy') !== undefined
const work = mkdtempSync(join(tmpdir(), 'rollgate-leftovers-test-'))
// The demos of this file keep HAProxy's folders in a TMPDIR of their own, so that demos started by
// other test files at the same time neither see nor clean up this file's orphan.
const privateTmp = join(work, 'tmp')
mkdirSync(privateTmp, { recursive: true })
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  rmSync(work, { recursive: true, force: true })
})

function startDemo(args: string[]): { child: ChildProcess; output: () => string; done: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/index.ts', 'demo', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', TMPDIR: privateTmp }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let text = ''
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()))
  const done = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
  // The display wraps at 80 columns: read it as unwrapped sentences.
  return { child, output: () => text.replace(/\n[ \t]+/g, ' '), done }
}

async function until(what: string, test: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function haproxyOf(demoPid: number): { dir: string; pid: number } | undefined {
  for (const name of readdirSync(privateTmp).filter((n) => n.startsWith(HAPROXY_DIR_PREFIX))) {
    try {
      const owner = JSON.parse(readFileSync(join(privateTmp, name, 'owner.json'), 'utf8')) as { demo: { pid: number }; haproxy: { pid: number } }
      if (owner.demo.pid === demoPid) return { dir: join(privateTmp, name), pid: owner.haproxy.pid }
    } catch {
      // not written yet, or another demo's
    }
  }
  return undefined
}

async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { port: (server.address() as AddressInfo).port, server }
}

describe('two demos on one folder, and a killed demo', () => {
  it.skipIf(!HAPROXY)('refuses the second demo while the first runs; after a SIGKILL the next start stops the orphaned HAProxy', async () => {
    const out = join(work, 'shared')
    const first = startDemo(['--fast', '--router', 'haproxy', '--out', out])
    await until('the first demo to start HAProxy and analyse', () => /analy[sz]e v2/.test(first.output()) && haproxyOf(first.child.pid as number) !== undefined)
    const lock = JSON.parse(readFileSync(join(out, LOCK_FILE), 'utf8')) as { pid: number }
    expect(lock.pid).toBe(first.child.pid)

    const second = startDemo(['--fast', '--router', 'haproxy', '--out', out])
    expect(await second.done).toBe(1)
    expect(second.output()).toMatch(new RegExp(`another demo \\(pid ${first.child.pid}\\) is running in ${out.replaceAll('/', '\\/')} since .*; wait for it to finish, stop it, or give this one its own folder: rollgate demo --out DIR`))
    expect(haproxyOf(second.child.pid as number)).toBeUndefined()

    const orphan = haproxyOf(first.child.pid as number) as { dir: string; pid: number }
    first.child.kill('SIGKILL')
    await first.done
    // The premise: SIGKILL runs no handler, so HAProxy is still up and its folder still there.
    expect(stillRunning({ pid: orphan.pid, start: null })).toBe(true)
    expect(existsSync(orphan.dir)).toBe(true)

    // The next start: it cleans up, takes the lock, then stops on the port it cannot bind.
    const { port, server } = await occupiedPort()
    try {
      const next = startDemo(['--fast', '--router', 'haproxy', '--port', String(port), '--out', out])
      await next.done
      expect(next.output()).toMatch(new RegExp(`stopped HAProxy \\(pid ${orphan.pid}\\) left running by a demo that was killed \\(pid ${first.child.pid}\\)`))
      expect(next.output()).toMatch(new RegExp(`took over demo\\.lock from a demo that is no longer running \\(pid ${first.child.pid}\\)`))
    } finally {
      server.close()
    }
    await until('the orphaned HAProxy to exit', () => !stillRunning({ pid: orphan.pid, start: null }), 5_000)
    expect(existsSync(orphan.dir)).toBe(false)
    // The failed start released the lock it took.
    expect(existsSync(join(out, LOCK_FILE))).toBe(false)
  }, 150_000)
})

describe('acquireDemoLock and cleanHaproxyLeftovers', () => {
  it('refuses a lock held by a live process and takes over one whose process is gone or was replaced', () => {
    const out = join(work, 'unit')
    mkdirSync(out, { recursive: true })
    const me = currentProcess()
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: me.pid, start: me.start, startedAt: 'earlier' }))
    expect(() => acquireDemoLock(out, { tmp: work, self: { pid: 999_999_999, start: null } })).toThrow(`another demo (pid ${me.pid}) is running in ${out} since earlier`)
    // Same pid, another start time: the pid was reused by an unrelated process.
    if (me.start !== null) {
      writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: me.pid, start: me.start + 1 }))
      const lock = acquireDemoLock(out, { tmp: work })
      expect(lock.notes).toEqual([`took over demo.lock from a demo that is no longer running (pid ${me.pid})`])
      lock.release()
      expect(existsSync(join(out, LOCK_FILE))).toBe(false)
    }
    writeFileSync(join(out, LOCK_FILE), 'not json')
    const lock = acquireDemoLock(out, { tmp: work })
    expect(lock.notes).toEqual(['replaced an unreadable demo.lock'])
    expect(JSON.parse(readFileSync(join(out, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid })
    lock.release()
  })

  it("leaves a live demo's HAProxy alone and removes a dead demo's folder", () => {
    const live = join(work, `${HAPROXY_DIR_PREFIX}live`)
    const dead = join(work, `${HAPROXY_DIR_PREFIX}dead`)
    mkdirSync(live, { recursive: true })
    mkdirSync(dead, { recursive: true })
    writeHaproxyOwner(live, 999_999_998)
    writeHaproxyOwner(dead, 999_999_997, { pid: 999_999_996, start: null })
    expect(cleanHaproxyLeftovers(work)).toEqual([])
    expect(existsSync(live)).toBe(true)
    expect(existsSync(dead)).toBe(false)
  })
})
