import { ConfigError } from '../errors.js'
import { asArray, isRecord, Kubectl, type KubeObject, type KubernetesTarget } from './kubectl.js'
import type { TrafficBackend, TrafficDeps, TrafficProvider } from './types.js'
import { assertWeight, moveWeight, optionalString, requireString } from './transaction.js'
import { describePairs, pairsPercent, restoreWeightOps, setWeightOps, type WeightedPair } from './weighted-pairs.js'
import type { IstioTraffic } from '../config/policy.generated.js'
import { kubernetes, object, ref, str, variant } from '../config/schema-parts.js'

export interface IstioDestination {
  host: string
  subset?: string
}

/** `provider: istio`: the weights of two destinations in a VirtualService's http routes. */
export interface IstioOptions extends KubernetesTarget {
  virtualService: string
  stable: IstioDestination
  canary: IstioDestination
  /** Only the http route with this name; by default every http route holding both destinations. */
  routeName?: string
}

const RESOURCE = 'virtualservices.networking.istio.io'
/** Istio sends no traffic to a destination without a weight when the route has several. */
const DEFAULT_WEIGHT = 0

export function createIstioProvider(options: IstioOptions, deps: TrafficDeps): TrafficProvider {
  const kubectl = new Kubectl(deps.exec, options, 'istio')
  const name = requireString(options, 'virtualService', 'istio')
  const routeName = optionalString(options, 'routeName', 'istio')
  const stable = destination(options, 'stable')
  const canary = destination(options, 'canary')
  const object = `VirtualService ${kubectl.namespace}/${name}`
  const names = { stable: label(stable), canary: label(canary) }
  const describe = (): string => `${object} (${names.stable} / ${names.canary})`
  const readPairs = async (): Promise<WeightedPair[]> => findPairs(await kubectl.get(RESOURCE, name), object, stable, canary, routeName)

  return {
    name: 'istio',
    describe,
    async readWeight() {
      return pairsPercent(await readPairs(), DEFAULT_WEIGHT)
    },
    async setWeight(weight) {
      assertWeight(weight, 'istio')
      const pairs = await readPairs()
      return moveWeight({
        provider: 'istio',
        target: describe(),
        weight,
        previous: pairsPercent(pairs, DEFAULT_WEIGHT),
        logger: deps.logger,
        steps: [
          {
            description: describePairs(object, pairs, names, DEFAULT_WEIGHT, 100 - weight, weight).join('; '),
            apply: () => kubectl.jsonPatch(RESOURCE, name, setWeightOps(pairs, 100 - weight, weight)),
            undo: () => kubectl.jsonPatch(RESOURCE, name, restoreWeightOps(pairs)),
          },
        ],
        verify: async () => pairsPercent(await readPairs(), DEFAULT_WEIGHT),
      })
    },
  }
}

function destination(options: IstioOptions, side: 'stable' | 'canary'): IstioDestination {
  const value: unknown = options[side]
  if (!isRecord(value)) throw new ConfigError(`traffic.${side}: the istio provider needs { host, subset? }, got ${JSON.stringify(value) ?? 'nothing'}`)
  const host = requireString(value, 'host', 'istio')
  const subset = optionalString(value, 'subset', 'istio')
  return subset === undefined ? { host } : { host, subset }
}

function label(d: IstioDestination): string {
  return d.subset === undefined ? d.host : `${d.host}/${d.subset}`
}

function findPairs(vs: KubeObject, object: string, stable: IstioDestination, canary: IstioDestination, routeName: string | undefined): WeightedPair[] {
  const spec = isRecord(vs.spec) ? vs.spec : {}
  const pairs: WeightedPair[] = []
  const routes = asArray(spec.http)
  routes.forEach((http, httpIndex) => {
    if (!isRecord(http)) return
    if (routeName !== undefined && http.name !== routeName) return
    const destinations = asArray(http.route)
    const find = (wanted: IstioDestination): WeightedPair['stable'] | undefined => {
      const index = destinations.findIndex((d) => isRecord(d) && isRecord(d.destination) && matches(d.destination, wanted))
      const entry = destinations[index]
      if (index < 0 || !isRecord(entry)) return undefined
      return { index, weight: typeof entry.weight === 'number' ? entry.weight : undefined, identityPath: '/destination', identity: entry.destination }
    }
    const s = find(stable)
    const c = find(canary)
    const name = typeof http.name === 'string' ? `http route "${http.name}"` : `http route ${httpIndex}`
    if (s && c) pairs.push({ label: name, listPath: `/spec/http/${httpIndex}/route`, stable: s, canary: c })
  })
  if (pairs.length === 0) {
    const which = routeName === undefined ? 'no http route' : `no http route named "${routeName}" (traffic.routeName)`
    throw new ConfigError(`istio: ${object} has ${which} with both destinations ${label(stable)} (traffic.stable) and ${label(canary)} (traffic.canary)`)
  }
  return pairs
}

function matches(actual: Record<string, unknown>, wanted: IstioDestination): boolean {
  return actual.host === wanted.host && (actual.subset ?? undefined) === wanted.subset
}

/** `traffic: { provider: istio }`: this backend's descriptor, listed in shared/traffic/registry.ts. */
export const istioTraffic: TrafficBackend<IstioTraffic> = {
  type: 'istio',
  definition: 'istioTraffic',
  schema: variant(
    'provider',
    'istio',
    'Istio: sets the weights of two destinations in a VirtualService HTTP route.',
    {
      namespace: str('Namespace of the VirtualService.'),
      virtualService: str('Name of the VirtualService.'),
      route: str('Name of the HTTP route inside the VirtualService; every HTTP route holding both destinations when unset.'),
      stable: ref('istioDestination', 'Destination of the stable version.'),
      canary: ref('istioDestination', 'Destination of the canary version.'),
      ...kubernetes,
    },
    ['namespace', 'virtualService', 'stable', 'canary'],
  ),
  definitions: {
    istioDestination: object(
      'An Istio destination.',
      {
        host: str('Destination host (a Kubernetes Service name or FQDN).'),
        subset: str('DestinationRule subset, when both versions share a host.'),
      },
      ['host'],
    ),
  },
  create: ({ route, ...target }, deps) => createIstioProvider({ ...target, ...(route !== undefined ? { routeName: route } : {}) }, deps),
}
