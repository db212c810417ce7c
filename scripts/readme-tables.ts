// Renders an action's inputs and outputs tables from its action.yml, for its README.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

export interface ActionMetadata {
  name: string
  description: string
  inputs?: Record<string, { description: string; required?: boolean; default?: string }>
  outputs?: Record<string, { description: string }>
  runs: { using: string; main: string }
}

export function readActionYml(path: string): ActionMetadata {
  return parse(readFileSync(path, 'utf8')) as ActionMetadata
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim()

export function renderInputsTable(meta: ActionMetadata): string {
  const rows = Object.entries(meta.inputs ?? {}).map(([name, spec]) => {
    const def = spec.default === undefined || spec.default === '' ? '' : `\`${cell(spec.default)}\``
    return `| \`${name}\` | ${spec.required ? 'yes' : 'no'} | ${def} | ${cell(spec.description)} |`
  })
  return ['| Input | Required | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n')
}

export function renderOutputsTable(meta: ActionMetadata): string {
  const rows = Object.entries(meta.outputs ?? {}).map(([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`)
  return ['| Output | Description |', '| --- | --- |', ...rows].join('\n')
}

/** Replaces the text between `<!-- start NAME -->` and `<!-- end NAME -->`; throws if a marker is missing. */
export function replaceSection(text: string, name: string, body: string, file: string): string {
  const start = `<!-- start ${name} -->`
  const end = `<!-- end ${name} -->`
  const i = text.indexOf(start)
  const j = text.indexOf(end)
  if (i < 0 || j < i) throw new Error(`${file}: missing the markers ${start} ... ${end}`)
  return `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`
}

export function renderActionReadme(readme: string, meta: ActionMetadata, file: string): string {
  return replaceSection(replaceSection(readme, 'inputs', renderInputsTable(meta), file), 'outputs', renderOutputsTable(meta), file)
}
