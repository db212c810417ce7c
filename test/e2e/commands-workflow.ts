/**
 * Just enough of the Actions runner to drive examples/workflows/pr-comments.yml as written: its
 * `${{ }}` expressions (contexts, `fromJSON`, property access, `==`, `!=`, `&&`, `||`, `!`,
 * literals) with GitHub's semantics for what the example uses (`||` yields the first truthy operand,
 * string comparison ignores case, null renders as ''), job outputs, `if:` on jobs and steps, and
 * `uses:` of Rollgate's actions mapped to their bundles. Anything else in an expression is an error,
 * so the workflow cannot drift into something this interpreter would silently misread.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value }
export type Contexts = Record<string, Value>

interface Token {
  kind: 'ident' | 'string' | 'number' | 'op' | 'punct'
  text: string
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < source.length) {
    const c = source[i] as string
    if (/\s/.test(c)) {
      i++
      continue
    }
    if (c === "'") {
      let text = ''
      i++
      for (;;) {
        if (i >= source.length) throw new Error(`unclosed string in ${source}`)
        if (source[i] === "'" && source[i + 1] === "'") {
          text += "'"
          i += 2
        } else if (source[i] === "'") {
          i++
          break
        } else text += source[i++]
      }
      tokens.push({ kind: 'string', text })
      continue
    }
    const two = source.slice(i, i + 2)
    if (['==', '!=', '&&', '||'].includes(two)) {
      tokens.push({ kind: 'op', text: two })
      i += 2
      continue
    }
    if ('!().,[]'.includes(c)) {
      tokens.push({ kind: c === '!' ? 'op' : 'punct', text: c })
      i++
      continue
    }
    const number = /^\d+(\.\d+)?/.exec(source.slice(i))
    if (number) {
      tokens.push({ kind: 'number', text: number[0] })
      i += number[0].length
      continue
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(source.slice(i))
    if (!ident) throw new Error(`unexpected ${JSON.stringify(c)} in expression ${source}`)
    tokens.push({ kind: 'ident', text: ident[0] })
    i += ident[0].length
  }
  return tokens
}

const truthy = (v: Value | undefined): boolean => !(v === undefined || v === null || v === false || v === 0 || v === '')

function equal(a: Value | undefined, b: Value | undefined): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase()
  return (a ?? null) === (b ?? null)
}

/** Evaluates one expression (the text inside `${{ }}`, or a bare `if:`). */
export function evaluate(source: string, contexts: Contexts): Value {
  const tokens = tokenize(source)
  let at = 0
  const peek = () => tokens[at]
  const take = (text?: string): Token => {
    const t = tokens[at++]
    if (!t || (text !== undefined && t.text !== text)) throw new Error(`expected ${text ?? 'a token'} at ${at} in ${source}`)
    return t
  }
  const member = (base: Value | undefined, key: string): Value => {
    if (base !== null && typeof base === 'object' && !Array.isArray(base)) return (base as Record<string, Value>)[key] ?? null
    return null
  }
  const postfix = (value: Value): Value => {
    for (;;) {
      if (peek()?.text === '.') {
        take('.')
        value = member(value, take().text)
      } else if (peek()?.text === '[') {
        take('[')
        const key = or()
        take(']')
        value = member(value, String(key))
      } else return value
    }
  }
  const primary = (): Value => {
    const t = take()
    if (t.kind === 'string') return t.text
    if (t.kind === 'number') return Number(t.text)
    if (t.text === '(') {
      const v = or()
      take(')')
      return postfix(v)
    }
    if (t.kind !== 'ident') throw new Error(`unexpected ${t.text} in ${source}`)
    if (t.text === 'true' || t.text === 'false') return t.text === 'true'
    if (t.text === 'null') return null
    if (peek()?.text === '(') {
      take('(')
      const arg = or()
      take(')')
      if (t.text !== 'fromJSON') throw new Error(`function ${t.text} is not supported (in ${source})`)
      return postfix(JSON.parse(String(arg)) as Value)
    }
    if (!(t.text in contexts)) throw new Error(`unknown context ${t.text} in ${source}`)
    return postfix(contexts[t.text] as Value)
  }
  const unary = (): Value => {
    if (peek()?.text === '!') {
      take('!')
      return !truthy(unary())
    }
    return primary()
  }
  const comparison = (): Value => {
    const left = unary()
    const op = peek()?.text
    if (op === '==' || op === '!=') {
      take()
      const right = unary()
      return op === '==' ? equal(left, right) : !equal(left, right)
    }
    return left
  }
  const and = (): Value => {
    let left = comparison()
    while (peek()?.text === '&&') {
      take()
      const right = comparison()
      left = truthy(left) ? right : left
    }
    return left
  }
  function or(): Value {
    let left = and()
    while (peek()?.text === '||') {
      take()
      const right = and()
      left = truthy(left) ? left : right
    }
    return left
  }
  const value = or()
  if (at !== tokens.length) throw new Error(`trailing tokens in ${source}`)
  return value
}

function render(value: Value): string {
  if (value === null) return ''
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** A `with:` value or job output: text with `${{ }}` holes. */
export function interpolate(template: string, contexts: Contexts): string {
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_m, expr: string) => render(evaluate(expr, contexts)))
}

/** An `if:` (GitHub allows it with or without `${{ }}`). */
export function condition(text: string | undefined, contexts: Contexts): boolean {
  if (text === undefined) return true
  const bare = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text)?.[1] ?? text
  return truthy(evaluate(bare, contexts))
}

export interface WorkflowStep {
  id?: string
  if?: string
  uses?: string
  run?: string
  with?: Record<string, string | number | boolean>
}

export interface WorkflowJob {
  if?: string
  needs?: string | string[]
  environment?: string
  outputs?: Record<string, string>
  steps: WorkflowStep[]
}

export interface Workflow {
  on: unknown
  jobs: Record<string, WorkflowJob>
}

export function readWorkflow(path: string): Workflow {
  return parse(readFileSync(path, 'utf8')) as Workflow
}

/** The bundle a `uses:` of Rollgate runs (`owner/rollgate@v1` is the router), or undefined for other actions. */
export function rollgateBundle(uses: string | undefined): string | undefined {
  if (uses === undefined) return undefined
  const match = /^[^/]+\/rollgate(?:\/actions\/([a-z-]+))?@/.exec(uses)
  if (!match) return undefined
  return match[1] ?? 'router'
}

/** A step's inputs as the runner passes them: every `with:` value interpolated. */
export function stepInputs(step: WorkflowStep, contexts: Contexts): Record<string, string> {
  return Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), contexts)]))
}
