import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fixture repositories carry their own tests (run by the tests that use them), not vitest's.
    exclude: ['**/node_modules/**', 'test/fixtures/**'],
    unstubEnvs: true,
    clearMocks: true,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: bundle and end-to-end files start processes and servers.
    maxWorkers: 2,
    reporters: ['default'],
  },
})
