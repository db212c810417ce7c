// Writes schema/result.schema.json and docs/reason-codes.md from shared/reason-codes.ts.
// `--check` fails (exit 1) when the committed files differ. Run: npm run gen:reason-codes
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { reasonCodesMarkdown, resultSchemaText } from '../shared/result-schema.js'

const root = join(import.meta.dirname, '..')
const files: [string, string][] = [
  [join(root, 'schema', 'result.schema.json'), resultSchemaText()],
  [join(root, 'docs', 'reason-codes.md'), reasonCodesMarkdown()],
]
const check = process.argv.includes('--check')
let stale = 0
for (const [path, text] of files) {
  let current = ''
  try {
    current = readFileSync(path, 'utf8')
  } catch {
    current = ''
  }
  if (current === text) continue
  if (check) {
    console.error(`${path} is out of date: run npm run gen:reason-codes`)
    stale++
  } else writeFileSync(path, text)
}
process.exitCode = stale > 0 ? 1 : 0
