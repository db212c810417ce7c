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

interface SchemaNode {
  $ref?: string
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  oneOf?: SchemaNode[]
  anyOf?: SchemaNode[]
  items?: SchemaNode
  additionalProperties?: SchemaNode | boolean
  properties?: Record<string, SchemaNode>
  required?: string[]
  description?: string
  default?: unknown
  pattern?: string
}

function typeOf(node: SchemaNode): string {
  if (node.$ref) {
    const name = node.$ref.replace('#/definitions/', '')
    return `[${name}](#${name.toLowerCase()})`
  }
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(' \\| ')
  const union = node.oneOf ?? node.anyOf
  if (union) return union.map(typeOf).join(' \\| ')
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items) : 'values'}`
  if (node.type === 'object' && typeof node.additionalProperties === 'object') return `map of ${typeOf(node.additionalProperties)}`
  return Array.isArray(node.type) ? node.type.join(' \\| ') : (node.type ?? 'any')
}

function objectTable(node: SchemaNode): string {
  const required = new Set(node.required ?? [])
  const rows = Object.entries(node.properties ?? {}).map(([key, prop]) => {
    const def = prop.default === undefined ? '' : `\`${JSON.stringify(prop.default)}\``
    return `| \`${key}\` | ${typeOf(prop)} | ${required.has(key) ? 'yes' : 'no'} | ${def} | ${cell(prop.description ?? '')} |`
  })
  return ['| Key | Type | Required | Default | Description |', '| --- | --- | --- | --- | --- |', ...rows].join('\n')
}

/** The policy file reference, one section per schema definition, generated from the published schema. */
export function renderPolicyReference(schema: SchemaNode & { definitions?: Record<string, SchemaNode> }): string {
  const sections = [`#### Top level\n\n${cell(schema.description ?? '')}\n\n${objectTable(schema)}`]
  for (const [name, node] of Object.entries(schema.definitions ?? {})) {
    const body = node.properties
      ? objectTable(node)
      : `${typeOf(node)}${node.pattern ? ` matching \`${node.pattern}\`` : ''}`
    sections.push(`#### ${name}\n\n${cell(node.description ?? '')}\n\n${body}`)
  }
  return sections.join('\n\n')
}
