/** From the policy's `traffic:` block to a traffic provider's options. Pure. */
import type { Traffic } from '../config/policy.generated.js'
import type { TrafficConfig } from '../traffic/provider.js'

export function toTrafficConfig(t: Traffic): TrafficConfig {
  const kube = (x: { namespace: string; context?: string; kubeconfig?: string; server?: string }) => ({
    namespace: x.namespace,
    ...(x.context !== undefined ? { context: x.context } : {}),
    ...(x.kubeconfig !== undefined ? { kubeconfig: x.kubeconfig } : {}),
    ...(x.server !== undefined ? { server: x.server } : {}),
  })
  switch (t.provider) {
    case 'command':
      return { provider: 'command', setWeight: t.setWeight, ...(t.getWeight ? { getWeight: t.getWeight } : {}) }
    case 'gateway-api':
      return { provider: 'gateway-api', ...kube(t), route: t.route, stable: t.stable, canary: t.canary }
    case 'istio':
      return { provider: 'istio', ...kube(t), virtualService: t.virtualService, stable: t.stable, canary: t.canary, ...(t.route !== undefined ? { routeName: t.route } : {}) }
    case 'nginx-ingress':
      return { provider: 'nginx-ingress', ...kube(t), ingress: t.ingress }
    case 'argo-rollouts':
      return { provider: 'argo-rollouts', ...kube(t), rollout: t.rollout, timeout: t.timeout }
    case 'aws-lambda':
      return { provider: 'aws-lambda', functionName: t.function, alias: t.alias, ...(t.region !== undefined ? { region: t.region } : {}) }
    case 'haproxy':
      // The schema requires exactly one of socket and address; the runtime API client takes either.
      return { provider: 'haproxy', socket: (t.socket ?? t.address) as string, backend: t.backend, stableServer: t.stable, canaryServer: t.canary }
    case 'unleash':
      return {
        provider: 'unleash',
        url: t.url,
        token: t.token,
        project: t.project,
        feature: t.feature,
        environment: t.environment,
        ...(t.strategyId !== undefined ? { strategyId: t.strategyId } : {}),
      }
  }
}
