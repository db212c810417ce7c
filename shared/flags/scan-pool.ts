// The first pass of the scanner: walk the tree and read and prefilter every file, on worker threads.
// One reader on the main thread is bound by open + read + close per file; here the walk stays on the
// main thread (so .gitignore semantics are the walk's, unchanged) and hands batches of paths to a
// pool of workers (one per available core) as soon as it finds them, so reading overlaps walking.
// Each worker reads with readSync into one reused buffer (no promise per file) and sends back, per
// batch, a status per file and the bytes of the files that matched only, in one transferred buffer.
// Outcomes are delivered in walk order whichever worker finished first, so the scan is deterministic
// and gives exactly what the single-threaded path gives (a test compares them).
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { byteScanKit, createPrefilter, looksBinary, type Prefilter } from './text-prefilter.js'
import { FileReader, walkFiles, type PathFilter, type WalkedFile } from './scan-files.js'

export type ReadStatus = 'unreadable' | 'huge' | 'binary' | 'miss' | 'match'
const STATUSES: readonly ReadStatus[] = ['unreadable', 'huge', 'binary', 'miss', 'match']

export interface FileOutcome {
  file: WalkedFile
  status: ReadStatus
  /** Bytes read (0 when unreadable or huge). */
  length: number
  /** The file's bytes when it matched; valid only during the callback. */
  bytes: Buffer | undefined
}

export interface PrefilterTreeOptions {
  root: string
  filter: PathFilter
  /** Pattern sets; `setOf(rel)` says which one a file is tested with. */
  patternSets: readonly (readonly string[])[]
  setOf: (rel: string) => number
  maxFileBytes: number
  /** Worker threads; 1 reads on the main thread. Default: the available cores. */
  threads?: number
  /** Below this many files the pool is not worth starting and the main thread reads. */
  parallelFrom?: number
}

export interface PrefilterTreeResult {
  files: WalkedFile[]
  /** Threads that read (1 = the main thread). */
  threads: number
  walkMs: number
}

/** Files per message to a worker: large enough to amortise a message, small enough to balance. */
const BATCH_FILES = 256
const DEFAULT_PARALLEL_FROM = 2000

export function defaultScanThreads(): number {
  return Math.max(1, availableParallelism())
}

/**
 * Walks root and reads and tests every file; `onOutcome` sees each file once, in walk order. With
 * more than one thread the walk and the reads overlap, and the callbacks run after the walk.
 */
export async function prefilterTree(options: PrefilterTreeOptions, onOutcome: (outcome: FileOutcome) => void): Promise<PrefilterTreeResult> {
  const threads = Math.max(1, Math.floor(options.threads ?? defaultScanThreads()))
  const parallelFrom = options.parallelFrom ?? DEFAULT_PARALLEL_FROM
  let pool: ReadPool | undefined
  const replies: Promise<BatchReply>[] = []
  const batches: WalkedFile[][] = []
  let batch: WalkedFile[] = []
  let walked = 0
  const send = (files: WalkedFile[]) => {
    pool ??= new ReadPool(threads, { patternSets: options.patternSets.map((p) => [...p]), maxBytes: options.maxFileBytes })
    const sets = new Uint8Array(files.length)
    for (let i = 0; i < files.length; i++) sets[i] = options.setOf(files[i]!.rel)
    batches.push(files)
    replies.push(pool.submit(files.map((f) => f.abs), sets))
  }
  const onFile =
    threads > 1
      ? (file: WalkedFile) => {
          walked++
          batch.push(file)
          if (batch.length >= BATCH_FILES && walked >= parallelFrom) {
            // The first batches wait until the tree is big enough to be worth the pool.
            for (let i = 0; i < batch.length; i += BATCH_FILES) send(batch.slice(i, i + BATCH_FILES))
            batch = []
          }
        }
      : undefined
  const t0 = performance.now()
  let files: WalkedFile[]
  try {
    files = walkFiles(options.root, options.filter, onFile)
  } catch (error) {
    await pool?.close()
    throw error
  }
  const walkMs = performance.now() - t0
  if (threads > 1 && walked >= parallelFrom && batch.length > 0) for (let i = 0; i < batch.length; i += BATCH_FILES) send(batch.slice(i, i + BATCH_FILES))

  if (!pool) {
    readOnMainThread(files, options, onOutcome)
    return { files, threads: 1, walkMs }
  }
  try {
    for (let b = 0; b < replies.length; b++) {
      const reply = await replies[b]!
      const list = batches[b]!
      let offset = 0
      for (let i = 0; i < list.length; i++) {
        const status = STATUSES[reply.status[i]!]!
        const length = reply.lengths[i]!
        let bytes: Buffer | undefined
        if (status === 'match') {
          bytes = Buffer.from(reply.data.buffer, reply.data.byteOffset + offset, length)
          offset += length
        }
        onOutcome({ file: list[i]!, status, length, bytes })
      }
    }
  } finally {
    await pool.close()
  }
  return { files, threads, walkMs }
}

function readOnMainThread(files: readonly WalkedFile[], options: PrefilterTreeOptions, onOutcome: (outcome: FileOutcome) => void): void {
  const reader = new FileReader(options.maxFileBytes)
  const filters = options.patternSets.map((p) => createPrefilter(p))
  for (const file of files) {
    const r = reader.read(file.abs)
    if (r === undefined) onOutcome({ file, status: 'unreadable', length: 0, bytes: undefined })
    else if (r === 'huge') onOutcome({ file, status: 'huge', length: 0, bytes: undefined })
    else if (looksBinary(r.buf, r.length)) onOutcome({ file, status: 'binary', length: r.length, bytes: undefined })
    else if (filters[options.setOf(file.rel)]!.test(r.buf, r.length)) onOutcome({ file, status: 'match', length: r.length, bytes: r.buf.subarray(0, r.length) })
    else onOutcome({ file, status: 'miss', length: r.length, bytes: undefined })
  }
}

interface WorkerConfig {
  patternSets: string[][]
  maxBytes: number
}

interface BatchRequest {
  id: number
  paths: string[]
  sets: Uint8Array
}

interface BatchReply {
  id: number
  /** Index into STATUSES per file. */
  status: Uint8Array
  lengths: Uint32Array
  /** The matched files' bytes, one after another in batch order. */
  data: Uint8Array
}

interface WorkerPort {
  on(event: 'message', listener: (request: BatchRequest) => void): void
  postMessage(reply: BatchReply, transfer: ArrayBuffer[]): void
}

/**
 * The body of each worker. Its source text is what the worker runs, so it uses only its
 * parameters: the port, the config, node:fs and the byte-scan kit (text-prefilter.ts).
 */
function readWorker(port: WorkerPort, config: WorkerConfig, fs: Parameters<ReturnType<typeof byteScanKit>['createReader']>[0], kit: ReturnType<typeof byteScanKit>): void {
  const filters: Prefilter[] = config.patternSets.map((p) => kit.createPrefilter(p))
  const read = kit.createReader(fs, config.maxBytes)
  port.on('message', (request) => {
    const n = request.paths.length
    const status = new Uint8Array(n)
    const lengths = new Uint32Array(n)
    const matched: Uint8Array[] = []
    let total = 0
    for (let i = 0; i < n; i++) {
      const r = read(request.paths[i]!)
      if (r === undefined) status[i] = 0
      else if (r === 'huge') status[i] = 1
      else {
        lengths[i] = r.length
        if (kit.looksBinary(r.buf, r.length)) status[i] = 2
        else if (filters[request.sets[i]!]!.test(r.buf, r.length)) {
          status[i] = 4
          // A copy: the reader's buffer is reused by the next file (Buffer#slice would not copy).
          matched.push(Buffer.from(r.buf.subarray(0, r.length)))
          total += r.length
        } else status[i] = 3
      }
    }
    // A fresh ArrayBuffer (not Node's shared pool) so it can be transferred, not copied.
    const data = new Uint8Array(total)
    let at = 0
    for (const m of matched) {
      data.set(m, at)
      at += m.length
    }
    port.postMessage({ id: request.id, status, lengths, data }, [status.buffer, lengths.buffer, data.buffer])
  })
}

// Plain JavaScript run with `eval: true`: the kit and the worker body travel as source, so a bundle
// (dist/<action>/index.js) needs no separate worker file. `__name` is what some TypeScript
// transpilers (tsx, esbuild keepNames) insert into function bodies; the bundle has none.
const WORKER_SOURCE = `'use strict';
var __name = (target) => target;
const { parentPort, workerData } = require('node:worker_threads');
const kit = (${byteScanKit.toString()})();
(${readWorker.toString()})(parentPort, workerData, require('node:fs'), kit);
`

class ReadPool {
  private readonly workers: Worker[] = []
  private readonly waiting = new Map<number, { resolve: (reply: BatchReply) => void; reject: (error: Error) => void }>()
  private nextId = 0
  private failed: Error | undefined

  constructor(size: number, config: WorkerConfig) {
    for (let i = 0; i < size; i++) {
      // No execArgv: the parent's loaders (tsx in development) are not needed by plain JavaScript and cost start-up time.
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: config, execArgv: [] })
      worker.on('message', (reply: BatchReply) => {
        const w = this.waiting.get(reply.id)
        this.waiting.delete(reply.id)
        w?.resolve(reply)
      })
      worker.on('error', (error) => this.fail(new Error(`flag scan: a reader thread failed: ${error.message}`)))
      worker.on('exit', (code) => {
        if (this.waiting.size > 0) this.fail(new Error(`flag scan: a reader thread exited (${code}) with batches outstanding`))
      })
      this.workers.push(worker)
    }
  }

  submit(paths: string[], sets: Uint8Array): Promise<BatchReply> {
    if (this.failed) return Promise.reject(this.failed)
    const id = this.nextId++
    const reply = new Promise<BatchReply>((resolve, reject) => this.waiting.set(id, { resolve, reject }))
    // Awaited in batch order; a failure is seen at the first await, so later ones must not count as unhandled.
    reply.catch(() => undefined)
    const request: BatchRequest = { id, paths, sets }
    this.workers[id % this.workers.length]!.postMessage(request, [sets.buffer as ArrayBuffer])
    return reply
  }

  private fail(error: Error): void {
    this.failed ??= error
    for (const w of this.waiting.values()) w.reject(this.failed)
    this.waiting.clear()
  }

  async close(): Promise<void> {
    this.waiting.clear()
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
