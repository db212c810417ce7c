/**
 * Generated traffic: a steady rate of requests against one URL, bounded in count and time, with a
 * keep-alive agent so thousands of requests don't exhaust local ports. Stops by itself.
 */
import { Agent, request } from 'node:http'

export interface LoadGenerator {
  /** Requests sent and answered so far, by status code. */
  readonly counts: Map<number, number>
  readonly sent: number
  stop(): Promise<void>
}

export interface LoadOptions {
  url: string
  ratePerSecond: number
  /** Stops after this long even if nobody calls stop(). */
  maxDurationMs: number
  /** Most requests in flight at once. */
  concurrency?: number
}

export function startLoad(options: LoadOptions): LoadGenerator {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency ?? 32 })
  const counts = new Map<number, number>()
  let sent = 0
  let inFlight = 0
  let stopped = false
  const pending = new Set<Promise<void>>()
  const started = Date.now()
  const tickMs = 20
  let credit = 0

  const fire = (): void => {
    sent++
    inFlight++
    const p = new Promise<void>((resolve) => {
      const req = request(options.url, { agent, method: 'GET', timeout: 10_000 }, (res) => {
        res.resume()
        res.on('end', () => {
          counts.set(res.statusCode ?? 0, (counts.get(res.statusCode ?? 0) ?? 0) + 1)
          resolve()
        })
      })
      req.on('error', () => {
        counts.set(0, (counts.get(0) ?? 0) + 1)
        resolve()
      })
      req.on('timeout', () => req.destroy())
      req.end()
    }).finally(() => {
      inFlight--
      pending.delete(p)
    })
    pending.add(p)
  }

  const timer = setInterval(() => {
    if (stopped) return
    if (Date.now() - started > options.maxDurationMs) {
      void generator.stop()
      return
    }
    credit += (options.ratePerSecond * tickMs) / 1000
    while (credit >= 1) {
      credit--
      if (inFlight < (options.concurrency ?? 32)) fire()
    }
  }, tickMs)
  timer.unref()

  const generator: LoadGenerator = {
    counts,
    get sent() {
      return sent
    },
    async stop() {
      if (stopped) return
      stopped = true
      clearInterval(timer)
      await Promise.all([...pending])
      agent.destroy()
    },
  }
  return generator
}
