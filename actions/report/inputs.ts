import type { ActionIO } from '../../shared/action/io.js'
import { readGitHubToken, readList, readString } from '../../shared/action/inputs.js'
import { parseDuration, DURATION_HELP } from '../../shared/config/units.js'
import { InputError } from '../../shared/errors.js'

export const INPUT_NAMES = ['environments', 'since', 'hotfix-within', 'hotfix-label', 'state-branch', 'github-token'] as const

export interface ReportInputs {
  environments: string[]
  sinceMs: number
  hotfixWithinMs: number
  hotfixLabel: string
  stateBranch: string
  token: string
}

const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9 _./-]{0,254}$/

function duration(io: ActionIO, name: string, fallback: string): number {
  const text = readString(io, name, fallback)
  const ms = parseDuration(text)
  if (ms === null) throw new InputError(`Input '${name}' is "${text}"; expected ${DURATION_HELP} (days: 90d).`)
  return ms
}

export function readReportInputs(io: ActionIO): ReportInputs {
  const environments = readList(io, 'environments')
  if (environments.length === 0) throw new InputError("Input 'environments' is required; expected the environments to report on, e.g. `production`.")
  const bad = environments.find((e) => !ENVIRONMENT.test(e))
  if (bad !== undefined) throw new InputError(`Input 'environments' contains "${bad}"; expected environment names made of letters, digits, spaces and - _ . /.`)
  return {
    environments,
    sinceMs: duration(io, 'since', '90d'),
    hotfixWithinMs: duration(io, 'hotfix-within', '24h'),
    hotfixLabel: readString(io, 'hotfix-label', 'hotfix'),
    stateBranch: readString(io, 'state-branch', 'rollgate-state'),
    token: readGitHubToken(io),
  }
}
