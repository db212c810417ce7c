/** The JSON Schema subset the policy and flag schemas are written in; imports nothing, so backends' schema fragments can use it without a cycle. */
export type SchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array'

export interface JsonSchema {
  $schema?: string
  $id?: string
  $ref?: string
  title?: string
  description?: string
  default?: unknown
  examples?: unknown[]
  type?: SchemaType | SchemaType[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  propertyNames?: JsonSchema
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  uniqueItems?: boolean
  enum?: (string | number | boolean)[]
  const?: string | number | boolean
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  oneOf?: JsonSchema[]
  discriminator?: { propertyName: string }
  definitions?: Record<string, JsonSchema>
}
