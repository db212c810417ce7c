import type { ActionIO } from '../../shared/action/io.js'
import { promote, repair } from '../../shared/rollout/lifecycle.js'
import { resolveEnvironment } from '../../shared/rollout/policy.js'
import { loadActionPolicy } from '../../shared/rollout/policy-report.js'
import { lifecycleResult } from '../../shared/rollout/result.js'
import { createActionRuntime, lifecycleDeps, productionDeps, type ActionDeps } from '../../shared/rollout/runtime.js'
import { commandReply, reuseLoaded, verifyPinnedSha, withCommandReply } from '../../shared/commands/action-hooks.js'
import { readPromoteInputs } from './inputs.js'

export async function main(io: ActionIO, deps: ActionDeps = productionDeps(io)): Promise<void> {
  const inputs = readPromoteInputs(io)
  const policy = await loadActionPolicy(io, deps, inputs, { environment: inputs.environment })
  const environment = resolveEnvironment(policy, inputs.environment)
  const runtime = createActionRuntime(io, deps, inputs.token, policy)
  const target = inputs.full ? { kind: 'full' as const } : inputs.to !== undefined ? { kind: 'to' as const, weight: inputs.to } : { kind: 'next' as const }
  const reply = commandReply(runtime.octokit.rest, runtime.run, runtime.logger, inputs.replyCommentId, { command: 'promote', environment })
  const outcome = await withCommandReply(reply, async () => {
    let deps = lifecycleDeps(runtime, policy, environment)
    if (inputs.expectedSha !== undefined) {
      const snapshot = await runtime.store.load(environment)
      await verifyPinnedSha(runtime.octokit.rest, { owner: runtime.run.owner, repo: runtime.run.repo }, runtime.run, inputs.expectedSha, snapshot?.record)
      deps = { ...deps, store: reuseLoaded(runtime.store, environment, snapshot) }
    }
    return inputs.repairWeight !== undefined
      ? repair({ policy, environment, observedWeight: inputs.repairWeight }, deps)
      : promote({ policy, environment, target }, deps)
  })
  io.setOutput('weight', String(outcome.record.weight))
  io.setOutput('step', String(outcome.record.step))
  io.setOutput('result', lifecycleResult('promote', outcome))
}
