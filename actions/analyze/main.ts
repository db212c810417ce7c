import { GateError } from '../../shared/errors.js'
import type { ActionIO } from '../../shared/action/io.js'
import { commandReply } from '../../shared/commands/action-hooks.js'
import { analyzeRollout } from '../../shared/rollout/analyze-command.js'
import { analysisResult } from '../../shared/rollout/analysis-result.js'
import { loadPolicyFor, resolveEnvironment } from '../../shared/rollout/policy.js'
import { createActionRuntime, lifecycleDeps, productionDeps, type ActionDeps } from '../../shared/rollout/runtime.js'
import { readAnalyzeInputs } from './inputs.js'

export async function main(io: ActionIO, deps: ActionDeps = productionDeps(io)): Promise<void> {
  const inputs = readAnalyzeInputs(io)
  const policy = await loadPolicyFor(inputs.policy, { environment: inputs.environment, templates: inputs.template ? [inputs.template] : 'steps' }, io.env, deps.files)
  const environment = resolveEnvironment(policy, inputs.environment)
  const runtime = createActionRuntime(io, deps, inputs.token, policy)
  // Dispatched by `/rollgate analyze`: 👀 now, then the router's reply edited with the decision.
  const reply = commandReply(runtime.octokit.rest, runtime.run, runtime.logger, inputs.replyCommentId, { command: 'analyze', environment })
  await reply.start()
  let result: Awaited<ReturnType<typeof analyzeRollout>>
  try {
    result = await analyzeRollout(
      { policy, environment, ...(inputs.template ? { template: inputs.template } : {}), mode: inputs.mode },
      {
        ...lifecycleDeps(runtime, policy, environment),
        metrics: (plan) => runtime.metrics(plan.provider),
        clock: deps.clock,
      },
    )
  } catch (error) {
    await reply.finish({ ok: false, error })
    throw error
  }
  io.setOutput('decision', result.decision)
  io.setOutput('decided-at', result.outcome.decidedAt === null ? '' : String(result.outcome.decidedAt))
  io.setOutput('result', analysisResult(result))
  io.setOutput('report-url', runtime.reporter.checkRunUrl ?? '')
  const failOn: string[] = inputs.failOn
  const gate =
    (result.decision === 'fail' || result.decision === 'inconclusive') && failOn.includes(result.decision)
      ? new GateError(`Analysis of ${environment} decided ${result.decision}: ${result.outcome.reason}`, result.decision)
      : undefined
  await reply.finish(gate !== undefined ? { ok: false, error: gate } : { ok: true, code: result.decision, message: `analysis decided ${result.decision}: ${result.outcome.reason}` })
  if (gate !== undefined) throw gate
}
