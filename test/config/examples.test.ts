import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import AjvModule from 'ajv'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { AJV_OPTIONS } from '../../scripts/gen-schema.js'
import { checkPolicy } from '../../shared/config/load.js'
import { formatProblem } from '../../shared/config/problems.js'
import { SCHEMA_ID } from '../../shared/config/schema.js'
import { readRepoFile, ROOT } from './helpers.js'

const examples = [
  '.github/rollgate.yml',
  ...readdirSync(resolve(ROOT, 'examples/policies'))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => `examples/policies/${f}`),
]

/** Every `${NAME}` the file uses, set to a value of the right kind. */
function envFor(text: string): Record<string, string> {
  const names = [...text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] as string)
  return Object.fromEntries(names.map((name) => [name, /URL$/.test(name) ? 'https://metrics.example.test' : 'secret-value']))
}

describe('examples', () => {
  it('covers the required providers', () => {
    expect(examples).toEqual(
      expect.arrayContaining([
        'examples/policies/gateway-api-prometheus.yml',
        'examples/policies/blue-green.yml',
        'examples/policies/argo-rollouts.yml',
        'examples/policies/aws-lambda.yml',
        'examples/policies/unleash-flag.yml',
        'examples/policies/haproxy-scrape.yml',
      ]),
    )
  })

  it.each(examples)('%s validates', (path) => {
    const text = readRepoFile(path)
    const result = checkPolicy(text, path, envFor(text))
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([])
  })

  // An absolute URL: a relative one breaks as soon as the file is copied into another repository.
  it.each(examples)('%s points editors at the published schema by its absolute URL', (path) => {
    const first = readRepoFile(path).split('\n')[0] ?? ''
    const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)
    expect(match?.[1]).toBe(SCHEMA_ID)
    const inRepo = new URL(SCHEMA_ID).pathname.split('/').slice(4).join('/')
    expect(resolve(ROOT, inRepo)).toBe(join(ROOT, 'schema/rollgate.schema.json'))
  })

  // What editors see: the published JSON file, compiled by a stock validator, accepts the file as written.
  let published: ReturnType<InstanceType<typeof AjvModule.default>['compile']> | undefined
  it.each(examples)('%s is accepted by schema/rollgate.schema.json as written', (path) => {
    published ??= new AjvModule.default({ ...AJV_OPTIONS, logger: false }).compile(JSON.parse(readRepoFile('schema/rollgate.schema.json')) as object)
    const validate = published
    expect(validate(parse(readRepoFile(path)) as unknown), JSON.stringify(validate.errors)).toBe(true)
  })
})
