/**
 * What an action needs from the outside world. `ActionDeps` lists the parts a test replaces
 * (GitHub client, clock, traffic and metrics factories, process runner, state store, policy files);
 * `productionDeps(io)` builds the real ones from the runner's environment, and every action's
 * `main(io, deps = productionDeps(io))` wires its inputs to them. Tests call `main` in-process with
 * fakes: nothing here reads a test switch from the environment.
 */
import type { ActionIO } from '../action/io.js'
import { actionLogger, type Logger } from '../action/logger.js'
import type { MetricsProvider as MetricsProviderConfig, Policy, Traffic } from '../config/policy.generated.js'
import { nodeFiles, type PolicyFiles } from '../config/load.js'
import { createGitHubClient, type Octokit } from '../github/client.js'
import { secretsOf } from '../http/redact.js'
import { pullRequestNumber, readRunContext, runUrl, type RunContext } from '../github/context.js'
import { createMetricsProvider } from '../metrics/registry.js'
import type { MetricsProvider, MetricsProviderDeps } from '../metrics/types.js'
import { stepSummaryWriter } from '../report/publish.js'
import type { CommandContext } from '../state/machine.js'
import { GitHubStateStore, type GitHubStateStoreOptions } from '../state/github-store.js'
import type { StateStore } from '../state/store.js'
import { actionsExec, type Exec } from '../traffic/exec.js'
import { createTrafficProvider } from '../traffic/registry.js'
import type { TrafficDeps, TrafficProvider } from '../traffic/types.js'
import { ROLLGATE_VERSION } from '../version.js'
import { environmentOf } from './analysis-plan.js'
import { systemClock, type Clock } from '../clock.js'
import { createHookRunner, createMigrationRunner, type HookRunner } from './hooks.js'
import type { MigrationRunner } from '../migration/migration.js'
import type { LifecycleDeps } from './lifecycle.js'
import { createGitHubReporter, type RolloutReporter } from './reporter.js'

export interface ActionDeps {
  /** Builds the GitHub client for the action's token. */
  github(options: { token: string; logger: Logger }): Octokit
  clock: Clock
  /** The traffic provider for an environment's `traffic:` block. */
  traffic(config: Traffic, deps: TrafficDeps): TrafficProvider
  /** The metrics provider for an analysis template's `provider:` block. */
  metrics(config: MetricsProviderConfig, deps: MetricsProviderDeps): MetricsProvider
  /** Runs commands (traffic `command` provider, kubectl): argv only, never a shell. */
  exec: Exec
  fetch: typeof fetch
  /** The rollout-record store (default: the GitHub store on the `rollgate-state` branch). */
  store(options: GitHubStateStoreOptions): StateStore
  /** Reads the policy file. */
  files: PolicyFiles
}

export function productionDeps(io: ActionIO): ActionDeps {
  return {
    // GitHub asks for a second between writes: production always paces them, whatever the API root.
    // Tests that want no pacing pass their own `github` (test/actions/support.ts).
    github: ({ token, logger }) => createGitHubClient({ token, version: ROLLGATE_VERSION, logger, env: io.env, paceWrites: true }),
    clock: systemClock,
    traffic: (config, deps) => createTrafficProvider(config, deps),
    metrics: (config, deps) => createMetricsProvider(config, deps),
    exec: actionsExec(),
    fetch: globalThis.fetch,
    store: (options) => new GitHubStateStore(options),
    files: nodeFiles,
  }
}

/** The parts an action builds from its deps once its policy is loaded. */
export interface ActionRuntime {
  run: RunContext
  logger: Logger
  octokit: Octokit
  store: StateStore
  reporter: RolloutReporter
  hooks: HookRunner
  migrations: MigrationRunner
  now(): Date
  traffic(policy: Policy, environment: string): TrafficProvider
  metrics(config: MetricsProviderConfig): MetricsProvider
  command(): CommandContext
}

export function createActionRuntime(io: ActionIO, deps: ActionDeps, token: string, policy: Policy, logger: Logger = actionLogger(io)): ActionRuntime {
  // Before the first request: every value the policy's ${NAME}s expanded is a secret.
  for (const secret of secretsOf(policy)) logger.mask(secret)
  const run = readRunContext(io.env)
  const octokit = deps.github({ token, logger })
  const repo = { owner: run.owner, repo: run.repo }
  const clock = deps.clock
  const store = deps.store({
    github: octokit.rest,
    graphql: octokit,
    repo,
    production: (environment) => policy.environments[environment]?.production ?? false,
    logUrl: runUrl(run),
    logger,
    clock: () => clock.now(),
    sleep: (ms) => clock.sleep(ms),
  })
  const pr = pullRequestNumber(run)
  const reporter = createGitHubReporter({
    github: octokit.rest,
    repo,
    ...(pr !== undefined ? { pullRequest: pr } : {}),
    detailsUrl: runUrl(run),
    summary: stepSummaryWriter(io),
    logger,
    sleep: (ms) => clock.sleep(ms),
  })
  const hookDeps = { logger, env: io.env, fetch: deps.fetch, ...(io.env['GITHUB_WORKSPACE'] ? { cwd: io.env['GITHUB_WORKSPACE'] } : {}) }
  const hooks = createHookRunner(hookDeps)
  return {
    run,
    logger,
    octokit,
    store,
    reporter,
    hooks,
    migrations: createMigrationRunner(hookDeps),
    now: () => clock.now(),
    traffic: (p, environment) => deps.traffic(environmentOf(p, environment).traffic, { exec: deps.exec, fetch: deps.fetch, logger, clock }),
    metrics: (config) => deps.metrics(config, { logger, env: io.env, fetch: deps.fetch, now: () => clock.now(), sleep: (ms) => clock.sleep(ms) }),
    command: () => ({
      runId: run.runId,
      runAttempt: run.runAttempt,
      job: run.job,
      ...(io.env['GITHUB_ACTION'] ? { step: io.env['GITHUB_ACTION'] } : {}),
      actor: run.actor,
      now: clock.now(),
    }),
  }
}

export function lifecycleDeps(runtime: ActionRuntime, policy: Policy, environment: string): LifecycleDeps {
  return {
    store: runtime.store,
    traffic: runtime.traffic(policy, environment),
    hooks: runtime.hooks,
    migrations: runtime.migrations,
    now: () => runtime.now(),
    reporter: runtime.reporter,
    logger: runtime.logger,
    context: runtime.command(),
  }
}
