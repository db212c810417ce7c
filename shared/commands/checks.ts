/**
 * Whether a commit's checks are green, for `/rollgate canary` (commands.requireChecks): its check
 * runs and its commit statuses, newest per name, Rollgate's own (`rollgate/...`) left out so a
 * previous canary's failing report cannot block the next one and its pending one cannot pass it.
 */
import { gitHubError } from '../github/client.js'
import { listAll, type RepoRef } from '../github/ports.js'
import type { CommandsPort } from './ports.js'

export type ChecksReadPort = Pick<CommandsPort, 'checks' | 'repos'>

export interface ChecksVerdict {
  state: 'green' | 'pending' | 'failed'
  failed: string[]
  pending: string[]
  /** How many checks and statuses were counted. */
  counted: number
}

export interface CheckItem {
  name: string
  /** `success`, `pending` or `failed`. */
  outcome: 'success' | 'pending' | 'failed'
}

const OWN = /^rollgate\//i
const PASSING_CONCLUSIONS = new Set(['success', 'neutral', 'skipped'])

/** Newest check run per name (a re-run replaces its predecessor), as outcomes. */
export function checkRunOutcomes(runs: readonly { id: number; name: string; status: string; conclusion: string | null }[]): CheckItem[] {
  const newest = new Map<string, (typeof runs)[number]>()
  for (const run of runs) {
    const seen = newest.get(run.name)
    if (!seen || run.id > seen.id) newest.set(run.name, run)
  }
  return [...newest.values()].map((run) => ({
    name: run.name,
    outcome: run.status !== 'completed' ? 'pending' : PASSING_CONCLUSIONS.has(run.conclusion ?? '') ? 'success' : 'failed',
  }))
}

export function statusOutcomes(statuses: readonly { id: number; context: string; state: string }[]): CheckItem[] {
  const newest = new Map<string, (typeof statuses)[number]>()
  for (const status of statuses) {
    const seen = newest.get(status.context)
    if (!seen || status.id > seen.id) newest.set(status.context, status)
  }
  return [...newest.values()].map((s) => ({
    name: s.context,
    outcome: s.state === 'success' ? 'success' : s.state === 'pending' ? 'pending' : 'failed',
  }))
}

export function judgeChecks(items: readonly CheckItem[]): ChecksVerdict {
  const counted = items.filter((i) => !OWN.test(i.name))
  const failed = counted.filter((i) => i.outcome === 'failed').map((i) => i.name).sort()
  const pending = counted.filter((i) => i.outcome === 'pending').map((i) => i.name).sort()
  return { state: failed.length > 0 ? 'failed' : pending.length > 0 ? 'pending' : 'green', failed, pending, counted: counted.length }
}

/** Two requests for up to 100 check runs and 100 statuses; more pages only when there are more. */
export async function readChecks(port: ChecksReadPort, repo: RepoRef, sha: string): Promise<ChecksVerdict> {
  try {
    const [runs, combined] = await Promise.all([
      listAll(port.checks.listForRef, { ...repo, ref: sha, filter: 'latest' as const }, { items: (d) => d.check_runs, maxPages: 10 }),
      port.repos.getCombinedStatusForRef({ ...repo, ref: sha, per_page: 100 }),
    ])
    return judgeChecks([...checkRunOutcomes(runs), ...statusOutcomes(combined.data.statuses)])
  } catch (error) {
    throw gitHubError(`GET commits/${sha.slice(0, 12)} check runs and statuses`, error)
  }
}
