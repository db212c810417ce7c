/**
 * The rollout state machine: pure, no I/O. `decide(record, command, policy, context)` returns the
 * next record and the traffic move it needs, a no-op, or a replay; it throws an IllegalMoveError
 * that says what state the rollout is in and which commands it accepts.
 *
 *   idle ─deploy-canary─▶ pending ─(traffic moved)─▶ canary(step) ─promote…─▶ promoted
 *                                                        │  ▲ pause/resume
 *                                                        ├─rollback─▶ rolled-back
 *                                                        └─abort────▶ aborted
 *   promoted ─rollback─▶ rolled-back (the last known-good version is redeployed)
 *   promoted | rolled-back | aborted ─deploy-canary─▶ pending (a new rollout)
 *
 * Idempotency: every command has an operation key, `run:job:step:command:target`. A traffic-moving
 * command whose key is already in the history is a replay whatever the attempt (re-running a job
 * must never promote twice); analyze, pause, resume and repair replay only within the same attempt
 * (a re-run should analyse afresh). A command whose target is already in force is a no-op.
 */
import { mirrorPercentOf, mirroringPhrase } from '../config/mirror.js'
import { ConfigError } from '../errors.js'
import type { ReasonCode } from '../reason-codes.js'
import type { Decision } from '../analysis/types.js'
import {
  formatRun,
  lastKnownGood,
  type CanaryRef,
  type CommandType,
  type HistoryEntry,
  type JsonValue,
  type PendingMove,
  type Phase,
  type RolloutRecord,
  type RunRef,
  type StepVerdict,
  type VersionRef,
} from './record.js'

/** The slice of an environment's policy the machine reads (the loaded policy's `Environment` fits). */
export interface RolloutPolicy {
  steps: readonly StepPolicy[]
}

export interface StepPolicy {
  weight: number
  /** The analysis template that judges this step, if any. */
  analysis?: string | undefined
  /** Whether promote may move past this step before its analysis passed (default true). */
  skippable?: boolean | undefined
  /** A dark-launch step's mirror (#16): the canary gets copies of this percent of requests and serves none. */
  mirror?: number | { percent: number } | undefined
}

/** Where the canary stands, in words: `at 25%`, or at a mirror step `mirroring 20% of requests to the canary (serves none)`. */
export function whereCanary(weight: number, mirror: number | undefined): string {
  return mirror === undefined ? `at ${weight}%` : mirroringPhrase(mirror)
}

/** The short form, for `from → to` notes: `25%`, `mirror 20%`. */
function weightShort(weight: number, mirror: number | undefined): string {
  return mirror === undefined ? `${weight}%` : `mirror ${mirror}%`
}

export type PromoteTarget = { kind: 'next' } | { kind: 'to'; weight: number } | { kind: 'full' }

export type Command =
  | {
      type: 'deploy-canary'
      canary: CanaryRef
      /** Given explicitly (the `stable-version` input): wins over the record's, and is recorded. */
      stable?: VersionRef
      /** The policy's `stableVersion`: used only when neither the input nor the record names one. */
      defaultStable?: VersionRef
    }
  | {
      type: 'analyze'
      decision: Decision
      template: string
      summary: string
      /** When the verdict was reached; the context's time when absent. */
      at?: string
      /** The step the analysis judged; refused when the rollout has moved on since. */
      step?: number
      /** The judge's state to carry to the next `mode: once` run. */
      evidence?: JsonValue
    }
  | { type: 'promote'; target: PromoteTarget }
  | { type: 'rollback'; reason: string }
  | { type: 'pause'; reason?: string }
  | { type: 'resume' }
  | { type: 'abort'; reason: string }
  | { type: 'finalize' }
  /** Resolves an interrupted move, given where the traffic provider says traffic is. */
  | { type: 'repair'; observedWeight: number }

/** Who runs the command: a job attempt, the workflow step inside it, and the person behind it. */
export interface CommandContext extends RunRef {
  /** The workflow step (GITHUB_ACTION), so several promotes in one job have distinct keys. */
  step?: string
  actor: string
  now: Date
}

export type MoveKind = 'deploy' | 'shift' | 'finalize' | 'rollback' | 'revert' | 'abort'

/** What the traffic provider must do; absolute weights, so a retry sets the same thing. */
export interface TrafficMove {
  kind: MoveKind
  from: number
  to: number
  canary: CanaryRef
  /** The version serving the rest of the traffic after the move (for a revert: the known-good one). */
  stable?: VersionRef
}

export interface Transition {
  effect: 'applied' | 'noop' | 'replayed'
  command: CommandType
  /** The record after the command (unchanged unless applied). Lease and revision are the store's. */
  record: RolloutRecord
  move?: TrafficMove
  /** One line for logs and reports: "promoted to 25% (step 2 of 4)", "already at 25% by run 1001/1". */
  message: string
  /** The operation key (see the module comment). */
  op: string
}

/** A command the rollout's state does not allow; the message names the state and what is allowed. */
export class IllegalMoveError extends ConfigError {
  protected override defaultReasonCode(): ReasonCode {
    return 'illegal-move'
  }
  constructor(
    message: string,
    readonly state: string,
    readonly allowed: readonly CommandType[],
    reasonCode?: ReasonCode,
  ) {
    super(message, reasonCode !== undefined ? { reasonCode } : {})
  }
}

const TRAFFIC_COMMANDS: ReadonlySet<CommandType> = new Set(['deploy-canary', 'promote', 'rollback', 'abort', 'finalize'])

export function operationKey(command: Command, context: Pick<CommandContext, 'runId' | 'job' | 'step'>): string {
  const part = (s: string): string => s.replace(/[%:]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)
  return [String(context.runId), part(context.job), part(context.step ?? ''), command.type, part(commandTarget(command))].join(':')
}

/** The full idempotency key, attempt included: `1001/2:deploy:promote-1:promote:next`. */
export function idempotencyKey(command: Command, context: Pick<CommandContext, 'runId' | 'runAttempt' | 'job' | 'step'>): string {
  const op = operationKey(command, context)
  const [run, ...rest] = op.split(':')
  return [`${run}/${context.runAttempt}`, ...rest].join(':')
}

function commandTarget(command: Command): string {
  switch (command.type) {
    case 'deploy-canary':
      return `${command.canary.version}@${command.canary.sha}`
    case 'analyze':
      return `${command.step ?? ''}`
    case 'promote':
      return command.target.kind === 'to' ? `to-${command.target.weight}` : command.target.kind
    case 'repair':
      return String(command.observedWeight)
    default:
      return ''
  }
}

// ---------------------------------------------------------------------------------------------
// Describing states

/** `rolled-back (v2 → v1 at 5%)`, `canary (v2 at 25%, step 2 of 4)`. */
export function describeState(record: RolloutRecord, policy?: RolloutPolicy): string {
  const version = record.canary?.version ?? '?'
  const total = policy ? ` of ${policy.steps.length}` : ''
  // Where the canary stood when the rollout ended: the entry before names a mirror it left.
  const lastFrom = (phase: Phase): string | undefined => {
    for (let i = record.history.length - 1; i >= 0; i--) {
      const e = record.history[i]
      if (e?.to === phase) return ` ${whereCanary(e.fromWeight, record.history[i - 1]?.mirror)}`
    }
    return undefined
  }
  switch (record.phase) {
    case 'idle':
      return 'idle (no rollout yet)'
    case 'pending': {
      const m = record.pendingMove
      return m ? `pending (${version}, moving ${m.from}% → ${m.to}%)` : `pending (${version})`
    }
    case 'canary':
      return `${record.paused ? 'paused' : 'canary'} (${version} ${whereCanary(record.weight, record.mirror)}, step ${record.step + 1}${total})`
    case 'promoted':
      return `promoted (${version} at 100%)`
    case 'rolled-back': {
      const at = lastFrom('rolled-back')
      return `rolled-back (${version} → ${record.stable?.version ?? 'the stable version'}${at ?? ''})`
    }
    case 'aborted': {
      const at = lastFrom('aborted')
      return `aborted (${version}${at ?? ''})`
    }
  }
}

/** The commands that change this state (no-ops such as a second rollback are accepted but not listed). */
export function allowedCommands(record: RolloutRecord, policy?: RolloutPolicy): CommandType[] {
  if (record.pendingMove) return ['repair', 'rollback', 'abort']
  switch (record.phase) {
    case 'idle':
      return ['deploy-canary']
    case 'pending':
      return ['repair', 'rollback', 'abort']
    case 'canary': {
      const atLast = policy !== undefined && record.step >= policy.steps.length - 1
      const base: CommandType[] = record.paused
        ? ['resume', 'analyze', 'rollback', 'abort']
        : ['analyze', 'promote', 'pause', 'rollback', 'abort']
      return atLast ? [...base, 'finalize'] : base
    }
    case 'promoted':
      return ['deploy-canary', 'rollback']
    case 'rolled-back':
    case 'aborted':
      return ['deploy-canary']
  }
}

function refuse(record: RolloutRecord, command: CommandType, policy: RolloutPolicy | undefined, why?: string, code?: ReasonCode): never {
  const state = describeState(record, policy)
  const allowed = allowedCommands(record, policy)
  const reason = why ? `: ${why}` : ''
  throw new IllegalMoveError(
    `${command} refused${reason}; ${record.environment} is ${state}; allowed: ${allowed.join(', ')}`,
    state,
    allowed,
    code,
  )
}

// ---------------------------------------------------------------------------------------------
// Deciding

export function decide(record: RolloutRecord, command: Command, policy: RolloutPolicy, context: CommandContext): Transition {
  if (policy.steps.length === 0) throw new ConfigError(`the policy for ${record.environment} has no steps`)
  const op = operationKey(command, context)

  const replay = findReplay(record, command, op, context)
  if (replay) return { effect: 'replayed', command: command.type, record, message: replayMessage(record, replay), op }

  if (record.pendingMove && command.type !== 'repair' && command.type !== 'rollback' && command.type !== 'abort') {
    refuse(record, command.type, policy, interruptedMoveProblem(record.pendingMove))
  }

  const build = new Builder(record, command, context, op, policy)
  switch (command.type) {
    case 'deploy-canary':
      return decideDeployCanary(build, command)
    case 'analyze':
      return decideAnalyze(build, command)
    case 'promote':
      return decidePromote(build, command.target)
    case 'finalize':
      return decideFinalize(build)
    case 'rollback':
      return decideRollback(build, command.reason)
    case 'abort':
      return decideAbort(build, command.reason)
    case 'pause':
      return decidePause(build, command.reason)
    case 'resume':
      return decideResume(build)
    case 'repair':
      return decideRepair(build, command.observedWeight)
  }
}

function findReplay(record: RolloutRecord, command: Command, op: string, context: CommandContext): HistoryEntry | undefined {
  const anyAttempt = TRAFFIC_COMMANDS.has(command.type)
  for (let i = record.history.length - 1; i >= 0; i--) {
    const entry = record.history[i]
    if (entry?.op === op && (anyAttempt || entry.runAttempt === context.runAttempt)) return entry
  }
  return undefined
}

function replayMessage(record: RolloutRecord, entry: HistoryEntry): string {
  const by = `by ${formatRun(entry)}`
  const where = (() => {
    switch (entry.to) {
      case 'canary':
        if (entry.action === 'deploy-canary') return `${entry.version ?? 'the canary'} already deployed ${whereCanary(entry.weight, entry.mirror)}`
        return entry.action === 'analyze' || entry.action === 'pause' || entry.action === 'resume'
          ? `${entry.action} already applied ${whereCanary(entry.weight, entry.mirror)}`
          : `already ${whereCanary(entry.weight, entry.mirror)}`
      case 'promoted':
        return `already promoted ${entry.version ?? ''}`.trimEnd()
      case 'rolled-back':
        return 'already rolled back'
      case 'aborted':
        return 'already aborted'
      default:
        return `already ${entry.to}`
    }
  })()
  const moved = record.history[record.history.length - 1] !== entry ? `; ${record.environment} has moved on since: now ${describeState(record)}` : ''
  return `${where} ${by}${moved}`
}

/** Collects the changes of one applied command and appends its history entry. */
class Builder {
  readonly next: RolloutRecord
  constructor(
    readonly current: RolloutRecord,
    readonly command: Command,
    readonly context: CommandContext,
    readonly op: string,
    readonly policy: RolloutPolicy,
  ) {
    const { pendingMove: _dropped, ...rest } = current
    this.next = { ...rest, updatedAt: context.now.toISOString(), verdicts: [...current.verdicts], history: [...current.history] }
  }

  get now(): string {
    return this.context.now.toISOString()
  }

  applied(message: string, move?: TrafficMove, extra: Partial<HistoryEntry> = {}): Transition {
    // The mirror in force follows the step: set while at a mirror step, gone once the rollout leaves it.
    const mirror = this.next.phase === 'canary' || this.next.phase === 'pending' ? this.mirrorAt(this.next.step) : undefined
    if (mirror === undefined) delete this.next.mirror
    else this.next.mirror = mirror
    const entry: HistoryEntry = {
      at: this.now,
      action: this.command.type,
      from: this.current.phase,
      to: this.next.phase,
      fromWeight: this.current.weight,
      weight: this.next.weight,
      actor: this.context.actor,
      runId: this.context.runId,
      runAttempt: this.context.runAttempt,
      op: this.op,
      ...extra,
    }
    if (entry.version === undefined && this.next.canary) entry.version = this.next.canary.version
    if (mirror !== undefined) entry.mirror = mirror
    this.next.history.push(entry)
    const t: Transition = { effect: 'applied', command: this.command.type, record: this.next, message, op: this.op }
    if (move) t.move = move
    return t
  }

  noop(message: string): Transition {
    return { effect: 'noop', command: this.command.type, record: this.current, message, op: this.op }
  }

  refuse(why?: string, code?: ReasonCode): never {
    return refuse(this.current, this.command.type, this.policy, why, code)
  }

  mirrorAt(step: number): number | undefined {
    return mirrorPercentOf(this.policy.steps[step])
  }

  stepLabel(step: number): string {
    return `step ${step + 1} of ${this.policy.steps.length}`
  }
}

function canaryOf(b: Builder): CanaryRef {
  const canary = b.current.canary
  if (!canary) return b.refuse('there is no canary')
  return canary
}

function decideDeployCanary(b: Builder, command: Extract<Command, { type: 'deploy-canary' }>): Transition {
  const { current } = b
  const same = current.canary?.version === command.canary.version && current.canary.sha === command.canary.sha
  if (current.phase === 'canary' || current.phase === 'pending') {
    if (same && !current.pendingMove) return b.noop(`${command.canary.version} is already the canary: ${describeState(current, b.policy)}`)
    b.refuse(same ? undefined : `${current.canary?.version ?? 'another version'} is still rolling out; finish it (promote) or roll it back first`)
  }
  if (current.phase === 'promoted' && same) return b.noop(`${command.canary.version} is already promoted in ${current.environment}`)

  const first = b.policy.steps[0] as StepPolicy
  // An explicit stable version wins over what the record remembers; the policy's only fills a gap.
  const stable = command.stable ?? current.stable ?? command.defaultStable
  if (!stable) {
    throw new IllegalMoveError(
      `deploy-canary refused: ${current.environment} has no known stable version yet (this is its first rollout), so the analysis would have ` +
        `no baseline and a rollback nothing to return to; give the input 'stable-version' (the version serving traffic now), ` +
        `or set environments.${current.environment}.stableVersion in the policy`,
      describeState(current, b.policy),
      ['deploy-canary'],
      'stable-version-unknown',
    )
  }
  const { next } = b
  next.phase = 'canary'
  next.canary = { ...command.canary }
  if (stable) next.stable = stable
  next.startedAt = b.now
  next.step = 0
  next.weight = first.weight
  next.verdicts = []
  delete next.lastVerdict
  delete next.evidence
  delete next.reason
  delete next.paused
  delete next.deploymentId
  delete next.deploymentNodeId
  // A new rollout has a new check run, but the pull request keeps its one sticky comment per
  // environment: the comment's id stays as a cache (the marker search finds it on a miss).
  const { checkRunId: _checkRun, ...comment } = current.report ?? {}
  if (Object.keys(comment).length > 0) next.report = comment
  else delete next.report
  const move: TrafficMove = { kind: 'deploy', from: 0, to: first.weight, canary: next.canary }
  if (stable) move.stable = stable
  return b.applied(
    `deployed ${command.canary.version} as the canary ${whereCanary(first.weight, b.mirrorAt(0))} (${b.stepLabel(0)})`,
    move,
    stable ? { stable } : {},
  )
}

function decideAnalyze(b: Builder, command: Extract<Command, { type: 'analyze' }>): Transition {
  const { current, next } = b
  if (current.phase !== 'canary') b.refuse()
  if (command.step !== undefined && command.step !== current.step) {
    b.refuse(`the verdict is for step ${command.step + 1} but the rollout is at step ${current.step + 1}; analyse again`)
  }
  const at = command.at ?? b.now
  next.lastVerdict = { decision: command.decision, at, template: command.template, summary: command.summary, step: current.step }
  if (command.decision !== 'continue') {
    const verdict: StepVerdict = { step: current.step, decision: command.decision, at, template: command.template }
    // The verdict judged this canary: a pass counts only for the same version and commit.
    if (current.canary) {
      verdict.version = current.canary.version
      verdict.sha = current.canary.sha
    }
    next.verdicts = [...current.verdicts.filter((v) => v.step !== current.step), verdict].sort((x, y) => x.step - y.step)
  }
  if (command.evidence !== undefined) next.evidence = { step: current.step, template: command.template, data: command.evidence }
  else if (command.decision !== 'continue') delete next.evidence
  const what = command.decision === 'continue' ? 'analysis continues' : `analysis ${command.decision}`
  return b.applied(`${what} ${whereCanary(current.weight, b.mirrorAt(current.step))} (${b.stepLabel(current.step)})`, undefined, { note: truncate(command.summary, 200) })
}

/**
 * Whether a verdict judged this step as the policy names it: the step's analysis template, the
 * canary version and commit now in force (a verdict without version or SHA predates that check
 * and is taken at its word for them).
 */
export function verdictFits(verdict: StepVerdict, step: StepPolicy | undefined, canary: CanaryRef | undefined): string | undefined {
  if (step?.analysis !== undefined && verdict.template !== step.analysis) return `it came from template '${verdict.template}', not the step's '${step.analysis}'`
  if (canary && verdict.version !== undefined && verdict.version !== canary.version) return `it judged ${verdict.version}, not the canary ${canary.version}`
  if (canary && verdict.sha !== undefined && verdict.sha !== canary.sha) return `it judged commit ${verdict.sha.slice(0, 12)}, not the canary's ${canary.sha.slice(0, 12)}`
  return undefined
}

/** Why promote may not leave `from` for `to` (exclusive), or undefined when it may. */
function promotionBlock(b: Builder, from: number, to: number): { why: string; code: ReasonCode } | undefined {
  const { current, policy } = b
  const fromStep = policy.steps[from]
  const found = current.verdicts.find((v) => v.step === from)
  const mismatch = found ? verdictFits(found, fromStep, current.canary) : undefined
  const verdict = mismatch ? undefined : found
  if (verdict?.decision === 'fail') {
    return { why: `the analysis of step ${from + 1} (${weightShort(current.weight, mirrorPercentOf(fromStep))}) failed at ${verdict.at}; roll back, or analyse again`, code: 'illegal-move' }
  }
  if (fromStep && requiresAnalysis(fromStep) && verdict?.decision !== 'pass') {
    const last = mismatch ? ` (the recorded ${found?.decision} does not count: ${mismatch})` : current.lastVerdict?.step === from ? ` (last verdict: ${current.lastVerdict.decision})` : ''
    return {
      why:
        `the policy requires a passing analysis (${fromStep.analysis}) before leaving step ${from + 1} (${weightShort(current.weight, mirrorPercentOf(fromStep))}) ` +
        `and the record has none${last}`,
      code: 'analysis-required',
    }
  }
  for (let s = from + 1; s < to; s++) {
    const skipped = policy.steps[s]
    if (skipped && requiresAnalysis(skipped)) {
      return { why: `it would skip step ${s + 1} (${weightShort(skipped.weight, mirrorPercentOf(skipped))}), whose analysis (${skipped.analysis}) the policy requires`, code: 'analysis-required' }
    }
  }
  return undefined
}

function requiresAnalysis(step: StepPolicy): boolean {
  return step.analysis !== undefined && step.skippable === false
}

function decidePromote(b: Builder, target: PromoteTarget): Transition {
  const { current, policy } = b
  if (current.phase === 'promoted') return b.noop(`${current.canary?.version ?? 'the canary'} is already promoted to 100%`)
  if (current.phase !== 'canary') b.refuse()
  // `/rollgate pause` holds promotions from every source until resume; analysis and rollback still run.
  if (current.paused) {
    const by = `${current.paused.actor || 'someone'} at ${current.paused.at}${current.paused.reason ? ` (${current.paused.reason})` : ''}`
    try {
      b.refuse(`paused by ${by}; resume first`)
    } catch (error) {
      if (error instanceof IllegalMoveError) error.reasonCode = 'paused'
      throw error
    }
  }
  const last = policy.steps.length - 1
  if (current.step > last) b.refuse(`the rollout is at step ${current.step + 1} but the policy now has ${policy.steps.length} steps`)

  let to: number
  if (target.kind === 'next') to = Math.min(current.step + 1, last)
  else if (target.kind === 'full') to = last
  else {
    if (target.weight === current.weight) return b.noop(`already ${whereCanary(current.weight, b.mirrorAt(current.step))} (${b.stepLabel(current.step)})`)
    if (target.weight < current.weight) b.refuse(`weights never decrease during a rollout (${current.weight}% → ${target.weight}%); roll back instead`)
    const index = policy.steps.findIndex((s, i) => i > current.step && s.weight === target.weight)
    if (index < 0) {
      const remaining = policy.steps.slice(current.step + 1).map((s) => `${s.weight}`)
      b.refuse(`${target.weight}% is not the weight of a later step (promote --to accepts ${remaining.join(', ') || 'nothing: this is the last step'})`)
    }
    to = index
  }

  if (to === current.step) {
    // `next` or `full` from the last step: what remains is to finalize.
    return decideFinalize(b)
  }
  const block = promotionBlock(b, current.step, to)
  if (block) b.refuse(block.why, block.code)

  const toStep = policy.steps[to] as StepPolicy
  // Reaching the last step completes the rollout, unless that step has its own analysis to pass.
  if (to === last && toStep.analysis === undefined) return complete(b, to, target.kind === 'full' ? 'promoted to 100% (full)' : undefined)

  const { next } = b
  next.step = to
  next.weight = toStep.weight
  delete next.paused
  const canary = canaryOf(b)
  const move: TrafficMove = { kind: 'shift', from: current.weight, to: toStep.weight, canary }
  if (current.stable) move.stable = current.stable
  const toMirror = b.mirrorAt(to)
  const toText = toMirror === undefined ? `promoted to ${toStep.weight}%` : `promoted to the next step, ${mirroringPhrase(toMirror)}`
  return b.applied(`${toText} (${b.stepLabel(to)})`, move, { note: `${weightShort(current.weight, b.mirrorAt(current.step))} → ${weightShort(toStep.weight, toMirror)}` })
}

function decideFinalize(b: Builder): Transition {
  const { current, policy } = b
  if (current.phase === 'promoted') return b.noop(`${current.canary?.version ?? 'the canary'} is already promoted to 100%`)
  if (current.phase !== 'canary') b.refuse()
  const last = policy.steps.length - 1
  if (current.step < last) b.refuse(`the rollout is at ${b.stepLabel(current.step)}; finalize completes the last step (promote first)`)
  const block = promotionBlock(b, current.step, current.step)
  if (block) b.refuse(block.why, block.code)
  return complete(b, current.step)
}

/** The canary takes all traffic and becomes the stable version. */
function complete(b: Builder, step: number, message?: string): Transition {
  const { current, next } = b
  const canary = canaryOf(b)
  const stable: VersionRef = { version: canary.version, ref: canary.ref, sha: canary.sha }
  if (current.deploymentId !== undefined) stable.deploymentId = current.deploymentId
  if (current.deploymentNodeId !== undefined) stable.deploymentNodeId = current.deploymentNodeId
  next.phase = 'promoted'
  next.step = step
  next.weight = 100
  next.stable = stable
  delete next.paused
  const move: TrafficMove = { kind: 'finalize', from: current.weight, to: 100, canary, stable }
  return b.applied(message ?? `promoted ${canary.version} to 100%: it is now the stable version`, move, {
    stable,
    note: `${weightShort(current.weight, b.mirrorAt(current.step))} → 100%`,
  })
}

function decideRollback(b: Builder, reason: string): Transition {
  const { current, next } = b
  switch (current.phase) {
    case 'idle':
      return b.noop(`nothing to roll back: ${current.environment} has no rollout`)
    case 'rolled-back':
      return b.noop(`already rolled back: ${describeState(current)}`)
    case 'aborted':
      return b.noop(`nothing to roll back: the rollout was aborted (${describeState(current)})`)
    case 'promoted': {
      // After a finished promotion, rolling back means redeploying the last known-good version.
      const canary = canaryOf(b)
      const target = lastKnownGood(current, canary.version)
      if (!target) {
        b.refuse(`${canary.version} is fully promoted and the history names no earlier known-good version to return to; deploy one with deploy-canary`)
      }
      next.phase = 'rolled-back'
      next.weight = 0
      next.stable = target
      next.reason = reason
      return b.applied(
        `reverted ${canary.version}: ${target.version} takes all traffic again`,
        { kind: 'revert', from: 100, to: 0, canary, stable: target },
        { stable: target, note: reason },
      )
    }
    case 'pending':
    case 'canary': {
      const canary = canaryOf(b)
      next.phase = 'rolled-back'
      next.weight = 0
      next.reason = reason
      delete next.paused
      const move: TrafficMove = { kind: 'rollback', from: current.weight, to: 0, canary }
      if (current.stable) move.stable = current.stable
      return b.applied(`rolled back ${canary.version}: all traffic on ${current.stable?.version ?? 'the stable version'}`, move, { note: reason })
    }
  }
}

function decideAbort(b: Builder, reason: string): Transition {
  const { current, next } = b
  if (current.phase === 'aborted') return b.noop(`already aborted: ${describeState(current)}`)
  if (current.phase !== 'canary' && current.phase !== 'pending') b.refuse()
  const canary = canaryOf(b)
  next.phase = 'aborted'
  next.weight = 0
  next.reason = reason
  delete next.paused
  const move: TrafficMove = { kind: 'abort', from: current.weight, to: 0, canary }
  if (current.stable) move.stable = current.stable
  return b.applied(`aborted the rollout of ${canary.version}: all traffic on ${current.stable?.version ?? 'the stable version'}`, move, { note: reason })
}

function decidePause(b: Builder, reason: string | undefined): Transition {
  const { current, next } = b
  if (current.phase !== 'canary') b.refuse()
  if (current.paused) return b.noop(`already paused ${whereCanary(current.weight, b.mirrorAt(current.step))} since ${current.paused.at}`)
  next.paused = { at: b.now, actor: b.context.actor }
  if (reason !== undefined) next.paused.reason = reason
  return b.applied(`paused ${whereCanary(current.weight, b.mirrorAt(current.step))} (${b.stepLabel(current.step)})`, undefined, reason === undefined ? {} : { note: reason })
}

function decideResume(b: Builder): Transition {
  const { current, next } = b
  if (current.phase !== 'canary') b.refuse()
  if (!current.paused) return b.noop(`not paused: ${describeState(current, b.policy)}`)
  delete next.paused
  return b.applied(`resumed ${whereCanary(current.weight, b.mirrorAt(current.step))} (${b.stepLabel(current.step)})`)
}

// ---------------------------------------------------------------------------------------------
// Interrupted moves

export function interruptedMoveProblem(move: PendingMove): string {
  return (
    `${formatRun(move)} (job ${move.job || '?'}) stopped during a ${move.command} that was moving traffic ` +
    `${move.from}% → ${move.to}% (started ${move.startedAt}), so traffic may be at either weight`
  )
}

function decideRepair(b: Builder, observed: number): Transition {
  const { current, next } = b
  const move = current.pendingMove
  if (!move) return b.noop(`nothing to repair: ${current.environment} is ${describeState(current, b.policy)}`)
  const who = `the ${move.command} by ${formatRun(move)}`

  // A deploy that would not change the weight (0 → 0) cannot be told apart from one that never
  // ran, so it counts as not done: a new deploy-canary redoes it.
  const moved = observed === move.to && !(move.from === move.to && current.phase === 'pending')
  if (moved) {
    next.phase = move.phase
    next.step = move.step
    next.weight = move.to
    if (move.stable) next.stable = move.stable
    if (move.phase !== 'canary') delete next.paused
    if (move.phase === 'rolled-back' || move.phase === 'aborted') next.reason = `${who} was interrupted after moving traffic`
    // Traffic moves only after a migration's expand succeeded: the move done means expand is done.
    if (next.migration?.state === 'expanding' && move.command === 'deploy-canary') next.migration = { ...next.migration, state: 'expanded', expandedAt: b.context.now.toISOString() }
    // The entry carries the interrupted command's key, so re-running that job is a replay.
    return b.applied(`repaired: completed ${who}, interrupted after traffic reached ${move.to}%`, undefined, {
      op: move.op,
      fromWeight: move.from,
      note: `completed ${who} (traffic read back at ${observed}%)`,
      ...(move.stable ? { stable: move.stable } : {}),
    })
  }
  if (observed === move.from) {
    next.weight = move.from
    if (current.phase === 'pending') {
      next.phase = 'aborted'
      next.reason = `${who} stopped before traffic moved`
    }
    return b.applied(`repaired: ${who} never moved traffic; it is still at ${move.from}%`, undefined, {
      note: `undid ${who} (traffic read back at ${observed}%)`,
    })
  }
  return b.refuse(
    `traffic is at ${observed}%, neither the ${move.from}% before nor the ${move.to}% ${who} was setting; ` +
      `set it to one of them with the traffic provider and repair again, or roll back`,
  )
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

// ---------------------------------------------------------------------------------------------
// The two writes around a traffic move

/**
 * The record written before traffic moves: the current state plus the pending move (for a
 * deploy-canary, the new rollout in phase `pending`, before its first weight).
 */
export function beginMove(current: RolloutRecord, transition: Transition, context: CommandContext): RolloutRecord {
  const move = transition.move
  if (!move || transition.effect !== 'applied') throw new Error('beginMove needs an applied transition that moves traffic')
  const target = transition.record
  const pendingMove: PendingMove = {
    from: move.from,
    to: move.to,
    startedAt: context.now.toISOString(),
    runId: context.runId,
    runAttempt: context.runAttempt,
    job: context.job,
    command: transition.command,
    phase: target.phase,
    step: target.step,
    op: transition.op,
  }
  if (target.stable && (target.phase === 'promoted' || target.stable.version !== current.stable?.version)) pendingMove.stable = target.stable
  if (move.kind === 'deploy') {
    return { ...target, phase: 'pending', step: -1, weight: move.from, history: [...current.history], pendingMove }
  }
  return { ...current, pendingMove }
}

/**
 * The record written when the traffic provider failed and put the previous weights back: the
 * state before the command, with a history entry saying what failed. A deploy that never got
 * traffic ends `aborted`, so the next deploy-canary starts clean.
 */
export function failedMove(begun: RolloutRecord, transition: Transition, context: CommandContext, problem: string): RolloutRecord {
  const move = transition.move
  if (!move) throw new Error('failedMove needs a transition that moves traffic')
  const { pendingMove: _pending, ...rest } = begun
  const record: RolloutRecord = { ...rest, updatedAt: context.now.toISOString(), history: [...begun.history] }
  const action = begun.pendingMove?.command ?? 'promote'
  // A failed move away from a mirror step leaves the mirror on: "at 0%" alone would hide it.
  const note = truncate(`${action} failed, traffic left ${whereCanary(move.from, begun.phase === 'pending' ? undefined : begun.mirror)}: ${problem}`, 300)
  if (begun.phase === 'pending') {
    record.phase = 'aborted'
    record.reason = note
  }
  record.history.push({
    at: context.now.toISOString(),
    action,
    from: begun.phase,
    to: record.phase,
    fromWeight: move.from,
    weight: move.from,
    ...(record.canary ? { version: record.canary.version } : {}),
    actor: context.actor,
    runId: context.runId,
    runAttempt: context.runAttempt,
    note,
  })
  return record
}
