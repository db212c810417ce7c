/**
 * A policy the action cannot use fails where a reviewer looks: besides the error line in the log,
 * the check run `rollgate/<environment>` on the workflow's commit turns to failure, with one
 * annotation per problem at the policy file's line and column (DESIGN.md "Reporting").
 */
import { isAbsolute, relative, sep } from 'node:path'
import type { ActionIO } from '../action/io.js'
import { actionLogger } from '../action/logger.js'
import type { Policy } from '../config/policy.generated.js'
import { PolicyError, type PolicyProblem } from '../config/problems.js'
import { errorMessage } from '../errors.js'
import { gitHubError } from '../github/client.js'
import { readRunContext, runUrl } from '../github/context.js'
import { renderConfigErrorOutput, toCheckAnnotations } from '../report/annotations.js'
import type { ConfigIssue } from '../report/model.js'
import { publishCheckRun } from '../report/publish.js'
import { checkRunName } from '../report/targets.js'
import { loadPolicyFor, type PolicyUse } from './policy.js'
import type { ActionDeps } from './runtime.js'

export interface PolicyReportInputs {
  /** The `policy` input: the file's path as the action read it. */
  policy: string
  token: string
  /** The `environment` input, as written (the policy cannot resolve it). */
  environment: string
}

/**
 * The policy for an action (see loadPolicyFor). When it has problems, they are also published as a
 * failed check run with annotations before the PolicyError goes on to end the action; a failure to
 * publish is a warning, never a second error.
 */
export async function loadActionPolicy(io: ActionIO, deps: Pick<ActionDeps, 'github' | 'files' | 'clock'>, inputs: PolicyReportInputs, use: PolicyUse): Promise<Policy> {
  try {
    return await loadPolicyFor(inputs.policy, use, io.env, deps.files)
  } catch (error) {
    if (error instanceof PolicyError) await publishPolicyProblems(io, deps, inputs, error.problems)
    throw error
  }
}

/** The problems as annotations on the workflow's commit, under the environment's check run. */
export async function publishPolicyProblems(
  io: ActionIO,
  deps: Pick<ActionDeps, 'github' | 'clock'>,
  inputs: PolicyReportInputs,
  problems: readonly PolicyProblem[],
): Promise<void> {
  const logger = actionLogger(io)
  const name = checkRunName(inputs.environment)
  try {
    const run = readRunContext(io.env)
    const issues = problems.map((p) => toIssue(p, io.env['GITHUB_WORKSPACE']))
    const octokit = deps.github({ token: inputs.token, logger })
    await publishCheckRun(octokit.rest, {
      owner: run.owner,
      repo: run.repo,
      status: 'completed',
      conclusion: 'failure',
      headSha: run.sha,
      name,
      output: renderConfigErrorOutput(inputs.environment, issues),
      annotations: toCheckAnnotations(issues),
      detailsUrl: runUrl(run),
      externalId: `rollgate:${inputs.environment}`,
      completedAt: deps.clock.now().toISOString(),
      logger,
      sleep: (ms) => deps.clock.sleep(ms),
    })
  } catch (error) {
    const why = (error as { status?: unknown } | null)?.status !== undefined ? gitHubError('checks', error).message : errorMessage(error)
    logger.warn(`could not annotate the policy problems on the check run ${name}: ${why}`)
  }
}

function toIssue(problem: PolicyProblem, workspace: string | undefined): ConfigIssue {
  const details = [problem.found === undefined ? undefined : `found ${problem.found}`, problem.expected === undefined ? undefined : `expected ${problem.expected}`].filter(
    (d) => d !== undefined,
  )
  return {
    file: repositoryPath(problem.file, workspace),
    line: problem.line,
    column: problem.column,
    message: `${problem.message}${details.length > 0 ? ` (${details.join('; ')})` : ''}`,
    title: problem.path ? `Rollgate policy: ${problem.path}` : 'Rollgate policy',
  }
}

/** Annotations name files relative to the repository root: the workspace the runner checked out. */
function repositoryPath(file: string, workspace: string | undefined): string {
  if (workspace === undefined || !isAbsolute(file)) return file
  const inside = relative(workspace, file)
  return inside.startsWith('..') || isAbsolute(inside) ? file : inside.split(sep).join('/')
}
