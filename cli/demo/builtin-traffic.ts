/**
 * The built-in router as a traffic provider, for machines without HAProxy: the same interface the
 * lifecycle drives every backend through (shared/traffic/types.ts), in-process.
 */
import type { TrafficProvider, TrafficProviderName, WeightChange } from '../../shared/traffic/types.js'
import type { WeightedRouter } from './router.js'

/** Not a backend a policy can name, so its name sits outside the policy's provider names. */
const NAME = 'built-in' as TrafficProviderName

export function builtInTraffic(router: WeightedRouter): TrafficProvider {
  const describe = (): string => `the demo's built-in router at ${router.url}`
  return {
    name: NAME,
    describe,
    async readWeight() {
      return router.weight()
    },
    async setWeight(weight): Promise<WeightChange> {
      if (!Number.isInteger(weight) || weight < 0 || weight > 100) throw new RangeError(`canary weight must be an integer 0..100, got ${weight}`)
      const previous = router.weight()
      router.setWeight(weight)
      return {
        provider: NAME,
        target: describe(),
        previous,
        weight,
        readBack: router.weight(),
        changes: [`built-in router: canary ${previous}→${weight}, stable ${100 - previous}→${100 - weight}`],
      }
    },
  }
}
