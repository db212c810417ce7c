import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { toCheckAnnotations } from '../../shared/report/annotations.js'
import { CHECK_OUTPUT_LIMIT, COMMENT_LIMIT, JOB_SUMMARY_LIMIT } from '../../shared/report/limits.js'
import type { ConfigIssue } from '../../shared/report/model.js'
import { appendJobSummary, publishCheckRun, stepSummaryWriter, upsertStickyComment, type SummaryWriter } from '../../shared/report/publish.js'
import { renderCheckRunOutput, renderStickyComment, stickyMarker } from '../../shared/report/targets.js'
import { FakeActionIO } from '../fakes/action-io.js'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { clientFor, REPO } from '../github/helpers.js'
import { failingReport, hugeReport, reportWithDecision, rollout } from './fixtures.js'
import { expectWellFormed } from './markdown-check.js'

const NAME = 'rollgate/production'

describe('publishing to the fake GitHub (every request validated against the OpenAPI description)', () => {
  const github = useFakeGitHub()
  const headSha = (): string => github.state.resolveRef('main') as string

  describe('check runs', () => {
    it('creates the run, then updates the same run in place', async () => {
      const octokit = clientFor(github)
      const first = await publishCheckRun(octokit.rest, { ...REPO, headSha: headSha(), name: NAME, status: 'in_progress', output: renderCheckRunOutput(reportWithDecision('in-progress')) })
      expect(first).toMatchObject({ created: true, requests: 2 })

      const final = renderCheckRunOutput(failingReport())
      const second = await publishCheckRun(octokit.rest, { ...REPO, headSha: headSha(), name: NAME, status: 'completed', conclusion: 'failure', output: final, detailsUrl: 'https://github.com/acme/shop/actions/runs/42' })
      expect(second).toMatchObject({ id: first.id, created: false, requests: 2 })

      const third = await publishCheckRun(octokit.rest, { ...REPO, headSha: headSha(), name: NAME, checkRunId: first.id, status: 'completed', conclusion: 'failure', output: final })
      expect(third).toMatchObject({ id: first.id, requests: 1 })

      expect(github.state.checkRuns).toHaveLength(1)
      const run = github.state.checkRuns[0]?.run
      expect(run).toMatchObject({ name: NAME, status: 'completed', conclusion: 'failure', output: { title: final.title, summary: final.summary, text: final.text } })
      expect(github.count('checks/create')).toBe(1)
      expect(github.count('checks/update')).toBe(2)
      expect(github.count('checks/list-for-ref')).toBe(2)
    })

    it('sends 120 annotations in 3 requests of at most 50, the first with the create', async () => {
      const octokit = clientFor(github)
      const issues: ConfigIssue[] = Array.from({ length: 120 }, (_, i) => ({ file: '.github/rollgate.yml', line: i + 1, column: 3, message: `error ${i}` }))
      const published = await publishCheckRun(octokit.rest, {
        ...REPO,
        headSha: headSha(),
        name: NAME,
        status: 'completed',
        conclusion: 'failure',
        output: { title: 'Policy invalid', summary: '120 errors' },
        annotations: toCheckAnnotations(issues),
      })
      const sizes = github.requests
        .filter((r) => r.operationId === 'checks/create' || r.operationId === 'checks/update')
        .map((r) => ({ op: r.operationId, annotations: (r.body as { output?: { annotations?: unknown[] } }).output?.annotations?.length ?? 0 }))
      expect(sizes).toEqual([
        { op: 'checks/create', annotations: 50 },
        { op: 'checks/update', annotations: 50 },
        { op: 'checks/update', annotations: 20 },
      ])
      expect(published.requests).toBe(4) // the lookup, then the three above
      expect(github.state.checkRuns[0]?.annotations).toHaveLength(120)
      expect(github.state.checkRuns[0]?.run.output.annotations_count).toBe(120)
      // The output survives the appending updates.
      expect(github.state.checkRuns[0]?.run.output.summary).toBe('120 errors')

      // With the run's id known, 120 annotations are exactly 3 requests.
      const again = await publishCheckRun(octokit.rest, {
        ...REPO,
        headSha: headSha(),
        name: NAME,
        checkRunId: published.id,
        status: 'completed',
        conclusion: 'failure',
        output: { title: 'Policy invalid', summary: '120 errors' },
        annotations: toCheckAnnotations(issues),
      })
      expect(again.requests).toBe(3)
      expect(github.state.checkRuns[0]?.annotations).toHaveLength(240)
    })

    it('accepts a full-size multibyte report and bounds a renderer’s oversized output', async () => {
      const octokit = clientFor(github)
      const output = renderCheckRunOutput(hugeReport(100, 500, (i) => `指标-${i}-😀`))
      expect(Buffer.byteLength(output.summary)).toBeLessThanOrEqual(CHECK_OUTPUT_LIMIT)
      await publishCheckRun(octokit.rest, { ...REPO, headSha: headSha(), name: NAME, status: 'in_progress', output })
      const oversized = { title: 'x'.repeat(1000), summary: `${'😀'.repeat(20_000)}\n`, text: `\`\`\`\n${'a\n'.repeat(40_000)}` }
      await publishCheckRun(octokit.rest, { ...REPO, headSha: headSha(), name: NAME, status: 'in_progress', output: oversized })
      const run = github.state.checkRuns[0]?.run
      expect(Buffer.byteLength(run?.output.title ?? '')).toBeLessThanOrEqual(255)
      expectWellFormed(run?.output.summary ?? '', CHECK_OUTPUT_LIMIT)
      expectWellFormed(run?.output.text ?? '', CHECK_OUTPUT_LIMIT)
    })
  })

  describe('the sticky comment', () => {
    const marker = stickyMarker('production')

    it('is created once, then updated in place', async () => {
      const octokit = clientFor(github)
      const pr = github.state.seedPull({ head: 'feature' })
      const body = (weight: number) => renderStickyComment({ environment: 'production', rollout: { ...rollout(), weight } })
      const first = await upsertStickyComment(octokit.rest, { ...REPO, issueNumber: pr.number, marker, body: body(5) })
      expect(first).toMatchObject({ created: true, changed: true, requests: 2 })
      const second = await upsertStickyComment(octokit.rest, { ...REPO, issueNumber: pr.number, marker, body: body(25) })
      expect(second).toMatchObject({ id: first.id, created: false, changed: true, requests: 2 })
      expect(github.state.comments).toHaveLength(1)
      expect(github.state.comments[0]?.comment.body).toContain('serves 25% of traffic')

      // Saying the same thing again costs no write.
      const third = await upsertStickyComment(octokit.rest, { ...REPO, issueNumber: pr.number, marker, body: body(25) })
      expect(third).toMatchObject({ id: first.id, changed: false, requests: 1 })
      expect(github.count('issues/update-comment')).toBe(1)
    })

    it('finds its marker on the second page of a busy thread', async () => {
      const octokit = clientFor(github)
      const pr = github.state.seedPull({ head: 'feature' })
      github.state.viewer = 'alice'
      await octokit.rest.issues.createComment({ ...REPO, issue_number: pr.number, body: 'LGTM @octocat' })
      const template = github.state.comments[0]
      for (let i = 0; i < 104; i++) {
        const copy = structuredClone(template as NonNullable<typeof template>)
        copy.comment.id = github.state.nextId()
        github.state.comments.push(copy)
      }
      github.state.viewer = 'github-actions[bot]'
      const mine = await octokit.rest.issues.createComment({ ...REPO, issue_number: pr.number, body: `${marker}\nold` })
      github.requests.length = 0

      const result = await upsertStickyComment(octokit.rest, { ...REPO, issueNumber: pr.number, marker, body: `${marker}\nnew`, authorLogin: 'github-actions[bot]' })
      expect(result).toMatchObject({ id: mine.data.id, created: false, changed: true, requests: 3 })
      expect(github.requests.map((r) => `${r.operationId} ${r.query['page'] ?? ''}`.trim())).toEqual([
        'issues/list-comments 1',
        'issues/list-comments 2',
        'issues/update-comment',
      ])
      expect(github.state.comments.find((c) => c.comment.id === mine.data.id)?.comment.body).toBe(`${marker}\nnew`)
    })

    it('ignores a marker planted by someone else, and quoted replies', async () => {
      const octokit = clientFor(github)
      const pr = github.state.seedPull({ head: 'feature' })
      github.state.viewer = 'mallory'
      await octokit.rest.issues.createComment({ ...REPO, issue_number: pr.number, body: `${marker}\nplanted` })
      await octokit.rest.issues.createComment({ ...REPO, issue_number: pr.number, body: `> ${marker}\n> quoted` })
      github.state.viewer = 'github-actions[bot]'
      const result = await upsertStickyComment(octokit.rest, { ...REPO, issueNumber: pr.number, marker, body: 'report', authorLogin: 'github-actions[bot]' })
      expect(result.created).toBe(true)
      expect(github.state.comments.map((c) => c.comment.body)).toEqual([`${marker}\nplanted`, `> ${marker}\n> quoted`, `${marker}\nreport`])
    })

    it('cuts a body over 65,536 characters instead of failing', async () => {
      const octokit = clientFor(github)
      const pr = github.state.seedPull({ head: 'feature' })
      const body = `${marker}\n<details><summary>all</summary>\n\n${'| a | b |\n'.repeat(10_000)}`
      await upsertStickyComment(octokit.rest, { ...REPO, issueNumber: pr.number, marker, body })
      const saved = github.state.comments[0]?.comment.body ?? ''
      expectWellFormed(saved, COMMENT_LIMIT)
      expect(saved.startsWith(marker)).toBe(true)
      expect(saved).toContain('comment truncated')
    })
  })
})

describe('the job summary', () => {
  const memory = (initial: number): SummaryWriter & { text: string } => {
    const writer = {
      text: 'x'.repeat(initial),
      size: async () => Buffer.byteLength(writer.text),
      append: async (markdown: string) => {
        writer.text += `${markdown}\n`
      },
    }
    return writer
  }

  it('appends whole when there is room', async () => {
    const writer = memory(0)
    expect(await appendJobSummary(writer, '## report\n')).toEqual({ bytes: 10, truncated: false })
    expect(writer.text).toBe('## report\n\n')
  })

  it('never takes the step past 1 MiB: cuts with a note, or skips when full', async () => {
    const writer = memory(JOB_SUMMARY_LIMIT - 10_000)
    const markdown = `<details>\n\n\`\`\`\n${'漢字😀\n'.repeat(5000)}\`\`\`\n</details>\n`
    const result = await appendJobSummary(writer, markdown)
    expect(result.truncated).toBe(true)
    expect(Buffer.byteLength(writer.text)).toBeLessThanOrEqual(JOB_SUMMARY_LIMIT)
    expectWellFormed(writer.text.slice(JOB_SUMMARY_LIMIT - 10_000))
    expect(writer.text).toContain('job summary truncated')

    const full = memory(JOB_SUMMARY_LIMIT)
    expect(await appendJobSummary(full, 'more')).toEqual({ bytes: 0, truncated: true })
    expect(full.text.length).toBe(JOB_SUMMARY_LIMIT)
  })

  it('reads what the step summary file already holds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rollgate-summary-'))
    try {
      const file = join(dir, 'summary.md')
      await writeFile(file, 'y'.repeat(1234))
      const io = new FakeActionIO({}, { GITHUB_STEP_SUMMARY: file })
      const writer = stepSummaryWriter(io)
      expect(await writer.size()).toBe(1234)
      await writer.append('## hello')
      expect(io.summary).toBe('## hello\n')
      expect(await stepSummaryWriter(new FakeActionIO()).size()).toBe(0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
