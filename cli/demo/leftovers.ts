/**
 * What one demo run owns, so that two runs never share it and a run killed with SIGKILL (no exit
 * handler runs then) is cleaned up by the next start:
 * - `<out>/demo.lock` names the running demo (pid and process start time, so a reused pid is not
 *   mistaken for it); a second demo on the same folder is refused with a clear message;
 * - each HAProxy's temporary folder holds `owner.json` (the demo's and HAProxy's pids); the next
 *   start stops an HAProxy whose demo is gone and removes its folder.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DemoError } from './errors.js'

export const LOCK_FILE = 'demo.lock'
export const HAPROXY_DIR_PREFIX = 'rollgate-demo-haproxy-'
const OWNER_FILE = 'owner.json'

export interface ProcessId {
  pid: number
  /** Start time of the process (clock ticks since boot, from /proc), or null where /proc is absent. */
  start: number | null
}

/** The start time of a live process, undefined when it is not running. */
export function processStart(pid: number): number | null | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined
  try {
    process.kill(pid, 0)
  } catch (error) {
    // EPERM: it runs, as another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces) start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const start = Number(fields[19])
    return Number.isFinite(start) ? start : null
  } catch {
    return null
  }
}

export function currentProcess(pid = process.pid): ProcessId {
  return { pid, start: processStart(pid) ?? null }
}

/** Whether the process recorded as `id` still runs (not another one that got its pid since). */
export function stillRunning(id: ProcessId): boolean {
  const start = processStart(id.pid)
  if (start === undefined) return false
  return id.start === null || start === null || start === id.start
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

function asProcessId(value: unknown): ProcessId | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { pid, start } = value as { pid?: unknown; start?: unknown }
  if (typeof pid !== 'number') return undefined
  return { pid, start: typeof start === 'number' ? start : null }
}

/** Records, in HAProxy's temporary folder, who started it. */
export function writeHaproxyOwner(dir: string, haproxyPid: number, demo: ProcessId = currentProcess()): void {
  writeFileSync(join(dir, OWNER_FILE), `${JSON.stringify({ demo, haproxy: currentProcess(haproxyPid) })}\n`)
}

/**
 * Stops every HAProxy a demo that no longer runs left behind (its demo was SIGKILLed) and removes
 * their folders. Returns one line per thing cleaned.
 */
export function cleanHaproxyLeftovers(root = tmpdir()): string[] {
  const notes: string[] = []
  let names: string[]
  try {
    names = readdirSync(root).filter((n) => n.startsWith(HAPROXY_DIR_PREFIX))
  } catch {
    return notes
  }
  for (const name of names) {
    const dir = join(root, name)
    const owner = readJson(join(dir, OWNER_FILE)) as { demo?: unknown; haproxy?: unknown } | undefined
    const demo = asProcessId(owner?.demo)
    // No owner file yet: a demo is starting HAProxy right now, or one from before this file existed.
    if (!demo || stillRunning(demo)) continue
    const haproxy = asProcessId(owner?.haproxy)
    if (haproxy && stillRunning(haproxy)) {
      try {
        process.kill(haproxy.pid, 'SIGKILL')
        notes.push(`stopped HAProxy (pid ${haproxy.pid}) left running by a demo that was killed (pid ${demo.pid})`)
      } catch (error) {
        notes.push(`could not stop HAProxy (pid ${haproxy.pid}) left by a killed demo: ${(error as Error).message}`)
        continue
      }
    }
    rmSync(dir, { recursive: true, force: true })
  }
  return notes
}

export interface DemoLock {
  /** What the start cleaned up after an earlier, killed run. */
  notes: string[]
  release(): void
}

/**
 * Takes `<out>/demo.lock` for this process. A live demo holding it is refused with a message naming
 * it and the way out (`--out`); a dead one's lock is taken over, after its leftovers are cleaned.
 */
export function acquireDemoLock(out: string, options: { tmp?: string; self?: ProcessId } = {}): DemoLock {
  const notes = cleanHaproxyLeftovers(options.tmp)
  const path = join(out, LOCK_FILE)
  const self = options.self ?? currentProcess()
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify({ ...self, startedAt: new Date().toISOString() })}\n`, { flag: 'wx' })
      return {
        notes,
        release: () => {
          const holder = asProcessId(readJson(path))
          if (holder?.pid === self.pid) rmSync(path, { force: true })
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const recorded = readJson(path) as { startedAt?: unknown } | undefined
    const holder = asProcessId(recorded)
    if (holder && stillRunning(holder) && holder.pid !== self.pid) {
      const since = typeof recorded?.startedAt === 'string' ? ` since ${recorded.startedAt}` : ''
      throw new DemoError(
        `another demo (pid ${holder.pid}) is running in ${out}${since}; wait for it to finish, stop it, or give this one its own folder: rollgate demo --out DIR`,
      )
    }
    // A lock whose demo is gone (killed, or the machine restarted): take it over.
    rmSync(path, { force: true })
    notes.push(holder ? `took over ${LOCK_FILE} from a demo that is no longer running (pid ${holder.pid})` : `replaced an unreadable ${LOCK_FILE}`)
  }
  throw new DemoError(`could not take ${path}: another demo keeps creating it`)
}
