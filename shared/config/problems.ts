import { ConfigError } from '../errors.js'

/** One thing wrong with the policy file, located precisely enough for an editor or a check-run annotation. */
export interface PolicyProblem {
  file: string
  /** 1-based. */
  line: number
  /** 1-based. */
  column: number
  /** Where in the document, e.g. `environments.production.steps[1].weight`; '' for the whole file. */
  path: string
  message: string
  /** What was written, as the user would recognise it. */
  found?: string
  /** What is accepted there. */
  expected?: string
}

export type PathSegment = string | number

export function formatPath(path: readonly PathSegment[]): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`
    else out += `[${JSON.stringify(seg)}]`
  }
  return out
}

/** `file:line:col: message (found X; expected Y)`, the shape editors and problem matchers understand. */
export function formatProblem(problem: PolicyProblem): string {
  const details = [
    problem.found === undefined ? undefined : `found ${problem.found}`,
    problem.expected === undefined ? undefined : `expected ${problem.expected}`,
  ].filter((d) => d !== undefined)
  const suffix = details.length > 0 ? ` (${details.join('; ')})` : ''
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}${suffix}`
}

export function sortProblems(problems: PolicyProblem[]): PolicyProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column || a.message.localeCompare(b.message))
}

/** Every problem in one error, so a user fixes the file in one pass; `problems` feeds annotations. */
export class PolicyError extends ConfigError {
  readonly problems: readonly PolicyProblem[]

  constructor(file: string, problems: readonly PolicyProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`
    super(`${file}: ${count} in the policy file:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`)
    this.problems = problems
  }
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost)
    }
    previous = current
  }
  return previous[b.length] as number
}

/** The closest candidate when it is plausibly a typo (case slips and about a third of the letters). */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestScore = Infinity
  for (const candidate of candidates) {
    const score = candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (score < bestScore) {
      best = candidate
      bestScore = score
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(word.length, 3) / 3))
  return best !== undefined && bestScore <= limit ? best : undefined
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = suggest(word, candidates)
  return match === undefined ? '' : `; did you mean '${match}'?`
}

export function oneOf(values: readonly (string | number | boolean)[]): string {
  return values.length === 1 ? String(values[0]) : `one of: ${values.join(', ')}`
}
