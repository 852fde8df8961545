// Bundles src/ into dist/ so the published package has no runtime dependencies (one tarball
// for `npx`), as two CommonJS files (Node loads CommonJS much faster than ES modules):
//  - dist/cli.cjs: the command line alone (commander and the option definitions), so that
//    `--help` and `--version` parse nothing else;
//  - dist/commands.cjs: every command, required by cli.cjs once one runs. Inside it, the prompt
//    library and the HTTP client are initialised only on the paths that use them.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'linked',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.cjs', external: ['./commands.cjs'] });
await build({ ...common, entryPoints: ['src/commands/index.ts'], outfile: 'dist/commands.cjs' });
