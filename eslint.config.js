import tseslint from 'typescript-eslint'
import noCycle from './scripts/eslint/no-cycle.js'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'rollgate-demo/**', '**/*.generated.ts'] },
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
  {
    // The core library never reaches into an action: actions depend on shared/, not the reverse.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/actions/**', '**/router/**', '**/cli/**'], message: 'shared/ must not import from actions/, router/ or cli/.' },
          ],
        },
      ],
    },
  },
  {
    // Only the IO adapter and the GitHub client touch the runner toolkit.
    files: ['shared/**/*.ts'],
    ignores: ['shared/action/io.ts', 'shared/github/client.ts', 'shared/github/context.ts', 'shared/traffic/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@actions/core', message: 'Use the ActionIO port (shared/action/io.ts).' },
            { name: '@actions/github', message: 'Use shared/github/client.ts and a narrow port.' },
          ],
          patterns: [
            { group: ['**/actions/**', '**/router/**', '**/cli/**'], message: 'shared/ must not import from actions/, router/ or cli/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
)
