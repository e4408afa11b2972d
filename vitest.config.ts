import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript source in tests (the `@rung/source` export
// condition), so the unit suite needs no build step. Tests that start real processes run the
// built `dist/` of the apps, which `npm test` builds first.
const conditions = ['@rung/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/test/**/*.test.ts',
            'apps/*/test/unit/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          exclude: ['**/integration/**', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [
            'packages/*/test/integration/**/*.test.ts',
            'apps/*/test/integration/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          globalSetup: ['test/support/redis-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Integration tests start real processes; on a 2-core machine they run one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
