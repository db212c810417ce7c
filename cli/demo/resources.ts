/**
 * Everything the demo started, stopped newest first: at the end, on Ctrl-C, and (synchronously,
 * for HAProxy, the one other process) when Node exits.
 */
export class Resources {
  private readonly items: { name: string; stop: () => Promise<void>; now?: () => void }[] = []

  /** `now`: a synchronous last resort, for `process.on('exit')` where nothing asynchronous runs. */
  add(name: string, stop: () => Promise<void>, now?: () => void): void {
    this.items.push(now ? { name, stop, now } : { name, stop })
  }

  /** Stops everything; returns what could not be stopped cleanly (and was killed, when it can be). */
  async stopAll(timeoutMs = 5_000): Promise<string[]> {
    const failures: string[] = []
    for (let item = this.items.pop(); item; item = this.items.pop()) {
      try {
        await withTimeout(item.stop(), timeoutMs, `did not stop within ${timeoutMs / 1000} s`)
      } catch (error) {
        item.now?.()
        failures.push(`${item.name}: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    return failures
  }

  killNow(): void {
    for (const item of this.items) item.now?.()
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
