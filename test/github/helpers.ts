import { streamLogger, type Logger } from '../../shared/action/logger.js'
import { createGitHubClient, type GitHubClientOptions, type Octokit } from '../../shared/github/client.js'

export interface CapturingLogger extends Logger {
  lines: string[]
}

export function capturingLogger(): CapturingLogger {
  const lines: string[] = []
  return Object.assign(streamLogger((line) => lines.push(line), true), { lines })
}

/** The production client, pointed at the fake and without write pacing (which would add 1-3 s per write). */
export function clientFor(github: { url: string }, overrides: Partial<GitHubClientOptions> = {}): Octokit {
  return createGitHubClient({
    token: 'ghs_faketoken',
    version: '1.2.3',
    logger: overrides.logger ?? capturingLogger(),
    baseUrl: github.url,
    paceWrites: false,
    ...overrides,
  })
}

export const REPO = { owner: 'octo-org', repo: 'octo-repo' } as const

/** createDeployment answers 201 with the deployment or 202 `{message}` after an auto-merge. */
export function deploymentOf<T extends object>(data: T): Extract<T, { id: number }> {
  if ('id' in data) return data as Extract<T, { id: number }>
  throw new Error(`expected a created deployment, GitHub answered ${JSON.stringify(data)}`)
}
