/**
 * The policy file's JSON Schema: the single source of truth. scripts/gen-schema.mjs writes it to
 * schema/rollgate.schema.json, generates the TypeScript types (policy-file.generated.ts for the file
 * as written, policy.generated.ts for the loaded policy) and the precompiled Ajv validator from it;
 * test/config/generated.test.ts fails when any of them differs from a fresh generation.
 *
 * Conventions the generator and the loader rely on:
 * - `$ref: '#/definitions/duration'` marks a duration (loaded as milliseconds) and
 *   `$ref: '#/definitions/percentage'` a percentage (loaded as a fraction: 5% -> 0.05);
 * - a property with a `default` is always present in the loaded policy;
 * - unions of objects are `oneOf` + `discriminator` on a `const` property, so errors name the branch;
 * - any other `oneOf` is the only constraint on its value (the loader reports it as one problem).
 */

import { FLAG_SOURCES } from '../flags/sources/list.js'

import type { JsonSchema, SchemaType } from './json-schema.js'

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

// Authoring helpers: they only build plain JSON, so the generated file is flat and editor-friendly.

function ref(name: string, description: string, extra: JsonSchema = {}): JsonSchema {
  return { $ref: `#/definitions/${name}`, description, ...extra }
}

function str(description: string, extra: JsonSchema = {}): JsonSchema {
  return { type: 'string', minLength: 1, description, ...extra }
}

function bool(description: string, fallback: boolean): JsonSchema {
  return { type: 'boolean', description, default: fallback }
}

function list(description: string, items: JsonSchema, extra: JsonSchema = {}): JsonSchema {
  return { type: 'array', description, items, ...extra }
}

function object(description: string, properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  const schema: JsonSchema = { type: 'object', description, properties, additionalProperties: false }
  if (required.length > 0) schema.required = required
  return schema
}

/** One branch of a discriminated union: `tag: value` plus its own keys. */
function variant(
  tag: string,
  value: string,
  description: string,
  properties: Record<string, JsonSchema>,
  required: string[] = [],
): JsonSchema {
  return object(description, { [tag]: { const: value, description: `Selects this ${tag}: \`${value}\`.` }, ...properties }, [
    tag,
    ...required,
  ])
}

function union(tag: string, description: string, branches: string[], extra: JsonSchema = {}): JsonSchema {
  return {
    type: 'object',
    description,
    discriminator: { propertyName: tag },
    oneOf: branches.map((name) => ({ $ref: `#/definitions/${name}` })),
    ...extra,
  }
}

const kubernetes = {
  context: str('kubectl context to use (`--context`); the current context when unset.'),
  kubeconfig: str('Path to a kubeconfig file (`--kubeconfig`); kubectl\'s default when unset.'),
  server: str('API server address (`kubectl --server`), for unusual setups; the kubeconfig\'s when unset.'),
}

/** Every metrics provider retries the same way (shared/http/client.ts). */
const request = {
  timeout: ref('duration', 'How long one request may take, body included, before it counts as failed.', { default: '10s' }),
  retries: {
    type: 'integer',
    minimum: 0,
    maximum: 10,
    description: 'Further attempts after timeouts, network errors, 5xx and 429 responses.',
    default: 2,
  } satisfies JsonSchema,
}

const endpoint = ref('url', 'Overrides the API URL (a proxy, a VPC endpoint, LocalStack).')

const timeout = (fallback: string, what: string): JsonSchema =>
  ref('duration', `How long ${what} may take before it counts as failed.`, { default: fallback })

const commonCheck = {
  name: ref('name', 'Unique name of the check within its template, shown in every report.'),
  critical: bool('A proven regression on a critical check fails the analysis at once, whatever the other checks say.', false),
  group: str('Group the check belongs to, for `mann-whitney` scoring (`groupWeights`).'),
  unit: {
    type: 'string',
    minLength: 1,
    maxLength: 32,
    description:
      'Unit of the numbers a `samples` or `value` query returns, named in every report: `seconds` or `milliseconds` are shown as milliseconds (a Prometheus histogram in seconds reads `p50 41.4 ms`); any other word (`bytes`, `jobs`) follows the number as written. Ratio checks are rates and take no unit.',
  } satisfies JsonSchema,
  weight: {
    type: 'number',
    exclusiveMinimum: 0,
    description: 'Relative weight of the check within its group for `mann-whitney` scoring.',
    default: 1,
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

export const policySchema: JsonSchema = {
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
  },
  definitions: {
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
      },
      ['traffic', 'steps'],
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

    traffic: union('provider', 'The traffic provider, chosen by `provider`.', [
      'commandTraffic',
      'gatewayApiTraffic',
      'istioTraffic',
      'nginxIngressTraffic',
      'argoRolloutsTraffic',
      'awsLambdaTraffic',
      'haproxyTraffic',
      'unleashTraffic',
    ]),
    commandTraffic: variant(
      'provider',
      'command',
      'Your own commands move traffic; `{{weight}}` (0-100), `{{version}}`, `{{stableVersion}}` and `{{environment}}` are filled in, each inside one argument (no shell).',
      {
        setWeight: ref('argv', 'Command that sets the canary weight, e.g. `[./scripts/set-weight.sh, "{{weight}}"]`.'),
        getWeight: ref('argv', 'Command that prints the current canary weight (0-100) on stdout, to detect drift.'),
      },
      ['setWeight'],
    ),
    gatewayApiTraffic: variant(
      'provider',
      'gateway-api',
      'Kubernetes Gateway API: sets the weights of two backendRefs of an HTTPRoute.',
      {
        namespace: str('Namespace of the HTTPRoute.'),
        route: str('Name of the HTTPRoute.'),
        stable: str('Service name of the stable backendRef.'),
        canary: str('Service name of the canary backendRef.'),
        ...kubernetes,
      },
      ['namespace', 'route', 'stable', 'canary'],
    ),
    istioTraffic: variant(
      'provider',
      'istio',
      'Istio: sets the weights of two destinations in a VirtualService HTTP route.',
      {
        namespace: str('Namespace of the VirtualService.'),
        virtualService: str('Name of the VirtualService.'),
        route: str('Name of the HTTP route inside the VirtualService; every HTTP route holding both destinations when unset.'),
        stable: ref('istioDestination', 'Destination of the stable version.'),
        canary: ref('istioDestination', 'Destination of the canary version.'),
        ...kubernetes,
      },
      ['namespace', 'virtualService', 'stable', 'canary'],
    ),
    istioDestination: object(
      'An Istio destination.',
      {
        host: str('Destination host (a Kubernetes Service name or FQDN).'),
        subset: str('DestinationRule subset, when both versions share a host.'),
      },
      ['host'],
    ),
    nginxIngressTraffic: variant(
      'provider',
      'nginx-ingress',
      'ingress-nginx: sets `nginx.ingress.kubernetes.io/canary-weight` on the canary Ingress.',
      {
        namespace: str('Namespace of the Ingress.'),
        ingress: str('Name of the canary Ingress (the one annotated `canary: "true"`).'),
        ...kubernetes,
      },
      ['namespace', 'ingress'],
    ),
    argoRolloutsTraffic: variant(
      'provider',
      'argo-rollouts',
      'Drives an existing Argo Rollouts Rollout (set weight, promote, abort) through its controller.',
      {
        namespace: str('Namespace of the Rollout.'),
        rollout: str('Name of the Rollout.'),
        ...kubernetes,
        timeout: ref('duration', 'How long the controller may take to report the new weight.', { default: '2m' }),
      },
      ['namespace', 'rollout'],
    ),
    awsLambdaTraffic: variant(
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
    haproxyTraffic: variant(
      'provider',
      'haproxy',
      'HAProxy runtime API: sets the weights of two servers in a backend. Set exactly one of `socket` or `address`.',
      {
        socket: str('Path of the runtime API Unix socket (`stats socket`).'),
        address: str('`host:port` of the runtime API over TCP.'),
        backend: str('Backend holding both servers.'),
        stable: str('Server name of the stable version.'),
        canary: str('Server name of the canary version.'),
      },
      ['backend', 'stable', 'canary'],
    ),
    unleashTraffic: variant(
      'provider',
      'unleash',
      'Unleash: the canary is a feature flag whose gradual-rollout percentage is the weight.',
      {
        url: ref('url', 'Unleash API base URL, e.g. `https://unleash.example.com/api`.'),
        token: str('Admin API token; write `${UNLEASH_TOKEN}` and keep the value in a secret.'),
        project: str('Unleash project.', { default: 'default' }),
        feature: str('Feature flag name.'),
        environment: str('Unleash environment name.'),
        strategyId: str('Id of the flexible-rollout strategy to update; the feature\'s only flexible rollout in that environment when unset.'),
      },
      ['url', 'token', 'feature', 'environment'],
    ),

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
      {},
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

    metricsProvider: union('type', 'A metrics provider.', [
      'prometheusMetrics',
      'datadogMetrics',
      'cloudwatchMetrics',
      'newrelicMetrics',
      'httpMetrics',
      'scrapeMetrics',
    ]),
    prometheusMetrics: variant(
      'type',
      'prometheus',
      'Prometheus (or any server with its HTTP API: Thanos, Mimir, VictoriaMetrics).',
      {
        address: ref('url', 'Base URL of the Prometheus HTTP API, e.g. `http://prometheus:9090`.'),
        headers: ref('headers', 'Extra request headers.'),
        auth: ref('prometheusAuth', 'Authentication, chosen by `type`.'),
        queryRange: bool(
          'Query `/api/v1/query_range` over each interval (one point per `step`) instead of an instant query at its end.',
          false,
        ),
        step: ref('duration', 'Resolution of range queries; one point per interval when unset.'),
        ...request,
      },
      ['address'],
    ),
    prometheusAuth: union('type', 'Prometheus authentication.', ['bearerAuth', 'basicAuth', 'headerAuth']),
    bearerAuth: variant('type', 'bearer', 'Sends `Authorization: Bearer <token>`.', { token: str('The token; write `${NAME}`.') }, ['token']),
    basicAuth: variant(
      'type',
      'basic',
      'HTTP basic authentication.',
      { username: str('User name.'), password: str('Password; write `${NAME}`.') },
      ['username', 'password'],
    ),
    headerAuth: variant(
      'type',
      'header',
      'Sends the credential in a header of your choice.',
      { name: str('Header name, e.g. `X-Scope-OrgID`.'), value: str('Header value; write `${NAME}`.') },
      ['name', 'value'],
    ),
    datadogMetrics: variant(
      'type',
      'datadog',
      'Datadog metrics query API.',
      {
        site: str('Datadog site.', { default: 'datadoghq.com' }),
        apiKey: str('API key; write `${DD_API_KEY}`.'),
        appKey: str('Application key; write `${DD_APP_KEY}`.'),
        endpoint,
        ...request,
      },
      ['apiKey', 'appKey'],
    ),
    cloudwatchMetrics: variant(
      'type',
      'cloudwatch',
      'Amazon CloudWatch GetMetricData: each query is a metric-math or Metrics Insights expression, or a JSON MetricDataQuery. Credentials come from the usual AWS environment variables.',
      {
        region: str('AWS region.'),
        endpoint,
        ...request,
      },
      ['region'],
    ),
    newrelicMetrics: variant(
      'type',
      'newrelic',
      'New Relic NRQL queries through NerdGraph.',
      {
        accountId: { type: ['string', 'integer'], pattern: '^[0-9]+$', description: 'New Relic account id.' },
        apiKey: str('User API key; write `${NEW_RELIC_API_KEY}`.'),
        region: { enum: ['us', 'eu'], description: 'Data center region.', default: 'us' },
        endpoint,
        ...request,
      },
      ['accountId', 'apiKey'],
    ),
    httpMetrics: variant(
      'type',
      'http',
      'Any JSON endpoint: `{{query}}` in the URL, headers or body is replaced by the check\'s query, and `jsonPath` picks the numbers.',
      {
        url: ref('url', 'URL to request; may contain `{{query}}` and the other placeholders (URL-encoded).'),
        method: { enum: ['GET', 'POST'], description: 'HTTP method.', default: 'GET' },
        headers: ref('headers', 'Extra request headers; may contain placeholders.'),
        body: {
          type: ['string', 'object'],
          description: 'Request body for POST: text, or a mapping sent as JSON; placeholders in its strings are filled in.',
        },
        jsonPath: ref('httpJsonPaths', 'Where the numbers are in the response.', { default: {} }),
        ...request,
      },
      ['url'],
    ),
    httpJsonPaths: object('JSONPath expressions (themselves templates) locating the numbers in a response.', {
      value: str('The number for ratio counts and value checks.', { default: '$.value' }),
      values: str('The numbers of a samples `values` check.', { default: '$.values[*]' }),
      buckets: str('The bucket objects of a samples `buckets` check.', { default: '$.buckets[*]' }),
      le: str('Within a bucket object: its upper bound.', { default: 'le' }),
      count: str('Within a bucket object: its cumulative count.', { default: 'count' }),
    }),
    scrapeMetrics: variant(
      'type',
      'scrape',
      'Reads Prometheus exposition text straight from `/metrics` endpoints of each arm: no metrics server needed. Queries are metric names with optional label matchers.',
      {
        canary: list('`/metrics` URLs of the canary instances.', { $ref: '#/definitions/url' }, { minItems: 1 }),
        baseline: list('`/metrics` URLs of the stable (baseline) instances.', { $ref: '#/definitions/url' }, { minItems: 1 }),
        headers: ref('headers', 'Extra request headers.'),
        ...request,
      },
      ['canary', 'baseline'],
    ),

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
    flagSource: union('type', 'A flag source.', FLAG_SOURCES.map((d) => d.definition)),
    // Each flag source's own schema fragment, from its descriptor in shared/flags/sources/.
    ...Object.fromEntries(FLAG_SOURCES.map((d) => [d.definition, d.schema])),
  },
}
