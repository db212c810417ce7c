// The one place the flags code imports the TypeScript compiler API (directly, not ts-morph: the
// scanner only needs createSourceFile and the AST, and one module keeps the bundle to one copy).
// The globals module must be imported first: see typescript-globals.ts.
import './typescript-globals.js'
import ts from 'typescript'

export default ts
