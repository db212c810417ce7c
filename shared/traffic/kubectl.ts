import { ConfigError, ProviderError } from '../errors.js'
import type { Exec } from './exec.js'
import { lastLines } from './exec.js'
import { optionalString, requireString } from './transaction.js'

/** Where the Kubernetes providers' objects live; kubeconfig, context and server as kubectl takes them. */
export interface KubernetesTarget {
  namespace: string
  kubeconfig?: string
  context?: string
  /** API server address (kubectl --server); mostly for tests and unusual setups. */
  server?: string
}

export type KubeObject = Record<string, unknown> & {
  metadata?: { name?: string; namespace?: string; generation?: number; annotations?: Record<string, string> }
}

export type JsonPatchOperation =
  | { op: 'test' | 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string }

/** A kubectl call that failed; `notFound` tells a missing object or subresource from other failures. */
export class KubectlError extends ProviderError {
  constructor(
    service: string,
    call: string,
    detail: string,
    readonly notFound: boolean,
  ) {
    super(service, call, detail)
  }
}

/** Runs the real kubectl against one namespace, with argument arrays. */
export class Kubectl {
  readonly namespace: string
  private readonly flags: string[]

  constructor(
    private readonly exec: Exec,
    options: KubernetesTarget,
    private readonly service: string,
  ) {
    this.namespace = requireString(options, 'namespace', service)
    const kubeconfig = optionalString(options, 'kubeconfig', service)
    const context = optionalString(options, 'context', service)
    const server = optionalString(options, 'server', service)
    this.flags = [
      ...(kubeconfig ? [`--kubeconfig=${kubeconfig}`] : []),
      ...(context ? [`--context=${context}`] : []),
      ...(server ? [`--server=${server}`] : []),
    ]
  }

  async get(resource: string, name: string): Promise<KubeObject> {
    const stdout = await this.run(`get ${resource} ${this.namespace}/${name}`, ['get', resource, name, '-o', 'json'])
    try {
      const parsed = JSON.parse(stdout) as unknown
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as KubeObject
    } catch {
      // reported below
    }
    throw new ProviderError(this.service, `kubectl get ${resource} ${this.namespace}/${name}`, `kubectl printed something other than a JSON object: ${stdout.slice(0, 200)}`)
  }

  /** `kubectl patch` with a JSON patch (`test` ops guard the state the change was computed from). */
  async jsonPatch(resource: string, name: string, ops: JsonPatchOperation[]): Promise<void> {
    await this.run(`patch ${resource} ${this.namespace}/${name}`, ['patch', resource, name, '--type=json', '-p', JSON.stringify(ops)])
  }

  /** `kubectl patch --type=merge`, on the object or on its status subresource. */
  async mergePatch(resource: string, name: string, patch: unknown, subresource?: 'status'): Promise<void> {
    const where = subresource ? [`--subresource=${subresource}`] : []
    await this.run(`patch ${resource}${subresource ? `/${subresource}` : ''} ${this.namespace}/${name}`, ['patch', resource, name, ...where, '--type=merge', '-p', JSON.stringify(patch)])
  }

  private async run(call: string, args: string[]): Promise<string> {
    const argv = [...this.flags, '-n', this.namespace, ...args]
    let result
    try {
      result = await this.exec.run('kubectl', argv)
    } catch (error) {
      throw new ConfigError(`${this.service}: kubectl could not be run (${error instanceof Error ? error.message : String(error)}); install kubectl on the runner or put it on PATH`)
    }
    if (result.exitCode !== 0) {
      const detail = lastLines(result.stderr || result.stdout)
      throw new KubectlError(this.service, `kubectl ${call}`, detail, /\(NotFound\)|not found/i.test(result.stderr))
    }
    return result.stdout
  }
}

/** Escapes one JSON pointer token (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1')
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}
