/**
 * The policy file's JSON Schema: the single source of truth, its fixed part here and each backend's
 * fragment in the backend's own file. scripts/gen-schema.ts composes them (composePolicySchema with
 * the registries), writes the result to schema/rollgate.schema.json and
 * policy-schema.generated.ts (what the loader reads), and generates the TypeScript types
 * (policy-file.generated.ts for the file as written, policy.generated.ts for the loaded policy) and
 * the precompiled Ajv validator from it; test/config/generated.test.ts fails when any of them
 * differs from a fresh generation. Other policy keys are added here, each in its own block.
 *
 * Conventions the generator and the loader rely on:
 * - `$ref: '#/definitions/duration'` marks a duration (loaded as milliseconds) and
 *   `$ref: '#/definitions/percentage'` a percentage (loaded as a fraction: 5% -> 0.05);
 * - a property with a `default` is always present in the loaded policy;
 * - unions of objects are `oneOf` + `discriminator` on a `const` property, so errors name the branch;
 * - any other `oneOf` is the only constraint on its value (the loader reports it as one problem).
 */

import type { JsonSchema, SchemaType } from './json-schema.js'
import { EXPERIMENT_DEFINITIONS, EXPERIMENTS_PROPERTY } from './experiments-schema.js'
import { bool, list, object, ref, str, union, variant, type PolicyParts, type SchemaPart } from './schema-parts.js'

export type { JsonSchema, SchemaType }

export const SCHEMA_ID = 'https://raw.githubusercontent.com/rollgate-dev/rollgate/main/schema/rollgate.schema.json'

/** Placeholders every query may use; user `variables` add more. */
// The same names shared/metrics/template.ts fills in for every query.
export const QUERY_PLACEHOLDERS = [
  'version',
  'environment',
  'arm',
  'interval',
  'intervalSeconds',
  'start',
  'end',
  'startMs',
  'endMs',
  'startIso',
  'endIso',
] as const

const timeout = (fallback: string, what: string): JsonSchema =>
  ref('duration', `How long ${what} may take before it counts as failed.`, { default: fallback })

const commonCheck = {
  name: ref('name', 'Unique name of the check within its template, shown in every report.'),
  critical: bool('A proven regression on a critical check fails the analysis at once, whatever the other checks say.', false),
  group: str('Group the check belongs to, for `mann-whitney` scoring (`groupWeights`).'),
  weight: {
    type: 'number',
    exclusiveMinimum: 0,
    description: 'Relative weight of the check within its group for `mann-whitney` scoring.',
    default: 1,
  } satisfies JsonSchema,
}

/** `unit` of samples and value checks (a ratio check is a rate and has none). */
const unitKey = {
  unit: {
    type: 'string',
    minLength: 1,
    maxLength: 32,
    description:
      'Unit of the numbers a `samples` or `value` query returns, named in every report: `seconds` or `milliseconds` are shown as milliseconds (a Prometheus histogram in seconds reads `p50 41.4 ms`); any other word (`bytes`, `jobs`) follows the number as written.',
  } satisfies JsonSchema,
}

const comparedCheck = {
  direction: {
    enum: ['increase', 'decrease', 'either'],
    description:
      'Which change is a regression: `increase` (errors, latency), `decrease` (throughput, conversions) or `either`.',
    default: 'increase',
  } satisfies JsonSchema,
  tolerance: ref(
    'percentage',
    'Relative change from the baseline still accepted as no regression: `5%` lets the canary be 5% worse. In `mann-whitney` mode this is Kayenta\'s allowed increase (or decrease).',
    { default: '0%' },
  ),
}

const onInconclusive = (fallback?: string): JsonSchema =>
  ref(
    'onInconclusive',
    fallback
      ? 'What happens when an analysis ends without a decision (not enough evidence by `maxDuration`).'
      : 'What happens when this template\'s analysis ends without a decision; the environment\'s `onInconclusive` when unset.',
    fallback ? { default: fallback } : {},
  )

// Drills and mirroring (#16): one local block, spread into `definitions` and the environment/step.
const MIRROR_PERCENT: JsonSchema = {
  type: 'number',
  exclusiveMinimum: 0,
  maximum: 100,
  description: 'Percentage of requests copied to the canary (more than 0, at most 100; Gateway API writes a non-integer as a fraction).',
}
const HTTP_METHODS = ['GET', 'HEAD', 'OPTIONS', 'TRACE', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT']
const MIRROR_STEP: JsonSchema = {
  description:
    'Dark launch: copy this percentage of requests (GET and HEAD by default) to the canary while users get only the stable version\'s responses; the step\'s weight must be 0. `gateway-api` and `istio` only. Write `mirror: 10` or `mirror: { percent: 10, methods: [GET, HEAD] }`.',
  // Not a oneOf: the loader reports a oneOf as one problem, and a bad method should be named.
  type: ['number', 'object'],
  exclusiveMinimum: 0,
  maximum: 100,
  properties: {
    percent: MIRROR_PERCENT,
    methods: list(
      'HTTP methods mirrored (default GET and HEAD). A mirrored write runs twice against the back ends both versions share (databases, queues, payment APIs): add a method only when the canary cannot write to them.',
      { enum: HTTP_METHODS },
      { minItems: 1 },
    ),
  },
  required: ['percent'],
  additionalProperties: false,
}
const DRILL_AND_MIRROR_DEFINITIONS: Record<string, JsonSchema> = {
  drill: object(
    'A rollback drill: the `drill` action ships a canary, injects a failure, rolls back and checks that traffic, record, deployment status and alert all say so, measuring the time to restore.',
    {
      schedule: str('Cron expression the drill workflow runs on (documentation: GitHub reads the schedule from the workflow\'s `on.schedule`, which the `drill` action compares with it).'),
      inject: {
        enum: ['verdict', 'provider-fault'],
        description:
          '`verdict`: a failing analysis verdict is recorded for the canary, then it is rolled back. `provider-fault`: the same, and the traffic provider also fails the rollback\'s first move (the backend is down just when you need it); the drill checks the weights were restored and recorded, then rolls back again.',
        default: 'verdict',
      },
      version: str('Version shipped as the drill\'s canary (the `version` input wins); the stable version when unset, so a drill ships no new code.'),
      alert: object('Where the rollback\'s alert goes; the drill checks it arrived.', {
        issue: { type: 'integer', minimum: 1, description: 'Issue (or pull request) number that gets the environment\'s sticky rollout comment.' },
        webhook: ref('url', 'URL POSTed the drill\'s result as JSON; a 2xx answer counts as delivered.'),
      }),
      maxTimeToRestore: ref('duration', 'The drill fails when restoring the stable version (failure injected → traffic read back at 0%) takes longer.', { default: '5m' }),
      allowProduction: bool('Allow drills on an environment marked `production: true`. Without it the drill refuses (reason code `drill-production-refused`).', false),
    },
  ),
}

/** A backend's definition, then the definitions only it uses, in that order. */
function fragments(parts: readonly SchemaPart[]): Record<string, JsonSchema> {
  return Object.fromEntries(parts.flatMap((p) => [[p.definition, p.schema] as const, ...Object.entries(p.definitions ?? {})]))
}

/**
 * The whole policy schema, with the backends' fragments in their unions. scripts/gen-schema.ts calls
 * it with the registries (shared/traffic/registry.ts, shared/metrics/registry.ts,
 * shared/flags/sources/list.ts); a test can call it with a backend of its own.
 */
export function composePolicySchema(parts: PolicyParts): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'Rollgate policy',
    description:
      'The rollout policy read from `.github/rollgate.yml`: environments and their traffic steps, analysis templates and feature-flag cleanup. `${NAME}` in a string value is replaced by the environment variable NAME (`$${` writes a literal `${`).',
    type: 'object',
    additionalProperties: false,
    required: ['version', 'environments'],
    properties: {
      version: { const: 1, description: 'Version of the policy file format. Always `1`.' },
      environments: {
        type: 'object',
        description: 'Deployment environments by name (the GitHub environment name), each with its traffic provider and steps.',
        propertyNames: { $ref: '#/definitions/environmentName' },
        additionalProperties: { $ref: '#/definitions/environment' },
      },
      analysis: {
        type: 'object',
        description: 'Analysis templates by name; steps refer to them with `analysis: <name>`.',
        propertyNames: { $ref: '#/definitions/name' },
        additionalProperties: { $ref: '#/definitions/analysisTemplate' },
        default: {},
      },
      flags: ref('flags', 'Feature-flag cleanup: where flags are defined, when they are stale and which files to scan.'),
      commands: ref('commands', 'Who may drive rollouts from PR comments (`/rollgate ...`), beyond the roles in each environment\'s `protect`.', {
        default: {},
      }),
      // A/B experiments (#17): their own block in ./experiments-schema.ts.
      experiments: EXPERIMENTS_PROPERTY,
    },
    definitions: {
      ...EXPERIMENT_DEFINITIONS,
      duration: {
        type: 'string',
        // The lookahead rejects zero, which no duration in the policy can mean.
        pattern: '^(?=.*[1-9])([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+$',
        description: 'A duration greater than zero: a number and a unit (ms, s, m, h, d), combined as in `1h30m`.',
      },
      percentage: {
        type: ['string', 'number'],
        // The pattern bounds strings as minimum/maximum bound numbers: 0% to 100%.
        pattern: '^(100(\\.0+)?|[0-9]{1,2}(\\.[0-9]+)?)\\s*%$',
        minimum: 0,
        maximum: 100,
        description: 'A percentage from 0 to 100, written `5%` or `5`.',
      },
      url: {
        type: 'string',
        // `${NAME}` passes so editors accept the unsubstituted file; the loader checks the substituted value.
        pattern: '^(https?://[^\\s]+|.*\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}.*)$',
        description: 'An http:// or https:// URL.',
      },
      name: {
        type: 'string',
        pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
        maxLength: 100,
        description: 'A name made of letters, digits and `-`, `_`, `.`, starting with a letter or digit.',
      },
      variableName: {
        type: 'string',
        pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$',
        maxLength: 100,
        description: 'A placeholder name: letters, digits and `_`, `.`, `-`, starting with a letter or `_`.',
      },
      environmentName: {
        type: 'string',
        pattern: '^[A-Za-z0-9][A-Za-z0-9 _./-]*$',
        maxLength: 255,
        description: 'A GitHub environment name: letters, digits, spaces and `-`, `_`, `.`, `/`.',
      },
      argv: {
        type: 'array',
        items: { type: 'string' },
        minItems: 1,
        description: 'A command as a list of arguments, run without a shell; `{{weight}}`-style placeholders are filled in.',
      },
      headers: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'HTTP headers sent with every request, by name.',
      },
      role: {
        type: 'string',
        minLength: 1,
        description:
          'A repository role: `read`, `triage`, `write`, `maintain`, `admin`, or a custom repository role listed in `commands.roles`. GitHub does not tell a workflow token which base role a custom role inherits, so a custom role counts only as the base role `commands.roles` maps it to; an unmapped custom role is denied.',
      },
      onInconclusive: {
        enum: ['hold', 'promote', 'rollback'],
        description:
          '`hold` keeps the current weight and waits for a `/rollgate` command, `promote` continues to the next step, `rollback` returns to the stable version.',
      },

      environment: object(
        'One deployment environment.',
        {
          production: bool('Marks the GitHub deployment as a production deployment.', false),
          stableVersion: str(
            "The version serving traffic before Rollgate's first rollout here: the first analysis's baseline and the version a first rollback returns to. The `stable-version` input overrides it; after a promotion the record knows it.",
          ),
          strategy: {
            enum: ['canary', 'blue-green'],
            description:
              '`canary` shifts traffic gradually (weights never decrease and the last step is 100); `blue-green` has only 0 (preview) and 100 (switch) steps.',
            default: 'canary',
          },
          traffic: ref('traffic', 'How traffic moves between the stable and canary versions.'),
          steps: list('The rollout schedule, in order; the canary is promoted when the last step completes.', { $ref: '#/definitions/step' }, {
            minItems: 1,
          }),
          protect: ref('protect', 'Minimum repository role needed to run each `/rollgate` command against this environment.', { default: {} }),
          allowForks: bool('Accept `/rollgate` commands on pull requests from forks for this environment.', false),
          onInconclusive: onInconclusive('hold'),
          drills: ref('drill', 'A scheduled rollback drill for this environment (the `drill` action): ship a canary, inject a failure, prove the way back works.'),
          migration: ref('migration', 'An expand/contract database migration gated on the rollout (docs/migrations.md).'),
        },
        ['traffic', 'steps'],
      ),
      // #17 point 2: expand/contract migrations (shared/migration).
      migration: object(
        'Expand runs once before the first traffic move of a rollout; contract once the old version has drained after promotion. Never on rollback. Both must be idempotent (a command interrupted before its end is recorded runs again).',
        {
          expand: ref('argv', 'Command (no shell) that makes the schema work for both versions, e.g. adds the column the new version writes.'),
          contract: ref('argv', 'Command (no shell) that removes what only the old version needed, e.g. drops its column.'),
          drain: ref('duration', "How long the old version's traffic must read back at zero after the promotion before contract runs.", { default: '0s' }),
          timeout: timeout('10m', 'each migration command'),
        },
        ['expand'],
      ),
      step: object(
        'One step of the rollout: set the canary weight, then wait, analyse or both.',
        {
          weight: {
            type: 'integer',
            minimum: 0,
            maximum: 100,
            description: 'Percentage of traffic sent to the canary during this step.',
          },
          analysis: ref('name', 'Name of the analysis template (under `analysis`) that judges this step.'),
          minDuration: ref('duration', 'The step cannot pass before this long, even if the analysis proves the canary good earlier.'),
          maxDuration: ref('duration', 'Longest this step\'s analysis may run; the template\'s `maxDuration` when unset.'),
          pause: {
            description: 'Wait at this weight: `manual` until `/rollgate resume` or `promote`, or a duration.',
            oneOf: [{ const: 'manual', description: 'Wait for a `/rollgate resume` or `promote` command.' }, { $ref: '#/definitions/duration' }],
          },
          skippable: bool('Whether `promote` may move past this step (or skip to 100% with `full`) before its analysis has passed. By default a step with an analysis must pass it first.', false),
          before: list('Hooks run before the weight is set; a failing hook stops the rollout.', { $ref: '#/definitions/hook' }, { default: [] }),
          after: list('Hooks run after the step has passed, before the next step.', { $ref: '#/definitions/hook' }, { default: [] }),
          mirror: MIRROR_STEP,
        },
        ['weight'],
      ),
      hook: union('type', 'A command or webhook run around a step.', ['commandHook', 'webhookHook']),
      commandHook: variant(
        'type',
        'command',
        'Runs a command (no shell); it passes when it exits 0.',
        {
          run: ref('argv', 'The command and its arguments.'),
          timeout: timeout('5m', 'the command'),
          continueOnError: bool('Keep going when the hook fails.', false),
        },
        ['run'],
      ),
      webhookHook: variant(
        'type',
        'webhook',
        'Calls a URL with the rollout as a JSON body; it passes on a 2xx status.',
        {
          url: ref('url', 'The URL to call.'),
          method: { enum: ['GET', 'POST', 'PUT'], description: 'HTTP method.', default: 'POST' },
          headers: ref('headers', 'Extra request headers.'),
          timeout: timeout('10s', 'one request'),
          retries: { type: 'integer', minimum: 0, maximum: 10, description: 'Retries after a failed request.', default: 0 },
          continueOnError: bool('Keep going when the hook fails.', false),
        },
        ['url'],
      ),
      protect: object('Minimum role per command. A commenter below it gets a reply naming the role needed.', {
        canary: ref('role', 'Role needed for `/rollgate canary`.', { default: 'write' }),
        promote: ref('role', 'Role needed for `/rollgate promote`.', { default: 'write' }),
        rollback: ref('role', 'Role needed for `/rollgate rollback`.', { default: 'write' }),
        analyze: ref('role', 'Role needed for `/rollgate analyze`.', { default: 'triage' }),
        pause: ref('role', 'Role needed for `/rollgate pause`.', { default: 'write' }),
        resume: ref('role', 'Role needed for `/rollgate resume`.', { default: 'write' }),
        status: ref('role', 'Role needed for `/rollgate status`.', { default: 'read' }),
        help: ref('role', 'Role needed for `/rollgate help`.', { default: 'read' }),
      }),
      commands: object('Which PR comments are read as commands.', {
        allowBots: bool('Accept commands from bot accounts.', false),
        allowEdited: bool('Accept commands from edited comments; the editor (not the author) is judged, and their text can change after review.', false),
        requireChecks: bool('`/rollgate canary` requires every check run and commit status on the pull request head to have passed (Rollgate\'s own excepted).', true),
        roles: {
          type: 'object',
          description: 'Custom repository roles by name, each mapped to the base role it counts as (`deployer: write`); a custom role not listed here is denied.',
          propertyNames: { type: 'string', minLength: 1, maxLength: 100 },
          additionalProperties: { enum: ['read', 'triage', 'write', 'maintain', 'admin'], description: 'The base role this custom role counts as.' },
          default: {},
        },
      }),

      traffic: union('provider', 'The traffic provider, chosen by `provider`.', parts.traffic.map((p) => p.definition)),
      // Each traffic provider's own schema fragment, from its descriptor in shared/traffic/.
      ...fragments(parts.traffic),

      analysisTemplate: object(
        'How a step is judged: where the metrics come from, how often to look, and the checks.',
        {
          provider: ref('metricsProvider', 'Where metrics come from, chosen by `type`.'),
          interval: ref('duration', 'Time between looks; each look queries every check over the last interval.', { default: '1m' }),
          minDuration: ref('duration', 'The analysis cannot pass before this long.'),
          maxDuration: ref('duration', 'Longest the analysis may run before it ends inconclusive.', { default: '30m' }),
          alpha: {
            type: 'number',
            exclusiveMinimum: 0,
            exclusiveMaximum: 1,
            description:
              'False-rollback budget for the whole analysis, all looks and checks included: the chance of failing a canary that is no worse than the tolerance.',
            default: 0.05,
          },
          test: ref('statisticalTest', 'The statistical test, chosen by `type`.', { default: { type: 'sequential' } }),
          onInconclusive: onInconclusive(),
          variables: {
            type: 'object',
            description:
              'Values for `{{name}}` placeholders in queries, by name, besides the built-in {{version}}, {{environment}}, {{arm}}, {{interval}}, {{intervalSeconds}}, {{start}}, {{end}}, {{startMs}}, {{endMs}}, {{startIso}} and {{endIso}}.',
            propertyNames: { $ref: '#/definitions/variableName' },
            additionalProperties: { type: 'string' },
            default: {},
          },
          checks: list('The checks judged at every look.', { $ref: '#/definitions/check' }, { minItems: 1 }),
        },
        ['provider', 'checks'],
      ),
      statisticalTest: union('type', 'A statistical test.', ['sequentialTest', 'mannWhitneyTest']),
      sequentialTest: variant(
        'type',
        'sequential',
        'Anytime-valid sequential test: the false-rollback rate stays under `alpha` however often the analysis looks, and it can pass or fail early.',
        {
          engine: {
            type: 'string',
            enum: ['v1', 'v3'],
            default: 'v1',
            description:
              'The sequential engine. `v1`: fastest to detect and to pass early; its false-fail rate can exceed `alpha` when the canary\'s own error rate or latency drifts or bursts on its own (one noisy node, a slow leak), and under such drift it can pass a canary that is at its tolerance. `v3` (experimental): learns that noise from both arms\' own series and keeps the false-fail rate under `alpha` under it in the bench (per-arm and canary-only drift, bursts, drifting latency), at the cost of slower verdicts. See docs/judge.md, "Judge engines v2 and v3".',
          },
        },
      ),
      mannWhitneyTest: variant(
        'type',
        'mann-whitney',
        'Kayenta-compatible mode for teams migrating: a Mann-Whitney U test per check at every look and a weighted score. It does not keep `alpha` under repeated looks.',
        {
          confidence: {
            type: 'number',
            exclusiveMinimum: 0.5,
            exclusiveMaximum: 1,
            description: 'Confidence level of each check\'s interval (Kayenta uses 0.98).',
            default: 0.98,
          },
          groupWeights: {
            type: 'object',
            description: 'Weight of each check group in the score, out of 100; groups not listed share what is left equally.',
            additionalProperties: { type: 'number', minimum: 0, maximum: 100 },
            default: {},
          },
          passScore: { type: 'number', minimum: 0, maximum: 100, description: 'Score at or above which the analysis passes.', default: 95 },
          marginalScore: {
            type: 'number',
            minimum: 0,
            maximum: 100,
            description: 'Score below which the analysis fails; between this and `passScore` it is inconclusive.',
            default: 75,
          },
        },
      ),

      metricsProvider: union('type', 'A metrics provider.', parts.metrics.map((p) => p.definition)),
      // Each metrics provider's own schema fragment, from its descriptor in shared/metrics/.
      ...fragments(parts.metrics),

      check: union('type', 'A check, chosen by `type`.', ['ratioCheck', 'samplesCheck', 'valueCheck']),
      ratioCheck: variant(
        'type',
        'ratio',
        'Events out of a total per arm (errors out of requests), judged from counts with the real traffic split.',
        {
          ...commonCheck,
          events: str('Query for the number of events (e.g. errors) in the interval, per arm.'),
          total: str('Query for the total (e.g. requests) in the interval, per arm.'),
          ...comparedCheck,
        },
        ['name', 'events', 'total'],
      ),
      samplesCheck: variant(
        'type',
        'samples',
        'A distribution per arm (latency), from raw samples (`values`) or histogram buckets (`buckets`). Set exactly one of them.',
        {
          ...commonCheck,
          ...unitKey,
          values: str('Query returning raw sample values for the interval, per arm.'),
          buckets: str('Query returning cumulative histogram buckets (series with an `le` label) for the interval, per arm.'),
          quantile: {
            enum: ['p50', 'p90', 'p95', 'p99', 'distribution'],
            description: 'What is compared: one quantile, or the whole `distribution`.',
            default: 'distribution',
          },
          ...comparedCheck,
        },
        ['name'],
      ),
      valueCheck: variant(
        'type',
        'value',
        'An absolute bound on the canary alone, Argo/Flagger style (saturation, queue depth). Set `min`, `max` or both.',
        {
          ...commonCheck,
          ...unitKey,
          query: str('Query returning one number for the canary in the interval.'),
          min: { type: 'number', description: 'Lowest acceptable value.' },
          max: { type: 'number', description: 'Highest acceptable value.' },
          reduce: {
            enum: ['mean', 'last', 'max', 'min', 'sum'],
            description: 'How several points of the series within one interval become one reading.',
            default: 'mean',
          },
          failureLimit: {
            type: 'integer',
            minimum: 0,
            description: 'Looks allowed out of bounds before the check fails.',
            default: 0,
          },
        },
        ['name', 'query'],
      ),

      flags: object('Feature-flag cleanup.', {
        source: ref('flagSource', 'Where flags and their state are read from, chosen by `type`.', { default: { type: 'registry' } }),
        stale: ref('stale', 'When a flag counts as stale.', { default: {} }),
        include: list('Globs of files scanned for flag references.', { type: 'string', minLength: 1 }, { default: ['**/*'] }),
        exclude: list('Globs of files never scanned or edited.', { type: 'string', minLength: 1 }, {
          default: ['node_modules/**', 'dist/**', 'vendor/**', '**/*.min.js'],
        }),
        owners: list('GitHub users or teams (`@org/team`) asked to review cleanups of flags without an owner.', {
          type: 'string',
          pattern: '^@?[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)?$',
        }, { default: [] }),
        maxPullRequests: {
          type: 'integer',
          minimum: 0,
          maximum: 100,
          description: 'Most cleanup pull requests open at once; 0 reports without opening any.',
          default: 5,
        },
        labels: list('Labels put on cleanup pull requests.', { type: 'string', minLength: 1 }, { default: ['flag-cleanup'] }),
        verify: ref('argv', 'Command run after a removal (e.g. `[npm, test]`); a failure turns the pull request into a draft.'),
      }),
      stale: object('Staleness rules.', {
        afterDays: {
          type: 'integer',
          minimum: 1,
          description:
            'Days a flag must serve one value to everyone in the environment (or go without evaluations, where the provider counts them) before it counts as stale. A registry `expires` date is a deadline of its own: the flag is stale from that day.',
          default: 30,
        },
      }),
      ...DRILL_AND_MIRROR_DEFINITIONS,
      flagSource: union('type', 'A flag source.', parts.flagSources.map((p) => p.definition)),
      // Each flag source's own schema fragment, from its descriptor in shared/flags/sources/.
      ...fragments(parts.flagSources),
    },
  }
}
