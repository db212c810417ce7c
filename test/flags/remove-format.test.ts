// The repository's own Prettier runs on the files a removal edited: only when the repository has a
// Prettier config and prettier in its own node_modules (it is never bundled); otherwise the edits
// stay as spliced and a note says why.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { scanRepository } from '../../shared/flags/scan.js'
import { removeFlag } from '../../shared/flags/remove/remove-flag.js'

const ours = join(import.meta.dirname, '../../node_modules/prettier')
const roots: string[] = []
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true })
})

const source = `import { unleash } from "sdk";

export const label = (n: number): string =>
  unleash.isEnabled("new-label") ? "new" : \`old \${n}\`;
`

async function run(setup: (root: string) => void) {
  const root = mkdtempSync(join(tmpdir(), 'rollgate-format-'))
  roots.push(root)
  mkdirSync(join(root, 'src'))
  writeFileSync(join(root, 'src/label.ts'), source)
  writeFileSync(join(root, '.gitignore'), 'node_modules/\n')
  setup(root)
  const scan = await scanRepository([{ name: 'new-label' }], { root, include: [], exclude: [] })
  return removeFlag({ name: 'new-label' }, { kind: 'boolean', value: true }, { root, references: scan.references })
}

const withPrettier = (root: string) => {
  mkdirSync(join(root, 'node_modules'))
  symlinkSync(ours, join(root, 'node_modules/prettier'), 'dir')
}

describe("the repository's Prettier", () => {
  it('formats edited files with the config it finds', async () => {
    const r = await run((root) => {
      writeFileSync(join(root, '.prettierrc'), '{ "semi": true, "singleQuote": false }\n')
      withPrettier(root)
    })
    expect(r.edits.map((e) => e.after)).toEqual(['export const label = (n: number): string => "new";\n'])
    expect(r.notes).toContain("edited files formatted with the repository's Prettier")
  })

  it('reads the config from package.json too, with its options (single quotes here)', async () => {
    const r = await run((root) => {
      writeFileSync(join(root, 'package.json'), '{ "name": "x", "prettier": { "singleQuote": true, "semi": false } }\n')
      withPrettier(root)
    })
    expect(r.edits.map((e) => e.after)).toEqual(["export const label = (n: number): string => 'new'\n"])
  })

  it('leaves the spliced text alone without a config', async () => {
    const r = await run(withPrettier)
    expect(r.edits.map((e) => e.after)).toEqual(['export const label = (n: number): string =>\n  "new";\n'])
    expect(r.notes).toContain('not formatted: no Prettier config in the repository')
  })

  it('says so when the repository has a config but prettier is not installed in it', async () => {
    const r = await run((root) => writeFileSync(join(root, '.prettierrc'), '{}\n'))
    expect(r.edits.map((e) => e.after)).toEqual(['export const label = (n: number): string =>\n  "new";\n'])
    expect(r.notes.join('\n')).toContain('no prettier in its node_modules')
  })
})
