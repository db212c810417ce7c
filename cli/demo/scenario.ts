/**
 * What the demo rolls out: three versions of one small service, and how fast it goes. The error
 * rates and latencies are chosen so the judge decides quickly at 200 requests a second. Each
 * service draws every request's fate from a seeded source, so every run tells the same story;
 * the seeds are ones whose draws are typical of their rates (v3's first thousand requests fail at
 * 1.4% for its 1.5%, not at an unlucky 2.5% that would keep the judge waiting for a minute).
 */
import type { ServiceBehaviour } from './service.js'

export interface DemoVersion {
  version: string
  behaviour: ServiceBehaviour
  seed: number
  /** One line for the terminal and the report. */
  story: string
}

export const STABLE: DemoVersion = {
  version: 'v1',
  behaviour: { errorRate: 0.03, latencyMs: 20 },
  seed: 204,
  story: 'in production: 3% errors (a flaky dependency), p50 20 ms',
}

export interface DemoCanary extends DemoVersion {
  /** What a correct judge does with it. */
  expected: 'rolled-back' | 'promoted'
}

export const CANARIES: readonly DemoCanary[] = [
  {
    version: 'v2',
    behaviour: { errorRate: 0.2, latencyMs: 40 },
    seed: 7,
    story: 'a regression: 20% errors, p50 40 ms',
    expected: 'rolled-back',
  },
  {
    version: 'v3',
    behaviour: { errorRate: 0.015, latencyMs: 18 },
    seed: 41,
    story: 'the fix: 1.5% errors, p50 18 ms',
    expected: 'promoted',
  },
]

export interface DemoPace {
  /** Time between two looks of an analysis. */
  intervalMs: number
  /** Longest one analysis may run before it ends inconclusive (and the canary is rolled back). */
  maxDurationMs: number
  /** Generated requests per second through the router. */
  requestsPerSecond: number
  /** A breath between two rollouts, so a person watching sees one end before the next begins. */
  pauseMs: number
}

export function demoPace(fast: boolean): DemoPace {
  return { intervalMs: fast ? 1_000 : 2_000, maxDurationMs: 90_000, requestsPerSecond: 200, pauseMs: fast ? 1_000 : 3_000 }
}

export const ENVIRONMENT = 'demo'
export const STEPS = [5, 25, 50, 100] as const
