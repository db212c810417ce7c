/**
 * A small HTTP server for the flag vendors' fakes (LaunchDarkly, Flagsmith, GrowthBook and the bad
 * answers of Unleash): 127.0.0.1, port 0, an auth check, routes answering JSON, and injected faults
 * (a status, garbage instead of JSON, a delay past the client's timeout).
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

export type VendorFault = { status: number; body?: string } | { garbage: true } | { delayMs: number }

export interface VendorRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
}

export type Route = (req: VendorRequest) => { status: number; body: unknown } | undefined

export interface VendorFake {
  url: string
  requests: VendorRequest[]
  faults: VendorFault[]
  close(): Promise<void>
}

export async function startVendorFake(options: { authorized: (headers: IncomingMessage['headers']) => boolean; route: Route }): Promise<VendorFake> {
  const requests: VendorRequest[] = []
  const faults: VendorFault[] = []
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const request: VendorRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers }
    requests.push(request)
    const send = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(body)
    }
    const fault = faults.shift()
    if (fault && 'delayMs' in fault) {
      const timer = setTimeout(() => send(200, '{}'), fault.delayMs)
      res.on('close', () => clearTimeout(timer))
      return
    }
    if (fault && 'garbage' in fault) return send(200, '<html>502 Bad Gateway</html>')
    if (fault) return send(fault.status, fault.body ?? JSON.stringify({ message: `injected ${fault.status}` }))
    if (!options.authorized(req.headers)) return send(401, JSON.stringify({ message: 'Unauthorized' }))
    const answer = options.route(request)
    if (!answer) return send(404, JSON.stringify({ message: `no route ${request.method} ${request.path}` }))
    send(answer.status, JSON.stringify(answer.body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
