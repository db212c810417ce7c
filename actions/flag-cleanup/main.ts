/**
 * flag-cleanup: on a schedule, opens one cleanup pull request per stale flag (shared/flags/); on a
 * pull request, publishes the `rollgate/flags` check. Wiring only.
 */
import { writeFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import type { ActionIO } from '../../shared/action/io.js'
import { actionLogger } from '../../shared/action/logger.js'
import { loadPolicy } from '../../shared/config/load.js'
import type { Flags } from '../../shared/config/policy.generated.js'
import { ConfigError, GateError } from '../../shared/errors.js'
import { addedLinesOf, evaluateFlagCheck, findIntroducedFlags, publishFlagCheck, toSarif, type AddedLines } from '../../shared/flags/check.js'
import { upsertCleanupPullRequest, type CleanupOutcome } from '../../shared/flags/cleanup-pr.js'
import { nodeReadText, planRemoval, readFlagState, restoreEdits, scanFlags, writeEdits } from '../../shared/flags/cleanup.js'
import { DEFAULT_REGISTRY_FILE } from '../../shared/flags/sources/registry.js'
import { verifyRemoval } from '../../shared/flags/verify.js'
import { readRunContext } from '../../shared/github/context.js'
import { listAll } from '../../shared/github/ports.js'
import { actionResult } from '../../shared/rollout/result.js'
import { productionDeps, type ActionDeps } from '../../shared/rollout/runtime.js'
import { ROLLGATE_VERSION } from '../../shared/version.js'
import { readFlagCleanupInputs } from './inputs.js'

interface FlagLine {
  name: string
  stale: boolean
  reasons: string[]
  keep: string | null
  action: CleanupOutcome['action'] | 'refused' | 'dry-run' | 'over-limit'
  pullRequest?: string
  calls?: number
  refusal?: string
}

export async function main(io: ActionIO, deps: ActionDeps = productionDeps(io)): Promise<void> {
  const inputs = readFlagCleanupInputs(io)
  const policy = await loadPolicy(inputs.policy, deps.files, io.env)
  const flags = policy.flags
  if (!flags) throw new ConfigError(`${inputs.policy} has no flags: section; add \`flags: {}\` to read the flags from ${DEFAULT_REGISTRY_FILE}`)
  const run = readRunContext(io.env)
  const logger = actionLogger(io)
  const root = io.env['GITHUB_WORKSPACE'] || process.cwd()
  const octokit = deps.github({ token: inputs.token, logger })
  const state = await readFlagState(flags, { root, readText: nodeReadText, logger, fetch: deps.fetch }, deps.clock.now())
  const scan = await scanFlags(flags, root, state.flags)
  const mode = inputs.mode === 'auto' ? (run.eventName === 'pull_request' || run.eventName === 'pull_request_target' ? 'check' : 'cleanup') : inputs.mode

  if (mode === 'check') {
    const pull = run.event['pull_request'] as { number?: number; head?: { sha?: string; repo?: { full_name?: string } | null } } | undefined
    if (!pull?.number) throw new ConfigError('flag-cleanup mode check runs on pull_request events (GITHUB_EVENT_PATH has no pull_request)', { reasonCode: 'invalid-input' })
    const number = pull.number
    const files = await listAll(octokit.rest.pulls.listFiles, { owner: run.owner, repo: run.repo, pull_number: number }, { maxPages: 30 })
    const added: AddedLines = new Map(files.filter((f) => f.patch).map((f) => [f.filename, addedLinesOf(f.patch as string)]))
    const changed = new Set(files.map((f) => f.filename))
    const registryFile = flags.source.type === 'registry' ? ((flags.source as { file?: string }).file ?? DEFAULT_REGISTRY_FILE) : DEFAULT_REGISTRY_FILE
    const result = evaluateFlagCheck({
      introduced: findIntroducedFlags(added),
      flags: state.flags,
      verdicts: state.verdicts,
      references: scan.references.filter((r) => changed.has(r.file)),
      sourceDescription: state.source.describe(),
      registryFile,
    })
    const headSha = pull.head?.sha ?? run.sha
    const readOnly = (pull.head?.repo?.full_name ?? `${run.owner}/${run.repo}`).toLowerCase() !== `${run.owner}/${run.repo}`.toLowerCase()
    const published = await publishFlagCheck(result, { owner: run.owner, repo: run.repo, headSha, readOnly, checks: octokit.rest, io })
    if (inputs.sarifFile) {
      const path = isAbsolute(inputs.sarifFile) ? inputs.sarifFile : join(root, inputs.sarifFile)
      await writeFile(path, `${JSON.stringify(toSarif(result.findings, ROLLGATE_VERSION), null, 2)}\n`)
      io.setOutput('sarif-file', path)
    }
    const code = result.conclusion === 'failure' ? 'flags-without-owner' : 'flags-checked'
    io.setOutput('pull-request-url', '')
    io.setOutput('result', actionResult('flag-cleanup', code, result.title, null, { mode: 'check', findings: result.findings, publishedAs: published.mode }))
    if (result.conclusion === 'failure') throw new GateError(`${FLAGS_TITLE}: ${result.title}`, 'flags-without-owner')
    return
  }

  const lines: FlagLine[] = []
  let opened = 0
  for (const verdict of state.verdicts) {
    if (!verdict.stale) continue
    const flag = state.flags.find((f) => f.name === verdict.name)
    if (!flag) continue
    const line: FlagLine = { name: flag.name, stale: true, reasons: verdict.reasons, keep: verdict.keep, action: 'refused' }
    lines.push(line)
    if (opened >= flags.maxPullRequests) {
      line.action = 'over-limit'
      continue
    }
    const plan = await planRemoval(flag, verdict, scan, { root, config: flags, readText: nodeReadText })
    if (!plan.ok) {
      line.refusal = plan.refusal
      logger.info(`${flag.name}: not removed: ${plan.refusal}`)
      continue
    }
    if (inputs.dryRun) {
      line.action = 'dry-run'
      logger.info(`${flag.name}: would remove it from ${plan.edits.length} file(s), keeping ${verdict.keep ?? plan.keep.value}`)
      continue
    }
    await writeEdits(root, plan.edits)
    let verification
    try {
      verification = await verifyRemoval({ root, verify: flags.verify })
    } finally {
      await restoreEdits(root, plan.edits)
    }
    const outcome = await upsertCleanupPullRequest(
      { flag, verdict: plan.keep === verdict.kept ? verdict : { ...verdict, kept: plan.keep }, edits: plan.edits, leftByHand: plan.leftByHand, references: plan.references, verification },
      { github: octokit.rest, owner: run.owner, repo: run.repo, base: baseBranch(run.event, run.ref), labels: flags.labels, fallbackOwners: flags.owners },
    )
    opened++
    line.action = outcome.action
    line.calls = outcome.calls
    if (outcome.url) line.pullRequest = outcome.url
    logger.info(`${flag.name}: ${outcome.action} ${outcome.url ?? ''} (${outcome.calls} REST calls)`)
  }
  await io.appendSummary(renderSummary(lines, state.source.describe(), flags))
  const first = lines.find((l) => l.pullRequest && (l.action === 'created' || l.action === 'updated' || l.action === 'unchanged'))
  io.setOutput('pull-request-url', first?.pullRequest ?? '')
  const changedAny = lines.some((l) => l.action === 'created' || l.action === 'updated')
  const message = lines.length === 0 ? `No stale flags in ${state.source.describe()}` : `${lines.length} stale flag(s); ${lines.filter((l) => l.pullRequest).length} with a cleanup pull request`
  io.setOutput('result', actionResult('flag-cleanup', changedAny ? 'applied' : 'noop', message, null, { mode: 'cleanup', dryRun: inputs.dryRun, flags: lines }))
}

const FLAGS_TITLE = 'rollgate/flags'

function baseBranch(event: Record<string, unknown>, ref: string): string {
  const repository = event['repository'] as { default_branch?: string } | undefined
  return repository?.default_branch ?? (ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : 'main')
}

function renderSummary(lines: FlagLine[], source: string, flags: Flags): string {
  const rows = lines.map((l) => `| \`${l.name}\` | ${l.reasons.join(', ')} | ${l.keep ?? '—'} | ${l.pullRequest ? `[${l.action}](${l.pullRequest})` : l.action === 'refused' ? `refused: ${l.refusal ?? ''}` : l.action} |`)
  return [
    '### Rollgate flag cleanup',
    '',
    `Flags from ${source}; stale after ${flags.stale.afterDays} days; at most ${flags.maxPullRequests} pull requests.`,
    '',
    ...(rows.length > 0 ? ['| flag | stale because | keeps | pull request |', '| --- | --- | --- | --- |', ...rows] : ['No stale flags.']),
    '',
  ].join('\n')
}
