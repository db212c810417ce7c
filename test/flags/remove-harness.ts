// Shared by the removal corpus, the fixture application test and bench/flag-remove: builds a
// temporary repository from a fixture, scans it, removes a flag and applies the edits.
import ts from '../../shared/flags/typescript.js'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { scanRepository } from '../../shared/flags/scan.js'
import { removeFlag } from '../../shared/flags/remove/remove-flag.js'
import type { FileEdit, FlagRef, KeptValue } from '../../shared/flags/types.js'

export const CORPUS = join(import.meta.dirname, '../fixtures/flags/removal')

export function listFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules') continue
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else out.push(relative(dir, p).split('\\').join('/'))
    }
  }
  walk(dir)
  return out.sort()
}

export function tempRepo(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export function applyEdits(root: string, edits: readonly FileEdit[]): void {
  for (const e of edits) {
    const p = join(root, e.file)
    if (e.after === null) rmSync(p)
    else {
      mkdirSync(dirname(p), { recursive: true })
      writeFileSync(p, e.after)
    }
  }
}

export async function scanAndRemove(root: string, flag: FlagRef, keep: KeptValue, others: readonly FlagRef[] = []) {
  const scan = await scanRepository([flag, ...others], { root, include: [], exclude: ['node_modules'] })
  const started = performance.now()
  const result = await removeFlag(flag, keep, { root, references: scan.references })
  return { scan, result, removeMs: performance.now() - started }
}

/** Type-checks every TS/TSX file under root (strict, unused locals and unreachable code are errors). */
export function typeCheck(root: string, files: readonly string[], extra: ts.CompilerOptions = {}): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    noUnusedLocals: true,
    allowUnreachableCode: false,
    jsx: ts.JsxEmit.Preserve,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    types: [],
    skipLibCheck: true,
    allowJs: false,
    ...tsconfigAliasOptions(root),
    ...extra,
  }
  const program = ts.createProgram(
    files.filter((f) => /\.tsx?$/.test(f)).map((f) => join(root, f)),
    options,
  )
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined
    const file = d.file ? relative(root, d.file.fileName) : ''
    return `${file}:${where ? where.line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
  })
}

/** A case's own tsconfig.json `baseUrl` and `paths` (the corpus's import-alias cases), for tsc. */
function tsconfigAliasOptions(root: string): ts.CompilerOptions {
  const file = join(root, 'tsconfig.json')
  if (!existsSync(file)) return {}
  const json = ts.parseConfigFileTextToJson(file, readFileSync(file, 'utf8')).config as { compilerOptions?: object }
  const { options } = ts.convertCompilerOptionsFromJson(json.compilerOptions ?? {}, root)
  return { ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}), ...(options.paths ? { paths: options.paths } : {}) }
}

export interface CaseSpec {
  flag: string
  aliases?: string[]
  keep: KeptValue
  /** Other flags in the repository (they must stay untouched). */
  others?: string[]
  /** Expected leftByHand entries: line and a substring of the reason. */
  left?: { file: string; line: number; reason: string }[]
  /** Whether `after` must type-check (false only for cases left by hand that keep a non-TS file). */
  compiles?: boolean
}

export interface LoadedCase {
  name: string
  spec: CaseSpec
  before: Map<string, string>
  after: Map<string, string>
}

/** A case is before.tsx/after.tsx (the file becomes src/app.tsx) or before/ and after/ trees. */
export function loadCase(name: string): LoadedCase {
  const dir = join(CORPUS, name)
  const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseSpec
  const before = new Map<string, string>()
  const after = new Map<string, string>()
  if (existsSync(join(dir, 'before')) && statSync(join(dir, 'before')).isDirectory()) {
    for (const f of listFiles(join(dir, 'before'))) before.set(f, readFileSync(join(dir, 'before', f), 'utf8'))
    for (const f of listFiles(join(dir, 'after'))) after.set(f, readFileSync(join(dir, 'after', f), 'utf8'))
  } else {
    const ext = existsSync(join(dir, 'before.tsx')) ? 'tsx' : 'ts'
    before.set(`src/app.${ext}`, readFileSync(join(dir, `before.${ext}`), 'utf8'))
    after.set(`src/app.${ext}`, readFileSync(join(dir, `after.${ext}`), 'utf8'))
  }
  return { name, spec, before, after }
}

export function materialize(files: Map<string, string>): string {
  const root = tempRepo('rollgate-removal-')
  mkdirSync(join(root, 'node_modules/sdk'), { recursive: true })
  cpSync(join(CORPUS, '_support/sdk.d.ts'), join(root, 'node_modules/sdk/index.d.ts'))
  writeFileSync(join(root, 'node_modules/sdk/package.json'), '{ "name": "sdk", "types": "index.d.ts" }\n')
  mkdirSync(join(root, 'src'), { recursive: true })
  cpSync(join(CORPUS, '_support/jsx.d.ts'), join(root, 'src/jsx.d.ts'))
  writeFileSync(join(root, '.gitignore'), 'node_modules\n')
  for (const [f, text] of files) {
    mkdirSync(dirname(join(root, f)), { recursive: true })
    writeFileSync(join(root, f), text)
  }
  return root
}
