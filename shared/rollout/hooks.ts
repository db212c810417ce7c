/**
 * A step's `before` and `after` hooks: commands (shared/process: no shell, a timeout that kills the
 * process group, output limits) and webhooks (shared/http: the rollout as a JSON body, retried with
 * backoff and `retry-after`, credentials redacted). A failing hook stops the command unless it says
 * `continueOnError`; the error names the hook, the step and what came back.
 */
import type { Logger } from '../action/logger.js'
import type { Hook } from '../config/policy.generated.js'
import { createHttpClient, describeFailure, describeResponseFailure, httpClientDeps, type PartialHttpDeps } from '../http/client.js'
import { redactUrl, SecretSet } from '../http/redact.js'
import { runProcess } from '../process/run.js'
import { ConfigError, ProviderError } from '../errors.js'
import type { MigrationRunner } from '../migration/migration.js'

export interface HookContext {
  environment: string
  /** 1-based step number for messages. */
  step: number
  phase: 'before' | 'after'
  canaryVersion: string
  stableVersion: string
  weight: number
}

export interface HookRunner {
  run(hooks: readonly Hook[], context: HookContext): Promise<void>
}

export interface HookDeps {
  logger: Logger
  fetch?: typeof fetch
  cwd?: string
  env?: Readonly<Record<string, string | undefined>>
  /** Test seams for webhook retries (shared/http). */
  sleep?: PartialHttpDeps['sleep']
  random?: PartialHttpDeps['random']
}

/** `{{weight}}`, `{{version}}`, `{{stableVersion}}`, `{{environment}}`, `{{step}}` inside one argument. */
export function fill(text: string, c: HookContext): string {
  const vars: Record<string, string> = {
    weight: String(c.weight),
    version: c.canaryVersion,
    canaryVersion: c.canaryVersion,
    stableVersion: c.stableVersion,
    environment: c.environment,
    step: String(c.step),
  }
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => vars[name] ?? whole)
}

export function createHookRunner(deps: HookDeps): HookRunner {
  return {
    async run(hooks, context) {
      for (const [i, hook] of hooks.entries()) {
        const label = `${context.phase} hook ${i + 1} of step ${context.step} (${hook.type === 'command' ? hook.run[0] : redactUrl(hook.url)})`
        try {
          await deps.logger.group(`${label}`, async () => {
            if (hook.type === 'command') await runCommandHook(hook.run.map((a) => fill(a, context)), hook.timeout, deps)
            else await runWebhook(hook, context, deps)
          })
        } catch (error) {
          if (hook.continueOnError) {
            deps.logger.warn(`${label} failed and continueOnError is set: ${error instanceof Error ? error.message : String(error)}`)
            continue
          }
          if (error instanceof ProviderError) throw error
          throw new ProviderError('hook', label, error instanceof Error ? error.message : String(error))
        }
      }
    },
  }
}

export async function runCommandHook(argv: string[], timeoutMs: number, deps: HookDeps): Promise<void> {
  const [command, ...args] = argv
  if (!command) throw new Error('empty command')
  const result = await runProcess(command, args, {
    ...(deps.cwd !== undefined ? { cwd: deps.cwd } : {}),
    env: deps.env ?? process.env,
    timeoutMs,
    onLine: (line) => {
      if (line.trim()) deps.logger.info(line)
    },
  }).catch((error: unknown) => {
    throw new Error(`could not run ${command}: ${error instanceof Error ? error.message : String(error)}`)
  })
  if (result.exitCode === 0 && !result.timedOut) return
  if (result.timedOut || result.signal) throw new Error(`${command} was stopped after ${timeoutMs} ms (${result.signal ?? 'SIGKILL'})`)
  const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' | ')
  throw new Error(`${command} exited with ${result.exitCode}: ${tail || '(no output)'}`)
}

async function runWebhook(hook: Extract<Hook, { type: 'webhook' }>, context: HookContext, deps: HookDeps): Promise<void> {
  const body = JSON.stringify({ environment: context.environment, step: context.step, phase: context.phase, weight: context.weight, canaryVersion: context.canaryVersion, stableVersion: context.stableVersion })
  const secrets = new SecretSet(deps.logger)
  secrets.addUrl(hook.url)
  secrets.addHeaders(hook.headers)
  const client = createHttpClient(
    { timeoutMs: hook.timeout, retries: hook.retries },
    httpClientDeps({ logger: deps.logger, ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.sleep ? { sleep: deps.sleep } : {}), ...(deps.random ? { random: deps.random } : {}) }),
    {},
    (t) => secrets.scrub(t),
  )
  const outcome = await client.send({
    method: hook.method,
    url: hook.url,
    headers: { 'content-type': 'application/json', ...hook.headers },
    ...(hook.method === 'GET' ? {} : { body }),
  })
  if (outcome.kind === 'response' && outcome.response.status >= 200 && outcome.response.status < 300) return
  const detail = outcome.kind === 'response' ? describeResponseFailure(outcome) : describeFailure(outcome)
  throw new Error(secrets.scrub(`${hook.method} ${redactUrl(hook.url)} failed: ${detail}`))
}

/** Migration commands (shared/migration) run as command hooks do, templated with the rollout's versions. */
export function createMigrationRunner(deps: HookDeps): MigrationRunner {
  return {
    async run(phase, argv, timeoutMs, context) {
      const filled = argv.map((a) => fill(a, { ...context, step: 0, phase: 'before', weight: 0 }))
      await deps.logger.group(`migration ${phase}: ${filled[0] ?? ''}`, async () => {
        try {
          await runCommandHook(filled, timeoutMs, deps)
        } catch (error) {
          throw new ConfigError(`${context.environment}: the migration's ${phase} command failed: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
            reasonCode: 'migration-failed',
          })
        }
      })
    },
  }
}
