import { maskSecrets, safeLogText } from './escape.js'
import type { ActionIO } from './io.js'

/** Logging port used by shared code; secrets registered here never reach a log line. */
export interface Logger {
  info(message: string): void
  warn(message: string): void
  debug(message: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
  /** Registers a secret: masked by the runner and by this logger's own output. */
  mask(secret: string | undefined): void
  /**
   * `text` with every secret registered so far replaced by `***`: for what leaves other than through
   * the log (reasons in reports and outputs, records), which the runner does not mask.
   */
  redact?(text: string): string
}

export function actionLogger(io: ActionIO): Logger {
  const secrets = new Set<string>()
  const scrub = (message: string): string => maskSecrets(message, secrets)
  return {
    info: (m) => io.info(scrub(m)),
    warn: (m) => io.warning(scrub(m)),
    debug: (m) => io.debug(scrub(m)),
    group: (name, fn) => io.group(scrub(name), fn),
    mask: (secret) => {
      if (!secret) return
      secrets.add(secret)
      io.setSecret(secret)
    },
    redact: scrub,
  }
}

/** A logger for the CLI and tests: plain lines on a stream, groups as indented headers. */
export function streamLogger(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`), verbose = false): Logger {
  const secrets = new Set<string>()
  let depth = 0
  // The CLI may run inside a workflow step too: its lines pass the same escaping layer as the actions'.
  const out = (m: string): void => write(safeLogText(`${'  '.repeat(depth)}${maskSecrets(m, secrets)}`))
  return {
    info: out,
    warn: (m) => out(`warning: ${m}`),
    debug: (m) => {
      if (verbose) out(`debug: ${m}`)
    },
    group: async (name, fn) => {
      out(name)
      depth++
      try {
        return await fn()
      } finally {
        depth--
      }
    },
    mask: (secret) => {
      if (secret) secrets.add(secret)
    },
    redact: (text) => maskSecrets(text, secrets),
  }
}
