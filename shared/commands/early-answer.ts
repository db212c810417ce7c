/**
 * The router's courtesy answer from the rollout record, before it dispatches a job that would only
 * be refused after waiting for the environment's reviewers: `busy` (another rollout of another
 * commit is in flight, or another run holds the lease) and `paused`. The lifecycle actions still
 * decide (the record can change while the job waits); this only answers early what is certain now,
 * and names the commands that would proceed. Pure: the record is read by the caller.
 */
import { allowedCommands, describeState, type RolloutPolicy } from '../state/machine.js'
import type { CommandType, RolloutRecord } from '../state/record.js'
import type { CommandName } from './grammar.js'

export interface EarlyAnswer {
  code: 'busy' | 'paused'
  message: string
  /** The commands that would proceed now (or, for a held lease, after it expires). */
  proceeds: CommandName[]
  /** When `proceeds` applies only later: the lease's expiry. */
  after?: string
}

/** The commands whose refusal the router may answer early: the ones that move traffic forward. */
export const EARLY_ANSWERED: readonly CommandName[] = ['canary', 'promote']

const ROUTER_COMMAND: Partial<Record<CommandType, CommandName>> = {
  'deploy-canary': 'canary',
  promote: 'promote',
  rollback: 'rollback',
  analyze: 'analyze',
  pause: 'pause',
  resume: 'resume',
}

function routerCommands(types: readonly CommandType[]): CommandName[] {
  const names = types.map((t) => ROUTER_COMMAND[t]).filter((n): n is CommandName => n !== undefined)
  return [...new Set(names)]
}

export function earlyAnswer(
  command: CommandName,
  environment: string,
  record: RolloutRecord | undefined,
  facts: { headSha: string; now: Date; runId: number },
  policy?: RolloutPolicy,
): EarlyAnswer | undefined {
  if (record === undefined || !EARLY_ANSWERED.includes(command)) return undefined
  const lease = record.lease
  if (lease !== undefined && Date.parse(lease.expiresAt) > facts.now.getTime() && lease.owner.runId !== facts.runId) {
    const holder = `run ${lease.owner.runId}/${lease.owner.runAttempt} (job ${lease.owner.job || '?'})`
    return {
      code: 'busy',
      message: `busy: ${environment} is held by ${holder} until ${lease.expiresAt}: another Rollgate command is running there`,
      proceeds: [command, 'status'],
      after: lease.expiresAt,
    }
  }
  const inFlight = record.phase === 'canary' || record.phase === 'pending'
  if (command === 'canary' && inFlight && record.canary !== undefined && record.canary.sha !== facts.headSha) {
    return {
      code: 'busy',
      message: `busy: another rollout is in flight in ${environment}: ${record.canary.version} (${record.canary.sha.slice(0, 12)}) is ${describeState(record, policy)}; finish it or roll it back first`,
      proceeds: routerCommands(allowedCommands(record, policy)).filter((c) => c !== 'canary'),
    }
  }
  if (command === 'promote' && record.phase === 'canary' && record.paused !== undefined) {
    const by = `${record.paused.actor || 'someone'} at ${record.paused.at}${record.paused.reason ? ` (${record.paused.reason})` : ''}`
    return {
      code: 'paused',
      message: `the rollout of ${environment} is paused by ${by}; promote waits for resume`,
      proceeds: routerCommands(allowedCommands(record, policy)),
    }
  }
  return undefined
}
