/**
 * The worked example of docs/architecture.md "Where to add a backend", done entirely in this file:
 * a new metrics backend (`table`) and a new traffic backend (`memory`), each one descriptor, are
 * registered next to the registries' own. The policy schema composed with them accepts their
 * blocks, refuses a wrong one at file:line:column, applies their defaults and units; the registries
 * build them from the loaded policy; and a canary is deployed and analysed through them. Nothing
 * outside this file is edited to add them: that is the "after" count of the seams issue.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { compileGrammar, POLICY_PARTS } from '../../scripts/gen-schema.js'
import { streamLogger } from '../../shared/action/logger.js'
import { checkPolicy, type PolicyCheck } from '../../shared/config/load.js'
import type { Policy } from '../../shared/config/policy.generated.js'
import { formatProblem } from '../../shared/config/problems.js'
import { ref, str, variant } from '../../shared/config/schema-parts.js'
import { createMetricsProvider, METRICS_BACKENDS } from '../../shared/metrics/registry.js'
import type { MetricsBackend, MetricsProvider, ObservationResult } from '../../shared/metrics/types.js'
import { analyzeRollout } from '../../shared/rollout/analyze-command.js'
import { deployCanary, rollback, type LifecycleDeps } from '../../shared/rollout/lifecycle.js'
import { createLocalReporter } from '../../shared/rollout/reporter.js'
import { FileStateStore } from '../../shared/state/file-store.js'
import { createTrafficProvider, TRAFFIC_BACKENDS } from '../../shared/traffic/registry.js'
import type { TrafficBackend, TrafficProvider } from '../../shared/traffic/types.js'

// ---- The new metrics backend: one descriptor (what shared/metrics/<name>.ts would export). ----

/** Error and request counts per arm and look, by table name: a stand-in for a real metrics API. */
const TABLES = new Map<string, { canary: number; baseline: number }>()

interface TableMetrics {
  type: 'table'
  table: string
  requestsPerLook: number
  /** In milliseconds once loaded. */
  latency: number
}

const built: TableMetrics[] = []

const tableMetrics: MetricsBackend<TableMetrics> = {
  type: 'table',
  definition: 'tableMetrics',
  schema: variant(
    'type',
    'table',
    'Counts from an in-memory table (the worked example of adding a backend).',
    {
      table: str('Name of the table.'),
      requestsPerLook: { type: 'integer', minimum: 1, description: 'Requests each arm serves per look.', default: 600 },
      latency: ref('duration', 'How long one query takes.', { default: '250ms' }),
    },
    ['table'],
  ),
  // `{{table}}` may appear in this backend's queries; it is unknown to every other backend.
  rules: { placeholders: ['table'] },
  create(config): MetricsProvider {
    built.push(config)
    return {
      type: 'table',
      validate: () => undefined,
      async query(request): Promise<ObservationResult<never>> {
        const rates = TABLES.get(config.table)
        if (!rates) return { ok: false, reason: `table ${config.table} is empty` }
        const total = config.requestsPerLook
        return { ok: true, observation: { events: Math.round(total * rates[request.arm]), total } as never }
      },
    }
  },
}

// ---- The new traffic backend: one descriptor (what shared/traffic/<name>.ts would export). ----

const POOLS = new Map<string, number>()

interface MemoryTraffic {
  provider: 'memory'
  pool: string
}

const memoryTraffic: TrafficBackend<MemoryTraffic> = {
  type: 'memory',
  definition: 'memoryTraffic',
  schema: variant('provider', 'memory', 'A weight kept in memory (the worked example of adding a backend).', { pool: str('Name of the pool.') }, ['pool']),
  create(config): TrafficProvider {
    return {
      name: 'memory',
      async setWeight(weight) {
        const previous = POOLS.get(config.pool)
        POOLS.set(config.pool, weight)
        return { provider: 'memory', target: `pool ${config.pool}`, previous, weight, readBack: weight, changes: [`pool ${config.pool}: ${previous ?? 0}→${weight}`] }
      },
      readWeight: async () => POOLS.get(config.pool),
      describe: () => `pool ${config.pool}`,
    }
  },
}

// ---- Registering them: the registries' lists plus one entry each. ----

const traffic = [...TRAFFIC_BACKENDS, memoryTraffic]
const metrics = [...METRICS_BACKENDS, tableMetrics]
const grammar = compileGrammar({ ...POLICY_PARTS, traffic, metrics })

const POLICY = `version: 1
environments:
  production:
    traffic: { provider: memory, pool: web }
    steps: [ { weight: 10, analysis: smoke }, { weight: 100 } ]
analysis:
  smoke:
    provider: { type: table, table: checkout }
    interval: 1m
    maxDuration: 30m
    checks:
      - { name: errors, type: ratio, events: "errors in {{table}}", total: "requests in {{table}}", critical: true }
`

function check(text: string, withBackends = true): PolicyCheck {
  return checkPolicy(text, '.github/rollgate.yml', {}, withBackends ? { grammar } : {})
}

function problems(text: string, withBackends = true): string[] {
  const result = check(text, withBackends)
  return result.ok ? [] : result.problems.map(formatProblem)
}

describe('a backend added in one descriptor', () => {
  it('is part of the policy schema composed with it: its blocks are accepted, defaults and units applied', () => {
    const result = check(POLICY)
    expect(result.problems.map(formatProblem)).toEqual([])
    const policy = (result as { policy: Policy }).policy
    expect(policy.analysis['smoke']?.provider).toEqual({ type: 'table', table: 'checkout', requestsPerLook: 600, latency: 250 })
    expect(policy.environments['production']?.traffic).toEqual({ provider: 'memory', pool: 'web' })
  })

  it.each([
    [
      'a misspelt key of the new metrics backend',
      POLICY.replace('table: checkout }', 'table: checkout, requestPerLook: 60 }'),
      ".github/rollgate.yml:8:47: unknown key 'requestPerLook'; did you mean 'requestsPerLook'? (expected one of: type, table, requestsPerLook, latency)",
    ],
    [
      'a missing required key of the new metrics backend',
      POLICY.replace('{ type: table, table: checkout }', '{ type: table }'),
      ".github/rollgate.yml:8:5: missing required key 'table' in provider (expected name of the table)",
    ],
    [
      'a wrong unit in the new metrics backend',
      POLICY.replace('table: checkout }', 'table: checkout, latency: 2 }'),
      '.github/rollgate.yml:8:56: latency has the wrong type (found 2; expected a duration such as 30s, 5m, 1h or 1h30m)',
    ],
    [
      'a missing required key of the new traffic backend',
      POLICY.replace('{ provider: memory, pool: web }', '{ provider: memory }'),
      ".github/rollgate.yml:4:5: missing required key 'pool' in traffic (expected name of the pool)",
    ],
  ])('refuses %s at file:line:column', (_what, text, message) => {
    expect(problems(text)).toEqual([message])
  })

  const unknownTable = (column: number) =>
    `.github/rollgate.yml:12:${column}: unknown placeholder '{{table}}' (expected one of: {{version}}, {{environment}}, {{arm}}, {{interval}}, {{intervalSeconds}}, {{start}}, {{end}}, {{startMs}}, {{endMs}}, {{startIso}}, {{endIso}} (add others under variables:))`

  it('knows the backends only where they are registered: the built-in grammar refuses them, with the list it knows', () => {
    expect(problems(POLICY, false)).toEqual([
      ".github/rollgate.yml:4:26: unknown provider 'memory' (expected one of: command, gateway-api, istio, nginx-ingress, argo-rollouts, aws-lambda, haproxy, unleash)",
      ".github/rollgate.yml:8:23: unknown type 'table' (expected one of: prometheus, datadog, cloudwatch, newrelic, http, scrape)",
      unknownTable(57),
      unknownTable(89),
    ])
  })

  it('applies its rules: {{table}} is a placeholder of the table backend only', () => {
    const prometheus = POLICY.replace('{ type: table, table: checkout }', '{ type: prometheus, address: "http://prometheus:9090" }')
    expect(problems(prometheus)).toEqual([unknownTable(57), unknownTable(89)])
    expect(problems(POLICY)).toEqual([])
  })

  describe('runs a rollout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-add-a-backend-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    const policy = (check(POLICY) as { policy: Policy }).policy
    const store = new FileStateStore({ directory: dir })
    const logger = streamLogger(() => undefined)
    const clock = { t: Date.parse('2026-11-22T00:00:00Z'), now: () => new Date(clock.t), sleep: async (ms: number) => void (clock.t += Math.max(0, ms)) }
    let run = 0
    const deps = (): LifecycleDeps => ({
      store,
      // The registry builds the new provider from the loaded `traffic:` block, as productionDeps does.
      traffic: createTrafficProvider(policy.environments['production']?.traffic as unknown as MemoryTraffic, { exec: undefined as never, fetch, logger, clock }, traffic),
      hooks: { run: async () => undefined },
      reporter: createLocalReporter(() => undefined),
      logger,
      context: { runId: ++run, runAttempt: 1, job: 'rollout', actor: 'octocat', now: clock.now() },
    })

    it('moves traffic through the new traffic backend and judges the canary with the new metrics backend', async () => {
      await deployCanary({ policy, environment: 'production', version: 'v2', ref: 'main', sha: 'e'.repeat(40), stableVersion: 'v1' }, deps())
      expect(POOLS.get('web')).toBe(10)

      TABLES.set('checkout', { canary: 0.06, baseline: 0.01 })
      built.length = 0
      const result = await analyzeRollout(
        { policy, environment: 'production', mode: 'watch' },
        { ...deps(), metrics: (plan) => createMetricsProvider(plan.provider, { logger, env: {} }, metrics), clock },
      )
      expect(built).toEqual([{ type: 'table', table: 'checkout', requestsPerLook: 600, latency: 250 }])
      expect(result.decision).toBe('fail')
      expect(result.outcome.decidingMetric).toBe('errors')

      // The rollback a failed analysis calls for goes through the new traffic backend too.
      await rollback({ policy, environment: 'production', reason: 'analysis failed' }, deps())
      expect(POOLS.get('web')).toBe(0)
    })
  })
})
