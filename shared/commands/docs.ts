/** docs/commands.md's generated part: the grammar and the reason codes, from the code itself. */
import { REASON_CODES, type ReasonCode } from '../reason-codes.js'
import { COMMAND_NAMES, COMMAND_OPTIONS, USAGE } from './grammar.js'

export const COMMAND_CODES: readonly ReasonCode[] = [
  'dispatched', 'replied', 'ignored', 'unknown-command', 'invalid-command', 'unknown-environment', 'ambiguous-environment',
  'denied-role', 'denied-bot', 'denied-edited', 'denied-fork', 'denied-branch-policy', 'checks-pending', 'checks-failed',
  'pr-closed', 'sha-changed', 'busy', 'paused', 'lease-held', 'illegal-move', 'applied', 'noop', 'invalid-policy', 'github-api-error',
]

export function commandsReference(): string {
  return [
    '| command | usage | options |',
    '| --- | --- | --- |',
    ...COMMAND_NAMES.map((c) => `| ${c} | \`${USAGE[c].replace(/\|/g, '\\|')}\` | ${COMMAND_OPTIONS[c].map((o) => `\`--${o}\``).join(', ') || '–'} |`),
    '',
    '| reasonCode | meaning |',
    '| --- | --- |',
    ...COMMAND_CODES.map((code) => `| [\`${code}\`](reason-codes.md) | ${REASON_CODES[code].replace(/\|/g, '\\|')} |`),
  ].join('\n')
}
