import { ConfigError } from '../errors.js'
import { isRecord, Kubectl, pointerToken, type JsonPatchOperation, type KubeObject, type KubernetesTarget } from './kubectl.js'
import type { TrafficBackend, TrafficDeps, TrafficProvider } from './types.js'
import { assertWeight, moveWeight, requireString } from './transaction.js'
import type { NginxIngressTraffic } from '../config/policy.generated.js'
import { kubernetes, str, variant } from '../config/schema-parts.js'

/** `provider: nginx-ingress`: the canary annotations of the canary Ingress (ingress-nginx). */
export interface NginxIngressOptions extends KubernetesTarget {
  /** The canary Ingress (the one carrying `nginx.ingress.kubernetes.io/canary: "true"`). */
  ingress: string
}

const RESOURCE = 'ingresses.networking.k8s.io'
export const CANARY = 'nginx.ingress.kubernetes.io/canary'
export const CANARY_WEIGHT = 'nginx.ingress.kubernetes.io/canary-weight'
export const CANARY_WEIGHT_TOTAL = 'nginx.ingress.kubernetes.io/canary-weight-total'

interface CanaryAnnotations {
  hasAnnotations: boolean
  canary: string | undefined
  weight: string | undefined
  /** ingress-nginx's canary-weight-total: weights are out of this (default 100). */
  total: number
}

export function createNginxIngressProvider(options: NginxIngressOptions, deps: TrafficDeps): TrafficProvider {
  const kubectl = new Kubectl(deps.exec, options, 'nginx-ingress')
  const name = requireString(options, 'ingress', 'nginx-ingress')
  const object = `Ingress ${kubectl.namespace}/${name}`
  const describe = (): string => `${object} (canary annotations)`
  const read = async (): Promise<CanaryAnnotations> => annotationsOf(await kubectl.get(RESOURCE, name), object)

  return {
    name: 'nginx-ingress',
    describe,
    async readWeight() {
      return percentOf(await read())
    },
    async setWeight(weight) {
      assertWeight(weight, 'nginx-ingress')
      const before = await read()
      const value = (weight * before.total) / 100
      if (!Number.isInteger(value)) {
        throw new ConfigError(`nginx-ingress: ${object} has ${CANARY_WEIGHT_TOTAL}: "${before.total}", which cannot express ${weight}% as a whole canary-weight`)
      }
      return moveWeight({
        provider: 'nginx-ingress',
        target: describe(),
        weight,
        previous: percentOf(before),
        logger: deps.logger,
        steps: [
          {
            description: `${object}: ${CANARY}=${before.canary ?? '(unset)'}→true, ${CANARY_WEIGHT}=${before.weight ?? '(unset)'}→${value}`,
            apply: () => kubectl.jsonPatch(RESOURCE, name, setOps(before, String(value))),
            undo: () => kubectl.jsonPatch(RESOURCE, name, restoreOps(before)),
          },
        ],
        verify: async () => percentOf(await read()),
      })
    },
  }
}

const path = (annotation: string): string => `/metadata/annotations/${pointerToken(annotation)}`

function setOps(before: CanaryAnnotations, weight: string): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = []
  if (!before.hasAnnotations) ops.push({ op: 'add', path: '/metadata/annotations', value: {} })
  if (before.canary !== undefined) ops.push({ op: 'test', path: path(CANARY), value: before.canary })
  ops.push({ op: 'add', path: path(CANARY), value: 'true' })
  if (before.weight !== undefined) ops.push({ op: 'test', path: path(CANARY_WEIGHT), value: before.weight })
  ops.push({ op: 'add', path: path(CANARY_WEIGHT), value: weight })
  return ops
}

function restoreOps(before: CanaryAnnotations): JsonPatchOperation[] {
  const put = (annotation: string, value: string | undefined): JsonPatchOperation =>
    value === undefined ? { op: 'remove', path: path(annotation) } : { op: 'add', path: path(annotation), value }
  return [put(CANARY, before.canary), put(CANARY_WEIGHT, before.weight)]
}

function annotationsOf(ingress: KubeObject, object: string): CanaryAnnotations {
  const raw = ingress.metadata?.annotations
  const annotations = isRecord(raw) ? raw : {}
  const text = (key: string): string | undefined => (typeof annotations[key] === 'string' ? annotations[key] : undefined)
  const totalText = text(CANARY_WEIGHT_TOTAL)
  const total = totalText === undefined ? 100 : Number(totalText)
  if (!Number.isInteger(total) || total <= 0) throw new ConfigError(`nginx-ingress: ${object} has ${CANARY_WEIGHT_TOTAL}: ${JSON.stringify(totalText)}; expected a positive whole number`)
  return { hasAnnotations: isRecord(raw), canary: text(CANARY), weight: text(CANARY_WEIGHT), total }
}

/** Without `canary: "true"` the Ingress is not a canary and ingress-nginx's split cannot be told. */
function percentOf(a: CanaryAnnotations): number | undefined {
  if (a.canary !== 'true') return undefined
  if (a.weight === undefined) return 0
  const weight = Number(a.weight)
  if (!Number.isFinite(weight)) return undefined
  return Math.round((Math.min(weight, a.total) * 10_000) / a.total) / 100
}

/** `traffic: { provider: nginx-ingress }`: this backend's descriptor, listed in shared/traffic/registry.ts. */
export const nginxIngressTraffic: TrafficBackend<NginxIngressTraffic> = {
  type: 'nginx-ingress',
  definition: 'nginxIngressTraffic',
  schema: variant(
    'provider',
    'nginx-ingress',
    'ingress-nginx: sets `nginx.ingress.kubernetes.io/canary-weight` on the canary Ingress.',
    {
      namespace: str('Namespace of the Ingress.'),
      ingress: str('Name of the canary Ingress (the one annotated `canary: "true"`).'),
      ...kubernetes,
    },
    ['namespace', 'ingress'],
  ),
  create: (config, deps) => createNginxIngressProvider(config, deps),
}
