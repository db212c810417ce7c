/**
 * Runs a scenario many times and feeds every run, interval by interval, to all judges side by side:
 * the same simulated data for each judge (a paired comparison). A judge that throws is recorded as an
 * error for that run (and the first message kept), so one broken judge cannot hide the others.
 */

import type { Scenario } from './sim/model.js'
import { Rng, hashSeed } from './sim/rng.js'
import { Simulation } from './sim/simulate.js'
import type { BenchJudge, JudgeSession, RunOutcome } from './judges/types.js'

export interface JudgeTally {
  judge: string
  runs: number
  fails: number
  passes: number
  /** Passes decided before the last interval. */
  earlyPasses: number
  inconclusive: number
  errors: number
  firstError?: string
  /** Minute of every fail and of every early pass. */
  failTimes: number[]
  earlyPassTimes: number[]
  /** Fails per deciding metric (judges that report it). */
  failsBy: Record<string, number>
}

export interface ScenarioResult {
  scenario: string
  /** Index of the first run (runs are seeded by index, so chunks merge into the same results). */
  first: number
  runs: number
  tallies: JudgeTally[]
  elapsedMs: number
}

export function runScenario(scenario: Scenario, judges: BenchJudge[], runs: number, seed: number, first = 0): ScenarioResult {
  const started = performance.now()
  const tallies: JudgeTally[] = judges.map((j) => ({
    judge: j.id,
    runs: 0,
    fails: 0,
    passes: 0,
    earlyPasses: 0,
    inconclusive: 0,
    errors: 0,
    failTimes: [],
    earlyPassTimes: [],
    failsBy: {},
  }))
  for (let run = first; run < first + runs; run++) {
    const outcomes = runOnce(scenario, judges, new Rng(hashSeed(seed, scenario.id, run)))
    outcomes.forEach((outcome, i) => {
      const t = tallies[i] as JudgeTally
      t.runs++
      if ('error' in outcome) {
        t.errors++
        t.firstError ??= outcome.error
        return
      }
      if (outcome.decision === 'fail') {
        t.fails++
        t.failTimes.push(outcome.at ?? scenario.intervals)
        if (outcome.by !== undefined) t.failsBy[outcome.by] = (t.failsBy[outcome.by] ?? 0) + 1
      } else if (outcome.decision === 'pass') {
        t.passes++
        if (outcome.at !== null && outcome.at < scenario.intervals) {
          t.earlyPasses++
          t.earlyPassTimes.push(outcome.at)
        }
      } else {
        t.inconclusive++
      }
    })
  }
  return { scenario: scenario.id, first, runs, tallies, elapsedMs: performance.now() - started }
}

type Outcome = RunOutcome | { error: string }

export function runOnce(scenario: Scenario, judges: BenchJudge[], rng: Rng): Outcome[] {
  const sim = new Simulation(scenario, rng)
  const outcomes: Array<Outcome | undefined> = judges.map(() => undefined)
  const sessions: Array<JudgeSession | undefined> = judges.map((j, i) => {
    try {
      return j.start(scenario)
    } catch (error) {
      outcomes[i] = { error: message(error) }
      return undefined
    }
  })
  for (let minute = 1; minute <= scenario.intervals; minute++) {
    const data = sim.next()
    let open = 0
    sessions.forEach((session, i) => {
      if (session === undefined || outcomes[i] !== undefined) return
      try {
        const verdict = session.look(data, minute)
        if (verdict !== 'continue') {
          const by = session.decidedBy?.() ?? null
          outcomes[i] = by === null ? { decision: verdict, at: minute } : { decision: verdict, at: minute, by }
        } else open++
      } catch (error) {
        outcomes[i] = { error: message(error) }
      }
    })
    if (open === 0) break
  }
  return sessions.map((session, i) => {
    const done = outcomes[i]
    if (done !== undefined) return done
    try {
      return { decision: (session as JudgeSession).finish(), at: null }
    } catch (error) {
      return { error: message(error) }
    }
  })
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
