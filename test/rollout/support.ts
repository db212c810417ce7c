/**
 * What the analysis tests share: the one-check policy they judge, a fake clock, a traffic provider
 * that remembers nothing, and lifecycle dependencies over a file store in a temporary directory
 * (one run id per call, as successive workflow runs).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import type { Clock } from '../../shared/clock.js'
import { streamLogger } from '../../shared/action/logger.js'
import type { LifecycleDeps } from '../../shared/rollout/lifecycle.js'
import { createLocalReporter } from '../../shared/rollout/reporter.js'
import { FileStateStore } from '../../shared/state/file-store.js'
import type { TrafficProvider } from '../../shared/traffic/types.js'

/** production: 10% with the `smoke` analysis (one critical errors ratio), then 100%. `test` is an extra template line. */
export function smokePolicy(options: { maxDuration?: string; test?: string } = {}): string {
  return `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [set, "{{weight}}"] }
    steps: [ { weight: 10, analysis: smoke }, { weight: 100 } ]
analysis:
  smoke:
    provider: { type: http, url: "http://127.0.0.1:1/{{query}}", jsonPath: { value: "$.v" } }
    interval: 1m
    maxDuration: ${options.maxDuration ?? '30m'}
${options.test ? `    ${options.test}\n` : ''}    checks:
      - { name: errors, type: ratio, events: e, total: t, critical: true }
`
}

export function fakeClock(start = Date.parse('2026-11-22T00:00:00Z')): Clock & { t: number } {
  const clock = {
    t: start,
    now: () => new Date(clock.t),
    sleep: async (ms: number) => {
      clock.t += Math.max(0, ms)
    },
  }
  return clock
}

/** Accepts every weight and reads back what it was asked; reads `current` otherwise. */
export function memoryTraffic(current = 10): TrafficProvider {
  return {
    name: 'command',
    setWeight: async (weight) => ({ provider: 'command', target: 'memory', previous: 0, weight, readBack: weight, changes: [] }),
    readWeight: async () => current,
    describe: () => 'memory',
  }
}

/** Temporary directories made by fileLifecycle, removed after each test of the file that calls this. */
export function cleanTemporaryStores(): void {
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })
}
const dirs: string[] = []

/** A file store in a fresh temporary directory and the lifecycle deps of one run per call. */
export function fileLifecycle(
  clock: Clock,
  traffic: TrafficProvider = memoryTraffic(),
  options: { lines?: string[]; job?: string } = {},
): { store: FileStateStore; deps: () => LifecycleDeps } {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-analysis-'))
  dirs.push(dir)
  const store = new FileStateStore({ directory: dir })
  let run = 0
  const deps = (): LifecycleDeps => ({
    store,
    traffic,
    hooks: { run: async () => undefined },
    reporter: createLocalReporter(() => undefined),
    logger: streamLogger((line) => options.lines?.push(line)),
    context: { runId: ++run, runAttempt: 1, job: options.job ?? 'analyze', actor: 'octocat', now: clock.now() },
  })
  return { store, deps }
}
