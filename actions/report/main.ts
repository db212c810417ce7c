import type { ActionIO } from '../../shared/action/io.js'
import { actionLogger } from '../../shared/action/logger.js'
import { readRunContext, runUrl } from '../../shared/github/context.js'
import { buildInsightReport } from '../../shared/insight/report.js'
import { insightResult } from '../../shared/insight/result.js'
import { REPORT_CHECK_NAME, insightTitle, renderInsightMarkdown } from '../../shared/insight/render.js'
import { appendJobSummary, publishCheckRun, stepSummaryWriter } from '../../shared/report/publish.js'
import { productionDeps, type ActionDeps } from '../../shared/rollout/runtime.js'
import { readReportInputs } from './inputs.js'

export async function main(io: ActionIO, deps: ActionDeps = productionDeps(io)): Promise<void> {
  const inputs = readReportInputs(io)
  const logger = actionLogger(io)
  const run = readRunContext(io.env)
  const octokit = deps.github({ token: inputs.token, logger })
  const until = deps.clock.now()
  const report = await buildInsightReport(
    octokit,
    {
      repo: { owner: run.owner, repo: run.repo },
      environments: inputs.environments,
      since: new Date(until.getTime() - inputs.sinceMs),
      until,
      hotfixWithinMs: inputs.hotfixWithinMs,
      hotfixLabel: inputs.hotfixLabel,
      stateBranch: inputs.stateBranch,
    },
    logger,
  )
  const markdown = renderInsightMarkdown(report)
  await appendJobSummary(stepSummaryWriter(io), markdown)
  const check = await publishCheckRun(octokit.rest, {
    owner: run.owner,
    repo: run.repo,
    name: REPORT_CHECK_NAME,
    headSha: run.sha,
    status: 'completed',
    conclusion: 'neutral',
    output: { title: insightTitle(report), summary: markdown },
    detailsUrl: runUrl(run),
    logger,
    sleep: (ms) => deps.clock.sleep(ms),
  })
  logger.info(insightTitle(report))
  io.setOutput('check-run-url', check.htmlUrl ?? '')
  io.setOutput('result', insightResult(report))
}
