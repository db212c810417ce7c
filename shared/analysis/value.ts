/**
 * `value` metrics: an absolute bound on the canary, Argo Rollouts / Flagger style. Each interval's
 * reading outside [min, max] is a failure; the metric fails when failures exceed `failureLimit`
 * (default 0: the first failure fails). It spends no statistical budget: it is the user's own rule.
 */
import { VerdictState, formatCount } from './evidence.js'
import type { Observation } from './observations.js'
import type { MetricLook, ValueMetricConfig } from './types.js'

export class ValueMetric {
  private readonly verdict = new VerdictState()
  private readings = 0
  private failures = 0
  private last: number | undefined
  private lastOk = false
  private worst: number | undefined

  constructor(readonly config: ValueMetricConfig) {}

  add(canary: Observation | undefined): void {
    if (canary === undefined || !('value' in canary) || !Number.isFinite(canary.value)) return
    const v = canary.value
    this.readings++
    this.last = v
    const tooHigh = this.config.max !== undefined && v > this.config.max
    const tooLow = this.config.min !== undefined && v < this.config.min
    this.lastOk = !tooHigh && !tooLow
    if (!this.lastOk) {
      this.failures++
      this.worst = this.worst === undefined ? v : tooHigh ? Math.max(this.worst, v) : Math.min(this.worst, v)
    }
  }

  look(index: number): MetricLook {
    const limit = this.config.failureLimit ?? 0
    const failed = this.failures > limit
    const hasData = this.readings > 0
    // In bounds at the latest reading and within the failure limit: not blocking a pass.
    const passing = hasData && this.lastOk && !failed
    if (this.verdict.state === 'pass' && !passing) this.verdict.state = 'continue'
    const state = this.verdict.update(index, failed, passing, hasData, 1)
    const bound = [this.config.min !== undefined ? `min ${this.config.min}` : '', this.config.max !== undefined ? `max ${this.config.max}` : '']
      .filter(Boolean)
      .join(', ')
    let reason: string
    if (state === 'nodata') reason = 'no canary reading yet'
    else if (state === 'fail') reason = `out of bounds (${bound}) in ${this.failures} interval(s), worst ${this.worst}; failure limit ${limit}`
    else if (state === 'pass') reason = `latest ${this.last} within bounds (${bound}); ${this.failures} failure(s) of ${limit} allowed`
    else reason = `latest ${this.last} out of bounds (${bound}); ${this.failures} failure(s) of ${limit} allowed`
    const look: MetricLook = {
      name: this.config.name,
      type: 'value',
      state,
      estimate: this.last ?? null,
      lower: null,
      upper: null,
      eValue: 1,
      threshold: Number.POSITIVE_INFINITY,
      pValue: 1,
      passEValue: 1,
      passThreshold: Number.POSITIVE_INFINITY,
      canary: { events: this.failures, total: this.readings },
      baseline: { total: 0 },
      reason: `${reason} (${formatCount(this.readings)} reading(s))`,
    }
    if (state === 'fail' && this.verdict.decidedAt !== undefined) look.decidedAt = this.verdict.decidedAt
    return look
  }
}
