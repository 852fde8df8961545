// Mutation testing of the pure modules (`npm run mutate`): the fast unit suite against each
// mutant. Not part of `npm test` or CI (tens of minutes on two cores). Reports go to reports/.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/toml/scan.ts',
    'src/toml/edit.ts',
    'src/codex/config.ts',
    'src/shell/rc.ts',
    'src/shell/keyfile.ts',
    'src/gateway/key.ts',
    'src/gateway/urls.ts',
    'src/gateway/models.ts',
    'src/gateway/classify.ts',
    'src/setup/plan.ts',
    'src/setup/uninstall.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 5_000,
  timeoutFactor: 3,
  ignoreStatic: true,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Mutants that cannot change behaviour (equivalent mutants) are not excluded here, where a rule
  // would hide every mutant of its kind in a file: each is marked where it is, with
  // `// Stryker disable next-line <mutator>: <one-line reason>` (on 8 lines of src/toml/scan.ts), so the
  // reason sits beside the code it is about and a change to that line shows it.
  // Every module must reach 90% on its own: scripts/mutation-scores.mjs checks each file.
  thresholds: { high: 95, low: 90, break: null },
};
