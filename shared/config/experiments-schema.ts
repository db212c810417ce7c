/**
 * The policy's `experiments:` section (docs/experiments.md): A/B experiments judged by the analyze
 * action with `experiment: <name>`. Kept in its own file so shared/config/schema.ts only lists it.
 * Metrics provider, variables and guardrail checks come from an analysis template, so queries and
 * backends are defined once for canaries and experiments alike.
 */
import type { JsonSchema } from './json-schema.js'

const ref = (name: string, description: string, extra: JsonSchema = {}): JsonSchema => ({ $ref: `#/definitions/${name}`, description, ...extra })
const str = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', minLength: 1, description, ...extra })

function object(description: string, properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  const schema: JsonSchema = { type: 'object', description, properties, additionalProperties: false }
  if (required.length > 0) schema.required = required
  return schema
}

const better: JsonSchema = {
  enum: ['increase', 'decrease'],
  description: 'Which change of the primary metric is better: `increase` (conversions, order value) or `decrease` (bounce rate, time to checkout).',
}

const primaryName = ref('name', 'Name of the primary metric, shown in every report.')

/** The `experiments:` property of the policy root. */
export const EXPERIMENTS_PROPERTY: JsonSchema = {
  type: 'object',
  description: 'A/B experiments by name; `analyze` with `experiment: <name>` judges one (docs/experiments.md).',
  propertyNames: { $ref: '#/definitions/name' },
  additionalProperties: { $ref: '#/definitions/experiment' },
  default: {},
}

/** Definitions merged into the policy schema's `definitions`. */
export const EXPERIMENT_DEFINITIONS: Record<string, JsonSchema> = {
  experiment: object(
    'One A/B experiment: variants, how traffic is split between them, the primary metric and its guardrails.',
    {
      start: {
        type: 'string',
        pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$',
        description: 'When the split started serving (ISO 8601, `2026-11-20` or `2026-11-20T09:00:00Z`): every look judges the intervals from here on.',
      },
      variants: {
        type: 'array',
        minItems: 2,
        description: 'The variants, two or more, one of them the control.',
        items: { $ref: '#/definitions/experimentVariant' },
      },
      control: ref('name', 'The variant the others are compared with.', { default: 'control' }),
      split: ref('experimentSplit', 'How traffic is split between the variants.'),
      analysis: ref('name', 'Analysis template (under `analysis`) whose metrics provider and variables the queries use, and whose checks `guardrails` names.'),
      interval: ref('duration', 'Time between looks, and the window each query covers. Every look re-reads all intervals since `start`.', { default: '1d' }),
      primary: ref('experimentPrimary', 'The metric that decides the winner.'),
      guardrails: {
        type: 'array',
        description: 'Checks of the analysis template that must not regress on any variant, judged by the canary judge against control; a variant that breaks one cannot win. Default: none.',
        items: ref('name', 'Name of a check of the analysis template.'),
        default: [],
      },
      minimumEffect: ref('percentage', 'Smallest relative lift that matters. `no-difference` means the lift is proven within ±this; it also tunes the confidence sequences.'),
      maxDuration: ref('duration', 'After this long without a decision the experiment is `inconclusive`.'),
      alpha: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 0.5,
        description: 'Family-wise error over every look and every variant: false winners, false losers and false no-difference included.',
        default: 0.05,
      },
    },
    ['start', 'variants', 'split', 'analysis', 'primary', 'minimumEffect', 'maxDuration'],
  ),
  experimentVariant: object(
    'One variant.',
    {
      name: ref('name', 'The variant\'s name: `{{variant}}` in queries, the flag\'s variant name for a flag split.'),
      weight: {
        type: 'number',
        exclusiveMinimum: 0,
        description: 'Share of the traffic (relative to the other variants). Sessions per variant are checked against it (sample-ratio mismatch).',
        default: 1,
      },
    },
    ['name'],
  ),
  experimentSplit: {
    type: 'object',
    description: 'How traffic reaches the variants, chosen by `type`.',
    discriminator: { propertyName: 'type' },
    oneOf: [{ $ref: '#/definitions/experimentTrafficSplit' }, { $ref: '#/definitions/experimentFlagSplit' }],
  },
  experimentTrafficSplit: object(
    'The environment\'s traffic provider: control is the stable version, the other variant the canary at its weight (deploy it with `deploy-canary`). Exactly two variants.',
    {
      type: { const: 'traffic', description: 'Selects this split: `traffic`.' },
      environment: ref('environmentName', 'Environment (under `environments`) whose traffic provider splits the two versions.'),
    },
    ['type', 'environment'],
  ),
  experimentFlagSplit: object(
    'A feature flag\'s variants, served by the policy\'s flag source (`flags.source`); the variant names are the flag\'s.',
    {
      type: { const: 'flag', description: 'Selects this split: `flag`.' },
      flag: str('Name (key) of the flag in the flag source.'),
    },
    ['type', 'flag'],
  ),
  experimentPrimary: {
    type: 'object',
    description: 'The primary metric, chosen by `type`.',
    discriminator: { propertyName: 'type' },
    oneOf: [{ $ref: '#/definitions/experimentRatioMetric' }, { $ref: '#/definitions/experimentSamplesMetric' }],
  },
  experimentRatioMetric: object(
    'Events out of a total per variant (conversions per session), compared as rates.',
    {
      type: { const: 'ratio', description: 'Selects this metric: `ratio`.' },
      name: primaryName,
      events: str('Query counting the events (conversions) of one variant in the interval; `{{variant}}` is the variant\'s name.'),
      total: str('Query counting the total (sessions) of one variant in the interval.'),
      direction: better,
    },
    ['type', 'name', 'events', 'total', 'direction'],
  ),
  experimentSamplesMetric: object(
    'Positive values per variant (order value), compared by their mean. Set exactly one of `values` and `buckets`.',
    {
      type: { const: 'samples', description: 'Selects this metric: `samples`.' },
      name: primaryName,
      values: str('Query returning one variant\'s raw values for the interval.'),
      buckets: str('Query returning one variant\'s cumulative histogram buckets (series with an `le` label) for the interval.'),
      direction: better,
    },
    ['type', 'name', 'direction'],
  ),
}
