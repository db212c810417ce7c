/** The CLI's port to the outside world, so commands can be tested without spawning processes. */
export interface CliIO {
  stdout(text: string): void
  stderr(text: string): void
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  /** True when stdout is a terminal (progress displays degrade to plain lines otherwise). */
  readonly isTTY: boolean
}

/** A subcommand: parses its own arguments, returns the exit code (0 ok, 1 failure, 2 usage or bad input). */
export interface Subcommand {
  name: string
  summary: string
  usage: string
  run(args: string[], io: CliIO): Promise<number>
}
