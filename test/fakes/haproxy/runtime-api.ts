import { createServer, type Server } from 'node:net'

/**
 * A stand-in for HAProxy's runtime API on a unix socket, for failures the real HAProxy will not
 * produce on demand. Answers `get weight` and `set server ... weight` like HAProxy 2.6 and records
 * every command; `fail` returns the error text to answer a command with.
 */
export class FakeRuntimeApi {
  readonly commands: string[] = []

  readonly weights: Record<string, number>
  private readonly server: Server

  private constructor(
    readonly socket: string,
    weights: Record<string, number>,
    private readonly fail: (command: string) => string | undefined,
  ) {
    this.weights = { ...weights }
    this.server = createServer((connection) => {
      let buffer = ''
      connection.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8')
        const end = buffer.indexOf('\n')
        if (end >= 0) connection.end(this.answer(buffer.slice(0, end).trim()))
      })
    })
  }

  static async start(socket: string, weights: Record<string, number>, fail: (command: string) => string | undefined = () => undefined): Promise<FakeRuntimeApi> {
    const api = new FakeRuntimeApi(socket, weights, fail)
    await new Promise<void>((resolve) => api.server.listen(socket, resolve))
    return api
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private answer(command: string): string {
    this.commands.push(command)
    const failure = this.fail(command)
    if (failure !== undefined) return `${failure}\n`
    const get = /^get weight (\S+)$/.exec(command)
    if (get?.[1]) {
      const weight = this.weights[get[1]]
      return weight === undefined ? 'No such server.\n' : `${weight} (initial ${weight})\n`
    }
    const set = /^set server (\S+) weight (\d+)$/.exec(command)
    if (set?.[1] && set[2]) {
      if (this.weights[set[1]] === undefined) return 'No such server.\n'
      this.weights[set[1]] = Number(set[2])
      return '\n'
    }
    return 'Unknown command.\n'
  }
}
