import { ConfigError, ProviderError } from '../errors.js'
import { lastLines, runOrThrow } from './exec.js'
import type { TrafficBackend, TrafficDeps, TrafficProvider, WeightContext } from './types.js'
import { assertWeight, moveWeight } from './transaction.js'
import type { CommandTraffic } from '../config/policy.generated.js'
import { ref, variant } from '../config/schema-parts.js'

/**
 * `provider: command`: the user's own executables. Each argument may hold `{{weight}}`,
 * `{{version}}` (the canary version), `{{stableVersion}}` and `{{environment}}`; they are
 * substituted inside that one argument and run through shared/process with an argument array, so
 * no shell ever parses a version or an environment name.
 */
export interface CommandOptions {
  /** argv of the command that sets the canary weight, e.g. ["./deploy/set-weight.sh", "{{environment}}", "{{weight}}"]. */
  setWeight: string[]
  /** argv of a command that prints the canary weight in force (a number, `%` allowed) on stdout. */
  getWeight?: string[]
}

const SET_PLACEHOLDERS = ['weight', 'version', 'stableVersion', 'environment'] as const
const GET_PLACEHOLDERS = ['version', 'stableVersion', 'environment'] as const
type Placeholder = (typeof SET_PLACEHOLDERS)[number]

export function createCommandProvider(options: CommandOptions, deps: TrafficDeps): TrafficProvider {
  const setArgv = checkArgv(options.setWeight, 'setWeight', SET_PLACEHOLDERS)
  const getArgv = options.getWeight === undefined ? undefined : checkArgv(options.getWeight, 'getWeight', GET_PLACEHOLDERS)
  let lastContext: WeightContext | undefined
  const describe = (): string => `command ${setArgv[0]}`

  const run = async (key: 'setWeight' | 'getWeight', argv: string[], values: Partial<Record<Placeholder, string>>): Promise<string> => {
    const [command, ...args] = renderArgv(argv, values, key)
    if (command === undefined) throw new ConfigError(`traffic.${key}: the command is empty`)
    deps.logger.info(`command: ${[command, ...args].map((a) => JSON.stringify(a)).join(' ')}`)
    const env: Record<string, string> = {}
    if (values.weight !== undefined) env.ROLLGATE_WEIGHT = values.weight
    if (values.version !== undefined) env.ROLLGATE_VERSION = values.version
    if (values.stableVersion !== undefined) env.ROLLGATE_STABLE_VERSION = values.stableVersion
    if (values.environment !== undefined) env.ROLLGATE_ENVIRONMENT = values.environment
    const { stdout, stderr } = await runOrThrow(deps.exec, 'command', `traffic.${key} (${command})`, command, args, { env })
    if (stderr.trim() !== '') deps.logger.info(`command stderr: ${lastLines(stderr, 20)}`)
    return stdout
  }

  const read = async (ctx: WeightContext | undefined): Promise<number | undefined> => {
    if (getArgv === undefined) return undefined
    const stdout = await run('getWeight', getArgv, ctx ? contextValues(ctx) : {})
    const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(stdout)
    if (!match?.[1]) throw new ProviderError('command', `traffic.getWeight (${getArgv[0]})`, `expected a weight from 0 to 100 on stdout, got ${JSON.stringify(stdout.slice(0, 100))}`)
    return Number(match[1])
  }

  return {
    name: 'command',
    describe,
    readWeight: (ctx) => read(ctx ?? lastContext),
    async setWeight(weight, ctx) {
      assertWeight(weight, 'command')
      lastContext = ctx
      const previous = getArgv ? await read(ctx) : ctx.recordedWeight
      const set = (w: number): Promise<void> => run('setWeight', setArgv, { ...contextValues(ctx), weight: String(w) }).then(() => undefined)
      return moveWeight({
        provider: 'command',
        target: describe(),
        weight,
        previous,
        logger: deps.logger,
        steps: [
          {
            description: `${setArgv[0]}: canary weight ${previous ?? '(unknown)'}→${weight}`,
            apply: () => set(weight),
            undo: async () => {
              if (previous === undefined) throw new Error('the previous weight is unknown (configure traffic.getWeight, or record the weight)')
              await set(previous)
            },
            // A script that failed may have moved part of the traffic: run it again with the previous weight.
            undoWhenFailed: true,
          },
        ],
        ...(getArgv ? { verify: () => read(ctx) } : {}),
      })
    },
  }
}

function contextValues(ctx: WeightContext): Partial<Record<Placeholder, string>> {
  return { version: ctx.canaryVersion, stableVersion: ctx.stableVersion, environment: ctx.environment }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g

function checkArgv(argv: unknown, key: string, allowed: readonly string[]): string[] {
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) {
    throw new ConfigError(`traffic.${key}: expected a non-empty list of arguments (the executable first), got ${JSON.stringify(argv) ?? 'nothing'}`)
  }
  const first = argv[0] as string
  if (first.trim() === '' || first.includes('"') || /\{\{/.test(first)) {
    throw new ConfigError(`traffic.${key}: the first argument must be the executable's path, without quotes or placeholders; got ${JSON.stringify(first)}`)
  }
  for (const arg of argv as string[]) {
    for (const match of arg.matchAll(PLACEHOLDER)) {
      if (!allowed.includes(match[1] ?? '')) {
        throw new ConfigError(`traffic.${key}: unknown placeholder ${match[0]} in ${JSON.stringify(arg)}; accepted here: ${allowed.map((p) => `{{${p}}}`).join(', ')}`)
      }
    }
  }
  return argv as string[]
}

/** Substitutes placeholders inside each argument; an argument never becomes more than one. */
export function renderArgv(argv: readonly string[], values: Partial<Record<string, string>>, key: string): string[] {
  return argv.map((arg) =>
    arg.replace(PLACEHOLDER, (whole, name: string) => {
      const value = values[name]
      if (value === undefined) throw new ConfigError(`traffic.${key}: ${whole} has no value here (no rollout context yet)`)
      return value
    }),
  )
}

/** `traffic: { provider: command }`: this backend's descriptor, listed in shared/traffic/registry.ts. */
export const commandTraffic: TrafficBackend<CommandTraffic> = {
  type: 'command',
  definition: 'commandTraffic',
  schema: variant(
    'provider',
    'command',
    'Your own commands move traffic; `{{weight}}` (0-100), `{{version}}`, `{{stableVersion}}` and `{{environment}}` are filled in, each inside one argument (no shell).',
    {
      setWeight: ref('argv', 'Command that sets the canary weight, e.g. `[./scripts/set-weight.sh, "{{weight}}"]`.'),
      getWeight: ref('argv', 'Command that prints the current canary weight (0-100) on stdout, to detect drift.'),
    },
    ['setWeight'],
  ),
  create: (config, deps) => createCommandProvider(config, deps),
}
