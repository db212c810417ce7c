// Regenerates the generated sections of the READMEs (`npm run docs`); the contract test checks them.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { readActionYml, renderActionReadme } from './readme-tables.js'

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
