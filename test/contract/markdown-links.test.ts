/**
 * Every relative link in the repository's markdown points at a file or folder that exists, so a
 * reader following one never lands on a 404 (docs/judge.md once pointed at a DESIGN.md that is not
 * in the repository).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../bundle/harness.js'

const markdown = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], { cwd: REPO_ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f !== '' && !f.startsWith('node_modules/') && existsSync(join(REPO_ROOT, f)))

/** Relative link targets with their line: `[text](target)`, `[id]: target` and `href="target"`, outside code. */
export function relativeLinks(text: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = []
  let fenced = false
  text.split('\n').forEach((raw, i) => {
    if (/^\s*(```|~~~)/.test(raw)) fenced = !fenced
    if (fenced) return
    const line = raw.replace(/`[^`]*`/g, '')
    const targets = [
      ...[...line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] as string),
      ...[...line.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g)].map((m) => m[1] as string),
      ...[...line.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1] as string),
    ]
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('//')) continue
      out.push({ target, line: i + 1 })
    }
  })
  return out
}

describe('relative links in markdown', () => {
  it('finds the markdown files', () => {
    expect(markdown).toEqual(expect.arrayContaining(['README.md', 'docs/judge.md', 'examples/README.md']))
  })

  it.each(markdown)('%s links only to files that exist', (file) => {
    const broken = relativeLinks(readFileSync(join(REPO_ROOT, file), 'utf8'))
      .filter(({ target }) => {
        const path = decodeURIComponent(target.split('#')[0] as string)
        if (path === '') return false
        const resolved = path.startsWith('/') ? join(REPO_ROOT, path) : normalize(join(REPO_ROOT, dirname(file), path))
        return !existsSync(resolved)
      })
      .map(({ target, line }) => `${file}:${line}: ${target}`)
    expect(broken).toEqual([])
  })

  it('reads links the way a renderer does', () => {
    expect(relativeLinks('see [a](docs/a.md#x) and [b](https://x.test) `[c](no.md)`\n```\n[d](no.md)\n```\n[e]: ./e.md\n<a href="f.html">').map((l) => l.target)).toEqual(['docs/a.md#x', './e.md', 'f.html'])
  })
})
