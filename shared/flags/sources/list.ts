/** Every flag source, by `type`: adding one is one file in this folder and one line here. */
import { checkBackendOptions } from '../../config/backend-options.js'
import { ConfigError } from '../../errors.js'
import type { FlagSource, FlagSourceDeps, FlagSourceDescriptor } from '../source.js'
import { flagdSource } from './flagd.js'
import { flagsmithSource } from './flagsmith.js'
import { growthbookSource } from './growthbook.js'
import { launchdarklySource } from './launchdarkly.js'
import { registrySource } from './registry.js'
import { unleashSource } from './unleash.js'

/** In the order the policy schema lists them. */
export const FLAG_SOURCES: readonly FlagSourceDescriptor[] = [
  registrySource,
  unleashSource,
  launchdarklySource,
  flagsmithSource,
  growthbookSource,
  flagdSource,
]

/**
 * The source for a loaded `flags.source` block, from `sources` (the registry unless a test brings its
 * own). The block is checked against the source's schema fragment first, so a bad option is named as
 * the policy spells it, under `at` (its policy path).
 */
export function createFlagSource(config: { type: string }, deps: FlagSourceDeps, sources: readonly FlagSourceDescriptor[] = FLAG_SOURCES, at = 'flags.source'): FlagSource {
  const descriptor = sources.find((d) => d.type === config.type)
  if (!descriptor) throw new ConfigError(`${at}.type: got ${JSON.stringify(config.type)}; expected one of ${sources.map((d) => d.type).join(', ')}`)
  checkBackendOptions(descriptor, config, at, 'flag source')
  return descriptor.create(config, deps)
}
