/**
 * The replay command's own entry (dist/replay/index.js): `bin/rollgate.js replay ...` runs this
 * small bundle instead of the whole CLI, so a replay starts in a few tens of milliseconds (issue 14,
 * point 5). Same command, same output and exit codes as `rollgate replay` through cli/main.ts.
 */
import { replayCommand } from './replay.js'

const io = {
  stdout: (t: string) => void process.stdout.write(t),
  stderr: (t: string) => void process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  isTTY: Boolean(process.stdout.isTTY),
}

const args = process.argv.slice(2)
process.exitCode = await replayCommand.run(args[0] === 'replay' ? args.slice(1) : args, io)
