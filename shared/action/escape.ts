/**
 * The one escaping layer between strings from outside (inputs, policy values, provider and HTTP
 * answers, command output, record fields written by earlier runs) and the runner's log.
 *
 * The runner reads the step's stdout line by line (it breaks lines at LF, CR and CRLF) and runs any
 * line that starts with `::` (or holds `##[`, the old syntax) as a workflow command: `::error`,
 * `::add-mask`, `::set-output`, `::stop-commands`. A string that carries a line break followed by
 * such text would forge a command if printed as it is. Here:
 * - command values (`::debug::<value>`, annotation messages and titles) are percent-encoded by
 *   @actions/core as the runner decodes them (`%` → `%25`, CR → `%0D`, LF → `%0A`); here their
 *   other controls (NUL, ESC, U+2028 …) are made visible first;
 * - plain log lines have invisible and line-breaking controls (lone CR, NUL, ANSI escapes, U+2028 …)
 *   made visible as `\u001b`-style escapes, and when a line of the message could still be read as a
 *   command the whole message is wrapped in `::stop-commands::<random token>` … `::<token>::`, so the
 *   runner prints it without running anything.
 */
import { randomBytes } from 'node:crypto'

/** Controls the runner or a terminal would act on: C0 except tab and LF, DEL, C1, line/paragraph separators, bidi overrides. */
const VISIBLE_CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g

/** A line the runner could run: `::name ...` (leading blanks allowed) or the old `##[name]`. */
const COMMAND_LIKE = /^[ \t]*::|##\[/m

/** `\u001b` for ESC: readable, copyable, and never a control character itself. */
export function showControls(text: string): string {
  return text.replace(VISIBLE_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Line ends as the runner sees them: CRLF is one break; a lone CR is made visible (it would start a new line). */
function normalizeLines(text: string): string {
  return text.replace(/\r\n/g, '\n')
}

/** Whether any line of `text` would be read as a workflow command. */
export function looksLikeCommand(text: string): boolean {
  return COMMAND_LIKE.test(text)
}

/**
 * A message as it may appear in the log on its own lines (`core.info`): controls shown, and wrapped
 * in stop-commands when any line looks like a command. `token` is for tests; by default it is random
 * and, being unguessable, cannot be closed early by the text it wraps.
 */
export function safeLogText(message: string, token: string = randomToken()): string {
  const text = showControls(normalizeLines(message))
  if (!looksLikeCommand(text)) return text
  return `::stop-commands::${token}\n${text}\n::${token}::`
}

/** For command values @actions/core percent-encodes itself (debug, annotations, group names): the controls it leaves, made visible. */
export function safeCommandText(message: string): string {
  return showControls(normalizeLines(message))
}

function randomToken(): string {
  return randomBytes(16).toString('hex')
}

/**
 * Rejects a control character in an input that names something (a version, an environment, a
 * reason): returns a description of the first one, or undefined when there is none.
 */
export function firstControl(text: string): string | undefined {
  const match = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/.exec(text)
  if (!match) return undefined
  const code = match[0].charCodeAt(0)
  const names: Record<number, string> = { 0: 'a NUL', 9: 'a tab', 10: 'a line feed', 13: 'a carriage return', 27: 'an escape (ANSI)', 0x2028: 'a line separator', 0x2029: 'a paragraph separator' }
  return `${names[code] ?? 'a control character'} (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at character ${match.index + 1}`
}

/** `message` with every secret replaced by `***`. */
export function maskSecrets(message: string, secrets: Iterable<string>): string {
  let result = message
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) if (secret.length > 0) result = result.split(secret).join('***')
  return result
}
