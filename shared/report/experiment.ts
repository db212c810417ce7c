/**
 * The experiment report: the verdict, one row per variant (lift, its confidence sequence, the
 * guardrails, the traffic a decision still needs) and a Mermaid chart of each variant's confidence
 * sequence over the looks. Pure: the experiment judge's looks in, markdown out, held to the check
 * run's and the job summary's limits.
 */
import type { ExperimentLook, VariantLook } from '../analysis/experiment/types.js'
import { formatInterval } from '../analysis/evidence.js'
import { closeAndCut } from './fit.js'
import { formatChange, formatCount, NONE } from './format.js'
import { CHECK_OUTPUT_LIMIT, CHECK_TITLE_LIMIT } from './limits.js'
import { mermaidNumber, thin, DEFAULT_MAX_POINTS } from './mermaid.js'
import type { CheckRunOutput } from './targets.js'
import { escapeInline, mermaidLabel, sanitize, truncateText } from './text.js'

export interface ExperimentReport {
  experiment: string
  decision: 'winner' | 'no-difference' | 'inconclusive' | 'in-progress'
  winner: string | null
  reason: string
  primary: { name: string; type: 'ratio' | 'samples'; direction: 'increase' | 'decrease' }
  minimumEffect: number
  alpha: number
  control: string
  looks: ExperimentLook[]
  /** Extra traffic (all variants) a decision needs; null when decided or unknown. */
  needed: number | null
  unit: string
  /** Intervals left before the maximum duration; null when unbounded. */
  intervalsLeft?: number | null
  interval?: string
  startedAt?: string
  endedAt?: string
}

/** `rollgate/experiment/<name>`: one check run per experiment, usable as a required check. */
export function experimentCheckName(experiment: string): string {
  return `rollgate/experiment/${sanitize(experiment).replace(/\s+/g, ' ').trim()}`
}

const STATE_LABEL: Record<VariantLook['state'], string> = {
  better: '✅ better',
  worse: '❌ worse',
  equivalent: '🟰 within the MDE',
  open: '⏳ open',
  nodata: '∅ no data',
}

export function verdictTitle(report: ExperimentReport): string {
  const name = escapeInline(report.experiment)
  switch (report.decision) {
    case 'winner':
      return `Experiment ${name}: winner ${escapeInline(report.winner ?? '')}`
    case 'no-difference':
      return `Experiment ${name}: no difference (within ±${formatChange(report.minimumEffect).replace(/^\+/, '')})`
    case 'inconclusive':
      return `Experiment ${name}: inconclusive`
    case 'in-progress':
      return `Experiment ${name}: in progress`
  }
}

/** Who won, in one line: the winner with its lift, or why there is none (yet). */
export function winnerLine(report: ExperimentReport): string {
  const last = report.looks.at(-1)
  switch (report.decision) {
    case 'winner': {
      const v = last?.variants.find((x) => x.name === report.winner)
      const lift = v && v.estimate !== null ? `: lift ${formatChange(v.estimate)} ${rangeOf(v)} over ${escapeInline(report.control)} on ${escapeInline(report.primary.name)}` : ''
      return `**Winner:** ${escapeInline(report.winner ?? '')}${lift}`
    }
    case 'no-difference':
      return `**Winner:** none: every variant is within ±${formatChange(report.minimumEffect).replace(/^\+/, '')} of ${escapeInline(report.control)}`
    case 'inconclusive':
      return `**Winner:** none: inconclusive`
    case 'in-progress':
      return `**Winner:** no winner yet (${report.looks.length} look${report.looks.length === 1 ? '' : 's'}${report.intervalsLeft != null ? `, ${formatCount(report.intervalsLeft)} left before the maximum duration` : ''})`
  }
}

/** "How much more traffic": the sentence both the check run and the job summary carry. */
export function neededLine(report: ExperimentReport): string | null {
  if (report.decision === 'winner' || report.decision === 'no-difference') return null
  const last = report.looks.at(-1)
  if (!last) return 'No data yet: a decision needs traffic on every variant.'
  if (report.needed === null) return `A decision needs more traffic than the data so far can estimate (no lift estimable on every variant yet).`
  const seen = last.variants.reduce((s, v) => s + v.variant.count, last.variants[0]?.control.count ?? 0)
  const perInterval = report.looks.length > 0 ? seen / report.looks.length : 0
  const intervals = perInterval > 0 ? Math.ceil(report.needed / perInterval) : null
  const time = intervals !== null && report.interval ? ` (about ${formatCount(intervals)} more interval${intervals === 1 ? '' : 's'} of ${escapeInline(report.interval)} at the current rate${report.intervalsLeft != null && intervals > report.intervalsLeft ? `, more than the ${formatCount(report.intervalsLeft)} the maximum duration leaves` : ''})` : ''
  return `A decision needs about **${formatCount(report.needed)} more ${escapeInline(report.unit)}** over all variants${time}, estimated from how fast the confidence sequences have narrowed so far.`
}

function rangeOf(v: VariantLook): string {
  return formatInterval(v.lower, v.upper)
}

function guardrailCell(v: VariantLook): string {
  if (v.guardrails.length === 0) return NONE
  return v.guardrails.map((g) => `${escapeInline(g.name)} ${g.state === 'fail' ? '❌' : g.state === 'nodata' ? '∅' : g.state === 'pass' ? '✅' : '⏳'}`).join(', ')
}

function meanCell(v: number | null, type: 'ratio' | 'samples'): string {
  if (v === null) return NONE
  return type === 'ratio' ? formatChange(v).replace(/^\+/, '') : mermaidNumber(v)
}

export function variantTable(report: ExperimentReport, look: ExperimentLook): string {
  const rows = [
    `| variant | ${escapeInline(report.primary.name)} | lift vs ${escapeInline(report.control)} | confidence sequence (${formatChange(1 - report.alpha).replace(/^\+/, '')}, every look) | state | guardrails | ${escapeInline(report.unit)} |`,
    '|---|---|---|---|---|---|---|',
  ]
  const control = look.variants[0]?.control
  if (control) rows.push(`| ${escapeInline(report.control)} (control) | ${meanCell(look.variants[0]?.controlMean ?? null, report.primary.type)} | ${NONE} | ${NONE} | ${NONE} | ${NONE} | ${formatCount(control.count)} |`)
  for (const v of look.variants) {
    rows.push(`| ${escapeInline(v.name)} | ${meanCell(v.mean, report.primary.type)} | ${formatChange(v.estimate)} | ${rangeOf(v)} | ${STATE_LABEL[v.state]} | ${guardrailCell(v)} | ${formatCount(v.variant.count)} |`)
  }
  return rows.join('\n')
}

/** One chart per variant: its lift's lower bound, estimate and upper bound (percent) at every look. */
export function confidenceChart(report: ExperimentReport, variant: string, maxPoints = DEFAULT_MAX_POINTS): string | null {
  const points = report.looks
    .map((l) => ({ look: l.interval + 1, v: l.variants.find((x) => x.name === variant) }))
    .filter((p): p is { look: number; v: VariantLook } => !!p.v && p.v.lower !== null && p.v.upper !== null && p.v.estimate !== null)
  if (points.length === 0) return null
  const shown = thin(points, maxPoints)
  // Bounds far outside the effect of interest flatten the chart: clip to ±10 × the MDE.
  const clip = 10 * report.minimumEffect * 100
  const pct = (x: number): string => mermaidNumber(Math.max(-clip, Math.min(clip, x * 100)))
  return [
    '```mermaid',
    '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#adb5bd, #e8590c, #adb5bd"}}}}%%',
    'xychart-beta',
    `    title "${mermaidLabel(`${variant} vs ${report.control}: lift of ${report.primary.name}`) || 'lift'}"`,
    `    x-axis "look" [${shown.map((p) => `"${p.look}"`).join(', ')}]`,
    `    y-axis "lift (%)"`,
    `    line [${shown.map((p) => pct(p.v.lower as number)).join(', ')}]`,
    `    line [${shown.map((p) => pct(p.v.estimate as number)).join(', ')}]`,
    `    line [${shown.map((p) => pct(p.v.upper as number)).join(', ')}]`,
    '```',
    '',
  ].join('\n')
}

/** The whole report as markdown (job summary; the check run's summary is the same, cut to its limit). */
export function renderExperimentMarkdown(report: ExperimentReport, options: { headingLevel?: number; charts?: boolean } = {}): string {
  const h = '#'.repeat(Math.max(1, options.headingLevel ?? 2))
  const last = report.looks.at(-1)
  const out = [`${h} ${verdictTitle(report)}`, '']
  const better = report.primary.direction === 'increase' ? 'higher' : 'lower'
  out.push(
    `Primary metric **${escapeInline(report.primary.name)}** (${report.primary.type === 'ratio' ? 'events per total' : 'mean of the values'}; ${better} is better), minimum detectable effect ±${formatChange(report.minimumEffect).replace(/^\+/, '')}, alpha ${report.alpha} over every look and every variant.`,
    '',
    winnerLine(report),
    '',
    `**Why:** ${escapeInline(report.reason)}`,
    '',
  )
  const needed = neededLine(report)
  if (needed) out.push(needed, '')
  if (last?.sampleRatio) {
    const s = last.sampleRatio
    out.push(
      s.mismatch
        ? `⚠️ **Sample-ratio mismatch**: the traffic per variant does not match the configured split (e-value ${s.eValue.toPrecision(3)} ≥ ${s.threshold}).`
        : `Traffic split as configured (sample-ratio e-value ${s.eValue.toPrecision(3)} < ${s.threshold}).`,
      '',
    )
  }
  if (last) out.push(variantTable(report, last), '')
  if (last) {
    out.push('<details><summary>Per variant</summary>', '')
    for (const v of last.variants) {
      out.push(`- **${escapeInline(v.name)}**: ${escapeInline(v.reason)}`)
      for (const g of v.guardrails) out.push(`  - guardrail ${escapeInline(g.name)}: ${escapeInline(g.reason)}`)
    }
    out.push('', '</details>', '')
  }
  if ((options.charts ?? true) && last) {
    for (const v of last.variants) {
      const chart = confidenceChart(report, v.name)
      if (chart) out.push(chart, '<sub>grey: confidence sequence bounds · orange: estimated lift (%)</sub>', '')
    }
  }
  out.push(`<sub>${report.looks.length} look${report.looks.length === 1 ? '' : 's'}${report.startedAt ? ` since ${escapeInline(report.startedAt)}` : ''}. Confidence sequences after Howard et al. (2021) and Waudby-Smith et al. (2024); see docs/experiments.md.</sub>`)
  return `${out.join('\n')}\n`
}

export function renderExperimentCheckOutput(report: ExperimentReport): CheckRunOutput {
  return {
    title: truncateText(verdictTitle(report).replace(/\\/g, ''), CHECK_TITLE_LIMIT),
    summary: closeAndCut(renderExperimentMarkdown(report, { headingLevel: 2 }), CHECK_OUTPUT_LIMIT, 'report truncated; full data in the `result` output'),
  }
}

/**
 * The experiment's part of its environment's sticky PR comment: the verdict, the winner or "no
 * winner yet", one row per variant (lift, confidence sequence, state, guardrails, traffic) and the
 * evidence behind each state. The charts stay in the check run, which the last line links.
 */
export function renderExperimentComment(report: ExperimentReport, options: { checkRunUrl?: string | null } = {}): string {
  const last = report.looks.at(-1)
  const out = [`### 🧪 ${verdictTitle(report)}`, '', winnerLine(report), '']
  if (last) out.push(variantTable(report, last), '')
  out.push('**Evidence:**', '')
  if (last) {
    for (const v of last.variants) {
      out.push(`- **${escapeInline(v.name)}** (${STATE_LABEL[v.state]}): ${escapeInline(v.reason)}`)
      for (const g of v.guardrails) out.push(`  - guardrail ${escapeInline(g.name)}: ${escapeInline(g.reason)}`)
    }
  } else {
    out.push(`- ${escapeInline(report.reason)}`)
  }
  if (last?.sampleRatio?.mismatch) out.push(`- ⚠️ sample-ratio mismatch: the traffic per variant does not match the configured split (e-value ${last.sampleRatio.eValue.toPrecision(3)} ≥ ${last.sampleRatio.threshold})`)
  out.push('')
  const needed = neededLine(report)
  if (needed) out.push(needed, '')
  const link = options.checkRunUrl ? `[check run ${escapeInline(experimentCheckName(report.experiment))}](${options.checkRunUrl})` : `the check run ${escapeInline(experimentCheckName(report.experiment))}`
  out.push(`<sub>${report.looks.length} look${report.looks.length === 1 ? '' : 's'}${report.startedAt ? ` since ${escapeInline(report.startedAt)}` : ''}, alpha ${report.alpha} over every look and variant; charts in ${link}.</sub>`, '')
  return out.join('\n')
}
