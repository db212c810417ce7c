/**
 * Seeded pseudo-random numbers for the judge benchmark: xoshiro128** (Blackman & Vigna 2018) seeded
 * through splitmix32, and the variates the simulator needs (normal, gamma, Poisson, binomial,
 * negative binomial, lognormal). Every generator is exact (no normal approximations), and cheap
 * enough for thousands of 60-interval runs at 1000 requests/s: counts are drawn per interval, never
 * per request.
 */

const TWO_POW_32 = 4294967296

/** splitmix32: spreads an arbitrary 32-bit seed over the 128-bit xoshiro state. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

/** A 32-bit FNV-1a hash of strings and numbers: derives one independent seed per scenario and run. */
export function hashSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5
  for (const part of parts) {
    const text = `${String(part)}\u0000`
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i)
      h = Math.imul(h, 0x01000193) >>> 0
    }
  }
  return h >>> 0
}

export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number
  private spareNormal: number | undefined = undefined

  constructor(seed: number) {
    const next = splitmix32(seed)
    this.a = next()
    this.b = next()
    this.c = next()
    this.d = next()
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1
  }

  /** Next 32 random bits (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0
    const t = this.b << 9
    this.c ^= this.a
    this.d ^= this.b
    this.b ^= this.c
    this.a ^= this.d
    this.c ^= t
    this.d = rotl(this.d, 11)
    return result
  }

  /** Uniform on the open interval (0, 1): never 0, so logarithms are safe. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32
  }

  /** Standard normal (Marsaglia polar method; the second variate is kept for the next call). */
  normal(): number {
    const spare = this.spareNormal
    if (spare !== undefined) {
      this.spareNormal = undefined
      return spare
    }
    for (;;) {
      const u = 2 * this.uniform() - 1
      const v = 2 * this.uniform() - 1
      const s = u * u + v * v
      if (s >= 1 || s === 0) continue
      const f = Math.sqrt((-2 * Math.log(s)) / s)
      this.spareNormal = v * f
      return u * f
    }
  }

  /** Lognormal: exp(mu + sigma·Z). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal())
  }

  /** Gamma(shape, scale), mean shape·scale (Marsaglia & Tsang 2000; shape < 1 by boosting). */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`)
    if (shape < 1) return this.gamma(shape + 1, scale) * Math.pow(this.uniform(), 1 / shape)
    const d = shape - 1 / 3
    const c = 1 / Math.sqrt(9 * d)
    for (;;) {
      let x: number
      let v: number
      do {
        x = this.normal()
        v = 1 + c * x
      } while (v <= 0)
      v = v * v * v
      const u = this.uniform()
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale
    }
  }

  /** Beta(a, b) from two gammas. */
  beta(a: number, b: number): number {
    const x = this.gamma(a)
    const y = this.gamma(b)
    return x / (x + y)
  }

  /**
   * Poisson(lambda). Multiplication method below 10; above, Hörmann's PTRS transformed rejection
   * ("The transformed rejection method for generating Poisson random variables", 1993).
   */
  poisson(lambda: number): number {
    if (!(lambda > 0)) {
      if (lambda === 0) return 0
      throw new RangeError(`poisson mean must be >= 0, got ${lambda}`)
    }
    if (lambda < 10) {
      const limit = Math.exp(-lambda)
      let k = 0
      let p = this.uniform()
      while (p > limit) {
        k++
        p *= this.uniform()
      }
      return k
    }
    const slam = Math.sqrt(lambda)
    const loglam = Math.log(lambda)
    const b = 0.931 + 2.53 * slam
    const a = -0.059 + 0.02483 * b
    const invalpha = 1.1239 + 1.1328 / (b - 3.4)
    const vr = 0.9277 - 3.6224 / (b - 2)
    for (;;) {
      const u = this.uniform() - 0.5
      const v = this.uniform()
      const us = 0.5 - Math.abs(u)
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43)
      if (us >= 0.07 && v <= vr) return k
      if (k < 0 || (us < 0.013 && v > us)) continue
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) return k
    }
  }

  /**
   * Binomial(n, p), exact. Small means by inversion (sequential search from 0); large n by Knuth's
   * beta splitting (TAOCP vol. 2, 3.4.1): the order statistic of rank a among n uniforms is
   * Beta(a, n+1-a), which halves n at each step while staying exact.
   */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0
    if (p >= 1) return n
    if (p > 0.5) return n - this.binomial(n, 1 - p)
    let offset = 0
    while (n * p > 30) {
      const a = 1 + Math.floor(n / 2)
      const b = n + 1 - a
      const x = this.beta(a, b)
      if (x >= p) {
        n = a - 1
        p = p / x
      } else {
        offset += a
        n = b - 1
        p = (p - x) / (1 - x)
      }
      if (n <= 0 || p <= 0) return offset
      if (p > 0.5) return offset + n - this.binomial(n, 1 - p)
    }
    const q = 1 - p
    const s = p / q
    const a = (n + 1) * s
    let r = Math.pow(q, n)
    let u = this.uniform()
    let x = 0
    while (u > r) {
      u -= r
      x++
      if (x > n) return offset + n // guards against rounding at the far tail
      r *= a / x - s
    }
    return offset + x
  }

  /** Negative binomial as a gamma-Poisson mixture: mean `mean`, variance mean + mean²/shape. */
  negativeBinomial(mean: number, shape: number): number {
    if (mean <= 0) return 0
    return this.poisson(this.gamma(shape, mean / shape))
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]

/** log Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const z = x - 1
  let sum = LANCZOS[0] as number
  for (let i = 1; i < 9; i++) sum += (LANCZOS[i] as number) / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}
