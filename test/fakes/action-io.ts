import type { ActionIO, Annotation } from '../../shared/action/io.js'

/** Records everything an action does with the runner; inputs are given as a plain object. */
export class FakeActionIO implements ActionIO {
  readonly outputs: Record<string, string> = {}
  readonly secrets: string[] = []
  readonly logs: string[] = []
  readonly warnings: { message: string; where?: Annotation }[] = []
  readonly errors: { message: string; where?: Annotation }[] = []
  readonly state: Record<string, string> = {}
  /** Kept in an array: runAction wraps this object with Object.create, so `this.summary +=` would land on the wrapper. */
  private readonly summaryParts: string[] = []
  get summary(): string {
    return this.summaryParts.join('')
  }
  failed: string | undefined
  readonly env: Record<string, string | undefined>

  constructor(
    private readonly inputs: Record<string, string> = {},
    env: Record<string, string | undefined> = {},
  ) {
    this.env = env
  }

  getInput(name: string): string {
    return (this.inputs[name] ?? '').trim()
  }
  setOutput(name: string, value: string): void {
    this.outputs[name] = value
  }
  setSecret(value: string): void {
    this.secrets.push(value)
  }
  info(message: string): void {
    this.logs.push(message)
  }
  warning(message: string, where?: Annotation): void {
    this.warnings.push(where ? { message, where } : { message })
  }
  error(message: string, where?: Annotation): void {
    this.errors.push(where ? { message, where } : { message })
  }
  debug(message: string): void {
    this.logs.push(`debug: ${message}`)
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.logs.push(`::group::${name}`)
    try {
      return await fn()
    } finally {
      this.logs.push('::endgroup::')
    }
  }
  async appendSummary(markdown: string): Promise<void> {
    this.summaryParts.push(`${markdown}\n`)
  }
  saveState(name: string, value: string): void {
    this.state[name] = value
  }
  getState(name: string): string {
    return this.state[name] ?? ''
  }
  setFailed(message: string): void {
    this.failed = message
  }
}
