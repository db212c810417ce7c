import { readFile } from 'node:fs/promises'
import { ConfigError } from '../errors.js'
import type { Policy } from './policy.generated.js'
import { PolicyError, sortProblems, type PolicyProblem } from './problems.js'
import { resolvePolicyValue } from './resolve.js'
import { schemaProblems } from './schema-problems.js'
import { semanticProblems } from './semantic-problems.js'
import { YamlSource } from './yaml-source.js'

/** Where the policy lives unless a workflow or the CLI says otherwise. */
export const DEFAULT_POLICY_PATH = '.github/rollgate.yml'

export type Env = Readonly<Record<string, string | undefined>>

export interface PolicyOptions {
  /**
   * Leave `${NAME}` as written when NAME is unset, and skip checks of those values: for linting a
   * policy where its secrets are not available (`rollgate validate --allow-unset-env`).
   */
  allowUnsetEnv?: boolean
}

/** The slice of a file system the loader needs, so tests and actions can hand in their own. */
export interface PolicyFiles {
  readText(path: string): Promise<string>
}

export const nodeFiles: PolicyFiles = { readText: (path) => readFile(path, 'utf8') }

export type PolicyCheck = { ok: true; policy: Policy; problems: [] } | { ok: false; problems: PolicyProblem[] }

/** Values shared through YAML anchors are checked once per use but written once: report them once. */
function dedupe(problems: PolicyProblem[]): PolicyProblem[] {
  const seen = new Set<string>()
  return problems.filter((p) => {
    const key = `${p.line}:${p.column}:${p.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * Parses and validates a policy, returning every problem instead of throwing: YAML syntax first (a
 * broken document is not checked further), then schema and semantic problems together.
 */
export function checkPolicy(text: string, fileName: string, env: Env, options: PolicyOptions = {}): PolicyCheck {
  const source = new YamlSource(text, fileName)
  const syntax = source.syntaxProblems()
  if (syntax.length > 0) return { ok: false, problems: sortProblems(syntax) }
  if (source.doc.contents === null) {
    return { ok: false, problems: [{ file: fileName, line: 1, column: 1, path: '', message: 'the policy file is empty', expected: 'version: 1 and environments:' }] }
  }
  const { problems: envProblems, substitutions } = source.substitute(env, options.allowUnsetEnv ? { allowUnset: true } : {})
  const data = source.toJS()
  const problems = [...envProblems, ...schemaProblems(source, data, substitutions), ...semanticProblems(source, data)]
  if (problems.length > 0) return { ok: false, problems: sortProblems(dedupe(problems)) }
  return { ok: true, policy: resolvePolicyValue(data) as Policy, problems: [] }
}

/** Parses and validates a policy; throws one PolicyError listing every problem. */
export function parsePolicy(text: string, fileName: string, env: Env, options: PolicyOptions = {}): Policy {
  const result = checkPolicy(text, fileName, env, options)
  if (!result.ok) throw new PolicyError(fileName, result.problems)
  return result.policy
}

export async function readPolicyText(path: string, files: PolicyFiles): Promise<string> {
  try {
    return await files.readText(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code
    if (code === 'ENOENT') throw new ConfigError(`Policy file ${path} not found; expected a Rollgate policy (see schema/rollgate.schema.json).`)
    throw new ConfigError(`Policy file ${path} could not be read: ${(error as Error).message}`)
  }
}

/** Reads, parses and validates the policy at `path` (relative paths as `files` resolves them). */
export async function loadPolicy(path: string, files: PolicyFiles = nodeFiles, env: Env = process.env, options: PolicyOptions = {}): Promise<Policy> {
  return parsePolicy(await readPolicyText(path, files), path, env, options)
}
