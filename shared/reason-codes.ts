/**
 * The one closed list of reason codes. Every action ends by writing its `result` output with one of
 * these (successes, refusals and failures alike), so a workflow can branch on
 * `fromJSON(steps.x.outputs.result).reasonCode`. schema/result.schema.json and docs/reason-codes.md
 * are generated from this list (`npm run gen:reason-codes`) and a test keeps them in sync.
 *
 * Adding a code: add it here with its one-line description, regenerate, and throw it (errors carry
 * their code, see shared/errors.ts). Nobody keeps a second list.
 */

export const REASON_CODES = {
  // Endings where the command did its job.
  applied: 'The command changed the rollout (and moved traffic where it needed to).',
  noop: 'Nothing to do: the rollout is already in the state the command asks for.',
  replayed: 'The same command of this workflow run was already applied (a re-run); nothing was done twice.',
  repaired: 'An interrupted traffic move was settled at the weight the operator stated (promote `repair-weight`).',
  pass: 'analyze: the canary is proven no worse than the tolerance.',
  fail: 'analyze: a regression is proven.',
  inconclusive: 'analyze: no decision within the maximum duration (or no data).',
  continue: 'analyze (`mode: once`): not decided yet; run it again after the next interval.',
  'flags-checked': 'flag-cleanup (`check`): no new flag without an owner and an expiry; stale flags, if any, were reported.',

  // Refusals: nothing moved; the message says what to do.
  'invalid-input': 'An action input is missing or malformed; the message names the input and what it accepts.',
  'invalid-policy': 'The policy file has errors; each is annotated at file:line:column.',
  'unknown-environment': 'The environment is not defined in the policy (GitHub matches environment names case-insensitively).',
  'illegal-move': 'The rollout\'s state does not allow this command; the message names the state and the commands it accepts.',
  'analysis-required': 'promote refused: the step\'s analysis has not passed for this canary (template, version and SHA).',
  'stable-version-unknown': 'deploy-canary refused: the first rollout of an environment needs the stable version (input `stable-version` or `environments.<env>.stableVersion`).',
  'lease-held': 'Another Rollgate command holds the environment\'s lease; wait for it to finish or for the lease to expire.',
  'state-conflict': 'The rollout record changed while this command ran; run the command again to act on the new state.',
  'interrupted-move': 'An earlier command stopped between moving traffic and recording it, and the traffic provider cannot read the weight back; the message names the command that settles it.',
  'flags-without-owner': 'flag-cleanup (`check`): the pull request adds flags without an owner and an expiry; each is annotated at file:line.',
  'not-available': 'The action is not available in this version of Rollgate.',

  // Comment commands (router, and the lifecycle actions it dispatches to): see docs/commands.md.
  dispatched: 'router: the command is authorized and its outputs select the environment-protected job that runs it.',
  replied: 'router: the command (status, help) was answered in a reply comment; nothing was dispatched.',
  ignored: 'router: the comment holds no /rollgate command (or is on an issue, deleted, or an edit that kept the command); nothing was answered.',
  'unknown-command': 'router: the comment names no known /rollgate command; the reply has a did-you-mean and the help.',
  'invalid-command': 'router: the command line is malformed (a bad option, number or quote, trailing words); the reply names the mistake and its column.',
  'ambiguous-environment': 'router: the command names no environment and the policy has several, or the name matches two policy keys.',
  'denied-role': 'router: the commenter (on an edit, the editor) lacks the role the environment\'s `protect` asks for, or has a custom role `commands.roles` does not map.',
  'denied-bot': 'router: the comment is from a bot and the policy does not set `commands.allowBots`; bots get no reply.',
  'denied-edited': 'router: the command comes from an edited comment and the policy does not set `commands.allowEdited`.',
  'denied-fork': 'router: the pull request comes from a fork and `environments.<env>.allowForks` is not set.',
  'denied-branch-policy': 'router: the pull request\'s head branch does not pass the GitHub environment\'s deployment branch policy.',
  'checks-pending': 'router: canary refused while check runs or statuses on the pull request head are still running (`commands.requireChecks`).',
  'checks-failed': 'router: canary refused because check runs or statuses on the pull request head failed (`commands.requireChecks`).',
  'sha-changed': 'deploy-canary, promote: the pull request head or the rollout\'s SHA is no longer the `expected-sha` the command was read at.',
  'pr-closed': 'router, deploy-canary, promote: the pull request is closed or merged; canary and promote act on open pull requests only.',
  busy: 'router: answered early from the record: another rollout is in flight (canary of another commit) or another run holds the environment\'s lease; the reply says which command would proceed.',
  paused: 'promote (and the router, early, from the record): the rollout is paused (`/rollgate pause`); `/rollgate resume` first. Analysis keeps running and a fail still rolls back.',

  // Failures: something outside Rollgate failed; the record says what is in force.
  'traffic-failed': 'The traffic provider failed; the previous weights were restored and recorded.',
  'hook-failed': 'A step hook failed; traffic was not moved past it.',
  'record-write-failed': 'Traffic moved but the record could not be written; the record keeps the pending move for the next command to repair.',
  'github-api-error': 'A GitHub API call failed after its retries; the message names the call.',
  'provider-error': 'An upstream service (metrics, traffic backend, webhook) failed; the message names the service and the call.',
  'internal-error': 'A bug in Rollgate; the log holds the stack. Please report it.',

  reported: 'report: the delivery report was computed from the GitHub history and published (job summary, check run `rollgate/report`, `result`).',
  // A/B experiments: analyze with `experiment:` (docs/experiments.md).
  'experiment-winner': 'analyze (`experiment`): a variant is proven better than control (or every variant worse) with its guardrails holding; `winner` names it.',
  'experiment-no-difference': 'analyze (`experiment`): every variant\'s lift is proven within ±minimumEffect of control.',
  'experiment-inconclusive': 'analyze (`experiment`): the maximum duration passed without a decision; the report says how much more traffic one would need.',
  'experiment-in-progress': 'analyze (`experiment`): not decided yet; the report says how much more traffic a decision needs. Run it again after the next interval.',
  'experiment-sample-ratio-mismatch': 'analyze (`experiment`): the traffic per variant does not match the configured split, so no verdict is trusted; fix the assignment.',
  // Rollback drills (the drill action): see docs/insight.md#drills.
  'drill-passed': 'drill: the injected failure was rolled back end to end (traffic, record, deployment status, alert) within `maxTimeToRestore`.',
  'drill-failed': 'drill: a part of the rollback path broke; the check run `rollgate/drill/<env>` names which.',
  'drill-production-refused': 'drill: the environment is marked `production` and its `drills:` does not set `allowProduction: true`; nothing was deployed.',
  'drill-not-configured': 'drill: the environment has no `drills:` section in the policy.',
  // Expand/contract migrations (environments.<env>.migration, docs/migrations.md).
  'migration-failed': 'The migration\'s expand (the canary did not start) or contract command failed; the record says where the migration stands.',
  'migration-draining': 'promote: promoted, but the old version has not read back at zero traffic for the migration\'s `drain` time yet; contract runs on a later promote (deploy-canary refuses a new rollout until then).',
  contracted: 'promote: the migration\'s contract ran after the old version drained; the old version no longer works with the schema.',
} as const satisfies Record<string, string>

export type ReasonCode = keyof typeof REASON_CODES

export const REASON_CODE_LIST = Object.keys(REASON_CODES) as ReasonCode[]

export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === 'string' && Object.hasOwn(REASON_CODES, value)
}

/** The actions that write a `result` output. */
export const RESULT_ACTIONS = ['deploy-canary', 'analyze', 'promote', 'rollback', 'flag-cleanup', 'router', 'report', 'drill'] as const
export type ResultAction = (typeof RESULT_ACTIONS)[number]

/** Version of the `result` output's shape; bumped only on an incompatible change. */
export const RESULT_SCHEMA_VERSION = 1
