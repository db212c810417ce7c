import { ConfigError, ProviderError } from '../errors.js'
import { asArray, isRecord, Kubectl, KubectlError, type KubeObject, type KubernetesTarget } from './kubectl.js'
import type { TrafficDeps, TrafficProvider } from './types.js'
import { assertWeight, moveWeight, requireString } from './transaction.js'

/**
 * `provider: argo-rollouts`: drives an existing Argo Rollouts controller instead of routing traffic
 * itself. A weight is set by giving the Rollout's canary strategy the steps
 * `[{setWeight: W}, {pause: {}}]`: the controller resets to step 0 whenever the steps change, moves
 * traffic through its own traffic router and pauses there until Rollgate's next move. `promote` and
 * `abort` send the same patches as `kubectl argo rollouts promote` and `abort`.
 */
export interface ArgoRolloutsOptions extends KubernetesTarget {
  rollout: string
  /** How long the controller may take to report the new weight, in milliseconds (default 120 000). */
  timeout?: number
}

const RESOURCE = 'rollouts.argoproj.io'
const DEFAULT_TIMEOUT_MS = 120_000
const POLL_MS = 2_000

export function createArgoRolloutsProvider(options: ArgoRolloutsOptions, deps: TrafficDeps): TrafficProvider {
  const kubectl = new Kubectl(deps.exec, options, 'argo-rollouts')
  const name = requireString(options, 'rollout', 'argo-rollouts')
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS
  if (!(typeof timeout === 'number' && timeout > 0)) {
    throw new ConfigError(`traffic.timeout: expected a positive duration in milliseconds, got ${JSON.stringify(timeout)}`)
  }
  const object = `Rollout ${kubectl.namespace}/${name}`
  const describe = (): string => `${object} (Argo Rollouts controller)`
  const get = (): Promise<KubeObject> => kubectl.get(RESOURCE, name)

  /** Waits for the controller to observe the new steps and report the weight (or the deadline). */
  const settle = async (weight: number): Promise<number | undefined> => {
    const deadline = deps.clock.now().getTime() + timeout
    for (;;) {
      const rollout = await get()
      const observed = isRecord(rollout.status) && String(rollout.status.observedGeneration) === String(rollout.metadata?.generation)
      const reported = rolloutWeight(rollout)
      if (observed && reported === weight) return reported
      if (deps.clock.now().getTime() >= deadline) {
        if (observed) return reported
        throw new ProviderError('argo-rollouts', `wait for the controller on ${object}`, `the controller has not observed generation ${String(rollout.metadata?.generation)} after ${timeout / 1000}s (traffic.timeout); is the Argo Rollouts controller running?`)
      }
      await deps.clock.sleep(POLL_MS)
    }
  }

  /** Status patches go to the status subresource, falling back like the kubectl plugin does for controllers older than v0.10. */
  const statusPatch = async (patch: unknown): Promise<void> => {
    try {
      await kubectl.mergePatch(RESOURCE, name, patch, 'status')
    } catch (error) {
      if (!(error instanceof KubectlError && error.notFound)) throw error
      await kubectl.mergePatch(RESOURCE, name, patch)
    }
  }

  return {
    name: 'argo-rollouts',
    describe,
    async readWeight() {
      return rolloutWeight(await get())
    },
    async setWeight(weight) {
      assertWeight(weight, 'argo-rollouts')
      const rollout = await get()
      const canary = canaryStrategy(rollout, object)
      const status = isRecord(rollout.status) ? rollout.status : {}
      if (weight > 0 && typeof status.stableRS === 'string' && status.currentPodHash === status.stableRS) {
        throw new ConfigError(`argo-rollouts: ${object} has no canary in progress (its pod template is the stable version ${status.stableRS}); update the Rollout's template to the canary version before moving traffic`)
      }
      const previousSteps = canary.steps
      const steps = [{ setWeight: weight }, { pause: {} }]
      const stepsPath = '/spec/strategy/canary/steps'
      return moveWeight({
        provider: 'argo-rollouts',
        target: describe(),
        weight,
        previous: rolloutWeight(rollout),
        logger: deps.logger,
        steps: [
          {
            description: `${object}: canary steps ${JSON.stringify(previousSteps ?? [])}→${JSON.stringify(steps)}`,
            apply: () =>
              kubectl.jsonPatch(RESOURCE, name, [
                ...(previousSteps === undefined ? [] : [{ op: 'test' as const, path: stepsPath, value: previousSteps }]),
                { op: 'add', path: stepsPath, value: steps },
              ]),
            undo: () =>
              kubectl.jsonPatch(RESOURCE, name, [previousSteps === undefined ? { op: 'remove', path: stepsPath } : { op: 'add', path: stepsPath, value: previousSteps }]),
          },
        ],
        verify: () => settle(weight),
      })
    },
    /** `kubectl argo rollouts promote`: unpause and clear the pause conditions (or skip the current step). */
    async promote() {
      const rollout = await get()
      const spec = isRecord(rollout.spec) ? rollout.spec : {}
      const status = isRecord(rollout.status) ? rollout.status : {}
      if (asArray(status.pauseConditions).length > 0) {
        await statusPatch({ status: { pauseConditions: null } })
      } else if (isRecord(spec.strategy) && isRecord(spec.strategy.canary)) {
        const count = asArray(spec.strategy.canary.steps).length
        if (count > 0) {
          const index = typeof status.currentStepIndex === 'number' ? status.currentStepIndex : 0
          await statusPatch({ status: { pauseConditions: null, currentStepIndex: Math.min(index + 1, count) } })
        }
      }
      if (spec.paused === true) await kubectl.mergePatch(RESOURCE, name, { spec: { paused: false } })
      deps.logger.info(`argo-rollouts: promoted ${object}`)
    },
    /** `kubectl argo rollouts abort`: the controller returns all traffic to the stable ReplicaSet. */
    async abort() {
      await statusPatch({ status: { abort: true } })
      deps.logger.info(`argo-rollouts: aborted ${object}`)
    },
  }
}

function canaryStrategy(rollout: KubeObject, object: string): { steps: unknown[] | undefined } {
  const spec = isRecord(rollout.spec) ? rollout.spec : {}
  const strategy = isRecord(spec.strategy) ? spec.strategy : {}
  if (!isRecord(strategy.canary)) {
    const kind = Object.keys(strategy)[0] ?? 'no'
    throw new ConfigError(`argo-rollouts: ${object} uses the ${kind} strategy; weights can only be set on a canary strategy (drive blue-green Rollouts with promote and abort)`)
  }
  const steps = strategy.canary.steps
  return { steps: Array.isArray(steps) ? steps : undefined }
}

/**
 * The canary weight as the controller reports it: `status.canary.weights` with a traffic router,
 * otherwise the last `setWeight` step reached (what `kubectl argo rollouts get` shows as SetWeight).
 */
export function rolloutWeight(rollout: KubeObject): number | undefined {
  const status = isRecord(rollout.status) ? rollout.status : {}
  if (status.abort === true) return 0
  const canaryStatus = isRecord(status.canary) ? status.canary : {}
  const weights = isRecord(canaryStatus.weights) ? canaryStatus.weights : undefined
  if (weights && isRecord(weights.canary) && typeof weights.canary.weight === 'number') return weights.canary.weight
  const spec = isRecord(rollout.spec) ? rollout.spec : {}
  const strategy = isRecord(spec.strategy) ? spec.strategy : {}
  const steps = isRecord(strategy.canary) ? asArray(strategy.canary.steps) : []
  const index = status.currentStepIndex
  if (typeof index !== 'number') return undefined
  if (index >= steps.length) return 100
  for (let i = index; i >= 0; i--) {
    const step = steps[i]
    if (isRecord(step) && typeof step.setWeight === 'number') return step.setWeight
  }
  return 0
}
