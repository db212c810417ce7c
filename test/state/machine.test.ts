import { describe, expect, it } from 'vitest'
import {
  IllegalMoveError,
  allowedCommands,
  decide,
  describeState,
  idempotencyKey,
  operationKey,
  type Command,
  type RolloutPolicy,
} from '../../shared/state/machine.js'
import { idleRecord, parseRecord, serializeRecord, type Phase, type RolloutRecord } from '../../shared/state/record.js'
import {
  ENV,
  POLICY,
  V1,
  V2,
  V3,
  T0,
  SHA2,
  SHA3,
  abort,
  ctx,
  deploy,
  fail,
  full,
  inconclusive,
  next,
  pass,
  rollback,
  run,
  states,
  to,
} from './fixtures.js'

const COMMANDS: Record<string, (record: RolloutRecord) => Command> = {
  'deploy-canary (new version)': () => deploy(V3),
  'deploy-canary (same version)': (r) => deploy(r.canary ?? V2),
  analyze: () => pass,
  'promote next': () => next,
  'promote --to 25': () => to(25),
  'promote --full': () => full,
  rollback: () => rollback,
  pause: () => ({ type: 'pause' }),
  resume: () => ({ type: 'resume' }),
  abort: () => abort,
  finalize: () => ({ type: 'finalize' }),
  // Where traffic is: the pending move's target when there is one, else the record's weight.
  repair: (r) => ({ type: 'repair', observedWeight: r.pendingMove?.to ?? r.weight }),
}

/** What each command does from each state: `→ phase` (applied), `noop` or `refused`. */
type Outcome = `→ ${Phase}` | '→ paused' | 'noop' | 'refused'
const R = 'refused'
const N = 'noop'

const EXPECTED: Record<string, Record<string, Outcome>> = {
  // prettier-ignore
  idle: {
    'deploy-canary (new version)': '→ canary', 'deploy-canary (same version)': '→ canary', analyze: R,
    'promote next': R, 'promote --to 25': R, 'promote --full': R, rollback: N, pause: R, resume: R, abort: R, finalize: R, repair: N,
  },
  pending: {
    'deploy-canary (new version)': R, 'deploy-canary (same version)': R, analyze: R,
    'promote next': R, 'promote --to 25': R, 'promote --full': R, rollback: '→ rolled-back', pause: R, resume: R,
    abort: '→ aborted', finalize: R, repair: '→ canary',
  },
  canary: {
    'deploy-canary (new version)': R, 'deploy-canary (same version)': N, analyze: '→ canary',
    'promote next': R, 'promote --to 25': R, 'promote --full': R, rollback: '→ rolled-back', pause: '→ paused', resume: N,
    abort: '→ aborted', finalize: R, repair: N,
  },
  'canary-passed': {
    'deploy-canary (new version)': R, 'deploy-canary (same version)': N, analyze: '→ canary',
    'promote next': '→ canary', 'promote --to 25': '→ canary', 'promote --full': R, rollback: '→ rolled-back', pause: '→ paused',
    resume: N, abort: '→ aborted', finalize: R, repair: N,
  },
  'canary-50-passed': {
    'deploy-canary (new version)': R, 'deploy-canary (same version)': N, analyze: '→ canary',
    'promote next': '→ promoted', 'promote --to 25': R, 'promote --full': '→ promoted', rollback: '→ rolled-back',
    pause: '→ paused', resume: N, abort: '→ aborted', finalize: R, repair: N,
  },
  paused: {
    'deploy-canary (new version)': R, 'deploy-canary (same version)': N, analyze: '→ paused',
    'promote next': R, 'promote --to 25': R, 'promote --full': R, rollback: '→ rolled-back', pause: N, resume: '→ canary',
    abort: '→ aborted', finalize: R, repair: N,
  },
  promoted: {
    'deploy-canary (new version)': '→ canary', 'deploy-canary (same version)': N, analyze: R,
    'promote next': N, 'promote --to 25': N, 'promote --full': N, rollback: '→ rolled-back', pause: R, resume: R, abort: R,
    finalize: N, repair: N,
  },
  'rolled-back': {
    'deploy-canary (new version)': '→ canary', 'deploy-canary (same version)': '→ canary', analyze: R,
    'promote next': R, 'promote --to 25': R, 'promote --full': R, rollback: N, pause: R, resume: R, abort: R, finalize: R, repair: N,
  },
  aborted: {
    'deploy-canary (new version)': '→ canary', 'deploy-canary (same version)': '→ canary', analyze: R,
    'promote next': R, 'promote --to 25': R, 'promote --full': R, rollback: N, pause: R, resume: R, abort: N, finalize: R, repair: N,
  },
}

const STATES = states()
const TABLE = Object.entries(STATES).flatMap(([state, record]) =>
  Object.entries(COMMANDS).map(([command, make]) => ({ state, command, record, make, expected: EXPECTED[state]?.[command] })),
)

function phaseOf(record: RolloutRecord): string {
  return record.phase === 'canary' && record.paused ? 'paused' : record.phase
}

describe('the state machine, every command from every state', () => {
  it('has an expectation for every state and command', () => {
    const missing = TABLE.filter((row) => row.expected === undefined).map((row) => `${row.state} × ${row.command}`)
    expect(missing).toEqual([])
    expect(TABLE).toHaveLength(Object.keys(STATES).length * Object.keys(COMMANDS).length)
  })

  it.each(TABLE)('$state × $command → $expected', ({ record, make, expected }) => {
    const command = make(record)
    if (expected === 'refused') {
      let error: unknown
      try {
        decide(record, command, POLICY, ctx())
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(IllegalMoveError)
      const message = (error as IllegalMoveError).message
      // The message says what was refused, the state the rollout is in and what it accepts.
      expect(message.startsWith(`${command.type} refused`)).toBe(true)
      expect(message).toContain(`${ENV} is ${describeState(record, POLICY)}`)
      expect(message.endsWith(`allowed: ${allowedCommands(record, POLICY).join(', ')}`)).toBe(true)
      return
    }
    const t = decide(record, command, POLICY, ctx())
    if (expected === 'noop') {
      expect(t.effect).toBe('noop')
      expect(t.record).toBe(record)
      expect(t.move).toBeUndefined()
      return
    }
    expect(t.effect).toBe('applied')
    expect(`→ ${phaseOf(t.record)}`).toBe(expected)
    // Every applied command leaves a record the next command can read, and says so in the history.
    expect(parseRecord(serializeRecord(t.record))).toEqual(parseRecord(JSON.parse(serializeRecord(t.record)) as unknown))
    expect(t.record.pendingMove).toBeUndefined()
    expect(t.record.history.at(-1)?.action).toBe(command.type)
    const movesTraffic = t.record.weight !== record.weight || command.type === 'deploy-canary' || t.record.phase !== record.phase
    if (['analyze', 'pause', 'resume', 'repair'].includes(command.type)) expect(t.move).toBeUndefined()
    else expect(Boolean(t.move)).toBe(movesTraffic)
  })
})

describe('refusals say what state the rollout is in and what is allowed', () => {
  it.each([
    {
      name: 'promote after a rollback',
      record: run([{ type: 'deploy-canary', canary: V2, stable: V1 }, { type: 'rollback', reason: 'errors' }]),
      command: next,
      message: 'promote refused; production is rolled-back (v2 → v1 at 5%); allowed: deploy-canary',
    },
    {
      name: 'deploying another version mid-rollout',
      record: run([deploy()]),
      command: deploy(V3),
      message:
        'deploy-canary refused: v2 is still rolling out; finish it (promote) or roll it back first; production is canary (v2 at 5%, step 1 of 4); allowed: analyze, promote, pause, rollback, abort',
    },
    {
      name: 'resume when aborted',
      record: run([deploy(), abort]),
      command: { type: 'resume' } as Command,
      message: 'resume refused; production is aborted (v2 at 5%); allowed: deploy-canary',
    },
    {
      name: 'promote to a weight no step has',
      record: run([deploy(), pass]),
      command: to(30),
      message: 'promote refused: 30% is not the weight of a later step (promote --to accepts 25, 50, 100)',
    },
    {
      name: 'promote to a lower weight',
      record: run([deploy(), pass, next]),
      command: to(5),
      message: 'promote refused: weights never decrease during a rollout (25% → 5%); roll back instead',
    },
    {
      name: 'finalize before the last step',
      record: run([deploy(), pass]),
      command: { type: 'finalize' } as Command,
      message: 'finalize refused: the rollout is at step 1 of 4; finalize completes the last step (promote first)',
    },
    {
      name: 'analysis of a step the rollout has left',
      record: run([deploy(), pass, next]),
      command: { ...pass, step: 0 } as Command,
      message: 'analyze refused: the verdict is for step 1 but the rollout is at step 2; analyse again',
    },
  ])('$name', ({ record, command, message }) => {
    expect(() => decide(record, command, POLICY, ctx())).toThrow(message)
  })
})

describe('promote and the policy’s analysis requirement', () => {
  const policy = (skippable: boolean): RolloutPolicy => ({
    steps: [{ weight: 10, analysis: 'default', skippable }, { weight: 50, analysis: 'default', skippable }, { weight: 100 }],
  })

  it.each([
    { verdict: 'none', skippable: false, allowed: false, why: 'requires a passing analysis (default) before leaving step 1 (10%) and the record has none' },
    { verdict: 'inconclusive', skippable: false, allowed: false, why: 'and the record has none (last verdict: inconclusive)' },
    { verdict: 'fail', skippable: false, allowed: false, why: 'the analysis of step 1 (10%) failed at' },
    { verdict: 'pass', skippable: false, allowed: true, why: '' },
    { verdict: 'none', skippable: true, allowed: true, why: '' },
    { verdict: 'inconclusive', skippable: true, allowed: true, why: '' },
    { verdict: 'fail', skippable: true, allowed: false, why: 'the analysis of step 1 (10%) failed at' },
    { verdict: 'pass', skippable: true, allowed: true, why: '' },
  ])('verdict $verdict, skippable $skippable → allowed $allowed', ({ verdict, skippable, allowed, why }) => {
    const p = policy(skippable)
    let record = decide(run([]), deploy(), p, ctx()).record
    const verdicts: Record<string, Command | undefined> = { none: undefined, inconclusive, fail, pass }
    const analysis = verdicts[verdict]
    if (analysis) record = decide(record, analysis, p, ctx()).record
    if (allowed) {
      const t = decide(record, next, p, ctx())
      expect(t.effect).toBe('applied')
      expect(t.record.weight).toBe(50)
    } else {
      expect(() => decide(record, next, p, ctx())).toThrow(why)
    }
  })

  it('refuses --full when it would skip a step whose analysis is required', () => {
    const record = run([deploy(), pass])
    expect(() => decide(record, full, POLICY, ctx())).toThrow(
      'promote refused: it would skip step 3 (50%), whose analysis (default) the policy requires',
    )
  })

  it('allows --full where every skipped step may be skipped, and finalizes', () => {
    const p: RolloutPolicy = { steps: [{ weight: 5, analysis: 'default' }, { weight: 50, analysis: 'default' }, { weight: 100 }] }
    const t = decide(decide(run([]), deploy(), p, ctx()).record, full, p, ctx())
    expect(t.record.phase).toBe('promoted')
    expect(t.move).toMatchObject({ kind: 'finalize', from: 5, to: 100 })
    expect(t.record.stable).toEqual({ version: 'v2', ref: V2.ref, sha: V2.sha })
  })

  it('waits at a last step that has its own analysis, then finalizes', () => {
    const p: RolloutPolicy = { steps: [{ weight: 50 }, { weight: 100, analysis: 'default', skippable: false }] }
    let record = decide(run([]), deploy(), p, ctx()).record
    record = decide(record, next, p, ctx()).record
    expect([record.phase, record.weight]).toEqual(['canary', 100])
    expect(() => decide(record, { type: 'finalize' }, p, ctx())).toThrow('requires a passing analysis')
    record = decide(record, pass, p, ctx()).record
    expect(decide(record, { type: 'finalize' }, p, ctx()).record.phase).toBe('promoted')
  })
})

describe('idempotency', () => {
  it('replays the same job (same run, attempt, step) without a second move', () => {
    const job = ctx({ runId: 1001, runAttempt: 1, job: 'promote', step: 'widen' })
    const first = decide(run([deploy(), pass]), next, POLICY, job)
    expect(first.effect).toBe('applied')
    expect(first.move).toMatchObject({ from: 5, to: 25 })
    const again = decide(first.record, next, POLICY, job)
    expect(again).toMatchObject({ effect: 'replayed', message: 'already at 25% by run 1001/1' })
    expect(again.move).toBeUndefined()
    expect(again.record).toBe(first.record)
  })

  it('treats a re-run attempt of a job whose promote landed as a replay, naming the attempt that did it', () => {
    const attempt1 = ctx({ runId: 1001, runAttempt: 1, job: 'promote', step: 'widen' })
    const first = decide(run([deploy(), pass]), next, POLICY, attempt1)
    const rerun = decide(first.record, next, POLICY, { ...attempt1, runAttempt: 2 })
    expect(rerun.effect).toBe('replayed')
    expect(rerun.message).toBe('already at 25% by run 1001/1')
  })

  it('says when the rollout has moved on since the replayed command', () => {
    const job = ctx({ runId: 1001, job: 'promote', step: 'widen' })
    const first = decide(run([deploy(), pass]), next, POLICY, job)
    const later = run([next], first.record)
    expect(decide(later, next, POLICY, job).message).toBe(
      'already at 25% by run 1001/1; production has moved on since: now canary (v2 at 50%, step 3)',
    )
  })

  it('replays a re-run deploy-canary, saying which run deployed it', () => {
    const job = ctx({ runId: 1001, job: 'deploy', step: 'ship' })
    const first = decide(run([]), deploy(), POLICY, job)
    const rerun = decide(first.record, deploy(), POLICY, { ...job, runAttempt: 2 })
    expect(rerun).toMatchObject({ effect: 'replayed', message: 'v2 already deployed at 5% by run 1001/1' })
  })

  it('keeps several promotes in one job apart by their step', () => {
    const base = { runId: 1001, job: 'rollout' }
    let record = run([deploy(), pass])
    record = decide(record, next, POLICY, ctx({ ...base, step: 'promote-1' })).record
    record = decide(record, next, POLICY, ctx({ ...base, step: 'promote-2' })).record
    expect(record.weight).toBe(50)
  })

  it('is a no-op when the target is already in force, whoever asks', () => {
    const record = run([deploy(), pass, to(25)])
    const t = decide(record, to(25), POLICY, ctx())
    expect(t).toMatchObject({ effect: 'noop', message: 'already at 25% (step 2 of 4)' })
  })

  it('replays an analysis within one attempt, but analyses afresh on a re-run attempt', () => {
    const attempt1 = ctx({ runId: 1001, runAttempt: 1, job: 'analyze', step: 'judge' })
    const first = decide(run([deploy()]), inconclusive, POLICY, attempt1)
    expect(decide(first.record, pass, POLICY, attempt1).effect).toBe('replayed')
    const rerun = decide(first.record, pass, POLICY, { ...attempt1, runAttempt: 2 })
    expect(rerun.effect).toBe('applied')
    expect(rerun.record.lastVerdict?.decision).toBe('pass')
  })

  it.each([
    { command: next, key: '1001/2:rollout:widen:promote:next' },
    { command: to(50), key: '1001/2:rollout:widen:promote:to-50' },
    { command: deploy(V2), key: `1001/2:rollout:widen:deploy-canary:v2@${V2.sha}` },
    { command: rollback, key: '1001/2:rollout:widen:rollback:' },
  ])('idempotency key of $key', ({ command, key }) => {
    const c = ctx({ runId: 1001, runAttempt: 2, step: 'widen' })
    expect(idempotencyKey(command, c)).toBe(key)
    expect(operationKey(command, c)).toBe(key.replace('1001/2', '1001'))
  })
})

describe('rollback after a finished promotion', () => {
  it('returns to the last known-good version from the history', () => {
    const promoted = run([deploy(V2, V1), pass, next, pass, next, pass, next])
    expect(promoted.stable?.version).toBe('v2')
    const t = decide(promoted, rollback, POLICY, ctx())
    expect(t.record).toMatchObject({ phase: 'rolled-back', weight: 0, stable: V1 })
    expect(t.move).toMatchObject({ kind: 'revert', from: 100, to: 0, stable: V1 })
  })

  it('skips a version that was itself reverted', () => {
    let record = run([deploy(V2, V1), pass, next, pass, next, pass, next]) // v2 promoted over v1
    record = run([deploy(V3, null), pass, next, pass, next, pass, next], record) // v3 promoted over v2
    record = run([rollback], record) // v3 reverted → v2
    expect(record.stable?.version).toBe('v2')
    record = run([deploy({ version: 'v4', ref: 'v4', sha: 'abcdef1' }, null), pass, next, pass, next, pass, next], record)
    const t = decide(record, rollback, POLICY, ctx())
    expect(t.record.stable?.version).toBe('v2')
  })

  it('refuses when the history names no earlier version', () => {
    const promoted = run([deploy(V2, V1), pass, next, pass, next, pass, next])
    // A record from before stable versions were required: nothing names what came before v2.
    const legacy = { ...promoted, stable: { version: 'v2' }, history: promoted.history.map(({ stable: _s, ...h }) => h) }
    expect(() => decide(legacy, rollback, POLICY, ctx())).toThrow(
      'rollback refused: v2 is fully promoted and the history names no earlier known-good version to return to',
    )
  })
})

describe('the stable version of a rollout', () => {
  it('refuses a first rollout that names no stable version, naming the input and the policy key', () => {
    const idle = idleRecord(ENV, T0)
    expect(() => decide(idle, { type: 'deploy-canary', canary: V2 }, POLICY, ctx())).toThrow(
      /no known stable version yet .*input 'stable-version'.*environments\.production\.stableVersion/,
    )
    try {
      decide(idle, { type: 'deploy-canary', canary: V2 }, POLICY, ctx())
    } catch (error) {
      expect((error as IllegalMoveError).reasonCode).toBe('stable-version-unknown')
    }
  })

  it("takes the policy's stableVersion for a first rollout, and an explicit one over the record's (recorded)", () => {
    const idle = idleRecord(ENV, T0)
    const first = decide(idle, { type: 'deploy-canary', canary: V2, defaultStable: { version: 'v0' } }, POLICY, ctx())
    expect(first.record.stable?.version).toBe('v0')
    expect(first.move?.stable?.version).toBe('v0')

    const promoted = run([deploy(V2, V1), pass, next, pass, next, pass, next])
    expect(promoted.stable?.version).toBe('v2')
    const implicit = decide(promoted, { type: 'deploy-canary', canary: V3, defaultStable: { version: 'v0' } }, POLICY, ctx())
    expect(implicit.record.stable?.version).toBe('v2') // the record knows better than the policy's default
    const explicit = decide(promoted, { type: 'deploy-canary', canary: V3, stable: { version: 'v2-hotfix' } }, POLICY, ctx())
    expect(explicit.record.stable?.version).toBe('v2-hotfix')
    expect(explicit.move?.stable?.version).toBe('v2-hotfix')
    expect(explicit.record.history.at(-1)?.stable?.version).toBe('v2-hotfix')
  })
})

describe('promote accepts only the pass the step asks for', () => {
  const other = (template: string): Command => ({ type: 'analyze', decision: 'pass', template, summary: 'fine' })
  it.each([
    ['a pass from another template', run([deploy(), other('smoke')]), /recorded pass does not count: it came from template 'smoke', not the step's 'default'/],
    [
      'a pass for another canary version',
      (() => {
        const r = run([deploy(), pass])
        return { ...r, verdicts: r.verdicts.map((v) => ({ ...v, version: 'v1' })) }
      })(),
      /it judged v1, not the canary v2/,
    ],
    [
      'a pass for another commit of the same version',
      (() => {
        const r = run([deploy(), pass])
        return { ...r, verdicts: r.verdicts.map((v) => ({ ...v, sha: SHA3 })) }
      })(),
      /it judged commit 333333333333, not the canary's 222222222222/,
    ],
  ])('%s does not satisfy the step', (_name, record, why) => {
    expect(() => decide(record, next, POLICY, ctx())).toThrow(why)
    try {
      decide(record, next, POLICY, ctx())
    } catch (error) {
      expect((error as IllegalMoveError).reasonCode).toBe('analysis-required')
    }
  })

  it('a pass recorded by the step\'s template for this canary does', () => {
    const record = run([deploy(), pass])
    expect(record.verdicts[0]).toMatchObject({ template: 'default', version: 'v2', sha: SHA2 })
    expect(decide(record, next, POLICY, ctx()).record.weight).toBe(25)
  })
})
