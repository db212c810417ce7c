/**
 * `rollgate demo`: a whole progressive rollout on this machine, through the same core the actions
 * run. Three versions of a small service on 127.0.0.1, a weighted router in front (HAProxy when it
 * is installed, else a built-in one), generated traffic, and the pipeline: v2 carries a regression
 * and is caught at 5% and rolled back; v3 is healthy and promoted through 5%, 25%, 50% and 100%.
 * Writes report.md and report.html; leaves nothing running, also when interrupted.
 */
import { createWriteStream, existsSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { isUserError } from '../shared/errors.js'
import { streamLogger } from '../shared/action/logger.js'
import type { Policy } from '../shared/config/policy.generated.js'
import { createMetricsProvider } from '../shared/metrics/provider.js'
import { createHookRunner } from '../shared/rollout/hooks.js'
import { createLocalReporter } from '../shared/rollout/reporter.js'
import { FileStateStore } from '../shared/state/file-store.js'
import { environmentSlug } from '../shared/state/store.js'
import type { CliIO, Subcommand } from './command.js'
import { createDisplay, type DemoDisplay } from './demo/display.js'
import { DemoError } from './demo/errors.js'
import { startLoad } from './demo/load.js'
import { abortableClock, runRollout, type RolloutOutcome } from './demo/pipeline.js'
import { demoPolicyText, writeAndLoadPolicy } from './demo/policy.js'
import { renderDemoHtml } from './demo/report-html.js'
import { decidingFigure, renderDemoMarkdown } from './demo/report-markdown.js'
import { acquireDemoLock } from './demo/leftovers.js'
import { nextStepsLines, recordingName, recordingText } from './demo/next-steps.js'
import { Resources } from './demo/resources.js'
import { expectedOutcome, type DemoRun } from './demo/run.js'
import { CANARIES, ENVIRONMENT, STABLE, demoPace } from './demo/scenario.js'
import type { RunningService } from './demo/service.js'
import { startStack, type DemoStack, type RouterKind } from './demo/stack.js'

const USAGE = `rollgate demo [options]

Runs a whole progressive rollout on this machine: v2 carries a regression and is rolled back at
5%; v3 is healthy and promoted through 5%, 25%, 50% and 100%. Everything listens on 127.0.0.1.

Options:
  --port N        port of the router (default: a free one)
  --fast          a look every second instead of every two
  --out DIR       where the reports, the policy and the state go (default: ./rollgate-demo)
  --no-html       skip report.html
  --json          print a JSON summary on stdout at the end (progress goes to stderr)
  --keep-running  leave the services and the router up afterwards, until Ctrl-C
  --router R      auto (default: HAProxy when it is on PATH), haproxy or built-in`

export interface DemoOptions {
  port: number
  fast: boolean
  out: string
  html: boolean
  json: boolean
  keepRunning: boolean
  router: 'auto' | RouterKind
}

class UsageError extends Error {}

export function parseDemoArgs(args: string[]): DemoOptions {
  const options: DemoOptions = { port: 0, fast: false, out: 'rollgate-demo', html: true, json: false, keepRunning: false, router: 'auto' }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = (): string => {
      const v = inline ?? args[++i]
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--fast':
        options.fast = true
        break
      case '--no-html':
        options.html = false
        break
      case '--json':
        options.json = true
        break
      case '--keep-running':
        options.keepRunning = true
        break
      case '--out':
        options.out = value()
        break
      case '--port': {
        const text = value()
        const port = Number(text)
        if (!/^\d+$/.test(text) || port < 1 || port > 65_535) throw new UsageError(`--port: expected a port number 1-65535, got ${JSON.stringify(text)}`)
        options.port = port
        break
      }
      case '--router': {
        const router = value()
        if (router !== 'auto' && router !== 'haproxy' && router !== 'built-in') throw new UsageError(`--router: expected auto, haproxy or built-in, got ${JSON.stringify(router)}`)
        options.router = router
        break
      }
      default:
        throw new UsageError(`unknown ${arg.startsWith('-') ? 'option' : 'argument'} ${JSON.stringify(arg)}`)
    }
  }
  return options
}

export interface DemoSummary {
  schemaVersion: 1
  /** v2 rolled back and v3 promoted, each by its analysis. */
  ok: boolean
  interrupted: boolean
  versions: {
    version: string
    outcome: RolloutOutcome['outcome']
    expected: string
    /** 0-based look of the analysis that decided the outcome (null: none decided). */
    decidedAt: number | null
    reason: string
    /** Every canary weight the version held, in order. */
    weights: number[]
    steps: { weight: number; decision: string; looks: number; decidedAt: number | null; durationMs: number }[]
  }[]
  problems: string[]
  durationMs: number
  router: RouterKind | null
  url: string | null
  haproxyPid: number | null
  report: { markdown: string | null; html: string | null; policy: string | null; log: string | null }
}

/** The HAProxy block stays in the policy with the built-in router; its socket is then never opened. */
const UNUSED_SOCKET = '/run/haproxy/admin.sock'

export async function runDemo(options: DemoOptions, io: CliIO): Promise<number> {
  const startedAt = Date.now()
  const pace = demoPace(options.fast)
  const out = resolve(io.cwd, options.out)
  const shown = (path: string): string => {
    const rel = relative(io.cwd, path)
    return rel && !rel.startsWith('..') ? rel : path
  }
  const progress = options.json ? io.stderr : io.stdout
  const live = !options.json && io.isTTY && io.env['TERM'] !== 'dumb'
  const display: DemoDisplay = createDisplay({ write: progress, live, color: live && io.env['NO_COLOR'] === undefined, columns: () => process.stdout.columns, startedAt })

  const resources = new Resources()
  const controller = new AbortController()
  let interrupted: NodeJS.Signals | undefined
  let wake = (): void => undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) {
      // A second Ctrl-C: stop waiting for a clean shutdown.
      resources.killNow()
      display.close()
      process.exit(130)
    }
    interrupted = signal
    controller.abort()
    wake()
  }
  const onExit = (): void => resources.killNow()
  // SIGHUP: the terminal went away; without a handler Node would die before stopping HAProxy.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const signal of signals) process.on(signal, onSignal)
  process.on('exit', onExit)

  const summary: DemoSummary = {
    schemaVersion: 1,
    ok: false,
    interrupted: false,
    versions: [],
    problems: [],
    durationMs: 0,
    router: null,
    url: null,
    haproxyPid: null,
    report: { markdown: null, html: null, policy: null, log: null },
  }
  const rollouts: RolloutOutcome[] = []
  let stack: DemoStack | undefined
  let exitCode = 1
  let printed = false

  try {
    await mkdir(join(out, 'state'), { recursive: true })
    // One demo per folder: two would write the same rollout record. Also stops what a killed run left.
    const lock = acquireDemoLock(out)
    resources.add('lock', () => Promise.resolve(lock.release()), () => lock.release())
    for (const note of lock.notes) display.note(note)
    // A fresh rollout history: the record of an earlier run would carry on from its end.
    await rm(join(out, 'state', `${environmentSlug(ENVIRONMENT)}.json`), { force: true })
    // The core's own log lines (what an Actions log would show) go to a file, not the display.
    const logPath = join(out, 'demo.log')
    const logStream = createWriteStream(logPath, { flags: 'w' })
    resources.add('log', () => new Promise<void>((r) => logStream.end(() => r())))
    const logger = streamLogger((line) => logStream.write(`${new Date().toISOString()} ${line}\n`))
    summary.report.log = logPath

    stack = await startStack({ router: options.router, port: options.port, path: io.env['PATH'] ?? '' }, resources, logger)
    Object.assign(summary, { router: stack.router, url: stack.url, haproxyPid: stack.haproxyPid })

    const policyPath = join(out, 'policy.yml')
    const policyInput = {
      pace,
      metricsUrls: [stack.stable, ...stack.canaries.values()].map((s) => `${s.url}/metrics`),
      router: stack.router,
      socket: stack.socket ?? UNUSED_SOCKET,
    }
    const policy = await writeAndLoadPolicy(policyPath, policyInput)
    summary.report.policy = policyPath

    display.line('Rollgate demo: a progressive rollout on this machine, judged by the same core the actions run.')
    display.line(`  router   ${stack.routerDetail}`)
    display.line(`  traffic  ${pace.requestsPerSecond} requests/s generated · a look every ${pace.intervalMs / 1000}s · policy ${shown(policyPath)}`)
    for (const v of [STABLE, ...CANARIES]) display.line(`  ${v.version.padEnd(8)} ${v.story}`)

    const load = startLoad({ url: `${stack.url}/`, ratePerSecond: pace.requestsPerSecond, maxDurationMs: 10 * 60_000, concurrency: 64 })
    resources.add('load', () => load.stop())

    const store = new FileStateStore({ directory: join(out, 'state') })
    const clock = abortableClock(controller.signal)
    for (const [i, canary] of CANARIES.entries()) {
      if (i > 0) await clock.sleep(pace.pauseMs)
      const service = stack.canaries.get(canary.version) as RunningService
      await stack.pointCanary(service)
      display.note(`${canary.version} is deployed behind the router's canary side (${service.url}), with no traffic yet`)
      rollouts.push(
        await runRollout(canary, {
          policy,
          environment: ENVIRONMENT,
          stableVersion: STABLE.version,
          store,
          traffic: stack.traffic,
          hooks: createHookRunner({ logger }),
          reporter: createLocalReporter(() => undefined),
          logger,
          metrics: (plan) => createMetricsProvider(plan.provider, { logger, env: {} }),
          clock,
          observer: display,
        }),
      )
    }
    await load.stop()

    const run: DemoRun = {
      startedAt,
      endedAt: Date.now(),
      router: stack.router,
      routerDetail: stack.routerDetail,
      pace,
      stable: STABLE,
      canaries: CANARIES,
      rollouts,
      policyText: demoPolicyText(policyInput),
      policyFile: shown(policyPath),
    }
    Object.assign(summary.report, await writeReports(run, policy, out, options.html))
    const verdict = expectedOutcome(run)
    summary.ok = verdict.ok
    summary.problems = verdict.problems
    display.line('')
    for (const rollout of rollouts) display.line(`  ${rollout.version}  ${rolloutLine(rollout)}`)
    const reports = [summary.report.markdown, summary.report.html].filter((p): p is string => p !== null).map(shown)
    display.line(`Done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s. Report: ${reports.join(', ')}`)
    if (!verdict.ok) display.line(`Unexpected outcome: ${verdict.problems.join('; ')}`)
    const failed = rollouts.flatMap((r) => r.analyses).find((a) => a.result.decision === 'fail')
    const workflow = join(io.cwd, 'examples', 'workflows', 'canary-gateway-api.yml')
    display.line('')
    for (const line of nextStepsLines({
      policy: shown(policyPath),
      report: reports.at(-1) ?? shown(join(out, 'report.md')),
      recording: failed ? shown(join(out, 'recordings', recordingName(failed))) : undefined,
      workflow: existsSync(workflow) ? shown(workflow) : undefined,
    })) {
      display.line(line)
    }
    exitCode = verdict.ok ? 0 : 1

    if (options.keepRunning && !interrupted) {
      if (options.json) {
        io.stdout(`${JSON.stringify(completeSummary(summary, rollouts, startedAt))}\n`)
        printed = true
      }
      display.line(`Still running: ${stack.url} (${rollouts.at(-1)?.version ?? STABLE.version} serves the traffic now). Press Ctrl-C to stop.`)
      display.close()
      await new Promise<void>((r) => {
        wake = r
        if (interrupted) r()
      })
      interrupted = undefined
      progress('Stopping the router and the services.\n')
    }
  } catch (error) {
    if (!interrupted) {
      const message = error instanceof Error ? error.message : String(error)
      display.line(`rollgate demo: ${message}`)
      // A bug shows its stack; a problem the user can fix is one line.
      if (!(error instanceof DemoError) && !isUserError(error) && error instanceof Error && error.stack) display.line(error.stack)
      summary.problems.push(message)
      exitCode = 1
    }
  } finally {
    display.close()
    for (const failure of await resources.stopAll()) progress(`rollgate demo: could not stop ${failure}\n`)
    for (const signal of signals) process.off(signal, onSignal)
    process.off('exit', onExit)
  }
  if (interrupted) {
    summary.interrupted = true
    exitCode = 130
    progress(`rollgate demo: interrupted (${interrupted}); stopped the load, the router${stack?.router === 'haproxy' ? ' (HAProxy)' : ''} and the services\n`)
  }
  if (options.json && !printed) io.stdout(`${JSON.stringify(completeSummary(summary, rollouts, startedAt))}\n`)
  return exitCode
}

async function writeReports(run: DemoRun, policy: Policy, out: string, html: boolean): Promise<{ markdown: string; html: string | null }> {
  // Each analysis as a replay file: `rollgate replay` re-judges what the demo judged.
  await rm(join(out, 'recordings'), { recursive: true, force: true })
  await mkdir(join(out, 'recordings'), { recursive: true })
  for (const analysis of run.rollouts.flatMap((r) => r.analyses)) {
    await writeFile(join(out, 'recordings', recordingName(analysis)), recordingText(analysis), 'utf8')
  }
  const markdown = join(out, 'report.md')
  await writeFile(markdown, renderDemoMarkdown(run, policy), 'utf8')
  if (!html) return { markdown, html: null }
  const page = join(out, 'report.html')
  await writeFile(page, renderDemoHtml(run), 'utf8')
  return { markdown, html: page }
}

function rolloutLine(rollout: RolloutOutcome): string {
  if (rollout.outcome === 'promoted') {
    const weights = [...rollout.analyses.map((a) => `${a.weight}%`), '100%'].join(', ')
    return `promoted through ${weights} (${rollout.analyses.map((a) => `${a.result.outcome.looks.length} looks`).join(', ')})`
  }
  const last = rollout.analyses.at(-1)
  return `rolled back at ${last?.weight ?? '?'}% after ${last?.result.outcome.looks.length ?? 0} looks: ${last ? decidingFigure(last) : (rollout.reason ?? '')}`
}

/** The summary with what each rollout did, as `--json` prints it. */
function completeSummary(summary: DemoSummary, rollouts: RolloutOutcome[], startedAt: number): DemoSummary {
  const versions = rollouts.map((r) => {
    const deciding = r.analyses.at(-1)
    return {
      version: r.version,
      outcome: r.outcome,
      expected: CANARIES.find((c) => c.version === r.version)?.expected ?? '',
      decidedAt: deciding?.result.outcome.decidedAt ?? null,
      reason: r.reason ?? (deciding ? `${deciding.result.decision} at ${deciding.weight}%: ${decidingFigure(deciding)}` : ''),
      weights: r.moves.map((m) => m.to),
      steps: r.analyses.map((a) => ({
        weight: a.weight,
        decision: a.result.decision,
        looks: a.result.outcome.looks.length,
        decidedAt: a.result.outcome.decidedAt,
        durationMs: a.endedAt - a.startedAt,
      })),
    }
  })
  return { ...summary, versions, durationMs: Date.now() - startedAt }
}

export const demoCommand: Subcommand = {
  name: 'demo',
  summary: 'Watch a whole progressive rollout locally: a broken version caught, a healthy one promoted',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    let options: DemoOptions
    try {
      options = parseDemoArgs(args)
    } catch (error) {
      if (!(error instanceof UsageError)) throw error
      io.stderr(`rollgate demo: ${error.message}\nusage: ${USAGE}\n`)
      return 2
    }
    return runDemo(options, io)
  },
}
