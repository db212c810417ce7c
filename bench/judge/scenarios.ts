/**
 * The benchmark's scenarios. Every run lasts at most 60 one-minute intervals; the canary takes 5% of
 * the traffic and is compared with the other 95% (the stable fleet). Baseline errors 0.5% of
 * requests; latency lognormal with median 100 ms and log-sd 0.5 (p99 ≈ 320 ms).
 *
 * Latency reaches the judges as raw values of at most 300 requests per arm per interval (a sample);
 * `--latency buckets` switches to a Prometheus histogram of every request (fine native-histogram
 * buckets), closer to production but several times slower through the judge.
 *
 * Healthy canaries are judged with tolerance 0 on every metric, the hardest setting for false fails
 * (a healthy canary sits exactly on the boundary of "regression"); the early-pass scenario uses the
 * tolerances of the target (20% on errors, 5% on median latency).
 */

import type { MetricProcess, NoiseSpec, PolicyMetric, Scenario, ScenarioMetric, TrafficSpec } from './sim/model.js'
import { NO_NOISE } from './sim/model.js'

export const BASE_ERROR_RATE = 0.005
export const MEDIAN_MS = 100
export const LATENCY_SIGMA = 0.5
export const WEIGHT = 0.05
export const INTERVALS = 60
export const ALPHA = 0.05
export const SAMPLES_CAP = 300

/** Noise regimes of the healthy grid (see model.ts for what each field means). */
export const REGIMES = {
  independent: {
    label: 'independent',
    load: { loadRho: 0, loadSd: 0 },
    errors: NO_NOISE,
    latency: NO_NOISE,
  },
  ar1: {
    label: 'AR(1) ρ=0.8',
    load: { loadRho: 0.8, loadSd: 0.3 },
    // Shared: ±50% swings of the error rate hitting both arms; own: ±10% per arm, slowly drifting.
    errors: { rho: 0.8, sharedSd: 0.5, armSd: 0.1 },
    // Shared: ±10% on the median for both arms; own: ±2% per arm.
    latency: { rho: 0.8, sharedSd: 0.1, armSd: 0.02 },
  },
  bursty: {
    label: 'bursty',
    load: { loadRho: 0.5, loadSd: 0.5 },
    // Gamma-Poisson errors: shared bursts (CV 71%) and each arm's own (CV 32%) every interval.
    errors: { rho: 0, sharedSd: 0, armSd: 0, sharedShape: 2, armShape: 10 },
    latency: { rho: 0, sharedSd: 0.15, armSd: 0.02 },
  },
} as const satisfies Record<string, { label: string; load: Pick<TrafficSpec, 'loadRho' | 'loadSd'>; errors: NoiseSpec; latency: NoiseSpec }>

export type RegimeName = keyof typeof REGIMES

export const RATES = [0.1, 1, 10, 100, 1000] as const

function errors(name: string, tolerance: number, noise: NoiseSpec, factor = 1, extra: Partial<MetricProcess> = {}): ScenarioMetric {
  const policy: PolicyMetric = { name, type: 'ratio', direction: 'increase', tolerance, critical: true }
  return { policy, process: { type: 'ratio', baseRate: BASE_ERROR_RATE, canaryFactor: factor, noise, ...extra } as MetricProcess }
}

function latency(name: string, tolerance: number, noise: NoiseSpec, factor = 1): ScenarioMetric {
  const policy: PolicyMetric = { name, type: 'samples', direction: 'increase', tolerance, critical: false, quantile: 'p50' }
  return { policy, process: { type: 'samples', medianMs: MEDIAN_MS, sigma: LATENCY_SIGMA, canaryFactor: factor, noise } }
}

function traffic(
  rps: number,
  load: Pick<TrafficSpec, 'loadRho' | 'loadSd'> = REGIMES.independent.load,
  stopAfter?: number,
  ramp?: TrafficSpec['ramp'],
): TrafficSpec {
  return { rps, weight: WEIGHT, ...load, ...(stopAfter === undefined ? {} : { stopAfter }), ...(ramp === undefined ? {} : { ramp }) }
}

function scenario(s: Omit<Scenario, 'intervals' | 'alpha' | 'latencyForm' | 'samplesCap' | 'runs'> & { runs?: Scenario['runs'] }): Scenario {
  const runs = s.runs ?? (s.kind === 'healthy' ? { quick: 200, full: 2000 } : { quick: 100, full: 500 })
  return { intervals: INTERVALS, alpha: ALPHA, latencyForm: 'values', samplesCap: SAMPLES_CAP, ...s, runs }
}

function rateLabel(rps: number): string {
  return `${rps} req/s`
}

export function healthyGrid(): Scenario[] {
  const out: Scenario[] = []
  for (const regime of Object.keys(REGIMES) as RegimeName[]) {
    const r = REGIMES[regime]
    for (const rps of RATES) {
      out.push(
        scenario({
          id: `healthy-${regime}-${rps}`,
          title: `healthy, ${r.label}, ${rateLabel(rps)}`,
          kind: 'healthy',
          traffic: traffic(rps, r.load),
          metrics: [errors('errors', 0, r.errors), latency('latency', 0, r.latency)],
        }),
      )
    }
  }
  return out
}

export function specialHealthy(): Scenario[] {
  const ten: ScenarioMetric[] = []
  for (let i = 1; i <= 5; i++) {
    ten.push(errors(`errors-${i}`, 0, NO_NOISE))
    ten.push(latency(`latency-${i}`, 0, NO_NOISE))
  }
  return [
    scenario({
      id: 'healthy-ten-metrics',
      title: 'ten healthy metrics (5 ratio + 5 samples), 100 req/s',
      kind: 'healthy',
      traffic: traffic(100),
      metrics: ten,
    }),
    scenario({
      id: 'traffic-stops',
      title: 'traffic stops after 30 min, 100 req/s',
      kind: 'healthy',
      traffic: traffic(100, REGIMES.independent.load, 30),
      metrics: [errors('errors', 0, NO_NOISE), latency('latency', 0, NO_NOISE)],
    }),
    scenario({
      id: 'zero-traffic',
      title: 'zero traffic throughout',
      kind: 'healthy',
      traffic: traffic(0),
      metrics: [errors('errors', 0, NO_NOISE), latency('latency', 0, NO_NOISE)],
    }),
    scenario({
      id: 'early-pass-1000',
      title: 'healthy, 1000 req/s, tolerances 20% errors / 5% p50',
      kind: 'healthy',
      traffic: traffic(1000),
      metrics: [errors('errors', 0.2, NO_NOISE), latency('latency', 0.05, NO_NOISE)],
    }),
  ]
}

export function regressions(): Scenario[] {
  const out: Scenario[] = []
  for (const factor of [1.2, 1.5, 2, 5]) {
    out.push(
      scenario({
        id: `errors-x${factor}`,
        title: `error rate ×${factor}, 100 req/s`,
        kind: 'regression',
        traffic: traffic(100),
        metrics: [errors('errors', 0, NO_NOISE, factor), latency('latency', 0, NO_NOISE)],
      }),
    )
  }
  // 0.3 errors per minute on a canary receiving 5% of 100 req/s = 300 requests per minute.
  const newClassRate = 0.3 / (100 * 60 * WEIGHT)
  out.push(
    scenario({
      id: 'new-error-class',
      title: 'new error class, 0.3/min on the canary only, 100 req/s',
      kind: 'regression',
      traffic: traffic(100),
      metrics: [
        errors('errors', 0, NO_NOISE),
        errors('new-errors', 0, NO_NOISE, 0, { baseRate: 0, canaryOnlyRate: newClassRate }),
        latency('latency', 0, NO_NOISE),
      ],
    }),
  )
  for (const pct of [5, 10, 50]) {
    out.push(
      scenario({
        id: `latency-p50+${pct}`,
        title: `latency median +${pct}%, 100 req/s`,
        kind: 'regression',
        traffic: traffic(100),
        metrics: [errors('errors', 0, NO_NOISE), latency('latency', 0, NO_NOISE, 1 + pct / 100)],
      }),
    )
  }
  return out
}

/**
 * Issue 14's regimes: noise that lives on one arm (per-arm AR(1) drift up to sd 0.3 and ρ 0.9, drift
 * on the canary arm only, gamma bursts per arm and interval with CV 200%), each at 1, 100 and 1000
 * req/s, plus ten metrics, a weight ramp and traffic that stops under the "shared AR(1)" noise
 * (shared sd 0.2 and per-arm sd 0.2, ρ 0.8), non-inferiority and detection under that noise.
 * Latency carries a milder version of each regime (per-arm sd 0.05) so the errors decide, except in
 * the last two: the same drift on the latency of each arm (log latency, AR(1) ρ 0.9, sd 0.1 and 0.3:
 * the latency of each arm wanders by about ±10% and ±35%), with the errors under the shared noise,
 * so that the latency decides.
 */
export const V2_REGIMES = {
  'arm-ar1-08': {
    label: 'per-arm AR(1) sd 0.3 ρ=0.8',
    load: { loadRho: 0.8, loadSd: 0.3 },
    errors: { rho: 0.8, sharedSd: 0, armSd: 0.3 },
    latency: { rho: 0.8, sharedSd: 0.1, armSd: 0.05 },
  },
  'arm-ar1-09': {
    label: 'per-arm AR(1) sd 0.3 ρ=0.9',
    load: { loadRho: 0.8, loadSd: 0.3 },
    errors: { rho: 0.9, sharedSd: 0, armSd: 0.3 },
    latency: { rho: 0.9, sharedSd: 0.1, armSd: 0.05 },
  },
  'canary-ar1-09': {
    label: 'canary-only AR(1) sd 0.3 ρ=0.9',
    load: { loadRho: 0.8, loadSd: 0.3 },
    errors: { rho: 0.9, sharedSd: 0, armSd: 0.3, baselineArmSd: 0 },
    latency: { rho: 0.9, sharedSd: 0.1, armSd: 0.05, baselineArmSd: 0 },
  },
  'shared-arm': {
    label: 'shared AR(1) ρ=0.8 sd 0.2 + per-arm sd 0.2',
    load: { loadRho: 0.8, loadSd: 0.3 },
    // The "shared AR(1) noise": the shared part autocorrelated, each arm's own part independent per interval.
    errors: { rho: 0.8, sharedSd: 0.2, armSd: 0.2, armRho: 0 },
    latency: { rho: 0.8, sharedSd: 0.1, armSd: 0.05, armRho: 0 },
  },
  'bursts-200': {
    label: 'gamma bursts per arm, CV 200%',
    load: { loadRho: 0.5, loadSd: 0.5 },
    errors: { rho: 0, sharedSd: 0, armSd: 0, armShape: 0.25 },
    latency: { rho: 0, sharedSd: 0.15, armSd: 0.05 },
  },
  'latency-drift-01': {
    label: 'latency per-arm AR(1) sd 0.1 ρ=0.9',
    load: { loadRho: 0.8, loadSd: 0.3 },
    errors: { rho: 0.8, sharedSd: 0.2, armSd: 0.2, armRho: 0 },
    latency: { rho: 0.9, sharedSd: 0.1, armSd: 0.1 },
  },
  'latency-drift-03': {
    label: 'latency per-arm AR(1) sd 0.3 ρ=0.9',
    load: { loadRho: 0.8, loadSd: 0.3 },
    errors: { rho: 0.8, sharedSd: 0.2, armSd: 0.2, armRho: 0 },
    latency: { rho: 0.9, sharedSd: 0.1, armSd: 0.3 },
  },
} as const satisfies Record<string, { label: string; load: Pick<TrafficSpec, 'loadRho' | 'loadSd'>; errors: NoiseSpec; latency: NoiseSpec }>

export type V2RegimeName = keyof typeof V2_REGIMES
export const V2_RATES = [1, 100, 1000] as const

export function v2Scenarios(): Scenario[] {
  const out: Scenario[] = []
  for (const regime of Object.keys(V2_REGIMES) as V2RegimeName[]) {
    const r = V2_REGIMES[regime]
    for (const rps of V2_RATES) {
      out.push(
        scenario({
          id: `v2-${regime}-${rps}`,
          title: `healthy, ${r.label}, ${rateLabel(rps)}`,
          kind: 'healthy',
          regime,
          traffic: traffic(rps, r.load),
          metrics: [errors('errors', 0, r.errors), latency('latency', 0, r.latency)],
        }),
      )
    }
  }
  const noisy = V2_REGIMES['shared-arm']
  for (const rps of [100, 1000]) {
    const ten: ScenarioMetric[] = []
    for (let i = 1; i <= 5; i++) {
      ten.push(errors(`errors-${i}`, 0, noisy.errors))
      ten.push(latency(`latency-${i}`, 0, noisy.latency))
    }
    out.push(
      scenario({
        id: `v2-ten-metrics-${rps}`,
        title: `ten healthy metrics, shared AR(1) + per-arm noise, ${rateLabel(rps)}`,
        kind: 'healthy',
        regime: 'shared-arm',
        traffic: traffic(rps, noisy.load),
        metrics: ten,
      }),
    )
  }
  out.push(
    scenario({
      id: 'v2-ramp-1000',
      title: 'weight ramp 5 → 25 → 50%, shared AR(1) + per-arm noise, 1000 req/s',
      kind: 'healthy',
      regime: 'shared-arm',
      traffic: traffic(1000, noisy.load, undefined, [
        { from: 21, weight: 0.25 },
        { from: 41, weight: 0.5 },
      ]),
      metrics: [errors('errors', 0, noisy.errors), latency('latency', 0, noisy.latency)],
    }),
    scenario({
      id: 'v2-traffic-stops',
      title: 'traffic stops after 30 min, shared AR(1) + per-arm noise, 100 req/s',
      kind: 'healthy',
      regime: 'shared-arm',
      traffic: traffic(100, noisy.load, 30),
      metrics: [errors('errors', 0, noisy.errors), latency('latency', 0, noisy.latency)],
    }),
    scenario({
      id: 'v2-early-pass-1000',
      title: 'early pass, 1000 req/s, tolerances 25% errors / 5% p50',
      kind: 'healthy',
      regime: 'independent',
      traffic: traffic(1000),
      metrics: [errors('errors', 0.25, NO_NOISE), latency('latency', 0.05, NO_NOISE)],
    }),
    scenario({
      id: 'v2-early-pass-noisy-1000',
      title: 'early pass, shared AR(1) + per-arm noise, 1000 req/s, tolerances 25% / 5%',
      kind: 'healthy',
      regime: 'shared-arm',
      traffic: traffic(1000, noisy.load),
      metrics: [errors('errors', 0.25, noisy.errors), latency('latency', 0.05, noisy.latency)],
    }),
    scenario({
      id: 'v2-inferior-1000',
      title: 'errors ×1.5 at tolerance 25% (must not pass), 1000 req/s',
      kind: 'inferior',
      regime: 'independent',
      traffic: traffic(1000),
      metrics: [errors('errors', 0.25, NO_NOISE, 1.5), latency('latency', 0.05, NO_NOISE)],
    }),
    scenario({
      id: 'v2-inferior-noisy-1000',
      title: 'errors ×1.5 at tolerance 25% (must not pass), shared AR(1) + per-arm noise, 1000 req/s',
      kind: 'inferior',
      regime: 'shared-arm',
      traffic: traffic(1000, noisy.load),
      metrics: [errors('errors', 0.25, noisy.errors, 1.5), latency('latency', 0.05, noisy.latency)],
    }),
  )
  // Non-inferiority under each regime of one arm's own noise: a canary exactly at the tolerance
  // (errors ×1.25 at tolerance 25%, the hardest case of "worse than the tolerance") must pass in at
  // most α of runs. Latency is healthy and noiseless so that the errors metric decides.
  for (const regime of ['arm-ar1-08', 'arm-ar1-09', 'canary-ar1-09', 'bursts-200'] as const) {
    const r = V2_REGIMES[regime]
    out.push(
      scenario({
        id: `v2-at-tolerance-${regime}-1000`,
        title: `errors ×1.25 at tolerance 25% (must not pass), ${r.label}, 1000 req/s`,
        kind: 'inferior',
        regime,
        traffic: traffic(1000, r.load),
        metrics: [errors('errors', 0.25, r.errors, 1.25), latency('latency', 0.05, NO_NOISE)],
      }),
    )
  }
  // The same for latency under its own drift: p50 exactly 5% slower at tolerance 5%.
  for (const regime of ['latency-drift-01', 'latency-drift-03'] as const) {
    const r = V2_REGIMES[regime]
    out.push(
      scenario({
        id: `v2-at-tolerance-${regime}-1000`,
        title: `latency p50 +5% at tolerance 5% (must not pass), ${r.label}, 1000 req/s`,
        kind: 'inferior',
        regime,
        traffic: traffic(1000, r.load),
        metrics: [errors('errors', 0.25, NO_NOISE), latency('latency', 0.05, r.latency, 1.05)],
      }),
    )
  }
  const newClassRate = 0.3 / (100 * 60 * WEIGHT)
  for (const factor of [2, 5]) {
    out.push(
      scenario({
        id: `v2-noisy-errors-x${factor}`,
        title: `error rate ×${factor}, shared AR(1) + per-arm noise, 100 req/s`,
        kind: 'regression',
        regime: 'shared-arm',
        traffic: traffic(100, noisy.load),
        metrics: [errors('errors', 0, noisy.errors, factor), latency('latency', 0, noisy.latency)],
      }),
    )
  }
  out.push(
    scenario({
      id: 'v2-noisy-new-error-class',
      title: 'new error class 0.3/min, shared AR(1) + per-arm noise, 100 req/s',
      kind: 'regression',
      regime: 'shared-arm',
      traffic: traffic(100, noisy.load),
      metrics: [
        errors('errors', 0, noisy.errors),
        errors('new-errors', 0, NO_NOISE, 0, { baseRate: 0, canaryOnlyRate: newClassRate }),
        latency('latency', 0, noisy.latency),
      ],
    }),
    scenario({
      id: 'v2-noisy-latency-p50+50',
      title: 'latency median +50%, shared AR(1) + per-arm noise, 100 req/s',
      kind: 'regression',
      regime: 'shared-arm',
      traffic: traffic(100, noisy.load),
      metrics: [errors('errors', 0, noisy.errors), latency('latency', 0, noisy.latency, 1.5)],
    }),
    scenario({
      id: 'v2-bursts-errors-x2',
      title: 'error rate ×2, gamma bursts per arm CV 200%, 1000 req/s',
      kind: 'regression',
      regime: 'bursts-200',
      traffic: traffic(1000, V2_REGIMES['bursts-200'].load),
      metrics: [errors('errors', 0, V2_REGIMES['bursts-200'].errors, 2), latency('latency', 0, V2_REGIMES['bursts-200'].latency)],
    }),
  )
  for (const factor of [2, 5]) {
    out.push(
      scenario({
        id: `v2-low-errors-x${factor}`,
        title: `error rate ×${factor}, 10 req/s, no noise`,
        kind: 'regression',
        regime: 'independent',
        traffic: traffic(10),
        metrics: [errors('errors', 0, NO_NOISE, factor), latency('latency', 0, NO_NOISE)],
      }),
    )
  }
  return out
}

export function allScenarios(): Scenario[] {
  return [...healthyGrid(), ...specialHealthy(), ...regressions(), ...v2Scenarios()]
}
