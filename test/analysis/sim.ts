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
