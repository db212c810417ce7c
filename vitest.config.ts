import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    unstubEnvs: true,
    clearMocks: true,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: bundle and end-to-end files start processes and servers.
    maxWorkers: 2,
    reporters: ['default'],
  },
})
