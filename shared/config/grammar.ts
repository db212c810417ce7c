/**
 * What the loader checks a policy against: the composed schema, its validator and the backends'
 * rules beyond the schema. The built-in grammar is generated (scripts/gen-schema.ts composes it
 * from the backends' descriptors), so config/ imports no backend; a test that brings a backend of
 * its own composes and compiles a grammar with it (scripts/gen-schema.ts `compileGrammar`).
 */
import type { ErrorObject } from 'ajv'
import type { JsonSchema } from './json-schema.js'
import { policyRules, policySchema } from './policy-schema.generated.js'
import type { PolicyRules } from './schema-parts.js'
import { schemaWalk, type SchemaWalk } from './schema-walk.js'
import { validate } from './validate-policy.generated.js'

/** An Ajv validate function: errors are left on `validate.errors`. */
export interface PolicyValidator {
  (data: unknown): boolean
  errors?: ErrorObject[] | null
}

export interface PolicyGrammar {
  schema: JsonSchema
  validate: PolicyValidator
  rules: PolicyRules
  walk: SchemaWalk
}

export function grammarOf(schema: JsonSchema, check: PolicyValidator, rules: PolicyRules): PolicyGrammar {
  return { schema, validate: check, rules, walk: schemaWalk(schema) }
}

export const builtinGrammar: PolicyGrammar = grammarOf(policySchema, validate, policyRules)
