/**
 * The rollout record's JSON Schema (schemaVersion 1), checked by ajv like the policy. Each leaf
 * carries `x-message`, the wording an error uses (`weight must be a percentage from 0 to 100`), so
 * errors name the field and say what it accepts. Rules across fields (a canary is required unless
 * idle, ...) are record.ts's `checkInvariants`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'

const ISO_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2})$'
const PHASES = ['idle', 'pending', 'canary', 'promoted', 'rolled-back', 'aborted']
const COMMANDS = ['deploy-canary', 'analyze', 'promote', 'rollback', 'pause', 'resume', 'abort', 'finalize', 'repair']

const str = { type: 'string', minLength: 1, pattern: '\\S', 'x-message': { type: 'must be a string', '*': 'must not be empty' } }
const text = { type: 'string', 'x-message': 'must be a string' }
const time = { type: 'string', pattern: ISO_TIME, format: 'date-time-ish', 'x-message': 'must be an ISO 8601 time such as 2025-01-31T12:00:00Z' }
const sha = { type: 'string', pattern: '^[0-9a-fA-F]{7,64}$', 'x-message': 'must be a commit SHA (7 to 64 hex digits)' }
const weight = { type: 'number', minimum: 0, maximum: 100, 'x-message': 'must be a percentage from 0 to 100' }
const mirror = { type: 'number', exclusiveMinimum: 0, maximum: 100, 'x-message': 'must be a percentage more than 0, at most 100' }
const int = (min: number) => ({ type: 'integer', minimum: min, 'x-message': { type: 'must be an integer', '*': `must be ${min} or more` } })
const oneOf = (values: readonly string[]) => ({ enum: [...values], 'x-message': `must be one of ${values.join(', ')}` })
const object = (properties: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
  'x-message': 'must be an object',
})

const versionRef = object({ version: str, ref: str, sha, deploymentId: int(1), deploymentNodeId: str }, ['version'])
const runRef = object({ runId: int(0), runAttempt: int(1), job: text }, ['runId', 'runAttempt', 'job'])

export const RECORD_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Rollgate rollout record (schemaVersion 1)',
  ...object(
    {
      schemaVersion: { const: 1, 'x-message': 'must be 1' },
      environment: str,
      revision: int(0),
      updatedAt: time,
      phase: oneOf(PHASES),
      stable: versionRef,
      canary: object({ version: str, ref: str, sha }, ['version', 'ref', 'sha']),
      startedAt: time,
      step: int(-1),
      weight,
      mirror,
      paused: object({ at: time, actor: text, reason: text }, ['at', 'actor']),
      reason: text,
      lastVerdict: object({ decision: oneOf(['pass', 'fail', 'inconclusive', 'continue']), at: time, template: str, summary: text, step: int(0) }, [
        'decision',
        'at',
        'template',
        'summary',
        'step',
      ]),
      verdicts: {
        type: 'array',
        'x-message': 'must be an array',
        items: object({ step: int(0), decision: oneOf(['pass', 'fail', 'inconclusive']), at: time, template: str, version: str, sha }, [
          'step',
          'decision',
          'at',
          'template',
        ]),
      },
      evidence: object({ step: int(0), template: str, data: {} }, ['step', 'template', 'data']),
      lease: object({ owner: runRef, claimedAt: time, expiresAt: time }, ['owner', 'claimedAt', 'expiresAt']),
      pendingMove: object(
        {
          from: weight,
          to: weight,
          startedAt: time,
          runId: int(0),
          runAttempt: int(1),
          job: text,
          command: oneOf(COMMANDS),
          phase: oneOf(PHASES),
          step: int(-1),
          op: str,
          stable: versionRef,
          writeId: str,
        },
        ['from', 'to', 'startedAt', 'runId', 'runAttempt', 'job', 'command', 'phase', 'step', 'op'],
      ),
      deploymentId: int(1),
      deploymentNodeId: str,
      // Where an expand/contract migration stands (shared/migration); optional, so older records read.
      migration: object(
        { state: oneOf(['expanding', 'expanded', 'contracting', 'contracted', 'kept']), version: str, expandedAt: time, drainingSince: time, contractedAt: time },
        ['state', 'version'],
      ),
      report: object({ checkRunId: int(1), commentId: int(1), pullRequest: int(1), commentAuthor: str }, []),
      writeId: str,
      history: {
        type: 'array',
        'x-message': 'must be an array',
        items: object(
          {
            at: time,
            action: oneOf(COMMANDS),
            from: oneOf(PHASES),
            to: oneOf(PHASES),
            fromWeight: weight,
            weight,
            mirror,
            version: str,
            stable: versionRef,
            actor: text,
            runId: int(0),
            runAttempt: int(1),
            note: text,
            op: str,
          },
          ['at', 'action', 'from', 'to', 'fromWeight', 'weight', 'actor', 'runId', 'runAttempt'],
        ),
      },
    },
    ['schemaVersion', 'environment', 'revision', 'updatedAt', 'phase', 'step', 'weight', 'verdicts', 'history'],
  ),
} as const

let compiled: ValidateFunction | undefined

/** Compiled on first use (a command reads a record once or twice), then kept. */
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: false, verbose: true, strict: false })
    ajv.addFormat('date-time-ish', { validate: (s: string) => !Number.isNaN(Date.parse(s)) })
    compiled = ajv.compile(RECORD_SCHEMA)
  }
  return compiled
}

/** The first problem with a record value as `[field path, problem, got]`, or undefined when it is valid. */
export function recordSchemaProblem(value: unknown): { path: string; problem: string; got: unknown; hasGot: boolean } | undefined {
  const validate = validator()
  if (validate(value)) return undefined
  const error = (validate.errors ?? [])[0] as ErrorObject
  const path = fieldPath(error.instancePath)
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty)
    const known = Object.keys(((error.parentSchema as { properties?: object }).properties ?? {}) as object)
    return { path: join(path, extra), problem: `is not part of schemaVersion 1 (known: ${known.join(', ')})`, got: undefined, hasGot: false }
  }
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty)
    const schema = ((error.parentSchema as { properties?: Record<string, { 'x-message'?: Message }> }).properties ?? {})[missing]
    return { path: join(path, missing), problem: messageOf(schema?.['x-message'], 'type') ?? 'is required', got: undefined, hasGot: true }
  }
  const message = messageOf((error.parentSchema as { 'x-message'?: Message } | undefined)?.['x-message'], error.keyword) ?? error.message ?? 'is invalid'
  return { path, problem: message, got: error.data, hasGot: true }
}

type Message = string | Record<string, string>

function messageOf(message: Message | undefined, keyword: string): string | undefined {
  if (message === undefined || typeof message === 'string') return message
  return message[keyword] ?? message['*']
}

/** `/history/3/at` → `history[3].at`. */
function fieldPath(pointer: string): string {
  let out = ''
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`
  }
  return out
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}
