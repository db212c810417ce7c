/**
 * `report.md`: what happened, in the same Markdown the actions publish to check runs and pull
 * requests (the shared renderers, Mermaid charts included), under a short summary and timeline.
 */
import { formatE, formatInterval, formatRelative } from '../../shared/analysis/evidence.js'
import type { Policy } from '../../shared/config/policy.generated.js'
import { renderAnalysisMarkdown } from '../../shared/report/analysis.js'
import { renderRolloutMarkdown } from '../../shared/report/rollout.js'
import { escapeInline } from '../../shared/report/text.js'
import { environmentOf } from '../../shared/rollout/analysis-plan.js'
import { toRolloutReport } from '../../shared/rollout/reporter.js'
import type { RolloutOutcome, StepAnalysis } from './pipeline.js'
import { seconds, type DemoRun } from './run.js'
import { ENVIRONMENT } from './scenario.js'

const HINT = 'every look in report.html'

export function outcomeText(rollout: RolloutOutcome | undefined): string {
  if (!rollout) return 'not rolled out'
  if (rollout.outcome === 'promoted') {
    const steps = rollout.analyses.map((a) => `${a.weight}% in ${a.result.outcome.looks.length} looks`).join(', ')
    return `promoted to 100% (passed ${steps})`
  }
  const last = rollout.analyses.at(-1)
  if (!last) return `rolled back: ${rollout.reason ?? ''}`
  return `rolled back at ${last.weight}% after ${last.result.outcome.looks.length} looks: ${decidingFigure(last)}`
}

export function decidingFigure(a: StepAnalysis): string {
  const { outcome } = a.result
  const m = outcome.looks.at(-1)?.metrics.find((x) => x.name === outcome.decidingMetric)
  if (!m) return outcome.reason
  const evidence = a.result.decision === 'pass' ? `${formatE(m.passEValue)} ≥ ${formatE(m.passThreshold)}` : `${formatE(m.eValue)} ≥ ${formatE(m.threshold)}`
  return `${m.name} ${formatRelative(m.estimate)} ${formatInterval(m.lower, m.upper)}, evidence ${evidence}`
}

function cell(text: string): string {
  return escapeInline(text).replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

export function timelineRows(run: DemoRun): { t: number; version: string; event: string; weight: string; detail: string }[] {
  const rows: { t: number; version: string; event: string; weight: string; detail: string }[] = []
  for (const rollout of run.rollouts) {
    for (const move of rollout.moves) {
      rows.push({ t: seconds(run, move.at), version: move.version, event: move.kind === 'deploy' ? 'deploy-canary' : move.kind, weight: `${move.from}% → ${move.to}%`, detail: move.message })
    }
    for (const a of rollout.analyses) {
      rows.push({
        t: seconds(run, a.endedAt),
        version: a.version,
        event: `analysis: ${a.result.decision}`,
        weight: `${a.weight}%`,
        detail: `${a.result.outcome.looks.length} looks in ${((a.endedAt - a.startedAt) / 1000).toFixed(1)} s; ${a.result.decision === 'pass' ? decidingFigure(a) : a.result.outcome.reason}`,
      })
    }
  }
  return rows.sort((x, y) => x.t - y.t)
}

export function renderDemoMarkdown(run: DemoRun, policy: Policy): string {
  const env = environmentOf(policy, ENVIRONMENT)
  const out: string[] = []
  const took = ((run.endedAt - run.startedAt) / 1000).toFixed(1)
  out.push(
    '# Rollgate demo',
    '',
    `Ran ${new Date(run.startedAt).toISOString()} in ${took} s · router: ${cell(run.routerDetail)} · a look every ${run.pace.intervalMs / 1000} s · ${run.pace.requestsPerSecond} requests/s of generated traffic · policy: \`${cell(run.policyFile)}\``,
    '',
    '| Version | What it is | Outcome |',
    '| --- | --- | --- |',
    `| ${run.stable.version} | ${cell(run.stable.story)} | stable |`,
    ...run.canaries.map((c) => `| ${c.version} | ${cell(c.story)} | ${cell(outcomeText(run.rollouts.find((r) => r.version === c.version)))} |`),
    '',
    '## Timeline',
    '',
    '| Time | Version | Event | Weight | Detail |',
    '| ---: | --- | --- | --- | --- |',
    ...timelineRows(run).map((r) => `| +${r.t.toFixed(1)} s | ${r.version} | ${cell(r.event)} | ${r.weight} | ${cell(r.detail)} |`),
    '',
  )
  for (const rollout of run.rollouts) {
    out.push(`## ${rollout.version}: ${rollout.outcome === 'promoted' ? 'promoted' : 'rolled back'}`, '')
    const report = toRolloutReport(rollout.record, env)
    // The record keeps the history of earlier rollouts too; this section shows this one's.
    report.history = report.history.filter((h) => Date.parse(h.at) >= rollout.startedAt)
    out.push(renderRolloutMarkdown(report, { headingLevel: 0, links: false, hint: HINT }).trim(), '')
    for (const a of rollout.analyses) {
      out.push(`### Analysis of ${a.version} at ${a.weight}% (step ${a.step + 1} of ${a.steps})`, '')
      out.push(renderAnalysisMarkdown(a.result.report, { headingLevel: 0, hint: HINT }).trim(), '')
    }
  }
  out.push('## The policy', '', `The demo wrote it to \`${cell(run.policyFile)}\` and loaded it from there, as the actions load \`.github/rollgate.yml\`.`, '', '```yaml', run.policyText.trimEnd(), '```', '')
  return out.join('\n')
}
