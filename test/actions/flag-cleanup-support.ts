/** A repository on disk (the workspace) and the same files on the fake GitHub's main branch, and one flag-cleanup run in-process. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../../actions/flag-cleanup/main.js'
import { runAction } from '../../shared/action/run.js'
import { FakeActionIO } from '../fakes/action-io.js'
import type { FakeGitHub } from '../fakes/github/server.js'
import { FakeClock, testDeps } from './support.js'

export interface CleanupRepo {
  dir: string
  cleanup(): void
}

export function cleanupRepo(github: FakeGitHub, files: Record<string, string>): CleanupRepo {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-flag-cleanup-'))
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  github.state.commitFiles({ branch: 'main', files })
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export async function runFlagCleanup(
  github: FakeGitHub,
  repo: CleanupRepo,
  options: { inputs?: Record<string, string>; event?: Record<string, unknown>; eventName?: string; env?: Record<string, string>; now?: Date } = {},
): Promise<{ io: FakeActionIO; result: Record<string, unknown> }> {
  const eventPath = join(repo.dir, '..', `${repo.dir.split('/').pop()}-event.json`)
  writeFileSync(eventPath, JSON.stringify(options.event ?? { repository: { default_branch: 'main' } }))
  const io = new FakeActionIO(
    { policy: join(repo.dir, '.github/rollgate.yml'), 'github-token': 'ghs_flagcleanuptoken0123456789', ...options.inputs },
    {
      GITHUB_REPOSITORY: `${github.state.owner}/${github.state.repo}`,
      GITHUB_SHA: github.state.resolveRef('main') as string,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_RUN_ID: '77',
      GITHUB_EVENT_NAME: options.eventName ?? 'schedule',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_WORKSPACE: repo.dir,
      ...options.env,
    },
  )
  const previousExit = process.exitCode
  await runAction((x) => main(x, testDeps(x, { github, ...(options.now ? { clock: new FakeClock(options.now) } : {}) })), { io, action: 'flag-cleanup' })
  process.exitCode = previousExit
  rmSync(eventPath, { force: true })
  const raw = io.outputs['result']
  if (raw === undefined) throw new Error(`flag-cleanup wrote no result (failed: ${io.failed ?? 'no'})`)
  return { io, result: JSON.parse(raw) as Record<string, unknown> }
}
