/**
 * The injection corpus (issue #10 "Prove it"): hostile strings through the log sinks, the input
 * readers and every report renderer. Each string carries the marker FORGED, so a workflow command
 * or a mention it managed to create is found wherever it lands. The bundle-level half (inputs and
 * provider answers through the built actions against the fake GitHub) is injection-bundles.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { coreIO } from '../../shared/action/io.js'
import { streamLogger } from '../../shared/action/logger.js'
import { readEnvironment, readOptional, readRequired, readString } from '../../shared/action/inputs.js'
import { ConfigError } from '../../shared/errors.js'
import { renderAnalysisMarkdown } from '../../shared/report/analysis.js'
import { renderRolloutMarkdown } from '../../shared/report/rollout.js'
import { renderCheckRunOutput, renderJobSummary, renderRolloutCheckOutput, renderStatusDescription, renderStickyComment } from '../../shared/report/targets.js'
import { CHECK_OUTPUT_LIMIT, CHECK_TITLE_LIMIT, COMMENT_LIMIT, STATUS_DESCRIPTION_LIMIT } from '../../shared/report/limits.js'
import type { MetricLook } from '../../shared/report/model.js'
import { FakeActionIO } from '../fakes/action-io.js'
import { runnerCommands, type RunnerCommand } from '../fakes/runner-log.js'
import { failingReport, rollout } from '../report/fixtures.js'
import { expectWellFormed } from '../report/markdown-check.js'
import { CORPUS } from './corpus.js'

/** A command the hostile text produced: anything whose name, properties or mask value holds the marker. */
function forged(commands: RunnerCommand[]): RunnerCommand[] {
  return commands.filter(
    (c) =>
      /FORGED/i.test(c.name) ||
      Object.entries(c.properties).some(([k, v]) => /FORGED/i.test(k) || /FORGED/i.test(v)) ||
      (['add-mask', 'stop-commands', 'set-output', 'set-env', 'add-path', 'save-state', 'echo'].includes(c.name) && /FORGED/i.test(c.value)),
  )
}

/** Controls the runner or a terminal would act on, left raw in the log. */
const RAW_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u2028\u2029]|\r(?!\n)/

describe('the log: every sink of the ActionIO port', () => {
  let written: string
  const realWrite = process.stdout.write.bind(process.stdout)
  beforeEach(() => {
    written = ''
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
      return true
    }) as typeof process.stdout.write
  })
  afterEach(() => {
    process.stdout.write = realWrite
    process.exitCode = undefined
  })

  it.each(CORPUS)('%s: info, warning, error, debug, group and failure lines forge nothing', async (_what, text) => {
    const io = coreIO({})
    io.info(`Deploying ${text} to production`)
    io.info(text)
    io.warning(`metric ${text} has no data`, { title: 'Rollgate' })
    io.error(text)
    io.debug(`GET ${text}`)
    await io.group(text, async () => undefined)
    io.setFailed(`Input 'version': ${text}`)
    process.stdout.write = realWrite

    const commands = runnerCommands(written)
    expect(forged(commands), written.slice(0, 2000)).toEqual([])
    // Ours, and only ours: one per call that issues a command, plus stop-commands pairs around info lines.
    const names = commands.map((c) => c.name).filter((n) => n !== 'stop-commands')
    expect(names).toEqual(['warning', 'error', 'debug', 'group', 'endgroup', 'error'])
    for (const stop of commands.filter((c) => c.name === 'stop-commands')) expect(stop.value).toMatch(/^[0-9a-f]{32}$/)
    expect(written).not.toMatch(RAW_CONTROLS)
  })

  it.each(CORPUS)('%s: the CLI logger (which may run in a step too) forges nothing', (_what, text) => {
    const lines: string[] = []
    const logger = streamLogger((l) => lines.push(l), true)
    logger.info(text)
    logger.warn(text)
    logger.debug(text)
    const out = lines.join('\n')
    expect(forged(runnerCommands(out))).toEqual([])
    expect(out).not.toMatch(RAW_CONTROLS)
  })
})

describe('inputs that name things', () => {
  const controlled = CORPUS.filter(([, text]) => /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/.test(text))

  it.each(controlled)('%s: refused with the input named, before anything moves', (_what, text) => {
    for (const read of [
      (io: FakeActionIO) => readRequired(io, 'version'),
      (io: FakeActionIO) => readOptional(io, 'version'),
      (io: FakeActionIO) => readString(io, 'version', 'x'),
      (io: FakeActionIO) => readEnvironment(io, 'version'),
    ]) {
      const attempt = () => read(new FakeActionIO({ version: text }))
      expect(attempt).toThrow(ConfigError)
      expect(attempt).toThrow(/^Input 'version' /)
      let message = ''
      try {
        attempt()
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).not.toMatch(RAW_CONTROLS)
      expect(message.length).toBeLessThan(400)
    }
  })

  it('a multi-line reason is refused, saying which character and where', () => {
    expect(() => readString(new FakeActionIO({ reason: 'bad canary\n::error::x' }), 'reason', '')).toThrow(
      "Input 'reason' contains a line feed (U+000A) at character 11; expected one line of text without control characters.",
    )
  })
})

describe('reports: markdown for check runs, comments and summaries', () => {
  /** What GitHub would render outside code spans: no raw HTML, no live mention. */
  const outsideCode = (markdown: string): string => markdown.replace(/(`+)[^`][\s\S]*?\1/g, '')

  it.each(CORPUS)('%s: in versions, reasons, metric names, actors and details', (_what, text) => {
    const analysis = failingReport()
    const metric = analysis.looks.at(-1)?.metrics[0] as MetricLook
    metric.name = text
    metric.reason = text
    analysis.decidingMetric = text
    analysis.reason = text
    analysis.analysis = text
    analysis.versions = { canary: text, stable: text }
    const timeline = rollout()
    timeline.versions = { canary: text, stable: text }
    timeline.history = timeline.history.map((h) => ({ ...h, actor: text, detail: text, action: text }))

    const outputs = {
      analysis: renderAnalysisMarkdown(analysis),
      rollout: renderRolloutMarkdown(timeline),
      check: renderCheckRunOutput(analysis).summary,
      rolloutCheck: renderRolloutCheckOutput(timeline).summary,
      comment: renderStickyComment({ environment: 'production', rollout: timeline, analysis }),
      summary: renderJobSummary({ rollout: timeline, analysis }),
    }
    for (const [where, markdown] of Object.entries(outputs)) {
      expectWellFormed(markdown)
      const outside = outsideCode(markdown)
      expect(outside, where).not.toMatch(/<img|<\/details>\s*@|onerror=alert\(1\)>/)
      expect(outside, where).not.toMatch(/@(?!\u200D)octocat/)
      expect(markdown, where).not.toMatch(RAW_CONTROLS)
      expect(forged(runnerCommands(markdown)), where).toEqual([])
    }
    expect(Buffer.byteLength(outputs.check)).toBeLessThanOrEqual(CHECK_OUTPUT_LIMIT)
    expect(Buffer.byteLength(outputs.comment)).toBeLessThanOrEqual(COMMENT_LIMIT)
    const title = renderCheckRunOutput(analysis).title
    expect(Buffer.byteLength(title)).toBeLessThanOrEqual(CHECK_TITLE_LIMIT)
    expect(title).not.toMatch(RAW_CONTROLS)
    for (const source of [analysis, timeline]) {
      const description = renderStatusDescription(source)
      expect(description.length).toBeLessThanOrEqual(STATUS_DESCRIPTION_LIMIT)
      expect(description).not.toMatch(RAW_CONTROLS)
    }
  })
})
