import { afterEach, describe, expect, it } from 'vitest'
import type { Hook } from '../../shared/config/policy.generated.js'
import { createHookRunner, type HookContext } from '../../shared/rollout/hooks.js'
import { RecordingLogger, serverPool } from '../metrics/support/server.js'

const pool = serverPool()
afterEach(() => pool.closeAll())

const context: HookContext = { environment: 'production', step: 2, phase: 'before', canaryVersion: 'v2', stableVersion: 'v1', weight: 25 }

describe('hooks', () => {
  it('a command hook runs its argv with the placeholders filled in, no shell, its output logged line by line', async () => {
    const logger = new RecordingLogger()
    const hooks: Hook[] = [{ type: 'command', run: [process.execPath, '-e', 'console.log(process.argv.slice(1).join(" "))', '{{weight}}', '{{version}}', '$(id)'], timeout: 10_000, continueOnError: false } as Hook]
    await createHookRunner({ logger }).run(hooks, context)
    expect(logger.lines).toContain('info: 25 v2 $(id)')
  })

  it('a failing command hook names the hook, the step and the last output lines', async () => {
    const hooks = [{ type: 'command', run: [process.execPath, '-e', 'console.error("db not ready"); process.exit(2)'], timeout: 10_000, continueOnError: false }] as Hook[]
    await expect(createHookRunner({ logger: new RecordingLogger() }).run(hooks, context)).rejects.toThrow(
      /^hook: before hook 1 of step 2 \(.*node\) failed: .*node exited with 2: db not ready$/,
    )
  })

  it('a command hook that outlives its timeout is stopped', async () => {
    const hooks = [{ type: 'command', run: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'], timeout: 300, continueOnError: false }] as Hook[]
    await expect(createHookRunner({ logger: new RecordingLogger() }).run(hooks, context)).rejects.toThrow(/was stopped after 300 ms \(SIGKILL\)/)
  })

  it('a webhook is retried through the shared HTTP client (503 then 200) and sends the rollout as JSON', async () => {
    const server = await pool.start([{ status: 503 }, { status: 200 }])
    const sleeps: number[] = []
    const hooks = [{ type: 'webhook', url: `${server.url}/hook`, method: 'POST', headers: {}, retries: 2, timeout: 5000, continueOnError: false }] as unknown as Hook[]
    await createHookRunner({ logger: new RecordingLogger(), sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 }).run(hooks, context)
    expect(server.requests).toHaveLength(2)
    expect(sleeps).toEqual([250])
    expect(JSON.parse(server.requests[1]?.body ?? '{}')).toMatchObject({ environment: 'production', weight: 25, canaryVersion: 'v2' })
  })

  it('a failing webhook says what came back, without the token in its URL or headers', async () => {
    const server = await pool.start((r) => ({ status: 401, body: `denied ${r.url} ${String(r.headers['authorization'])}` }))
    const logger = new RecordingLogger()
    const hooks = [{ type: 'webhook', url: `${server.url}/hook?token=hook-token-123456`, method: 'POST', headers: { Authorization: 'Bearer header-token-abcdef' }, retries: 0, timeout: 5000, continueOnError: false }] as unknown as Hook[]
    const failure = createHookRunner({ logger }).run(hooks, context)
    await expect(failure).rejects.toThrow(/HTTP 401/)
    const message = await failure.catch((e: Error) => e.message)
    expect(message).not.toContain('hook-token-123456')
    expect(message).not.toContain('header-token-abcdef')
    expect(logger.masked).toEqual(expect.arrayContaining(['hook-token-123456', 'Bearer header-token-abcdef']))
  })
})
