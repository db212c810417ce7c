/**
 * Rules of the `experiments:` section that JSON Schema cannot state: references to analysis
 * templates, checks and environments, the control among the variants, placeholders, durations.
 * They read the raw data defensively, as ./semantic-problems.ts does, and name file:line:column.
 */
import { parseDuration, formatDuration } from './units.js'
import type { PathSegment, PolicyProblem } from './problems.js'
import { didYouMean, formatPath, oneOf } from './problems.js'
import { QUERY_PLACEHOLDERS } from './schema.js'
import { isRecord } from './schema-walk.js'
import type { YamlSource } from './yaml-source.js'

/** Placeholders an experiment's queries get besides the canary's: the variant's name and the experiment's. */
export const EXPERIMENT_PLACEHOLDERS = ['variant', 'experiment'] as const

/** Most intervals one look re-reads: each is one query per variant and metric. */
export const MAX_EXPERIMENT_INTERVALS = 1000

const PLACEHOLDER = /\{\{\s*([^{}\s]*)\s*\}\}/g

type Report = (path: PathSegment[], message: string, details?: { found?: string; expected?: string; key?: boolean; needle?: string }) => void

const ms = (value: unknown): number | undefined => (typeof value === 'string' ? (parseDuration(value) ?? undefined) : undefined)

function percent(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value === 'string') {
    const m = /^\s*([0-9.]+)\s*%?\s*$/.exec(value)
    return m ? Number(m[1]) : undefined
  }
  return undefined
}

function checkExperiment(report: Report, name: string, e: Record<string, unknown>, data: Record<string, unknown>): void {
  const path: PathSegment[] = ['experiments', name]
  const templates = isRecord(data.analysis) ? data.analysis : {}
  const environments = isRecord(data.environments) ? data.environments : {}

  const variants = Array.isArray(e.variants) ? e.variants : []
  const names: string[] = []
  variants.forEach((v, i) => {
    if (!isRecord(v) || typeof v.name !== 'string') return
    if (names.includes(v.name)) report([...path, 'variants', i, 'name'], `duplicate variant '${v.name}'`, { expected: 'a name not used by another variant' })
    names.push(v.name)
  })
  const control = typeof e.control === 'string' ? e.control : 'control'
  if (names.length > 0 && !names.includes(control)) {
    report(e.control === undefined ? [...path, 'variants'] : [...path, 'control'], `control '${control}' is not one of the variants${didYouMean(control, names)}`, {
      expected: e.control === undefined ? `a variant named control, or control: ${oneOf(names)}` : oneOf(names),
    })
  }

  const templateName = e.analysis
  const template = typeof templateName === 'string' ? templates[templateName] : undefined
  if (typeof templateName === 'string' && !isRecord(template)) {
    const known = Object.keys(templates)
    report([...path, 'analysis'], `unknown analysis template '${templateName}'${didYouMean(templateName, known)}`, {
      expected: known.length > 0 ? `a template defined under analysis: ${known.join(', ')}` : 'a template defined under analysis:',
    })
  }
  const checks = isRecord(template) && Array.isArray(template.checks) ? template.checks.filter(isRecord) : []
  const checkNames = checks.map((c) => c.name).filter((n): n is string => typeof n === 'string')
  const primary = isRecord(e.primary) ? e.primary : undefined
  if (Array.isArray(e.guardrails)) {
    e.guardrails.forEach((g, i) => {
      if (typeof g !== 'string' || !isRecord(template)) return
      if (!checkNames.includes(g)) {
        report([...path, 'guardrails', i], `guardrail '${g}' is not a check of analysis template '${String(templateName)}'${didYouMean(g, checkNames)}`, {
          expected: checkNames.length > 0 ? oneOf(checkNames) : 'a check name',
        })
      } else if (primary && g === primary.name) {
        report([...path, 'guardrails', i], `guardrail '${g}' has the primary metric's name`, { expected: 'another check, or another name for the primary metric' })
      }
      if (e.guardrails && (e.guardrails as unknown[]).indexOf(g) !== i) report([...path, 'guardrails', i], `guardrail '${g}' is listed twice`, { expected: 'each check once' })
    })
  }

  if (primary) {
    const variables = isRecord(template) && isRecord(template.variables) ? Object.keys(template.variables) : []
    const known = new Set<string>([...QUERY_PLACEHOLDERS, ...EXPERIMENT_PLACEHOLDERS, ...variables])
    for (const key of ['events', 'total', 'values', 'buckets']) {
      const text = primary[key]
      if (typeof text !== 'string') continue
      for (const match of text.matchAll(PLACEHOLDER)) {
        const placeholder = match[1] as string
        if (known.has(placeholder)) continue
        report([...path, 'primary', key], `unknown placeholder '{{${placeholder}}}'${didYouMean(placeholder, [...known])}`, {
          needle: match[0],
          expected: `one of: ${[...known].map((k) => `{{${k}}}`).join(', ')}`,
        })
      }
    }
    if (primary.type === 'samples') {
      const set = ['values', 'buckets'].filter((k) => primary[k] !== undefined)
      if (set.length !== 1) {
        report(set.length === 2 ? [...path, 'primary', 'buckets'] : [...path, 'primary'], 'a samples metric needs exactly one of values (raw values) or buckets (histogram)', {
          ...(set.length === 2 ? { key: true } : {}),
          found: set.length === 2 ? 'both' : 'neither',
          expected: 'values: <raw values query> or buckets: <histogram buckets query>',
        })
      }
    }
  }

  const split = isRecord(e.split) ? e.split : undefined
  if (split?.type === 'flag' && !isRecord(data.flags)) {
    report([...path, 'split', 'type'], `a flag split reads flag '${String(split.flag)}' from the policy's flag source, but the policy has no flags: section`, {
      expected: 'flags: { source: ... } naming where the flag lives (flags: {} reads flags.yml)',
    })
  }
  if (split?.type === 'traffic') {
    const env = split.environment
    if (typeof env === 'string' && !isRecord(environments[env])) {
      const known = Object.keys(environments)
      report([...path, 'split', 'environment'], `unknown environment '${env}'${didYouMean(env, known)}`, { expected: known.length > 0 ? oneOf(known) : 'an environment defined under environments:' })
    }
    if (names.length > 2) {
      report([...path, 'variants'], 'a traffic split serves exactly two variants (the stable and the canary version)', { found: `${names.length} variants`, expected: 'two variants, or split: { type: flag, flag: <name> } for more' })
    }
    // The canary variant's share must be a weight the environment's steps actually set.
    const envSteps = isRecord(environments[String(env)]) ? (environments[String(env)] as Record<string, unknown>).steps : undefined
    const stepWeights = Array.isArray(envSteps) ? envSteps.flatMap((st) => (isRecord(st) && typeof st.weight === 'number' ? [st.weight] : [])) : []
    const weights = variants.map((v) => (isRecord(v) ? (typeof v.weight === 'number' ? v.weight : v.weight === undefined ? 1 : NaN) : NaN))
    const canaryIndex = variants.findIndex((v) => isRecord(v) && v.name !== control)
    const total = weights.reduce((a, b) => a + b, 0)
    if (names.length === 2 && canaryIndex >= 0 && Number.isFinite(total) && total > 0 && stepWeights.length > 0) {
      const share = Math.round(((weights[canaryIndex] as number) / total) * 1000) / 10
      if (!stepWeights.includes(share)) {
        report([...path, 'variants', canaryIndex], `variant '${names[canaryIndex]}' gets ${share}% of the traffic, a weight no step of environment '${String(env)}' sets`, {
          found: `steps at ${stepWeights.join(', ')}`,
          expected: `a step with weight: ${share}, or variant weights matching a step`,
        })
      }
    }
  }

  const effect = percent(e.minimumEffect)
  if (effect !== undefined && (effect <= 0 || effect >= 100)) {
    report([...path, 'minimumEffect'], 'the minimum detectable effect must be a lift between 0% and 100%, exclusive', { found: String(e.minimumEffect), expected: 'e.g. 2%' })
  }
  const interval = ms(e.interval ?? '1d')
  const max = ms(e.maxDuration)
  if (interval !== undefined && max !== undefined) {
    if (interval >= max) {
      report([...path, e.interval !== undefined ? 'interval' : 'maxDuration'], 'interval must be shorter than maxDuration, or the experiment never looks', {
        found: `interval ${String(e.interval ?? '1d')}, maxDuration ${String(e.maxDuration)}`,
        expected: `an interval shorter than ${String(e.maxDuration)}`,
      })
    } else if (max / interval > MAX_EXPERIMENT_INTERVALS) {
      report([...path, e.interval !== undefined ? 'interval' : 'maxDuration'], `maxDuration / interval is ${Math.floor(max / interval)} intervals; each look re-reads every interval since start`, {
        expected: `at most ${MAX_EXPERIMENT_INTERVALS} (a longer interval, e.g. ${formatDuration(Math.ceil(max / MAX_EXPERIMENT_INTERVALS / 3_600_000) * 3_600_000)})`,
      })
    }
  }
  if (typeof e.start === 'string' && Number.isNaN(Date.parse(e.start))) {
    report([...path, 'start'], 'start is not a date', { found: e.start, expected: 'an ISO 8601 date or time, e.g. 2026-11-20T09:00:00Z' })
  }
}

export function experimentProblems(source: YamlSource, data: unknown): PolicyProblem[] {
  const problems: PolicyProblem[] = []
  if (!isRecord(data) || !isRecord(data.experiments)) return problems
  const report: Report = (path, message, details = {}) => {
    const { key, needle, ...rest } = details
    const where = source.locate(path, { ...(key ? { key } : {}), ...(needle !== undefined ? { needle } : {}) })
    problems.push({ file: source.file, ...where, path: formatPath(path), message, ...rest })
  }
  for (const [name, e] of Object.entries(data.experiments)) if (isRecord(e)) checkExperiment(report, name, e, data)
  return problems
}

/** A flag as a flag source reports it, reduced to what a flag split checks (shared/flags/source.ts FlagInfo). */
export interface SplitFlag {
  name: string
  archived: boolean
  /** Every value the flag serves; undefined when the source cannot say. */
  variants?: readonly string[]
}

/** Where the flags came from, for the messages: `describe()` of the source and its `type`. */
export interface SplitFlagSource {
  type: string
  describe: string
}

/** What to add where, per source, when a variant is missing. */
const ADD_VARIANT: Record<string, string> = {
  registry: "or add it to the flag's variants: in the registry",
  unleash: "or add it as a variant of the flag's strategy in that environment",
  launchdarkly: 'or add it as a variation of the flag',
  flagd: "or add it to the flag's variants in the flag file",
}

/** At most `max` names, then how many more: a source may hold thousands of flags. */
function listNames(names: readonly string[], max = 20): string {
  const shown = names.slice(0, max).join(', ')
  return names.length > max ? `${shown} and ${names.length - max} more` : shown
}

/**
 * The flag-split experiments checked against what the flag source serves: the flag exists and is not
 * archived, and every variant is one of its values. `only` limits the check to one experiment (the
 * analyze action checks the one it judges). A source that cannot list a flag's values is a warning.
 */
export function experimentFlagProblems(
  source: YamlSource,
  data: unknown,
  flags: readonly SplitFlag[],
  from: SplitFlagSource,
  only?: string,
): { problems: PolicyProblem[]; warnings: PolicyProblem[] } {
  const problems: PolicyProblem[] = []
  const warnings: PolicyProblem[] = []
  if (!isRecord(data) || !isRecord(data.experiments)) return { problems, warnings }
  const at = (into: PolicyProblem[], path: PathSegment[], message: string, expected?: string): void => {
    into.push({ file: source.file, ...source.locate(path), path: formatPath(path), message, ...(expected !== undefined ? { expected } : {}) })
  }
  const byName = new Map(flags.map((f) => [f.name, f]))
  const live = flags.filter((f) => !f.archived).map((f) => f.name)
  for (const [name, e] of Object.entries(data.experiments)) {
    if (only !== undefined && name !== only) continue
    if (!isRecord(e) || !isRecord(e.split) || e.split.type !== 'flag' || typeof e.split.flag !== 'string') continue
    const path: PathSegment[] = ['experiments', name]
    const flagName = e.split.flag
    const flag = byName.get(flagName)
    if (!flag) {
      at(problems, [...path, 'split', 'flag'], `flag '${flagName}' is not in ${from.describe}${didYouMean(flagName, live)}`, live.length > 1 ? `one of its ${live.length} flags: ${listNames(live)}` : live.length === 1 ? `its only flag: ${live[0]}` : `a flag of ${from.describe} (it has none)`)
      continue
    }
    if (flag.archived) {
      at(problems, [...path, 'split', 'flag'], `flag '${flagName}' is archived in ${from.describe}: no SDK serves its variants any more`, live.length > 0 ? `a live flag: ${listNames(live)}` : 'a live flag')
      continue
    }
    if (flag.variants === undefined) {
      at(warnings, [...path, 'split', 'flag'], `${from.describe} does not list the values of flag '${flagName}', so the variants were not checked against it`)
      continue
    }
    const known = [...flag.variants]
    const variants = Array.isArray(e.variants) ? e.variants : []
    variants.forEach((v, i) => {
      if (!isRecord(v) || typeof v.name !== 'string' || known.includes(v.name)) return
      at(
        problems,
        [...path, 'variants', i, 'name'],
        `variant '${v.name}' is not one of the values flag '${flagName}' serves in ${from.describe}${didYouMean(v.name, known)}`,
        `one of its variants: ${listNames(known)}${ADD_VARIANT[from.type] ? ` (${ADD_VARIANT[from.type]})` : ''}`,
      )
    })
  }
  return { problems, warnings }
}
