// The reference scanner, by reference kind: every SDK evaluation, constants, enums, object maps,
// re-exports and wrappers followed across files, text files by name and alias, .gitignore (nested),
// include/exclude, binary and huge files skipped, and 1-based positions.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { scanRepository, SDK_NAME_STEMS } from '../../shared/flags/scan.js'
import { SDK_EVALUATION_NAMES } from '../../shared/flags/scan-modules.js'
import type { FlagRef, FlagReference, ScanOptions } from '../../shared/flags/types.js'

const roots: string[] = []
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true })
})

function repo(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'rollgate-scan-'))
  roots.push(root)
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, f)), { recursive: true })
    writeFileSync(join(root, f), text)
  }
  return root
}

async function scan(files: Record<string, string | Buffer>, flags: FlagRef[] = [{ name: 'new-checkout' }], opts: Partial<ScanOptions> = {}) {
  const root = repo(files)
  return scanRepository(flags, { root, include: [], exclude: [], ...opts })
}

const short = (refs: FlagReference[]) => refs.map((r) => `${r.file}:${r.line}:${r.column} ${r.kind}${r.via ? ` ${r.via}` : ''}`)

describe('SDK evaluations', () => {
  it('every SDK evaluation name contains one of the prefilter stems (so no evaluation file is skipped)', () => {
    for (const n of SDK_EVALUATION_NAMES) expect(SDK_NAME_STEMS.some((s) => n.includes(s)), n).toBe(true)
  })

  it.each(SDK_EVALUATION_NAMES)('%s(flag) is an evaluation, as a method and as a bare call', async (fn) => {
    const r = await scan({ 'src/a.ts': `import { ${fn} } from 'sdk'\nconst c = { ${fn} }\nc.${fn}('new-checkout')\n  ${fn}("new-checkout", false)\n` })
    expect(short(r.references)).toEqual([`src/a.ts:3:1 evaluation ${fn}`, `src/a.ts:4:3 evaluation ${fn}`])
  })

  it.each(['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'])('.%s files are parsed', async (ext) => {
    const body = ext === 'cjs' ? `const { unleash } = require('sdk')\nmodule.exports = () => unleash.isEnabled('new-checkout')\n` : `export const A = () => <b>{useFlag('new-checkout') ? 1 : 2}</b>\n`
    const r = await scan({ [`src/a.${ext}`]: ext === 'ts' || ext === 'mts' || ext === 'cts' ? `export const A = useFlag('new-checkout')\n` : body })
    expect(r.references.map((x) => `${x.kind} ${x.via}`)).toEqual([ext === 'cjs' ? 'evaluation isEnabled' : 'evaluation useFlag'])
    expect(r.filesParsed).toBe(1)
  })

  it('columns are 1-based UTF-16 positions after non-ASCII text', async () => {
    const r = await scan({ 'src/a.ts': `const é = 'ü'; client.isEnabled('new-checkout')\n` })
    expect(short(r.references)).toEqual(['src/a.ts:1:16 evaluation isEnabled'])
  })

  it('a local function that merely shares an SDK name is not an evaluation', async () => {
    const r = await scan({ 'src/a.ts': `function isEnabled(x: string) { return x.length > 3 }\nexport const v = isEnabled('new-checkout')\n` })
    expect(r.references.map((x) => x.kind)).toEqual(['text'])
  })

  it('a dynamic name is not attributed to any flag', async () => {
    const r = await scan({ 'src/a.ts': `export const v = (n: string) => client.isEnabled(n)\n` })
    expect(r.references).toEqual([])
  })
})

describe('names held in constants, enums, maps and re-exports, across files', () => {
  it.each([
    ['constant', `export const NEW_CHECKOUT = 'new-checkout'\n`, `import { NEW_CHECKOUT } from './flags'\nclient.isEnabled(NEW_CHECKOUT)\n`, 'src/flags.ts:1:29 constant NEW_CHECKOUT'],
    ['enum member', `export enum Flag {\n  NewCheckout = 'new-checkout',\n}\n`, `import { Flag } from './flags'\nclient.isEnabled(Flag.NewCheckout)\n`, 'src/flags.ts:2:17 constant Flag.NewCheckout'],
    ['object map', `export const FLAGS = { checkout: { next: 'new-checkout' } } as const\n`, `import { FLAGS } from './flags'\nclient.isEnabled(FLAGS.checkout['next'])\n`, 'src/flags.ts:1:42 constant FLAGS.checkout.next'],
    ['namespace import', `export const NEW_CHECKOUT = 'new-checkout'\n`, `import * as f from './flags'\nclient.isEnabled(f.NEW_CHECKOUT)\n`, 'src/flags.ts:1:29 constant NEW_CHECKOUT'],
    ['aliased import and alias constant', `export const NEW_CHECKOUT = 'new-checkout'\n`, `import { NEW_CHECKOUT as N } from './flags.js'\nconst X = N\nclient.isEnabled(X)\n`, 'src/flags.ts:1:29 constant NEW_CHECKOUT'],
  ])('%s', async (_, flags, use, constant) => {
    const r = await scan({ 'src/flags.ts': flags, 'src/use.ts': use })
    const refs = short(r.references)
    expect(refs).toContain(constant)
    expect(refs.filter((x) => x.startsWith('src/use.ts'))).toEqual([expect.stringMatching(/^src\/use\.ts:\d+:1 evaluation isEnabled$/)])
  })

  it('follows re-exports through a barrel (named, renamed, export *) that holds no flag name itself', async () => {
    const r = await scan({
      'src/flags/names.ts': `export const NEW_CHECKOUT = 'new-checkout'\n`,
      'src/flags/more.ts': `export * from './names'\n`,
      'src/flags/index.ts': `export { NEW_CHECKOUT as CHECKOUT } from './more'\n`,
      'src/deep/use.ts': `import { CHECKOUT } from '../flags'\nexport const on = client.isEnabled(CHECKOUT)\n`,
    })
    expect(short(r.references)).toEqual([
      'src/deep/use.ts:2:19 evaluation isEnabled',
      'src/flags/index.ts:1:10 constant CHECKOUT',
      'src/flags/names.ts:1:29 constant NEW_CHECKOUT',
    ])
    // The consumer holds neither the flag name nor a wrapper: it was found by a later round.
    expect(r.timings.rounds).toBeGreaterThan(1)
  })

  it('a flag-holding name used outside an evaluation is reported as an unknown use', async () => {
    const r = await scan({
      'src/flags.ts': `export const FLAGS = { next: 'new-checkout' }\n`,
      'src/use.ts': `import { FLAGS } from './flags'\ntrack(FLAGS.next)\nObject.keys(FLAGS)\n`,
    })
    expect(short(r.references).filter((x) => x.startsWith('src/use.ts'))).toEqual(['src/use.ts:2:7 text use of FLAGS.next', 'src/use.ts:3:13 text dynamic use of FLAGS'])
  })
})

describe("the repository's own wrappers", () => {
  it('a function passing its parameter to an evaluation is a wrapper, transitively and across files', async () => {
    const r = await scan({
      'src/flags/client.ts': `import { unleash } from './unleash'\nexport function isOn(name: string) {\n  return unleash.isEnabled(name)\n}\n`,
      'src/flags/hooks.ts': `import { isOn } from './client'\nexport const useGate = (gate: string, fallback = false) => isOn(gate) || fallback\nexport default function useToggle(_ctx: object, key: string) { return useGate(key) }\n`,
      'src/a.tsx': `import useToggle from './flags/hooks'\nimport { isOn } from './flags/client'\nexport const A = () => useToggle({}, 'new-checkout') && isOn("new-checkout")\n`,
    })
    expect(short(r.references)).toEqual(['src/a.tsx:3:24 wrapper useToggle', 'src/a.tsx:3:57 wrapper isOn'])
  })

  it('a helper returning the evaluation of one flag makes its calls references of that flag', async () => {
    const r = await scan({
      'src/feature.ts': `export function useNewCheckout() {\n  return useFlag('new-checkout')\n}\n`,
      'src/page.ts': `import { useNewCheckout } from './feature'\nexport const on = useNewCheckout()\n`,
    })
    expect(short(r.references)).toEqual(['src/feature.ts:2:10 evaluation useFlag', 'src/page.ts:2:19 wrapper useNewCheckout'])
  })
})

describe('text files, names and aliases', () => {
  it('finds names and aliases in any text file, not inside longer words', async () => {
    const r = await scan(
      {
        'docs/flags.md': 'new-checkout is on.\nnot new-checkout-v2 nor old-new-checkout\n`newCheckout` alias\n',
        'config/app.yaml': 'features:\n  - new-checkout\n',
        'src/a.py': 'if client.is_enabled("new-checkout"): pass\n',
      },
      [{ name: 'new-checkout', aliases: ['newCheckout'] }],
    )
    expect(short(r.references)).toEqual(['config/app.yaml:2:5 text', 'docs/flags.md:1:1 text', 'docs/flags.md:3:2 text', 'src/a.py:1:23 text'])
    expect(r.references.every((x) => x.flag === 'new-checkout')).toBe(true)
  })

  it('mentions in TS comments and strings outside evaluations are text references', async () => {
    const r = await scan({ 'src/a.ts': `// remove new-checkout after launch\nconst label = 'new-checkout'\nclient.isEnabled('new-checkout')\n` })
    expect(short(r.references)).toEqual(['src/a.ts:1:11 text comment', 'src/a.ts:2:15 constant label', 'src/a.ts:3:1 evaluation isEnabled'])
  })

  it('an alias shared by two flags is an error that names both', async () => {
    await expect(scan({}, [{ name: 'a', aliases: ['x'] }, { name: 'b', aliases: ['x'] }])).rejects.toThrow('flag name "x" is given to both a and b')
  })
})

describe('which files are read', () => {
  const flagged = "client.isEnabled('new-checkout')\n"

  it('honours nested .gitignore files, negation and directory-only patterns', async () => {
    const r = await scan({
      '.gitignore': 'node_modules/\n*.log\nbuild\n!keep.log\n',
      'node_modules/sdk/index.js': flagged,
      'build/out.js': flagged,
      'a.log': 'new-checkout',
      'keep.log': 'new-checkout',
      'pkg/.gitignore': '/generated/\nlocal.ts\n',
      'pkg/generated/x.ts': flagged,
      'pkg/src/generated/y.ts': flagged,
      'pkg/local.ts': flagged,
      'pkg/src/local.ts': flagged,
      'other/local.ts': flagged,
    })
    expect([...new Set(r.references.map((x) => x.file))]).toEqual(['keep.log', 'other/local.ts', 'pkg/src/generated/y.ts'])
  })

  it('applies include and exclude globs', async () => {
    const files = { 'src/a.ts': flagged, 'src/a.test.ts': flagged, 'lib/b.ts': flagged, 'docs/c.md': 'new-checkout' }
    const r = await scan(files, undefined, { include: ['src/**', 'docs'], exclude: ['**/*.test.ts'] })
    expect([...new Set(r.references.map((x) => x.file))]).toEqual(['docs/c.md', 'src/a.ts'])
  })

  it('skips binary files and files over maxFileBytes', async () => {
    const binary = Buffer.concat([Buffer.from('new-checkout'), Buffer.from([0, 1, 2])])
    const huge = `${flagged}${'x'.repeat(5000)}\n`
    const r = await scan({ 'img.png': binary, 'src/huge.ts': huge, 'src/ok.ts': flagged }, undefined, { maxFileBytes: 4096 })
    expect(r.references.map((x) => x.file)).toEqual(['src/ok.ts'])
    expect(r.filesSkipped).toEqual({ binary: 1, huge: 1 })
    expect(r.filesScanned).toBe(2)
  })

  it('parses only the TS/JS files the prefilter picks', async () => {
    const files: Record<string, string> = { 'src/flagged.ts': flagged }
    for (let i = 0; i < 20; i++) files[`src/plain${i}.ts`] = `export const v${i} = ${i}\n`
    const r = await scan(files)
    expect(r.filesScanned).toBe(21)
    expect(r.filesParsed).toBe(1)
  })
})

describe("LaunchDarkly's useFlags() destructured", () => {
  it.each([
    ['the camel-cased key', 'const { newCheckout } = useFlags()'],
    ['a renamed camel-cased key', 'const { newCheckout: nc } = useFlags()'],
    ['the raw key', "const { 'new-checkout': nc } = useFlags()"],
    ['a method of a client', 'const { newCheckout } = ld.useFlags()'],
  ])('%s is an evaluation', async (_, line) => {
    const r = await scan({ 'src/a.tsx': `import { useFlags } from 'sdk'\nexport function A() {\n  ${line}\n  return null\n}\n` })
    expect(short(r.references)).toEqual([`src/a.tsx:3:${line.indexOf('{') + 5} evaluation useFlags`])
  })

  it('a key of another flag, a rest element and a local useFlags are not', async () => {
    const r = await scan({ 'src/a.ts': `function useFlags() { return { newCheckout: true } }\nexport const { newCheckout } = useFlags()\n`, 'src/b.ts': `export const { darkMode, ...rest } = useFlags()\n` })
    expect(r.references).toEqual([])
  })

})

describe("LaunchDarkly's flags objects: useFlags() and allFlags() read by key", () => {
  const component = (body: string) => `import { useFlags, ldClient } from 'sdk'\nexport function A() {\n${body}\n}\n`
  it.each([
    ['useFlags(), the camel-cased key', '  const flags = useFlags()\n  return flags.newCheckout', 4, 'useFlags'],
    ['useFlags(), the raw key', "  const flags = useFlags()\n  return flags['new-checkout']", 4, 'useFlags'],
    ['useFlags(), optional chaining and a cast', '  const flags = useFlags() as Record<string, boolean>\n  return flags?.newCheckout', 4, 'useFlags'],
    ['useFlags() read in place', '  return useFlags().newCheckout', 3, 'useFlags'],
    ['allFlags(), the raw key', "  const all = ldClient.allFlags()\n  return all['new-checkout']", 4, 'allFlags'],
    ['allFlags(), the camel-cased key', '  const all = ldClient.allFlags()\n  return all.newCheckout', 4, 'allFlags'],
  ])('%s is an evaluation', async (_, body, line, via) => {
    const r = await scan({ 'src/a.tsx': component(body) })
    expect(short(r.references)).toEqual([`src/a.tsx:${line}:10 evaluation ${via}`])
  })

  it('a file that names the flag only camel-cased, through allFlags(), passes the prefilter', async () => {
    const r = await scan({ 'src/a.ts': 'declare const client: { allFlags(): Record<string, boolean> }\nexport const on = client.allFlags().newCheckout\n' })
    expect(short(r.references)).toEqual(['src/a.ts:2:19 evaluation allFlags'])
  })

  it('an object named flags that is not the SDK\'s (a literal, a parameter, a shadowing name) is not', async () => {
    const r = await scan({
      'src/a.ts': 'const flags = { newCheckout: true }\nexport const a = flags.newCheckout\nexport const b = (flags: { newCheckout: boolean }) => flags.newCheckout\n',
      'src/b.tsx': component('  const flags = useFlags()\n  const inner = () => { const flags = { newCheckout: 1 }; return flags.newCheckout }\n  return inner() && flags.darkMode'),
      'src/c.ts': 'let flags = useFlags()\nexport const c = flags.newCheckout\n',
    })
    expect(r.references).toEqual([])
  })

  it('a computed key or the object passed on may read any flag: listed, for the remover to leave', async () => {
    const r = await scan({ 'src/a.tsx': component('  const flags = useFlags()\n  track(flags)\n  return flags[name]'), 'src/b.ts': '' }, [{ name: 'new-checkout' }, { name: 'dark-mode' }])
    expect(short(r.references)).toEqual([
      'src/a.tsx:4:9 text dynamic use of flags',
      'src/a.tsx:4:9 text dynamic use of flags',
      'src/a.tsx:5:10 text dynamic use of flags[name]',
      'src/a.tsx:5:10 text dynamic use of flags[name]',
    ])
    expect(new Set(r.references.map((x) => x.flag))).toEqual(new Set(['new-checkout', 'dark-mode']))
  })

  it.each([
    ['new-checkout', 'newCheckout'],
    ['NEW_CHECKOUT', 'newCheckout'],
    ['beta.banner-2', 'betaBanner2'],
    ['newCheckout', 'newCheckout'],
    ['XMLParser-on', 'xmlParserOn'],
  ])('camel-cases %s as %s (lodash, as the SDK does)', async (key, camel) => {
    const { ldCamelCase } = await import('../../shared/flags/scan-modules.js')
    expect(ldCamelCase(key)).toBe(camel)
  })
})

describe('import resolution through tsconfig', () => {
  it.each([
    ['paths', '{ "compilerOptions": { "baseUrl": ".", "paths": { "@app/*": ["src/*"] } } }', '@app/flags'],
    ['paths without baseUrl, with comments', '{\n  // aliases\n  "compilerOptions": { "paths": { "~/*": ["./src/*"], }, },\n}', '~/flags'],
    ['baseUrl', '{ "compilerOptions": { "baseUrl": "src" } }', 'flags'],
  ])('%s: a constant imported through the alias is followed', async (_, tsconfig, spec) => {
    const r = await scan({
      'tsconfig.json': tsconfig,
      'src/flags.ts': `export const NEW_CHECKOUT = 'new-checkout'\n`,
      'src/app/page.ts': `import { unleash } from 'sdk'\nimport { NEW_CHECKOUT } from '${spec}'\nexport const v = unleash.isEnabled(NEW_CHECKOUT)\n`,
    })
    expect(short(r.references)).toEqual(['src/app/page.ts:3:18 evaluation isEnabled', 'src/flags.ts:1:29 constant NEW_CHECKOUT'])
  })
})
