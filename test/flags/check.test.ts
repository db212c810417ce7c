import { describe, expect, it } from 'vitest'
import { streamLogger } from '../../shared/action/logger.js'
import { addedLinesOf, evaluateFlagCheck, findIntroducedFlags, publishFlagCheck, toSarif, type AddedLines } from '../../shared/flags/check.js'
import type { FlagInfo } from '../../shared/flags/source.js'
import { judgeStale } from '../../shared/flags/stale.js'
import { createGitHubClient } from '../../shared/github/client.js'
import { FakeActionIO } from '../fakes/action-io.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'

const github = useFakeGitHub({ repository: 'acme/shop' })
const NOW = new Date('2026-06-01T00:00:00Z')
const flag = (over: Partial<FlagInfo>): FlagInfo => ({ name: 'x', aliases: [], state: { kind: 'boolean', value: true }, archived: false, markedStale: false, evidence: [], ...over })

const flags = [
  flag({ name: 'owned', owner: 'alice', expires: '2027-01-01' }),
  flag({ name: 'no-owner', expires: '2027-01-01' }),
  flag({ name: 'ld-temp', owner: 'team-web', temporary: true }),
  flag({ name: 'expired', owner: 'bob', expires: '2026-01-01' }),
]

describe('addedLinesOf', () => {
  it('numbers added lines in the new file across hunks', () => {
    const patch = '@@ -1,3 +1,4 @@\n a\n-b\n+B\n+C\n c\n@@ -10,2 +11,3 @@\n x\n+y\n z'
    expect(addedLinesOf(patch)).toEqual([{ line: 2, text: 'B' }, { line: 3, text: 'C' }, { line: 12, text: 'y' }])
  })
})

describe('the rollgate/flags check', () => {
  const added: AddedLines = new Map([
    ['src/a.ts', [{ line: 3, text: "if (client.isEnabled('owned')) go()" }, { line: 7, text: "const v = ld.boolVariation(\"no-owner\", ctx, false)" }]],
    ['src/b.tsx', [{ line: 1, text: "const on = useFlag('brand-new')" }, { line: 2, text: "const t = useFlag('ld-temp')" }]],
  ])

  it('finds evaluation calls on added lines, at their column', () => {
    expect(findIntroducedFlags(added)).toEqual([
      { name: 'owned', file: 'src/a.ts', line: 3, column: 23 },
      { name: 'no-owner', file: 'src/a.ts', line: 7, column: 29 },
      { name: 'brand-new', file: 'src/b.tsx', line: 1, column: 21 },
      { name: 'ld-temp', file: 'src/b.tsx', line: 2, column: 20 },
    ])
  })

  it('fails on new flags without owner or expiry, reports stale ones, passes the rest', () => {
    const result = evaluateFlagCheck({
      introduced: findIntroducedFlags(added),
      flags,
      verdicts: flags.map((f) => judgeStale(f, { afterDays: 30 }, NOW)),
      references: [{ flag: 'expired', file: 'src/c.ts', line: 9, column: 5, kind: 'evaluation' }],
      sourceDescription: 'the flag registry flags.yml',
      registryFile: 'flags.yml',
    })
    expect(result.conclusion).toBe('failure')
    expect(result.findings.map((f) => [f.rule, f.flag, f.level])).toEqual([
      ['flag-without-owner-or-expiry', 'no-owner', 'failure'],
      ['flag-without-owner-or-expiry', 'brand-new', 'failure'],
      ['flag-expired', 'expired', 'warning'],
    ])
    expect(result.findings[0]?.message).toContain('has no owner in the flag registry flags.yml')
    expect(result.findings[1]?.message).toContain('is not in the flag registry flags.yml')
    const sarif = toSarif(result.findings, '1.2.3') as { runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] }
    expect(sarif.runs[0]?.results.map((r) => [r.ruleId, r.level, r.locations[0]?.physicalLocation.region.startLine])).toEqual([
      ['flag-without-owner-or-expiry', 'error', 7],
      ['flag-without-owner-or-expiry', 'error', 1],
      ['flag-expired', 'warning', 9],
    ])
  })

  it('publishes a check run with annotations sent 50 per request', async () => {
    const sha = github.state.commitFiles({ branch: 'feature', files: { 'src/a.ts': 'x\n' } })
    const many: AddedLines = new Map([['src/a.ts', Array.from({ length: 120 }, (_, i) => ({ line: i + 1, text: `isEnabled('new-${i}')` }))]])
    const result = evaluateFlagCheck({ introduced: findIntroducedFlags(many), flags: [], verdicts: [], references: [], sourceDescription: 'the flag registry flags.yml', registryFile: 'flags.yml' })
    const io = new FakeActionIO()
    const octokit = createGitHubClient({ token: 'ghs_x', version: '0', logger: streamLogger(() => undefined), baseUrl: github.url, paceWrites: false, request: { retries: 0 } })
    const published = await publishFlagCheck(result, { owner: 'acme', repo: 'shop', headSha: sha, readOnly: false, checks: octokit.rest, io })
    expect(published).toEqual({ requests: 4, mode: 'check-run' })
    const run = github.state.checkRuns.find((r) => r.run.name === 'rollgate/flags')
    expect(run?.run.conclusion).toBe('failure')
    expect(run?.annotations.length).toBe(120)
    expect(github.count('checks/create') + github.count('checks/update')).toBe(3)
  })

  it('on a fork pull request falls back to workflow-command annotations and the job summary', async () => {
    const result = evaluateFlagCheck({ introduced: findIntroducedFlags(added), flags, verdicts: [], references: [], sourceDescription: 'the flag registry flags.yml', registryFile: 'flags.yml' })
    const io = new FakeActionIO()
    const published = await publishFlagCheck(result, { owner: 'acme', repo: 'shop', headSha: 'abc', readOnly: true, checks: undefined as never, io })
    expect(published.mode).toBe('workflow-commands')
    expect(github.requests.length).toBe(0)
    expect(io.errors.map((e) => [e.where?.file, e.where?.startLine])).toEqual([['src/a.ts', 7], ['src/b.tsx', 1]])
    expect(io.summary).toContain('rollgate/flags')
  })
})
