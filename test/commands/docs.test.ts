import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { commandsReference } from '../../shared/commands/docs.js'

describe('docs/commands.md', () => {
  it('holds the grammar and the reason codes as the code has them', () => {
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'commands.md'), 'utf8')
    const section = /<!-- commands-reference -->\n([\s\S]*)\n<!-- \/commands-reference -->/.exec(text)?.[1]
    expect(section).toBe(commandsReference())
  })
})
