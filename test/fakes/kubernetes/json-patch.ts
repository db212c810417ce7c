/**
 * RFC 6902 JSON Patch and RFC 7386 JSON Merge Patch, as the fake API server applies them.
 * A failed `test` or a missing path throws PatchError, which the server turns into a 422.
 */
export class PatchError extends Error {
  override readonly name = 'PatchError'
}

export type JsonPatchOp =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string }

type Container = Record<string, unknown> | unknown[]

export function applyJsonPatch(document: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations')
  let doc = structuredClone(document)
  for (const raw of ops as JsonPatchOp[]) {
    const op = raw as JsonPatchOp
    switch (op.op) {
      case 'add':
        doc = add(doc, op.path, structuredClone(op.value))
        break
      case 'remove':
        remove(doc, op.path)
        break
      case 'replace':
        if (op.path === '') {
          doc = structuredClone(op.value)
          break
        }
        get(doc, op.path)
        remove(doc, op.path)
        doc = add(doc, op.path, structuredClone(op.value))
        break
      case 'test': {
        const actual = get(doc, op.path)
        if (!deepEqual(actual, op.value)) {
          throw new PatchError(`testing value ${op.path} failed: expected ${JSON.stringify(op.value)}, found ${JSON.stringify(actual)}`)
        }
        break
      }
      case 'move': {
        const value = get(doc, op.from)
        remove(doc, op.from)
        doc = add(doc, op.path, value)
        break
      }
      case 'copy':
        doc = add(doc, op.path, structuredClone(get(doc, op.from)))
        break
      default:
        throw new PatchError(`unknown JSON patch operation ${JSON.stringify((raw as { op?: unknown }).op)}`)
    }
  }
  return doc
}

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch)
  const result: Record<string, unknown> = isObject(target) ? structuredClone(target) : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key]
    else result[key] = applyMergePatch(result[key], value)
  }
  return result
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (isObject(value)) {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]))
  }
  return value
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function tokens(path: string): string[] {
  if (path === '') return []
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer ${JSON.stringify(path)}`)
  return path.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
}

function get(doc: unknown, path: string): unknown {
  let current: unknown = doc
  for (const token of tokens(path)) {
    if (Array.isArray(current)) {
      const index = Number(token)
      if (!/^\d+$/.test(token) || index >= current.length) throw new PatchError(`path ${path} does not exist`)
      current = current[index]
    } else if (isObject(current) && Object.hasOwn(current, token)) {
      current = current[token]
    } else {
      throw new PatchError(`path ${path} does not exist`)
    }
  }
  return current
}

function parentOf(doc: unknown, path: string): { parent: Container; key: string } {
  const all = tokens(path)
  const key = all.pop()
  if (key === undefined) throw new PatchError('the root cannot be the target here')
  const parent = get(doc, all.length === 0 ? '' : `/${all.map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`)
  if (!Array.isArray(parent) && !isObject(parent)) throw new PatchError(`parent of ${path} is not a container`)
  return { parent, key }
}

function add(doc: unknown, path: string, value: unknown): unknown {
  if (path === '') return value
  const { parent, key } = parentOf(doc, path)
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key)
    if (!Number.isInteger(index) || index > parent.length) throw new PatchError(`index ${key} out of range in ${path}`)
    parent.splice(index, 0, value)
  } else {
    parent[key] = value
  }
  return doc
}

function remove(doc: unknown, path: string): void {
  const { parent, key } = parentOf(doc, path)
  if (Array.isArray(parent)) {
    const index = Number(key)
    if (!Number.isInteger(index) || index >= parent.length) throw new PatchError(`path ${path} does not exist`)
    parent.splice(index, 1)
  } else {
    if (!Object.hasOwn(parent, key)) throw new PatchError(`path ${path} does not exist`)
    delete parent[key]
  }
}
