import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import { pullRequestNumber, readRunContext, resolveApiUrl, runUrl } from '../../shared/github/context.js'

const ENV = {
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_REF: 'refs/heads/main',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_ACTOR: 'alice',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_SERVER_URL: 'https://ghe.example.com/',
  GITHUB_API_URL: 'https://ghe.example.com/api/v3',
  GITHUB_WORKFLOW: 'deploy',
  GITHUB_JOB: 'canary',
}

const noFile = (): string => {
  throw new Error('ENOENT: no such file')
}

describe('readRunContext', () => {
  it('reads the run from the runner variables', () => {
    expect(readRunContext(ENV, noFile)).toEqual({
      owner: 'acme',
      repo: 'shop',
      sha: 'a'.repeat(40),
      ref: 'refs/heads/main',
      runId: 4242,
      runAttempt: 2,
      actor: 'alice',
      eventName: 'push',
      event: {},
      serverUrl: 'https://ghe.example.com',
      apiUrl: 'https://ghe.example.com/api/v3',
      workflow: 'deploy',
      job: 'canary',
    })
  })

  it('defaults the URLs to github.com and the attempt to 1', () => {
    const { GITHUB_SERVER_URL: _s, GITHUB_API_URL: _a, GITHUB_RUN_ATTEMPT: _r, ...env } = ENV
    expect(readRunContext(env, noFile)).toMatchObject({ serverUrl: 'https://github.com', apiUrl: 'https://api.github.com', runAttempt: 1 })
  })

  it('parses the event payload from GITHUB_EVENT_PATH', () => {
    const context = readRunContext({ ...ENV, GITHUB_EVENT_PATH: '/tmp/event.json' }, () => '{"action":"created","issue":{"number":7}}')
    expect(context.event).toEqual({ action: 'created', issue: { number: 7 } })
  })

  it.each([
    { drop: 'GITHUB_REPOSITORY', message: /^GITHUB_REPOSITORY is not set/ },
    { drop: 'GITHUB_SHA', message: /^GITHUB_SHA is not set/ },
    { drop: 'GITHUB_RUN_ID', message: /^GITHUB_RUN_ID is not set/ },
    { drop: 'GITHUB_EVENT_NAME', message: /^GITHUB_EVENT_NAME is not set/ },
  ])('names the missing variable: $drop', ({ drop, message }) => {
    const env = { ...ENV, [drop]: undefined }
    expect(() => readRunContext(env, noFile)).toThrow(ConfigError)
    expect(() => readRunContext(env, noFile)).toThrow(message)
  })

  it('names every missing variable at once', () => {
    expect(() => readRunContext({}, noFile)).toThrow(/^GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_RUN_ID, GITHUB_EVENT_NAME are not set/)
  })

  it.each([
    { env: { GITHUB_REPOSITORY: 'shop' }, message: /GITHUB_REPOSITORY must be "owner\/repo", got "shop"/ },
    { env: { GITHUB_RUN_ID: 'abc' }, message: /GITHUB_RUN_ID must be a positive integer, got "abc"/ },
    { env: { GITHUB_RUN_ATTEMPT: '0' }, message: /GITHUB_RUN_ATTEMPT must be a positive integer/ },
    { env: { GITHUB_EVENT_PATH: '/nope.json' }, message: /GITHUB_EVENT_PATH points at \/nope\.json, which cannot be read/ },
  ])('rejects a malformed value: $message', ({ env, message }) => {
    expect(() => readRunContext({ ...ENV, ...env }, noFile)).toThrow(message)
  })

  it('rejects an event file that is not a JSON object', () => {
    expect(() => readRunContext({ ...ENV, GITHUB_EVENT_PATH: '/e.json' }, () => '{oops')).toThrow(/GITHUB_EVENT_PATH \(\/e\.json\) is not valid JSON/)
    expect(() => readRunContext({ ...ENV, GITHUB_EVENT_PATH: '/e.json' }, () => '[]')).toThrow(/must hold a JSON object/)
  })
})

describe('pullRequestNumber', () => {
  it.each([
    { eventName: 'pull_request', event: { number: 12, pull_request: { number: 12 } }, expected: 12 },
    { eventName: 'pull_request_target', event: { pull_request: { number: 13 } }, expected: 13 },
    { eventName: 'issue_comment', event: { issue: { number: 14, pull_request: { url: 'https://api.github.com/repos/a/b/pulls/14' } } }, expected: 14 },
    { eventName: 'issue_comment', event: { issue: { number: 15 } }, expected: undefined },
    { eventName: 'push', event: { ref: 'refs/heads/main' }, expected: undefined },
    { eventName: 'pull_request', event: {}, expected: undefined },
  ])('$eventName → $expected', ({ eventName, event, expected }) => {
    expect(pullRequestNumber({ eventName, event })).toBe(expected)
  })
})

describe('runUrl', () => {
  it.each([
    { runAttempt: 1, expected: 'https://github.com/acme/shop/actions/runs/99' },
    { runAttempt: 3, expected: 'https://github.com/acme/shop/actions/runs/99/attempts/3' },
  ])('attempt $runAttempt', ({ runAttempt, expected }) => {
    expect(runUrl({ serverUrl: 'https://github.com', owner: 'acme', repo: 'shop', runId: 99, runAttempt })).toBe(expected)
  })
})

describe('resolveApiUrl', () => {
  it.each([
    { env: {}, expected: 'https://api.github.com' },
    { env: { GITHUB_API_URL: '' }, expected: 'https://api.github.com' },
    { env: { GITHUB_API_URL: 'https://ghe.example.com/api/v3/' }, expected: 'https://ghe.example.com/api/v3' },
  ])('$env → $expected', ({ env, expected }) => {
    expect(resolveApiUrl(env)).toBe(expected)
  })
})
