/**
 * The drill's own report: the check run `rollgate/drill/<environment>` (failure names what broke)
 * and the job summary, one table of the checks. Pure renderer; publishing is report/publish.ts's.
 */
import { checkRunName } from '../report/targets.js'
import { escapeInline } from '../report/text.js'
import { formatMs, type DrillOutcome } from './run.js'

export function drillCheckName(environment: string): string {
  return checkRunName(`drill/${environment}`)
}

export function renderDrillTitle(outcome: DrillOutcome): string {
  const broken = outcome.checks.filter((c) => !c.ok).map((c) => c.name)
  const ttr = outcome.timeToRestoreMs === null ? '' : `, restored in ${formatMs(outcome.timeToRestoreMs)}`
  return broken.length === 0 ? `Drill passed: rollback of ${outcome.environment} works end to end${ttr}` : `Drill failed: ${broken.join(', ')} broke${ttr}`
}

export function renderDrillSummary(outcome: DrillOutcome): string {
  const rows = outcome.checks.map((c) => `| ${c.ok ? '✅' : '❌'} | ${c.name} | ${escapeInline(c.detail)} |`)
  const injected = outcome.inject === 'provider-fault' ? 'a failing verdict, and a traffic provider fault on the rollback\'s first move' : 'a failing verdict'
  return [
    `### Rollgate drill: ${escapeInline(outcome.environment)}`,
    '',
    `**${escapeInline(renderDrillTitle(outcome))}**`,
    '',
    `Shipped ${escapeInline(outcome.canaryVersion)} as the canary over ${escapeInline(outcome.stableVersion)}, injected ${injected}, rolled back.`,
    `Time to restore: ${outcome.timeToRestoreMs === null ? 'not restored' : formatMs(outcome.timeToRestoreMs)} (at most ${formatMs(outcome.maxTimeToRestoreMs)}).`,
    '',
    '| | check | what the drill saw |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n')
}
