/**
 * The injection corpus through the built actions (dist/<name>/index.js under Node 24, as a runner
 * runs them, against the fake GitHub): hostile inputs are refused before anything moves, and hostile
 * provider answers (a metrics server echoing the request with its api_key, command output) reach the
 * log, the outputs, the job summary, the check run and the sticky comment neutralized and redacted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { useFakeGitHub } from '../fakes/github/use-fake-github.js'
import { runBundle, type BundleRun } from '../bundle/harness.js'
import { runnerCommands } from '../fakes/runner-log.js'
import { CORPUS } from './corpus.js'

const github = useFakeGitHub({ repository: 'octo-org/shop' })
const API_KEY = 'dd-api-key-0123456789abcdef'
const RAW_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u2028\u2029]/

let workspace: string
let metrics: Server
let metricsUrl: string
/** What the metrics server answers: each request echoes its URL (with the key) inside hostile text. */
let hostile = ''

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'rollgate-injection-'))
  mkdirSync(join(workspace, '.github'))
  writeFileSync(join(workspace, 'weight.txt'), '0')
  writeFileSync(
    join(workspace, 'weight.mjs'),
    `import { readFileSync, writeFileSync } from 'node:fs'
const [cmd, weight] = process.argv.slice(2)
const file = new URL('./weight.txt', import.meta.url)
// Command output is a provider answer too: hostile lines on both streams.
process.stderr.write('note\\n::add-mask::FORGED\\n::error title=FORGED::from stderr\\n\\u001b[31mred\\n')
if (cmd === 'set') {
  process.stdout.write('moving\\n::error title=FORGED::from stdout\\n\\u001b[31mred\\n')
  writeFileSync(file, weight)
} else process.stdout.write(readFileSync(file, 'utf8'))
`,
  )
  metrics = createServer((req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`upstream error for ${req.url}\n${hostile}`)
  })
  await new Promise<void>((r) => metrics.listen(0, '127.0.0.1', r))
  metricsUrl = `http://127.0.0.1:${(metrics.address() as AddressInfo).port}`
  writeFileSync(
    join(workspace, '.github', 'rollgate.yml'),
    `version: 1
environments:
  production:
    traffic:
      provider: command
      setWeight: [node, ${JSON.stringify(join(workspace, 'weight.mjs'))}, set, "{{weight}}"]
      getWeight: [node, ${JSON.stringify(join(workspace, 'weight.mjs'))}, get]
    steps:
      - { weight: 5, analysis: smoke }
      - { weight: 100 }
analysis:
  smoke:
    provider:
      type: http
      url: "\${METRICS_URL}/q?api_key=\${METRICS_KEY}&query={{query}}"
      retries: 0
      timeout: 2s
    interval: 1s
    maxDuration: 3s
    alpha: 0.05
    checks:
      - name: saturation
        type: value
        query: cpu
        max: 0.9
`,
  )
})

afterAll(async () => {
  await new Promise<void>((r) => metrics.close(() => r()))
  rmSync(workspace, { recursive: true, force: true })
})

async function run(bundle: string, inputs: Record<string, string>, sha: string, pr: number): Promise<BundleRun> {
  return runBundle(bundle, {
    inputs: { environment: 'production', ...inputs },
    cwd: workspace,
    apiUrl: github.url,
    env: { GITHUB_SHA: sha, ROLLGATE_GITHUB_PACING: 'off', METRICS_URL: metricsUrl, METRICS_KEY: API_KEY },
    event: { name: 'pull_request', payload: { number: pr, pull_request: { number: pr, head: { sha } } } },
    timeoutMs: 60_000,
  })
}

/** Commands in the log that the hostile text created. */
function forgedCommands(stdout: string): string[] {
  return runnerCommands(stdout)
    .filter((c) => /FORGED/.test(JSON.stringify(c.properties)) || (['add-mask', 'stop-commands', 'set-output'].includes(c.name) && /FORGED/.test(c.value)))
    .map((c) => c.line.slice(0, 120))
}

const writes = () => github.requests.filter((r) => r.method !== 'GET').length

describe('hostile inputs are refused before anything moves', () => {
  // NUL cannot reach an action at all (no environment variable holds it); injection.test.ts covers it.
  const controlled = CORPUS.filter(([, text]) => (RAW_CONTROLS.test(text) || /[\r\n]/.test(text)) && !text.includes('\u0000'))

  it.each(controlled)('deploy-canary version: %s', async (_what, text) => {
    const pull = github.state.seedPull({ head: 'feature' })
    const result = await run('deploy-canary', { version: text, 'stable-version': 'v1' }, pull.head.sha, pull.number)
    expect(forgedCommands(result.stdout)).toEqual([])
    expect(result.exitCode).toBe(1)
    expect(result.errors).toEqual([expect.stringMatching(/^Input 'version' contains .* at character \d+; expected one line of text without control characters\.$/)])
    expect(writes()).toBe(0)
    expect(readFileSync(join(workspace, 'weight.txt'), 'utf8')).toBe('0')
  })

  it('rollback reason with a forged annotation', async () => {
    const pull = github.state.seedPull({ head: 'feature' })
    const result = await run('rollback', { reason: 'bad\n::error title=FORGED::owned' }, pull.head.sha, pull.number)
    expect(forgedCommands(result.stdout)).toEqual([])
    expect(result.errors).toEqual([expect.stringMatching(/^Input 'reason' contains a line feed/)])
    expect(writes()).toBe(0)
  })
})

describe('hostile provider answers are neutralized and redacted everywhere they land', () => {
  it('command output and a metrics server echoing its api_key inside hostile text', async () => {
    hostile = CORPUS.map(([, text]) => text).join('\n')
    const pull = github.state.seedPull({ head: 'feature' })
    const deploy = await run('deploy-canary', { version: 'v2', 'stable-version': 'v1' }, pull.head.sha, pull.number)
    expect(deploy.exitCode, deploy.stdout).toBe(0)
    const analysis = await run('analyze', { mode: 'once' }, pull.head.sha, pull.number)

    const checkRuns = github.state.checkRuns.map((c) => JSON.stringify(c.run.output ?? {}))
    const comments = github.state.comments.map((c) => c.comment.body ?? '')
    const places: Record<string, string> = {
      'deploy-canary log': deploy.stdout,
      'analyze log': analysis.stdout,
      outputs: JSON.stringify(analysis.outputs),
      summary: deploy.summary + analysis.summary,
      'check run': checkRuns.join('\n'),
      comment: comments.join('\n'),
    }
    // The request line is logged with its credential redacted (it was logged whole before); the
    // address came from \${METRICS_URL}, so it is masked too, like every value the policy expands.
    expect(analysis.stdout).toMatch(/^::add-mask::dd-api-key-0123456789abcdef$/m)
    expect(analysis.stdout).toMatch(/^::debug::GET \*\*\*\/q\?api_key=\*\*\*&query=cpu/m)
    for (const [where, text] of Object.entries(places)) {
      // The runner consumes ::add-mask:: lines (that is how the key gets masked); nothing else may hold it.
      expect(text.replace(/^::add-mask::.*$/gm, ''), where).not.toContain(API_KEY)
      expect(text, where).not.toMatch(RAW_CONTROLS)
      expect(forgedCommands(text), where).toEqual([])
    }
    for (const markdown of [...comments, deploy.summary, analysis.summary]) {
      expect(markdown.replace(/(`+)[^`][\s\S]*?\1/g, '')).not.toMatch(/<img|@(?!\u200D)octocat/)
    }
    // The echoed body is summarized, not quoted whole: no 100 kB in a reason.
    const result = JSON.parse(analysis.outputs['result'] ?? '{}') as unknown
    expect(JSON.stringify(result).length).toBeLessThan(20_000)
  })
})
