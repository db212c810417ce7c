/**
 * The report's figures from the history (history.ts): pure functions, no I/O. docs/insight.md
 * ("Report") defines each one; this file is that definition in code.
 */
import type { HistoryEntry } from '../state/record.js'
import type { CommitInfo, History, RollgateDeployment, StatusEvent } from './history.js'

export type Band = 'elite' | 'high' | 'medium' | 'low'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const WEEK = 7 * DAY
/** DORA's "month" in its bands, as a number of days. */
const MONTH = 30 * DAY

/**
 * Where the levels come from: the most recent DORA report that states performance levels, the
 * Accelerate State of DevOps Report 2024 (https://dora.dev/research/2024/dora-report/). The 2025
 * report has none; the 2023 one (https://dora.dev/research/2023/dora-report/) had other values.
 */
export const DORA_SOURCE = {
  report: 'Accelerate State of DevOps Report 2024',
  year: 2024,
  table: 'software delivery performance levels',
  url: 'https://dora.dev/research/2024/dora-report/',
} as const

/** One level's stated value for one metric; `strict` where the report says "less than" or "multiple". */
export interface DoraLevel {
  band: Exclude<Band, 'low'>
  limit: number
  strict: boolean
}

/**
 * The 2024 report's four performance levels, one metric at a time (docs/insight.md quotes the
 * table and why it is read this way). The levels are cluster profiles, not cut-offs, and in 2024
 * they are not ordered on every metric: medium's change failure rate (10%) is better than high's
 * (20%), and high and medium both recover in "less than one day". So a figure gets the best level
 * whose stated value it meets (elite, then high, then medium), and low otherwise; a boundary value
 * meets a level ("between once per day and once per week" includes once a week) unless the report
 * says "less than" or "multiple deploys per day".
 */
export const DORA_LEVELS: Record<'deploymentFrequency' | 'leadTime' | 'changeFailureRate' | 'timeToRestore', { better: 'higher' | 'lower'; levels: readonly DoraLevel[] }> = {
  /** Promotions a day: elite on demand (multiple deploys per day), high at least weekly, medium at least monthly. */
  deploymentFrequency: {
    better: 'higher',
    levels: [
      { band: 'elite', limit: 1, strict: true },
      { band: 'high', limit: 1 / 7, strict: false },
      { band: 'medium', limit: 1 / 30, strict: false },
    ],
  },
  /** Median lead time: elite less than one day, high up to one week, medium up to one month (30 days). */
  leadTime: {
    better: 'lower',
    levels: [
      { band: 'elite', limit: DAY, strict: true },
      { band: 'high', limit: WEEK, strict: false },
      { band: 'medium', limit: MONTH, strict: false },
    ],
  },
  /** Change failure rate: elite 5%, high 20%, medium 10% (so a rate alone never lands in medium rather than high). */
  changeFailureRate: {
    better: 'lower',
    levels: [
      { band: 'elite', limit: 0.05, strict: false },
      { band: 'high', limit: 0.2, strict: false },
      { band: 'medium', limit: 0.1, strict: false },
    ],
  },
  /** Median time to restore: elite less than one hour, high and medium less than one day; low is one week to one month. */
  timeToRestore: {
    better: 'lower',
    levels: [
      { band: 'elite', limit: HOUR, strict: true },
      { band: 'high', limit: DAY, strict: true },
      { band: 'medium', limit: DAY, strict: true },
    ],
  },
}

/** The DORA level of one figure (null: no figure); see DORA_LEVELS for the reading. */
export function doraBand(metric: keyof typeof DORA_LEVELS, value: number | null): Band | null {
  if (value === null || Number.isNaN(value)) return null
  const { better, levels } = DORA_LEVELS[metric]
  const meets = ({ limit, strict }: DoraLevel) =>
    better === 'higher' ? (strict ? value > limit : value >= limit) : strict ? value < limit : value <= limit
  return levels.find(meets)?.band ?? 'low'
}

export interface InsightOptions {
  /** A promoted rollout followed by a hotfix rollout of the same environment this soon failed (default 24 h). */
  hotfixWithinMs?: number
  /** Pull request label that marks a hotfix (default `hotfix`, case-insensitive). */
  hotfixLabel?: string
}

export type RolloutOutcome = 'promoted' | 'rolled-back' | 'reverted' | 'aborted' | 'in-progress'

export interface RolloutSummary {
  deploymentId: number
  environment: string
  version: string | undefined
  sha: string
  createdAt: string
  outcome: RolloutOutcome
  promotedAt?: string
  /** When traffic was back on the stable version (rollback or revert). */
  rolledBackAt?: string
  /** Lead time of the change: first commit → promoted to 100%. */
  leadTimeMs?: number
  leadTimeFrom?: 'pull-request' | 'commit'
  hotfix: boolean
  failed: boolean
  failure?: { kind: 'rollback' | 'revert' | 'hotfix'; detectedAt: string; detectedFrom: 'verdict' | 'step-start' | 'promotion'; restoredAt?: string; restoreMs?: number; by?: number }
  /** Time at each step: `step N (W%)` → ms; `mirror`: the percent a mirror step copied to the canary (weight 0). */
  steps: { step: number; weight: number; mirror?: number; ms: number }[]
}

export interface Distribution {
  count: number
  medianMs: number | null
  p90Ms: number | null
}

export interface WeekTrend {
  /** Monday 00:00 UTC. */
  week: string
  promotions: number
  endedRollouts: number
  failures: number
  changeFailureRate: number | null
  leadTimeMedianMs: number | null
  timeToRestoreMedianMs: number | null
}

export interface JudgeFigures {
  /** Final verdicts found in the records' histories within the window. */
  verdicts: number
  failed: number
  passedEarly: number
  ranToMax: number
  /** Verdicts whose outcome the history does not show (the rollout moved on out of the kept events). */
  undetermined: number
  timeToVerdict: Distribution
  /** Time spent at each step, from the deployment statuses; `mirror` as on RolloutFigures' steps. */
  steps: { step: number; weight: number; mirror?: number; rollouts: number; medianMs: number | null; totalMs: number }[]
}

export interface InsightReport {
  schemaVersion: 1
  repository: string
  environments: string[]
  window: { since: string; until: string; days: number }
  deploymentFrequency: { promotions: number; perDay: number; perWeek: number; band: Band | null }
  leadTime: Distribution & { band: Band | null; fromPullRequests: number; fromCommits: number }
  changeFailureRate: { ended: number; failed: number; rollbacks: number; reverts: number; hotfixFollowed: number; rate: number | null; band: Band | null }
  timeToRestore: Distribution & { band: Band | null; fromVerdicts: number }
  trend: WeekTrend[]
  judge: JudgeFigures
  rollouts: RolloutSummary[]
  /** Deployments in the window that are not Rollgate's (left out of every figure). */
  ignoredDeployments: number
  aborted: number
  inProgress: number
  budget?: { graphqlCalls: number; graphqlPoints: number; restCalls: number; remaining: number | undefined }
  warnings: string[]
}

// ---------------------------------------------------------------------------------------------
// Small statistics, stated exactly (docs/insight.md): the median of an even count is the mean of
// the two middle values; the p90 is the nearest rank, the ⌈0.9·n⌉-th smallest value.

export function median(values: number[]): number | null {
  if (values.length === 0) return null
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

export function nearestRank(values: number[], p: number): number | null {
  if (values.length === 0) return null
  const s = [...values].sort((a, b) => a - b)
  return s[Math.max(0, Math.ceil(p * s.length) - 1)] as number
}

function distribution(values: number[]): Distribution {
  return { count: values.length, medianMs: median(values), p90Ms: nearestRank(values, 0.9) }
}

// ---------------------------------------------------------------------------------------------
// One rollout from its deployment statuses (the descriptions the GitHub state store posts).

// A mirror step's status reads `mirroring 20% of requests to the canary (serves none) (step 1)` (weight 0).
const STEP_STATUS = /^(?:(?:canary|paused) at (\d+(?:\.\d+)?)%|(?:paused, )?mirroring (\d+(?:\.\d+)?)% of requests to the canary \(serves none\)) \(step (\d+)\)/

interface Parsed {
  promotedAt?: string
  rolledBackAt?: string
  abortedAt?: string
  /** A deployment whose record write lost its race: never a rollout. */
  superseded: boolean
  /** A rollback drill's canary (the drill action): practice, not a change that failed. */
  drill: boolean
  steps: { step: number; weight: number; mirror?: number; ms: number; startedAt: string }[]
}

function parseStatuses(statuses: StatusEvent[]): Parsed {
  const sorted = [...statuses].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
  const out: Parsed = { superseded: false, drill: false, steps: [] }
  for (const [i, s] of sorted.entries()) {
    if (s.state === 'in_progress') {
      const m = STEP_STATUS.exec(s.description)
      const next = sorted[i + 1]
      if (m && next && out.promotedAt === undefined && out.rolledBackAt === undefined) {
        const step = Number(m[3])
        const weight = m[1] === undefined ? 0 : Number(m[1])
        const mirror = m[2] === undefined ? undefined : Number(m[2])
        const ms = Date.parse(next.createdAt) - Date.parse(s.createdAt)
        const last = out.steps.at(-1)
        // A pause, a resume or a repeated status stays in the same step.
        if (last && last.step === step && last.weight === weight && last.mirror === mirror) last.ms += ms
        else out.steps.push({ step, weight, ...(mirror === undefined ? {} : { mirror }), ms, startedAt: s.createdAt })
      }
    } else if (s.state === 'success' && /^promoted /.test(s.description) && out.promotedAt === undefined) {
      out.promotedAt = s.createdAt
    } else if (s.state === 'failure' && /^rolled back /.test(s.description) && out.rolledBackAt === undefined) {
      out.rolledBackAt = s.createdAt
      // shared/drill/run.ts gives every drill rollback the reason DRILL_REASON_PREFIX ('Rollgate drill: …').
      if (/Rollgate drill: /.test(s.description)) out.drill = true
    } else if (s.state === 'error') {
      if (/^Superseded: another Rollgate command/.test(s.description)) out.superseded = true
      else if (/^aborted/.test(s.description) && out.abortedAt === undefined) out.abortedAt = s.createdAt
    }
  }
  return out
}

function isHotfix(d: RollgateDeployment, commit: CommitInfo | undefined, label: string): boolean {
  const pattern = /(^|\/)hotfix[-/_]/i
  if (d.ref && pattern.test(d.ref.replace(/^refs\/heads\//, ''))) return true
  return (commit?.pulls ?? []).some((p) => p.labels.some((l) => l.toLowerCase() === label.toLowerCase()) || pattern.test(p.headRefName))
}

function leadTimeOf(promotedAt: string, commit: CommitInfo | undefined): { ms: number; from: 'pull-request' | 'commit' } | undefined {
  if (!commit) return undefined
  const firsts = commit.pulls.filter((p) => p.mergedAt !== null && p.firstCommitAt).map((p) => Date.parse(p.firstCommitAt as string))
  const end = Date.parse(promotedAt)
  if (firsts.length > 0) return { ms: end - Math.min(...firsts), from: 'pull-request' }
  return { ms: end - Date.parse(commit.authoredDate), from: 'commit' }
}

// ---------------------------------------------------------------------------------------------
// Verdicts from the records' histories.

interface VerdictEvent {
  environment: string
  at: number
  decision: 'pass' | 'fail' | 'undetermined'
  ranToMax: boolean
  timeToVerdictMs: number | undefined
  version: string | undefined
}

/** Every history entry known for an environment: the live record's and each payload's copy. */
function entriesByEnvironment(history: History): Map<string, HistoryEntry[]> {
  const byEnv = new Map<string, Map<string, HistoryEntry>>()
  const add = (environment: string, entries: HistoryEntry[]) => {
    const key = environment.toLowerCase()
    const map = byEnv.get(key) ?? new Map<string, HistoryEntry>()
    for (const e of entries) map.set(e.op ?? `${e.at}|${e.action}|${e.weight}`, e)
    byEnv.set(key, map)
  }
  for (const d of history.deployments) add(d.environment, d.payloadHistory)
  for (const r of history.records) add(r.environment, r.history)
  return new Map([...byEnv].map(([env, map]) => [env, [...map.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))]))
}

const NOT_FINAL = /^(no decision yet after|between judgments)/

function verdictEvents(history: History): VerdictEvent[] {
  const out: VerdictEvent[] = []
  const live = new Map(history.records.map((r) => [r.environment.toLowerCase(), r]))
  for (const [environment, entries] of entriesByEnvironment(history)) {
    for (const [i, e] of entries.entries()) {
      if (e.action !== 'analyze' || NOT_FINAL.test(e.note ?? '')) continue
      const later = entries.slice(i + 1).filter((n) => n.version === e.version)
      // Another look at the same step later: this one did not end the step (a `mode: once` run).
      const next = later.find((n) => n.action !== 'pause' && n.action !== 'resume')
      if (next?.action === 'analyze' && next.weight === e.weight && !NOT_FINAL.test(next.note ?? '')) continue
      let decision: VerdictEvent['decision'] = 'undetermined'
      if (next && (next.action === 'promote' || next.action === 'finalize')) decision = 'pass'
      else if (next && (next.action === 'rollback' || next.action === 'abort')) decision = 'fail'
      else if (!next) {
        const record = live.get(environment)
        const verdict = record?.verdicts.find((v) => v.at === e.at)
        if (verdict && verdict.decision !== 'inconclusive') decision = verdict.decision
      }
      const start = [...entries.slice(0, i)].reverse().find((p) => p.version === e.version && (p.action === 'deploy-canary' || p.action === 'promote') && p.weight === e.weight)
      out.push({
        environment,
        at: Date.parse(e.at),
        decision,
        ranToMax: /maximum duration/.test(e.note ?? ''),
        timeToVerdictMs: start ? Date.parse(e.at) - Date.parse(start.at) : undefined,
        version: e.version,
      })
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------

function weekStart(ms: number): number {
  const d = new Date(ms)
  const day = (d.getUTCDay() + 6) % 7 // Monday 0
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day)
}

export function computeInsight(history: History, options: InsightOptions = {}): InsightReport {
  const hotfixWithin = options.hotfixWithinMs ?? DAY
  const hotfixLabel = options.hotfixLabel ?? 'hotfix'
  const since = Date.parse(history.since)
  const until = Date.parse(history.until)
  const inWindow = (iso: string | undefined) => iso !== undefined && Date.parse(iso) >= since && Date.parse(iso) <= until
  const verdicts = verdictEvents(history)

  const rollouts: (RolloutSummary & { parsed: Parsed })[] = []
  for (const d of history.deployments) {
    const parsed = parseStatuses(d.statuses)
    if (parsed.superseded || parsed.drill) continue
    const commit = history.commits.get(d.sha)
    const reverted = parsed.promotedAt !== undefined && parsed.rolledBackAt !== undefined && Date.parse(parsed.rolledBackAt) > Date.parse(parsed.promotedAt)
    const outcome: RolloutOutcome = reverted ? 'reverted' : parsed.rolledBackAt ? 'rolled-back' : parsed.promotedAt ? 'promoted' : parsed.abortedAt ? 'aborted' : 'in-progress'
    const summary: RolloutSummary & { parsed: Parsed } = {
      deploymentId: d.id,
      environment: d.environment,
      version: d.version,
      sha: d.sha,
      createdAt: d.createdAt,
      outcome,
      hotfix: isHotfix(d, commit, hotfixLabel),
      failed: false,
      steps: parsed.steps.map(({ step, weight, mirror, ms }) => ({ step, weight, ...(mirror === undefined ? {} : { mirror }), ms })),
      parsed,
      ...(parsed.promotedAt ? { promotedAt: parsed.promotedAt } : {}),
      ...(parsed.rolledBackAt ? { rolledBackAt: parsed.rolledBackAt } : {}),
    }
    if (parsed.promotedAt) {
      const lead = leadTimeOf(parsed.promotedAt, commit)
      if (lead) {
        summary.leadTimeMs = lead.ms
        summary.leadTimeFrom = lead.from
      }
    }
    rollouts.push(summary)
  }
  rollouts.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.deploymentId - b.deploymentId)

  // Failures: a rollback (of the canary, or a revert after promotion), or a promotion followed by a hotfix.
  for (const r of rollouts) {
    if (r.outcome === 'rolled-back' && r.rolledBackAt) {
      const verdict = [...verdicts]
        .reverse()
        .find((v) => v.environment === r.environment.toLowerCase() && v.version === r.version && v.decision === 'fail' && v.at <= Date.parse(r.rolledBackAt as string) && v.at >= Date.parse(r.createdAt))
      const lastStep = r.parsed.steps.at(-1)
      const detectedAt = verdict ? new Date(verdict.at).toISOString() : (lastStep?.startedAt ?? r.createdAt)
      r.failed = true
      r.failure = { kind: 'rollback', detectedAt, detectedFrom: verdict ? 'verdict' : 'step-start', restoredAt: r.rolledBackAt, restoreMs: Date.parse(r.rolledBackAt) - Date.parse(detectedAt) }
    } else if (r.outcome === 'reverted' && r.promotedAt && r.rolledBackAt) {
      r.failed = true
      r.failure = { kind: 'revert', detectedAt: r.promotedAt, detectedFrom: 'promotion', restoredAt: r.rolledBackAt, restoreMs: Date.parse(r.rolledBackAt) - Date.parse(r.promotedAt) }
    } else if (r.outcome === 'promoted' && r.promotedAt) {
      const promoted = Date.parse(r.promotedAt)
      const fix = rollouts.find(
        (o) => o !== r && o.hotfix && o.environment.toLowerCase() === r.environment.toLowerCase() && Date.parse(o.createdAt) > promoted && Date.parse(o.createdAt) - promoted <= hotfixWithin,
      )
      if (fix) {
        r.failed = true
        r.failure = {
          kind: 'hotfix',
          detectedAt: r.promotedAt,
          detectedFrom: 'promotion',
          by: fix.deploymentId,
          ...(fix.promotedAt ? { restoredAt: fix.promotedAt, restoreMs: Date.parse(fix.promotedAt) - promoted } : {}),
        }
      }
    }
  }

  const endOf = (r: RolloutSummary) => r.rolledBackAt ?? r.promotedAt
  const ended = rollouts.filter((r) => (r.outcome === 'promoted' || r.outcome === 'rolled-back' || r.outcome === 'reverted') && inWindow(r.outcome === 'reverted' ? r.promotedAt : endOf(r)))
  const promotions = rollouts.filter((r) => r.promotedAt !== undefined && inWindow(r.promotedAt))
  const failed = ended.filter((r) => r.failed)
  const restores = rollouts.filter((r) => r.failure?.restoredAt !== undefined && inWindow(r.failure.restoredAt))
  const leadTimes = promotions.filter((r) => r.leadTimeMs !== undefined)
  const days = Math.max((until - since) / DAY, 1 / 24)
  const perDay = promotions.length / days

  const rate = ended.length > 0 ? failed.length / ended.length : null
  const leadDist = distribution(leadTimes.map((r) => r.leadTimeMs as number))
  const restoreDist = distribution(restores.map((r) => r.failure?.restoreMs as number))

  // Weekly trend, Monday to Monday (UTC), every week the window touches.
  const trend: WeekTrend[] = []
  for (let w = weekStart(since); w < until; w += WEEK) {
    const inWeek = (iso: string | undefined) => iso !== undefined && Date.parse(iso) >= Math.max(w, since) && Date.parse(iso) < Math.min(w + WEEK, until + 1)
    const weekEnded = ended.filter((r) => inWeek(r.outcome === 'reverted' ? r.promotedAt : endOf(r)))
    const weekFailed = weekEnded.filter((r) => r.failed)
    trend.push({
      week: new Date(w).toISOString().slice(0, 10),
      promotions: promotions.filter((r) => inWeek(r.promotedAt)).length,
      endedRollouts: weekEnded.length,
      failures: weekFailed.length,
      changeFailureRate: weekEnded.length > 0 ? weekFailed.length / weekEnded.length : null,
      leadTimeMedianMs: median(leadTimes.filter((r) => inWeek(r.promotedAt)).map((r) => r.leadTimeMs as number)),
      timeToRestoreMedianMs: median(restores.filter((r) => inWeek(r.failure?.restoredAt)).map((r) => r.failure?.restoreMs as number)),
    })
  }

  // Rollgate's own figures.
  const windowVerdicts = verdicts.filter((v) => v.at >= since && v.at <= until)
  const stepMap = new Map<string, { step: number; weight: number; mirror?: number; rollouts: number; values: number[] }>()
  for (const r of rollouts) {
    if (!inWindow(r.createdAt) && !inWindow(endOf(r))) continue
    for (const s of r.steps) {
      const key = `${s.step}|${s.weight}|${s.mirror ?? ''}`
      const entry = stepMap.get(key) ?? { step: s.step, weight: s.weight, ...(s.mirror === undefined ? {} : { mirror: s.mirror }), rollouts: 0, values: [] }
      entry.rollouts++
      entry.values.push(s.ms)
      stepMap.set(key, entry)
    }
  }

  return {
    schemaVersion: 1,
    repository: `${history.repo.owner}/${history.repo.repo}`,
    environments: history.environments,
    window: { since: history.since, until: history.until, days: Number(days.toFixed(3)) },
    deploymentFrequency: { promotions: promotions.length, perDay, perWeek: perDay * 7, band: promotions.length > 0 ? doraBand('deploymentFrequency', perDay) : 'low' },
    leadTime: { ...leadDist, band: doraBand('leadTime', leadDist.medianMs), fromPullRequests: leadTimes.filter((r) => r.leadTimeFrom === 'pull-request').length, fromCommits: leadTimes.filter((r) => r.leadTimeFrom === 'commit').length },
    changeFailureRate: {
      ended: ended.length,
      failed: failed.length,
      rollbacks: failed.filter((r) => r.failure?.kind === 'rollback').length,
      reverts: failed.filter((r) => r.failure?.kind === 'revert').length,
      hotfixFollowed: failed.filter((r) => r.failure?.kind === 'hotfix').length,
      rate,
      band: doraBand('changeFailureRate', rate),
    },
    timeToRestore: { ...restoreDist, band: doraBand('timeToRestore', restoreDist.medianMs), fromVerdicts: restores.filter((r) => r.failure?.detectedFrom === 'verdict').length },
    trend,
    judge: {
      verdicts: windowVerdicts.length,
      failed: windowVerdicts.filter((v) => v.decision === 'fail' && !v.ranToMax).length,
      passedEarly: windowVerdicts.filter((v) => v.decision === 'pass' && !v.ranToMax).length,
      ranToMax: windowVerdicts.filter((v) => v.ranToMax).length,
      undetermined: windowVerdicts.filter((v) => v.decision === 'undetermined' && !v.ranToMax).length,
      timeToVerdict: distribution(windowVerdicts.flatMap((v) => (v.timeToVerdictMs === undefined ? [] : [v.timeToVerdictMs]))),
      steps: [...stepMap.values()]
        .sort((a, b) => a.step - b.step || a.weight - b.weight)
        .map((s) => ({ step: s.step, weight: s.weight, ...(s.mirror === undefined ? {} : { mirror: s.mirror }), rollouts: s.rollouts, medianMs: median(s.values), totalMs: s.values.reduce((x, y) => x + y, 0) })),
    },
    rollouts: rollouts.filter((r) => inWindow(r.createdAt) || inWindow(endOf(r))).map(({ parsed: _parsed, ...r }) => r),
    ignoredDeployments: history.ignored,
    aborted: rollouts.filter((r) => r.outcome === 'aborted' && inWindow(r.createdAt)).length,
    inProgress: rollouts.filter((r) => r.outcome === 'in-progress').length,
    warnings: [...history.warnings],
  }
}
