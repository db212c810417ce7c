import type { ActionIO } from './io.js'

/** Logging port used by shared code; secrets registered here never reach a log line. */
export interface Logger {
  info(message: string): void
  warn(message: string): void
  debug(message: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
  /** Registers a secret: masked by the runner and by this logger's own output. */
  mask(secret: string | undefined): void
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
  }
}

/** A logger for the CLI and tests: plain lines on a stream, groups as indented headers. */
export function streamLogger(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`), verbose = false): Logger {
  const secrets = new Set<string>()
  let depth = 0
  const out = (m: string): void => write(`${'  '.repeat(depth)}${maskSecrets(m, secrets)}`)
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
  }
}

export function maskSecrets(message: string, secrets: Iterable<string>): string {
  let result = message
  for (const secret of secrets) if (secret.length > 0) result = result.split(secret).join('***')
  return result
}
