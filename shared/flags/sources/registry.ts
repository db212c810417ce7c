/**
 * `source: { type: registry }`, the embedded default: a `flags.yml` in the repository maps each flag
 * to its owner, expiry and what is served now. Published as schema/flags.schema.json and validated
 * like the policy: every problem at its file:line:column.
 */
import { join } from 'node:path'
import { ConfigError } from '../../errors.js'
import { PolicyError, type PolicyProblem } from '../../config/problems.js'
import type { JsonSchema } from '../../config/json-schema.js'
import { isMap, isScalar } from 'yaml'
import { YamlSource } from '../../config/yaml-source.js'
import { checkDocument } from '../file-problems.js'
import type { FlagInfo, FlagSource, FlagSourceDeps, FlagSourceDescriptor, ServedState } from '../source.js'

export interface RegistrySourceConfig {
  type: 'registry'
  file?: string
}

export const DEFAULT_REGISTRY_FILE = 'flags.yml'
export const FLAGS_SCHEMA_ID = 'https://raw.githubusercontent.com/rollgate/rollgate/main/schema/flags.schema.json'

const DATE = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$'
const VALUE = '^(on|off|[A-Za-z0-9][A-Za-z0-9_.-]*)$'

/** The flags.yml schema: scripts/gen-flags-schema.ts writes it to schema/flags.schema.json. */
export const flagsFileSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: FLAGS_SCHEMA_ID,
  title: 'Rollgate flag registry (flags.yml)',
  description: 'Every feature flag of the repository with its owner, its expiry and what it serves now.',
  type: 'object',
  additionalProperties: false,
  required: ['flags'],
  properties: {
    flags: {
      type: 'object',
      description: 'Flag name → its entry.',
      propertyNames: { $ref: '#/definitions/flagName' },
      additionalProperties: { $ref: '#/definitions/flag' },
    },
  },
  definitions: {
    flagName: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$', description: 'letters, digits, `_`, `.`, `:` and `-`, starting with a letter or digit' },
    date: { type: 'string', pattern: DATE, description: 'a date written YYYY-MM-DD' },
    flag: {
      type: 'object',
      additionalProperties: false,
      required: ['owner', 'expires', 'state'],
      description: 'One flag.',
      properties: {
        owner: { type: 'string', pattern: '^@?[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)?$', description: 'GitHub user or team (`@org/team`) that owns the flag and reviews its cleanup' },
        expires: { $ref: '#/definitions/date', description: 'The deadline (YYYY-MM-DD): from this day on the flag is stale and its cleanup is proposed' },
        state: {
          type: 'string',
          pattern: '^(on|off|targeting|(100|[1-9]?\\d)%|[A-Za-z0-9][A-Za-z0-9_.-]*)$',
          description: 'What is served now: `on`, `off`, a percentage such as `50%`, `targeting` (with `rules`) or a variant name',
        },
        keep: { type: 'string', pattern: VALUE, description: 'The value that stays when the flag goes: `on`, `off` or a variant name (defaults to `state` when that is one value)' },
        rules: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'The targeting rules, in words, when `state` is `targeting`' },
        aliases: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true, description: 'Other names the code uses for this flag (constants, camelCase keys)' },
        variants: { type: 'array', minItems: 2, items: { type: 'string', pattern: VALUE }, uniqueItems: true, description: 'Every value the flag can serve, for a flag with variants (an experiment split by it names its variants from these); without it the flag serves `on` and `off`' },
        changed: { $ref: '#/definitions/date', description: 'When `state` last changed (YYYY-MM-DD); enables the "one value for afterDays" rule' },
      },
    },
  },
}

interface RawFlag {
  owner: string
  expires: string
  state: string
  keep?: string
  rules?: string[]
  aliases?: string[]
  variants?: string[]
  changed?: string
}

function servedFrom(state: string, rules: string[] | undefined): ServedState {
  if (state === 'on' || state === 'off') return { kind: 'boolean', value: state === 'on' }
  if (state === 'targeting') return { kind: 'targeting', rules: rules ?? [] }
  const percent = /^(\d+)%$/.exec(state)
  if (percent) {
    const value = Number(percent[1])
    if (value === 0) return { kind: 'boolean', value: false }
    if (value === 100) return { kind: 'boolean', value: true }
    return { kind: 'percentage', percent: value }
  }
  return { kind: 'variant', value: state }
}

function keptFrom(keep: string): NonNullable<FlagInfo['keep']> {
  return keep === 'on' || keep === 'off' ? { kind: 'boolean', value: keep === 'on' } : { kind: 'variant', value: keep }
}

const NOT_A_VARIANT = /^(on|off|targeting|\d+%)$/

/** `variants:`, or without it what the entry itself names: the variant it serves, else on and off. */
function variantsOf(raw: RawFlag): string[] {
  if (raw.variants) return raw.variants
  const named = [raw.state, raw.keep].filter((v): v is string => v !== undefined && !NOT_A_VARIANT.test(v))
  return named.length > 0 ? [...new Set(named)] : ['on', 'off']
}

function validDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text
}

/** Parses flags.yml text; throws a PolicyError listing every problem at file:line:column. */
export function parseRegistry(text: string, file: string): FlagInfo[] {
  const check = checkDocument(text, file, flagsFileSchema, 'flag registry')
  if (!check.ok) throw new PolicyError(file, check.problems)
  const { source, data } = check.doc
  const flags = (data as { flags: Record<string, RawFlag> | null }).flags ?? {}
  const problems: PolicyProblem[] = []
  const at = (path: (string | number)[], message: string, expected?: string): void => {
    problems.push({ file, ...source.locate(path), path: path.join('.'), message, ...(expected ? { expected } : {}) })
  }
  const out: FlagInfo[] = []
  for (const [name, raw] of Object.entries(flags)) {
    for (const key of ['expires', 'changed'] as const) {
      const value = raw[key]
      if (value !== undefined && !validDate(value)) at(['flags', name, key], `flags.${name}.${key}: ${value} is not a calendar date`, 'a real date written YYYY-MM-DD')
    }
    if (raw.state === 'targeting' && raw.rules === undefined) at(['flags', name, 'state'], `flags.${name}: state targeting needs its rules`, 'rules: a list of the targeting rules, in words')
    if (raw.state !== 'targeting' && raw.rules !== undefined) at(['flags', name, 'rules'], `flags.${name}.rules: only a flag whose state is targeting has rules`, `state: targeting, or no rules`)
    const variants = variantsOf(raw)
    for (const key of ['state', 'keep'] as const) {
      const value = raw[key]
      if (raw.variants !== undefined && value !== undefined && !NOT_A_VARIANT.test(value) && !variants.includes(value)) {
        at(['flags', name, key], `flags.${name}.${key}: ${value} is not one of the flag's variants`, `one of ${variants.join(', ')}`)
      }
    }
    const info: FlagInfo = {
      name,
      aliases: raw.aliases ?? [],
      owner: raw.owner,
      expires: raw.expires,
      state: servedFrom(raw.state, raw.rules),
      archived: false,
      markedStale: false,
      variants,
      evidence: [`${file}: owner ${raw.owner}, expires ${raw.expires}, state ${raw.state}${raw.keep ? `, keep ${raw.keep}` : ''}${raw.changed ? `, changed ${raw.changed}` : ''}`],
    }
    if (raw.keep !== undefined) info.keep = keptFrom(raw.keep)
    if (raw.changed !== undefined && validDate(raw.changed)) info.changedAt = new Date(`${raw.changed}T00:00:00Z`)
    out.push(info)
  }
  if (problems.length > 0) throw new PolicyError(file, problems)
  return out
}

/**
 * flags.yml without the entry of `name`, every other line untouched (the cleanup removes the flag's
 * registry entry with its code). Undefined when the file has no such entry.
 */
export function removeRegistryEntry(text: string, file: string, name: string): string | undefined {
  const source = new YamlSource(text, file)
  const flags = source.doc.get('flags', true)
  if (!isMap(flags)) return undefined
  const pair = flags.items.find((p) => isScalar(p.key) && String(p.key.value) === name)
  const keyRange = pair && isScalar(pair.key) ? pair.key.range : undefined
  if (!pair || !keyRange) return undefined
  const valueEnd = (pair.value as { range?: [number, number, number] } | null)?.range?.[1] ?? keyRange[1]
  const lineStart = text.lastIndexOf('\n', keyRange[0] - 1) + 1
  const nextNewline = text.indexOf('\n', Math.max(valueEnd - 1, keyRange[1]))
  const lineEnd = nextNewline === -1 ? text.length : nextNewline + 1
  const rest = text.slice(0, lineStart) + text.slice(lineEnd)
  // The last flag gone: keep a valid, empty map.
  return flags.items.length === 1 ? rest.replace(/^flags:[ \t]*$/m, 'flags: {}') : rest
}

export async function readRegistryFile(file: string, deps: Pick<FlagSourceDeps, 'root' | 'readText'>): Promise<FlagInfo[]> {
  let text: string
  try {
    text = await deps.readText(join(deps.root, file))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code
    if (code === 'ENOENT') throw new ConfigError(`Flag registry ${file} not found (flags.source.file); create it with a top-level flags: map (see schema/flags.schema.json).`)
    throw new ConfigError(`Flag registry ${file} could not be read: ${(error as Error).message}`)
  }
  return parseRegistry(text, file)
}

export const registrySource: FlagSourceDescriptor<RegistrySourceConfig> = {
  type: 'registry',
  definition: 'registryFlags',
  schema: {
    type: 'object',
    description: 'The in-repo registry: a YAML file with an owner, expiry and served state per flag (schema/flags.schema.json).',
    additionalProperties: false,
    required: ['type'],
    properties: {
      type: { const: 'registry', description: 'Selects this type: `registry`.' },
      file: { type: 'string', minLength: 1, description: 'Path of the registry, relative to the repository root.', default: DEFAULT_REGISTRY_FILE },
    },
  },
  create(config, deps): FlagSource {
    const file = config.file ?? DEFAULT_REGISTRY_FILE
    return {
      type: 'registry',
      describe: () => `the flag registry ${file}`,
      listFlags: () => readRegistryFile(file, deps),
    }
  },
}
