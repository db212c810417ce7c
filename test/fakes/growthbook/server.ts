/**
 * A GrowthBook REST API fake (shapes from GrowthBook's published OpenAPI description, version
 * 4.4.0): `GET /api/v1/features` with limit/offset and `hasMore`/`nextOffset`, Bearer secret key.
 */
import { startVendorFake, type VendorFake } from '../unleash/vendor-fake.js'

export interface GrowthBookFeatureSeed {
  id: string
  valueType: 'boolean' | 'string' | 'number' | 'json'
  defaultValue: string
  dateUpdated: string
  owner?: string
  archived?: boolean
  environments: Record<string, { enabled: boolean; defaultValue?: string; rules?: Record<string, unknown>[] }>
}

export async function startGrowthBookFake(key: string, features: GrowthBookFeatureSeed[]): Promise<VendorFake> {
  return startVendorFake({
    authorized: (h) => h.authorization === `Bearer ${key}`,
    route: (req) => {
      if (req.path !== '/api/v1/features') return undefined
      const limit = Number(req.query.get('limit') ?? 10)
      const offset = Number(req.query.get('offset') ?? 0)
      const slice = features.slice(offset, offset + limit)
      const hasMore = offset + limit < features.length
      return {
        status: 200,
        body: {
          features: slice.map((f) => ({
            id: f.id,
            dateCreated: '2026-01-01T00:00:00Z',
            dateUpdated: f.dateUpdated,
            archived: f.archived ?? false,
            description: '',
            owner: f.owner ?? '',
            project: '',
            valueType: f.valueType,
            defaultValue: f.defaultValue,
            tags: [],
            environments: Object.fromEntries(
              Object.entries(f.environments).map(([name, env]) => [name, { enabled: env.enabled, defaultValue: env.defaultValue ?? f.defaultValue, rules: env.rules ?? [] }]),
            ),
            revision: { version: 1, comment: '', date: f.dateUpdated, publishedBy: '' },
          })),
          limit,
          offset,
          count: slice.length,
          total: features.length,
          hasMore,
          nextOffset: hasMore ? offset + limit : null,
        },
      }
    },
  })
}
