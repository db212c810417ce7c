import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import { createTrafficProvider } from '../../shared/traffic/registry.js'
import type { TrafficProvider } from '../../shared/traffic/types.js'
import { TrafficChangeError } from '../../shared/traffic/transaction.js'
import { testDeps } from './support.js'

// Recorded calls: a fake `aws` first on PATH records its argv and answers like the AWS CLI.
let dir: string
const log = (): string => join(dir, 'aws-calls.jsonl')
const state = (): string => join(dir, 'alias.json')
const ctx = { environment: 'production', stableVersion: '6', canaryVersion: '7' }
const base = ['--function-name', 'checkout', '--name', 'live']
const tail = ['--region', 'eu-west-1', '--output', 'json']

function recorded(): string[][] {
  return readFileSync(log(), 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as string[])
}

function lambda(env: Record<string, string> = {}): TrafficProvider {
  const { deps } = testDeps({ env: { FAKE_AWS_LOG: log(), FAKE_AWS_STATE: state(), ...env } })
  return createTrafficProvider({ provider: 'aws-lambda', function: 'checkout', alias: 'live', region: 'eu-west-1' }, deps)
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rollgate-aws-'))
  copyFileSync(new URL('../fixtures/traffic/fake-aws.mjs', import.meta.url), join(dir, 'aws'))
  chmodSync(join(dir, 'aws'), 0o755)
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => {
  vi.stubEnv('PATH', `${dir}${delimiter}${process.env.PATH ?? ''}`)
  writeFileSync(log(), '')
  writeFileSync(state(), JSON.stringify({ FunctionName: 'checkout', Name: 'live', FunctionVersion: '6', RevisionId: 'rev-1' }))
})

describe('aws-lambda provider', () => {
  it('sets alias routing with update-alias (guarded by the revision id) and reads it back with get-alias', async () => {
    const provider = lambda()

    const change = await provider.setWeight(5, ctx)

    expect(recorded()).toEqual([
      ['lambda', 'get-alias', ...base, ...tail],
      ['lambda', 'update-alias', ...base, '--function-version', '6', '--routing-config', '{"AdditionalVersionWeights":{"7":0.05}}', '--revision-id', 'rev-1', ...tail],
      ['lambda', 'get-alias', ...base, ...tail],
    ])
    expect(change).toEqual({
      provider: 'aws-lambda',
      target: 'Lambda alias checkout:live (eu-west-1)',
      previous: 0,
      weight: 5,
      readBack: 5,
      changes: ['Lambda alias checkout:live (eu-west-1): version 6→version 6 + 7@0.05'],
    })
  })

  it.each([
    [25, '6', '{"AdditionalVersionWeights":{"7":0.25}}'],
    [50, '6', '{"AdditionalVersionWeights":{"7":0.5}}'],
    [100, '7', '{"AdditionalVersionWeights":{}}'],
    [0, '6', '{"AdditionalVersionWeights":{}}'],
  ])('at weight %i points the alias at version %s with routing %s', async (weight, version, routing) => {
    const provider = lambda()
    await expect(provider.setWeight(weight, ctx)).resolves.toMatchObject({ weight, readBack: weight })
    const update = recorded()[1] ?? []
    expect(update.slice(update.indexOf('--function-version'), update.indexOf('--revision-id'))).toEqual(['--function-version', version, '--routing-config', routing])
    await expect(provider.readWeight()).resolves.toBe(weight)
  })

  it('restores the previous routing when the read-back differs', async () => {
    writeFileSync(state(), JSON.stringify({ FunctionName: 'checkout', Name: 'live', FunctionVersion: '6', AdditionalVersionWeights: { '7': 0.05 }, RevisionId: 'rev-1' }))
    const provider = lambda({ FAKE_AWS_IGNORE_UPDATES: '1' })

    const error = await provider.setWeight(25, ctx).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(TrafficChangeError)
    expect((error as TrafficChangeError).failure).toMatchObject({ previous: 5, failedAt: 'read-back', restored: ['Lambda alias checkout:live (eu-west-1): version 6 + 7@0.05→version 6 + 7@0.25'] })
    expect(recorded()).toEqual([
      ['lambda', 'get-alias', ...base, ...tail],
      ['lambda', 'update-alias', ...base, '--function-version', '6', '--routing-config', '{"AdditionalVersionWeights":{"7":0.25}}', '--revision-id', 'rev-1', ...tail],
      ['lambda', 'get-alias', ...base, ...tail],
      ['lambda', 'update-alias', ...base, '--function-version', '6', '--routing-config', '{"AdditionalVersionWeights":{"7":0.05}}', ...tail],
    ])
    expect(JSON.parse(readFileSync(state(), 'utf8'))).toMatchObject({ FunctionVersion: '6', AdditionalVersionWeights: { '7': 0.05 } })
  })

  it('reports the AWS error when the alias changed since it was read', async () => {
    const { deps } = testDeps({ env: { FAKE_AWS_LOG: log(), FAKE_AWS_STATE: state() } })
    const real = deps.exec
    deps.exec = {
      run: (command, args, options) => {
        if (args[1] === 'update-alias') writeFileSync(state(), JSON.stringify({ FunctionName: 'checkout', Name: 'live', FunctionVersion: '6', RevisionId: 'rev-2' }))
        return real.run(command, args, options)
      },
    }
    const provider = createTrafficProvider({ provider: 'aws-lambda', function: 'checkout', alias: 'live', region: 'eu-west-1' }, deps)
    await expect(provider.setWeight(5, ctx)).rejects.toThrow(
      /^aws-lambda: aws lambda update-alias checkout:live failed: aws exited with 254: An error occurred \(PreconditionFailedException\)/,
    )
  })

  it.each([
    [{ ...ctx, canaryVersion: 'sha-4f2a' }, /the canary version "sha-4f2a" is not a published Lambda version number/],
    [{ ...ctx, canaryVersion: '6' }, /the stable and canary versions are both 6/],
  ])('refuses versions alias routing cannot use: %j', async (context, message) => {
    const error = await lambda().setWeight(5, context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toMatch(message)
    expect(recorded()).toEqual([])
  })
})
