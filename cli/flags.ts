/**
 * `rollgate flags scan|stale|remove`: the flag cleanup, locally, on the repository in the current
 * directory (its .github/rollgate.yml `flags:` section).
 */
import { join } from 'node:path'
import { ConfigError } from '../shared/errors.js'
import { streamLogger } from '../shared/action/logger.js'
import { DEFAULT_POLICY_PATH, loadPolicy, nodeFiles } from '../shared/config/load.js'
import type { Flags } from '../shared/config/policy.generated.js'
import { didYouMean } from '../shared/config/problems.js'
import { nodeReadText, parseKeep, planRemoval, readFlagState, scanFlags, sourceDeps, writeEdits } from '../shared/flags/cleanup.js'
import { unifiedDiff } from '../shared/flags/unified-diff.js'
import { describeStep, verifyRemoval } from '../shared/flags/verify.js'
import type { CliIO, Subcommand } from './command.js'

const USAGE = `Usage: rollgate flags <scan|stale|remove> [options]

Reads the flags: section of ${DEFAULT_POLICY_PATH} in the current directory.

  rollgate flags scan [--json]       every reference to every flag (file:line:column and kind)
  rollgate flags stale [--json]      which flags are stale, why, and the value a removal keeps
  rollgate flags remove NAME [--keep on|off|<variant>] [--dry-run]
                                     removes the flag from the working tree (--dry-run prints the
                                     diff instead), then runs tsc and the policy's verify command

Exit status: 0 done; 1 removal refused (targeting rules, partial rollout, dynamic names only) or
verification failed; 2 bad policy, unknown flag or usage error.`

interface Parsed {
  sub: 'scan' | 'stale' | 'remove'
  json: boolean
  dryRun: boolean
  keep?: string
  name?: string
}

function parse(args: string[]): Parsed {
  const [sub, ...rest] = args
  if (sub !== 'scan' && sub !== 'stale' && sub !== 'remove') {
    throw new ConfigError(`flags: expected scan, stale or remove${sub ? `, got '${sub}'${didYouMean(sub, ['scan', 'stale', 'remove'])}` : ''}\n${USAGE}`)
  }
  const parsed: Parsed = { sub, json: false, dryRun: false }
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string
    if (arg === '--json' && sub !== 'remove') parsed.json = true
    else if (arg === '--dry-run' && sub === 'remove') parsed.dryRun = true
    else if (arg === '--keep' && sub === 'remove') {
      const value = rest[++i]
      if (value === undefined || value.startsWith('-')) throw new ConfigError('flags remove: --keep needs a value: on, off or a variant name')
      parsed.keep = value
    } else if (arg.startsWith('--keep=') && sub === 'remove') parsed.keep = arg.slice('--keep='.length)
    else if (arg.startsWith('-')) throw new ConfigError(`flags ${sub}: unknown option '${arg}'`)
    else if (sub === 'remove' && parsed.name === undefined) parsed.name = arg
    else throw new ConfigError(`flags ${sub}: unexpected argument '${arg}'`)
  }
  if (sub === 'remove' && parsed.name === undefined) throw new ConfigError('flags remove: name the flag to remove: rollgate flags remove NAME')
  return parsed
}

async function loadFlags(io: CliIO): Promise<Flags> {
  const policy = await loadPolicy(join(io.cwd, DEFAULT_POLICY_PATH), nodeFiles, io.env)
  if (!policy.flags) throw new ConfigError(`${DEFAULT_POLICY_PATH} has no flags: section; add \`flags: {}\` to read the flags from flags.yml (see schema/rollgate.schema.json)`)
  return policy.flags
}

export const flagsCommand: Subcommand = {
  name: 'flags',
  summary: 'find, judge and remove feature flags (scan, stale, remove)',
  usage: USAGE,
  async run(args, io) {
    const parsed = parse(args)
    const config = await loadFlags(io)
    const logger = streamLogger((line) => io.stderr(`${line}\n`))
    const root = io.cwd
    const state = await readFlagState(config, sourceDeps(root, logger), new Date())

    if (parsed.sub === 'stale') {
      if (parsed.json) {
        io.stdout(`${JSON.stringify({ flags: state.verdicts.map((v) => ({ name: v.name, stale: v.stale, reasons: v.reasons, keep: v.keep, removable: v.removable })) }, null, 2)}\n`)
      } else {
        for (const v of state.verdicts) {
          io.stdout(`${v.name}: ${v.stale ? `stale (${v.explanation.join('; ')})` : 'not stale'}${v.stale ? (v.removable ? `; removal keeps ${v.keep}` : `; not removable: ${v.refusal}`) : ''}\n`)
        }
      }
      return 0
    }

    const scan = await scanFlags(config, root, state.flags)
    if (parsed.sub === 'scan') {
      const flags = state.flags.map((f) => ({
        name: f.name,
        references: scan.references.filter((r) => r.flag === f.name).map((r) => ({ file: r.file, line: r.line, column: r.column, kind: r.kind })),
      }))
      if (parsed.json) io.stdout(`${JSON.stringify({ flags }, null, 2)}\n`)
      else {
        for (const f of flags) {
          io.stdout(`${f.name}: ${f.references.length} reference${f.references.length === 1 ? '' : 's'}\n`)
          for (const r of f.references) io.stdout(`  ${r.file}:${r.line}:${r.column} ${r.kind}\n`)
        }
        io.stdout(`${scan.filesScanned} files scanned, ${scan.filesParsed} parsed\n`)
      }
      return 0
    }

    const name = parsed.name as string
    const flag = state.flags.find((f) => f.name === name || f.aliases.includes(name))
    if (!flag) {
      io.stderr(`rollgate flags remove: unknown flag '${name}' in ${state.source.describe()}${didYouMean(name, state.flags.map((f) => f.name))}\n`)
      return 2
    }
    const verdict = state.verdicts.find((v) => v.name === flag.name)
    if (!verdict) throw new Error(`no verdict for ${flag.name}`)
    const plan = await planRemoval(flag, verdict, scan, { root, config, readText: nodeReadText, ...(parsed.keep !== undefined ? { keep: parseKeep(parsed.keep) } : {}) })
    if (!plan.ok) {
      io.stderr(`rollgate flags remove: refused: ${plan.refusal}\n`)
      for (const l of plan.leftByHand) io.stderr(`  ${l.file}:${l.line}: ${l.reason}\n`)
      return 1
    }
    for (const l of plan.leftByHand) io.stderr(`left by hand: ${l.file}:${l.line}: ${l.reason}\n`)
    if (parsed.dryRun) {
      for (const edit of plan.edits) io.stdout(unifiedDiff(edit))
      return 0
    }
    await writeEdits(root, plan.edits)
    io.stderr(`removed ${flag.name} (kept ${plan.keep.kind === 'boolean' ? (plan.keep.value ? 'on' : 'off') : plan.keep.value}) from ${plan.edits.length} file${plan.edits.length === 1 ? '' : 's'}\n`)
    const verification = await verifyRemoval({ root, verify: config.verify })
    for (const step of verification.steps) io.stderr(`${describeStep(step)}\n`)
    if (!verification.ok) {
      for (const step of verification.steps.filter((s) => !s.ok)) io.stderr(step.output.slice(-4000))
      io.stderr(`rollgate flags remove: ${flag.name} was removed from the working tree but verification failed\n`)
      return 1
    }
    return 0
  },
}
