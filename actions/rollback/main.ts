import type { ActionIO } from '../../shared/action/io.js'
import { rollback } from '../../shared/rollout/lifecycle.js'
import { resolveEnvironment } from '../../shared/rollout/policy.js'
import { loadActionPolicy } from '../../shared/rollout/policy-report.js'
import { lifecycleResult } from '../../shared/rollout/result.js'
import { createActionRuntime, lifecycleDeps, productionDeps, type ActionDeps } from '../../shared/rollout/runtime.js'
import { commandReply, withCommandReply } from '../../shared/commands/action-hooks.js'
import { readRollbackInputs } from './inputs.js'

export async function main(io: ActionIO, deps: ActionDeps = productionDeps(io)): Promise<void> {
  const inputs = readRollbackInputs(io)
  const policy = await loadActionPolicy(io, deps, inputs, { environment: inputs.environment })
  const environment = resolveEnvironment(policy, inputs.environment)
  const runtime = createActionRuntime(io, deps, inputs.token, policy)
  // No expected-sha here: a rollback must always be possible, whatever the pull request did since.
  const reply = commandReply(runtime.octokit.rest, runtime.run, runtime.logger, inputs.replyCommentId, { command: 'rollback', environment })
  const outcome = await withCommandReply(reply, () => rollback({ policy, environment, reason: inputs.reason }, lifecycleDeps(runtime, policy, environment)))
  io.setOutput('weight', String(outcome.record.weight))
  io.setOutput('result', lifecycleResult('rollback', outcome))
}
