import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { applyJsonPatch, applyMergePatch, deepEqual, PatchError } from './json-patch.js'

/**
 * A minimal Kubernetes API server for driving the real `kubectl`: legacy discovery (`/api`, `/apis`,
 * `/apis/<group>/<version>`), `/version`, and GET/PATCH on the resources Rollgate's traffic
 * providers touch. Every request is recorded so tests can assert exactly what kubectl sent.
 * Strategic merge patches are applied as merge patches (enough for these custom resources).
 */

export interface ResourceType {
  group: string
  version: string
  plural: string
  singular: string
  kind: string
  shortNames?: string[]
  /** Whether `/status` is a subresource: the main endpoint then ignores status changes. */
  statusSubresource: boolean
}

export const RESOURCE_TYPES = {
  httproutes: { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', singular: 'httproute', kind: 'HTTPRoute', statusSubresource: true },
  virtualservices: { group: 'networking.istio.io', version: 'v1', plural: 'virtualservices', singular: 'virtualservice', kind: 'VirtualService', shortNames: ['vs'], statusSubresource: true },
  ingresses: { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', singular: 'ingress', kind: 'Ingress', shortNames: ['ing'], statusSubresource: true },
  rollouts: { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts', singular: 'rollout', kind: 'Rollout', shortNames: ['ro'], statusSubresource: true },
} as const satisfies Record<string, ResourceType>

export type ResourcePlural = keyof typeof RESOURCE_TYPES

export interface RecordedRequest {
  method: string
  /** Path without the query string. */
  path: string
  query: Record<string, string>
  contentType: string | undefined
  body: string
  status: number
}

export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace: string; resourceVersion?: string; generation?: number; [key: string]: unknown }
  spec?: unknown
  status?: unknown
  [key: string]: unknown
}

/** Runs after a PATCH is stored: mutate `object` to play a controller or a mutating webhook. */
export type PatchHook = (event: { plural: ResourcePlural; subresource: string | undefined; object: KubeObject; request: RecordedRequest }) => void

export class FakeKubernetes {
  readonly requests: RecordedRequest[] = []
  private readonly objects = new Map<string, KubeObject>()
  private hooks: PatchHook[] = []
  private readonly withoutStatus = new Set<string>()
  private resourceVersion = 1000

  private readonly server: Server
  url = ''

  private constructor() {
    this.server = createServer((req, res) => void this.handle(req, res))
  }

  static async start(): Promise<FakeKubernetes> {
    const fake = new FakeKubernetes()
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve))
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`
    return fake
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /** Stores (or replaces) an object; its plural is found from apiVersion and kind. */
  put(object: KubeObject): void {
    const type = Object.values(RESOURCE_TYPES).find((t) => `${t.group}/${t.version}` === object.apiVersion && t.kind === object.kind)
    if (!type) throw new Error(`fake kubernetes: no resource type for ${object.apiVersion} ${object.kind}`)
    const stored = structuredClone(object)
    stored.metadata.resourceVersion = String(++this.resourceVersion)
    stored.metadata.generation ??= 1
    this.objects.set(key(type.plural, object.metadata.namespace, object.metadata.name), stored)
  }

  get(plural: ResourcePlural, namespace: string, name: string): KubeObject {
    const object = this.objects.get(key(plural, namespace, name))
    if (!object) throw new Error(`fake kubernetes: no ${plural} ${namespace}/${name}`)
    return structuredClone(object)
  }

  /** Serves a type without its status subresource, as CRDs installed without it (Argo Rollouts < v0.10) do. */
  disableStatusSubresource(plural: ResourcePlural): void {
    this.withoutStatus.add(plural)
  }

  onPatch(hook: PatchHook): void {
    this.hooks.push(hook)
  }

  /** The PATCH requests received, with their bodies parsed. */
  patches(): { path: string; contentType: string | undefined; body: unknown }[] {
    return this.requests
      .filter((r) => r.method === 'PATCH')
      .map((r) => ({ path: r.path, contentType: r.contentType, body: JSON.parse(r.body) as unknown }))
  }

  /** Forgets recorded requests, patch hooks, holds and denials (objects stay). */
  reset(): void {
    this.requests.length = 0
    this.hooks = []
    this.holds = []
    this.denials = []
  }

  /**
   * Refuses requests before they are applied, as RBAC or a validating admission webhook does: when
   * `fn` returns a denial, the request is answered with that Status and changes nothing.
   */
  deny(fn: (request: RecordedRequest) => { code: number; reason: string; message: string } | undefined): void {
    this.denials.push(fn)
  }

  private denials: ((request: RecordedRequest) => { code: number; reason: string; message: string } | undefined)[] = []

  /**
   * Holds a request before it is applied or after (the change stored, no answer yet) while the
   * returned promise is pending: crash tests kill the client meanwhile. 'drop' waits for the
   * client's connection to close and answers nothing (a 'before' request is then never applied).
   */
  hold(fn: (request: RecordedRequest, phase: 'before' | 'after') => Promise<'drop' | void> | undefined): void {
    this.holds.push(fn)
  }

  private holds: ((request: RecordedRequest, phase: 'before' | 'after') => Promise<'drop' | void> | undefined)[] = []

  private async held(request: RecordedRequest, phase: 'before' | 'after', req: IncomingMessage): Promise<boolean> {
    for (const fn of this.holds) {
      const pending = fn(request, phase)
      if (!pending) continue
      if ((await pending) !== 'drop') return false
      if (!req.socket.destroyed) await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5_000)
        req.socket.once('close', () => (clearTimeout(timer), resolve()))
      })
      req.socket.destroy()
      return true
    }
    return false
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const url = new URL(req.url ?? '/', this.url)
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'],
      body: Buffer.concat(chunks).toString('utf8'),
      status: 0,
    }
    this.requests.push(record)
    if (await this.held(record, 'before', req)) return
    const denial = this.denials.map((fn) => fn(record)).find((d) => d !== undefined)
    const { status, body } = denial ? failure(denial.code, denial.reason, denial.message) : this.route(record)
    record.status = status
    if (await this.held(record, 'after', req)) return
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  private hasStatus(type: ResourceType): boolean {
    return type.statusSubresource && !this.withoutStatus.has(type.plural)
  }

  private route(request: RecordedRequest): { status: number; body: unknown } {
    const { method, path } = request
    if (method === 'GET' && path === '/version') {
      return ok({ major: '1', minor: '32', gitVersion: 'v1.32.0-rollgate-fake', platform: 'linux/amd64' })
    }
    if (method === 'GET' && path === '/api') {
      return ok({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: this.url.slice('http://'.length) }] })
    }
    if (method === 'GET' && path === '/api/v1') {
      return ok({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: [] })
    }
    if (method === 'GET' && path === '/apis') return ok(this.groupList())
    const groupVersion = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path)
    if (method === 'GET' && groupVersion) {
      const resources = Object.values(RESOURCE_TYPES).filter((t) => t.group === groupVersion[1] && t.version === groupVersion[2])
      if (resources.length === 0) return failure(404, 'NotFound', `the server could not find the requested resource`)
      return ok(resourceList(resources, (t) => this.hasStatus(t)))
    }
    const item = /^\/apis\/([^/]+)\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?$/.exec(path)
    if (!item) return failure(404, 'NotFound', 'the server could not find the requested resource')
    const [, group, version, namespace = '', plural = '', name, subresource] = item
    const type = Object.values(RESOURCE_TYPES).find((t) => t.group === group && t.version === version && t.plural === plural)
    if (!type) return failure(404, 'NotFound', 'the server could not find the requested resource')
    if (name === undefined) {
      if (method !== 'GET') return failure(405, 'MethodNotAllowed', `${method} is not supported here`)
      const items = [...this.objects.entries()].filter(([k]) => k.startsWith(`${plural}/${namespace}/`)).map(([, o]) => o)
      return ok({ apiVersion: `${group}/${version}`, kind: `${type.kind}List`, metadata: { resourceVersion: String(this.resourceVersion) }, items })
    }
    if (subresource !== undefined && !(subresource === 'status' && this.hasStatus(type))) {
      return failure(404, 'NotFound', 'the server could not find the requested resource')
    }
    const stored = this.objects.get(key(type.plural, namespace, name))
    if (!stored) return failure(404, 'NotFound', `${type.plural}.${type.group} "${name}" not found`, { name, group: type.group, kind: type.plural })
    if (method === 'GET') return ok(stored)
    if (method === 'PATCH') return this.patch(type, stored, subresource, request)
    return failure(405, 'MethodNotAllowed', `${method} is not supported by this fake`)
  }

  private patch(type: ResourceType, stored: KubeObject, subresource: string | undefined, request: RecordedRequest): { status: number; body: unknown } {
    let patched: KubeObject
    try {
      const body = JSON.parse(request.body) as unknown
      const contentType = (request.contentType ?? '').split(';')[0]
      if (contentType === 'application/json-patch+json') patched = applyJsonPatch(stored, body) as KubeObject
      else if (contentType === 'application/merge-patch+json' || contentType === 'application/strategic-merge-patch+json') {
        patched = applyMergePatch(stored, body) as KubeObject
      } else return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`)
    } catch (error) {
      if (error instanceof PatchError || error instanceof SyntaxError) {
        return failure(422, 'Invalid', `the server rejected our request due to an error in our request: ${error.message}`)
      }
      throw error
    }
    let next: KubeObject
    if (subresource === 'status') {
      next = structuredClone(stored)
      if (patched.status === undefined) delete next.status
      else next.status = patched.status
    } else {
      next = patched
      next.metadata = { ...patched.metadata, name: stored.metadata.name, namespace: stored.metadata.namespace }
      if (this.hasStatus(type)) {
        if (stored.status === undefined) delete next.status
        else next.status = structuredClone(stored.status)
      }
      if (!deepEqual(stored.spec, next.spec)) next.metadata.generation = (stored.metadata.generation ?? 1) + 1
    }
    next.metadata.resourceVersion = String(++this.resourceVersion)
    const plural = type.plural as ResourcePlural
    for (const hook of this.hooks) hook({ plural, subresource, object: next, request })
    this.objects.set(key(plural, stored.metadata.namespace, stored.metadata.name), next)
    return ok(next)
  }

  private groupList(): unknown {
    const groups = new Map<string, string[]>()
    for (const t of Object.values(RESOURCE_TYPES)) groups.set(t.group, [...new Set([...(groups.get(t.group) ?? []), t.version])])
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups].map(([name, versions]) => ({
        name,
        versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
        preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
      })),
    }
  }
}

function resourceList(types: ResourceType[], hasStatus: (type: ResourceType) => boolean): unknown {
  const first = types[0]
  const verbs = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch']
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: `${first?.group}/${first?.version}`,
    resources: types.flatMap((t) => [
      { name: t.plural, singularName: t.singular, namespaced: true, kind: t.kind, verbs, ...(t.shortNames ? { shortNames: t.shortNames } : {}) },
      ...(hasStatus(t) ? [{ name: `${t.plural}/status`, singularName: '', namespaced: true, kind: t.kind, verbs: ['get', 'patch', 'update'] }] : []),
    ]),
  }
}

function key(plural: string, namespace: string, name: string): string {
  return `${plural}/${namespace}/${name}`
}

function ok(body: unknown): { status: number; body: unknown } {
  return { status: 200, body }
}

function failure(code: number, reason: string, message: string, details?: unknown): { status: number; body: unknown } {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code } }
}
