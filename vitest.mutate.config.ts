import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// For `npm run mutate` only: the unit suite (pure functions, no processes of the built CLI), with
// the property tests at 100 cases instead of 1,500, since every mutant reruns the tests that reach it.
export default defineConfig({
  define: { __VERSION__: JSON.stringify(version) },
  test: {
    name: 'unit',
    include: ['test/unit/**/*.test.ts'],
    exclude: ['test/unit/architecture.test.ts'],
    setupFiles: ['test/support/isolate.ts'],
    env: { FC_RUNS: '100' },
  },
});
