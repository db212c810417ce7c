/**
 * A Flagsmith admin API v1 fake (shapes from Flagsmith's published OpenAPI description of /api/v1):
 * `GET /api/v1/projects/{id}/features/?environment=` paginated (`count`, `next`, `results`) and
 * `GET /api/v1/projects/{id}/tags/`, with `Authorization: Api-Key <key>`.
 */
import { startVendorFake, type VendorFake } from '../unleash/vendor-fake.js'

export interface FlagsmithFeatureSeed {
  name: string
  enabled: boolean
  value?: string | number | null
  updatedAt: string
  stale?: boolean
  segmentOverrides?: number
  owner?: string
}

export async function startFlagsmithFake(key: string, project: number, environment: number, features: FlagsmithFeatureSeed[], pageSize = 2): Promise<VendorFake> {
  const fake: VendorFake = await startVendorFake({
    authorized: (h) => h.authorization === `Api-Key ${key}`,
    route: (req) => {
      if (req.path === `/api/v1/projects/${project}/tags/`) {
        return { status: 200, body: { count: 1, next: null, previous: null, results: [{ id: 7, label: 'Stale', color: '#aaa', description: '', project, is_system_tag: true, is_permanent: false, type: 'STALE' }] } }
      }
      if (req.path === `/api/v1/projects/${project}/features/`) {
        if (Number(req.query.get('environment')) !== environment) return { status: 200, body: { count: features.length, next: null, previous: null, results: [] } }
        const page = Number(req.query.get('page') ?? 1)
        const slice = features.slice((page - 1) * pageSize, page * pageSize)
        const next = page * pageSize < features.length ? `${fake.url}/api/v1/projects/${project}/features/?environment=${environment}&page=${page + 1}` : null
        return {
          status: 200,
          body: {
            count: features.length,
            next,
            previous: null,
            results: slice.map((f, i) => ({
              id: i + 1,
              name: f.name,
              type: 'STANDARD',
              created_date: '2026-01-01T00:00:00Z',
              is_archived: false,
              tags: f.stale ? [7] : [],
              owners: f.owner ? [{ id: 1, email: f.owner }] : [],
              num_segment_overrides: f.segmentOverrides ?? 0,
              num_identity_overrides: 0,
              environment_feature_state: { id: 100 + i, enabled: f.enabled, feature_state_value: f.value ?? null, updated_at: f.updatedAt, environment },
            })),
          },
        }
      }
      return undefined
    },
  })
  return fake
}
