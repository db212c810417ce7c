import * as core from '@actions/core'
import { maskSecrets, safeCommandText, safeLogText } from './escape.js'

/**
 * Everything an action does with the runner goes through this port, so `main(io, deps)` can be
 * tested with a fake. `coreIO()` is the only implementation that touches @actions/core.
 */
export interface ActionIO {
  /** The raw input, trimmed; '' when unset. */
  getInput(name: string): string
  setOutput(name: string, value: string): void
  /** Registers a value the runner masks in every later log line. */
  setSecret(value: string): void
  info(message: string): void
  warning(message: string, where?: Annotation): void
  error(message: string, where?: Annotation): void
  debug(message: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
  appendSummary(markdown: string): Promise<void>
  saveState(name: string, value: string): void
  getState(name: string): string
  setFailed(message: string): void
  readonly env: Readonly<Record<string, string | undefined>>
}

export interface Annotation {
  title?: string
  file?: string
  startLine?: number
  startColumn?: number
}

/**
 * Every log line leaves through shared/action/escape.ts: plain lines cannot forge a workflow
 * command, and command values (@actions/core percent-encodes them) carry no invisible controls.
 */
export function coreIO(env: NodeJS.ProcessEnv = process.env): ActionIO {
  // The runner masks secrets in the log only; outputs, the summary and saved state are scrubbed here.
  const secrets = new Set<string>()
  const scrub = (text: string): string => maskSecrets(text, secrets)
  return {
    getInput: (name) => core.getInput(name),
    setOutput: (name, value) => core.setOutput(name, scrub(value)),
    setSecret: (value) => {
      if (!value) return
      secrets.add(value)
      core.setSecret(value)
    },
    info: (message) => core.info(safeLogText(message)),
    warning: (message, where) => core.warning(safeCommandText(message), safeWhere(where)),
    error: (message, where) => core.error(safeCommandText(message), safeWhere(where)),
    debug: (message) => core.debug(safeCommandText(message)),
    group: (name, fn) => core.group(safeCommandText(name).replace(/\n/g, ' '), fn),
    appendSummary: async (markdown) => {
      await core.summary.addRaw(scrub(markdown), true).write()
    },
    saveState: (name, value) => core.saveState(name, scrub(value)),
    getState: (name) => core.getState(name),
    setFailed: (message) => core.setFailed(safeCommandText(message)),
    env,
  }
}

function safeWhere(where: Annotation | undefined): Annotation {
  if (!where) return {}
  return { ...where, ...(where.title !== undefined ? { title: safeCommandText(where.title) } : {}), ...(where.file !== undefined ? { file: safeCommandText(where.file) } : {}) }
}
