import type { ActionIO } from '../../shared/action/io.js'
import { deployCanary } from '../../shared/rollout/lifecycle.js'
import { loadPolicyFor } from '../../shared/rollout/policy.js'
import { lifecycleResult } from '../../shared/rollout/result.js'
import { createActionRuntime, lifecycleDeps, productionDeps, type ActionDeps } from '../../shared/rollout/runtime.js'
import { readDeployCanaryInputs } from './inputs.js'

export async function main(io: ActionIO, deps: ActionDeps = productionDeps(io)): Promise<void> {
  const inputs = readDeployCanaryInputs(io)
  const policy = await loadPolicyFor(inputs.policy, { environment: inputs.environment }, io.env, deps.files)
  const runtime = createActionRuntime(io, deps, inputs.token, policy)
  const outcome = await deployCanary(
    {
      policy,
      environment: inputs.environment,
      version: inputs.version,
      ref: runtime.run.ref || runtime.run.sha,
      sha: runtime.run.sha,
      ...(inputs.stableVersion !== undefined ? { stableVersion: inputs.stableVersion } : {}),
    },
    lifecycleDeps(runtime, policy, inputs.environment),
  )
  io.setOutput('deployment-id', String(outcome.record.deploymentId ?? ''))
  io.setOutput('weight', String(outcome.record.weight))
  io.setOutput('step', String(outcome.record.step))
  io.setOutput('result', lifecycleResult('deploy-canary', outcome))
}
