import type { ActionIO } from '../../shared/action/io.js'
import { promote } from '../../shared/rollout/lifecycle.js'
import { loadPolicyFor } from '../../shared/rollout/policy.js'
import { lifecycleResult } from '../../shared/rollout/result.js'
import { createActionRuntime, lifecycleDeps, productionDeps, type ActionDeps } from '../../shared/rollout/runtime.js'
import { readPromoteInputs } from './inputs.js'

export async function main(io: ActionIO, deps: ActionDeps = productionDeps(io)): Promise<void> {
  const inputs = readPromoteInputs(io)
  const policy = await loadPolicyFor(inputs.policy, { environment: inputs.environment }, io.env, deps.files)
  const runtime = createActionRuntime(io, deps, inputs.token, policy)
  const target = inputs.full ? { kind: 'full' as const } : inputs.to !== undefined ? { kind: 'to' as const, weight: inputs.to } : { kind: 'next' as const }
  const outcome = await promote({ policy, environment: inputs.environment, target }, lifecycleDeps(runtime, policy, inputs.environment))
  io.setOutput('weight', String(outcome.record.weight))
  io.setOutput('step', String(outcome.record.step))
  io.setOutput('result', lifecycleResult('promote', outcome))
}
