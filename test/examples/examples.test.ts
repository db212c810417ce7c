/**
 * The examples users copy: every workflow passes actionlint and Rollgate's workflow rules
 * (scripts/lint-workflows.ts, the same code `npm run lint:workflows` runs), is wired to its policy,
 * and every example policy passes `rollgate validate` with its secrets unset.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isMap, isScalar, isSeq, parse, parseDocument, type Node, type YAMLMap } from 'yaml'
import { describe, expect, it } from 'vitest'
import { createValidateCommand } from '../../cli/validate.js'
import { SCHEMA_ID } from '../../shared/config/schema.js'
import {
  actionlintFindings,
  formatFinding,
  lintWorkflow,
  loadActionCatalog,
  rollgateFindings,
  rollgateUse,
  ROOT,
  workflowFiles,
  type Finding,
} from '../../scripts/lint-workflows.js'

const catalog = loadActionCatalog()
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8')

const workflows = workflowFiles()
const exampleWorkflows = workflows.filter((f) => f.startsWith('examples/workflows/'))
const examplePolicies = readdirSync(join(ROOT, 'examples/policies'))
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((f) => `examples/policies/${f}`)

describe('workflows pass actionlint and the Rollgate rules', () => {
  it('covers every required example', () => {
    expect(exampleWorkflows).toEqual(
      expect.arrayContaining(
        ['canary-gateway-api', 'blue-green-istio', 'argo-rollouts', 'aws-lambda', 'unleash-flag', 'pr-comments', 'scheduled-analysis'].map(
          (name) => `examples/workflows/${name}.yml`,
        ),
      ),
    )
    expect(workflows).toEqual(expect.arrayContaining(['.github/workflows/ci.yml']))
  })

  // One actionlint instance serves the whole file: it is created on the first call (about 1 s).
  it.each(workflows)('%s', async (file) => {
    expect((await lintWorkflow(read(file), file, catalog)).map(formatFinding)).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------

const BAD = `name: bad
on:
  issue_comment:
    types: [created]
jobs:
  command:
    runs-on: ubuntu-24.04
    steps:
      - name: Echo the command
        run: |
          echo "running"
          echo "\${{ github.event.comment.body }}"
      - uses: rollgate-dev/rollgate/actions/analyze@v1
        with:
          environment: production
          windw: 5m
      - uses: rollgate-dev/rollgate/actions/deploy-canary@v1
        with:
          environment: production
`

function rulesOf(findings: Finding[]): string[] {
  return findings.map((f) => `${f.line}:${f.column} ${f.rule}`)
}

/** `line:column rule` of the `occurrence`-th `needle` in `text`, to state expected positions readably. */
function at(text: string, needle: string, rule: string, occurrence = 1): string {
  let index = -1
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1)
    if (index < 0) throw new Error(`${needle} not found`)
  }
  const before = text.slice(0, index).split('\n')
  return `${before.length}:${(before[before.length - 1] ?? '').length + 1} ${rule}`
}

describe('the checker reports what it must', () => {
  it('reports an unknown input, a missing required input, ${{ }} in run: and missing permissions', () => {
    const findings = rollgateFindings(BAD, 'bad.yml', catalog)
    expect(rulesOf(findings)).toEqual([
      at(BAD, 'command:', 'missing-permissions'),
      at(BAD, '${{ github.event', 'expression-in-run'),
      at(BAD, 'windw', 'unknown-input'),
      at(BAD, 'rollgate-dev/rollgate/actions/deploy-canary', 'missing-input'),
    ])
    expect(findings.map((f) => f.message).join('\n')).toMatch(/no input "windw".*inputs: policy, environment, template, mode, fail-on, github-token/)
    expect(findings.map((f) => f.message).join('\n')).toMatch(/requires the input "version"/)
    expect(findings.map((f) => f.message).join('\n')).toContain('`${{ github.event.comment.body }}` inside run:')
  })

  it('fails the whole lint, actionlint included, on the bad workflow', async () => {
    const findings = await lintWorkflow(BAD, 'test/examples/bad.yml', catalog)
    const rules = new Set(findings.map((f) => f.rule))
    expect(rules).toEqual(new Set(['actionlint', 'missing-permissions', 'expression-in-run', 'unknown-input', 'missing-input']))
    expect(findings.find((f) => f.rule === 'actionlint')?.message).toMatch(/github\.event\.comment\.body.*potentially untrusted/)
  })

  it('lets actionlint report its own kinds of mistakes', async () => {
    const text = `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo \${{ steps.nope.outputs.x }\n`
    expect((await actionlintFindings(text, 'test/examples/broken.yml')).length).toBeGreaterThan(0)
  })

  it('refuses absolute paths, which can deadlock the WebAssembly runtime', async () => {
    await expect(actionlintFindings('on: push', join(ROOT, 'x.yml'))).rejects.toThrow(/repository-relative/)
  })

  it('reports write-all, at the workflow and in a job', () => {
    const text = `on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    permissions: write-all\n    steps:\n      - run: "true"\n`
    expect(rulesOf(rollgateFindings(text, 'w.yml', catalog))).toEqual([at(text, 'write-all', 'write-all'), at(text, 'write-all', 'write-all', 2)])
  })

  it('accepts permissions set per job instead of for the workflow', () => {
    const text = `on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    permissions:\n      contents: read\n    steps:\n      - run: "true"\n`
    expect(rollgateFindings(text, 'w.yml', catalog)).toEqual([])
  })

  it('checks the router and local actions, and names unknown actions', () => {
    const text = `on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-24.04
    steps:
      - uses: rollgate-dev/rollgate@v1
        with: { environment: production }
      - uses: ./actions/promote
        with: { environment: production, weight: 25 }
      - uses: rollgate-dev/rollgate/actions/canary@v1
      - uses: Rollgate-Dev/Rollgate/actions/rollback
        with: { environment: production }
      - uses: actions/github-script@v7
        with:
          script: core.info('\${{ github.head_ref }}')
`
    expect(rulesOf(rollgateFindings(text, 'w.yml', catalog))).toEqual([
      at(text, 'environment', 'unknown-input'),
      at(text, 'weight', 'unknown-input'),
      at(text, 'rollgate-dev/rollgate/actions/canary', 'unknown-action'),
      at(text, 'Rollgate-Dev', 'unpinned-action'),
      at(text, '${{', 'expression-in-script'),
    ])
  })

  it('recognises which uses: lines are Rollgate actions', () => {
    expect(rollgateUse('rollgate-dev/rollgate/actions/analyze@v1')).toEqual({ name: 'analyze', unpinned: false })
    expect(rollgateUse('rollgate-dev/rollgate@v1.2.0')).toEqual({ name: '', unpinned: false })
    expect(rollgateUse('./actions/rollback')).toEqual({ name: 'rollback', unpinned: false })
    expect(rollgateUse('./')).toEqual({ name: '', unpinned: false })
    expect(rollgateUse('rollgate-dev/rollgate/dist/analyze@v1')).toEqual({ unknown: 'rollgate-dev/rollgate/dist/analyze@v1' })
    expect(rollgateUse('rollgate-dev/rollgate-extras/actions/analyze@v1')).toBeUndefined()
    expect(rollgateUse('actions/checkout@v5')).toBeUndefined()
  })

  it('reports YAML syntax errors instead of throwing', () => {
    expect(rollgateFindings('on: push\njobs: [\n', 'w.yml', catalog).map((f) => f.rule)).toContain('yaml')
  })
})

// ---------------------------------------------------------------------------------------------
// What only the examples promise: each is paired with a policy and wired to it.

/**
 * What each Rollgate action's token needs (shared/state/github-store.ts: the rollout record is a
 * file on the `rollgate-state` branch, hence contents: write; plus deployments, the check run and
 * the sticky comment). `id-token: write` is added only for OIDC, checked separately.
 */
const ROLLOUT_PERMISSIONS = { contents: 'write', deployments: 'write', checks: 'write', 'pull-requests': 'write' }
const NEEDED: Record<string, Record<string, string>> = {
  // The router reads the policy, the PR, roles, checks and branch policies; it writes replies and, for pause/resume, the record.
  '': { contents: 'write', 'pull-requests': 'write', checks: 'read', statuses: 'read', actions: 'read' },
  'deploy-canary': ROLLOUT_PERMISSIONS,
  analyze: ROLLOUT_PERMISSIONS,
  promote: ROLLOUT_PERMISSIONS,
  rollback: ROLLOUT_PERMISSIONS,
  'flag-cleanup': { contents: 'write', 'pull-requests': 'write' },
  // The experiment's check run, and its verdict in the environment's sticky pull-request comment.
  'analyze (experiment)': { contents: 'read', checks: 'write', 'pull-requests': 'write' },
  // The drill's rollback comment goes to the policy's alert issue, not a pull request.
  drill: { contents: 'write', deployments: 'write', checks: 'write', issues: 'write' },
  // Reads deployments, pull requests and the records; writes only its check run.
  report: { contents: 'read', deployments: 'read', 'pull-requests': 'read', checks: 'write' },
}
const EXPERIMENT = 'analyze (experiment)'
/** Actions that load no policy file: their workflows name `# Policy: none`. */
const POLICY_FREE = new Set(['report'])
/** flag-cleanup with `task: check` only reads the pull request and publishes the rollgate/flags check run. */
const FLAG_CHECK_PERMISSIONS = { contents: 'read', 'pull-requests': 'read', checks: 'write' }

function neededBy(step: Step): Record<string, string> {
  if (step.rollgate === 'flag-cleanup' && step.with['task'] === 'check') return FLAG_CHECK_PERMISSIONS
  return NEEDED[step.rollgate ?? ''] ?? {}
}
const TRAFFIC_MOVING = new Set(['deploy-canary', 'promote', 'rollback', 'drill'])
const OIDC_ACTIONS = /^(aws-actions\/configure-aws-credentials|google-github-actions\/auth|azure\/login)@/

interface Step {
  uses: string | undefined
  rollgate: string | undefined
  env: Record<string, unknown>
  with: Record<string, unknown>
}
interface Job {
  id: string
  permissions: Record<string, string> | string | undefined
  environment: unknown
  env: Record<string, unknown>
  steps: Step[]
}
interface Workflow {
  on: unknown
  permissions: Record<string, string> | string | undefined
  concurrency: unknown
  env: Record<string, unknown>
  jobs: Job[]
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function workflowOf(text: string): Workflow {
  const raw = asRecord(parse(text))
  const jobs = Object.entries(asRecord(raw.jobs)).map(([id, value]): Job => {
    const job = asRecord(value)
    const steps = (Array.isArray(job.steps) ? job.steps : []).map((s): Step => {
      const step = asRecord(s)
      const uses = typeof step.uses === 'string' ? step.uses : undefined
      const use = uses === undefined ? undefined : rollgateUse(uses)
      // analyze with `experiment:` judges an A/B experiment: it reads the policy (and, for a traffic split, the record) and writes one check run.
      const name = use && 'name' in use ? (use.name === 'analyze' && asRecord(step.with).experiment !== undefined ? EXPERIMENT : use.name) : undefined
      return { uses, rollgate: name, env: asRecord(step.env), with: asRecord(step.with) }
    })
    return { id, permissions: job.permissions as Job['permissions'], environment: job.environment, env: asRecord(job.env), steps }
  })
  return { on: raw.on, permissions: raw.permissions as Workflow['permissions'], concurrency: raw.concurrency, env: asRecord(raw.env), jobs }
}

function permissionsOf(workflow: Workflow, job: Job): Record<string, string> {
  const permissions = job.permissions ?? workflow.permissions
  return typeof permissions === 'object' && permissions !== null ? permissions : {}
}

/** The policy a workflow names in its header: `# Policy: examples/policies/NAME.yml`. */
function pairedPolicy(text: string): string | undefined {
  return /^# Policy: (examples\/policies\/[\w.-]+\.yml)\b/m.exec(text)?.[1]
}

/** Every `${NAME}` in the policy's values (comments aside): what the actions read from their env. */
function policyEnvNames(policyText: string): string[] {
  const names = new Set<string>()
  const visit = (value: unknown): void => {
    if (typeof value === 'string') for (const m of value.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) names.add(m[1] as string)
    else if (Array.isArray(value)) value.forEach(visit)
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit)
  }
  visit(parse(policyText))
  return [...names].sort()
}

describe.each(exampleWorkflows)('%s', (file) => {
  const text = read(file)
  const workflow = workflowOf(text)
  const rollgateJobs = workflow.jobs.filter((job) => job.steps.some((s) => s.rollgate !== undefined))

  const policyFree = rollgateJobs.length > 0 && rollgateJobs.every((job) => job.steps.every((s) => s.rollgate === undefined || POLICY_FREE.has(s.rollgate)))

  it('names the policy it pairs with, and that policy exists', () => {
    if (policyFree) {
      expect(text, 'a header line "# Policy: none" (its actions load no policy)').toMatch(/^# Policy: none$/m)
      return
    }
    const policy = pairedPolicy(text)
    expect(policy, 'a header line "# Policy: examples/policies/NAME.yml"').toBeDefined()
    expect(examplePolicies).toContain(policy)
  })

  it('uses Rollgate only through the published references', () => {
    expect(rollgateJobs.length).toBeGreaterThan(0)
    for (const job of rollgateJobs) {
      for (const step of job.steps.filter((s) => s.rollgate !== undefined)) {
        expect(step.uses).toMatch(/^rollgate-dev\/rollgate(\/actions\/[a-z-]+)?@v1$/)
      }
    }
  })

  it("sets every ${NAME} of its policy on every Rollgate step (each action loads the whole policy)", () => {
    if (policyFree) return
    const needed = policyEnvNames(read(pairedPolicy(text) ?? ''))
    for (const job of rollgateJobs) {
      // The router ('') reads roles and environments only and loads the policy with unset variables allowed.
      for (const step of job.steps.filter((s) => s.rollgate !== undefined && s.rollgate !== '')) {
        const env = new Set([...Object.keys(workflow.env), ...Object.keys(job.env), ...Object.keys(step.env)])
        expect(needed.filter((name) => !env.has(name)), `job ${job.id}, ${step.uses}`).toEqual([])
      }
    }
  })

  it('grants each Rollgate job exactly what its actions need, id-token only for OIDC', () => {
    expect(workflow.permissions, 'the workflow grants nothing itself: permissions: {}').toEqual({})
    for (const job of workflow.jobs) {
      const granted = permissionsOf(workflow, job)
      const oidc = job.steps.some((s) => s.uses !== undefined && OIDC_ACTIONS.test(s.uses))
      expect(granted['id-token'], `job ${job.id}: id-token`).toBe(oidc ? 'write' : undefined)
      const rollgateSteps = job.steps.filter((s) => s.rollgate !== undefined)
      const actions = rollgateSteps.map((s) => (s.rollgate === 'flag-cleanup' && s.with['task'] === 'check' ? 'flag-cleanup (check)' : s.rollgate))
      if (actions.length === 0) continue
      const needed: Record<string, string> = Object.assign({}, ...rollgateSteps.map(neededBy), oidc ? { 'id-token': 'write' } : {})
      expect(granted, `job ${job.id} (${actions.join(', ')})`).toEqual(needed)
    }
  })

  it('deploys to a GitHub environment from every job that moves traffic', () => {
    for (const job of rollgateJobs.filter((j) => j.steps.some((s) => TRAFFIC_MOVING.has(s.rollgate ?? '')))) {
      expect(job.environment, `job ${job.id}`).toBeTruthy()
    }
  })

  it('runs one rollout per environment at a time (comment commands excepted: the lease serialises them)', () => {
    const onComments = Object.keys(asRecord(workflow.on)).includes('issue_comment')
    // Experiments only read: nothing to serialise.
    if (rollgateJobs.every((j) => j.steps.every((s) => s.rollgate === undefined || s.rollgate === EXPERIMENT))) return
    if (onComments) {
      expect(workflow.concurrency).toBeUndefined()
      return
    }
    const group = String(asRecord(workflow.concurrency).group ?? '')
    expect(group).toMatch(/^rollgate-/)
    expect(asRecord(workflow.concurrency)['cancel-in-progress']).toBe(false)
  })

  it('runs drills on the schedule the policy documents (drills.schedule)', () => {
    if (!rollgateJobs.some((j) => j.steps.some((s) => s.rollgate === 'drill'))) return
    const crons = (Array.isArray(asRecord(workflow.on).schedule) ? (asRecord(workflow.on).schedule as unknown[]) : []).map((s) => asRecord(s).cron)
    const environments = asRecord(asRecord(parse(read(pairedPolicy(text) ?? ''))).environments)
    const schedules = Object.values(environments).map((e) => asRecord(asRecord(e).drills).schedule).filter((s) => s !== undefined)
    expect(crons.length).toBeGreaterThan(0)
    expect(crons).toEqual(schedules)
  })

  it('gates promotion on the outputs of analyze', () => {
    if (!rollgateJobs.some((j) => j.steps.some((s) => s.rollgate === 'promote'))) return
    // Comment commands: a person types the promote, and the environment's reviewers approve it.
    if (Object.keys(asRecord(workflow.on)).includes('issue_comment')) return
    expect(text).toMatch(/if: (needs\.[\w-]+|steps\.[\w-]+)\.outputs\.decision == 'pass'/)
  })
})

describe('the workflow files are free of ${{ }} in run: scripts, whatever the rules say', () => {
  // A second, independent look at the same promise: walk every run: scalar of every workflow.
  it.each(workflows)('%s', (file) => {
    const doc = parseDocument(read(file))
    const scripts: string[] = []
    const visit = (node: Node | null | undefined): void => {
      if (isMap(node)) {
        for (const pair of (node as YAMLMap).items) {
          if (isScalar(pair.key) && pair.key.value === 'run' && isScalar(pair.value)) scripts.push(String(pair.value.value))
          visit(pair.value as Node)
        }
      } else if (isSeq(node)) node.items.forEach((item) => visit(item as Node))
    }
    visit(doc.contents as Node)
    expect(scripts.filter((s) => s.includes('${{'))).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------

describe('example policies pass `rollgate validate` with their secrets unset', () => {
  const validate = createValidateCommand()

  it.each(examplePolicies)('%s', async (file) => {
    let out = ''
    let err = ''
    // A policy whose flag source is the checkout's flags.yml runs where the example workflow puts it:
    // examples/experiment-flags.yml copied to flags.yml (validate checks flag splits against it).
    const registry = /type: registry, file: flags\.yml/.test(read(file))
    const cwd = registry ? mkdtempSync(join(tmpdir(), 'rollgate-example-')) : ROOT
    if (registry) copyFileSync(join(ROOT, 'examples/experiment-flags.yml'), join(cwd, 'flags.yml'))
    const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), env: {}, cwd, isTTY: false }
    const code = await validate.run([join(ROOT, file), '--json'], io).finally(() => {
      if (registry) rmSync(cwd, { recursive: true, force: true })
    })
    const result = JSON.parse(out) as { ok: boolean; problems?: unknown[] }
    expect({ code, problems: result.problems ?? [], err }).toEqual({ code: 0, problems: [], err: '' })
    expect(result.ok).toBe(true)
  })

  it.each(examplePolicies)('%s starts with the yaml-language-server schema line', (file) => {
    expect(read(file).split('\n')[0]).toBe(`# yaml-language-server: $schema=${SCHEMA_ID}`)
  })

  it('pairs every example workflow with a policy, and the required setups have both', () => {
    const paired = new Set(exampleWorkflows.map((f) => pairedPolicy(read(f))))
    for (const policy of ['gateway-api-prometheus', 'blue-green', 'argo-rollouts', 'aws-lambda', 'unleash-flag', 'pr-comments', 'scheduled-once']) {
      expect(paired).toContain(`examples/policies/${policy}.yml`)
    }
  })
})
