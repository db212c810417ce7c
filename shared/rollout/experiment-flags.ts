/**
 * Experiments split by a feature flag, checked against the policy's flag source (`flags.source`):
 * the flag exists there and is live, and each variant is one of the values it serves. Used by
 * `rollgate validate` and by analyze before it judges; problems are located in the policy file
 * like every other policy problem, so they become annotations and file:line:column lines.
 */
import { experimentFlagProblems } from '../config/experiment-problems.js'
import type { Policy } from '../config/policy.generated.js'
import type { PolicyProblem } from '../config/problems.js'
import { YamlSource } from '../config/yaml-source.js'
import { ConfigError, ProviderError, errorMessage } from '../errors.js'
import type { FlagSourceDeps } from '../flags/source.js'
import { createFlagSource } from '../flags/sources/list.js'

export interface ExperimentFlagCheck {
  problems: PolicyProblem[]
  warnings: PolicyProblem[]
  /** The experiments whose split was checked. */
  checked: string[]
  /** The source's own description, when one was read. */
  source?: string
}

/** The experiments (all, or `only`) whose variants a flag serves. */
export function flagSplitExperiments(policy: Policy, only?: string): string[] {
  return Object.entries(policy.experiments)
    .filter(([name, e]) => (only === undefined || name === only) && e.split.type === 'flag')
    .map(([name]) => name)
}

/**
 * Reads the flag source once (only when some experiment is split by a flag) and checks every such
 * experiment, or `only`. `text` and `file` are the policy file the positions point into. A source
 * that cannot be read is a ConfigError naming the source and the experiments it was needed for.
 */
export async function checkExperimentFlags(policy: Policy, text: string, file: string, deps: FlagSourceDeps, only?: string): Promise<ExperimentFlagCheck> {
  const checked = flagSplitExperiments(policy, only)
  if (checked.length === 0 || !policy.flags) return { problems: [], warnings: [], checked: [] }
  const source = createFlagSource(policy.flags.source, deps)
  let flags
  try {
    flags = await source.listFlags()
  } catch (error) {
    const what = `the flag split of experiment${checked.length === 1 ? '' : 's'} ${checked.join(', ')}`
    // A policy the user can fix stays a ConfigError; a source that does not answer is the provider's.
    if (error instanceof ConfigError) throw new ConfigError(`Could not check ${what} against ${source.describe()}: ${error.message}`, { cause: error })
    throw new ProviderError(`flag source ${source.type}`, `checking ${what}`, errorMessage(error), false, { cause: error })
  }
  const { problems, warnings } = experimentFlagProblems(new YamlSource(text, file), policy, flags, { type: source.type, describe: source.describe() }, only)
  return { problems, warnings, checked, source: source.describe() }
}
