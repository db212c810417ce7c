/** The injection corpus of issue #10, shared by the unit-level and bundle-level tests. */
/** Every class the issue names, each a way to smuggle a command, a mention, markup or a break. */
export const CORPUS: readonly [string, string][] = [
  ['LF then a command', 'v2\n::error title=FORGED::owned'],
  ['CR then a command', 'v2\r::warning title=FORGED::owned'],
  ['CRLF then add-mask', 'v2\r\n::add-mask::FORGED'],
  ['percent-encoded LF', 'v2%0A::error title=FORGED::owned'],
  ['U+2028', 'v2\u2028::error title=FORGED::owned\u2029'],
  ['NUL', 'v2\u0000::error title=FORGED::owned'],
  ['ANSI escapes', '\u001b[2K\u001b[1A\u001b[31mFORGED\u001b[0m'],
  ['a command at the start', '::set-output name=FORGED::x'],
  ['stop-commands', '::stop-commands::FORGED'],
  ['the old ##[ form', 'v2 ##[error]FORGED'],
  ['blanks before a command', '   ::error title=FORGED::x'],
  ['backticks', '``` FORGED `x` ```'],
  ['an expression', '${{ secrets.FORGED }}'],
  ['HTML and a mention', '<img src=x onerror=alert(1)> @octocat FORGED </details>'],
  ['100 kB', `FORGED ${'A'.repeat(100_000)}\n::error title=FORGED::x`],
]
