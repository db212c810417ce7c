/**
 * A LaunchDarkly REST API v2 fake (shapes from LaunchDarkly's published OpenAPI description, API
 * version 20240415): `GET /api/v2/flags/{project}` (limit/offset, totalCount, environments keyed by
 * the `env` parameter) and `GET /api/v2/flag-statuses/{project}/{environment}`.
 */
import { startVendorFake, type VendorFake } from '../unleash/vendor-fake.js'

export interface LdFlagSeed {
  key: string
  temporary?: boolean
  archived?: boolean
  maintainer?: string
  variations?: unknown[]
  /** Environment key → its configuration (on, offVariation, fallthrough, rules, targets, lastModified). */
  environments: Record<string, Record<string, unknown>>
  status?: { name: 'new' | 'active' | 'inactive' | 'launched'; lastRequested?: string | null }
}

export async function startLaunchDarklyFake(token: string, project: string, flags: LdFlagSeed[]): Promise<VendorFake> {
  return startVendorFake({
    authorized: (h) => h.authorization === token && h['ld-api-version'] === '20240415',
    route: (req) => {
      const list = new RegExp(`^/api/v2/flags/${project}$`).exec(req.path)
      if (list) {
        const env = req.query.get('env')
        const limit = Number(req.query.get('limit') ?? 20)
        const offset = Number(req.query.get('offset') ?? 0)
        const items = flags.slice(offset, offset + limit).map((f) => ({
          key: f.key,
          name: f.key,
          kind: 'boolean',
          _version: 1,
          creationDate: Date.parse('2026-01-01T00:00:00Z'),
          temporary: f.temporary ?? true,
          archived: f.archived ?? false,
          deprecated: false,
          tags: [],
          variations: (f.variations ?? [true, false]).map((value, i) => ({ _id: `v${i}`, value })),
          ...(f.maintainer ? { _maintainer: { _id: 'm1', email: f.maintainer, role: 'writer' } } : {}),
          environments: env && f.environments[env] ? { [env]: { _environmentName: env, archived: false, salt: 's', sel: 'x', trackEvents: false, trackEventsFallthrough: false, _site: { href: '' }, ...f.environments[env] } } : {},
          _links: { self: { href: `/api/v2/flags/${project}/${f.key}`, type: 'application/json' } },
        }))
        return { status: 200, body: { items, totalCount: flags.length, _links: { self: { href: req.path, type: 'application/json' } } } }
      }
      const statuses = new RegExp(`^/api/v2/flag-statuses/${project}/([^/]+)$`).exec(req.path)
      if (statuses) {
        return {
          status: 200,
          body: {
            items: flags.filter((f) => f.status).map((f) => ({
              name: f.status?.name,
              lastRequested: f.status?.lastRequested ?? null,
              _links: { parent: { href: `/api/v2/flags/${project}/${f.key}`, type: 'application/json' }, self: { href: `/api/v2/flag-statuses/${project}/${statuses[1]}/${f.key}`, type: 'application/json' } },
            })),
            _links: {},
          },
        }
      }
      return undefined
    },
  })
}
