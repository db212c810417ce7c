/**
 * What a flag source says about each flag: the interface every backend in sources/ implements. This
 * file imports no backend (the registry of sources is sources/list.ts), so nothing cycles through it.
 */
import type { Logger } from '../action/logger.js'
import type { SchemaPart } from '../config/schema-parts.js'

/**
 * What the chosen environment serves now. `boolean` and `variant` are one value for everyone (the
 * only states a flag can be removed from); the rest are reported, never removed.
 */
export type ServedState =
  | { kind: 'boolean'; value: boolean }
  | { kind: 'variant'; value: string }
  | { kind: 'percentage'; percent: number }
  | { kind: 'targeting'; rules: string[] }
  /** The source cannot tell what is served (e.g. a disabled flagd flag serves the code's default). */
  | { kind: 'unknown'; reason: string }

export interface FlagInfo {
  name: string
  /** Other spellings of the name in code (registry `aliases`). */
  aliases: string[]
  /** GitHub login or team (`@org/team`) responsible for the flag, when known. */
  owner?: string
  /** The flag's deadline (YYYY-MM-DD), when known. */
  expires?: string
  /** True for a flag the provider marks as temporary (LaunchDarkly), false for a permanent one. */
  temporary?: boolean
  state: ServedState
  /** The value the registry says stays when the flag goes (`keep`), overriding `state`. */
  keep?: { kind: 'boolean'; value: boolean } | { kind: 'variant'; value: string }
  /** When the state in this environment last changed; undefined when the source cannot tell. */
  changedAt?: Date
  createdAt?: Date
  archived: boolean
  /** The provider itself marks the flag stale (Unleash `stale`, Flagsmith's Stale tag, GrowthBook's stale list...). */
  markedStale: boolean
  /**
   * Last evaluation seen by the provider: a date, null for "the provider counts evaluations and has
   * seen none", undefined when the provider does not report evaluations.
   */
  lastEvaluatedAt?: Date | null | undefined
  /** Lines for the pull request body: what the provider said, in its own words. */
  evidence: string[]
  /**
   * Every value the flag can serve, by the name code and metrics see: its variants' names, a string
   * variation's value, `on` and `off` for a boolean flag. Undefined when the source does not say.
   * An experiment split by the flag names its variants from these (docs/experiments.md).
   */
  variants?: string[]
}

export interface FlagSource {
  readonly type: string
  /** One line naming where the flags come from, e.g. `Unleash http://…, project default, environment production`. */
  describe(): string
  listFlags(): Promise<FlagInfo[]>
}

export interface FlagSourceDeps {
  /** Repository root: file-based sources (registry, flagd) read below it. */
  root: string
  readText(path: string): Promise<string>
  fetch?: typeof fetch
  logger: Logger
  now?: () => Date
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

/**
 * One flag source, exported by its own file like a traffic or metrics backend: its `type:` value,
 * its part of the policy schema (scripts/gen-schema.ts composes it into `flags.source`), and how to
 * build it from its loaded `flags.source` block.
 */
export interface FlagSourceDescriptor<Config extends { type: string } = { type: string }> extends SchemaPart {
  readonly type: Config['type']
  create(config: Config, deps: FlagSourceDeps): FlagSource
}
