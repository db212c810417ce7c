import { describe, expect, it } from 'vitest'
import { listAll, type DeploymentsPort } from '../../shared/github/ports.js'

type Item = { id: number }

/** A list endpoint over `total` items that answers like GitHub, with or without a Link header. */
function pages(total: number, withLink: boolean) {
  const calls: { per_page: number; page: number }[] = []
  const list = async (params: { per_page: number; page: number }) => {
    calls.push({ per_page: params.per_page, page: params.page })
    const data: Item[] = Array.from({ length: total }, (_, i) => ({ id: i + 1 })).slice((params.page - 1) * params.per_page, params.page * params.per_page)
    const more = params.page * params.per_page < total
    return { data, headers: withLink && more ? { link: `<https://api.github.com/x?page=${params.page + 1}>; rel="next"` } : {} }
  }
  return { list, calls }
}

describe('listAll', () => {
  it.each([
    { total: 0, withLink: true, requests: 1 },
    { total: 100, withLink: true, requests: 1 },
    { total: 250, withLink: true, requests: 3 },
  ])('reads $total items in $requests requests', async ({ total, withLink, requests }) => {
    const { list, calls } = pages(total, withLink)
    const items = await listAll(list, {})
    expect(items.map((i) => i.id)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    expect(calls).toHaveLength(requests)
    expect(calls.every((c) => c.per_page === 100)).toBe(true)
  })

  it('stops when a page has no rel="next" link', async () => {
    const { list, calls } = pages(250, false)
    expect(await listAll(list, {})).toHaveLength(100)
    expect(calls).toHaveLength(1)
  })

  it('stops at maxPages and at the first item `until` accepts', async () => {
    expect(await listAll(pages(500, true).list, {}, { maxPages: 2 })).toHaveLength(200)
    const { list, calls } = pages(500, true)
    expect((await listAll(list, {}, { until: (i: Item) => i.id === 150 })).at(-1)).toEqual({ id: 150 })
    expect(calls).toHaveLength(2)
  })

  it('takes items out of an object body', async () => {
    const list = async () => ({ data: { total_count: 1, check_runs: [{ id: 7 }] }, headers: {} })
    expect(await listAll(list, {}, { items: (d) => d.check_runs })).toEqual([{ id: 7 }])
  })

  it('accepts a small hand-written fake for a port', async () => {
    // A port is only the call signatures, so a test can hand a module this instead of an Octokit.
    const port: Pick<DeploymentsPort['repos'], 'listDeployments'> = {
      listDeployments: async () => ({ status: 200, url: '', headers: {}, data: [] }),
    }
    expect(await listAll(port.listDeployments, { owner: 'a', repo: 'b' })).toEqual([])
  })
})
