import { describe, expect, it } from 'vitest'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { FakeActionIO } from '../fakes/action-io.js'
import type { ActionIO } from '../../shared/action/io.js'
import { readActionYml, renderActionReadme, renderPolicyReference, replaceSection, type ActionMetadata } from '../../scripts/readme-tables.js'
import { ROLLGATE_VERSION } from '../../shared/version.js'

const root = resolve(import.meta.dirname, '..', '..')

interface Entry {
  name: string
  dir: string
  meta: ActionMetadata
  inputsModule: string
}

const entries: Entry[] = [
  ...readdirSync(join(root, 'actions')).map((name) => ({
    name,
    dir: join(root, 'actions', name),
    meta: readActionYml(join(root, 'actions', name, 'action.yml')),
    inputsModule: `../../actions/${name}/inputs.js`,
  })),
  { name: 'router', dir: root, meta: readActionYml(join(root, 'action.yml')), inputsModule: '../../router/inputs.js' },
]

/** Valid values for every input any action declares, so a reader can run to the end. */
const VALID: Record<string, string> = {
  policy: '.github/rollgate.yml',
  environment: 'production',
  version: 'v2.0.0',
  'github-token': 'ghs_test',
  template: 'default',
  mode: 'once',
  task: 'cleanup',
  'fail-on': 'fail,inconclusive',
  to: '25',
  full: 'false',
  reason: 'error rate doubled',
  'dry-run': 'true',
  'repair-weight': '',
  sha: 'a'.repeat(40),
  'expected-sha': 'a'.repeat(40),
  'reply-comment-id': '1234',
  // actions/report
  environments: 'production',
  since: '90d',
  'hotfix-within': '24h',
  'hotfix-label': 'hotfix',
  'state-branch': 'rollgate-state',
}

class RecordingIO extends FakeActionIO {
  readonly read = new Set<string>()
  override getInput(name: string): string {
    this.read.add(name)
    return super.getInput(name)
  }
}

describe.each(entries)('$name action.yml', ({ name, dir, meta, inputsModule }) => {
  it('runs on node24 and points at an existing bundle', () => {
    expect(meta.runs.using).toBe('node24')
    const main = resolve(dir, meta.runs.main)
    expect(main).toBe(join(root, 'dist', name, 'index.js'))
    expect(existsSync(main), `${main} missing: run npm run build`).toBe(true)
  })

  it('declares exactly the inputs the code reads', async () => {
    const mod = (await import(inputsModule)) as Record<string, unknown>
    const names = mod['INPUT_NAMES'] as readonly string[]
    expect(Object.keys(meta.inputs ?? {}).sort()).toEqual([...names].sort())
    const reader = Object.entries(mod).find(([k, v]) => k.startsWith('read') && typeof v === 'function')?.[1] as (io: ActionIO) => unknown
    const io = new RecordingIO(Object.fromEntries(names.map((n) => [n, VALID[n] ?? 'x'])))
    reader(io)
    expect([...io.read].sort()).toEqual([...names].sort())
  })

  it('declares every output its main sets', () => {
    const source = readFileSync(join(name === 'router' ? join(root, 'router') : dir, 'main.ts'), 'utf8')
    const set = [...source.matchAll(/setOutput\('([^']+)'/g)].map((m) => m[1])
    for (const output of set) expect(Object.keys(meta.outputs ?? {}), `output '${output}'`).toContain(output)
  })

  it('has an index.ts of two statements that only runs main', () => {
    const index = readFileSync(join(name === 'router' ? join(root, 'router') : dir, 'index.ts'), 'utf8')
    const statements = index.split('\n').filter((l) => l.trim() !== '')
    expect(statements).toHaveLength(3) // two imports and `void runAction(main, { action })`
    // An action names itself so runAction can write its `result` output when main throws.
    expect(statements[2]).toBe(`void runAction(main, { action: '${name}' })`)
  })

  it('README tables are generated from action.yml (run npm run docs)', () => {
    const readme = join(dir, 'README.md')
    const text = readFileSync(readme, 'utf8')
    expect(text).toBe(renderActionReadme(text, meta, readme))
  })
})

describe('inputs across actions', () => {
  it('an input with the same name is declared identically everywhere', () => {
    const seen = new Map<string, { by: string; spec: unknown }>()
    for (const { name, meta } of entries) {
      for (const [input, spec] of Object.entries(meta.inputs ?? {})) {
        const first = seen.get(input)
        if (!first) seen.set(input, { by: name, spec })
        else expect(spec, `input '${input}' in ${name} differs from ${first.by}`).toEqual(first.spec)
      }
    }
  })

  it('package.json version equals the version the code reports', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
    expect(ROLLGATE_VERSION).toBe(pkg.version)
  })
})

describe('README', () => {
  it('carries the policy file reference generated from the published schema (run npm run docs)', () => {
    const readme = join(root, 'README.md')
    const text = readFileSync(readme, 'utf8')
    const schema = JSON.parse(readFileSync(join(root, 'schema', 'rollgate.schema.json'), 'utf8')) as Parameters<typeof renderPolicyReference>[0]
    expect(text).toBe(replaceSection(text, 'policy-reference', renderPolicyReference(schema), readme))
    expect(text).toContain('#### analysisTemplate')
  })

  it('quick start is the two commands a newcomer runs', () => {
    const text = readFileSync(join(root, 'README.md'), 'utf8')
    expect(text).toContain('npm ci && npm run demo')
    expect(text).toMatch(/^npm test\s/m)
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(pkg.scripts['demo']).toBeDefined()
    expect(pkg.scripts['test']).toBe('vitest run')
  })
})
