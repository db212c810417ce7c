/** Seeded generators for the Monte-Carlo sanity checks (mulberry32; Knuth/normal Poisson). */
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

export function normal(r: () => number): number {
  let u = 0
  while (u === 0) u = r()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r())
}

export function poisson(r: () => number, lambda: number): number {
  if (lambda <= 0) return 0
  if (lambda < 30) {
    const l = Math.exp(-lambda)
    let k = 0
    let p = 1
    do {
      k++
      p *= r()
    } while (p > l)
    return k - 1
  }
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(r)))
}

/** One interval of an error-ratio metric: `rps` total requests/s, canary `weight`, 1-minute interval. */
export function errorInterval(r: () => number, rps: number, weight: number, baseRate: number, multiplier: number, extraCanary = 0) {
  const n = poisson(r, rps * 60 * weight)
  const m = poisson(r, rps * 60 * (1 - weight))
  return {
    canary: { events: Math.min(n, poisson(r, n * baseRate * multiplier) + poisson(r, extraCanary)), total: n },
    baseline: { events: Math.min(m, poisson(r, m * baseRate)), total: m },
  }
}

/** A stationary AR(1) on the log scale: x ← ρx + √(1−ρ²)·sd·ε, started in its stationary law. */
export function ar1(r: () => number, rho: number, sd: number): () => number {
  let x = sd * normal(r)
  const innovation = Math.sqrt(1 - rho * rho) * sd
  return () => (x = rho * x + innovation * normal(r))
}

/** Gamma(shape, 1/shape) (mean 1) by Marsaglia-Tsang; shape ≥ 1. */
export function gammaMeanOne(r: () => number, shape: number): number {
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    let x: number
    let v: number
    do {
      x = normal(r)
      v = 1 + c * x
    } while (v <= 0)
    v = v * v * v
    const u = r()
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / shape
  }
}

export interface Drift {
  /** AR(1) coefficient and stationary sd of the shared and of each arm's own log-rate offset. */
  rho: number
  sharedSd: number
  armSd: number
  /** Gamma burst multipliers per interval (mean 1): shared and per arm; omitted = none. */
  sharedShape?: number
  armShape?: number
}

/**
 * Error counts of a 5%-style canary whose per-request error rate drifts: an offset shared by both arms
 * (load, incidents) and each arm's own, optionally with gamma bursts (overdispersed counts).
 */
export function driftingErrors(r: () => number, rps: number, weight: number, baseRate: number, drift: Drift, multiplier = 1) {
  const shared = ar1(r, drift.rho, drift.sharedSd)
  const own = [ar1(r, drift.rho, drift.armSd), ar1(r, drift.rho, drift.armSd)]
  const centre = (drift.sharedSd ** 2 + drift.armSd ** 2) / 2
  const burst = (shape: number | undefined) => (shape === undefined ? 1 : gammaMeanOne(r, shape))
  return () => {
    const s = shared() - centre
    const b = burst(drift.sharedShape)
    const n = poisson(r, rps * 60 * weight)
    const m = poisson(r, rps * 60 * (1 - weight))
    const pc = baseRate * multiplier * Math.exp(s + (own[0] as () => number)()) * b * burst(drift.armShape)
    const pb = baseRate * Math.exp(s + (own[1] as () => number)()) * b * burst(drift.armShape)
    return {
      canary: { events: Math.min(n, poisson(r, n * pc)), total: n },
      baseline: { events: Math.min(m, poisson(r, m * pb)), total: m },
    }
  }
}

/**
 * Prometheus buckets (bounds 2^(k/8), native-histogram style) of n lognormal(mu, sigma) requests,
 * each bucket's count drawn as Poisson around its expectation: cheap for large n.
 */
export function lognormalBuckets(r: () => number, n: number, mu: number, sigma: number, cdf: (z: number) => number): { le: number; count: number }[] {
  const step = Math.log(2) / 8
  const lo = Math.floor((mu - 5 * sigma) / step)
  const hi = Math.ceil((mu + 5 * sigma) / step)
  const out: { le: number; count: number }[] = []
  let cum = 0
  let prev = 0
  for (let k = lo; k <= hi; k++) {
    const p = cdf((k * step - mu) / sigma)
    cum += poisson(r, n * (p - prev))
    prev = p
    out.push({ le: Math.exp(k * step), count: cum })
  }
  cum += poisson(r, n * (1 - prev))
  out.push({ le: Number.POSITIVE_INFINITY, count: cum })
  return out
}
