/**
 * `source: { type: flagd }`: an OpenFeature flagd flag file in the repository, read directly (flagd's
 * schema v0, https://flagd.dev/schema/v0/flags.json). ENABLED with no targeting serves
 * `variants[defaultVariant]` to everyone; DISABLED serves the code's own default, which the file
 * cannot tell, so such a flag is reported, never removed.
 */
import { join } from 'node:path'
import { ConfigError } from '../../errors.js'
import { PolicyError } from '../../config/problems.js'
import type { JsonSchema } from '../../config/json-schema.js'
import { checkDocument } from '../file-problems.js'
import type { FlagInfo, FlagSource, FlagSourceDescriptor, ServedState } from '../source.js'

export interface FlagdSourceConfig {
  type: 'flagd'
  file?: string
}

export const DEFAULT_FLAGD_FILE = 'flags.flagd.json'

/** The part of flagd's schema v0 Rollgate relies on (the daemon accepts more; extra keys pass). */
const flagdFileSchema: JsonSchema = {
  type: 'object',
  required: ['flags'],
  properties: {
    flags: {
      type: 'object',
      description: 'Flag key → flag',
      additionalProperties: {
        type: 'object',
        required: ['state', 'variants'],
        description: 'a flagd flag: state, variants, defaultVariant, targeting',
        properties: {
          state: { type: 'string', enum: ['ENABLED', 'DISABLED'], description: 'ENABLED or DISABLED' },
          variants: { type: 'object', minProperties: 1, description: 'variant name → value (boolean, string, number or object)' } as JsonSchema,
          defaultVariant: { type: ['string', 'null'] as unknown as 'string', description: 'the variant served when targeting does not decide' },
          targeting: { type: 'object', description: 'JsonLogic targeting rule' },
          metadata: { type: 'object', description: 'string, number or boolean values (Rollgate reads owner and expires)' },
        },
      },
    },
  },
}

function served(flag: Record<string, unknown>): ServedState {
  if (flag.state === 'DISABLED') return { kind: 'unknown', reason: 'DISABLED: flagd serves the default written in the code' }
  const targeting = flag.targeting
  if (targeting !== undefined && targeting !== null && Object.keys(targeting as object).length > 0) {
    return { kind: 'targeting', rules: [JSON.stringify(targeting).slice(0, 200)] }
  }
  const name = flag.defaultVariant
  if (typeof name !== 'string') return { kind: 'unknown', reason: 'no defaultVariant: flagd serves the default written in the code' }
  const value = (flag.variants as Record<string, unknown>)[name]
  if (typeof value === 'boolean') return { kind: 'boolean', value }
  if (typeof value === 'string') return { kind: 'variant', value }
  return { kind: 'unknown', reason: `defaultVariant ${name} is ${value === undefined ? 'not one of the variants' : `a ${typeof value}`}; only boolean and string values can be kept` }
}

export function parseFlagdFile(text: string, file: string): FlagInfo[] {
  const check = checkDocument(text, file, flagdFileSchema, 'flagd flag file')
  if (!check.ok) throw new PolicyError(file, check.problems)
  const flags = (check.doc.data as { flags: Record<string, Record<string, unknown>> }).flags
  return Object.entries(flags).map(([name, flag]) => {
    const metadata = (flag.metadata ?? {}) as Record<string, unknown>
    const info: FlagInfo = {
      name,
      aliases: [],
      state: served(flag),
      archived: false,
      markedStale: false,
      variants: Object.keys(flag.variants as Record<string, unknown>),
      evidence: [`${file}: state ${String(flag.state)}, defaultVariant ${String(flag.defaultVariant ?? '(none)')}, ${flag.targeting && Object.keys(flag.targeting).length > 0 ? 'targeting rules' : 'no targeting'}`],
    }
    if (typeof metadata.owner === 'string') info.owner = metadata.owner
    if (typeof metadata.expires === 'string') info.expires = metadata.expires
    return info
  })
}

export const flagdSource: FlagSourceDescriptor<FlagdSourceConfig> = {
  type: 'flagd',
  definition: 'flagdFlags',
  schema: {
    type: 'object',
    description: 'An OpenFeature flagd flag file in the repository (metadata.owner and metadata.expires are read when present).',
    additionalProperties: false,
    required: ['type'],
    properties: {
      type: { const: 'flagd', description: 'Selects this type: `flagd`.' },
      file: { type: 'string', minLength: 1, description: 'Path of the flag file, relative to the repository root.', default: DEFAULT_FLAGD_FILE },
    },
  },
  create(config, deps): FlagSource {
    const file = config.file ?? DEFAULT_FLAGD_FILE
    return {
      type: 'flagd',
      describe: () => `the flagd file ${file}`,
      async listFlags() {
        let text: string
        try {
          text = await deps.readText(join(deps.root, file))
        } catch (error) {
          throw new ConfigError(`flagd file ${file} (flags.source.file) could not be read: ${(error as Error).message}`)
        }
        return parseFlagdFile(text, file)
      },
    }
  },
}
