/**
 * The rollout timeline: where the canary stands (phase, weight, step), the step ladder, and who did
 * what when. The sticky PR comment leads with it; deploy, promote and rollback report it.
 */
import { mirrorCell, mirroringPhrase } from '../config/mirror.js'
import { fitBlocks, fixed, omissionNote, type Block, type ListBlock } from './fit.js'
import { NONE, formatNumber, formatTime } from './format.js'
import { COMMENT_LIMIT } from './limits.js'
import type { RolloutPhase, RolloutReport, RolloutStep } from './model.js'
import { renderLinks } from './analysis.js'
import { clip, codeSpan, escapeInline, link, sanitize } from './text.js'

export interface RolloutRenderOptions {
  /** Byte budget of the whole Markdown (default: a comment's 65,536). */
  limitBytes?: number
  /** Where the reader finds what was cut. */
  hint?: string
  /** Heading level of the title (default 3); 0 for none. */
  headingLevel?: number
  /** Leave the links line out (when another section of the same document carries it). */
  links?: boolean
}

export const ROLLOUT_HINT = 'full history in the deployment statuses'

const CELL_BYTES = 200
const REASON_BYTES = 600
const PRIORITY = { steps: 0, history: 1 } as const

export function renderRolloutMarkdown(rollout: RolloutReport, options: RolloutRenderOptions = {}): string {
  const hint = options.hint ?? ROLLOUT_HINT
  return fitBlocks(rolloutBlocks(rollout, options), options.limitBytes ?? COMMENT_LIMIT, `timeline truncated; ${hint}`)
}

export function rolloutBlocks(rollout: RolloutReport, options: RolloutRenderOptions = {}): Block[] {
  const hint = options.hint ?? ROLLOUT_HINT
  const level = options.headingLevel ?? 3
  const blocks: Block[] = []
  if (level > 0) blocks.push(fixed(`${'#'.repeat(Math.min(6, level))} Rollout · ${escapeInline(clip(rollout.environment, 128))}\n\n`))
  blocks.push(fixed(renderPhase(rollout)))
  if (rollout.steps.length > 0) blocks.push(fixed(`${ladder(rollout.steps)}\n\n`), stepTable(rollout, hint))
  if (rollout.history.length > 0) blocks.push(historyTable(rollout, hint))
  if (options.links !== false) blocks.push(fixed(renderLinks(rollout.links)))
  return blocks
}

const PHASE: Record<RolloutPhase, { kind: string; headline: string }> = {
  pending: { kind: 'NOTE', headline: 'Rollout pending' },
  canary: { kind: 'NOTE', headline: 'Canary in progress' },
  paused: { kind: 'WARNING', headline: 'Rollout paused' },
  promoted: { kind: 'TIP', headline: 'Promoted' },
  'rolled-back': { kind: 'CAUTION', headline: 'Rolled back' },
  aborted: { kind: 'WARNING', headline: 'Rollout aborted' },
}

function renderPhase(rollout: RolloutReport): string {
  const { kind, headline } = PHASE[rollout.phase]
  const { canary, stable } = rollout.versions
  const current = rollout.steps.findIndex((s) => s.state === 'current')
  const step = current >= 0 ? `, step ${current + 1} of ${rollout.steps.length}` : ''
  const canaryText = canary ? codeSpan(clip(canary, 128)) : 'the canary'
  const stableText = stable ? codeSpan(clip(stable, 128)) : 'the stable version'
  // A mirror step: the canary answers copies of requests and serves no user; stable serves them all.
  const mirror = rollout.mirror
  const detail: Record<RolloutPhase, string> = {
    pending: mirror === undefined ? `${canaryText} is about to receive traffic.` : `${canaryText} is about to start ${mirroringPhrase(mirror, 'it')}.`,
    canary:
      mirror === undefined
        ? `${canaryText} serves ${formatNumber(rollout.weight)}% of traffic${step}; ${stableText} serves the rest.`
        : `${stableText} serves all users, ${mirroringPhrase(mirror, `the canary ${canaryText}`)}${step}.`,
    paused:
      mirror === undefined
        ? `${canaryText} holds at ${formatNumber(rollout.weight)}%${step} until resumed.`
        : `${stableText} serves all users, ${mirroringPhrase(mirror, `the canary ${canaryText}`)}${step}; paused until resumed.`,
    promoted: `${canaryText} serves ${formatNumber(rollout.weight)}% of traffic.`,
    'rolled-back': `${stableText} serves all traffic again; ${canaryText} was withdrawn.`,
    aborted: `${canaryText} was withdrawn before promotion; ${stableText} serves ${formatNumber(100 - rollout.weight)}%.`,
  }
  const lines = [`> [!${kind}]`, `> **${headline}**: ${detail[rollout.phase]}`]
  if (rollout.reason?.trim()) lines.push('>', `> ${escapeInline(clip(rollout.reason, REASON_BYTES))}`)
  return `${lines.join('\n')}\n\n`
}

/** `5% → 25% → **50%** → 100%`, the current step in bold, a failed one struck through. */
function ladder(steps: RolloutStep[]): string {
  return steps
    .map((s) => {
      const w = s.mirror === undefined ? `${formatNumber(s.weight)}%` : mirrorCell(s.mirror)
      if (s.state === 'current') return `**${w}**`
      if (s.state === 'failed') return `~~${w}~~`
      return w
    })
    .join(' → ')
}

function stepTable(rollout: RolloutReport, hint: string): ListBlock {
  return {
    kind: 'list',
    open: '| Step | Weight | Analysis | Verdict | State |\n|---|---|---|---|---|\n',
    items: rollout.steps.map((s, i) => {
      const state = s.state === 'current' ? '**current**' : s.state
      const analysis = s.analysis ? codeSpan(clip(s.analysis, 80), { cell: true }) : NONE
      const weight = s.mirror === undefined ? `${formatNumber(s.weight)}%` : mirrorCell(s.mirror)
      return `| ${i + 1} | ${weight} | ${analysis} | ${s.verdict ?? NONE} | ${state} |\n`
    }),
    close: '\n',
    omitted: (n) => omissionNote(n, 'steps', hint),
    priority: PRIORITY.steps,
  }
}

function historyTable(rollout: RolloutReport, hint: string): ListBlock {
  return {
    kind: 'list',
    open: '<details open><summary>Timeline</summary>\n\n| Time | Who | What | Weight | Detail |\n|---|---|---|---|---|\n',
    items: rollout.history.map((e) => {
      const who = e.actor ? escapeInline(clip(e.actor, 64)) : NONE
      const what = e.url ? link(clip(e.action, 80), e.url) : escapeInline(clip(e.action, 80))
      const weight = e.mirror !== undefined ? mirrorCell(e.mirror) : e.weight !== undefined ? `${formatNumber(e.weight)}%` : NONE
      const detail = e.detail ? escapeInline(clip(sanitize(e.detail), CELL_BYTES)) : ''
      return `| ${formatTime(e.at)} | ${who} | ${what} | ${weight} | ${detail} |\n`
    }),
    close: '\n</details>\n\n',
    omitted: (n) => omissionNote(n, 'events', hint),
    priority: PRIORITY.history,
    keep: 'tail',
  }
}

/** One line of plain text: `canary at 25% (step 2 of 4)`, `Canary mirroring 20% of requests to the canary (serves none) (step 1 of 3)`, `rolled back: …`. */
export function rolloutLine(rollout: RolloutReport): string {
  const current = rollout.steps.findIndex((s) => s.state === 'current')
  const step = current >= 0 ? ` (step ${current + 1} of ${rollout.steps.length})` : ''
  const reason = rollout.reason ? `: ${sanitize(rollout.reason).replace(/\s+/g, ' ').trim()}` : ''
  switch (rollout.phase) {
    case 'pending':
      return 'Rollout pending'
    case 'canary':
      return rollout.mirror === undefined ? `Canary at ${formatNumber(rollout.weight)}%${step}` : `Canary ${mirroringPhrase(rollout.mirror)}${step}`
    case 'paused':
      return rollout.mirror === undefined ? `Paused at ${formatNumber(rollout.weight)}%${step}${reason}` : `Paused, ${mirroringPhrase(rollout.mirror)}${step}${reason}`
    case 'promoted':
      return `Promoted to ${formatNumber(rollout.weight)}%`
    case 'rolled-back':
      return `Rolled back${reason}`
    case 'aborted':
      return `Aborted${reason}`
  }
}
