/**
 * Simulated A/B experiments for bench/judge/experiments.ts and test/experiments: seeded generators
 * and the fixed-horizon test that users peek at. Kept apart from bench/judge/sim (the canary
 * benchmark's) so either can change on its own.
 */
import type { ExperimentInterval } from '../../shared/analysis/experiment/types.js'
import { normalSf } from '../../shared/analysis/stats.js'

/** mulberry32: small, fast, and good enough for Monte-Carlo with a fixed seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function normal(random: () => number): number {
  let u = 0
  while (u === 0) u = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
}

/**
 * Binomial(n, p): exact for small n or small n·p (Bernoulli trials, or geometric waiting times),
 * the normal approximation with continuity rounding when n·p·(1−p) ≥ 50 (where it is within a
 * fraction of a percent of the exact law for the sums experiments accumulate).
 */
export function binomial(random: () => number, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0
  if (p >= 1) return n
  if (n < 40) {
    let k = 0
    for (let i = 0; i < n; i++) if (random() < p) k++
    return k
  }
  const variance = n * p * (1 - p)
  if (variance >= 50) return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(variance) * normal(random))))
  if (p > 0.5) return n - binomial(random, n, 1 - p)
  // Waiting times: the number of geometric gaps that fit in n trials.
  const logq = Math.log(1 - p)
  let k = 0
  let position = 0
  for (;;) {
    position += Math.floor(Math.log(1 - random()) / logq) + 1
    if (position > n) return k
    k++
  }
}

export function poisson(random: () => number, mean: number): number {
  if (mean <= 0) return 0
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(random)))
  const l = Math.exp(-mean)
  let k = 0
  let p = random()
  while (p > l) {
    k++
    p *= random()
  }
  return k
}

export interface ConversionScenario {
  variants: string[]
  /** Conversion rate per variant. */
  rates: Record<string, number>
  /** Sessions per variant per interval (a mean; Poisson around it, with a day-of-week swing). */
  sessions: number
  intervals: number
  /** Relative amplitude of the daily swing that hits every variant alike (0.3 = ±30%). */
  swing?: number
  /** Intervals per day, for the swing's period (24 for hourly looks). */
  perDay?: number
}

/** A whole experiment's intervals: sessions and conversions per variant (`conversion` metric). */
export function simulateConversions(random: () => number, s: ConversionScenario): ExperimentInterval[] {
  const out: ExperimentInterval[] = []
  const perDay = s.perDay ?? 1
  for (let t = 0; t < s.intervals; t++) {
    const phase = (2 * Math.PI * (t % (perDay * 7))) / (perDay * 7)
    const load = 1 + (s.swing ?? 0) * Math.sin(phase)
    const variants: ExperimentInterval['variants'] = {}
    for (const v of s.variants) {
      const total = poisson(random, s.sessions * load)
      variants[v] = { conversion: { events: binomial(random, total, s.rates[v] as number), total } }
    }
    out.push({ variants })
  }
  return out
}

/** Order values: lognormal per variant (log-sd 1: heavy-tailed, as revenue is), `order-value` metric. */
export function simulateOrderValues(random: () => number, variants: string[], means: Record<string, number>, perInterval: number, intervals: number): ExperimentInterval[] {
  const sigma = 1
  const out: ExperimentInterval[] = []
  for (let t = 0; t < intervals; t++) {
    const iv: ExperimentInterval['variants'] = {}
    for (const v of variants) {
      const mu = Math.log(means[v] as number) - sigma * sigma / 2
      const values = Array.from({ length: perInterval }, () => Math.exp(mu + sigma * normal(random)))
      iv[v] = { 'order-value': { values } }
    }
    out.push({ variants: iv })
  }
  return out
}

/**
 * The classic test, peeked: after every `peekEvery` intervals, a two-proportion z-test of each
 * variant against control on all data so far, at alpha/(variants − 1); the first significant
 * result in the better direction is declared the winner. Valid only at one pre-planned look.
 */
export function peekingZTest(intervals: readonly ExperimentInterval[], variants: readonly string[], control: string, alpha: number, peekEvery: number): { winner: string | null; at: number | null } {
  const others = variants.filter((v) => v !== control)
  const perAlpha = alpha / others.length
  const sums: Record<string, { x: number; n: number }> = Object.fromEntries(variants.map((v) => [v, { x: 0, n: 0 }]))
  for (let t = 0; t < intervals.length; t++) {
    for (const v of variants) {
      const o = intervals[t]?.variants[v]?.conversion as { events: number; total: number } | undefined
      const s = sums[v] as { x: number; n: number }
      if (o) {
        s.x += o.events
        s.n += o.total
      }
    }
    if ((t + 1) % peekEvery !== 0) continue
    const c = sums[control] as { x: number; n: number }
    for (const v of others) {
      const s = sums[v] as { x: number; n: number }
      if (s.n === 0 || c.n === 0) continue
      const pooled = (s.x + c.x) / (s.n + c.n)
      const se = Math.sqrt(pooled * (1 - pooled) * (1 / s.n + 1 / c.n))
      if (!(se > 0)) continue
      const z = (s.x / s.n - c.x / c.n) / se
      if (2 * normalSf(Math.abs(z)) < perAlpha && z > 0) return { winner: v, at: t }
    }
  }
  return { winner: null, at: null }
}

/** Wilson score interval for a proportion (95% by default). */
export function wilson(successes: number, n: number, z = 1.959963984540054): { lower: number; upper: number } {
  if (n === 0) return { lower: 0, upper: 1 }
  const p = successes / n
  const d = 1 + (z * z) / n
  const centre = (p + (z * z) / (2 * n)) / d
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) }
}
