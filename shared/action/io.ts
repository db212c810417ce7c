import * as core from '@actions/core'

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

export function coreIO(env: NodeJS.ProcessEnv = process.env): ActionIO {
  return {
    getInput: (name) => core.getInput(name),
    setOutput: (name, value) => core.setOutput(name, value),
    setSecret: (value) => {
      if (value) core.setSecret(value)
    },
    info: (message) => core.info(message),
    warning: (message, where) => core.warning(message, where ?? {}),
    error: (message, where) => core.error(message, where ?? {}),
    debug: (message) => core.debug(message),
    group: (name, fn) => core.group(name, fn),
    appendSummary: async (markdown) => {
      await core.summary.addRaw(markdown, true).write()
    },
    saveState: (name, value) => core.saveState(name, value),
    getState: (name) => core.getState(name),
    setFailed: (message) => core.setFailed(message),
    env,
  }
}
