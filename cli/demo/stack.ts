/**
 * What the demo runs on 127.0.0.1: the three versions of the service and a weighted router in
 * front of them (HAProxy when it is installed, else the built-in one), with the traffic provider
 * the rollout moves it through.
 */
import { createServer, type AddressInfo } from 'node:net'
import type { Logger } from '../../shared/action/logger.js'
import { actionsExec } from '../../shared/traffic/exec.js'
import { createHaproxyProvider } from '../../shared/traffic/haproxy.js'
import { systemClock } from '../../shared/clock.js'
import type { TrafficProvider } from '../../shared/traffic/provider.js'
import { builtInTraffic } from './builtin-traffic.js'
import { DemoError } from './errors.js'
import { HAPROXY_BACKEND, HAPROXY_CANARY, HAPROXY_STABLE, findOnPath, startDemoHaproxy } from './haproxy.js'
import { seededRandom } from './random.js'
import type { Resources } from './resources.js'
import { startRouter } from './router.js'
import { CANARIES, STABLE } from './scenario.js'
import { startService, type RunningService } from './service.js'

export type RouterKind = 'haproxy' | 'built-in'

export interface DemoStack {
  stable: RunningService
  canaries: Map<string, RunningService>
  traffic: TrafficProvider
  /** Puts a version behind the router's canary side (its weight stays where it is). */
  pointCanary(service: RunningService): Promise<void>
  url: string
  router: RouterKind
  /** One line for the terminal and the reports. */
  routerDetail: string
  /** HAProxy's runtime API socket, or undefined with the built-in router. */
  socket: string | undefined
  haproxyPid: number | null
}

export interface StackOptions {
  router: 'auto' | RouterKind
  /** 0: any free port. */
  port: number
  path: string
}

/** Starts everything, registering each part with `resources` as soon as it runs. */
export async function startStack(options: StackOptions, resources: Resources, logger: Logger): Promise<DemoStack> {
  const binary = options.router === 'built-in' ? undefined : findOnPath('haproxy', options.path)
  if (options.router === 'haproxy' && !binary) {
    throw new DemoError('--router haproxy: no haproxy on PATH (apt-get install haproxy, brew install haproxy), or use --router built-in')
  }
  const port = await routerPort(options.port)

  const stable = await startService(STABLE.version, STABLE.behaviour, 0, seededRandom(STABLE.seed))
  resources.add(`service ${STABLE.version}`, () => stable.close())
  const canaries = new Map<string, RunningService>()
  for (const canary of CANARIES) {
    const service = await startService(canary.version, canary.behaviour, 0, seededRandom(canary.seed))
    resources.add(`service ${canary.version}`, () => service.close())
    canaries.set(canary.version, service)
  }
  const first = canaries.get(CANARIES[0]?.version ?? '') as RunningService

  if (binary) {
    const haproxy = await startDemoHaproxy(binary, { port, stablePort: stable.port, canaryPort: first.port })
    resources.add('haproxy', () => haproxy.stop(), () => haproxy.killNow())
    return {
      stable,
      canaries,
      traffic: createHaproxyProvider(
        { socket: haproxy.socket, backend: HAPROXY_BACKEND, stableServer: HAPROXY_STABLE, canaryServer: HAPROXY_CANARY },
        { exec: actionsExec(), fetch, logger, clock: systemClock },
      ),
      pointCanary: (service) => haproxy.pointCanaryAt(service.port),
      url: haproxy.url,
      router: 'haproxy',
      routerDetail: `HAProxy ${haproxy.version} (pid ${haproxy.pid}) at ${haproxy.url}`,
      socket: haproxy.socket,
      haproxyPid: haproxy.pid,
    }
  }
  const router = await startRouter(stable.url, first.url, port, seededRandom(404))
  resources.add('router', () => router.close())
  return {
    stable,
    canaries,
    traffic: builtInTraffic(router),
    pointCanary: async (service) => router.setCanary(service.url),
    url: router.url,
    router: 'built-in',
    routerDetail: `the built-in router at ${router.url}${options.router === 'auto' ? ' (HAProxy is not on PATH)' : ''}`,
    socket: undefined,
    haproxyPid: null,
  }
}

/** The port asked for, once known to be free on 127.0.0.1; a free one for 0. */
async function routerPort(port: number): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new DemoError(`--port ${port}: 127.0.0.1:${port} is ${error.code === 'EACCES' ? 'not allowed' : 'in use'}; pick another port, or leave --port out for a free one`)
          : error,
      ),
    )
    server.listen(port, '127.0.0.1', resolve)
  })
  const { port: free } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return free
}
