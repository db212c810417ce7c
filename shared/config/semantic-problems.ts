import { experimentProblems } from './experiment-problems.js'
import { builtinGrammar, type PolicyGrammar } from './grammar.js'
import type { JsonSchema } from './json-schema.js'
import { QUERY_PLACEHOLDERS } from './schema.js'
import type { BackendRules } from './schema-parts.js'
import { formatDuration, parseDuration } from './units.js'
import type { PathSegment, PolicyProblem } from './problems.js'
import { didYouMean, formatPath, oneOf } from './problems.js'
import { isRecord } from './schema-walk.js'
import type { YamlSource } from './yaml-source.js'

/** A default from the schema: these checks run on the data as written, before defaults are applied. */
function schemaDefault(schema: JsonSchema, definition: string, property: string): unknown {
  return schema.definitions?.[definition]?.properties?.[property]?.default
}
const DEFAULT_INTERVAL = schemaDefault(builtinGrammar.schema, 'analysisTemplate', 'interval')
const DEFAULT_MAX_DURATION = schemaDefault(builtinGrammar.schema, 'analysisTemplate', 'maxDuration')
const DEFAULT_PASS_SCORE = schemaDefault(builtinGrammar.schema, 'mannWhitneyTest', 'passScore')
const DEFAULT_MARGINAL_SCORE = schemaDefault(builtinGrammar.schema, 'mannWhitneyTest', 'marginalScore')

const QUERY_KEYS = ['events', 'total', 'query', 'values', 'buckets'] as const
const PLACEHOLDER = /\{\{\s*([^{}\s]*)\s*\}\}/g

type Report = (path: PathSegment[], message: string, details?: { found?: string; expected?: string; key?: boolean; needle?: string }) => void

function ms(value: unknown): number | undefined {
  return typeof value === 'string' ? (parseDuration(value) ?? undefined) : undefined
}

function records(value: unknown): [string, Record<string, unknown>][] {
  return isRecord(value) ? Object.entries(value).filter((e): e is [string, Record<string, unknown>] => isRecord(e[1])) : []
}

function items(value: unknown): [number, Record<string, unknown>][] {
  return Array.isArray(value) ? value.flatMap((v, i): [number, Record<string, unknown>][] => (isRecord(v) ? [[i, v]] : [])) : []
}

function checkSteps(report: Report, envPath: PathSegment[], env: Record<string, unknown>, templates: Record<string, unknown>): void {
  const steps = items(env.steps)
  const blueGreen = env.strategy === 'blue-green'
  let previous: number | undefined
  for (const [index, step] of steps) {
    const path = [...envPath, 'steps', index]
    // Weights the schema rejects are reported there; ordering them would only repeat the problem.
    const weight = Number.isInteger(step.weight) && (step.weight as number) >= 0 && (step.weight as number) <= 100 ? (step.weight as number) : undefined
    if (weight !== undefined) {
      if (blueGreen && weight !== 0 && weight !== 100) {
        report([...path, 'weight'], 'blue-green steps switch all traffic at once', { found: String(weight), expected: '0 (preview) or 100 (switch)' })
      } else if (previous !== undefined && weight < previous) {
        report([...path, 'weight'], 'step weights must not decrease', { found: String(weight), expected: `at least ${previous}, the previous step's weight` })
      }
      previous = Math.max(previous ?? 0, weight)
    }

    const name = step.analysis
    const template = typeof name === 'string' ? templates[name] : undefined
    if (typeof name === 'string' && template === undefined) {
      const names = Object.keys(templates)
      report([...path, 'analysis'], `unknown analysis template '${name}'${didYouMean(name, names)}`, {
        expected: names.length > 0 ? `a template defined under analysis: ${names.join(', ')}` : 'a template defined under analysis:',
      })
    }

    const min = ms(step.minDuration)
    const max = ms(step.maxDuration)
    if (min !== undefined && max !== undefined && min > max) {
      report([...path, 'minDuration'], 'minDuration is longer than maxDuration', { found: formatDuration(min), expected: `at most ${formatDuration(max)}` })
    }
    const interval = isRecord(template) ? ms(template.interval ?? DEFAULT_INTERVAL) : undefined
    if (max !== undefined && interval !== undefined && max <= interval) {
      report([...path, 'maxDuration'], `maxDuration leaves no time for a look every ${formatDuration(interval)} (the template's interval)`, {
        found: formatDuration(max),
        expected: `longer than ${formatDuration(interval)}`,
      })
    }
  }
  const last = steps[steps.length - 1]
  const lastWeight = last?.[1].weight
  if (last !== undefined && Number.isInteger(lastWeight) && (lastWeight as number) >= 0 && (lastWeight as number) < 100) {
    report([...envPath, 'steps', last[0], 'weight'], 'the last step must send all traffic to the new version', { found: String(last[1].weight), expected: '100' })
  }
}

/** A backend's block (`traffic:`, a template's `provider:`) against the rules of its descriptor. */
function checkBackend(report: Report, path: PathSegment[], block: Record<string, unknown>, rules: BackendRules | undefined): void {
  for (const rule of rules?.exactlyOne ?? []) {
    const set = rule.keys.filter((key) => block[key] !== undefined)
    if (set.length === 1) continue
    report(set.length > 1 ? [...path, set[1] as string] : path, rule.message, {
      ...(set.length > 1 ? { key: true, found: set.length === rule.keys.length && set.length === 2 ? 'both' : set.join(' and ') } : { found: 'neither' }),
      expected: rule.expected,
    })
  }
}

function checkTraffic(report: Report, envPath: PathSegment[], env: Record<string, unknown>, grammar: PolicyGrammar): void {
  const traffic = env.traffic
  if (!isRecord(traffic) || typeof traffic.provider !== 'string' || !Object.hasOwn(grammar.rules.traffic, traffic.provider)) return
  checkBackend(report, [...envPath, 'traffic'], traffic, grammar.rules.traffic[traffic.provider])
}

/** `flags.source` against the rules of its descriptor, like a `traffic:` block. */
function checkFlagSource(report: Report, flags: unknown, grammar: PolicyGrammar): void {
  const source = isRecord(flags) ? flags.source : undefined
  if (!isRecord(source) || typeof source.type !== 'string' || !Object.hasOwn(grammar.rules.flagSources, source.type)) return
  checkBackend(report, ['flags', 'source'], source, grammar.rules.flagSources[source.type])
}

/** `mirror:` steps (#16): only where the provider's engine copies requests, and users see stable alone. */
function checkMirrorSteps(report: Report, envPath: PathSegment[], env: Record<string, unknown>, mirroring: readonly string[]): void {
  const provider = isRecord(env.traffic) ? env.traffic.provider : undefined
  for (const [index, step] of items(env.steps)) {
    if (step.mirror === undefined) continue
    const path = [...envPath, 'steps', index, 'mirror']
    if (typeof provider === 'string' && !mirroring.includes(provider)) {
      report(path, `the ${provider} traffic provider cannot mirror requests (step ${index + 1})`, {
        key: true,
        found: `provider: ${provider}`,
        expected: `a provider whose engine mirrors (${mirroring.join(', ')}), or no mirror: on this step`,
      })
    }
    if (step.weight !== undefined && step.weight !== 0) {
      report([...envPath, 'steps', index, 'weight'], 'a mirror step serves every user from the stable version', { found: String(step.weight), expected: '0' })
    }
  }
}

function checkPlaceholders(report: Report, path: PathSegment[], text: string, known: Set<string>): void {
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] as string
    if (known.has(name)) continue
    report(path, `unknown placeholder '{{${name}}}'${didYouMean(name, [...known])}`, {
      needle: match[0],
      expected: `one of: ${[...known].map((k) => `{{${k}}}`).join(', ')} (add others under variables:)`,
    })
  }
}

function checkTemplate(report: Report, path: PathSegment[], template: Record<string, unknown>, grammar: PolicyGrammar): void {
  const interval = ms(template.interval ?? DEFAULT_INTERVAL)
  const max = ms(template.maxDuration ?? DEFAULT_MAX_DURATION)
  const min = ms(template.minDuration)
  if (interval !== undefined && max !== undefined && interval >= max) {
    const at = template.interval !== undefined ? 'interval' : 'maxDuration'
    report([...path, at], 'interval must be shorter than maxDuration, or the analysis never looks', {
      found: `interval ${formatDuration(interval)}, maxDuration ${formatDuration(max)}`,
      expected: `an interval shorter than ${formatDuration(max)}`,
    })
  }
  if (min !== undefined && max !== undefined && min > max) {
    report([...path, 'minDuration'], 'minDuration is longer than maxDuration', { found: formatDuration(min), expected: `at most ${formatDuration(max)}` })
  }

  const variables = isRecord(template.variables) ? Object.keys(template.variables) : []
  const builtins = new Set<string>(QUERY_PLACEHOLDERS)
  for (const name of variables) {
    if (builtins.has(name)) report([...path, 'variables', name], `variable '${name}' would hide the built-in {{${name}}}`, { key: true, expected: 'another name' })
  }
  const known = new Set([...QUERY_PLACEHOLDERS, ...variables])
  const provider = template.provider
  const rules = isRecord(provider) && typeof provider.type === 'string' && Object.hasOwn(grammar.rules.metrics, provider.type) ? grammar.rules.metrics[provider.type] : undefined
  for (const name of rules?.placeholders ?? []) known.add(name)
  if (isRecord(provider)) checkBackend(report, [...path, 'provider'], provider, rules)

  const names = new Map<string, number>()
  const groups = new Set<string>()
  for (const [index, check] of items(template.checks)) {
    const checkPath = [...path, 'checks', index]
    if (typeof check.name === 'string') {
      const first = names.get(check.name)
      if (first !== undefined) {
        report([...checkPath, 'name'], `duplicate check name '${check.name}'`, { expected: `a name not already used by checks[${first}]` })
      } else names.set(check.name, index)
    }
    if (typeof check.group === 'string') groups.add(check.group)
    for (const key of QUERY_KEYS) {
      const text = check[key]
      if (typeof text === 'string') checkPlaceholders(report, [...checkPath, key], text, known)
    }
    if (check.type === 'samples') {
      const set = ['values', 'buckets'].filter((key) => check[key] !== undefined)
      if (set.length !== 1) {
        report(set.length === 2 ? [...checkPath, 'buckets'] : checkPath, 'a samples check needs exactly one of values (raw samples) or buckets (histogram)', {
          ...(set.length === 2 ? { key: true } : {}),
          found: set.length === 2 ? 'both' : 'neither',
          expected: 'values: <raw samples query> or buckets: <histogram buckets query>',
        })
      }
    }
    if (check.type === 'value') {
      const min = typeof check.min === 'number' ? check.min : undefined
      const max = typeof check.max === 'number' ? check.max : undefined
      if (check.min === undefined && check.max === undefined) {
        report(checkPath, 'a value check needs a bound', { found: 'neither min nor max', expected: 'min, max or both' })
      } else if (min !== undefined && max !== undefined && min > max) {
        report([...checkPath, 'min'], 'min is greater than max', { found: String(min), expected: `at most ${max}` })
      }
    }
  }

  const test = template.test
  if (isRecord(test) && test.type === 'mann-whitney') {
    if (isRecord(test.groupWeights)) {
      let sum = 0
      for (const [group, weight] of Object.entries(test.groupWeights)) {
        if (typeof weight === 'number') sum += weight
        if (!groups.has(group)) {
          report([...path, 'test', 'groupWeights', group], `no check is in group '${group}'${didYouMean(group, [...groups])}`, {
            key: true,
            expected: groups.size > 0 ? oneOf([...groups]) : 'a group named by a check (group: <name>)',
          })
        }
      }
      if (sum > 100) report([...path, 'test', 'groupWeights'], 'group weights add up to more than 100', { found: String(sum), expected: 'at most 100' })
    }
    const pass = test.passScore ?? DEFAULT_PASS_SCORE
    const marginal = test.marginalScore ?? DEFAULT_MARGINAL_SCORE
    if (typeof pass === 'number' && typeof marginal === 'number' && marginal > pass) {
      report([...path, 'test', test.marginalScore !== undefined ? 'marginalScore' : 'passScore'], 'marginalScore is above passScore', {
        found: `marginalScore ${marginal}, passScore ${pass}`,
        expected: 'marginalScore at most passScore',
      })
    }
  }
}

/**
 * Rules JSON Schema cannot state: step order, references between sections, duration relations,
 * unique names, placeholders. They read the raw data defensively, so they run (and report) even when
 * the schema found other problems.
 */
/** The schema's `environmentName`: what GitHub and the record store accept. */
const ENVIRONMENT_NAME = new RegExp(String(builtinGrammar.schema.definitions?.['environmentName']?.pattern ?? '^'))

/**
 * GitHub matches environment names case-insensitively, and the rollout record of an environment
 * lives at its lower-cased name: `prod` and `PROD` would share one record (and one GitHub
 * environment) while following two different policies.
 */
function checkEnvironmentNames(report: Report, environments: unknown): void {
  if (!isRecord(environments)) return
  const seen = new Map<string, string>()
  for (const name of Object.keys(environments)) {
    // Names the store path or GitHub cannot hold are the schema's `environmentName` problem.
    if (name.length > 255 || !ENVIRONMENT_NAME.test(name)) continue
    const folded = name.toLowerCase()
    const first = seen.get(folded)
    if (first !== undefined) {
      report(['environments', name], `environment '${name}' differs from '${first}' only by case; GitHub treats them as one environment (and Rollgate keeps one record for both)`, {
        key: true,
        expected: `one spelling, or distinct names`,
      })
    } else seen.set(folded, name)
  }
}

export function semanticProblems(source: YamlSource, data: unknown, grammar: PolicyGrammar = builtinGrammar): PolicyProblem[] {
  const problems: PolicyProblem[] = []
  const report: Report = (path, message, details = {}) => {
    const { key, needle, ...rest } = details
    const where = source.locate(path, { ...(key ? { key } : {}), ...(needle !== undefined ? { needle } : {}) })
    problems.push({ file: source.file, ...where, path: formatPath(path), message, ...rest })
  }
  if (!isRecord(data)) return problems
  const templates = isRecord(data.analysis) ? data.analysis : {}
  checkEnvironmentNames(report, data.environments)
  for (const [name, env] of records(data.environments)) {
    checkSteps(report, ['environments', name], env, templates)
    checkTraffic(report, ['environments', name], env, grammar)
    checkMirrorSteps(report, ['environments', name], env, grammar.rules.mirroring)
  }
  for (const [name, template] of records(templates)) checkTemplate(report, ['analysis', name], template, grammar)
  checkFlagSource(report, data.flags, grammar)
  problems.push(...experimentProblems(source, data))
  return problems
}
