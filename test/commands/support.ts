/**
 * Test support for the router: issue_comment events built from GitHub's own examples
 * (@octokit/webhooks-examples) and validated against GitHub's webhook schemas
 * (@octokit/webhooks-schemas) before use, so a test event cannot drift from a real one; and the
 * router's main run in-process against the fake GitHub.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import type { IssueCommentEvent } from '@octokit/webhooks-types'
import { createGitHubClient } from '../../shared/github/client.js'
import { main } from '../../router/main.js'
import { FakeActionIO } from '../fakes/action-io.js'
import type { FakeGitHub } from '../fakes/github/server.js'

const require = createRequire(import.meta.url)

interface WebhookExample {
  name: string
  examples: Record<string, unknown>[]
}

let validators: Map<string, ValidateFunction> | undefined

function validator(action: string): ValidateFunction {
  if (!validators) {
    const schema = require('@octokit/webhooks-schemas/schema.json') as Record<string, unknown>
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false })
    addFormats.default(ajv)
    ajv.addSchema(schema, 'webhooks')
    validators = new Map()
    for (const a of ['created', 'edited', 'deleted']) {
      validators.set(a, ajv.getSchema(`webhooks#/definitions/issue_comment$${a}`) as ValidateFunction)
    }
  }
  return validators.get(action) as ValidateFunction
}

/** Throws when the payload is not one GitHub could send. */
export function assertValidEvent(event: unknown): void {
  const action = (event as { action?: string }).action ?? ''
  const validate = validator(action)
  if (!validate(event)) throw new Error(`invalid issue_comment.${action} payload: ${JSON.stringify(validate.errors?.slice(0, 5))}`)
}

function example(action: string): Record<string, unknown> {
  const all = require('@octokit/webhooks-examples/api.github.com/index.json') as WebhookExample[]
  // Some collected examples predate fields GitHub now always sends: start from one that is valid.
  const found = all.find((e) => e.name === 'issue_comment')?.examples.find((e) => e['action'] === action && validator(action)(e))
  if (!found) throw new Error(`no issue_comment.${action} example`)
  return structuredClone(found)
}

export interface CommentEventInput {
  github: FakeGitHub
  body: string
  /** The sender: the author on `created`, the editor on `edited`. */
  login: string
  senderType?: 'User' | 'Bot'
  /** The comment's author, when another than the sender (an edit of someone else's comment). */
  author?: string
  action?: 'created' | 'edited' | 'deleted'
  previousBody?: string
  pr: number
  commentId: number
  /** A plain issue instead of a pull request. */
  onIssue?: boolean
}

/** An issue_comment event about a comment in the fake, shaped like GitHub's and schema-checked. */
export function commentEvent(input: CommentEventInput): IssueCommentEvent {
  const action = input.action ?? 'created'
  const event = example(action) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
  const { owner, repo } = input.github.state
  const user = (login: string, type: string) => ({ ...event['sender'], login, id: 100_000 + login.length, type, node_id: 'U_' + login, html_url: `https://github.com/${encodeURIComponent(login)}` })
  event['sender'] = user(input.login, input.senderType ?? 'User')
  event['comment'] = { ...event['comment'], id: input.commentId, body: input.body, user: user(input.author ?? input.login, input.senderType ?? 'User') }
  event['issue'] = { ...event['issue'], number: input.pr }
  if (input.onIssue) delete event['issue']['pull_request']
  else {
    event['issue']['pull_request'] = {
      url: `https://api.github.com/repos/${owner}/${repo}/pulls/${input.pr}`,
      html_url: `https://github.com/${owner}/${repo}/pull/${input.pr}`,
      diff_url: `https://github.com/${owner}/${repo}/pull/${input.pr}.diff`,
      patch_url: `https://github.com/${owner}/${repo}/pull/${input.pr}.patch`,
      merged_at: null,
    }
  }
  event['repository'] = { ...event['repository'], name: repo, full_name: `${owner}/${repo}`, default_branch: input.github.state.defaultBranch, owner: { ...event['repository'].owner, login: owner } }
  if (action === 'edited') event['changes'] = input.previousBody === undefined ? {} : { body: { from: input.previousBody } }
  assertValidEvent(event)
  return event as unknown as IssueCommentEvent
}

/** Posts a comment on a pull request of the fake (as the token's user) and returns its id. */
export async function postComment(github: FakeGitHub, pr: number, body: string): Promise<number> {
  const { owner, repo } = github.state
  const response = await fetch(`${github.url}/repos/${owner}/${repo}/issues/${pr}/comments`, {
    method: 'POST',
    headers: { authorization: 'token ghs_seed', 'content-type': 'application/json', accept: 'application/vnd.github+json' },
    body: JSON.stringify({ body }),
  })
  if (response.status !== 201) throw new Error(`seeding a comment failed: ${response.status} ${await response.text()}`)
  return ((await response.json()) as { id: number }).id
}

export interface RouterRun {
  io: FakeActionIO
  outputs: Record<string, string>
  result: Record<string, unknown>
  /** REST calls the router made. */
  calls: string[]
  error?: unknown
}

export function runnerEnv(github: FakeGitHub, eventPath: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITHUB_REPOSITORY: `${github.state.owner}/${github.state.repo}`,
    GITHUB_SHA: github.state.resolveRef(github.state.defaultBranch) as string,
    GITHUB_REF: `refs/heads/${github.state.defaultBranch}`,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'rollgate',
    GITHUB_EVENT_NAME: 'issue_comment',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    ...extra,
  }
}

export function writeEvent(event: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-event-'))
  const path = join(dir, 'event.json')
  writeFileSync(path, JSON.stringify(event))
  return path
}

/** Runs the router's main in-process against the fake, counting the REST calls it makes. */
export async function runRouter(github: FakeGitHub, event: IssueCommentEvent, inputs: Record<string, string> = {}): Promise<RouterRun> {
  const io = new FakeActionIO({ 'github-token': 'ghs_router', ...inputs }, runnerEnv(github, writeEvent(event)))
  const before = github.requests.length
  let error: unknown
  try {
    await main(io, {
      octokit: (token, logger, env) => createGitHubClient({ token, version: 'test', logger, env, paceWrites: false, request: { retries: 0 } }),
      now: () => new Date(),
    })
  } catch (e) {
    error = e
  }
  const calls = github.requests.slice(before).map((r) => `${r.method} ${r.operationId ?? r.path}`)
  const result = JSON.parse(io.outputs['result'] ?? '{}') as Record<string, unknown>
  return { io, outputs: io.outputs, result, calls, ...(error !== undefined ? { error } : {}) }
}
