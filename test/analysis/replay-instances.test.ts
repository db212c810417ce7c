/**
 * The replay format's optional per-instance breakdown (issue 14): parsed and validated with the field
 * at fault named, kept out of the judge's counts, and used to name the one bad pod among healthy ones
 * in the verdict's reason, never a healthy pod of a noisy but healthy fleet.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { replayCommand } from '../../cli/replay.js'
import { findOutlierInstance, instanceCounts, type InstanceCounts } from '../../shared/analysis/instances.js'
import { parseReplay } from '../../shared/analysis/replay-file.js'

function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** Binomial(n, p) by inversion of a normal approximation (n large) from the seeded source. */
function binomial(rand: () => number, n: number, p: number): number {
  const u1 = Math.max(rand(), 1e-12)
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rand())
  return Math.min(n, Math.max(0, Math.round(n * p + z * Math.sqrt(n * p * (1 - p)))))
}

/**
 * A recording: 3 canary pods and 6 baseline pods, 500 requests per pod-minute; `rates` gives each
 * canary pod's error rate (baseline pods 1%); `spread` multiplies each pod's rate by a fixed
 * pod-to-pod factor (a healthy fleet's own heterogeneity).
 */
function recording(rates: number[], intervals: number, seed: number, spread = 0): Record<string, unknown> {
  const rand = lcg(seed)
  const podFactor = (i: number): number => 1 + spread * Math.sin(7 * i + 1)
  const rows = []
  for (let t = 0; t < intervals; t++) {
    const arm = (names: string[], rateOf: (i: number) => number): { own: { errors: { events: number; total: number } }; pods: Record<string, unknown> } => {
      const pods: Record<string, unknown> = {}
      let events = 0
      let total = 0
      names.forEach((name, i) => {
        const n = 500
        const x = binomial(rand, n, rateOf(i))
        pods[name] = { errors: { events: x, total: n } }
        events += x
        total += n
      })
      return { own: { errors: { events, total } }, pods }
    }
    const canary = arm(['10.0.1.1:8080', '10.0.1.2:8080', '10.0.1.3:8080'], (i) => (rates[i] as number) * podFactor(i))
    const baseline = arm(['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `v1-${x}`), (i) => 0.01 * podFactor(i + 3))
    rows.push({ canary: canary.own, baseline: baseline.own, instances: { canary: canary.pods, baseline: baseline.pods } })
  }
  return { version: 1, alpha: 0.05, maxIntervals: 30, metrics: [{ name: 'errors', type: 'ratio', tolerance: 0 }], intervals: rows }
}

async function runReplay(file: Record<string, unknown>): Promise<{ code: number; out: Record<string, unknown>; err: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-replay-instances-'))
  writeFileSync(join(dir, 'r.json'), JSON.stringify(file))
  let out = ''
  let err = ''
  const code = await replayCommand.run(['r.json', '--json'], { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env: {}, cwd: dir, isTTY: false })
  return { code, out: out ? (JSON.parse(out) as Record<string, unknown>) : {}, err }
}

describe('replay: per-instance breakdown', () => {
  it('names the one bad canary pod in the verdict reason and in instanceOutliers', async () => {
    const { code, out } = await runReplay(recording([0.01, 0.01, 0.08], 20, 1))
    expect(code).toBe(0)
    expect(out.decision).toBe('fail')
    expect(out.reason).toMatch(/instance "10\.0\.1\.3:8080" \(canary\) stands out on errors: \d.*% \(\d+\/1,000\) against 0\.\d+% on the other 8 instances \(p < 10⁻⁶\); the rest of the canary: 0\.\d+%/)
    const outliers = out.instanceOutliers as { instance: string; arm: string; side: string }[]
    expect(outliers.map((o) => [o.instance, o.arm, o.side])).toEqual([['10.0.1.3:8080', 'canary', 'higher']])
  })

  it('names no pod of a healthy fleet, even one whose pods differ by ±30% among themselves', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { out } = await runReplay(recording([0.01, 0.01, 0.01], 30, seed, 0.3))
      expect(out.instanceOutliers, `seed ${seed}`).toEqual([])
      expect(String(out.reason)).not.toMatch(/stands out/)
    }
  })

  it('leaves the judge alone: the same verdict and looks with or without the breakdown; no instanceOutliers without it', async () => {
    const file = recording([0.01, 0.01, 0.08], 20, 3)
    const bare = structuredClone(file) as { intervals: Record<string, unknown>[] }
    for (const iv of bare.intervals) delete iv.instances
    const withIt = await runReplay(file)
    const without = await runReplay(bare)
    expect(without.out.instanceOutliers).toBeUndefined()
    expect(withIt.out.looks).toEqual(without.out.looks)
    expect(withIt.out.decidedAt).toEqual(without.out.decidedAt)
    expect(String(withIt.out.reason).startsWith(String(without.out.reason))).toBe(true)
  })

  it('refuses a malformed breakdown, naming the field', () => {
    const base = (): { intervals: { instances: Record<string, unknown>; canary: unknown }[] } => structuredClone(recording([0.01, 0.01, 0.01], 2, 5)) as never
    const cases: [string, (f: ReturnType<typeof base>) => void, RegExp][] = [
      ['a third arm', (f) => void ((f.intervals[0] as { instances: Record<string, unknown> }).instances.shadow = {}), /^intervals\[0\]\.instances\.shadow: expected one of the fields canary, baseline/],
      ['an undeclared metric', (f) => void (f.intervals[1]!.instances.canary = { 'pod-1': { latency: { events: 1, total: 2 } } }), /^intervals\[1\]\.instances\.canary\.pod-1\.latency: expected a metric declared in metrics \(errors\)/],
      ['events above total', (f) => void (f.intervals[0]!.instances.canary = { 'pod-1': { errors: { events: 5, total: 2 } } }), /^intervals\[0\]\.instances\.canary\.pod-1\.errors\.events: expected at most total \(2\), found 5/],
      ['instances adding up to more than the arm', (f) => void (f.intervals[0]!.instances.canary = { p: { errors: { events: 0, total: 1e6 } } }), /^intervals\[0\]\.instances\.canary: expected instances whose errors\.total add up to at most the arm's own \(1500\), found 1000000/],
      ['an empty instance name', (f) => void (f.intervals[0]!.instances.baseline = { ' ': {} }), /^intervals\[0\]\.instances\.baseline\[" "\]: expected a non-empty instance name/],
    ]
    for (const [name, change, message] of cases) {
      const f = base()
      change(f)
      expect(() => parseReplay(f), name).toThrow(message)
    }
    const ok = parseReplay(base())
    expect(ok.instances).toHaveLength(2)
    expect(Object.keys(ok.instances?.[0]?.canary ?? {})).toEqual(['10.0.1.1:8080', '10.0.1.2:8080', '10.0.1.3:8080'])
  })
})

describe('findOutlierInstance', () => {
  const pods = (rates: [number, number][]): InstanceCounts[] => rates.map(([events, total], i) => ({ arm: i === 0 ? 'canary' : 'baseline', instance: `p${i}`, events, total }))

  it('needs three instances, the bad side, a real ratio and significance', () => {
    expect(findOutlierInstance('e', pods([[90, 1000], [10, 1000]]))).toBeUndefined()
    expect(findOutlierInstance('e', pods([[90, 1000], [10, 1000], [12, 1000]]))?.instance).toBe('p0')
    // Lower than the others is no regression unless the metric's worse side is down.
    expect(findOutlierInstance('e', pods([[0, 1000], [50, 1000], [52, 1000], [49, 1000]]))).toBeUndefined()
    expect(findOutlierInstance('e', pods([[0, 1000], [50, 1000], [52, 1000], [49, 1000]]), { direction: 'decrease' })?.side).toBe('lower')
    // 20% higher on huge counts: significant, but no outlier.
    expect(findOutlierInstance('e', pods([[12000, 1e6], [10000, 1e6], [10050, 1e6], [9950, 1e6]]))).toBeUndefined()
    // Too few requests to tell.
    expect(findOutlierInstance('e', pods([[2, 20], [1, 100], [1, 100], [1, 100]]))).toBeUndefined()
  })

  it('sums intervals up to the look asked for', () => {
    const intervals = [
      { canary: { a: { e: { events: 1, total: 10 } } } },
      undefined,
      { canary: { a: { e: { events: 2, total: 10 } } }, baseline: { b: { e: { events: 0, total: 5 } } } },
    ]
    expect(instanceCounts(intervals, 'e', 0)).toEqual([{ arm: 'canary', instance: 'a', events: 1, total: 10 }])
    expect(instanceCounts(intervals, 'e')).toEqual([
      { arm: 'canary', instance: 'a', events: 3, total: 10 + 10 },
      { arm: 'baseline', instance: 'b', events: 0, total: 5 },
    ])
  })
})
