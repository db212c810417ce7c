import { describe, expect, it } from 'vitest'
import { renderAnalysisMarkdown } from '../../shared/report/analysis.js'
import { closeAndCut } from '../../shared/report/fit.js'
import { CHECK_OUTPUT_LIMIT, CHECK_TITLE_LIMIT, COMMENT_LIMIT, JOB_SUMMARY_LIMIT, STATUS_DESCRIPTION_LIMIT } from '../../shared/report/limits.js'
import type { RolloutEvent } from '../../shared/report/model.js'
import { renderRolloutMarkdown } from '../../shared/report/rollout.js'
import { renderCheckRunOutput, renderJobSummary, renderStatusDescription, renderStickyComment } from '../../shared/report/targets.js'
import { byteLength, cutToBytes, truncateText } from '../../shared/report/text.js'
import { failingReport, hugeReport, lookTime, rollout } from './fixtures.js'
import { expectWellFormed } from './markdown-check.js'

const FAMILY = '👩‍👩‍👧‍👦'
const huge = hugeReport(100, 500)
const longHistory = (): RolloutEvent[] =>
  Array.from({ length: 3000 }, (_, i) => ({ at: lookTime(i), actor: `user-${i}`, action: 'promote', weight: i % 100, detail: 'é'.repeat(40) }))

describe('every GitHub limit holds for 100 metrics × 500 looks and a 10,000-character reason', () => {
  const check = renderCheckRunOutput(huge)
  const comment = renderStickyComment({ environment: 'production', rollout: { ...rollout(), history: longHistory() }, analysis: huge })

  it.each([
    ['check run summary', check.summary, CHECK_OUTPUT_LIMIT],
    ['check run text', check.text ?? '', CHECK_OUTPUT_LIMIT],
    ['PR comment', comment, COMMENT_LIMIT],
  ])('%s stays within %#', (_where, markdown, limit) => {
    expectWellFormed(markdown, limit)
    // Close to the limit: shortened, not gutted.
    expect(byteLength(markdown)).toBeGreaterThan(limit * 0.3)
  })

  it('the check run keeps the banner, the whole table and the links, and says what it left out', () => {
    expect(check.title.length).toBeLessThanOrEqual(CHECK_TITLE_LIMIT)
    expect(check.summary).toMatch(/^> \[!CAUTION\]/)
    expect(check.summary.match(/^\| metric-\d+ /gm)).toHaveLength(100)
    expect(check.summary).toContain('[Workflow run](https://github.com/acme/shop/actions/runs/42)')
    expect(check.text).toMatch(/_… \d+ more charts omitted; full data in the `result` output\._/)
    expect(check.text).toMatch(/_… \d+ more looks omitted; full data in the `result` output\._/)
    // The most recent looks are the ones kept.
    expect(check.text).toContain('| 500 (decided) |')
  })

  it('the comment keeps its marker, the latest timeline events and the verdict', () => {
    expect(comment.startsWith('<!-- rollgate:production -->\n')).toBe(true)
    expect(comment).toMatch(/_… \d+ more events omitted; full report in the check run\._/)
    expect(comment).toContain('| user-2999 |')
    expect(comment).toContain('> [!CAUTION]')
  })

  it('the job summary fits what is left of the step’s 1 MiB', () => {
    const full = renderJobSummary({ analysis: huge })
    expectWellFormed(full, JOB_SUMMARY_LIMIT)
    const alreadyUsed = JOB_SUMMARY_LIMIT - 40_000
    const squeezed = renderJobSummary({ analysis: huge, rollout: rollout() }, { alreadyUsed })
    expectWellFormed(squeezed, 40_000 - 2)
    expect(squeezed).toMatch(/more (charts|looks) omitted/)
  })

  it('a status description is one line of at most 140 characters', () => {
    const report = failingReport()
    const metric = report.looks.at(-1)?.metrics[0]
    if (metric) metric.name = FAMILY.repeat(100)
    report.decidingMetric = metric?.name ?? null
    const description = renderStatusDescription(report)
    expect(byteLength(description)).toBeLessThanOrEqual(STATUS_DESCRIPTION_LIMIT)
    expect(description.startsWith('Canary failed: ')).toBe(true)
    expect(description.endsWith('…')).toBe(true)
    // Whole family emoji or none: never a dangling joiner.
    expect(description.replace(/👩‍👩‍👧‍👦/gu, '')).toBe('Canary failed: …')
  })

  it('a check run title is cut to 255 bytes', () => {
    const report = failingReport()
    const metric = report.looks.at(-1)?.metrics[0]
    if (metric) metric.name = '漢'.repeat(300)
    report.decidingMetric = metric?.name ?? null
    const { title } = renderCheckRunOutput(report)
    expect(byteLength(title)).toBeLessThanOrEqual(CHECK_TITLE_LIMIT)
    expect(title).toMatch(/^Canary failed: 漢+…$/)
  })
})

describe('cutting multibyte text', () => {
  const text = `ab${FAMILY}c🇫🇷e\u0301漢`

  it.each(Array.from({ length: byteLength(text) + 2 }, (_, n) => n))('cutToBytes at %i bytes: a prefix on a grapheme boundary', (n) => {
    const cut = cutToBytes(text, n)
    expect(byteLength(cut)).toBeLessThanOrEqual(n)
    expect(text.startsWith(cut)).toBe(true)
    expect(['', 'a', 'ab', `ab${FAMILY}`, `ab${FAMILY}c`, `ab${FAMILY}c🇫🇷`, `ab${FAMILY}c🇫🇷e\u0301`, text]).toContain(cut)
  })

  it('truncateText ends with an ellipsis within the budget', () => {
    expect(truncateText('😀'.repeat(10), 10)).toBe('😀…')
    expect(truncateText('short', 10)).toBe('short')
    expect(truncateText('abcdef', 2)).toBe('')
  })

  it('a report cut at every byte offset stays well-formed', () => {
    const report = hugeReport(30, 40, (i) => `${FAMILY}指标-${i}-é`)
    report.reason = `${'😀'.repeat(3000)} end`
    for (let limit = 6000; limit < 6200; limit += 1) {
      expectWellFormed(renderAnalysisMarkdown(report, { limitBytes: limit }), limit)
    }
  })

  it('a tiny budget still gives a well-formed, noted document', () => {
    const report = failingReport()
    report.environment = '環境'.repeat(500)
    for (const limit of [200, 777, 1500]) {
      const markdown = renderAnalysisMarkdown(report, { limitBytes: limit })
      expectWellFormed(markdown, limit)
      expect(markdown).toMatch(/_… (report truncated|\d+ more \w+ omitted); full data in the `result` output\._/)
    }
  })

  it('closeAndCut is not fooled by `<details>` inside a code span', () => {
    const cut = closeAndCut(`Canary \`<details>\` against stable\n${'row\n'.repeat(100)}`, 120, 'cut')
    expect(cut).not.toContain('</details>')
  })

  it('closeAndCut closes an open code fence and open details blocks', () => {
    const markdown = `<details><summary>a</summary>\n\n<details><summary>b</summary>\n\n\`\`\`mermaid\n${'line 😀\n'.repeat(500)}\`\`\`\n</details>\n</details>\n`
    for (const limit of [100, 333, 1000, 2500]) {
      const cut = closeAndCut(markdown, limit, 'cut')
      expectWellFormed(cut, limit)
      expect(cut.endsWith('_… cut._\n')).toBe(true)
    }
  })
})

describe('the rollout timeline alone', () => {
  it('keeps the newest events within a comment', () => {
    const markdown = renderRolloutMarkdown({ ...rollout(), history: longHistory() })
    expectWellFormed(markdown, COMMENT_LIMIT)
    expect(markdown).toContain('| user-2999 |')
    expect(markdown).not.toContain('| user-0 |')
    expect(markdown).toMatch(/_… \d+ more events omitted; full history in the deployment statuses\._/)
  })
})
