/**
 * Reads a step's stdout as the Actions runner does: lines break at LF, CR and CRLF; a line starting
 * with `::` (after blanks) is a workflow command, and so is one holding the old `##[name]` form;
 * `::stop-commands::<token>` turns command processing off until a line `::<token>::`.
 */
export interface RunnerCommand {
  name: string
  properties: Record<string, string>
  value: string
  line: string
}

export function runnerCommands(stdout: string): RunnerCommand[] {
  const commands: RunnerCommand[] = []
  let stopToken: string | undefined
  for (const raw of stdout.split(/\r\n|\r|\n/)) {
    const line = raw.trimStart()
    if (stopToken !== undefined) {
      if (line.trim() === `::${stopToken}::`) stopToken = undefined
      continue
    }
    const v2 = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line)
    if (v2) {
      const command = { name: v2[1] as string, properties: properties(v2[2] ?? ''), value: decode(v2[3] as string), line: raw }
      commands.push(command)
      if (command.name === 'stop-commands') stopToken = command.value
      continue
    }
    const v1 = /##\[([A-Za-z-]+)([^\]]*)\](.*)$/.exec(line)
    if (v1) commands.push({ name: v1[1] as string, properties: {}, value: v1[3] as string, line: raw })
  }
  return commands
}

function properties(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=')
    if (eq > 0) out[pair.slice(0, eq).trim()] = decode(pair.slice(eq + 1))
  }
  return out
}

function decode(value: string): string {
  return value.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%25/g, '%')
}
