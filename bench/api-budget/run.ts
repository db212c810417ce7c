// REST calls each action makes in a whole rollout, on the Node 24 bundles against the fake GitHub
// (which validates every request against GitHub's OpenAPI description). GITHUB_TOKEN allows 1,000
// requests per hour per repository; the goals are deploy-canary <= 8, promote <= 6, rollback <= 6.
// Run: npm run bench:api-budget
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runBundle } from '../../test/bundle/harness.js'
import { startFakeGitHub } from '../../test/fakes/github/server.js'
import { budgetPolicy } from './scenarios.js'

const workspace = mkdtempSync(join(tmpdir(), 'rollgate-budget-'))
mkdirSync(join(workspace, '.github'))
const script = join(workspace, 'weight.mjs')
writeFileSync(script, "import { writeFileSync, readFileSync } from 'node:fs'\nconst [cmd, w] = process.argv.slice(2)\nconst f = new URL('./w.txt', import.meta.url)\nif (cmd === 'set') writeFileSync(f, w); else process.stdout.write(readFileSync(f, 'utf8'))\n")
writeFileSync(join(workspace, 'w.txt'), '0')
writeFileSync(
  join(workspace, '.github', 'rollgate.yml'),
  budgetPolicy(`{ provider: command, setWeight: [node, ${JSON.stringify(script)}, set, "{{weight}}"], getWeight: [node, ${JSON.stringify(script)}, get] }`),
)

const github = await startFakeGitHub({ repository: 'octo-org/shop' })
const rows: { scenario: string; action: string; calls: number; setup: number; ops: string }[] = []
try {
  for (const scenario of ['first rollout in the repository', 'later rollout']) {
    const pull = github.state.seedPull({ head: `feature-${rows.length}` })
    const sha = pull.head.sha
    const steps: [string, Record<string, string>][] = [
      ['deploy-canary', { version: `v${rows.length}`, 'stable-version': 'v0' }],
      ['analyze', { template: 'smoke', mode: 'once', 'fail-on': 'fail' }],
      ['promote', {}],
      ['promote', {}],
      ['promote', {}],
    ]
    if (scenario === 'later rollout') steps.splice(2, 3, ['promote', {}], ['rollback', { reason: 'budget check' }])
    for (const [bundle, inputs] of steps) {
      const before = github.requests.length
      const run = await runBundle(bundle, {
        inputs: { environment: 'production', ...inputs },
        cwd: workspace,
        apiUrl: github.url,
        env: { GITHUB_SHA: sha, GITHUB_ACTION: `${bundle}-${before}` },
        event: { name: 'pull_request', payload: { number: pull.number, pull_request: { number: pull.number } } },
      })
      if (run.exitCode !== 0) throw new Error(`${bundle} failed: ${run.errors.join(' | ')}`)
      const made = github.requests.slice(before)
      // The repository's first write creates the state branch: the write that found no branch and
      // the three git calls that create it, reported apart from the action's own budget.
      const isSetup = (r: (typeof made)[number]) => r.operationId?.startsWith('git/') === true || (r.operationId === 'repos/create-or-update-file-contents' && r.status === 404)
      const ops = made.filter((r) => !isSetup(r)).map((r) => r.operationId ?? '?')
      rows.push({ scenario, action: bundle, calls: ops.length, setup: made.filter(isSetup).length, ops: ops.join(', ') })
    }
  }
  if (github.invalidRequests.length > 0) throw new Error(`${github.invalidRequests.length} invalid requests`)
} finally {
  await github.close()
  rmSync(workspace, { recursive: true, force: true })
}

console.log('REST calls per action, whole rollouts on the Node 24 bundles against the fake GitHub API\n')
console.log('| scenario | action | calls | state-branch setup | requests |')
console.log('| --- | --- | ---: | ---: | --- |')
for (const r of rows) console.log(`| ${r.scenario} | ${r.action} | ${r.calls} | ${r.setup || ''} | ${r.ops} |`)
