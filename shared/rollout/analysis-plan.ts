/**
 * From the policy to what an analysis runs: the judge's configuration, the metrics provider's
 * configuration (the template's `provider:` block, which its backend's descriptor turns into a
 * provider) and the checks to query. Pure: the policy in, plain data out.
 */
import { ConfigError } from '../errors.js'
import type { JudgeConfig, MetricConfig } from '../analysis/types.js'
import type { AnalysisTemplate, Check, Environment, MetricsProvider as MetricsProviderConfig, Policy } from '../config/policy.generated.js'
import type { MetricCheck } from '../metrics/types.js'

export interface AnalysisPlan {
  environment: string
  templateName: string
  template: AnalysisTemplate
  judge: JudgeConfig
  provider: MetricsProviderConfig
  checks: MetricCheck[]
  intervalMs: number
  /** Looks after which the analysis is inconclusive (the step's or template's maxDuration). */
  maxIntervals: number
  /** Looks before which a pass is held back (the step's or template's minDuration). */
  minIntervals: number
  onInconclusive: 'hold' | 'promote' | 'rollback'
}

const QUANTILES: Record<string, number | 'distribution'> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99, distribution: 'distribution' }

export function environmentOf(policy: Policy, name: string): Environment {
  const env = policy.environments[name]
  if (!env) {
    const known = Object.keys(policy.environments)
    throw new ConfigError(`Environment '${name}' is not defined in the policy file; defined: ${known.length > 0 ? known.join(', ') : 'none'}.`)
  }
  return env
}

/** The template to use: the one asked for, else the one of the step in force (or the first step with one). */
export function templateFor(policy: Policy, environment: string, requested: string | undefined, step: number | undefined): string {
  const env = environmentOf(policy, environment)
  if (requested !== undefined) {
    if (!policy.analysis[requested]) {
      throw new ConfigError(`Analysis template '${requested}' is not defined in the policy file; defined: ${Object.keys(policy.analysis).join(', ') || 'none'}.`)
    }
    return requested
  }
  const current = step === undefined ? undefined : env.steps[step]
  const name = current?.analysis ?? (step === undefined ? env.steps.find((s) => s.analysis !== undefined)?.analysis : undefined)
  if (name === undefined) {
    throw new ConfigError(
      step === undefined
        ? `Environment '${environment}' has no step with an analysis; set \`analysis:\` on a step or pass the input 'template'.`
        : `Step ${step + 1} of environment '${environment}' (weight ${current?.weight ?? '?'}%) has no analysis; pass the input 'template' to judge it anyway.`,
    )
  }
  return name
}

export function planAnalysis(policy: Policy, environment: string, templateName: string, step: number | undefined): AnalysisPlan {
  const env = environmentOf(policy, environment)
  const template = policy.analysis[templateName]
  if (!template) throw new ConfigError(`Analysis template '${templateName}' is not defined in the policy file.`)
  const current = step === undefined ? undefined : env.steps[step]
  const maxDuration = current?.maxDuration ?? template.maxDuration
  const minDuration = current?.minDuration ?? template.minDuration ?? 0
  const maxIntervals = Math.max(1, Math.floor(maxDuration / template.interval))
  const onInconclusive = template.onInconclusive ?? env.onInconclusive
  const judge: JudgeConfig = {
    alpha: template.alpha,
    metrics: template.checks.map((c) => toMetricConfig(c, template.test.type === 'mann-whitney')),
    maxIntervals,
    onInconclusive,
    ...(template.test.type === 'mann-whitney'
      ? {
          test: 'mann-whitney' as const,
          kayenta: {
            confidence: template.test.confidence,
            groupWeights: template.test.groupWeights,
            pass: template.test.passScore,
            marginal: template.test.marginalScore,
          },
        }
      : { test: 'sequential' as const, ...(template.test.engine === 'v3' ? { engine: 'v3' as const } : {}) }),
  }
  return {
    environment,
    templateName,
    template,
    judge,
    provider: template.provider,
    checks: template.checks.map(toMetricCheck),
    intervalMs: template.interval,
    maxIntervals,
    minIntervals: Math.ceil(minDuration / template.interval),
    onInconclusive,
  }
}

function toMetricConfig(check: Check, kayenta: boolean): MetricConfig {
  // `weight` scores checks in the Kayenta mode; the sequential test splits alpha by its own rule
  // (a critical check gets a double share).
  const common = { name: check.name, critical: check.critical, ...(kayenta ? { weight: check.weight } : {}), ...(check.group !== undefined ? { group: check.group } : {}) }
  switch (check.type) {
    case 'ratio':
      return { ...common, type: 'ratio', direction: check.direction, tolerance: check.tolerance, ...kayentaEffect(check.direction, check.tolerance) }
    case 'samples':
      return { ...common, type: 'samples', direction: check.direction, tolerance: check.tolerance, quantile: QUANTILES[check.quantile] ?? 0.5, ...kayentaEffect(check.direction, check.tolerance) }
    case 'value':
      return {
        ...common,
        type: 'value',
        failureLimit: check.failureLimit,
        ...(check.max !== undefined ? { max: check.max } : {}),
        ...(check.min !== undefined ? { min: check.min } : {}),
      }
  }
}

/** In the Kayenta mode a check's tolerance is its allowed increase (or decrease) of the mean ratio. */
function kayentaEffect(direction: string, tolerance: number): Partial<MetricConfig> {
  return direction === 'decrease' ? { allowedDecrease: 1 - tolerance } : { allowedIncrease: 1 + tolerance }
}

function toMetricCheck(check: Check): MetricCheck {
  switch (check.type) {
    case 'ratio':
      return { name: check.name, type: 'ratio', events: check.events, total: check.total }
    case 'samples':
      if (check.buckets !== undefined) return { name: check.name, type: 'samples', buckets: check.buckets }
      if (check.values !== undefined) return { name: check.name, type: 'samples', values: check.values }
      throw new ConfigError(`Check '${check.name}': a samples check needs \`buckets\` or \`values\`.`)
    case 'value':
      return { name: check.name, type: 'value', query: check.query, reduce: check.reduce }
  }
}
