import tseslint from 'typescript-eslint'
import noCycle from './scripts/eslint/no-cycle.js'
import { boundaryBlocks } from './scripts/eslint/boundaries.js'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'rollgate-demo/**', '**/*.generated.ts', 'test/fixtures/flags/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { rollgate: { rules: { 'no-cycle': noCycle } } },
    rules: {
      'rollgate/no-cycle': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  // The core library never reaches into an action, and each room of shared/ imports only the rooms
  // its row of scripts/eslint/boundaries.js allows; only the IO adapter and the GitHub client touch
  // the runner toolkit.
  ...boundaryBlocks(),
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
)
