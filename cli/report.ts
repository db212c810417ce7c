/**
 * `rollgate report --repo OWNER/NAME --environment production [--since 90d] [--json] [--html FILE]`:
 * the four DORA metrics and Rollgate's own figures from the repository's GitHub history, read
 * through the GraphQL API (docs/insight.md, "Report"). The token comes from GITHUB_TOKEN or
 * GH_TOKEN, the API root from GITHUB_API_URL (GHES) or --api-url.
 */
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { streamLogger } from '../shared/action/logger.js'
import { ConfigError } from '../shared/errors.js'
import { createGitHubClient } from '../shared/github/client.js'
import { parseDuration, DURATION_HELP } from '../shared/config/units.js'
import { buildInsightReport } from '../shared/insight/report.js'
import { renderInsightText } from '../shared/insight/render.js'
import { ROLLGATE_VERSION } from '../shared/version.js'
import type { CliIO, Subcommand } from './command.js'
import { renderInsightHtml } from './report-html.js'

const USAGE = `rollgate report --repo OWNER/NAME --environment ENV [options]

The four DORA metrics (deployment frequency, lead time for changes, change failure rate, time to
restore) with their performance levels and a weekly trend, and Rollgate's own figures, from the
repository's deployments, their statuses, merged pull requests and the rollout records.

Options:
  --repo OWNER/NAME       the repository (default: $GITHUB_REPOSITORY)
  --environment ENV       an environment to report on; repeat it, or separate with commas
  --since DURATION|DATE   the window's start: a duration before --until (default 90d) or a date (2026-01-01)
  --until DATE            the window's end (default: now)
  --hotfix-within DUR     a promotion followed by a hotfix rollout this soon counts as failed (default 24h)
  --hotfix-label LABEL    the pull request label that marks a hotfix (default hotfix)
  --state-branch BRANCH   where the rollout records live (default rollgate-state)
  --api-url URL           the API root (default: $GITHUB_API_URL, then https://api.github.com)
  --json                  print the report as JSON
  --html FILE             also write a self-contained HTML page
Token: $GITHUB_TOKEN or $GH_TOKEN (read access to deployments, contents and pull requests).`

export interface ReportArgs {
  repo: { owner: string; repo: string }
  environments: string[]
  since: Date
  until: Date
  hotfixWithinMs?: number
  hotfixLabel?: string
  stateBranch?: string
  apiUrl?: string
  json: boolean
  html?: string
}

function parseDate(flag: string, value: string): Date {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
  if (Number.isNaN(ms)) throw new ConfigError(`--${flag} is "${value}"; expected a date such as 2026-01-31 or 2026-01-31T12:00:00Z`)
  return new Date(ms)
}

export function parseReportArgs(args: string[], env: Readonly<Record<string, string | undefined>>, now: Date): ReportArgs {
  const values = new Map<string, string[]>()
  let json = false
  const takes = new Set(['repo', 'environment', 'since', 'until', 'hotfix-within', 'hotfix-label', 'state-branch', 'api-url', 'html'])
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--json') {
      json = true
      continue
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg)
    if (!m || !takes.has(m[1] as string)) {
      throw new ConfigError(`unknown option '${arg}' for rollgate report; options: ${[...takes].map((t) => `--${t}`).join(', ')}, --json`)
    }
    const name = m[1] as string
    const value = m[2] ?? args[++i]
    if (value === undefined || (m[2] === undefined && value.startsWith('--'))) throw new ConfigError(`--${name} needs a value`)
    values.set(name, [...(values.get(name) ?? []), value])
  }
  const one = (name: string) => values.get(name)?.at(-1)
  const repoText = one('repo') ?? env['GITHUB_REPOSITORY']
  if (!repoText) throw new ConfigError('--repo is required (OWNER/NAME), or set GITHUB_REPOSITORY')
  const [owner, repo, ...rest] = repoText.split('/')
  if (!owner || !repo || rest.length > 0) throw new ConfigError(`--repo is "${repoText}"; expected OWNER/NAME`)
  const environments = (values.get('environment') ?? []).flatMap((v) => v.split(',')).map((e) => e.trim()).filter((e) => e !== '')
  if (environments.length === 0) throw new ConfigError('--environment is required: the environment(s) to report on, e.g. --environment production')
  const until = one('until') !== undefined ? parseDate('until', one('until') as string) : now
  const sinceText = one('since') ?? '90d'
  const sinceMs = parseDuration(sinceText)
  const since = sinceMs !== null ? new Date(until.getTime() - sinceMs) : /^\d{4}-/.test(sinceText) ? parseDate('since', sinceText) : undefined
  if (!since) throw new ConfigError(`--since is "${sinceText}"; expected ${DURATION_HELP} (90d is the default) or a date such as 2026-01-01`)
  if (since.getTime() >= until.getTime()) throw new ConfigError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`)
  const out: ReportArgs = { repo: { owner, repo }, environments, since, until, json }
  const within = one('hotfix-within')
  if (within !== undefined) {
    const ms = parseDuration(within)
    if (ms === null) throw new ConfigError(`--hotfix-within is "${within}"; expected ${DURATION_HELP}`)
    out.hotfixWithinMs = ms
  }
  if (one('hotfix-label') !== undefined) out.hotfixLabel = one('hotfix-label') as string
  if (one('state-branch') !== undefined) out.stateBranch = one('state-branch') as string
  if (one('api-url') !== undefined) out.apiUrl = one('api-url') as string
  if (one('html') !== undefined) out.html = one('html') as string
  return out
}

export const reportCommand: Subcommand = {
  name: 'report',
  summary: 'DORA metrics and Rollgate figures from GitHub history (GraphQL)',
  usage: USAGE,
  async run(args, io: CliIO) {
    const parsed = parseReportArgs(args, io.env, new Date())
    const token = io.env['GITHUB_TOKEN']?.trim() || io.env['GH_TOKEN']?.trim()
    if (!token) throw new ConfigError('set GITHUB_TOKEN (or GH_TOKEN) to a token that can read the repository\'s deployments, contents and pull requests')
    const logger = streamLogger((line) => io.stderr(`${line}\n`))
    const octokit = createGitHubClient({ token, version: ROLLGATE_VERSION, logger, env: io.env, ...(parsed.apiUrl ? { baseUrl: parsed.apiUrl } : {}) })
    const report = await buildInsightReport(
      octokit,
      {
        repo: parsed.repo,
        environments: parsed.environments,
        since: parsed.since,
        until: parsed.until,
        ...(parsed.hotfixWithinMs !== undefined ? { hotfixWithinMs: parsed.hotfixWithinMs } : {}),
        ...(parsed.hotfixLabel !== undefined ? { hotfixLabel: parsed.hotfixLabel } : {}),
        ...(parsed.stateBranch !== undefined ? { stateBranch: parsed.stateBranch } : {}),
      },
      logger,
    )
    if (parsed.html) {
      const path = resolve(io.cwd, parsed.html)
      await writeFile(path, renderInsightHtml(report))
      io.stderr(`wrote ${path}\n`)
    }
    io.stdout(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : renderInsightText(report))
    return 0
  },
}
