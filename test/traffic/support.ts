import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { streamLogger } from '../../shared/action/logger.js'
import { actionsExec, type ExecOptions } from '../../shared/traffic/exec.js'
import type { Clock } from '../../shared/clock.js'
import type { TrafficDeps } from '../../shared/traffic/provider.js'

/** A clock whose sleep returns at once and moves time forward. */
export function fakeClock(start = 1_700_000_000_000): Clock & { slept: number[] } {
  let now = start
  const slept: number[] = []
  return {
    slept,
    now: () => new Date(now),
    sleep: async (ms) => {
      slept.push(ms)
      now += ms
    },
  }
}

export function testDeps(options: { env?: ExecOptions['env']; fetch?: typeof fetch; clock?: Clock } = {}): { deps: TrafficDeps; logs: string[] } {
  const logs: string[] = []
  return {
    logs,
    deps: {
      exec: actionsExec(options.env ? { env: options.env } : {}),
      fetch: options.fetch ?? globalThis.fetch,
      logger: streamLogger((line) => logs.push(line)),
      clock: options.clock ?? fakeClock(),
    },
  }
}

export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // next
    }
  }
  return undefined
}

/**
 * Whether a test needing `name` can run. Missing under CI=true is a failure with the install step
 * to add; missing on a developer's machine skips.
 */
export function requireExecutable(name: string, hint: string): boolean {
  if (findExecutable(name)) return true
  if (process.env.CI === 'true') throw new Error(`${name} is not installed but this test needs it: ${hint}`)
  return false
}
