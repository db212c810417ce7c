import type { CliIO, Subcommand } from './command.js'
import { ROLLGATE_VERSION } from '../shared/version.js'
import { validateCommand } from './validate.js'
import { replayCommand } from './replay.js'
import { demoCommand } from './demo.js'
import { flagsCommand } from './flags.js'

const COMMANDS: readonly Subcommand[] = [validateCommand, replayCommand, demoCommand, flagsCommand]

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
  }
}

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return [
    `rollgate ${ROLLGATE_VERSION}: progressive delivery for GitHub Actions, run locally`,
    '',
    'Usage: rollgate <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show this help, or a command\'s help: rollgate <command> --help',
    '  -v, --version  print the version',
    '',
  ].join('\n')
}

/** Returns the exit code: 0 ok, 1 the command failed, 2 usage error or bad input. */
export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [first, ...rest] = argv
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    io.stdout(helpText())
    return first === undefined ? 2 : 0
  }
  if (first === '-v' || first === '--version') {
    io.stdout(`${ROLLGATE_VERSION}\n`)
    return 0
  }
  const command = COMMANDS.find((c) => c.name === first)
  if (!command) {
    io.stderr(`rollgate: unknown command '${first}'. Commands: ${COMMANDS.map((c) => c.name).join(', ')}. See rollgate --help.\n`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`)
    return 0
  }
  try {
    return await command.run(rest, io)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    io.stderr(`rollgate ${command.name}: ${message}\n`)
    return error instanceof Error && error.name === 'ConfigError' ? 2 : 1
  }
}
