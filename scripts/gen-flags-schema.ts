/**
 * Writes schema/flags.schema.json (the flags.yml registry format) from shared/flags/sources/registry.ts.
 * Usage: tsx scripts/gen-flags-schema.ts [--check]; test/flags/registry.test.ts compares it too.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { flagsFileSchema } from '../shared/flags/sources/registry.js'

export const FLAGS_SCHEMA_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'flags.schema.json')

export function flagsSchemaText(): string {
  return `${JSON.stringify(flagsFileSchema, null, 2)}\n`
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = flagsSchemaText()
  if (process.argv.includes('--check')) {
    if (readFileSync(FLAGS_SCHEMA_PATH, 'utf8') !== text) {
      console.error('schema/flags.schema.json is out of date: run npm run gen:schema')
      process.exit(1)
    }
  } else {
    writeFileSync(FLAGS_SCHEMA_PATH, text)
    console.log('wrote schema/flags.schema.json')
  }
}
