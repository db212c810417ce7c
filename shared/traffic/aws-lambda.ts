import { ConfigError, ProviderError } from '../errors.js'
import { runOrThrow } from './exec.js'
import { isRecord } from './kubectl.js'
import type { TrafficBackend, TrafficDeps, TrafficProvider, WeightContext } from './types.js'
import { assertWeight, moveWeight, optionalString, requireString } from './transaction.js'
import type { AwsLambdaTraffic } from '../config/policy.generated.js'
import { str, variant } from '../config/schema-parts.js'

/**
 * `provider: aws-lambda`: an alias's routing configuration, through the AWS CLI. The stable and
 * canary versions of the rollout are published Lambda version numbers; the alias points at the
 * stable one and sends the canary weight to the other as an additional version.
 */
export interface AwsLambdaOptions {
  functionName: string
  alias: string
  region?: string
}

interface AliasConfiguration {
  functionVersion: string
  additionalWeights: Record<string, number>
  revisionId: string | undefined
}

export function createAwsLambdaProvider(options: AwsLambdaOptions, deps: TrafficDeps): TrafficProvider {
  const functionName = requireString(options, 'functionName', 'aws-lambda', 'function')
  const alias = requireString(options, 'alias', 'aws-lambda')
  const region = optionalString(options, 'region', 'aws-lambda')
  const target = `Lambda alias ${functionName}:${alias}${region ? ` (${region})` : ''}`
  let lastContext: WeightContext | undefined

  const aws = async (call: string, args: string[]): Promise<AliasConfiguration> => {
    const argv = ['lambda', call, '--function-name', functionName, '--name', alias, ...args, ...(region ? ['--region', region] : []), '--output', 'json']
    // AWS CLI v2 pipes output through a pager unless told not to.
    const { stdout } = await runOrThrow(deps.exec, 'aws-lambda', `aws lambda ${call} ${functionName}:${alias}`, 'aws', argv, { env: { AWS_PAGER: '' } })
    return parseAlias(stdout, call)
  }
  const getAlias = (): Promise<AliasConfiguration> => aws('get-alias', [])
  const updateAlias = (functionVersion: string, weights: Record<string, number>, revisionId?: string): Promise<AliasConfiguration> =>
    aws('update-alias', [
      '--function-version',
      functionVersion,
      '--routing-config',
      JSON.stringify({ AdditionalVersionWeights: weights }),
      ...(revisionId ? ['--revision-id', revisionId] : []),
    ])

  return {
    name: 'aws-lambda',
    describe: () => target,
    async readWeight(ctx) {
      return aliasWeight(await getAlias(), ctx ?? lastContext)
    },
    async setWeight(weight, ctx) {
      assertWeight(weight, 'aws-lambda')
      const versions = checkVersions(ctx)
      lastContext = ctx
      const before = await getAlias()
      // Lambda wants whole traffic on one version without routing: 0% and 100% name a single version.
      const next =
        weight === 0
          ? { version: versions.stable, weights: {} }
          : weight === 100
            ? { version: versions.canary, weights: {} }
            : { version: versions.stable, weights: { [versions.canary]: Number((weight / 100).toFixed(4)) } }
      return moveWeight({
        provider: 'aws-lambda',
        target,
        weight,
        previous: aliasWeight(before, ctx),
        logger: deps.logger,
        steps: [
          {
            description: `${target}: ${describeAlias(before.functionVersion, before.additionalWeights)}→${describeAlias(next.version, next.weights)}`,
            // The revision id fails the update if someone changed the alias since it was read.
            apply: async () => void (await updateAlias(next.version, next.weights, before.revisionId)),
            undo: async () => void (await updateAlias(before.functionVersion, before.additionalWeights)),
          },
        ],
        verify: async () => aliasWeight(await getAlias(), ctx),
      })
    },
  }
}

function checkVersions(ctx: WeightContext): { stable: string; canary: string } {
  for (const [key, value] of [['stableVersion', ctx.stableVersion], ['canaryVersion', ctx.canaryVersion]] as const) {
    if (!/^\d+$/.test(value)) {
      throw new ConfigError(`aws-lambda: the ${key === 'stableVersion' ? 'stable' : 'canary'} version "${value}" is not a published Lambda version number (alias routing needs numbered versions, not $LATEST or an image tag)`)
    }
  }
  if (ctx.stableVersion === ctx.canaryVersion) {
    throw new ConfigError(`aws-lambda: the stable and canary versions are both ${ctx.stableVersion}; publish the canary as a new version first`)
  }
  return { stable: ctx.stableVersion, canary: ctx.canaryVersion }
}

/** The canary's share of the alias's traffic, in percent. */
export function aliasWeight(alias: AliasConfiguration, ctx: WeightContext | undefined): number | undefined {
  const percent = (fraction: number): number => Math.round(fraction * 10_000) / 100
  const extra = Object.entries(alias.additionalWeights)
  if (ctx === undefined) {
    // Without the versions, only a split tells anything: the share of the additional version.
    return extra.length === 0 ? undefined : percent(extra.reduce((sum, [, w]) => sum + w, 0))
  }
  if (alias.functionVersion === ctx.canaryVersion && extra.length === 0) return 100
  if (alias.functionVersion === ctx.stableVersion) return percent(alias.additionalWeights[ctx.canaryVersion] ?? 0)
  return undefined
}

function describeAlias(version: string, weights: Record<string, number>): string {
  const extra = Object.entries(weights).map(([v, w]) => `${v}@${w}`)
  return extra.length === 0 ? `version ${version}` : `version ${version} + ${extra.join(', ')}`
}

function parseAlias(stdout: string, call: string): AliasConfiguration {
  let parsed: unknown
  try {
    parsed = JSON.parse(stdout)
  } catch {
    parsed = undefined
  }
  if (!isRecord(parsed) || typeof parsed.FunctionVersion !== 'string') {
    throw new ProviderError('aws-lambda', `aws lambda ${call}`, `expected the alias configuration as JSON, got: ${stdout.slice(0, 200)}`)
  }
  const routing = isRecord(parsed.RoutingConfig) ? parsed.RoutingConfig : {}
  const weights = isRecord(routing.AdditionalVersionWeights) ? routing.AdditionalVersionWeights : {}
  const additionalWeights: Record<string, number> = {}
  for (const [version, weight] of Object.entries(weights)) if (typeof weight === 'number') additionalWeights[version] = weight
  return {
    functionVersion: parsed.FunctionVersion,
    additionalWeights,
    revisionId: typeof parsed.RevisionId === 'string' ? parsed.RevisionId : undefined,
  }
}

/** `traffic: { provider: aws-lambda }`: this backend's descriptor, listed in shared/traffic/registry.ts. */
export const awsLambdaTraffic: TrafficBackend<AwsLambdaTraffic> = {
  type: 'aws-lambda',
  definition: 'awsLambdaTraffic',
  schema: variant(
    'provider',
    'aws-lambda',
    'AWS Lambda: weighted alias routing between two function versions.',
    {
      function: str('Function name or ARN.'),
      alias: str('Alias whose routing configuration is changed.'),
      region: str('AWS region; `AWS_REGION` when unset.'),
    },
    ['function', 'alias'],
  ),
  create: (config, deps) =>
    createAwsLambdaProvider({ functionName: config.function, alias: config.alias, ...(config.region !== undefined ? { region: config.region } : {}) }, deps),
}
