import type { StepMirror } from '../config/mirror.js'
import { ConfigError, ProviderError } from '../errors.js'
import { asArray, isRecord, Kubectl, type KubeObject, type KubernetesTarget } from './kubectl.js'
import type { TrafficBackend, TrafficDeps, TrafficProvider } from './types.js'
import { assertWeight, moveWeight, requireString } from './transaction.js'
import { describePairs, pairsPercent, restoreWeightOps, setWeightOps, type WeightedPair } from './weighted-pairs.js'
import type { GatewayApiTraffic } from '../config/policy.generated.js'
import { kubernetes, str, variant } from '../config/schema-parts.js'
import { mirrorInPlace, mirrorPatch, type MirrorLayout } from './mirror-rules.js'

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
    async setWeight(weight, ctx) {
      assertWeight(weight, 'gateway-api')
      const read = await kubectl.get(RESOURCE, route)
      const pairs = findPairs(read, object, names)
      const mirror = mirrorPatch(mirrorLayout(read, pairs, names.canary), ctx?.mirror, (i) => `${object} rule ${i}`)
      return moveWeight({
        provider: 'gateway-api',
        target: describe(),
        weight,
        previous: pairsPercent(pairs, DEFAULT_WEIGHT),
        logger: deps.logger,
        steps: [
          {
            description: [...describePairs(object, pairs, names, DEFAULT_WEIGHT, 100 - weight, weight), ...mirror.changes].join('; '),
            apply: () => kubectl.jsonPatch(RESOURCE, route, [...setWeightOps(pairs, 100 - weight, weight), ...mirror.apply]),
            undo: () => kubectl.jsonPatch(RESOURCE, route, [...mirror.undo, ...restoreWeightOps(pairs)]),
          },
        ],
        verify: async () => {
          const after = await kubectl.get(RESOURCE, route)
          const now = findPairs(after, object, names)
          if (!mirrorInPlace(mirrorLayout(after, now, names.canary), ctx?.mirror)) {
            throw new ProviderError(
              'gateway-api',
              'read-back',
              `${object} does not hold the RequestMirror rules Rollgate wrote` +
                (ctx?.mirror ? ' (an HTTPRoute CRD without requestMirror.percent and .fraction, GEP-3171: before Gateway API v1.3 on the standard channel or v1.2 on the experimental one, prunes them, which would mirror every request)' : ''),
            )
          }
          return pairsPercent(now, DEFAULT_WEIGHT)
        },
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
  mirrors: true,
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

/** The rules as a mirror layout: Rollgate's copies are rules whose RequestMirror filter names the canary. */
function mirrorLayout(httpRoute: KubeObject, pairs: WeightedPair[], canary: string): MirrorLayout {
  const spec = isRecord(httpRoute.spec) ? httpRoute.spec : {}
  return {
    listPath: '/spec/rules',
    entries: asArray(spec.rules),
    pairIndices: pairs.map((p) => Number(p.listPath.split('/')[3])),
    isMirror: (rule) =>
      isRecord(rule) &&
      asArray(rule.filters).some((f) => isRecord(f) && f.type === 'RequestMirror' && isRecord(f.requestMirror) && isRecord(f.requestMirror.backendRef) && f.requestMirror.backendRef.name === canary),
    build: (rule, mirror) => mirrorRule(rule, mirror, canary),
    identity: (copy) => {
      const last = asArray(isRecord(copy) ? copy.filters : undefined).length - 1
      return [
        { path: `/filters/${last}/type`, value: 'RequestMirror' },
        { path: `/filters/${last}/requestMirror/backendRef/name`, value: canary },
      ]
    },
  }
}

/**
 * The copy of a weighted rule that mirrors: its matches narrowed to the methods (a match naming
 * another method is dropped), its filters plus RequestMirror to the canary backendRef, and the
 * stable backendRef alone. Integer percentages use `percent`, others a `fraction` of 10,000; 100
 * writes neither, which every Gateway API version reads as all requests.
 */
function mirrorRule(rule: unknown, mirror: StepMirror, canary: string): unknown {
  if (!isRecord(rule)) return undefined
  const refs = asArray(rule.backendRefs).filter(isRecord)
  const canaryRef = refs.find((r) => r.name === canary)
  const stableRef = refs.find((r) => r.name !== canary)
  if (!canaryRef || !stableRef) return undefined
  const written = asArray(rule.matches).filter(isRecord)
  const matches = (written.length > 0 ? written : [{}]).flatMap((m) =>
    typeof m.method === 'string' ? (mirror.methods.includes(m.method) ? [m] : []) : mirror.methods.map((method) => ({ ...m, method })),
  )
  if (matches.length === 0) return undefined
  const { name: _name, matches: _m, filters, backendRefs: _b, ...rest } = rule
  const backendRef = pick(canaryRef, ['group', 'kind', 'name', 'namespace', 'port'])
  const share =
    mirror.percent >= 100 ? {} : Number.isInteger(mirror.percent) ? { percent: mirror.percent } : { fraction: { numerator: Math.round(mirror.percent * 100), denominator: 10_000 } }
  const { weight: _w, ...stable } = stableRef
  return { ...rest, matches, filters: [...asArray(filters), { type: 'RequestMirror', requestMirror: { backendRef, ...share } }], backendRefs: [stable] }
}

function pick(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => record[k] !== undefined).map((k) => [k, record[k]]))
}
