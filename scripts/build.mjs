// Bundles src/ into dist/ so the published package has no runtime dependencies (one tarball
// for `npx`), as CommonJS files (Node loads CommonJS much faster than ES modules):
//  - dist/cli.cjs: the command line alone (commander and the option definitions), so that
//    `--help` and `--version` parse nothing else;
//  - dist/commands/<name>.cjs: one bundle per command, required by cli.cjs when that command
//    runs, so each command loads only its own code;
//  - dist/lib/<name>.cjs: the two large libraries a command needs only on some paths (the HTTP
//    client for the gateway check, the prompts for the wizard and confirmations), each bundled
//    once and required where a command's code dynamically imports it.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

export const COMMANDS = ['setup', 'doctor', 'models', 'switch', 'restore', 'uninstall', 'status'];
/** Source module -> its own bundle under dist/lib. */
const LAZY = { 'src/gateway/probe.ts': 'probe', 'src/ui/prompts.ts': 'prompts' };
const lazyByPath = new Map(Object.entries(LAZY).map(([src, name]) => [resolve(src), name]));

/** Dynamic imports of the lazy modules become requires of their own bundle, not copies inside each command. */
const lazyLibs = {
  name: 'lazy-libs',
  setup(b) {
    b.onResolve({ filter: /\.js$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const name = lazyByPath.get(resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
      return name ? { path: `../lib/${name}.cjs`, external: true } : undefined;
    });
  },
};

/**
 * undici's HTTP/2 client loads node:http2 at start-up (several ms), yet it only runs when a
 * dispatcher is created with allowH2, which this tool never does: the gateway check speaks
 * HTTP/1.1. The bundle gets a stub in its place that says so if it is ever reached.
 */
const noHttp2 = {
  name: 'no-http2',
  setup(b) {
    b.onResolve({ filter: /\/client-h2\.js$/ }, (args) => (args.importer.includes('/node_modules/undici/') ? { path: 'client-h2', namespace: 'no-http2' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'no-http2' }, () => ({
      contents: "module.exports = function connectH2() { throw new Error('HTTP/2 is not part of this build (allowH2 is never set)'); };",
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // `import()` of a lazy bundle becomes a plain require: CommonJS, loaded when first reached.
  supported: { 'dynamic-import': false },
  minify: process.env.LW_NO_MINIFY !== '1',
  legalComments: 'linked',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.cjs', external: ['./commands/*'] });
await build({
  ...common,
  entryPoints: COMMANDS.map((c) => `src/commands/${c}.ts`),
  outdir: 'dist/commands',
  outExtension: { '.js': '.cjs' },
  plugins: [lazyLibs],
});
await build({
  ...common,
  entryPoints: Object.fromEntries(Object.entries(LAZY).map(([src, name]) => [name, src])),
  outdir: 'dist/lib',
  outExtension: { '.js': '.cjs' },
  plugins: [noHttp2],
});
