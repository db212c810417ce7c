import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../shared/errors.js'
import { loadPolicy, type PolicyFiles } from '../../shared/config/load.js'
import { PolicyError } from '../../shared/config/problems.js'
import { policyText, readRepoFile } from './helpers.js'

/** Files held in memory; a missing one fails the way fs does. */
function memoryFiles(files: Record<string, string>): PolicyFiles {
  return {
    readText: async (path) => {
      const text = files[path]
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })
      return text
    },
  }
}

describe('loadPolicy', () => {
  it('reads, validates and resolves the policy through the files port', async () => {
    const policy = await loadPolicy('.github/rollgate.yml', memoryFiles({ '.github/rollgate.yml': policyText() }), {})
    expect(Object.keys(policy.environments)).toEqual(['production'])
    expect(policy.analysis.default?.interval).toBe(60_000)
  })

  it('names the file in a PolicyError listing every problem', async () => {
    const files = memoryFiles({ 'p.yml': readRepoFile('test/fixtures/config/three-mistakes.yml') })
    await expect(loadPolicy('p.yml', files, {})).rejects.toSatisfy((e) => e instanceof PolicyError && e.problems.length === 3 && e.problems.every((p) => p.file === 'p.yml'))
  })

  it('turns a missing file into a ConfigError that says what was expected', async () => {
    const error = await loadPolicy('nope.yml', memoryFiles({}), {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toBe('Policy file nope.yml not found; expected a Rollgate policy (see schema/rollgate.schema.json).')
  })

  it('uses the environment it is given for ${NAME}', async () => {
    const text = policyText({ analysis: '    provider:\n      type: prometheus\n      address: ${PROM}\n    checks: [{ name: e, type: ratio, events: e, total: t }]' })
    const policy = await loadPolicy('p.yml', memoryFiles({ 'p.yml': text }), { PROM: 'http://prom' })
    expect(policy.analysis.default?.provider).toMatchObject({ type: 'prometheus', address: 'http://prom' })
  })
})
