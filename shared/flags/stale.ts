/**
 * The stale rules (issue #13 point 2), pure: a flag is stale when, in the policy's environment, it
 * has served one value to everyone for at least `afterDays`, is past its expiry (the expiry is the
 * deadline itself), is archived or marked stale by the provider, or (where the provider counts
 * evaluations) has not been evaluated for `afterDays`. The value kept comes from the provider's state
 * or the registry's `keep`, never guessed: targeting rules and partial rollouts are reported only.
 */
import type { FlagInfo, ServedState } from './source.js'
import type { KeptValue } from './types.js'

/** Why a flag is stale (not a result reason code: those live in shared/reason-codes.ts). */
export const STALE_RULES = ['single-value', 'expired', 'archived', 'marked-stale', 'not-evaluated'] as const
export type StaleRule = (typeof STALE_RULES)[number]

export type Kept = KeptValue

export interface StaleVerdict {
  name: string
  stale: boolean
  reasons: StaleRule[]
  /** `on`, `off` or a variant name; null when the state has no single value to keep. */
  keep: string | null
  kept: Kept | null
  /** Stale and with a value to keep. */
  removable: boolean
  /** Why it cannot be removed, when it is stale but not removable. */
  refusal?: string
  /** One line per reason, for reports and pull request bodies. */
  explanation: string[]
}

export interface StaleRules {
  afterDays: number
}

const DAY_MS = 86_400_000

export function describeState(state: ServedState): string {
  switch (state.kind) {
    case 'boolean':
      return state.value ? 'on for everyone' : 'off for everyone'
    case 'variant':
      return `variant ${state.value} for everyone`
    case 'percentage':
      return `a ${state.percent}% rollout`
    case 'targeting':
      return `targeting rules (${state.rules.join('; ') || 'unnamed'})`
    case 'unknown':
      return `unknown (${state.reason})`
  }
}

export function keepText(kept: Kept): string {
  return kept.kind === 'boolean' ? (kept.value ? 'on' : 'off') : kept.value
}

function keptFromState(state: ServedState): Kept | null {
  return state.kind === 'boolean' || state.kind === 'variant' ? state : null
}

/** `today` as YYYY-MM-DD in UTC: expiry dates are calendar days. */
function day(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function judgeStale(flag: FlagInfo, rules: StaleRules, now: Date): StaleVerdict {
  const reasons: StaleRule[] = []
  const explanation: string[] = []
  const threshold = rules.afterDays * DAY_MS
  const served = keptFromState(flag.state)
  if (served && flag.changedAt && now.getTime() - flag.changedAt.getTime() >= threshold) {
    reasons.push('single-value')
    const days = Math.floor((now.getTime() - flag.changedAt.getTime()) / DAY_MS)
    explanation.push(`${describeState(flag.state)} since ${day(flag.changedAt)} (${days} days; stale after ${rules.afterDays})`)
  }
  if (flag.expires !== undefined && flag.expires <= day(now)) {
    reasons.push('expired')
    explanation.push(`expired on ${flag.expires}`)
  }
  if (flag.archived) {
    reasons.push('archived')
    explanation.push('archived in the provider')
  }
  if (flag.markedStale) {
    reasons.push('marked-stale')
    explanation.push('marked stale in the provider')
  }
  if (flag.lastEvaluatedAt !== undefined) {
    const last = flag.lastEvaluatedAt ?? flag.createdAt
    if (last && now.getTime() - last.getTime() >= threshold) {
      reasons.push('not-evaluated')
      explanation.push(flag.lastEvaluatedAt ? `last evaluated ${day(flag.lastEvaluatedAt)} (stale after ${rules.afterDays} days without evaluations)` : `never evaluated since it was created on ${day(last)}`)
    }
  }
  const kept = flag.keep ?? served
  const stale = reasons.length > 0
  const verdict: StaleVerdict = { name: flag.name, stale, reasons, keep: kept ? keepText(kept) : null, kept, removable: stale && kept !== null, explanation }
  if (stale && kept === null) {
    verdict.refusal =
      flag.state.kind === 'percentage'
        ? `${flag.name} is in a partial rollout (${flag.state.percent}%): no single value to keep`
        : flag.state.kind === 'targeting'
          ? `${flag.name} has targeting rules: no single value to keep`
          : `${flag.name}: ${describeState(flag.state)}; set keep: in the registry to remove it`
  }
  return verdict
}

/** A short, stable text of what the provider serves: a closed cleanup PR is reopened only when it changes. */
export function stateFingerprint(flag: FlagInfo): string {
  const state = flag.state
  const served =
    state.kind === 'boolean' ? String(state.value) : state.kind === 'variant' ? `variant:${state.value}` : state.kind === 'percentage' ? `${state.percent}%` : state.kind
  return `${served}|${flag.keep ? keepText(flag.keep) : ''}|${flag.archived ? 'archived' : ''}|${flag.changedAt ? flag.changedAt.toISOString() : ''}`
}
