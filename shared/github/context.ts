/**
 * The workflow run an action executes in, read from the variables the runner sets. Unlike
 * @actions/github's `context`, it is read from an explicit env (testable, no import-time state) and
 * fails with a ConfigError naming the missing variable instead of yielding `undefined`s.
 */
import { readFileSync } from 'node:fs'
import { ConfigError } from '../errors.js'

export type Env = Readonly<Record<string, string | undefined>>

export const DEFAULT_API_URL = 'https://api.github.com'

/** The REST API root: GITHUB_API_URL (set by the runner, `https://HOST/api/v3` on GHES), else api.github.com. */
export function resolveApiUrl(env: Env = process.env): string {
  return trimSlash(env['GITHUB_API_URL']?.trim() || DEFAULT_API_URL)
}

export interface RunContext {
  owner: string
  repo: string
  /** The commit the workflow run is for (GITHUB_SHA). */
  sha: string
  /** `refs/heads/main`, `refs/pull/7/merge`...; '' for events without one. */
  ref: string
  runId: number
  runAttempt: number
  actor: string
  eventName: string
  /** The webhook payload (GITHUB_EVENT_PATH), `{}` when there is none. */
  event: Record<string, unknown>
  serverUrl: string
  apiUrl: string
  workflow: string
  job: string
}

const REQUIRED = ['GITHUB_REPOSITORY', 'GITHUB_SHA', 'GITHUB_RUN_ID', 'GITHUB_EVENT_NAME'] as const

export function readRunContext(env: Env, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): RunContext {
  const missing = REQUIRED.filter((name) => !env[name]?.trim())
  if (missing.length > 0) {
    const list = missing.join(', ')
    throw new ConfigError(
      `${list} ${missing.length === 1 ? 'is' : 'are'} not set: Rollgate reads the workflow run from the variables ` +
        `the GitHub Actions runner sets (outside Actions, set ${list} yourself)`,
    )
  }
  const repository = value(env, 'GITHUB_REPOSITORY')
  const [owner, repo, ...rest] = repository.split('/')
  if (!owner || !repo || rest.length > 0) {
    throw new ConfigError(`GITHUB_REPOSITORY must be "owner/repo", got "${repository}"`)
  }
  return {
    owner,
    repo,
    sha: value(env, 'GITHUB_SHA'),
    ref: env['GITHUB_REF']?.trim() ?? '',
    runId: positiveInteger(env, 'GITHUB_RUN_ID'),
    runAttempt: env['GITHUB_RUN_ATTEMPT']?.trim() ? positiveInteger(env, 'GITHUB_RUN_ATTEMPT') : 1,
    actor: env['GITHUB_ACTOR']?.trim() ?? '',
    eventName: value(env, 'GITHUB_EVENT_NAME'),
    event: readEvent(env, readFile),
    serverUrl: trimSlash(env['GITHUB_SERVER_URL']?.trim() || 'https://github.com'),
    apiUrl: resolveApiUrl(env),
    workflow: env['GITHUB_WORKFLOW']?.trim() ?? '',
    job: env['GITHUB_JOB']?.trim() ?? '',
  }
}

/** The link to this run's page, pointing at this attempt when it is a re-run. */
export function runUrl(context: Pick<RunContext, 'serverUrl' | 'owner' | 'repo' | 'runId' | 'runAttempt'>): string {
  const base = `${context.serverUrl}/${context.owner}/${context.repo}/actions/runs/${context.runId}`
  return context.runAttempt > 1 ? `${base}/attempts/${context.runAttempt}` : base
}

const PULL_REQUEST_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
])

/**
 * The pull request the run is about: the PR of a pull_request* event, or of an issue_comment made
 * on a PR (not on a plain issue). `undefined` otherwise.
 */
export function pullRequestNumber(context: Pick<RunContext, 'eventName' | 'event'>): number | undefined {
  const event = context.event
  if (PULL_REQUEST_EVENTS.has(context.eventName)) {
    const number = field(event['pull_request'], 'number') ?? event['number']
    return typeof number === 'number' ? number : undefined
  }
  if (context.eventName === 'issue_comment') {
    const issue = event['issue']
    // A comment on a PR arrives as an issue_comment whose issue carries a `pull_request` object.
    if (field(issue, 'pull_request') === undefined) return undefined
    const number = field(issue, 'number')
    return typeof number === 'number' ? number : undefined
  }
  return undefined
}

function field(object: unknown, key: string): unknown {
  return typeof object === 'object' && object !== null ? (object as Record<string, unknown>)[key] : undefined
}

function value(env: Env, name: string): string {
  return env[name]?.trim() ?? ''
}

function positiveInteger(env: Env, name: string): number {
  const raw = value(env, name)
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new ConfigError(`${name} must be a positive integer, got "${raw}"`)
  return Number(raw)
}

function readEvent(env: Env, readFile: (path: string) => string): Record<string, unknown> {
  const path = env['GITHUB_EVENT_PATH']?.trim()
  if (!path) return {}
  let text: string
  try {
    text = readFile(path)
  } catch (error) {
    throw new ConfigError(`GITHUB_EVENT_PATH points at ${path}, which cannot be read: ${(error as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(`GITHUB_EVENT_PATH (${path}) is not valid JSON: ${(error as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`GITHUB_EVENT_PATH (${path}) must hold a JSON object (the webhook payload)`)
  }
  return parsed as Record<string, unknown>
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}
