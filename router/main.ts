import type { ActionIO } from '../shared/action/io.js'
import { routeComment, type RouterOutcome } from '../shared/commands/dispatch.js'
import { routerResult } from '../shared/commands/outputs.js'
import { createRouterDeps, productionRouterDeps, type RouterRuntimeDeps } from '../shared/commands/router-runtime.js'
import { readRouterInputs } from './inputs.js'

/**
 * The comment-command router (`/rollgate promote production`): reads, authorizes and answers the
 * command, and sets the outputs a following environment-protected job dispatches on. It moves no
 * traffic.
 */
export async function main(io: ActionIO, runtime: RouterRuntimeDeps = productionRouterDeps()): Promise<void> {
  let outcome: RouterOutcome | undefined
  let failure: unknown
  try {
    const inputs = readRouterInputs(io)
    const { deps, event } = createRouterDeps(io, runtime, inputs.token, inputs.policy)
    outcome = await routeComment(event, deps)
    io.info(`rollgate: ${outcome.reasonCode}: ${outcome.message}`)
  } catch (error) {
    failure = error
    throw error
  } finally {
    const result = routerResult(outcome, failure)
    io.setOutput('command', result.outputs.command)
    io.setOutput('environment', result.outputs.environment)
    io.setOutput('sha', result.outputs.sha)
    io.setOutput('ref', result.outputs.ref)
    io.setOutput('pr', result.outputs.pr)
    io.setOutput('args', result.outputs.args)
    io.setOutput('comment-id', result.outputs.commentId)
    io.setOutput('result', result.json)
  }
}
