/**
 * Examples use only what the code has. An example that relies on a feature still being built says
 * so in its header (`# Not built yet: lands with #12 ...`) and in examples/README.md, and the test
 * fails both ways: an unmarked example using a pending feature, or a marker left behind once the
 * feature has landed.
 *
 * When a feature lands, flip it in NOT_BUILT_YET (one line) and remove the markers the test then
 * points at.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../scripts/lint-workflows.js'
import { createMetricsProvider } from '../../shared/metrics/registry.js'
import { createTrafficProvider } from '../../shared/traffic/registry.js'

type Feature = 'comment commands' | 'flag cleanup'

/** The single list to flip: the issue that lands each feature, or null once it has landed. */
const NOT_BUILT_YET: Record<Feature, string | null> = {
  'comment commands': null, // the root action (router), `/rollgate <command>` comments, waiting on one
  'flag cleanup': null, // actions/flag-cleanup and the policy's `flags:` section
}

const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8')
const files = ['examples/workflows', 'examples/policies'].flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => `${dir}/${f}`),
)

/** `/rollgate promote production --to 25` → { name: 'promote', options: ['to'] }, from prose and comments. */
function commandsIn(text: string): { name: string; options: string[] }[] {
  const out: { name: string; options: string[] }[] = []
  for (const match of text.matchAll(/\/rollgate(?: +([a-z][a-z-]*)((?: +[^\s`'"]+| +"[^"]*")*))?/g)) {
    if (match[1] === undefined) continue
    out.push({ name: match[1], options: [...(match[2] ?? '').matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1] as string) })
  }
  return out
}

/** The pending features a file relies on, from what it contains. */
function featuresOf(file: string): Set<Feature> {
  const text = read(file)
  const used = new Set<Feature>()
  if (/uses:\s*(?:rollgate-dev\/rollgate@|\.\/?\s*$)/m.test(text) || commandsIn(text).length > 0) used.add('comment commands')
  if (/uses:\s*\S*actions\/flag-cleanup(?:@|\s|$)/m.test(text)) used.add('flag cleanup')
  if (file.startsWith('examples/policies/') && (parse(text) as Record<string, unknown>)['flags'] !== undefined) used.add('flag cleanup')
  return used
}

const MARKER = /^# Not built yet: lands with (#\d+)\b/gm
const markersOf = (text: string): string[] => [...text.matchAll(MARKER)].map((m) => m[1] as string)

describe('examples mark the features that are not built yet', () => {
  it.each(files)('%s carries exactly the markers of the pending features it uses', (file) => {
    const pending = [...featuresOf(file)].map((f) => NOT_BUILT_YET[f]).filter((issue): issue is string => issue !== null)
    expect(markersOf(read(file)).sort()).toEqual([...new Set(pending)].sort())
  })

  it('examples/README.md marks the row of every example with a marker, and no other', () => {
    const readme = read('examples/README.md')
    for (const file of files) {
      // A row is an example's when its first link points at the example.
      const rows = readme.split('\n').filter((line) => line.startsWith('|') && /\]\(([^)]+)\)/.exec(line)?.[1] === file.replace('examples/', ''))
      for (const row of rows) {
        const issues = markersOf(read(file))
        for (const issue of issues) expect(row, `${file}'s row in examples/README.md`).toContain(`lands with ${issue}`)
        if (issues.length === 0) expect(row, `${file}'s row in examples/README.md`).not.toMatch(/lands with #/)
      }
    }
  })

  it('the root README names what each pending feature waits for', () => {
    const readme = read('README.md')
    for (const issue of Object.values(NOT_BUILT_YET)) if (issue !== null) expect(readme).toContain(`lands with ${issue}`)
  })
})

describe('examples use only commands, inputs and providers the code has', () => {
  // The grammar arrives with #12; once it is here every command an example writes must parse.
  const grammarPath = join(ROOT, 'shared/commands/grammar.ts')
  it.each(files)('%s writes only `/rollgate` commands and options the grammar knows', async (file) => {
    const commands = commandsIn(read(file))
    if (!existsSync(grammarPath)) {
      // Not built: the file must say so (checked above) and the commands cannot be checked yet.
      if (commands.length > 0) expect(NOT_BUILT_YET['comment commands']).not.toBeNull()
      return
    }
    const grammar = (await import(grammarPath)) as { COMMAND_NAMES: readonly string[]; COMMAND_OPTIONS: Record<string, readonly string[]> }
    for (const command of commands) {
      expect(grammar.COMMAND_NAMES, `${file}: /rollgate ${command.name}`).toContain(command.name)
      for (const option of command.options) expect(grammar.COMMAND_OPTIONS[command.name], `${file}: /rollgate ${command.name} --${option}`).toContain(option)
    }
  })

  const policies = files.filter((f) => f.startsWith('examples/policies/'))
  const fakeDeps = { logger: { debug() {}, info() {}, warning() {}, error() {} }, env: {} }
  it.each(policies)('%s names traffic and metrics providers the code can create', (file) => {
    const policy = parse(read(file)) as { environments: Record<string, { traffic: unknown }>; analysis?: Record<string, { provider: unknown }> }
    for (const [name, environment] of Object.entries(policy.environments)) {
      try {
        createTrafficProvider(environment.traffic as Parameters<typeof createTrafficProvider>[0], fakeDeps as unknown as Parameters<typeof createTrafficProvider>[1])
      } catch (error) {
        expect((error as Error).message, `${file}: environments.${name}.traffic`).not.toMatch(/expected one of|unknown/)
      }
    }
    for (const [name, template] of Object.entries(policy.analysis ?? {})) {
      try {
        createMetricsProvider(template.provider as Parameters<typeof createMetricsProvider>[0], fakeDeps as unknown as Parameters<typeof createMetricsProvider>[1])
      } catch (error) {
        expect((error as Error).message, `${file}: analysis.${name}.provider`).not.toMatch(/expected one of|unknown metrics provider/)
      }
    }
  })

  it('finds commands in prose the way a reader writes them', () => {
    expect(commandsIn('say `/rollgate promote production --to 25` or /rollgate rollback production --reason "bad"; /rollgate')).toEqual([
      { name: 'promote', options: ['to'] },
      { name: 'rollback', options: ['reason'] },
    ])
  })
})
