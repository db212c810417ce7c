/**
 * Everything an action needs from the outside world, built once from the runner's environment:
 * the GitHub client and its ports, the state store, the traffic provider, hooks and reporters.
 * Tests build the same object from fakes; the mains only wire inputs to it.
 */
import type { ActionIO } from '../action/io.js'
import { actionLogger, type Logger } from '../action/logger.js'
import type { Policy } from '../config/policy.generated.js'
import { createGitHubClient, type Octokit } from '../github/client.js'
import { secretsOf } from '../http/redact.js'
import { pullRequestNumber, readRunContext, runUrl, type RunContext } from '../github/context.js'
import { stepSummaryWriter } from '../report/publish.js'
import type { CommandContext } from '../state/machine.js'
import { GitHubStateStore } from '../state/github-store.js'
import type { StateStore } from '../state/store.js'
import { actionsExec } from '../traffic/exec.js'
import { createTrafficProvider, systemClock, type TrafficProvider } from '../traffic/provider.js'
import { ROLLGATE_VERSION } from '../version.js'
import { environmentOf } from './analysis-plan.js'
import { createHookRunner, type HookRunner } from './hooks.js'
import type { LifecycleDeps } from './lifecycle.js'
import { createGitHubReporter, type RolloutReporter } from './reporter.js'
import { toTrafficConfig } from './traffic-config.js'

export interface ActionRuntime {
  run: RunContext
  logger: Logger
  octokit: Octokit
  store: StateStore
  reporter: RolloutReporter
  hooks: HookRunner
  traffic(policy: Policy, environment: string): TrafficProvider
  command(): CommandContext
}

export function createActionRuntime(io: ActionIO, token: string, policy: Policy): ActionRuntime {
  const logger = actionLogger(io)
  // Before the first request: every value the policy's ${NAME}s expanded is a secret.
  for (const secret of secretsOf(policy)) logger.mask(secret)
  const run = readRunContext(io.env)
  // GitHub asks for a second between writes; tests against the local fake turn the pacing off.
  const paceWrites = io.env['ROLLGATE_GITHUB_PACING'] !== 'off'
  const octokit = createGitHubClient({ token, version: ROLLGATE_VERSION, logger, env: io.env, paceWrites })
  const repo = { owner: run.owner, repo: run.repo }
  const store = new GitHubStateStore({
    github: octokit.rest,
    repo,
    production: (environment) => policy.environments[environment]?.production ?? false,
    logUrl: runUrl(run),
    logger,
  })
  const pr = pullRequestNumber(run)
  const reporter = createGitHubReporter({
    github: octokit.rest,
    repo,
    ...(pr !== undefined ? { pullRequest: pr } : {}),
    detailsUrl: runUrl(run),
    summary: stepSummaryWriter(io),
    logger,
  })
  const hooks = createHookRunner({ logger, env: io.env, ...(io.env['GITHUB_WORKSPACE'] ? { cwd: io.env['GITHUB_WORKSPACE'] } : {}) })
  return {
    run,
    logger,
    octokit,
    store,
    reporter,
    hooks,
    traffic: (p, environment) =>
      createTrafficProvider(toTrafficConfig(environmentOf(p, environment).traffic), { exec: actionsExec(), fetch, logger, clock: systemClock }),
    command: () => ({
      runId: run.runId,
      runAttempt: run.runAttempt,
      job: run.job,
      ...(io.env['GITHUB_ACTION'] ? { step: io.env['GITHUB_ACTION'] } : {}),
      actor: run.actor,
      now: new Date(),
    }),
  }
}

export function lifecycleDeps(runtime: ActionRuntime, policy: Policy, environment: string): LifecycleDeps {
  return {
    store: runtime.store,
    traffic: runtime.traffic(policy, environment),
    hooks: runtime.hooks,
    reporter: runtime.reporter,
    logger: runtime.logger,
    context: runtime.command(),
  }
}
