import type { ActionIO } from '../../shared/action/io.js'
import { rollback } from '../../shared/rollout/lifecycle.js'
import { resolveEnvironment } from '../../shared/rollout/policy.js'
import { loadActionPolicy } from '../../shared/rollout/policy-report.js'
import { lifecycleResult } from '../../shared/rollout/result.js'
import { createActionRuntime, lifecycleDeps, productionDeps, type ActionDeps } from '../../shared/rollout/runtime.js'
import { commandReply, reuseLoaded, rollbackDriftNote, withCommandReply } from '../../shared/commands/action-hooks.js'
import { readRollbackInputs } from './inputs.js'

export async function main(io: ActionIO, deps: ActionDeps = productionDeps(io)): Promise<void> {
  const inputs = readRollbackInputs(io)
  const policy = await loadActionPolicy(io, deps, inputs, { environment: inputs.environment })
  const environment = resolveEnvironment(policy, inputs.environment)
  const runtime = createActionRuntime(io, deps, inputs.token, policy)
  // expected-sha never refuses a rollback (it must always be possible mid-incident): a pull request
  // or rollout that moved on since the command is recorded in the reason and said in the reply.
  const reply = commandReply(runtime.octokit.rest, runtime.run, runtime.logger, inputs.replyCommentId, { command: 'rollback', environment })
  const outcome = await withCommandReply(reply, async () => {
    let reason = inputs.reason
    let note: string | undefined
    let deps = lifecycleDeps(runtime, policy, environment)
    if (inputs.expectedSha !== undefined) {
      const snapshot = await runtime.store.load(environment)
      note = await rollbackDriftNote(runtime.octokit.rest, { owner: runtime.run.owner, repo: runtime.run.repo }, runtime.run, inputs.expectedSha, snapshot?.record)
      if (note !== undefined) {
        runtime.logger.warn(note)
        reason = `${reason} (${note})`
      }
      deps = { ...deps, store: reuseLoaded(runtime.store, environment, snapshot) }
    }
    const done = await rollback({ policy, environment, reason }, deps)
    return note === undefined ? done : { ...done, message: `${done.message}; ${note}` }
  })
  io.setOutput('weight', String(outcome.record.weight))
  io.setOutput('result', lifecycleResult('rollback', outcome))
}
