import { ConfigError, ProviderError } from '../errors.js'
import { createHttpClient, describeFailure, describeResponseFailure, excerpt, httpClientDeps, parseJson } from '../http/client.js'
import { SecretSet } from '../http/redact.js'
import { isRecord } from './kubectl.js'
import type { TrafficBackend, TrafficDeps, TrafficProvider } from './types.js'
import { assertWeight, moveWeight, optionalString, requireString } from './transaction.js'
import type { UnleashTraffic } from '../config/policy.generated.js'
import { ref, str, variant } from '../config/schema-parts.js'

/**
 * `provider: unleash`: a flag-based rollout. The canary weight is the `rollout` percentage of the
 * feature's gradual rollout (`flexibleRollout`) strategy in one environment, via the admin API.
 */
export interface UnleashOptions {
  /** Unleash's base address, e.g. https://unleash.example.com (with or without a trailing /api). */
  url: string
  /** An admin API token or personal access token with update rights on the project. */
  token: string
  project: string
  feature: string
  environment: string
  /** The strategy to move; by default the feature's only flexibleRollout strategy in that environment. */
  strategyId?: string
}

interface Strategy extends Record<string, unknown> {
  id: string
  name: string
  parameters?: Record<string, unknown>
}

export function createUnleashProvider(options: UnleashOptions, deps: TrafficDeps): TrafficProvider {
  const base = requireString(options, 'url', 'unleash').replace(/\/+$/, '').replace(/\/api$/, '')
  const token = requireString(options, 'token', 'unleash')
  const project = requireString(options, 'project', 'unleash')
  const feature = requireString(options, 'feature', 'unleash')
  const environment = requireString(options, 'environment', 'unleash')
  let strategyId = optionalString(options, 'strategyId', 'unleash')
  const strategiesPath = `/api/admin/projects/${encodeURIComponent(project)}/features/${encodeURIComponent(feature)}/environments/${encodeURIComponent(environment)}/strategies`
  const describe = (): string => `Unleash feature ${feature} in ${project}/${environment} (flexibleRollout)`

  // The shared HTTP client: timeout, retries of 5xx/429/network errors with backoff and retry-after
  // (a PUT of the same percentage is idempotent), the token scrubbed from every reason.
  const secrets = new SecretSet(deps.logger)
  secrets.addHeaderValue(token)
  secrets.addUrl(base)
  const client = createHttpClient({ timeoutMs: 30_000, retries: 2 }, httpClientDeps({ logger: deps.logger, fetch: deps.fetch, sleep: deps.clock.sleep }), {}, (t) => secrets.scrub(t))

  const call = async (method: 'GET' | 'PUT', path: string, body?: unknown): Promise<unknown> => {
    const what = `${method} ${path}`
    const outcome = await client.send({
      method,
      url: `${base}${path}`,
      headers: { authorization: token, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    if (outcome.kind === 'failed') throw new ProviderError('unleash', what, secrets.scrub(describeFailure(outcome)), outcome.attempts > 1)
    const response = outcome.response
    if (response.status < 200 || response.status >= 300) {
      const hint = response.status === 401 || response.status === 403 ? ' (check traffic.token: it needs update rights on the project)' : ''
      throw new ProviderError('unleash', what, secrets.scrub(`${describeResponseFailure(outcome).replace(/^HTTP \d+/, (m) => `${m}${hint}`)}`), outcome.attempts > 1)
    }
    const parsed = response.text === '' ? ({ ok: true, value: undefined } as const) : parseJson(response.text)
    if (!parsed.ok) throw new ProviderError('unleash', what, secrets.scrub(`expected JSON, got: ${excerpt(response.text)}`))
    return parsed.value
  }

  const getStrategy = async (): Promise<Strategy> => {
    if (strategyId === undefined) {
      const list = await call('GET', strategiesPath)
      const rollouts = (Array.isArray(list) ? list : []).filter((s): s is Strategy => isStrategy(s) && s.name === 'flexibleRollout')
      const only = rollouts[0]
      if (rollouts.length !== 1 || !only) {
        throw new ConfigError(
          `unleash: feature ${feature} has ${rollouts.length} flexibleRollout strategies in ${environment}; ${rollouts.length === 0 ? 'add a gradual rollout strategy' : `set traffic.strategyId to one of ${rollouts.map((s) => s.id).join(', ')}`}`,
        )
      }
      strategyId = only.id
      return only
    }
    const strategy = await call('GET', `${strategiesPath}/${encodeURIComponent(strategyId)}`)
    if (!isStrategy(strategy)) throw new ProviderError('unleash', `GET ${strategiesPath}/${strategyId}`, 'the answer is not a feature strategy')
    if (strategy.name !== 'flexibleRollout') {
      throw new ConfigError(`unleash: strategy ${strategyId} (traffic.strategyId) of feature ${feature} is "${strategy.name}", not a flexibleRollout (gradual rollout) strategy`)
    }
    return strategy
  }

  const put = async (strategy: Strategy, rollout: string): Promise<void> => {
    await call('PUT', `${strategiesPath}/${encodeURIComponent(strategy.id)}`, updateBody(strategy, rollout))
  }

  return {
    name: 'unleash',
    describe,
    async readWeight() {
      return rolloutOf(await getStrategy())
    },
    async setWeight(weight) {
      assertWeight(weight, 'unleash')
      const before = await getStrategy()
      const previousRollout = before.parameters?.rollout
      return moveWeight({
        provider: 'unleash',
        target: describe(),
        weight,
        previous: rolloutOf(before),
        logger: deps.logger,
        steps: [
          {
            description: `Unleash ${feature}/${environment} strategy ${before.id}: rollout ${String(previousRollout ?? '(unset)')}→${weight}`,
            apply: () => put(before, String(weight)),
            undo: () => put(before, String(previousRollout ?? '0')),
          },
        ],
        verify: async () => rolloutOf(await getStrategy()),
      })
    },
  }
}

function isStrategy(value: unknown): value is Strategy {
  return isRecord(value) && typeof value.id === 'string' && typeof value.name === 'string'
}

/** The strategy as the update endpoint takes it, with only the rollout percentage changed. */
function updateBody(strategy: Strategy, rollout: string): Record<string, unknown> {
  const body: Record<string, unknown> = { name: strategy.name, parameters: { ...(strategy.parameters ?? {}), rollout } }
  for (const key of ['title', 'disabled', 'sortOrder', 'constraints', 'variants', 'segments'] as const) {
    if (strategy[key] !== undefined) body[key] = strategy[key]
  }
  return body
}

function rolloutOf(strategy: Strategy): number | undefined {
  const rollout = Number(strategy.parameters?.rollout)
  return strategy.parameters?.rollout === undefined || !Number.isFinite(rollout) ? undefined : rollout
}

/** `traffic: { provider: unleash }`: this backend's descriptor, listed in shared/traffic/registry.ts. */
export const unleashTraffic: TrafficBackend<UnleashTraffic> = {
  type: 'unleash',
  definition: 'unleashTraffic',
  schema: variant(
    'provider',
    'unleash',
    'Unleash: the canary is a feature flag whose gradual-rollout percentage is the weight.',
    {
      url: ref('url', 'Unleash API base URL, e.g. `https://unleash.example.com/api`.'),
      token: str('Admin API token; write `${UNLEASH_TOKEN}` and keep the value in a secret.'),
      project: str('Unleash project.', { default: 'default' }),
      feature: str('Feature flag name.'),
      environment: str('Unleash environment name.'),
      strategyId: str('Id of the flexible-rollout strategy to update; the feature\'s only flexible rollout in that environment when unset.'),
    },
    ['url', 'token', 'feature', 'environment'],
  ),
  create: (config, deps) => createUnleashProvider(config, deps),
}
