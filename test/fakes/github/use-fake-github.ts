/**
 * vitest wiring for the fake GitHub: one server per test file, a fresh state before each test, and
 * after each test a failure when the test made the code under test send a request GitHub's
 * OpenAPI description rejects.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { expectNoInvalidRequests, startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from './server.js'

/**
 * Call at the top of a describe block (or file). The returned object forwards to the server once
 * beforeAll has started it: hooks only run after the describe body returns, so the server cannot
 * be handed out directly.
 */
export function useFakeGitHub(options: FakeGitHubOptions = {}): FakeGitHub {
  let server: FakeGitHub | undefined
  const current = (): FakeGitHub => {
    if (!server) throw new Error('useFakeGitHub: the fake GitHub is only available inside tests and hooks')
    return server
  }
  beforeAll(async () => {
    server = await startFakeGitHub(options)
  })
  beforeEach(() => current().reset())
  afterEach(() => expectNoInvalidRequests(current()))
  afterAll(async () => {
    await server?.close()
    server = undefined
  })
  return new Proxy({} as FakeGitHub, {
    get: (_target, key) => {
      const value: unknown = Reflect.get(current(), key)
      return typeof value === 'function' ? value.bind(current()) : value
    },
  })
}
