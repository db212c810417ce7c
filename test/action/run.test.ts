import { afterEach, describe, expect, it } from 'vitest'
import { FakeActionIO } from '../fakes/action-io.js'
import { runAction } from '../../shared/action/run.js'
import { ConfigError, ProviderError } from '../../shared/errors.js'
import { actionLogger, streamLogger } from '../../shared/action/logger.js'

afterEach(() => {
  process.exitCode = undefined
})

describe('runAction', () => {
  it('turns a user error into one failure line, exit code 1 and no stack', async () => {
    const io = new FakeActionIO()
    await runAction(async () => {
      throw new ConfigError(`Input 'environment' is required`)
    }, io)
    expect(io.failed).toBe(`Input 'environment' is required`)
    expect(process.exitCode).toBe(1)
    expect(io.logs.join('\n')).not.toMatch(/\s+at /)
  })

  it('says which service and call failed for an upstream error', async () => {
    const io = new FakeActionIO()
    await runAction(async () => {
      throw new ProviderError('prometheus', 'GET /api/v1/query_range', 'HTTP 502', true)
    }, io)
    expect(io.failed).toBe('prometheus: GET /api/v1/query_range failed after retries: HTTP 502')
  })

  it('prints the stack of a bug after the failure line', async () => {
    const io = new FakeActionIO()
    await runAction(async () => {
      throw new TypeError('cannot read properties of undefined')
    }, io)
    expect(io.failed).toBe('Unexpected error (a bug in Rollgate, please report it): cannot read properties of undefined')
    expect(io.logs[0]).toMatch(/^TypeError: cannot read/)
    expect(io.logs.some((l) => /^\s+at /.test(l))).toBe(true)
  })

  it('leaves the exit code alone when main succeeds', async () => {
    const io = new FakeActionIO()
    await runAction(async () => undefined, io)
    expect(io.failed).toBeUndefined()
    expect(process.exitCode).toBeUndefined()
  })
})

describe('loggers', () => {
  it('mask registered secrets in every line and register them with the runner', async () => {
    const io = new FakeActionIO()
    const log = actionLogger(io)
    log.mask('s3cr3t')
    log.info('token=s3cr3t')
    await log.group('calling with s3cr3t', async () => log.warn('again s3cr3t'))
    expect(io.secrets).toEqual(['s3cr3t'])
    expect(io.logs).toEqual(['token=***', '::group::calling with ***', '::endgroup::'])
    expect(io.warnings[0]?.message).toBe('again ***')
  })

  it('indents groups on a stream', async () => {
    const lines: string[] = []
    const log = streamLogger((l) => lines.push(l))
    await log.group('look 1', async () => log.info('errors: +3%'))
    expect(lines).toEqual(['look 1', '  errors: +3%'])
  })
})
