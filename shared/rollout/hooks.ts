/**
 * A step's `before` and `after` hooks: commands (run without a shell, with a timeout) and webhooks
 * (the rollout as a JSON body, retried). A failing hook stops the command unless it says
 * `continueOnError`; the error names the hook, the step and what came back.
 */
import { spawn } from 'node:child_process'
import { ProviderError } from '../errors.js'
import type { Logger } from '../action/logger.js'
import type { Hook } from '../config/policy.generated.js'

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
}

/** `{{weight}}`, `{{version}}`, `{{stableVersion}}`, `{{environment}}`, `{{step}}` inside one argument. */
function fill(text: string, c: HookContext): string {
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
        const label = `${context.phase} hook ${i + 1} of step ${context.step} (${hook.type === 'command' ? hook.run[0] : hook.url})`
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

async function runCommandHook(argv: string[], timeoutMs: number, deps: HookDeps): Promise<void> {
  const [command, ...args] = argv
  if (!command) throw new Error('empty command')
  await new Promise<void>((resolve, reject) => {
    const env = { ...(deps.env ?? process.env) } as NodeJS.ProcessEnv
    const child = spawn(command, args, { cwd: deps.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' })
    let tail = ''
    const keep = (d: Buffer): void => {
      const text = d.toString()
      for (const line of text.split('\n')) if (line.trim()) deps.logger.info(line)
      tail = (tail + text).slice(-2000)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.on('error', (e) => reject(new Error(`could not run ${command}: ${e.message}`)))
    child.on('close', (code, signal) => {
      if (code === 0) resolve()
      else if (signal) reject(new Error(`${command} was stopped after ${timeoutMs} ms (${signal})`))
      else reject(new Error(`${command} exited with ${code}: ${tail.trim().split('\n').slice(-3).join(' | ') || '(no output)'}`))
    })
  })
}

async function runWebhook(hook: Extract<Hook, { type: 'webhook' }>, context: HookContext, deps: HookDeps): Promise<void> {
  const doFetch = deps.fetch ?? fetch
  const body = JSON.stringify({ environment: context.environment, step: context.step, phase: context.phase, weight: context.weight, canaryVersion: context.canaryVersion, stableVersion: context.stableVersion })
  let last = ''
  for (let attempt = 0; attempt <= hook.retries; attempt++) {
    try {
      const response = await doFetch(hook.url, {
        method: hook.method,
        headers: { 'content-type': 'application/json', ...hook.headers },
        ...(hook.method === 'GET' ? {} : { body }),
        signal: AbortSignal.timeout(hook.timeout),
      })
      if (response.ok) return
      last = `HTTP ${response.status}`
      if (response.status < 500 && response.status !== 429) break
    } catch (error) {
      last = error instanceof Error ? error.message : String(error)
    }
    if (attempt < hook.retries) await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)))
  }
  throw new Error(`${hook.method} ${hook.url} failed${hook.retries > 0 ? ` after ${hook.retries + 1} attempts` : ''}: ${last}`)
}
