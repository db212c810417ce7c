import type { StepMirror } from '../config/mirror.js'
import { ConfigError, ProviderError } from '../errors.js'
import { asArray, isRecord, Kubectl, type KubeObject, type KubernetesTarget } from './kubectl.js'
import type { TrafficBackend, TrafficDeps, TrafficProvider } from './types.js'
import { assertWeight, moveWeight, optionalString, requireString } from './transaction.js'
import { describePairs, pairsPercent, restoreWeightOps, setWeightOps, type WeightedPair } from './weighted-pairs.js'
import type { IstioTraffic } from '../config/policy.generated.js'
import { kubernetes, object, ref, str, variant } from '../config/schema-parts.js'
import { mirrorInPlace, mirrorPatch, type MirrorLayout } from './mirror-rules.js'

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
  const routeName = optionalString(options, 'routeName', 'istio', 'route')
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
    async setWeight(weight, ctx) {
      assertWeight(weight, 'istio')
      const read = await kubectl.get(RESOURCE, name)
      const pairs = findPairs(read, object, stable, canary, routeName)
      const mirror = mirrorPatch(mirrorLayout(read, pairs, stable, canary), ctx?.mirror, (i) => `${object} http route ${i}`)
      return moveWeight({
        provider: 'istio',
        target: describe(),
        weight,
        previous: pairsPercent(pairs, DEFAULT_WEIGHT),
        logger: deps.logger,
        steps: [
          {
            description: [...describePairs(object, pairs, names, DEFAULT_WEIGHT, 100 - weight, weight), ...mirror.changes].join('; '),
            apply: () => kubectl.jsonPatch(RESOURCE, name, [...setWeightOps(pairs, 100 - weight, weight), ...mirror.apply]),
            undo: () => kubectl.jsonPatch(RESOURCE, name, [...mirror.undo, ...restoreWeightOps(pairs)]),
          },
        ],
        verify: async () => {
          const after = await kubectl.get(RESOURCE, name)
          const now = findPairs(after, object, stable, canary, routeName)
          if (!mirrorInPlace(mirrorLayout(after, now, stable, canary), ctx?.mirror)) {
            throw new ProviderError('istio', 'read-back', `${object} does not hold the mirror http routes Rollgate wrote`)
          }
          return pairsPercent(now, DEFAULT_WEIGHT)
        },
      })
    },
  }
}

function destination(options: IstioOptions, side: 'stable' | 'canary'): IstioDestination {
  const value: unknown = options[side]
  if (!isRecord(value)) throw new ConfigError(`traffic.${side}: the istio provider needs { host, subset? }, got ${JSON.stringify(value) ?? 'nothing'}`)
  const host = requireString(value, 'host', 'istio', `${side}.host`)
  const subset = optionalString(value, 'subset', 'istio', `${side}.subset`)
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
  mirrors: true,
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

/** The http routes as a mirror layout: Rollgate's copies are routes whose `mirror` is the canary destination. */
function mirrorLayout(vs: KubeObject, pairs: WeightedPair[], stable: IstioDestination, canary: IstioDestination): MirrorLayout {
  const spec = isRecord(vs.spec) ? vs.spec : {}
  return {
    listPath: '/spec/http',
    entries: asArray(spec.http),
    pairIndices: pairs.map((p) => Number(p.listPath.split('/')[3])),
    isMirror: (http) => isRecord(http) && isRecord(http.mirror) && matches(http.mirror, canary),
    build: (http, mirror) => mirrorRoute(http, mirror, stable, canary),
    identity: (copy) => [{ path: '/mirror', value: isRecord(copy) ? copy.mirror : undefined }],
  }
}

/**
 * The copy of a weighted http route that mirrors: named `<name>-mirror`, its matches narrowed to the
 * methods (`method: { exact }`; a match with another method condition is dropped), every request to
 * the stable destination, `mirror` to the canary and `mirrorPercentage`.
 */
function mirrorRoute(http: unknown, mirror: StepMirror, stable: IstioDestination, canary: IstioDestination): unknown {
  if (!isRecord(http)) return undefined
  const stableEntry = asArray(http.route).find((d) => isRecord(d) && isRecord(d.destination) && matches(d.destination, stable))
  const canaryEntry = asArray(http.route).find((d) => isRecord(d) && isRecord(d.destination) && matches(d.destination, canary))
  if (!isRecord(stableEntry) || !isRecord(canaryEntry) || !isRecord(stableEntry.destination) || !isRecord(canaryEntry.destination)) return undefined
  const written = asArray(http.match).filter(isRecord)
  const match = (written.length > 0 ? written : [{}]).flatMap((m) => {
    if (m.method === undefined) return mirror.methods.map((method) => ({ ...m, method: { exact: method } }))
    const exact = isRecord(m.method) ? m.method.exact : undefined
    return typeof exact === 'string' && mirror.methods.includes(exact) ? [m] : []
  })
  if (match.length === 0) return undefined
  const { name, match: _m, route: _r, mirror: _mi, mirrors: _ms, mirrorPercentage: _p, mirror_percent: _mp, ...rest } = http
  return {
    ...(typeof name === 'string' ? { name: `${name}-mirror` } : {}),
    ...rest,
    match,
    route: [{ destination: stableEntry.destination }],
    mirror: canaryEntry.destination,
    mirrorPercentage: { value: mirror.percent },
  }
}
