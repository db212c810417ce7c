/**
 * Loading the policy for one command. A `${NAME}` left unset only matters where the command reads
 * it: a rollback must not fail because the metrics API key of an analysis it never runs is missing.
 */
import type { Policy } from '../config/policy.generated.js'
import { checkPolicy, readPolicyText, nodeFiles, type Env, type PolicyFiles } from '../config/load.js'
import { PolicyError, didYouMean } from '../config/problems.js'
import { ConfigError } from '../errors.js'

/** The parts of the policy a command reads: an environment, and the analysis templates it uses. */
export interface PolicyUse {
  environment?: string
  /** Analysis templates; `steps` = every template the environment's steps name. */
  templates?: string[] | 'steps'
  flags?: boolean
}

export function usedPaths(policy: Policy, use: PolicyUse): string[] {
  const paths: string[] = []
  if (use.environment !== undefined) {
    paths.push(`environments.${use.environment}`, `environments[${JSON.stringify(use.environment)}]`)
    const env = policy.environments[use.environment]
    const templates = use.templates === 'steps' ? (env?.steps.flatMap((s) => (s.analysis ? [s.analysis] : [])) ?? []) : (use.templates ?? [])
    for (const t of templates) paths.push(`analysis.${t}`, `analysis[${JSON.stringify(t)}]`)
  }
  if (use.flags) paths.push('flags')
  paths.push('version', 'commands')
  return paths
}

/**
 * The policy's spelling of an environment name, matched as GitHub matches names (case-insensitively;
 * validate refuses a policy with two names that differ only by case). A name the policy does not
 * define is refused here, before any record is read.
 */
export function resolveEnvironment(policy: Pick<Policy, 'environments'>, name: string): string {
  if (Object.hasOwn(policy.environments, name)) return name
  const names = Object.keys(policy.environments)
  const matches = names.filter((n) => n.toLowerCase() === name.toLowerCase())
  if (matches.length === 1) return matches[0] as string
  throw new ConfigError(
    `Input 'environment' is ${JSON.stringify(name)}, which the policy does not define${didYouMean(name, names)}; ` +
      `it defines: ${names.join(', ') || 'no environments'}`,
    { reasonCode: 'unknown-environment' },
  )
}

export async function loadPolicyFor(path: string, use: PolicyUse, env: Env, files: PolicyFiles = nodeFiles): Promise<Policy> {
  const text = await readPolicyText(path, files)
  const strict = checkPolicy(text, path, env)
  if (strict.ok) {
    if (use.environment !== undefined) resolveEnvironment(strict.policy, use.environment)
    return strict.policy
  }
  const lenient = checkPolicy(text, path, env, { allowUnsetEnv: true })
  // Anything wrong besides unset variables is wrong for every command.
  if (!lenient.ok) throw new PolicyError(path, lenient.problems)
  const environment = use.environment !== undefined ? resolveEnvironment(lenient.policy, use.environment) : undefined
  const used = usedPaths(lenient.policy, { ...use, ...(environment !== undefined ? { environment } : {}) })
  const relevant = strict.problems.filter((p) => used.some((prefix) => p.path === prefix || p.path.startsWith(`${prefix}.`) || p.path.startsWith(`${prefix}[`)))
  if (relevant.length > 0) throw new PolicyError(path, relevant)
  return lenient.policy
}
