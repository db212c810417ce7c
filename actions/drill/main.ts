/**
 * The drill action (#16 point 2): a rollback drill in one job. A separate action rather than a
 * `mode: drill` of deploy-canary or rollback, because a drill runs both paths and checks them
 * against each other, reports to a check run of its own (`rollgate/drill/<environment>`), and
 * must be impossible to mistake for a real deploy in a workflow. Wiring only: shared/drill decides.
 */
import type { ActionIO } from '../../shared/action/io.js'
import { canarySha } from '../../shared/commands/action-hooks.js'
import { drillReasonCode, drillConfig, runDrill } from '../../shared/drill/run.js'
import { drillCheckName, renderDrillSummary, renderDrillTitle } from '../../shared/drill/report.js'
import { GateError } from '../../shared/errors.js'
import { listAll } from '../../shared/github/ports.js'
import { createHttpClient, describeFailure, describeResponseFailure, httpClientDeps } from '../../shared/http/client.js'
import { appendJobSummary, publishCheckRun, stepSummaryWriter } from '../../shared/report/publish.js'
import { resolveEnvironment } from '../../shared/rollout/policy.js'
import { loadActionPolicy } from '../../shared/rollout/policy-report.js'
import { createGitHubReporter } from '../../shared/rollout/reporter.js'
import { actionResult } from '../../shared/rollout/result.js'
import { createActionRuntime, lifecycleDeps, productionDeps, type ActionDeps } from '../../shared/rollout/runtime.js'
import { runUrl } from '../../shared/github/context.js'
import { readDrillInputs } from './inputs.js'

export async function main(io: ActionIO, deps: ActionDeps = productionDeps(io)): Promise<void> {
  const inputs = readDrillInputs(io)
  const policy = await loadActionPolicy(io, deps, inputs, { environment: inputs.environment })
  const environment = resolveEnvironment(policy, inputs.environment)
  const drills = drillConfig(policy, environment) // refuses before any API call
  const runtime = createActionRuntime(io, deps, inputs.token, policy)
  const { octokit, run, logger } = runtime
  const repo = { owner: run.owner, repo: run.repo }
  const sha = canarySha(run, undefined)
  // drills.schedule documents the workflow's cron; a scheduled run says which cron fired it.
  const fired = run.event['schedule']
  if (run.eventName === 'schedule' && drills.schedule !== undefined && typeof fired === 'string' && fired !== drills.schedule) {
    logger.warn(`this drill ran on the cron '${fired}' but the policy's drills.schedule for ${environment} says '${drills.schedule}'; keep them equal`)
  }
  // The rollback's sticky comment goes where the policy's alert says, not to the event's pull request.
  const reporter = createGitHubReporter({
    github: octokit.rest,
    repo,
    ...(drills.alert?.issue !== undefined ? { pullRequest: drills.alert.issue } : {}),
    detailsUrl: runUrl(run),
    summary: stepSummaryWriter(io),
    logger,
    sleep: (ms) => deps.clock.sleep(ms),
  })
  const webhook = createHttpClient({ timeoutMs: 10_000, retries: 2 }, httpClientDeps({ logger, fetch: deps.fetch, now: () => deps.clock.now(), sleep: (ms) => deps.clock.sleep(ms) }))
  const outcome = await runDrill(
    { policy, environment, ...(inputs.canaryVersion !== undefined ? { version: inputs.canaryVersion } : {}), ref: run.ref || sha, sha },
    {
      ...lifecycleDeps(runtime, policy, environment),
      reporter,
      now: () => deps.clock.now(),
      github: {
        listDeploymentStatuses: async (id) => (await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: id, per_page: 10 })).data,
        listComments: (issue) => listAll(octokit.rest.issues.listComments, { ...repo, issue_number: issue }, { maxPages: 10 }),
      },
      postWebhook: async (url, body) => {
        const answer = await webhook.send({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body })
        if (answer.kind === 'failed') throw new Error(describeFailure(answer))
        if (answer.response.status >= 300) throw new Error(describeResponseFailure(answer))
        return answer.response.status
      },
    },
  )
  const title = renderDrillTitle(outcome)
  const summary = renderDrillSummary(outcome)
  await appendJobSummary(stepSummaryWriter(io), summary)
  const check = await publishCheckRun(octokit.rest, {
    ...repo,
    status: 'completed',
    conclusion: outcome.ok ? 'success' : 'failure',
    headSha: sha,
    name: drillCheckName(environment),
    output: { title, summary },
    detailsUrl: runUrl(run),
    externalId: `rollgate:drill:${environment}`,
    createNew: true, // one check run per drill: last week's stays as it ended
    logger,
    sleep: (ms) => deps.clock.sleep(ms),
  }).catch((error: unknown) => {
    logger.warn(`could not publish the check run ${drillCheckName(environment)}: ${error instanceof Error ? error.message : String(error)}`)
    return undefined
  })
  const code = drillReasonCode(outcome)
  io.setOutput('passed', String(outcome.ok))
  io.setOutput('time-to-restore-ms', outcome.timeToRestoreMs === null ? '' : String(outcome.timeToRestoreMs))
  io.setOutput(
    'result',
    actionResult('drill', code, title, outcome.record, {
      drill: { inject: outcome.inject, timeToRestoreMs: outcome.timeToRestoreMs, maxTimeToRestoreMs: outcome.maxTimeToRestoreMs, checks: outcome.checks, checkRunUrl: check?.htmlUrl ?? null },
    }),
  )
  if (!outcome.ok) throw new GateError(`${drillCheckName(environment)}: ${title}: ${outcome.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; ')}`, code)
}
