import { isAbsolute, resolve } from 'node:path'
import { readFile } from 'node:fs/promises'
import { ConfigError, errorMessage } from '../shared/errors.js'
import { streamLogger } from '../shared/action/logger.js'
import { checkPolicy, DEFAULT_POLICY_PATH, nodeFiles, readPolicyText, type PolicyFiles } from '../shared/config/load.js'
import type { Policy } from '../shared/config/policy.generated.js'
import { formatProblem, sortProblems, type PolicyProblem } from '../shared/config/problems.js'
import { checkExperimentFlags, flagSplitExperiments, type ExperimentFlagCheck } from '../shared/rollout/experiment-flags.js'
import type { CliIO, Subcommand } from './command.js'

const USAGE = `Usage: rollgate validate [FILE] [--json] [--strict-env] [--offline]

Checks a policy file (default ${DEFAULT_POLICY_PATH}) against schema/rollgate.schema.json and the
rules between its sections, and lists every problem with file:line:column. An experiment split by
a feature flag is also checked against the flag source (flags.source): the flag exists there and
each variant is one of its values.

A \${NAME} whose variable is not set (a secret, in a pull-request check) is a warning: the value is
checked as far as it can be without it.

  --json        print one JSON object instead of text
  --strict-env  make an unset \${NAME} an error, as it is when an action loads the policy
  --offline     do not read the flag source (flag-split experiments are checked as far as the file goes)

Exit status: 0 valid (warnings included), 2 invalid (or a usage error).`

interface Args {
  file: string
  json: boolean
  strictEnv: boolean
  offline: boolean
}

function parseArgs(args: string[]): Args | 'help' | string {
  const parsed: Args = { file: DEFAULT_POLICY_PATH, json: false, strictEnv: false, offline: false }
  let fileSet = false
  for (const arg of args) {
    if (arg === '-h' || arg === '--help') return 'help'
    if (arg === '--json') parsed.json = true
    else if (arg === '--strict-env') parsed.strictEnv = true
    else if (arg === '--offline') parsed.offline = true
    // The former opt-in, now the default; kept so existing scripts keep working.
    else if (arg === '--allow-unset-env') parsed.strictEnv = false
    else if (arg.startsWith('-')) return `unknown option '${arg}'`
    else if (fileSet) return `unexpected argument '${arg}': validate takes one file`
    else {
      parsed.file = arg
      fileSet = true
    }
  }
  return parsed
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

export function summarise(policy: Policy): { environments: string[]; templates: string[]; checks: number } {
  const templates = Object.keys(policy.analysis)
  return {
    environments: Object.keys(policy.environments),
    templates,
    checks: Object.values(policy.analysis).reduce((sum, t) => sum + t.checks.length, 0),
  }
}

/**
 * The flag-split experiments against the flag source; skipped (with a warning) offline or when the
 * source's own settings use an unset \${NAME}.
 */
async function flagSplitCheck(policy: Policy, text: string, file: string, unset: readonly PolicyProblem[], io: CliIO, options: { offline: boolean; fetch?: typeof fetch }): Promise<ExperimentFlagCheck> {
  const experiments = flagSplitExperiments(policy)
  const none: ExperimentFlagCheck = { problems: [], warnings: [], checked: [] }
  if (experiments.length === 0 || !policy.flags) return none
  const skipped = (why: string): ExperimentFlagCheck => ({
    ...none,
    warnings: [{ file, line: 1, column: 1, path: 'flags.source', message: `flag split of ${experiments.join(', ')} not checked against the flag source: ${why}` }],
  })
  if (options.offline) return skipped('--offline')
  const needs = unset.filter((w) => w.path === 'flags' || w.path.startsWith('flags.'))
  if (needs.length > 0) return skipped(`${needs.map((w) => w.path).join(', ')} use${needs.length === 1 ? 's' : ''} an unset variable`)
  const logger = streamLogger((line) => io.stderr(`${line}\n`))
  return checkExperimentFlags(policy, text, file, { root: io.cwd, readText: (path) => readFile(path, 'utf8'), logger, ...(options.fetch ? { fetch: options.fetch } : {}) })
}

/** `rollgate validate`: the same loader the actions use, so a file that passes here loads there. */
export function createValidateCommand(files: PolicyFiles = nodeFiles, options: { fetch?: typeof fetch } = {}): Subcommand {
  return {
    name: 'validate',
    summary: 'Check a policy file and list every problem with file:line:column',
    usage: USAGE,
    async run(args: string[], io: CliIO): Promise<number> {
      const parsed = parseArgs(args)
      if (parsed === 'help') {
        io.stdout(`${USAGE}\n`)
        return 0
      }
      if (typeof parsed === 'string') {
        io.stderr(`rollgate validate: ${parsed}\n${USAGE}\n`)
        return 2
      }
      let text: string
      try {
        text = await readPolicyText(isAbsolute(parsed.file) ? parsed.file : resolve(io.cwd, parsed.file), files)
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        const message = error.message.replace(resolve(io.cwd, parsed.file), parsed.file)
        if (parsed.json) io.stdout(`${JSON.stringify({ ok: false, file: parsed.file, error: message })}\n`)
        else io.stderr(`${message}\n`)
        return 2
      }

      const checked = checkPolicy(text, parsed.file, io.env, { allowUnsetEnv: !parsed.strictEnv })
      let result = checked
      let warnings = checked.warnings
      let against = ''
      if (checked.ok) {
        let flags: ExperimentFlagCheck
        try {
          flags = await flagSplitCheck(checked.policy, text, parsed.file, checked.warnings, io, { offline: parsed.offline, ...(options.fetch ? { fetch: options.fetch } : {}) })
        } catch (error) {
          const message = errorMessage(error)
          if (parsed.json) io.stdout(`${JSON.stringify({ ok: false, file: parsed.file, error: message })}\n`)
          else io.stderr(`${parsed.file}: ${message}\n`)
          return 2
        }
        warnings = sortProblems([...warnings, ...flags.warnings])
        if (flags.source) against = `; flag split${flags.checked.length === 1 ? '' : 's'} checked against ${flags.source}`
        if (flags.problems.length > 0) result = { ok: false, problems: sortProblems(flags.problems), warnings }
      }
      if (!parsed.json && warnings.length > 0) {
        io.stderr(`${warnings.map((w) => formatProblem({ ...w, message: `warning: ${w.message}` })).join('\n')}\n`)
        io.stderr(`${parsed.file}: ${plural(warnings.length, 'warning')}: values using them were checked as far as they can be; --strict-env makes this an error\n`)
      }
      if (!result.ok) {
        if (parsed.json) io.stdout(`${JSON.stringify({ ok: false, file: parsed.file, problems: result.problems, warnings })}\n`)
        else {
          io.stderr(`${result.problems.map(formatProblem).join('\n')}\n`)
          io.stderr(`${parsed.file}: ${plural(result.problems.length, 'problem')}\n`)
        }
        return 2
      }
      const summary = summarise(result.policy)
      if (parsed.json) io.stdout(`${JSON.stringify({ ok: true, file: parsed.file, ...summary, warnings })}\n`)
      else {
        const envs = `${plural(summary.environments.length, 'environment')} (${summary.environments.join(', ')})`
        const templates = `${plural(summary.templates.length, 'analysis template')}${summary.templates.length > 0 ? ` (${summary.templates.join(', ')})` : ''}`
        const experiments = Object.keys(result.policy.experiments)
        const more = experiments.length > 0 ? `, ${plural(experiments.length, 'experiment')} (${experiments.join(', ')})` : ''
        io.stdout(`OK ${parsed.file}: ${envs}, ${templates}, ${plural(summary.checks, 'check')}${more}${against}\n`)
      }
      return 0
    },
  }
}

export const validateCommand: Subcommand = createValidateCommand()
