import { ConfigError } from '../errors.js'
import { asArray, isRecord, Kubectl, type KubeObject, type KubernetesTarget } from './kubectl.js'
import type { TrafficBackend, TrafficDeps, TrafficProvider } from './types.js'
import { assertWeight, moveWeight, requireString } from './transaction.js'
import { describePairs, pairsPercent, restoreWeightOps, setWeightOps, type WeightedPair } from './weighted-pairs.js'
import type { GatewayApiTraffic } from '../config/policy.generated.js'
import { kubernetes, str, variant } from '../config/schema-parts.js'

/** `provider: gateway-api`: the weights of two backendRefs of an HTTPRoute (Gateway API v1). */
export interface GatewayApiOptions extends KubernetesTarget {
  /** The HTTPRoute's name. */
  route: string
  /** backendRef name of the stable version (usually a Service). */
  stable: string
  /** backendRef name of the canary version. */
  canary: string
}

const RESOURCE = 'httproutes.gateway.networking.k8s.io'
/** Gateway API's default when a backendRef has no weight. */
const DEFAULT_WEIGHT = 1

export function createGatewayApiProvider(options: GatewayApiOptions, deps: TrafficDeps): TrafficProvider {
  const kubectl = new Kubectl(deps.exec, options, 'gateway-api')
  const route = requireString(options, 'route', 'gateway-api')
  const names = { stable: requireString(options, 'stable', 'gateway-api'), canary: requireString(options, 'canary', 'gateway-api') }
  const object = `HTTPRoute ${kubectl.namespace}/${route}`
  const describe = (): string => `${object} (backends ${names.stable} / ${names.canary})`

  const readPairs = async (): Promise<WeightedPair[]> => findPairs(await kubectl.get(RESOURCE, route), object, names)

  return {
    name: 'gateway-api',
    describe,
    async readWeight() {
      return pairsPercent(await readPairs(), DEFAULT_WEIGHT)
    },
    async setWeight(weight) {
      assertWeight(weight, 'gateway-api')
      const pairs = await readPairs()
      return moveWeight({
        provider: 'gateway-api',
        target: describe(),
        weight,
        previous: pairsPercent(pairs, DEFAULT_WEIGHT),
        logger: deps.logger,
        steps: [
          {
            description: describePairs(object, pairs, names, DEFAULT_WEIGHT, 100 - weight, weight).join('; '),
            apply: () => kubectl.jsonPatch(RESOURCE, route, setWeightOps(pairs, 100 - weight, weight)),
            undo: () => kubectl.jsonPatch(RESOURCE, route, restoreWeightOps(pairs)),
          },
        ],
        verify: async () => pairsPercent(await readPairs(), DEFAULT_WEIGHT),
      })
    },
  }
}

/** Every rule that references both backends; rules with only one of them (header matches) are left alone. */
function findPairs(httpRoute: KubeObject, object: string, names: { stable: string; canary: string }): WeightedPair[] {
  const spec = isRecord(httpRoute.spec) ? httpRoute.spec : {}
  const pairs: WeightedPair[] = []
  const seen = new Set<string>()
  asArray(spec.rules).forEach((rule, ruleIndex) => {
    const refs = isRecord(rule) ? asArray(rule.backendRefs) : []
    const find = (name: string): WeightedPair['stable'] | undefined => {
      const index = refs.findIndex((ref) => isRecord(ref) && ref.name === name)
      const ref = refs[index]
      if (index < 0 || !isRecord(ref)) return undefined
      return { index, weight: typeof ref.weight === 'number' ? ref.weight : undefined, identityPath: '/name', identity: name }
    }
    for (const ref of refs) if (isRecord(ref) && typeof ref.name === 'string') seen.add(ref.name)
    const stable = find(names.stable)
    const canary = find(names.canary)
    if (stable && canary) pairs.push({ label: `rule ${ruleIndex}`, listPath: `/spec/rules/${ruleIndex}/backendRefs`, stable, canary })
  })
  if (pairs.length === 0) {
    throw new ConfigError(
      `gateway-api: ${object} has no rule whose backendRefs include both "${names.stable}" (traffic.stable) and "${names.canary}" (traffic.canary); backendRefs found: ${[...seen].join(', ') || 'none'}`,
    )
  }
  return pairs
}

/** `traffic: { provider: gateway-api }`: this backend's descriptor, listed in shared/traffic/registry.ts. */
export const gatewayApiTraffic: TrafficBackend<GatewayApiTraffic> = {
  type: 'gateway-api',
  definition: 'gatewayApiTraffic',
  schema: variant(
    'provider',
    'gateway-api',
    'Kubernetes Gateway API: sets the weights of two backendRefs of an HTTPRoute.',
    {
      namespace: str('Namespace of the HTTPRoute.'),
      route: str('Name of the HTTPRoute.'),
      stable: str('Service name of the stable backendRef.'),
      canary: str('Service name of the canary backendRef.'),
      ...kubernetes,
    },
    ['namespace', 'route', 'stable', 'canary'],
  ),
  create: (config, deps) => createGatewayApiProvider(config, deps),
}
