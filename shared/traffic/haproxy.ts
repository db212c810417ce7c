import { createConnection } from 'node:net'
import { ConfigError, ProviderError } from '../errors.js'
import type { StableState, TrafficBackend, TrafficDeps, TrafficProvider } from './types.js'
import { assertWeight, canaryPercent, moveWeight, requireString } from './transaction.js'
import type { HaproxyTraffic } from '../config/policy.generated.js'
import { str, variant } from '../config/schema-parts.js'

/**
 * `provider: haproxy`: the weights of two servers of one backend, through HAProxy's runtime API
 * (`set server <backend>/<server> weight N`). The stats socket needs `level admin`, and the
 * backend a dynamic algorithm (roundrobin, leastconn, random) for weights to change at run time.
 */
export interface HaproxyOptions {
  /** The runtime API: a unix socket path (`/run/haproxy/admin.sock`) or `host:port` of a TCP stats socket. */
  socket: string
  /** The policy key `socket` came from (`socket` or `address`), so errors name what the user wrote. */
  socketKey?: 'socket' | 'address'
  backend: string
  stableServer: string
  canaryServer: string
}

type RuntimeAddress = { path: string } | { host: string; port: number }

const TIMEOUT_MS = 5_000

export function createHaproxyProvider(options: HaproxyOptions, deps: TrafficDeps): TrafficProvider {
  const socketKey = options.socketKey ?? 'socket'
  const address = parseAddress(requireString(options, 'socket', 'haproxy', socketKey), socketKey)
  const backend = requireString(options, 'backend', 'haproxy')
  const stable = requireString(options, 'stableServer', 'haproxy', 'stable')
  const canary = requireString(options, 'canaryServer', 'haproxy', 'canary')
  const where = 'path' in address ? address.path : `${address.host}:${address.port}`
  const describe = (): string => `HAProxy backend ${backend} (servers ${stable} / ${canary}) via ${where}`

  const getWeight = async (server: string): Promise<number> => {
    const command = `get weight ${backend}/${server}`
    const reply = await runtimeCommand(address, command)
    const match = /^(\d+) \(initial \d+\)/.exec(reply.trim())
    if (!match?.[1]) throw new ProviderError('haproxy', command, explainReply(reply))
    return Number(match[1])
  }
  const setWeight = async (server: string, weight: number): Promise<void> => {
    const command = `set server ${backend}/${server} weight ${weight}`
    const reply = await runtimeCommand(address, command)
    if (reply.trim() !== '') throw new ProviderError('haproxy', command, explainReply(reply))
  }
  const read = async (): Promise<{ stable: number; canary: number }> => ({ stable: await getWeight(stable), canary: await getWeight(canary) })

  return {
    name: 'haproxy',
    describe,
    async readWeight() {
      const weights = await read()
      return canaryPercent(weights.stable, weights.canary)
    },
    async readStable() {
      return serverState(await runtimeCommand(address, `show servers state ${backend}`), backend, stable)
    },
    async setWeight(weight) {
      assertWeight(weight, 'haproxy')
      const before = await read()
      return moveWeight({
        provider: 'haproxy',
        target: describe(),
        weight,
        previous: canaryPercent(before.stable, before.canary),
        logger: deps.logger,
        steps: [
          {
            description: `${backend}/${canary} weight ${before.canary}→${weight}`,
            apply: () => setWeight(canary, weight),
            undo: () => setWeight(canary, before.canary),
          },
          {
            description: `${backend}/${stable} weight ${before.stable}→${100 - weight}`,
            apply: () => setWeight(stable, 100 - weight),
            undo: () => setWeight(stable, before.stable),
          },
        ],
        verify: async () => {
          const after = await read()
          return canaryPercent(after.stable, after.canary)
        },
      })
    },
  }
}

// srv_admin_state flags (HAProxy's SRV_ADMF_*): forced, inherited, configured, resolution and
// hostname maintenance; forced, inherited and configured drain. srv_op_state: 0 stopped, 1
// starting, 2 running, 3 stopping.
const MAINT_FLAGS = 0x01 | 0x02 | 0x04 | 0x40 | 0x80
const DRAIN_FLAGS = 0x08 | 0x10 | 0x20
const OP_STATES = ['down', 'starting', 'up', 'stopping']

/** Reads one server's row of `show servers state <backend>` (columns named by its `#` header). */
export function serverState(reply: string, backend: string, server: string): StableState {
  const command = `show servers state ${backend}`
  const lines = reply.split('\n').map((l) => l.trim()).filter((l) => l !== '')
  const header = lines.find((l) => l.startsWith('# '))?.slice(2).split(/\s+/)
  if (!header) throw new ProviderError('haproxy', command, explainReply(reply))
  const row = lines.filter((l) => !l.startsWith('#')).map((l) => l.split(/\s+/)).find((r) => r[header.indexOf('srv_name')] === server)
  if (!row) throw new ProviderError('haproxy', command, `backend ${backend} has no server ${server}`)
  const op = Number(row[header.indexOf('srv_op_state')])
  const admin = Number(row[header.indexOf('srv_admin_state')])
  const problems = [
    ...(op === 2 ? [] : [`${OP_STATES[op] ?? `in op state ${op}`} (srv_op_state ${op})`]),
    ...(admin & MAINT_FLAGS ? [`in maintenance (srv_admin_state ${admin})`] : admin & DRAIN_FLAGS ? [`draining, taking no new traffic (srv_admin_state ${admin})`] : []),
  ]
  return problems.length === 0 ? { serving: true, detail: `${backend}/${server} is up` } : { serving: false, detail: `${backend}/${server} is ${problems.join(' and ')}` }
}

function explainReply(reply: string): string {
  const text = reply.trim() || '(empty reply)'
  if (/permission denied/i.test(text)) return `${text}: the stats socket needs "level admin"`
  return text
}

export function parseAddress(socket: string, key: 'socket' | 'address' = 'socket'): RuntimeAddress {
  if (socket.startsWith('/') || socket.startsWith('./') || socket.startsWith('unix@')) return { path: socket.replace(/^unix@/, '') }
  const match = /^(?:ipv4@|ipv6@)?(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(socket)
  const host = match?.[1] ?? match?.[2]
  const port = Number(match?.[3])
  if (!host || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new ConfigError(`traffic.${key}: "${socket}" is neither a unix socket path (/run/haproxy/admin.sock) nor host:port of a TCP stats socket`)
  }
  return { host, port }
}

/** One runtime API command per connection: HAProxy answers and closes (non-interactive mode). */
export function runtimeCommand(address: RuntimeAddress, command: string, timeoutMs = TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    const where = 'path' in address ? address.path : `${address.host}:${address.port}`
    const socket = createConnection('path' in address ? { path: address.path } : { host: address.host, port: address.port })
    const chunks: Buffer[] = []
    let settled = false
    const fail = (detail: string): void => {
      if (settled) return
      settled = true
      socket.destroy()
      reject(new ProviderError('haproxy', command, `runtime API at ${where}: ${detail}`))
    }
    socket.setTimeout(timeoutMs, () => fail(`no complete answer within ${timeoutMs} ms`))
    socket.on('connect', () => socket.write(`${command}\n`))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', (error) => fail(error.message))
    socket.on('close', () => {
      if (settled) return
      settled = true
      resolve(Buffer.concat(chunks).toString('utf8'))
    })
  })
}

/** `traffic: { provider: haproxy }`: this backend's descriptor, listed in shared/traffic/registry.ts. */
export const haproxyTraffic: TrafficBackend<HaproxyTraffic> = {
  type: 'haproxy',
  definition: 'haproxyTraffic',
  schema: variant(
    'provider',
    'haproxy',
    'HAProxy runtime API: sets the weights of two servers in a backend. Set exactly one of `socket` or `address`.',
    {
      socket: str('Path of the runtime API Unix socket (`stats socket`).'),
      address: str('`host:port` of the runtime API over TCP.'),
      backend: str('Backend holding both servers.'),
      stable: str('Server name of the stable version.'),
      canary: str('Server name of the canary version.'),
    },
    ['backend', 'stable', 'canary'],
  ),
  rules: {
    exactlyOne: [{ keys: ['socket', 'address'], message: 'set exactly one of socket or address for the HAProxy runtime API', expected: 'socket: /path/to/admin.sock or address: host:port' }],
  },
  // The rule below leaves exactly one of socket and address; the runtime API client takes either.
  create: (config, deps) =>
    createHaproxyProvider(
      { socket: (config.socket ?? config.address) as string, socketKey: config.socket === undefined ? 'address' : 'socket', backend: config.backend, stableServer: config.stable, canaryServer: config.canary },
      deps,
    ),
}
