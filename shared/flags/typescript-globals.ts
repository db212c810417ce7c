// typescript's CommonJS build reads `__filename` while it loads (ts.sys checks whether the file system
// is case-sensitive). Inside an ESM bundle (dist/<action>/index.js) that name does not exist, so the
// bundle would throw before running; a global of that name is what a free `__filename` finds.
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const g = globalThis as { __filename?: string; __dirname?: string }
g.__filename ??= fileURLToPath(import.meta.url)
g.__dirname ??= dirname(g.__filename)
