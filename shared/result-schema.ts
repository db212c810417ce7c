/**
 * schema/result.schema.json and docs/reason-codes.md, generated from the one reason-code list
 * (shared/reason-codes.ts). `npm run gen:reason-codes` writes them; test/contract/reason-codes.test.ts
 * fails when the committed files differ.
 */
import { REASON_CODES, REASON_CODE_LIST, RESULT_ACTIONS, RESULT_SCHEMA_VERSION } from './reason-codes.js'

export function resultSchema(): Record<string, unknown> {
  const nullableString = { type: ['string', 'null'] }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/rollgate/rollgate/schema/result.schema.json',
    title: 'Rollgate action result',
    description:
      'The `result` output every Rollgate action writes on every ending, failures and refusals included: `fromJSON(steps.<id>.outputs.result).reasonCode`. Generated from shared/reason-codes.ts.',
    type: 'object',
    required: ['schemaVersion', 'action', 'reasonCode', 'message', 'rollout'],
    properties: {
      schemaVersion: { const: RESULT_SCHEMA_VERSION, description: 'Bumped only on an incompatible change.' },
      action: { enum: [...RESULT_ACTIONS] },
      reasonCode: {
        enum: REASON_CODE_LIST,
        description: 'Why the action ended the way it did; see docs/reason-codes.md.',
      },
      message: { type: 'string', description: 'One line saying what happened, or what was wrong and what to do.' },
      rollout: {
        description: 'The rollout as its record holds it after the action; null when no record was read.',
        oneOf: [
          { type: 'null' },
          {
            type: 'object',
            required: ['environment', 'phase', 'step', 'weight', 'canary', 'stable', 'deploymentId'],
            properties: {
              environment: { type: 'string' },
              phase: { enum: ['idle', 'pending', 'canary', 'promoted', 'rolled-back', 'aborted'] },
              step: { type: 'integer', minimum: -1, description: '0-based index of the step in force; -1 before the first.' },
              weight: { type: 'number', minimum: 0, maximum: 100 },
              canary: nullableString,
              canarySha: nullableString,
              stable: nullableString,
              deploymentId: { type: ['integer', 'null'] },
              reason: { type: 'string' },
              lastVerdict: { type: 'object' },
            },
          },
        ],
      },
      traffic: {
        type: 'object',
        description: 'The traffic move this action made, when it made one.',
        required: ['from', 'to', 'kind'],
        properties: { from: { type: 'number' }, to: { type: 'number' }, kind: { type: 'string' } },
      },
      decision: { enum: ['pass', 'fail', 'inconclusive', 'continue', 'winner', 'no-difference'], description: 'analyze only; `winner` and `no-difference` for an experiment (input `experiment`).' },
    },
    additionalProperties: true,
  }
}

export function resultSchemaText(): string {
  return `${JSON.stringify(resultSchema(), null, 2)}\n`
}

export function reasonCodesMarkdown(): string {
  const lines = [
    '# Reason codes',
    '',
    '<!-- Generated from shared/reason-codes.ts by `npm run gen:reason-codes`; do not edit by hand. -->',
    '',
    'Every Rollgate action writes a `result` output on every ending, failures and refusals included',
    `(schema: [schema/result.schema.json](../schema/result.schema.json), \`schemaVersion\` ${RESULT_SCHEMA_VERSION}). A workflow`,
    'branches on its reason code:',
    '',
    '```yaml',
    "- if: ${{ always() && fromJSON(steps.promote.outputs.result).reasonCode == 'lease-held' }}",
    '  run: echo "another rollout is running; try again later"',
    '```',
    '',
    '| reasonCode | meaning |',
    '| --- | --- |',
    ...REASON_CODE_LIST.map((code) => `| \`${code}\` | ${REASON_CODES[code].replace(/\|/g, '\\|')} |`),
    '',
  ]
  return lines.join('\n')
}
