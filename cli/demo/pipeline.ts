/**
 * The demo's release pipeline: for each canary, what a workflow would run, through the same core
 * the actions use. deploy-canary puts it at the first step; analyze judges the step in force; a
 * pass promotes to the next step, a fail (or no decision) rolls back. Everything outside the core
 * (the store, the traffic provider, metrics, the clock) is handed in.
 */
import { createHash } from 'node:crypto'
import type { Logger } from '../../shared/action/logger.js'
import type { LookResult } from '../../shared/analysis/types.js'
import type { Policy } from '../../shared/config/policy.generated.js'
import type { MetricsProvider } from '../../shared/metrics/provider.js'
import { environmentOf, planAnalysis, templateFor, type AnalysisPlan } from '../../shared/rollout/analysis-plan.js'
import type { Clock } from '../../shared/clock.js'
import { analyzeRollout, type AnalyzeResult } from '../../shared/rollout/analyze-command.js'
import type { HookRunner } from '../../shared/rollout/hooks.js'
import { deployCanary, promote, rollback, type LifecycleDeps, type LifecycleOutcome } from '../../shared/rollout/lifecycle.js'
import type { RolloutReporter } from '../../shared/rollout/reporter.js'
import type { CommandContext } from '../../shared/state/machine.js'
import type { RolloutRecord } from '../../shared/state/record.js'
import type { StateStore } from '../../shared/state/store.js'
import type { TrafficProvider } from '../../shared/traffic/provider.js'
import type { DemoCanary } from './scenario.js'

export type MoveKind = 'deploy' | 'promote' | 'rollback'

export interface TrafficMoveEvent {
  /** Epoch milliseconds. */
  at: number
  version: string
  kind: MoveKind
  from: number
  to: number
  message: string
}

export interface AnalysisStart {
  version: string
  stable: string
  /** 0-based step index and the number of steps. */
  step: number
  steps: number
  weight: number
  plan: AnalysisPlan
  startedAt: number
}

export interface StepAnalysis extends AnalysisStart {
  result: AnalyzeResult
  endedAt: number
}

export interface RolloutOutcome {
  version: string
  /** Epoch milliseconds, just before deploy-canary. */
  startedAt: number
  outcome: 'promoted' | 'rolled-back'
  analyses: StepAnalysis[]
  moves: TrafficMoveEvent[]
  /** The record when the rollout ended (the report's timeline). */
  record: RolloutRecord
  /** Why it was rolled back. */
  reason?: string
}

export interface PipelineObserver {
  move(event: TrafficMoveEvent): void
  analysisStarted(start: AnalysisStart): void
  look(start: AnalysisStart, look: LookResult): void
  decided(analysis: StepAnalysis): void
}

export interface PipelineDeps {
  policy: Policy
  environment: string
  stableVersion: string
  store: StateStore
  traffic: TrafficProvider
  hooks: HookRunner
  reporter: RolloutReporter
  logger: Logger
  metrics: (plan: AnalysisPlan) => MetricsProvider
  clock: Clock
  observer: PipelineObserver
}

/** A made-up commit per version: the record wants a ref and a SHA, as a workflow run has them. */
export function demoSha(version: string): string {
  return createHash('sha1').update(`rollgate-demo:${version}`).digest('hex')
}

let commandCount = 0

/**
 * Who runs each command. A workflow gives every step its own name (GITHUB_ACTION), which keeps
 * the operation keys of two promotes in one job apart; the demo names each command the same way.
 */
function context(label: string): CommandContext {
  commandCount++
  return { runId: 0, runAttempt: 1, job: 'rollgate-demo', step: `${commandCount}-${label}`, actor: 'rollgate-demo', now: new Date() }
}

function lifecycle(deps: PipelineDeps, label: string): LifecycleDeps {
  return { store: deps.store, traffic: deps.traffic, hooks: deps.hooks, reporter: deps.reporter, logger: deps.logger, context: context(label) }
}

function moveEvent(version: string, kind: MoveKind, outcome: LifecycleOutcome): TrafficMoveEvent {
  return {
    at: Date.now(),
    version,
    kind,
    from: outcome.move?.from ?? outcome.record.weight,
    to: outcome.move?.to ?? outcome.record.weight,
    message: outcome.message,
  }
}

/** Rolls one canary out until it is promoted or rolled back. */
export async function runRollout(canary: DemoCanary, deps: PipelineDeps): Promise<RolloutOutcome> {
  const { policy, environment } = deps
  const env = environmentOf(policy, environment)
  const startedAt = Date.now()
  const analyses: StepAnalysis[] = []
  const moves: TrafficMoveEvent[] = []
  const moved = (kind: MoveKind, outcome: LifecycleOutcome): void => {
    const event = moveEvent(canary.version, kind, outcome)
    moves.push(event)
    deps.observer.move(event)
  }

  const deployed = await deployCanary(
    { policy, environment, version: canary.version, ref: `refs/tags/${canary.version}`, sha: demoSha(canary.version), stableVersion: deps.stableVersion },
    lifecycle(deps, `deploy-${canary.version}`),
  )
  moved('deploy', deployed)
  let record = deployed.record

  for (;;) {
    const step = env.steps[record.step]
    if (step?.analysis === undefined) {
      // A step without an analysis (none in the demo's policy but the last) is promoted right away.
      const next = await promote({ policy, environment, target: { kind: 'next' } }, lifecycle(deps, `promote-${canary.version}`))
      moved('promote', next)
      record = next.record
      if (record.phase === 'promoted') return { version: canary.version, startedAt, outcome: 'promoted', analyses, moves, record }
      continue
    }
    const plan = planAnalysis(policy, environment, templateFor(policy, environment, undefined, record.step), record.step)
    const start: AnalysisStart = {
      version: canary.version,
      stable: record.stable?.version ?? deps.stableVersion,
      step: record.step,
      steps: env.steps.length,
      weight: record.weight,
      plan,
      startedAt: Date.now(),
    }
    deps.observer.analysisStarted(start)
    const result = await analyzeRollout(
      { policy, environment, mode: 'watch' },
      {
        ...lifecycle(deps, `analyze-${canary.version}`),
        metrics: deps.metrics,
        clock: deps.clock,
        onLook: async (look) => deps.observer.look(start, look),
      },
    )
    const analysis: StepAnalysis = { ...start, result, endedAt: Date.now() }
    analyses.push(analysis)
    deps.observer.decided(analysis)

    if (result.decision === 'pass') {
      const next = await promote({ policy, environment, target: { kind: 'next' } }, lifecycle(deps, `promote-${canary.version}`))
      moved('promote', next)
      record = next.record
      if (record.phase === 'promoted') return { version: canary.version, startedAt, outcome: 'promoted', analyses, moves, record }
      continue
    }
    // What the workflow's `if: failure()` job does: a fail, or no decision by maxDuration (the
    // policy says onInconclusive: rollback), returns all traffic to the stable version.
    const reason = `${result.decision === 'fail' ? 'analysis failed' : 'analysis inconclusive'} at ${record.weight}%: ${result.outcome.reason}`
    const back = await rollback({ policy, environment, reason }, lifecycle(deps, `rollback-${canary.version}`))
    moved('rollback', back)
    return { version: canary.version, startedAt, outcome: 'rolled-back', analyses, moves, record: back.record, reason }
  }
}

/** A clock whose sleeps end early, with an AbortError, when the demo is interrupted. */
export function abortableClock(signal: AbortSignal): Clock {
  return {
    now: () => new Date(),
    sleep: (ms) =>
      new Promise<void>((resolve, reject) => {
        if (signal.aborted) {
          reject(abortError())
          return
        }
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        }, Math.max(0, ms))
        const onAbort = (): void => {
          clearTimeout(timer)
          reject(abortError())
        }
        signal.addEventListener('abort', onAbort, { once: true })
      }),
  }
}

export function abortError(): Error {
  const error = new Error('interrupted')
  error.name = 'AbortError'
  return error
}
