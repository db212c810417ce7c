import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { ConfigError } from '../errors.js'
import { builtinGrammar, type PolicyGrammar } from './grammar.js'
import type { Policy } from './policy.generated.js'
import { PolicyError, sortProblems, type PolicyProblem } from './problems.js'
import { resolvePolicyValue } from './resolve.js'
import { schemaProblems } from './schema-problems.js'
import { semanticProblems } from './semantic-problems.js'
import { explainIndentation } from './indentation-keys.js'
import { YamlSource } from './yaml-source.js'

/** Where the policy lives unless a workflow or the CLI says otherwise. */
export const DEFAULT_POLICY_PATH = '.github/rollgate.yml'

export type Env = Readonly<Record<string, string | undefined>>

export interface PolicyOptions {
  /**
   * Leave `${NAME}` as written when NAME is unset, and skip checks of those values: for linting a
   * policy where its secrets are not available (`rollgate validate` without `--strict-env`).
   */
  allowUnsetEnv?: boolean
  /** What the policy is checked against: the built-in backends unless a test composes its own (scripts/gen-schema.ts compileGrammar). */
  grammar?: PolicyGrammar
}

/** The slice of a file system the loader needs, so tests and actions can hand in their own. */
export interface PolicyFiles {
  /** The file's text; throws a PolicyFileProblem (or a Node error with a `code`) when it has none. */
  readText(path: string): Promise<string>
}

/** Limits that keep a hostile or mistaken file from exhausting the runner (see readPolicyText, checkPolicy). */
export const POLICY_LIMITS = {
  /** Bytes of the file; real policies are a few kilobytes. */
  maxBytes: 1024 * 1024,
  /** Levels of nested mappings and lists. */
  maxDepth: 64,
  /** Nodes that YAML aliases (`*name`) may expand to, in total. */
  maxAliasCount: 1000,
} as const

/** Why a file holds no policy text, said as the end of "Policy file X ...". */
export class PolicyFileProblem extends Error {}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`
}

/** Line and column (1-based) of a character offset, for pointing at a NUL byte. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`
}

/**
 * Reads a policy from disk, refusing before reading what cannot be one: a directory, a FIFO or
 * device (reading would block or never end), a file over the size limit, and bytes that are not
 * UTF-8 text.
 */
export const nodeFiles: PolicyFiles = {
  async readText(path) {
    // Non-blocking, so that opening a FIFO returns at once and is refused below instead of waiting for a writer.
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
    try {
      const stat = await handle.stat()
      if (stat.isDirectory()) throw new PolicyFileProblem('is a directory, not a file; name the policy file inside it (for example .github/rollgate.yml)')
      if (!stat.isFile()) throw new PolicyFileProblem('is not a regular file (a FIFO, socket or device); name a YAML file')
      if (stat.size > POLICY_LIMITS.maxBytes) throw new PolicyFileProblem(`is ${formatBytes(stat.size)}; a policy file may be at most ${formatBytes(POLICY_LIMITS.maxBytes)}`)
      const bytes = await handle.readFile()
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
      } catch {
        const text = new TextDecoder('utf-8').decode(bytes)
        throw new PolicyFileProblem(`is not UTF-8 text (an invalid byte at ${lineColumn(text, text.indexOf('\uFFFD'))}); a policy file is YAML text`)
      }
    } finally {
      await handle.close()
    }
  },
}

export type PolicyCheck =
  | { ok: true; policy: Policy; problems: []; warnings: PolicyProblem[] }
  | { ok: false; problems: PolicyProblem[]; warnings: PolicyProblem[] }

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
  if (syntax.length > 0) return { ok: false, problems: sortProblems(syntax), warnings: [] }
  if (source.doc.contents === null) {
    return { ok: false, problems: [{ file: fileName, line: 1, column: 1, path: '', message: 'the policy file is empty', expected: 'version: 1 and environments:' }], warnings: [] }
  }
  const tooDeep = source.depthProblem(POLICY_LIMITS.maxDepth)
  if (tooDeep) return { ok: false, problems: [tooDeep], warnings: [] }
  const grammar = options.grammar ?? builtinGrammar
  const { problems: envProblems, substitutions, unset } = source.substitute(env, options.allowUnsetEnv ? { allowUnset: true } : {})
  const data = source.toJSWithin(POLICY_LIMITS.maxAliasCount)
  if (!data.ok) return { ok: false, problems: [data.problem], warnings: [] }
  const problems = explainIndentation(
    source,
    data.value,
    [...envProblems, ...schemaProblems(source, data.value, substitutions, grammar), ...semanticProblems(source, data.value, grammar)],
    grammar,
  )
  const warnings = sortProblems(unset)
  if (problems.length > 0) return { ok: false, problems: sortProblems(dedupe(problems)), warnings }
  return { ok: true, policy: resolvePolicyValue(data.value, grammar) as Policy, problems: [], warnings }
}

/** Parses and validates a policy; throws one PolicyError listing every problem. */
export function parsePolicy(text: string, fileName: string, env: Env, options: PolicyOptions = {}): Policy {
  const result = checkPolicy(text, fileName, env, options)
  if (!result.ok) throw new PolicyError(fileName, result.problems)
  return result.policy
}

/** What a file system error code means for a policy path, in the user's terms. */
const READ_ERRORS: Record<string, string> = {
  ENOENT: 'not found; expected a Rollgate policy (see schema/rollgate.schema.json).',
  EISDIR: 'is a directory, not a file; name the policy file inside it (for example .github/rollgate.yml)',
  ENOTDIR: 'cannot exist: a part of its path is a file, not a directory',
  EACCES: 'cannot be read: permission denied',
  EPERM: 'cannot be read: permission denied',
  ELOOP: 'cannot be read: its path has a loop of symbolic links',
  ENAMETOOLONG: 'cannot be read: its path is too long',
}

/**
 * The policy text at `path`, or a ConfigError naming the file and what is wrong with it. The text
 * limits apply whatever `files` is (a disk, the Contents API, a test's map).
 */
export async function readPolicyText(path: string, files: PolicyFiles): Promise<string> {
  let text: string
  try {
    text = await files.readText(path)
  } catch (error) {
    if (error instanceof PolicyFileProblem) throw new ConfigError(`Policy file ${path} ${error.message}`)
    const code = (error as NodeJS.ErrnoException | undefined)?.code
    const known = code === undefined ? undefined : READ_ERRORS[code]
    if (known !== undefined) throw new ConfigError(`Policy file ${path} ${known}`)
    throw new ConfigError(`Policy file ${path} could not be read: ${(error as Error).message}`)
  }
  if (text.length > POLICY_LIMITS.maxBytes) throw new ConfigError(`Policy file ${path} is over ${formatBytes(POLICY_LIMITS.maxBytes)}; a policy file may be at most that`)
  const nul = text.indexOf('\0')
  if (nul >= 0) throw new ConfigError(`Policy file ${path} is binary (a NUL byte at ${lineColumn(text, nul)}), not YAML text`)
  return text
}

/** Reads, parses and validates the policy at `path` (relative paths as `files` resolves them). */
export async function loadPolicy(path: string, files: PolicyFiles = nodeFiles, env: Env = process.env, options: PolicyOptions = {}): Promise<Policy> {
  return parsePolicy(await readPolicyText(path, files), path, env, options)
}
