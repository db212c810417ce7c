import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..')

/** The Actions runtime: Node 24 from the npm package `node@24` (a devDependency). */
export function node24(): string {
  const bin = join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node')
  if (!existsSync(bin)) throw new Error(`Node 24 runtime missing at ${bin}; run npm ci (the node@24 package installs it)`)
  return bin
}

export interface BundleRun {
  exitCode: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  state: Record<string, string>
  /** The `::error::` lines the runner would turn into annotations, decoded. */
  errors: string[]
  durationMs: number
}

export interface BundleOptions {
  /** Inputs by their action.yml name; become INPUT_<NAME> as the runner sets them. */
  inputs?: Record<string, string>
  event?: { name: string; payload: unknown }
  env?: Record<string, string>
  apiUrl?: string
  cwd?: string
  timeoutMs?: number
  /** Called with the bundle's process once it runs (crash tests kill it from outside). */
  onSpawn?: (child: ChildProcess) => void
}

/** Runs dist/<name>/index.js exactly as a runner does and reads back what it left. */
export async function runBundle(name: string, options: BundleOptions = {}): Promise<BundleRun> {
  const bundle = join(REPO_ROOT, 'dist', name, 'index.js')
  if (!existsSync(bundle)) throw new Error(`${bundle} does not exist; run npm run build`)
  const dir = await mkdtemp(join(tmpdir(), `rollgate-${name}-`))
  try {
    const files = {
      output: join(dir, 'output'),
      summary: join(dir, 'summary.md'),
      state: join(dir, 'state'),
      event: join(dir, 'event.json'),
      env: join(dir, 'env'),
      path: join(dir, 'path'),
    }
    for (const f of [files.output, files.summary, files.state, files.env, files.path]) await writeFile(f, '')
    await writeFile(files.event, JSON.stringify(options.event?.payload ?? {}))
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      RUNNER_TEMP: dir,
      RUNNER_OS: 'Linux',
      GITHUB_REPOSITORY: 'octo-org/shop',
      GITHUB_REPOSITORY_OWNER: 'octo-org',
      GITHUB_SHA: 'a'.repeat(40),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_RUN_ID: '1001',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_RUN_NUMBER: '7',
      GITHUB_ACTOR: 'octocat',
      GITHUB_WORKFLOW: 'deploy',
      GITHUB_JOB: 'rollout',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: options.apiUrl ?? 'http://127.0.0.1:9',
      GITHUB_WORKSPACE: options.cwd ?? REPO_ROOT,
      GITHUB_EVENT_NAME: options.event?.name ?? 'push',
      GITHUB_EVENT_PATH: files.event,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_STATE: files.state,
      GITHUB_ENV: files.env,
      GITHUB_PATH: files.path,
      ...options.env,
    }
    // The runner fills declared defaults, then turns each input into INPUT_<NAME>.
    const inputs = { ...declaredDefaults(name, options.env?.['TEST_GITHUB_TOKEN'] ?? 'ghs_0123456789abcdefTEST'), ...options.inputs }
    // The runner turns each input into INPUT_<NAME>: upper case, spaces to underscores, hyphens kept.
    for (const [key, value] of Object.entries(inputs)) env[`INPUT_${key.replace(/ /g, '_').toUpperCase()}`] = value
    const started = performance.now()
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((ok, fail) => {
      const child = spawn(node24(), [bundle], { cwd: options.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
      options.onSpawn?.(child)
      let out = ''
      let err = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (err += d.toString()))
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        fail(new Error(`${name} bundle did not finish within ${options.timeoutMs ?? 30_000} ms\n${out}\n${err}`))
      }, options.timeoutMs ?? 30_000)
      child.on('error', fail)
      child.on('close', (c) => {
        clearTimeout(timer)
        ok({ code: c ?? -1, stdout: out, stderr: err })
      })
    })
    const durationMs = performance.now() - started
    return {
      exitCode: code,
      stdout,
      stderr,
      outputs: parseFileCommand(await readFile(files.output, 'utf8')),
      summary: await readFile(files.summary, 'utf8'),
      state: parseFileCommand(await readFile(files.state, 'utf8')),
      errors: stdout
        .split('\n')
        .filter((l) => l.startsWith('::error'))
        .map((l) => decodeCommand(l.slice(l.indexOf('::', 2) + 2))),
      durationMs,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Parses the runner's file-command format: `name<<DELIM\nvalue\nDELIM` blocks (and `name=value`). */
export function parseFileCommand(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string]
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] as string)
      result[name] = value.join('\n')
    } else if (line.includes('=')) {
      result[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return result
}

function decodeCommand(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/** The action.yml that declares a bundle: actions/<name>/action.yml, or the root one for the router. */
export function actionYmlPath(name: string): string | undefined {
  if (name === 'router') return join(REPO_ROOT, 'action.yml')
  const path = join(REPO_ROOT, 'actions', name, 'action.yml')
  return existsSync(path) ? path : undefined
}

function declaredDefaults(name: string, token: string): Record<string, string> {
  const path = actionYmlPath(name)
  if (!path) return {}
  const doc = parse(readFileSync(path, 'utf8')) as { inputs?: Record<string, { default?: string }> }
  const result: Record<string, string> = {}
  for (const [key, spec] of Object.entries(doc.inputs ?? {})) {
    if (spec.default === undefined) continue
    result[key] = spec.default === '${{ github.token }}' ? token : spec.default
  }
  return result
}
