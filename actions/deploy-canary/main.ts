import type { ActionIO } from '../../shared/action/io.js'
import { InputError } from '../../shared/errors.js'
import { deployCanary } from '../../shared/rollout/lifecycle.js'
import { resolveEnvironment } from '../../shared/rollout/policy.js'
import { loadActionPolicy } from '../../shared/rollout/policy-report.js'
import { lifecycleResult } from '../../shared/rollout/result.js'
import { createActionRuntime, lifecycleDeps, productionDeps, type ActionDeps } from '../../shared/rollout/runtime.js'
import { canarySha, commandReply, verifyPinnedSha, withCommandReply } from '../../shared/commands/action-hooks.js'
import { readDeployCanaryInputs } from './inputs.js'

export async function main(io: ActionIO, deps: ActionDeps = productionDeps(io)): Promise<void> {
  const inputs = readDeployCanaryInputs(io)
  const policy = await loadActionPolicy(io, deps, inputs, { environment: inputs.environment })
  const environment = resolveEnvironment(policy, inputs.environment)
  const runtime = createActionRuntime(io, deps, inputs.token, policy)
  const sha = canarySha(runtime.run, inputs.sha)
  const repo = { owner: runtime.run.owner, repo: runtime.run.repo }
  const reply = commandReply(runtime.octokit.rest, runtime.run, runtime.logger, inputs.replyCommentId, { command: 'canary', environment })
  const outcome = await withCommandReply(reply, async () => {
    if (inputs.expectedSha !== undefined) await verifyPinnedSha(runtime.octokit.rest, repo, runtime.run, inputs.expectedSha)
    if (inputs.expectedSha !== undefined && inputs.expectedSha !== sha) {
      throw new InputError(`Inputs 'sha' (${sha}) and 'expected-sha' (${inputs.expectedSha}) differ; pass the router's sha output to both.`)
    }
    return deployCanary(
      {
        policy,
        environment,
        version: inputs.version,
        ref: inputs.sha !== undefined ? sha : runtime.run.ref || sha,
        sha,
        ...(inputs.stableVersion !== undefined ? { stableVersion: inputs.stableVersion } : {}),
      },
      lifecycleDeps(runtime, policy, environment),
    )
  })
  io.setOutput('deployment-id', String(outcome.record.deploymentId ?? ''))
  io.setOutput('weight', String(outcome.record.weight))
  io.setOutput('step', String(outcome.record.step))
  io.setOutput('result', lifecycleResult('deploy-canary', outcome))
}
