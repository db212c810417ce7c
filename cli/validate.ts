import { isAbsolute, resolve } from 'node:path'
import { ConfigError } from '../shared/errors.js'
import { checkPolicy, DEFAULT_POLICY_PATH, nodeFiles, readPolicyText, type PolicyFiles } from '../shared/config/load.js'
import type { Policy } from '../shared/config/policy.generated.js'
import { formatProblem } from '../shared/config/problems.js'
import type { CliIO, Subcommand } from './command.js'

const USAGE = `Usage: rollgate validate [FILE] [--json] [--strict-env]

Checks a policy file (default ${DEFAULT_POLICY_PATH}) against schema/rollgate.schema.json and the
rules between its sections, and lists every problem with file:line:column.

A \${NAME} whose variable is not set (a secret, in a pull-request check) is a warning: the value is
checked as far as it can be without it.

  --json        print one JSON object instead of text
  --strict-env  make an unset \${NAME} an error, as it is when an action loads the policy

Exit status: 0 valid (warnings included), 2 invalid (or a usage error).`

interface Args {
  file: string
  json: boolean
  strictEnv: boolean
}

function parseArgs(args: string[]): Args | 'help' | string {
  const parsed: Args = { file: DEFAULT_POLICY_PATH, json: false, strictEnv: false }
  let fileSet = false
  for (const arg of args) {
    if (arg === '-h' || arg === '--help') return 'help'
    if (arg === '--json') parsed.json = true
    else if (arg === '--strict-env') parsed.strictEnv = true
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

/** `rollgate validate`: the same loader the actions use, so a file that passes here loads there. */
export function createValidateCommand(files: PolicyFiles = nodeFiles): Subcommand {
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

      const result = checkPolicy(text, parsed.file, io.env, { allowUnsetEnv: !parsed.strictEnv })
      const warnings = result.warnings
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
        io.stdout(`OK ${parsed.file}: ${envs}, ${templates}, ${plural(summary.checks, 'check')}${more}\n`)
      }
      return 0
    },
  }
}

export const validateCommand: Subcommand = createValidateCommand()
