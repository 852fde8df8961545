import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// Three depths: `unit` is pure and fast (npm run test:unit); `cli` spawns the built CLI in
// temp homes against a stand-in gateway; `real` drives the real Codex CLI, real shells and a
// real terminal. `npm test` runs all three.
export default defineConfig({
  define: { __VERSION__: JSON.stringify(version) },
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], setupFiles: ['test/support/isolate.ts'] } },
      {
        extends: true,
        test: { name: 'cli', include: ['test/cli/**/*.test.ts'], setupFiles: ['test/support/isolate.ts'], globalSetup: ['test/support/build.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'real',
          include: ['test/real/**/*.test.ts'],
          setupFiles: ['test/support/isolate.ts'],
          globalSetup: ['test/support/build.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The built CLI and the real codex.exe under Wine (scripts/windows-tier.sh prepares them).
        extends: true,
        test: {
          name: 'windows',
          include: ['test/windows/**/*.test.ts'],
          setupFiles: ['test/support/isolate.ts'],
          globalSetup: ['test/support/build.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
