// Regenerates the generated sections of the READMEs (`npm run docs`); the contract test checks them.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { readActionYml, renderActionReadme, renderPolicyReference, replaceSection } from './readme-tables.js'

const root = resolve(import.meta.dirname, '..')
const dirs = readdirSync(join(root, 'actions')).map((d) => join(root, 'actions', d))
for (const dir of [...dirs, root]) {
  const readmePath = join(dir, 'README.md')
  const meta = readActionYml(join(dir, 'action.yml'))
  const before = readFileSync(readmePath, 'utf8')
  const after = renderActionReadme(before, meta, readmePath)
  if (after !== before) {
    writeFileSync(readmePath, after)
    console.log(`updated ${readmePath.slice(root.length + 1)}`)
  }
}

// The root README also carries the policy file reference, generated from the published schema.
const readme = join(root, 'README.md')
const schema = JSON.parse(readFileSync(join(root, 'schema', 'rollgate.schema.json'), 'utf8')) as Parameters<typeof renderPolicyReference>[0]
const current = readFileSync(readme, 'utf8')
const next = replaceSection(current, 'policy-reference', renderPolicyReference(schema), readme)
if (next !== current) {
  writeFileSync(readme, next)
  console.log('updated README.md (policy reference)')
}
