/**
 * Mirroring is a capability each traffic descriptor declares (`mirrors: true`), and nothing else
 * lists it: the policy checks accept a `mirror:` step for exactly the descriptors that declare it,
 * refuse it for the rest with the list computed from the registry, and a backend added only as a
 * descriptor (here, in this file) mirrors without any other file being edited.
 */
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { compileGrammar, POLICY_PARTS, policyRules, ROOT } from '../../scripts/gen-schema.js'
import { streamLogger } from '../../shared/action/logger.js'
import { checkPolicy } from '../../shared/config/load.js'
import { formatProblem } from '../../shared/config/problems.js'
import { str, variant } from '../../shared/config/schema-parts.js'
import { createTrafficProvider, TRAFFIC_BACKENDS } from '../../shared/traffic/registry.js'
import type { TrafficBackend, TrafficDeps, TrafficProvider } from '../../shared/traffic/types.js'
import { sampleBlock } from '../config/sample-block.js'

const policy = (traffic: unknown) => `version: 1
environments:
  staging:
    traffic: ${JSON.stringify(traffic)}
    steps:
      - { weight: 0, mirror: 10 }
      - { weight: 100 }
`

const MIRROR_COLUMN = 22

function problems(text: string, grammar = compileGrammar(POLICY_PARTS)): string[] {
  const result = checkPolicy(text, 'rollgate.yml', {}, { grammar })
  return result.ok ? [] : result.problems.map(formatProblem)
}

const refusal = (provider: string, mirroring: string[]) =>
  `rollgate.yml:6:${MIRROR_COLUMN}: the ${provider} traffic provider cannot mirror requests (step 1) (found provider: ${provider}; expected a provider whose engine mirrors (${mirroring.join(', ')}), or no mirror: on this step)`

const declared = TRAFFIC_BACKENDS.filter((b) => b.mirrors === true).map((b) => b.type)

describe('mirroring, declared by the traffic descriptors', () => {
  it('is generated into the loader from the descriptors, in registry order', () => {
    expect(declared.length).toBeGreaterThan(0)
    expect(declared.length).toBeLessThan(TRAFFIC_BACKENDS.length)
    expect(policyRules.mirroring).toEqual(declared)
  })

  it.each(TRAFFIC_BACKENDS.map((b) => [b.type, b] as const))('%s: a mirror: step is accepted exactly when its descriptor declares mirrors', (type, backend) => {
    const text = policy(sampleBlock(backend))
    // The built-in grammar (the generated file) and one composed from the registry agree.
    expect(checkPolicy(text, 'rollgate.yml', {}).ok).toBe(backend.mirrors === true)
    expect(problems(text)).toEqual(backend.mirrors === true ? [] : [refusal(type, declared)])
    // The refusal sits on the step's mirror: key, by its policy path (annotations and the CLI use it).
    const result = checkPolicy(text, 'rollgate.yml', {})
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(backend.mirrors === true ? [] : ['environments.staging.steps[0].mirror'])
  })

  // ---- A new backend with the capability: one descriptor, nothing else edited. ----
  const weights = new Map<string, number>()
  const shadowTraffic: TrafficBackend<{ provider: 'shadow'; pool: string }> = {
    type: 'shadow',
    mirrors: true,
    definition: 'shadowTraffic',
    schema: variant('provider', 'shadow', 'A pool that copies requests to the canary (test only).', { pool: str('Name of the pool.') }, ['pool']),
    create(config): TrafficProvider {
      return {
        name: 'shadow',
        async setWeight(weight, ctx) {
          weights.set(config.pool, ctx.mirror?.percent ?? weight)
          return { provider: 'shadow', target: config.pool, previous: undefined, weight, readBack: weight, changes: [] }
        },
        readWeight: async () => weights.get(config.pool),
        describe: () => config.pool,
      }
    },
  }
  const traffic = [...TRAFFIC_BACKENDS, shadowTraffic]
  const grammar = compileGrammar({ ...POLICY_PARTS, traffic })

  it('a test-only descriptor that declares mirrors is accepted on a mirror: step', () => {
    expect(problems(policy({ provider: 'shadow', pool: 'web' }), grammar)).toEqual([])
    expect(compileGrammar({ ...POLICY_PARTS, traffic }).rules.mirroring).toEqual([...declared, 'shadow'])
  })

  it('the refusal for the others names it too, and the built-in grammar (which never heard of it) does not', () => {
    const command = policy(sampleBlock(TRAFFIC_BACKENDS.find((b) => b.type === 'command') as TrafficBackend))
    expect(problems(command, grammar)).toEqual([refusal('command', [...declared, 'shadow'])])
    expect(problems(command)).toEqual([refusal('command', declared)])
  })

  it('the provider the registry builds carries its descriptor\'s capability, which the lifecycle reads', () => {
    const deps: TrafficDeps = { exec: undefined as never, fetch, logger: streamLogger(() => undefined), clock: { now: () => new Date(0), sleep: async () => undefined } }
    expect(createTrafficProvider({ provider: 'shadow', pool: 'web' } as never, deps, traffic).mirrors).toBe(true)
    const plain = { ...shadowTraffic, type: 'plain', mirrors: undefined, schema: variant('provider', 'plain', 'A pool that only weighs (test only).', { pool: str('Name of the pool.') }, ['pool']) }
    expect(createTrafficProvider({ provider: 'plain', pool: 'web' } as never, deps, [plain as never]).mirrors).toBe(false)
    for (const backend of TRAFFIC_BACKENDS) {
      const loaded = checkPolicy(policy(sampleBlock(backend)).replace(', mirror: 10', ''), 'rollgate.yml', {})
      if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'))
      expect(createTrafficProvider(loaded.policy.environments['staging']?.traffic as never, deps).mirrors, backend.type).toBe(backend.mirrors === true)
    }
  })
})

/**
 * What a provider can do, read from its code: the type checker finds every read of the weight
 * context's `mirror` (`WeightContext.mirror`) in the file that exports the descriptor. A descriptor
 * that declares `mirrors` without its provider reading the step's mirror (or a provider that reads
 * it without the descriptor declaring it) fails here; test/mirror/providers.test.ts then asserts,
 * through real kubectl, what the readers write.
 */
describe('each traffic descriptor\'s mirrors agrees with its provider', () => {
  const dir = resolve(ROOT, 'shared/traffic')
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f))
  const program = ts.createProgram(files, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, skipLibCheck: true })
  const checker = program.getTypeChecker()
  const typesFile = program.getSourceFile(join(dir, 'types.ts')) as ts.SourceFile
  const contextSymbol = checker.getSymbolAtLocation((typesFile.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === 'WeightContext') as ts.InterfaceDeclaration).name) as ts.Symbol
  const mirrorOfContext = checker.getDeclaredTypeOfSymbol(contextSymbol).getProperty('mirror') as ts.Symbol

  /** Lines of `file` that read the weight context's mirror. */
  function mirrorReads(file: string): number[] {
    const source = program.getSourceFile(file) as ts.SourceFile
    const lines: number[] = []
    const visit = (node: ts.Node): void => {
      let symbol: ts.Symbol | undefined
      if (ts.isPropertyAccessExpression(node) && node.name.text === 'mirror') symbol = checker.getSymbolAtLocation(node.name)
      if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent) && (node.propertyName ?? node.name).getText(source) === 'mirror') {
        symbol = checker.getTypeAtLocation(node.parent).getProperty('mirror')
      }
      if (symbol !== undefined && symbol === mirrorOfContext) lines.push(source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1)
      ts.forEachChild(node, visit)
    }
    visit(source)
    return lines
  }

  it.each(TRAFFIC_BACKENDS.map((b) => [b.type, b] as const))('%s', async (type, backend) => {
    const owners: string[] = []
    for (const file of files) {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>
      if (Object.values(module).includes(backend)) owners.push(file)
    }
    expect(owners, `the file exporting the ${type} descriptor`).toHaveLength(1)
    const reads = mirrorReads(owners[0] as string)
    expect(reads.length > 0, `${type}: descriptor mirrors=${String(backend.mirrors === true)}, reads of ctx.mirror at lines [${reads.join(', ')}]`).toBe(backend.mirrors === true)
  })
})
