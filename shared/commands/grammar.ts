/**
 * The `/rollgate <command> [environment] [options]` grammar: pure and total. `parseComment` never
 * throws, whatever the string (it is fed hostile text by design), and runs in one linear pass.
 *
 * Which lines count: a line starting with `/rollgate` (at most three spaces before it, as Markdown
 * allows for a paragraph). Lines inside fenced code blocks, indented code (four spaces or a tab),
 * HTML comments (hidden text must not act) and quoted replies (`>`) are not commands, nor is a
 * `/rollgate` written inside inline code (the line then starts with a backtick). One command per
 * comment: later command lines are reported, never run.
 */
import { suggest } from '../config/problems.js'

export const COMMAND_NAMES = ['canary', 'promote', 'rollback', 'analyze', 'pause', 'resume', 'status', 'help'] as const
export type CommandName = (typeof COMMAND_NAMES)[number]

/** Options each command accepts (`--version V`, `--full`, ...). */
export const COMMAND_OPTIONS: Readonly<Record<CommandName, readonly OptionName[]>> = {
  canary: ['version', 'stable'],
  promote: ['to', 'full'],
  rollback: ['reason'],
  analyze: [],
  pause: ['reason'],
  resume: [],
  status: [],
  help: [],
}

export const OPTION_NAMES = ['version', 'stable', 'to', 'full', 'reason'] as const
export type OptionName = (typeof OPTION_NAMES)[number]

/** The `args` output: only the options given. */
export interface CommandArgs {
  version?: string
  stable?: string
  to?: number
  full?: boolean
  reason?: string
}

export interface ParsedCommand {
  command: CommandName
  /** The environment as written (matched against the policy by resolveEnvironment), if given. */
  environment: string | undefined
  args: CommandArgs
  /** 1-based line of the comment the command is on. */
  line: number
}

export interface GrammarProblem {
  line: number
  /** 1-based column of the offending token. */
  column: number
  message: string
  /** The closest valid word, when the mistake looks like a typo. */
  suggestion?: string
}

export type ParseResult =
  /** No command line: the comment is not for Rollgate (answered with silence). */
  | { kind: 'none' }
  | { kind: 'command'; command: ParsedCommand; /** Further command lines, answered and not run. */ ignored: number[] }
  | { kind: 'invalid'; problem: GrammarProblem; ignored: number[] }

export const TRIGGER = '/rollgate'
/** Longest command line read; longer ones are refused (a real command is a few dozen characters). */
export const MAX_COMMAND_LINE = 1000
export const MAX_REASON = 500
export const MAX_VERSION = 200
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/
const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9_./-]*$/

export const USAGE: Readonly<Record<CommandName, string>> = {
  canary: '/rollgate canary [environment] [--version V] [--stable V]',
  promote: '/rollgate promote [environment] [--to N | --full]',
  rollback: '/rollgate rollback [environment] [--reason "..."]',
  analyze: '/rollgate analyze [environment]',
  pause: '/rollgate pause [environment] [--reason "..."]',
  resume: '/rollgate resume [environment]',
  status: '/rollgate status [environment]',
  help: '/rollgate help [environment]',
}

interface Line {
  text: string
  number: number
}

/** Splits on \n, \r\n and \r only, as GitHub's Markdown does; other separators stay in the line. */
function lines(body: string): Line[] {
  const out: Line[] = []
  let start = 0
  let number = 1
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i)
    if (c === 10 || c === 13) {
      out.push({ text: body.slice(start, i), number: number++ })
      if (c === 13 && body.charCodeAt(i + 1) === 10) i++
      start = i + 1
    }
  }
  out.push({ text: body.slice(start), number })
  return out
}

/** The lines that are prose: outside fences, indented code, HTML comments and quotes. */
function commandCandidates(body: string): Line[] {
  const found: Line[] = []
  let fence: { char: string; length: number } | undefined
  let inHtmlComment = false
  for (const line of lines(body)) {
    const text = line.text
    if (inHtmlComment) {
      if (text.includes('-->')) inHtmlComment = false
      continue
    }
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(text)
    if (fence) {
      // A fence closes only with the same character, at least as long, and nothing after it.
      if (fenceMatch && fenceMatch[1]?.[0] === fence.char && (fenceMatch[1]?.length ?? 0) >= fence.length && text.slice(fenceMatch[0].length).trim() === '') {
        fence = undefined
      }
      continue
    }
    if (fenceMatch) {
      const marker = fenceMatch[1] as string
      // A backtick fence's info string may not contain a backtick (CommonMark); then it is inline code.
      if (!(marker[0] === '`' && text.slice(fenceMatch[0].length).includes('`'))) {
        fence = { char: marker[0] as string, length: marker.length }
        continue
      }
    }
    const open = text.indexOf('<!--')
    if (open >= 0 && !text.includes('-->', open + 4)) inHtmlComment = true
    if (/^ {0,3}\/rollgate(?![A-Za-z0-9_-])/i.test(text)) found.push(line)
  }
  return found
}

interface Token {
  text: string
  column: number
  quoted: boolean
}

type Tokenized = { ok: true; tokens: Token[] } | { ok: false; problem: GrammarProblem }

function describeChar(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
}

/** A character allowed in a command line: printable, not a control or separator character. */
function printable(code: number): boolean {
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return false
  if (code === 0x2028 || code === 0x2029 || code === 0xfeff || (code >= 0x200b && code <= 0x200f) || (code >= 0x202a && code <= 0x202e)) return false
  if (code >= 0x2066 && code <= 0x2069) return false
  // Lone surrogates are not characters.
  return !(code >= 0xd800 && code <= 0xdfff)
}

/** How many UTF-16 units the character at `i` takes: 1 or 2 (a surrogate pair), 0 when it is not allowed. */
function charWidth(text: string, i: number): 0 | 1 | 2 {
  const c = text.charCodeAt(i)
  if (printable(c)) return 1
  const next = text.charCodeAt(i + 1)
  return c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 0
}

function tokenize(text: string, lineNo: number): Tokenized {
  const tokens: Token[] = []
  let i = 0
  const fail = (column: number, message: string): Tokenized => ({ ok: false, problem: { line: lineNo, column, message } })
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === 32 || c === 9) {
      i++
      continue
    }
    if (charWidth(text, i) === 0) return fail(i + 1, `unexpected character ${describeChar(c)}`)
    const start = i
    if (c === 34) {
      let value = ''
      i++
      let closed = false
      while (i < text.length) {
        const d = text.charCodeAt(i)
        if (d === 92 && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          value += text[i + 1]
          i += 2
          continue
        }
        if (d === 34) {
          closed = true
          i++
          break
        }
        const width = charWidth(text, i)
        if (width === 0) return fail(i + 1, `unexpected character ${describeChar(d)} inside a quoted value`)
        value += text.slice(i, i + width)
        i += width
      }
      if (!closed) return fail(start + 1, 'a quoted value is not closed: add the final "')
      if (i < text.length && text[i] !== ' ' && text[i] !== '\t') return fail(i + 1, 'expected a space after the closing "')
      tokens.push({ text: value, column: start + 1, quoted: true })
      continue
    }
    while (i < text.length && text[i] !== ' ' && text[i] !== '\t') {
      const d = text.charCodeAt(i)
      if (d === 34) return fail(i + 1, 'a quote may only start a value: write --reason "..."')
      const width = charWidth(text, i)
      if (width === 0) return fail(i + 1, `unexpected character ${describeChar(d)}`)
      i += width
    }
    tokens.push({ text: text.slice(start, i), column: start + 1, quoted: false })
  }
  return { ok: true, tokens }
}

function parseLine(line: Line): { ok: true; command: ParsedCommand } | { ok: false; problem: GrammarProblem } {
  const problem = (column: number, message: string, suggestion?: string) => ({
    ok: false as const,
    problem: { line: line.number, column, message, ...(suggestion !== undefined ? { suggestion } : {}) },
  })
  if (line.text.length > MAX_COMMAND_LINE) return problem(MAX_COMMAND_LINE + 1, `the command line is longer than ${MAX_COMMAND_LINE} characters`)
  const tokenized = tokenize(line.text, line.number)
  if (!tokenized.ok) return tokenized
  const [trigger, word, ...rest] = tokenized.tokens
  if (!trigger || trigger.text.toLowerCase() !== TRIGGER) return problem(trigger?.column ?? 1, `a command starts with ${TRIGGER} followed by a space`)
  if (!word) return problem(trigger.column + TRIGGER.length, `${TRIGGER} needs a command: ${COMMAND_NAMES.join(', ')}`, 'help')
  const name = word.text.toLowerCase()
  if (word.quoted || !(COMMAND_NAMES as readonly string[]).includes(name)) {
    const guess = suggest(word.text, COMMAND_NAMES)
    return problem(word.column, `unknown command '${word.text}'; the commands are ${COMMAND_NAMES.join(', ')}`, guess)
  }
  const command = name as CommandName
  const accepted = COMMAND_OPTIONS[command]
  const args: CommandArgs = {}
  let environment: string | undefined
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] as Token
    if (!token.quoted && token.text.startsWith('--')) {
      const eq = token.text.indexOf('=')
      const optionWord = (eq >= 0 ? token.text.slice(2, eq) : token.text.slice(2)).toLowerCase()
      if (!(accepted as readonly string[]).includes(optionWord)) {
        const known = (OPTION_NAMES as readonly string[]).includes(optionWord)
        const guess = suggest(optionWord, accepted)
        const what = accepted.length === 0 ? `${command} takes no options` : `${command} accepts ${accepted.map((o) => `--${o}`).join(', ')}`
        return problem(token.column, `${known ? 'option' : 'unknown option'} '--${optionWord}' ${known ? `is not for ${command}` : ''}`.trim() + `; ${what}`, guess && `--${guess}`)
      }
      const option = optionWord as OptionName
      if (args[option] !== undefined) return problem(token.column, `--${option} is given twice`)
      if (option === 'full') {
        if (eq >= 0) return problem(token.column, '--full takes no value')
        args.full = true
        continue
      }
      let value: Token | undefined
      if (eq >= 0) value = { text: token.text.slice(eq + 1), column: token.column + eq + 1, quoted: false }
      else {
        value = rest[i + 1]
        if (value && !value.quoted && value.text.startsWith('--')) value = undefined
        if (value) i++
      }
      if (!value || value.text === '') return problem(token.column, `--${option} needs a value`)
      if (option === 'to') {
        const m = /^(\d{1,3})%?$/.exec(value.text)
        const n = m ? Number(m[1]) : NaN
        if (value.quoted || !m || n > 100) return problem(value.column, `--to needs a whole percentage from 0 to 100, not '${value.text}'`)
        args.to = n
      } else if (option === 'reason') {
        if (value.text.length > MAX_REASON) return problem(value.column, `--reason is longer than ${MAX_REASON} characters`)
        args.reason = value.text
      } else {
        if (value.quoted || value.text.length > MAX_VERSION || !VERSION.test(value.text)) {
          return problem(value.column, `--${option} needs a version (letters, digits and . _ : / @ + -), not '${value.text}'`)
        }
        args[option] = value.text
      }
      continue
    }
    if (environment !== undefined || token.quoted || !ENVIRONMENT.test(token.text)) {
      const guess = suggest(token.text, accepted.map((o) => `--${o}`))
      return problem(token.column, `unexpected '${token.text}' after ${environment === undefined ? command : environment}; usage: ${USAGE[command]}`, guess)
    }
    environment = token.text
  }
  if (args.full && args.to !== undefined && args.to !== 100) return problem(1, `--to ${args.to} and --full contradict each other; give one of them`)
  return { ok: true, command: { command, environment, args, line: line.number } }
}

/** Reads the comment's command, if any. Never throws. */
export function parseComment(body: string): ParseResult {
  const candidates = commandCandidates(typeof body === 'string' ? body : '')
  const [first, ...others] = candidates
  if (!first) return { kind: 'none' }
  const ignored = others.map((l) => l.number)
  const parsed = parseLine(first)
  return parsed.ok ? { kind: 'command', command: parsed.command, ignored } : { kind: 'invalid', problem: parsed.problem, ignored }
}

export type EnvironmentMatch =
  | { ok: true; environment: string }
  | { ok: false; reason: 'unknown-environment' | 'ambiguous-environment'; message: string; suggestion?: string }

/**
 * The policy key a command's environment names, matched as GitHub matches environment names
 * (ignoring case). Omitted, it is the policy's only environment.
 */
export function resolveEnvironment(written: string | undefined, environments: readonly string[]): EnvironmentMatch {
  if (written === undefined) {
    if (environments.length === 1) return { ok: true, environment: environments[0] as string }
    return {
      ok: false,
      reason: 'ambiguous-environment',
      message: environments.length === 0 ? 'the policy defines no environment' : `name the environment: ${environments.join(', ')}`,
    }
  }
  const matches = environments.filter((e) => e.toLowerCase() === written.toLowerCase())
  if (matches.length === 1) return { ok: true, environment: matches[0] as string }
  if (matches.length > 1) {
    return { ok: false, reason: 'ambiguous-environment', message: `'${written}' matches ${matches.join(' and ')}, which GitHub treats as one environment` }
  }
  const guess = suggest(written, environments)
  return {
    ok: false,
    reason: 'unknown-environment',
    message: `unknown environment '${written}'; the policy defines ${environments.join(', ') || 'none'}`,
    ...(guess !== undefined ? { suggestion: guess } : {}),
  }
}
