import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { generateSchemaFiles, policySchema } from '../../scripts/gen-schema.js'
import type { Policy } from '../../shared/config/policy.generated.js'
import type { RawAnalysisTemplate, RawPolicy } from '../../shared/config/policy-file.generated.js'
import type { JsonSchema } from '../../shared/config/schema.js'
import { ROOT } from './helpers.js'

describe('generated files', () => {
  const files = Object.entries(generateSchemaFiles())

  // The schema in shared/config/schema.ts is the source of truth; everything else is derived from it.
  it.each(files)('%s matches a fresh generation (run npm run gen:schema)', (path, content) => {
    expect(readFileSync(resolve(ROOT, path), 'utf8')).toBe(content)
  })

  it('types follow the schema: durations are strings in the file and milliseconds once loaded', () => {
    expectTypeOf<RawPolicy['analysis']>().toEqualTypeOf<Record<string, RawAnalysisTemplate> | undefined>()
    expectTypeOf<Policy['analysis'][string]['interval']>().toEqualTypeOf<number>()
    expectTypeOf<Policy['environments'][string]['steps'][number]['pause']>().toEqualTypeOf<'manual' | number | undefined>()
    expectTypeOf<Policy['environments'][string]['traffic']['provider']>().toEqualTypeOf<
      'command' | 'gateway-api' | 'istio' | 'nginx-ingress' | 'argo-rollouts' | 'aws-lambda' | 'haproxy' | 'unleash'
    >()
  })
})

describe('the schema', () => {
  function properties(schema: JsonSchema, at: string): [string, JsonSchema][] {
    return Object.entries(schema.properties ?? {}).map(([key, value]) => [`${at}.${key}`, value])
  }
  const all: [string, JsonSchema][] = [
    ...properties(policySchema, 'policy'),
    ...Object.entries(policySchema.definitions ?? {}).flatMap(([name, def]) => properties(def, name)),
  ]

  // The README reference is generated from these descriptions.
  it('describes every property and definition', () => {
    const missing = [
      ...all.filter(([, schema]) => (schema.description?.length ?? 0) < 4).map(([path]) => path),
      ...Object.entries(policySchema.definitions ?? {}).filter(([, def]) => !def.description).map(([name]) => name),
    ]
    expect(missing).toEqual([])
  })
})
