/** Every flag source, by `type`: adding one is one file in this folder and one line here. */
import { ConfigError } from '../../errors.js'
import type { FlagSource, FlagSourceDeps, FlagSourceDescriptor } from '../source.js'
import { flagdSource } from './flagd.js'
import { flagsmithSource } from './flagsmith.js'
import { growthbookSource } from './growthbook.js'
import { launchdarklySource } from './launchdarkly.js'
import { registrySource } from './registry.js'
import { unleashSource } from './unleash.js'

export const FLAG_SOURCES: readonly FlagSourceDescriptor<{ type: string }>[] = [
  registrySource,
  unleashSource,
  launchdarklySource,
  flagsmithSource,
  growthbookSource,
  flagdSource,
] as unknown as FlagSourceDescriptor<{ type: string }>[]

export function createFlagSource(config: { type: string }, deps: FlagSourceDeps): FlagSource {
  const descriptor = FLAG_SOURCES.find((d) => d.type === config.type)
  if (!descriptor) throw new ConfigError(`flags.source.type: got ${JSON.stringify(config.type)}; expected one of ${FLAG_SOURCES.map((d) => d.type).join(', ')}`)
  return descriptor.create(config, deps)
}
