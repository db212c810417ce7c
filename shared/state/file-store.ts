/**
 * The state store outside GitHub Actions (CLI, demo): one JSON file per environment in a
 * directory, with the same semantics as the GitHub store (store.ts).
 *
 * - Writes are atomic: the record goes to a temporary file in the same directory, is flushed, then
 *   renamed over the old one, so a reader sees the old record or the new one, never half of it.
 * - Compare-and-swap: a write names the version it read (a hash of the file's bytes). The
 *   compare and the rename happen under `<env>.json.lock`, created with O_EXCL, held for the few
 *   milliseconds between them. The lease itself is a field of the record, claimed with such a write,
 *   exactly as on GitHub, so both stores answer contention the same way.
 * - A lock file left by a process that died inside that window is taken over after `staleLockMs`.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parseRecord, serializeRecord, type RolloutRecord } from './record.js'
import { BaseStateStore, StateConflictError, environmentSlug, type Snapshot } from './store.js'

export interface FileStateStoreOptions {
  /** Directory holding `<environment>.json`; created on the first write. */
  directory: string
  clock?: () => Date
  /** How long a write waits for another writer's lock file (default 5 s). */
  lockTimeoutMs?: number
  /** A lock file older than this belongs to a dead process (default 30 s). */
  staleLockMs?: number
}

export class FileStateStore extends BaseStateStore {
  private readonly directory: string
  private readonly lockTimeoutMs: number
  private readonly staleLockMs: number

  constructor(options: FileStateStoreOptions) {
    super(options.clock)
    this.directory = options.directory
    this.lockTimeoutMs = options.lockTimeoutMs ?? 5000
    this.staleLockMs = options.staleLockMs ?? 30_000
  }

  describe(environment: string): string {
    return this.pathOf(environment)
  }

  private pathOf(environment: string): string {
    return join(this.directory, `${environmentSlug(environment)}.json`)
  }

  protected async read(environment: string): Promise<Snapshot | undefined> {
    const path = this.pathOf(environment)
    const text = await readText(path)
    if (text === undefined) return undefined
    return { record: parseRecord(text, path), version: versionOf(text) }
  }

  protected async write(record: RolloutRecord, expectedVersion: string | null): Promise<Snapshot> {
    const path = this.pathOf(record.environment)
    const text = `${serializeRecord(record, path)}\n`
    await mkdir(this.directory, { recursive: true })
    await this.withLock(record.environment, `${path}.lock`, async () => {
      const current = await readText(path)
      const currentVersion = current === undefined ? null : versionOf(current)
      if (currentVersion !== expectedVersion) {
        throw new StateConflictError(
          record.environment,
          path,
          expectedVersion === null ? 'it was created by another command meanwhile' : current === undefined ? 'it was deleted' : 'another command wrote it first',
        )
      }
      const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
      try {
        const handle = await open(temp, 'wx')
        try {
          await handle.writeFile(text, 'utf8')
          await handle.sync()
        } finally {
          await handle.close()
        }
        await rename(temp, path)
      } catch (error) {
        await rm(temp, { force: true })
        throw error
      }
      await syncDirectory(this.directory)
    })
    return { record: parseRecord(text, path), version: versionOf(text) }
  }

  private async withLock<T>(environment: string, lockPath: string, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.lockTimeoutMs
    for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
      try {
        const handle = await open(lockPath, 'wx')
        await handle.writeFile(JSON.stringify({ pid: process.pid, at: new Date().toISOString() }))
        await handle.close()
        break
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const age = await lockAge(lockPath)
      if (age !== undefined && age > this.staleLockMs) {
        await rm(lockPath, { force: true })
        continue
      }
      if (Date.now() > deadline) {
        throw new StateConflictError(
          environment,
          lockPath,
          `another process has held ${lockPath} for over ${this.lockTimeoutMs} ms (remove it if no Rollgate command is running)`,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
    try {
      return await fn()
    } finally {
      await rm(lockPath, { force: true })
    }
  }
}

function versionOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 40)
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

async function lockAge(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs
  } catch {
    return undefined
  }
}

/** Makes the rename durable; not every platform can open a directory, which is fine. */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Best effort.
  }
}
