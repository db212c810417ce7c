import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CliIO } from '../../cli/command.js'
import { checkPolicy, type Env } from '../../shared/config/load.js'
import type { Policy } from '../../shared/config/policy.generated.js'
import { formatProblem, type PolicyProblem } from '../../shared/config/problems.js'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const FIXTURES = resolve(ROOT, 'test/fixtures/config')

export function readRepoFile(path: string): string {
  return readFileSync(resolve(ROOT, path), 'utf8')
}

/** A minimal valid policy; tests splice in the part they are about. */
export function policyText(parts: { environment?: string; analysis?: string; extra?: string } = {}): string {
  const environment =
    parts.environment ??
    `    traffic: { provider: command, setWeight: [./set-weight.sh, "{{weight}}"] }
    steps: [{ weight: 50, analysis: default }, { weight: 100 }]`
  const analysis =
    parts.analysis ??
    `    provider: { type: prometheus, address: "http://prometheus:9090" }
    checks:
      - { name: errors, type: ratio, events: e, total: t }`
  return `version: 1
environments:
  production:
${environment}
analysis:
  default:
${analysis}
${parts.extra ?? ''}`
}

/** [line, column] (1-based) of the `occurrence`-th `needle` in `text`, to state expected positions readably. */
export function at(text: string, needle: string, occurrence = 1): [number, number] {
  let index = -1
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1)
    if (index < 0) throw new Error(`${needle} not found`)
  }
  const before = text.slice(0, index).split('\n')
  return [before.length, (before[before.length - 1] ?? '').length + 1]
}

export function problemsOf(text: string, env: Env = {}): PolicyProblem[] {
  const result = checkPolicy(text, 'rollgate.yml', env)
  return result.ok ? [] : result.problems
}

export function linesOf(text: string, env: Env = {}): string[] {
  return problemsOf(text, env).map(formatProblem)
}

export function policyOf(text: string, env: Env = {}): Policy {
  const result = checkPolicy(text, 'rollgate.yml', env)
  if (!result.ok) throw new Error(`expected a valid policy:\n${result.problems.map(formatProblem).join('\n')}`)
  return result.policy
}

/** Records what a CLI command prints. */
export class FakeCliIO implements CliIO {
  out = ''
  err = ''
  readonly isTTY = false
  constructor(
    readonly cwd: string,
    readonly env: Record<string, string | undefined> = {},
  ) {}
  stdout(text: string): void {
    this.out += text
  }
  stderr(text: string): void {
    this.err += text
  }
}
