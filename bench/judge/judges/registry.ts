/** The judges compared side by side, in table order. */

import { fixedHorizon } from '../classic/fixed-horizon.js'
import { kayenta } from '../classic/kayenta.js'
import { argoRollouts, flagger } from '../classic/thresholds.js'
import { rollgate } from './rollgate.js'
import type { BenchJudge } from './types.js'

export function allJudges(): BenchJudge[] {
  return [rollgate(), rollgate('v2'), rollgate('v3'), argoRollouts(), flagger(), kayenta(), fixedHorizon()]
}

export function loadJudges(only?: string[]): BenchJudge[] {
  const all = allJudges()
  return only === undefined ? all : all.filter((j) => only.includes(j.id))
}
