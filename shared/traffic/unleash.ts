import { ConfigError, ProviderError } from '../errors.js'
import { isRecord } from './kubectl.js'
import type { TrafficDeps, TrafficProvider } from './provider.js'
import { assertWeight, moveWeight, optionalString, requireString } from './transaction.js'

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
  deps.logger.mask(token)
  const project = requireString(options, 'project', 'unleash')
  const feature = requireString(options, 'feature', 'unleash')
  const environment = requireString(options, 'environment', 'unleash')
  let strategyId = optionalString(options, 'strategyId', 'unleash')
  const strategiesPath = `/api/admin/projects/${encodeURIComponent(project)}/features/${encodeURIComponent(feature)}/environments/${encodeURIComponent(environment)}/strategies`
  const describe = (): string => `Unleash feature ${feature} in ${project}/${environment} (flexibleRollout)`

  const call = async (method: 'GET' | 'PUT', path: string, body?: unknown): Promise<unknown> => {
    const what = `${method} ${path}`
    let response: Response
    try {
      response = await deps.fetch(`${base}${path}`, {
        method,
        headers: { authorization: token, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      })
    } catch (error) {
      throw new ProviderError('unleash', what, error instanceof Error ? error.message : String(error), false, { cause: error })
    }
    const text = await response.text()
    if (!response.ok) {
      const hint = response.status === 401 || response.status === 403 ? ' (check traffic.token: it needs update rights on the project)' : ''
      throw new ProviderError('unleash', what, `HTTP ${response.status}${hint}: ${text.slice(0, 300)}`)
    }
    try {
      return text === '' ? undefined : (JSON.parse(text) as unknown)
    } catch {
      throw new ProviderError('unleash', what, `expected JSON, got: ${text.slice(0, 200)}`)
    }
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
