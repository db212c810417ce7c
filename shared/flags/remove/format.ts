// Applies the repository's own Prettier to the files a removal edited, when the repository has a
// Prettier config and Prettier installed in its own node_modules. Prettier is never bundled: it is
// loaded from the repository, so the version and plugins are the ones its developers use.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const CONFIG_FILES = [
  '.prettierrc',
  '.prettierrc.json',
  '.prettierrc.yaml',
  '.prettierrc.yml',
  '.prettierrc.json5',
  '.prettierrc.js',
  '.prettierrc.cjs',
  '.prettierrc.mjs',
  '.prettierrc.toml',
  'prettier.config.js',
  'prettier.config.cjs',
  'prettier.config.mjs',
  'prettier.config.ts',
]

interface PrettierApi {
  format(source: string, options: Record<string, unknown>): Promise<string> | string
  resolveConfig(file: string): Promise<Record<string, unknown> | null>
}

export type Formatter = (file: string, text: string) => Promise<string>

export function hasPrettierConfig(root: string): boolean {
  if (CONFIG_FILES.some((f) => existsSync(join(root, f)))) return true
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>
    return pkg.prettier !== undefined
  } catch {
    return false
  }
}

/** The repository's Prettier as a formatter, or a reason why there is none. */
export async function repositoryFormatter(root: string): Promise<Formatter | { none: string }> {
  if (!hasPrettierConfig(root)) return { none: 'no Prettier config in the repository' }
  let entry: string
  try {
    entry = createRequire(join(root, 'package.json')).resolve('prettier')
  } catch {
    return { none: 'the repository has a Prettier config but no prettier in its node_modules (run npm ci first)' }
  }
  const mod = (await import(pathToFileURL(entry).href)) as PrettierApi & { default?: PrettierApi }
  const prettier = typeof mod.format === 'function' ? mod : mod.default!
  return async (file, text) => {
    const abs = join(root, file)
    const config = (await prettier.resolveConfig(abs)) ?? {}
    return await prettier.format(text, { ...config, filepath: abs })
  }
}
