/**
 * #16: a rollout at a `mirror: N` step has weight 0, but its canary is not "at 0%": it answers
 * copies of N% of requests and serves no user. One rollout is driven to a mirror step through the
 * real lifecycle (deploy, a watched paired analysis, a pause), and what every surface a person
 * reads renders from it must say "mirroring N% of requests to the canary (serves none)" (or the
 * cell form "mirror N% (serves none)"), and never show the step as a bare 0%.
 *
 * The renderer list is enumerated from the modules' exports: a new exported renderer (render*,
 * describe*, reply*, *Line, *Title, *Html, *Text, visibleStatus) fails this test until it has a
 * case here or a reason in EXEMPT.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePolicy } from '../../shared/config/load.js'
import type { Clock } from '../../shared/clock.js'
import { analyzeRollout } from '../../shared/rollout/analyze-command.js'
import { deployCanary, promote, type LifecycleDeps } from '../../shared/rollout/lifecycle.js'
import { createLocalReporter, toRolloutReport, type PublishRequest } from '../../shared/rollout/reporter.js'
import { FileStateStore } from '../../shared/state/file-store.js'
import { streamLogger } from '../../shared/action/logger.js'
import type { MetricQuery, MetricsProvider, ObservationResult } from '../../shared/metrics/types.js'
import type { TrafficProvider, WeightContext } from '../../shared/traffic/types.js'
import type { RolloutRecord } from '../../shared/state/record.js'
import type { AnalysisReport, RolloutReport } from '../../shared/report/model.js'
import { computeInsight } from '../../shared/insight/metrics.js'
import type { History } from '../../shared/insight/history.js'
import * as rolloutRenderers from '../../shared/report/rollout.js'
import * as targetRenderers from '../../shared/report/targets.js'
import * as analysisRenderers from '../../shared/report/analysis.js'
import * as mermaidRenderers from '../../shared/report/mermaid.js'
import * as experimentRenderers from '../../shared/report/experiment.js'
import * as annotationRenderers from '../../shared/report/annotations.js'
import * as insightRenderers from '../../shared/insight/render.js'
import * as insightHtml from '../../cli/report-html.js'
import * as drillRenderers from '../../shared/drill/report.js'
import * as replyRenderers from '../../shared/commands/reply.js'
import * as machine from '../../shared/state/machine.js'
import * as githubStore from '../../shared/state/github-store.js'

const POLICY = `version: 1
environments:
  staging:
    traffic: { provider: istio, namespace: shop, virtualService: web, stable: { host: web, subset: stable }, canary: { host: web, subset: canary } }
    steps:
      - { weight: 0, mirror: 20, analysis: shadow }
      - { weight: 10, analysis: shadow }
      - { weight: 100 }
analysis:
  shadow:
    provider: { type: http, url: "http://127.0.0.1:1/{{query}}", jsonPath: { value: "$.v" } }
    interval: 1m
    maxDuration: 60m
    checks:
      - { name: errors, type: ratio, events: e, total: t, critical: true, tolerance: 20% }
`
const policy = parsePolicy(POLICY, 'policy.yml', {})
const environment = policy.environments['staging'] as NonNullable<(typeof policy.environments)[string]>

/** The sentence form and the cell form of the wording; either names the percent and that the canary serves none. */
const MIRRORING = /mirroring 20% of requests to the (?:canary|shadow)\b[^\n]*?\(serves none\)/
const CELL = /mirror 20% \(serves none\)/
/** A weight of 0% shown as such (not 20%, 1.0%, +0%): what a mirror step must never read as. */
const BARE_ZERO = /(?<![\d.+\-−])0(?:\.0+)?\s?%/

class MirrorTraffic implements TrafficProvider {
  readonly name = 'istio' as const
  readonly mirrors = true
  weight = 0
  async setWeight(weight: number, _ctx: WeightContext) {
    this.weight = weight
    return { provider: 'istio' as const, target: 'memory', previous: 0, weight, readBack: weight, changes: [] }
  }
  async readWeight() {
    return this.weight
  }
  describe() {
    return 'memory'
  }
}

/** The shadow answers 20% of stable's requests with the same 1% errors (a healthy dark launch). */
function mirroredMetrics(): MetricsProvider {
  return {
    type: 'http',
    validate: () => undefined,
    async query(request: MetricQuery): Promise<ObservationResult> {
      const total = request.arm === 'canary' ? 5000 : 25_000
      return { ok: true, observation: { events: Math.round(total * 0.01), total } }
    },
  } as MetricsProvider
}

interface Driven {
  record: RolloutRecord
  paused: RolloutRecord
  promotedFrom: RolloutRecord
  rollout: RolloutReport
  pausedRollout: RolloutReport
  analysis: AnalysisReport
  messages: string[]
  logs: string[]
  published: PublishRequest[]
}

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function drive(): Promise<Driven> {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-mirror-words-'))
  dirs.push(dir)
  const store = new FileStateStore({ directory: dir })
  const clock: Clock & { t: number } = { t: Date.parse('2026-12-06T00:00:00Z'), now: () => new Date(clock.t), sleep: async (ms: number) => void (clock.t += Math.max(0, ms)) }
  const logs: string[] = []
  const published: PublishRequest[] = []
  const traffic = new MirrorTraffic()
  let run = 0
  const deps = (): LifecycleDeps => ({
    store,
    traffic,
    hooks: { run: async () => undefined },
    reporter: createLocalReporter((_markdown, request) => void published.push(request)),
    logger: streamLogger((line) => logs.push(line)),
    context: { runId: ++run, runAttempt: 1, job: 'rollout', actor: 'octocat', now: clock.now() },
  })
  const messages: string[] = []
  const deployed = await deployCanary({ policy, environment: 'staging', version: 'v2', ref: 'main', sha: 'f'.repeat(40), stableVersion: 'v1' }, deps())
  messages.push(deployed.message)
  const analysed = await analyzeRollout({ policy, environment: 'staging', mode: 'watch' }, { ...deps(), metrics: () => mirroredMetrics(), clock })
  expect(analysed.decision).toBe('pass')
  const record = (await store.load('staging'))?.record as RolloutRecord
  // Paused at the mirror step, as /rollgate pause leaves it (the machine's own message is cased below).
  const pausedRecord: RolloutRecord = { ...record, paused: { at: '2026-12-06T00:10:00Z', actor: 'octocat', reason: 'look at the shadow' } }
  const analysis = published.map((p) => p.analysis).filter((a): a is AnalysisReport => a !== undefined).at(-1) as AnalysisReport
  const promoted = await promote({ policy, environment: 'staging', target: { kind: 'next' } }, deps())
  return {
    record,
    paused: pausedRecord,
    promotedFrom: promoted.record,
    rollout: toRolloutReport(record, environment),
    pausedRollout: toRolloutReport(pausedRecord, environment),
    analysis,
    messages,
    logs,
    published,
  }
}

/** A history whose one deployment's statuses are what the GitHub store posts for the driven rollout. */
function historyOf(d: Driven): History {
  const status = (record: RolloutRecord, at: string) => ({ ...(githubStore.visibleStatus(record) as { state: 'in_progress'; description: string }), createdAt: at })
  return {
    repo: { owner: 'acme', repo: 'shop' },
    environments: ['staging'],
    since: '2026-12-01T00:00:00Z',
    until: '2026-12-08T00:00:00Z',
    deployments: [
      {
        id: 1,
        environment: 'staging',
        createdAt: '2026-12-06T00:00:00Z',
        sha: 'f'.repeat(40),
        description: 'Rollgate canary v2 (main)',
        version: 'v2',
        ref: 'main',
        statuses: [status(d.record, '2026-12-06T00:00:00Z'), status(d.promotedFrom, '2026-12-06T00:30:00Z'), { state: 'success', description: 'promoted v2 to 100%', createdAt: '2026-12-06T01:00:00Z' }],
        payloadHistory: [],
      },
    ],
    ignored: 0,
    commits: new Map(),
    records: [],
    warnings: [],
  }
}

/** The step-time row of step 1 in a rendered insight report (the rest of it has real 0% figures, e.g. a change failure rate). */
function stepOneRow(text: string): string {
  const row = text.split('\n').find((l) => /^\|\s*1\s*\|/.test(l) || /<tr><td class="num">1<\/td>/.test(l) || /^\s*step 1\b/i.test(l))
  return row ?? `(no step 1 row in: ${text.slice(0, 200)})`
}

type Case = (d: Driven) => string | string[]

/** Every renderer a person reads a rollout's state through, rendered from the mirror step. */
const CASES: Record<string, Case> = {
  'rollout.rolloutLine': (d) => [rolloutRenderers.rolloutLine(d.rollout), rolloutRenderers.rolloutLine(d.pausedRollout)],
  'rollout.renderRolloutMarkdown': (d) => rolloutRenderers.renderRolloutMarkdown(d.rollout),
  'targets.renderRolloutCheckOutput': (d) => {
    const out = targetRenderers.renderRolloutCheckOutput(d.rollout)
    return [out.title, out.summary]
  },
  'targets.renderCheckRunOutput': (d) => {
    const out = targetRenderers.renderCheckRunOutput({ ...d.analysis, decision: 'in-progress' })
    return [out.title, out.summary]
  },
  'targets.renderStickyComment': (d) => targetRenderers.renderStickyComment({ environment: 'staging', rollout: d.rollout, analysis: { ...d.analysis, decision: 'in-progress' } }),
  'targets.renderJobSummary': (d) => targetRenderers.renderJobSummary({ rollout: d.rollout, analysis: { ...d.analysis, decision: 'in-progress' } }),
  'targets.renderStatusDescription': (d) => [targetRenderers.renderStatusDescription(d.rollout), targetRenderers.renderStatusDescription(d.pausedRollout)],
  'analysis.renderAnalysisMarkdown': (d) => analysisRenderers.renderAnalysisMarkdown({ ...d.analysis, decision: 'in-progress' }),
  'analysis.renderBanner': (d) => analysisRenderers.renderBanner({ ...d.analysis, decision: 'in-progress' }),
  'analysis.verdictLine': (d) => analysisRenderers.verdictLine({ ...d.analysis, decision: 'in-progress' }),
  'machine.describeState': (d) => [machine.describeState(d.record, environment), machine.describeState(d.paused, environment)],
  'githubStore.visibleStatus': (d) => [githubStore.visibleStatus(d.record)?.description ?? '', githubStore.visibleStatus(d.paused)?.description ?? ''],
  'reply.replyStatus': (d) => replyRenderers.replyStatus('staging', d.record, new Date('2026-12-06T02:00:00Z'), {}),
  'reply.replyFinished': (d) => d.messages.map((m) => replyRenderers.replyFinished({ command: 'pause', environment: 'staging' } as never, true, 'paused', m)),
  'insight.renderInsightMarkdown': (d) => stepOneRow(insightRenderers.renderInsightMarkdown(computeInsight(historyOf(d)))),
  'insightHtml.renderInsightHtml': (d) => stepOneRow(insightHtml.renderInsightHtml(computeInsight(historyOf(d)))),
}

/** Exported renderers that never show a rollout's traffic state, and why. */
const EXEMPT: Record<string, string> = {
  'rollout.rolloutBlocks': 'the blocks renderRolloutMarkdown, the check run, the comment and the job summary fit (all cased)',
  'targets.plainTitle': 'flattens a title renderRolloutCheckOutput and renderCheckRunOutput wrote (both cased)',
  'analysis.renderLinks': 'links only',
  'mermaid.renderLineChart': 'plots a metric per look; the weight is not drawn',
  'experiment.renderExperimentMarkdown': 'experiments split traffic between variants; a mirror step is not an experiment',
  'experiment.renderExperimentCheckOutput': 'as renderExperimentMarkdown',
  'experiment.renderExperimentComment': 'as renderExperimentMarkdown',
  'experiment.verdictTitle': 'as renderExperimentMarkdown',
  'experiment.winnerLine': 'as renderExperimentMarkdown',
  'experiment.neededLine': 'as renderExperimentMarkdown',
  'annotations.renderConfigErrorOutput': 'policy errors at file:line, no rollout state',
  'insight.insightTitle': 'the DORA figures, no step',
  'insight.renderInsightText': 'the four DORA figures for a terminal; no step table',
  'drill.renderDrillTitle': 'passed/failed and the time to restore, no weight',
  'drill.renderDrillSummary': "prints the drill's check details, worded in shared/drill/run.ts with whereCanary (test/drill covers the drill)",
  'reply.renderArgs': "echoes a command's arguments",
  'reply.renderHelp': 'the command list',
  'reply.replyInvalid': 'a grammar problem',
  'reply.replyEnvironmentProblem': 'an unknown environment',
  'reply.replyDenied': 'a permission problem',
  'reply.replyRefused': 'prints the given message (the machine messages are cased under replyFinished)',
  'reply.replyEarly': 'as replyRefused',
  'reply.replyDispatched': 'names the commit and the run',
  'reply.replyHelp': 'the command list',
}

const MODULES: Record<string, Record<string, unknown>> = {
  rollout: rolloutRenderers,
  targets: targetRenderers,
  analysis: analysisRenderers,
  mermaid: mermaidRenderers,
  experiment: experimentRenderers,
  annotations: annotationRenderers,
  insight: insightRenderers,
  insightHtml,
  drill: drillRenderers,
  reply: replyRenderers,
  machine,
  githubStore,
}
const RENDERER_NAME = /^(?:render|describe|reply|visibleStatus)|(?:Line|Title|Html|Text)$/

describe('a rollout at a mirror step, in every renderer', () => {
  let driven: Driven
  it('the lifecycle reaches the mirror step with weight 0 and the record says it mirrors', async () => {
    driven = await drive()
    expect(driven.record).toMatchObject({ phase: 'canary', step: 0, weight: 0, mirror: 20 })
    expect(driven.paused).toMatchObject({ mirror: 20, paused: { reason: 'look at the shadow' } })
    expect(driven.promotedFrom).toMatchObject({ step: 1, weight: 10 })
    expect(driven.promotedFrom).not.toHaveProperty('mirror')
    expect(driven.promotedFrom.history.at(-1)?.note).toBe('mirror 20% → 10%')
  })

  it('every exported renderer has a case or a reason', () => {
    const exported = Object.entries(MODULES).flatMap(([m, mod]) => Object.entries(mod).filter(([n, v]) => typeof v === 'function' && RENDERER_NAME.test(n)).map(([n]) => `${m}.${n}`))
    const missing = exported.filter((name) => !(name in CASES) && !(name in EXEMPT))
    expect(missing, 'renderers without a mirror-step case (add one to CASES, or a reason to EXEMPT)').toEqual([])
    const stale = [...Object.keys(CASES), ...Object.keys(EXEMPT)].filter((name) => !exported.includes(name) && !/\.(renderLinks|rolloutBlocks)$/.test(name))
    expect(stale, 'cases for renderers that no longer exist').toEqual([])
  })

  it.each(Object.keys(CASES))('%s says it mirrors 20%% of requests to the canary, which serves none, and never 0%%', (name) => {
    const texts = [CASES[name]?.(driven) ?? []].flat()
    expect(texts.length).toBeGreaterThan(0)
    for (const text of texts) {
      expect(text, text).toMatch(new RegExp(`${MIRRORING.source}|${CELL.source}`))
      // Metric rows (`| errors | pass | 0% (−100% … +∞) |`) hold relative changes, not weights.
      const weights = text.split('\n').filter((l) => !l.includes('…')).join('\n')
      expect(weights.match(BARE_ZERO), text).toBeNull()
      expect(text).not.toMatch(/canary at 0|0% of traffic|serves 0/i)
    }
  })

  it('the timeline and the ladder show the mirror step in its cell form', () => {
    const markdown = rolloutRenderers.renderRolloutMarkdown(driven.rollout)
    expect(markdown).toContain('**mirror 20% (serves none)** → 10% → 100%')
    expect(markdown).toMatch(/\| 1 \| mirror 20% \(serves none\) \| `shadow` \|/)
    expect(markdown).toMatch(/\| deploy-canary \| mirror 20% \(serves none\) \|/)
  })

  it('the action logs and the lifecycle messages word it the same way', () => {
    const texts = [...driven.logs.filter((l) => /traffic:|set the mirror|analysis '|deployed|paused|resumed/.test(l)), ...driven.messages]
    expect(texts.filter((l) => MIRRORING.test(l)).length).toBeGreaterThanOrEqual(5)
    // Metric lines (`errors: 0% (−100% … +∞)`) hold relative changes, not weights.
    for (const line of [...driven.logs, ...driven.messages].filter((l) => !l.includes('…'))) expect(line.match(BARE_ZERO), line).toBeNull()
  })
})
