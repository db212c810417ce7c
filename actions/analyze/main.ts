import { GateError } from '../../shared/errors.js'
import type { ActionIO } from '../../shared/action/io.js'
import { analyzeRollout } from '../../shared/rollout/analyze-command.js'
import { analysisResult } from '../../shared/rollout/analysis-result.js'
import { resolveEnvironment } from '../../shared/rollout/policy.js'
import { loadActionPolicy } from '../../shared/rollout/policy-report.js'
import { createActionRuntime, lifecycleDeps, productionDeps, type ActionDeps } from '../../shared/rollout/runtime.js'
import { readAnalyzeInputs } from './inputs.js'

export async function main(io: ActionIO, deps: ActionDeps = productionDeps(io)): Promise<void> {
  const inputs = readAnalyzeInputs(io)
  const policy = await loadActionPolicy(io, deps, inputs, { environment: inputs.environment, templates: inputs.template ? [inputs.template] : 'steps' })
  const environment = resolveEnvironment(policy, inputs.environment)
  const runtime = createActionRuntime(io, deps, inputs.token, policy)
  const result = await analyzeRollout(
    { policy, environment, ...(inputs.template ? { template: inputs.template } : {}), mode: inputs.mode },
    {
      ...lifecycleDeps(runtime, policy, environment),
      metrics: (plan) => runtime.metrics(plan.provider),
      clock: deps.clock,
    },
  )
  io.setOutput('decision', result.decision)
  io.setOutput('decided-at', result.outcome.decidedAt === null ? '' : String(result.outcome.decidedAt))
  io.setOutput('result', analysisResult(result))
  io.setOutput('report-url', runtime.reporter.checkRunUrl ?? '')
  if (result.decision === 'fail' || result.decision === 'inconclusive') {
    const failOn: string[] = inputs.failOn
    if (failOn.includes(result.decision)) {
      throw new GateError(`Analysis of ${environment} decided ${result.decision}: ${result.outcome.reason}`, result.decision)
    }
  }
}
