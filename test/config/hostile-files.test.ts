import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { validateCommand } from '../../cli/validate.js'
import { checkPolicy, POLICY_LIMITS } from '../../shared/config/load.js'
import { formatProblem } from '../../shared/config/problems.js'
import { FakeCliIO, policyText } from './helpers.js'

/** Every way a policy file can be bad exits 2 with one message naming the file and what is wrong. */
const dir = mkdtempSync(join(tmpdir(), 'rollgate-hostile-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, content: string | Buffer): string {
  writeFileSync(join(dir, name), content)
  return name
}

const aliasBomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`)].join('\n')

const cases: { what: string; setup: () => string; message: RegExp }[] = [
  { what: 'a YAML alias bomb', setup: () => file('bomb.yml', aliasBomb), message: /^bomb\.yml:2:\d+: YAML aliases \(\*name\) expand to more than 1000 nodes: .*alias bomb/m },
  { what: 'nesting deeper than the parser can go', setup: () => file('deep.yml', `${'['.repeat(5000)}${']'.repeat(5000)}`), message: /^deep\.yml:1:1: the file nests lists or mappings too deeply to be a policy \(expected at most 64 levels/m },
  {
    what: 'nesting deeper than the limit',
    setup: () => file('deep2.yml', `version: 1\nenvironments: ${'['.repeat(POLICY_LIMITS.maxDepth + 5)}1${']'.repeat(POLICY_LIMITS.maxDepth + 5)}\n`),
    message: /^deep2\.yml:2:\d+: lists and mappings are nested more than 64 levels deep here/m,
  },
  { what: 'a file over the size limit', setup: () => file('huge.yml', `version: 1\n#${'x'.repeat(POLICY_LIMITS.maxBytes)}\n`), message: /^Policy file huge\.yml is 1\.0 MiB; a policy file may be at most 1\.0 MiB$/m },
  { what: 'a binary file', setup: () => file('binary.yml', Buffer.from([0x76, 0x65, 0x72, 0x0a, 0x00, 0x01, 0x02])), message: /^Policy file binary\.yml is binary \(a NUL byte at line 2, column 1\), not YAML text$/m },
  { what: 'bytes that are not UTF-8', setup: () => file('latin1.yml', Buffer.from('version: 1\nname: caf\xe9\n', 'latin1')), message: /^Policy file latin1\.yml is not UTF-8 text \(an invalid byte at line 2, column 10\)/m },
  {
    what: 'a directory',
    setup: () => {
      mkdirSync(join(dir, 'policies'), { recursive: true })
      return 'policies'
    },
    message: /^Policy file policies is a directory, not a file; name the policy file inside it/m,
  },
  {
    what: 'a FIFO (reading it would block)',
    setup: () => {
      execFileSync('mkfifo', [join(dir, 'fifo.yml')])
      return 'fifo.yml'
    },
    message: /^Policy file fifo\.yml is not a regular file \(a FIFO, socket or device\)/m,
  },
  {
    what: 'a path through a file',
    setup: () => `${file('plain.yml', 'version: 1\n')}/rollgate.yml`,
    message: /^Policy file plain\.yml\/rollgate\.yml cannot exist: a part of its path is a file, not a directory$/m,
  },
  {
    what: 'a loop of symbolic links',
    setup: () => {
      symlinkSync('loop-b.yml', join(dir, 'loop-a.yml'))
      symlinkSync('loop-a.yml', join(dir, 'loop-b.yml'))
      return 'loop-a.yml'
    },
    message: /^Policy file loop-a\.yml cannot be read: its path has a loop of symbolic links$/m,
  },
  { what: 'a missing file', setup: () => 'absent.yml', message: /^Policy file absent\.yml not found/m },
]

// Root reads anything: the permission case only means something for other users.
const root = process.getuid?.() === 0
if (!root) {
  cases.push({
    what: 'an unreadable file',
    setup: () => {
      const name = file('secret.yml', policyText())
      chmodSync(join(dir, name), 0o000)
      return name
    },
    message: /^Policy file secret\.yml cannot be read: permission denied$/m,
  })
}

const names = new Map<string, string>()
function nameFor(c: (typeof cases)[number]): string {
  const known = names.get(c.what)
  if (known !== undefined) return known
  const name = c.setup()
  names.set(c.what, name)
  return name
}

describe('rollgate validate on a file that cannot be a policy', () => {
  it.each(cases)('$what: exits 2 naming the file and what is wrong', async (c) => {
    const { message } = c
    const name = nameFor(c)
    const io = new FakeCliIO(dir, {})
    const code = await validateCommand.run([name], io)
    expect({ code, out: io.out }).toEqual({ code: 2, out: '' })
    expect(io.err).toMatch(message)
    expect(io.err).not.toMatch(/\n\s+at |EISDIR|ENOTDIR|ELOOP|ReferenceError|RangeError/)
  })

  it.each(cases)('$what: --json gives one object with the same message', async (c) => {
    const io = new FakeCliIO(dir, {})
    const code = await validateCommand.run([nameFor(c), '--json'], io)
    expect(code).toBe(2)
    const result = JSON.parse(io.out) as { ok: boolean; error?: string; problems?: Parameters<typeof formatProblem>[0][] }
    expect(result.ok).toBe(false)
    const text = result.error ?? (result.problems ?? []).map(formatProblem).join('\n')
    expect(text).toMatch(c.message)
  })
})

describe('YAML mistakes of indentation, said as which key is at the wrong level', () => {
  const base = (steps: string, traffic = '    traffic:\n      provider: command\n      setWeight: [./set-weight, "{{weight}}"]\n') => `version: 1\nenvironments:\n  production:\n${traffic}${steps}`
  it.each([
    {
      what: 'a key indented too far (under its sibling)',
      text: base('      steps:\n        - weight: 5\n        - weight: 100\n'),
      problems: [/^p\.yml:7:7: 'steps' is indented too far: it is inside 'traffic' but belongs to 'production' \(expected 'steps' at column 5, like 'traffic' on line 4\)$/],
    },
    {
      what: 'a key between two levels',
      text: base('   steps:\n      - weight: 5\n      - weight: 100\n'),
      problems: [/^p\.yml:7:4: 'steps' is indented 3 spaces, which matches no level around it \(expected 4 spaces to belong to 'production' \(like 'traffic' on line 4\), or 2 spaces to belong to 'environments'/],
    },
    {
      what: 'a key of a list item out of line with the item',
      text: base('    steps:\n      - weight: 5\n       analysis: default\n      - weight: 100\n'),
      problems: [/^p\.yml:9:8: 'analysis' is indented 7 spaces, which matches no level around it \(expected 8 spaces to belong to the list item on line 8 \(like 'weight' on line 8\)/],
    },
    {
      what: 'an empty key whose keys were not indented under it',
      text: 'version: 1\nenvironments:\n  production:\n  traffic:\n    provider: command\n    setWeight: [./set-weight, "{{weight}}"]\n  steps:\n    - weight: 100\n',
      problems: [/^p\.yml:3:3: 'production' is empty, and the keys after it \('traffic', 'steps'\) are written at its level instead of under it \(expected 'traffic' \(line 4\) and the keys after it indented more than 'production', e\.g\. at column 5\)$/],
    },
    {
      what: 'a key deeper than a line that has a value',
      text: base('    steps: []\n      - weight: 5\n'),
      problems: [/^p\.yml:8:7: 'weight' is indented deeper than 'steps' on line 7, which already has a value/],
    },
    {
      what: 'a tab',
      text: base('    steps:\n\t- weight: 100\n'),
      problems: [/^p\.yml:8:1: this line is indented with a tab \(expected spaces only/],
    },
  ])('$what', ({ text, problems }) => {
    const result = checkPolicy(text, 'p.yml', {})
    expect(result.ok).toBe(false)
    const lines = result.problems.map(formatProblem)
    expect(lines).toHaveLength(problems.length)
    problems.forEach((pattern, i) => expect(lines[i]).toMatch(pattern))
    expect(lines.join('\n')).not.toMatch(/All mapping items|Sequence item without|Implicit keys/)
  })

  it('leaves a correctly indented file alone', () => {
    expect(checkPolicy(base('    steps:\n      - weight: 5\n      - weight: 100\n'), 'p.yml', {}).ok).toBe(true)
  })
})
