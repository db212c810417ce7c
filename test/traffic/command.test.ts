import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, ProviderError } from '../../shared/errors.js'
import { createTrafficProvider } from '../../shared/traffic/registry.js'
import type { TrafficProvider } from '../../shared/traffic/types.js'
import { TrafficChangeError } from '../../shared/traffic/transaction.js'
import { testDeps } from './support.js'

// The user's "executable" is a node script that records the argv it receives.
let dir: string
let script: string
const recordFile = (): string => join(dir, 'calls.jsonl')
const stateFile = (): string => join(dir, 'weight')

function calls(): { argv: string[]; env: Record<string, string> }[] {
  return readFileSync(recordFile(), 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { argv: string[]; env: Record<string, string> })
}

function commandProvider(options: { setWeight: string[]; getWeight?: string[] }, extraEnv: Record<string, string> = {}): { provider: TrafficProvider; logs: string[] } {
  const { deps, logs } = testDeps({ env: { RECORD_FILE: recordFile(), STATE_FILE: stateFile(), ...extraEnv } })
  return { provider: createTrafficProvider({ provider: 'command', ...options }, deps), logs }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rollgate-command-'))
  // A folder with a space: the executable's path must stay one argument too.
  mkdirSync(join(dir, 'user scripts'))
  script = join(dir, 'user scripts', 'set-weight.mjs')
  copyFileSync(new URL('../fixtures/traffic/record-argv.mjs', import.meta.url), script)
  chmodSync(script, 0o755)
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => {
  writeFileSync(recordFile(), '')
  writeFileSync(stateFile(), '0')
})

describe('command provider', () => {
  it('substitutes placeholders inside single arguments and never through a shell', async () => {
    const { provider } = commandProvider({
      setWeight: [script, 'set', '{{weight}}', '--version={{version}}', '{{environment}}', 'from {{stableVersion}} to {{version}}'],
    })
    const hostile = { environment: 'prod $(touch /tmp/rollgate-pwned) `id`', canaryVersion: 'x; rm -rf /', stableVersion: "v1' && echo owned '" }

    const change = await provider.setWeight(25, { ...hostile, recordedWeight: 5 })

    expect(calls()).toEqual([
      {
        argv: ['set', '25', '--version=x; rm -rf /', 'prod $(touch /tmp/rollgate-pwned) `id`', "from v1' && echo owned ' to x; rm -rf /"],
        env: { ROLLGATE_WEIGHT: '25', ROLLGATE_VERSION: 'x; rm -rf /', ROLLGATE_STABLE_VERSION: "v1' && echo owned '", ROLLGATE_ENVIRONMENT: 'prod $(touch /tmp/rollgate-pwned) `id`' },
      },
    ])
    expect(change).toEqual({ provider: 'command', target: `command ${script}`, previous: 5, weight: 25, readBack: undefined, changes: [`${script}: canary weight 5→25`] })
  })

  it('reads the weight back with getWeight', async () => {
    const { provider } = commandProvider({ setWeight: [script, 'set', '{{weight}}'], getWeight: [script, 'get', '{{environment}}'] })
    const change = await provider.setWeight(50, { environment: 'staging', canaryVersion: 'v2', stableVersion: 'v1' })
    expect(change).toMatchObject({ previous: 0, weight: 50, readBack: 50 })
    expect(calls().map((c) => c.argv)).toEqual([['get', 'staging'], ['set', '50'], ['get', 'staging']])
    await expect(provider.readWeight()).resolves.toBe(50)
  })

  it('runs the script again with the previous weight when it fails halfway', async () => {
    const { provider } = commandProvider({ setWeight: [script, 'set', '{{weight}}'], getWeight: [script, 'get'] }, { FAIL_WEIGHT: '25' })
    writeFileSync(stateFile(), '5')

    const error = await provider.setWeight(25, { environment: 'production', canaryVersion: 'v2', stableVersion: 'v1' }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(TrafficChangeError)
    expect((error as TrafficChangeError).failure).toMatchObject({ previous: 5, applied: [], restored: [`${script}: canary weight 5→25`], notRestored: [] })
    expect((error as Error).message).toContain('exited with 3: load balancer API: 503 Service Unavailable')
    expect(calls().map((c) => c.argv)).toEqual([['get'], ['set', '25'], ['set', '5']])
    expect(readFileSync(stateFile(), 'utf8')).toBe('5')
  })

  it('says so when nothing tells the previous weight to restore', async () => {
    const { provider } = commandProvider({ setWeight: [script, 'set', '{{weight}}'] }, { FAIL_WEIGHT: '25' })
    const error = await provider.setWeight(25, { environment: 'production', canaryVersion: 'v2', stableVersion: 'v1' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TrafficChangeError)
    expect((error as Error).message).toMatch(/could NOT restore the previous weights: .*the previous weight is unknown \(configure traffic.getWeight/)
  })

  it.each([
    [{ setWeight: [] }, /traffic.setWeight: expected a list of at least 1 item, got \[\]/],
    [{ setWeight: ['{{weight}}.sh'] }, /the first argument must be the executable's path/],
    [{ setWeight: ['./set.sh', '{{weigth}}'] }, /unknown placeholder \{\{weigth\}\} in "\{\{weigth\}\}"; accepted here: \{\{weight\}\}, \{\{version\}\}, \{\{stableVersion\}\}, \{\{environment\}\}/],
    [{ setWeight: ['./set.sh'], getWeight: ['./get.sh', '{{weight}}'] }, /traffic.getWeight: unknown placeholder \{\{weight\}\}/],
  ])('rejects %j with a clear message', (options, message) => {
    expect(() => commandProvider(options as { setWeight: string[] })).toThrow(ConfigError)
    expect(() => commandProvider(options as { setWeight: string[] })).toThrow(message)
  })

  it('reports a getWeight that prints no number', async () => {
    const { provider } = commandProvider({ setWeight: [script, 'set', '{{weight}}'], getWeight: [script, 'nothing'] })
    await expect(provider.readWeight({ environment: 'e', canaryVersion: 'v2', stableVersion: 'v1' })).rejects.toThrow(ProviderError)
  })
})
