import { InputError } from '../errors.js'
import type { ActionIO } from './io.js'
import { DURATION_HELP, PERCENT_HELP, parseDuration, parsePercent } from '../config/units.js'

/**
 * Typed input readers. Each error names the input and says what it accepts, e.g.
 * `Input 'fail-on' is "maybe"; expected one of: fail, fail,inconclusive.`
 */

function bad(name: string, value: string, expected: string): InputError {
  return new InputError(`Input '${name}' is ${JSON.stringify(value)}; expected ${expected}.`)
}

export function readRequired(io: ActionIO, name: string, what = 'a non-empty value'): string {
  const value = io.getInput(name).trim()
  if (value === '') throw new InputError(`Input '${name}' is required; expected ${what}.`)
  return value
}

export function readOptional(io: ActionIO, name: string): string | undefined {
  const value = io.getInput(name).trim()
  return value === '' ? undefined : value
}

export function readString(io: ActionIO, name: string, fallback: string): string {
  return readOptional(io, name) ?? fallback
}

export function readBoolean(io: ActionIO, name: string, fallback: boolean): boolean {
  const value = readOptional(io, name)
  if (value === undefined) return fallback
  if (/^(true|yes|on|1)$/i.test(value)) return true
  if (/^(false|no|off|0)$/i.test(value)) return false
  throw bad(name, value, 'true or false')
}

export function readInteger(io: ActionIO, name: string, fallback: number | undefined, range: { min: number; max: number }): number | undefined {
  const value = readOptional(io, name)
  if (value === undefined) return fallback
  if (!/^-?\d+$/.test(value)) throw bad(name, value, `a whole number from ${range.min} to ${range.max}`)
  const n = Number(value)
  if (n < range.min || n > range.max) throw bad(name, value, `a whole number from ${range.min} to ${range.max}`)
  return n
}

export function readEnum<T extends string>(io: ActionIO, name: string, allowed: readonly T[], fallback: T): T {
  const value = readOptional(io, name)
  if (value === undefined) return fallback
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw bad(name, value, `one of: ${allowed.join(', ')}`)
}

export function readDuration(io: ActionIO, name: string): number | undefined {
  const value = readOptional(io, name)
  if (value === undefined) return undefined
  const ms = parseDuration(value)
  if (ms === null) throw bad(name, value, DURATION_HELP)
  return ms
}

export function readPercent(io: ActionIO, name: string): number | undefined {
  const value = readOptional(io, name)
  if (value === undefined) return undefined
  const pct = parsePercent(value)
  if (pct === null) throw bad(name, value, `${PERCENT_HELP}, from 0 to 100`)
  return pct
}

/** A list written one per line or comma-separated; empty entries dropped. */
export function readList(io: ActionIO, name: string): string[] {
  return io
    .getInput(name)
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/** An environment name as GitHub accepts it: letters, digits, and - _ . / ; at most 255 characters. */
export function readEnvironment(io: ActionIO, name = 'environment'): string {
  const value = readRequired(io, name, 'the name of an environment defined in the policy file')
  if (value.length > 255 || !/^[A-Za-z0-9][A-Za-z0-9 _./-]*$/.test(value)) {
    throw bad(name, value, 'an environment name made of letters, digits, spaces and - _ . /')
  }
  return value
}

/** The policy file path input, shared by every action. */
export function readPolicyPath(io: ActionIO, name = 'policy'): string {
  const value = readString(io, name, '.github/rollgate.yml')
  if (value.includes('\0')) throw bad(name, value, 'a path to a YAML file in the repository')
  return value
}

/** The API token: required, and masked before anything can log it. */
export function readGitHubToken(io: ActionIO, name = 'github-token'): string {
  const value = readRequired(io, name, 'a GitHub token (the default `${{ github.token }}` works)')
  io.setSecret(value)
  return value
}
