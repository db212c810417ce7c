import { GateError, InputError } from '../../shared/errors.js'
import type { ActionIO } from '../../shared/action/io.js'
import { commandReply } from '../../shared/commands/action-hooks.js'
import { analyzeRollout } from '../../shared/rollout/analyze-command.js'
import { analysisResult } from '../../shared/rollout/analysis-result.js'
import { resolveEnvironment } from '../../shared/rollout/policy.js'
import { loadActionPolicy, publishPolicyProblems } from '../../shared/rollout/policy-report.js'
import { checkExperimentFlags, flagSplitExperiments } from '../../shared/rollout/experiment-flags.js'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join } from 'node:path'
import { replayRecord } from '../../shared/rollout/replay-record.js'
import { readPolicyText } from '../../shared/config/load.js'
import { PolicyError, formatProblem } from '../../shared/config/problems.js'
import type { Policy } from '../../shared/config/policy.generated.js'
import type { Logger } from '../../shared/action/logger.js'
import { createActionRuntime, lifecycleDeps, productionDeps, type ActionDeps } from '../../shared/rollout/runtime.js'
import { readAnalyzeInputs, type AnalyzeInputs } from './inputs.js'
import { analyzeExperiment, experimentResultJson } from '../../shared/rollout/experiment-command.js'
import { stepSummaryWriter } from '../../shared/report/publish.js'
import { pullRequestNumber, runUrl } from '../../shared/github/context.js'

export async function main(io: ActionIO, deps: ActionDeps = productionDeps(io)): Promise<void> {
  const inputs = readAnalyzeInputs(io)
  if (inputs.experiment !== undefined) return experimentMain(io, deps, inputs, inputs.experiment)
  const policy = await loadActionPolicy(io, deps, inputs, { environment: inputs.environment, templates: inputs.template ? [inputs.template] : 'steps' })
  const environment = resolveEnvironment(policy, inputs.environment)
  const runtime = createActionRuntime(io, deps, inputs.token, policy)
  // Dispatched by `/rollgate analyze`: 👀 now, then the router's reply edited with the decision.
  const reply = commandReply(runtime.octokit.rest, runtime.run, runtime.logger, inputs.replyCommentId, { command: 'analyze', environment })
  await reply.start()
  let result: Awaited<ReturnType<typeof analyzeRollout>>
  try {
    result = await analyzeRollout(
      { policy, environment, ...(inputs.template ? { template: inputs.template } : {}), mode: inputs.mode },
      {
        ...lifecycleDeps(runtime, policy, environment),
        metrics: (plan) => runtime.metrics(plan.provider),
        clock: deps.clock,
      },
    )
  } catch (error) {
    await reply.finish({ ok: false, error })
    throw error
  }
  io.setOutput('decision', result.decision)
  io.setOutput('decided-at', result.outcome.decidedAt === null ? '' : String(result.outcome.decidedAt))
  io.setOutput('result', analysisResult(result))
  io.setOutput('report-url', runtime.reporter.checkRunUrl ?? '')
  // Written whatever the decision (pass, fail, time-out), before a failing decision fails the step.
  io.setOutput('replay-file', inputs.replayFile === undefined ? '' : await writeReplayFile(io, inputs.replayFile, result))
  const failOn: string[] = inputs.failOn
  const gate =
    (result.decision === 'fail' || result.decision === 'inconclusive') && failOn.includes(result.decision)
      ? new GateError(`Analysis of ${environment} decided ${result.decision}: ${result.outcome.reason}`, result.decision)
      : undefined
  await reply.finish(gate !== undefined ? { ok: false, error: gate } : { ok: true, code: result.decision, message: `analysis decided ${result.decision}: ${result.outcome.reason}` })
  if (gate !== undefined) throw gate
}

/**
 * The input `replay-file`: what the judge consumed, as a replay file (`rollgate replay` of it gives
 * the verdict and reason of this run); a mirror step's is paired. Relative paths are from the
 * workspace; missing directories are created. Returns the path written.
 */
async function writeReplayFile(io: ActionIO, file: string, result: Awaited<ReturnType<typeof analyzeRollout>>): Promise<string> {
  const path = isAbsolute(file) ? file : join(io.env['GITHUB_WORKSPACE'] || process.cwd(), file)
  const traffic = { weight: result.report.weight ?? 0, ...(result.report.mirror !== undefined ? { mirror: result.report.mirror } : {}) }
  try {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, `${JSON.stringify(replayRecord(result.plan, result.outcome, traffic))}\n`)
  } catch (error) {
    throw new InputError(`Input 'replay-file': cannot write ${path}: ${(error as Error).message}`)
  }
  return path
}

/** analyze with `experiment:`: the experiment judge instead of the canary's (docs/experiments.md). */
async function experimentMain(io: ActionIO, deps: ActionDeps, inputs: AnalyzeInputs, name: string): Promise<void> {
  if (inputs.template !== undefined) {
    throw new InputError(`Inputs 'experiment' and 'template' cannot be combined: an experiment names its own analysis template (experiments.${name}.analysis).`)
  }
  if (inputs.replayFile !== undefined) {
    throw new InputError(`Inputs 'experiment' and 'replay-file' cannot be combined: 'replay-file' records a canary's analysis; an experiment's replay file is described in docs/experiments.md.`)
  }
  // The experiment names its analysis template: read the policy once to learn which, then load it
  // so that only what this experiment reads must have its ${NAME}s set.
  const first = await loadActionPolicy(io, deps, inputs, { environment: inputs.environment, templates: [] })
  const template = first.experiments[name]?.analysis
  const policy = template ? await loadActionPolicy(io, deps, inputs, { environment: inputs.environment, templates: [template] }) : first
  const environment = resolveEnvironment(policy, inputs.environment)
  const runtime = createActionRuntime(io, deps, inputs.token, policy)
  await checkFlagSplit(io, deps, inputs, policy, name, runtime.logger)
  const pullRequest = pullRequestNumber(runtime.run)
  const result = await analyzeExperiment(policy, name, environment, {
    metrics: (config) => runtime.metrics(config),
    clock: deps.clock,
    logger: runtime.logger,
    store: runtime.store,
    checks: { port: runtime.octokit.rest, repo: { owner: runtime.run.owner, repo: runtime.run.repo }, headSha: runtime.run.sha, detailsUrl: runUrl(runtime.run) },
    comment: { port: runtime.octokit.rest, repo: { owner: runtime.run.owner, repo: runtime.run.repo }, ...(pullRequest !== undefined ? { pullRequest } : {}) },
    summary: stepSummaryWriter(io),
  })
  io.setOutput('decision', result.decision)
  io.setOutput('winner', result.outcome.winner ?? '')
  io.setOutput('decided-at', result.outcome.result.decidedAt === null ? '' : String(result.outcome.result.decidedAt))
  io.setOutput('result', experimentResultJson(result))
  io.setOutput('report-url', result.checkRunUrl ?? '')
  if (result.decision === 'inconclusive' && inputs.failOn.includes('inconclusive')) {
    throw new GateError(`Experiment ${name} decided inconclusive: ${result.outcome.reason}`, result.reasonCode)
  }
}

/**
 * A flag split is checked against the flag source before any query: an unknown flag or variant
 * fails at its line and column, annotated on the experiment's check run, as policy problems are.
 */
async function checkFlagSplit(io: ActionIO, deps: ActionDeps, inputs: AnalyzeInputs, policy: Policy, name: string, logger: Logger): Promise<void> {
  if (flagSplitExperiments(policy, name).length === 0) return
  const text = await readPolicyText(inputs.policy, deps.files)
  const check = await checkExperimentFlags(policy, text, inputs.policy, { root: io.env['GITHUB_WORKSPACE'] || process.cwd(), readText: (path) => readFile(path, 'utf8'), logger, fetch: deps.fetch }, name)
  for (const warning of check.warnings) logger.warn(formatProblem(warning))
  if (check.problems.length === 0) {
    logger.info(`experiment ${name}: flag split checked against ${check.source ?? 'the flag source'}`)
    return
  }
  await publishPolicyProblems(io, deps, { ...inputs, environment: `experiment/${name}` }, check.problems)
  throw new PolicyError(inputs.policy, check.problems)
}
