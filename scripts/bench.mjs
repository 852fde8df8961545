#!/usr/bin/env node
// npm run bench [-- --runs N]: builds, then times the CLI side by side with `node -e 0` (the
// floor for any Node CLI) and with `codex doctor --json`, in alternating runs so that machine
// noise hits every command alike. Reports medians, each command's time above its floor (the
// unit the performance targets are stated in), the packed size and the runtime dependency
// count. Everything runs on 127.0.0.1.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 25;
const KEY = 'sk-lw-bench-0123456789abcdef';

console.log('Building...');
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });

// The stand-in gateway the tests use, bundled on the fly (it is TypeScript) and run in its own
// process: the timing loop below blocks this one, and a gateway here could not answer.
const work = mkdtempSync(join(tmpdir(), 'lw-bench-'));
const gatewayJs = join(work, 'gateway.mjs');
await build({ entryPoints: [join(root, 'test/support/gateway.ts')], bundle: true, format: 'esm', platform: 'node', outfile: gatewayJs, logLevel: 'warning' });
const runner = join(work, 'run-gateway.mjs');
writeFileSync(runner, `import { startGateway } from ${JSON.stringify(pathToFileURL(gatewayJs).href)};\nconst g = await startGateway();\nconsole.log(g.base);\n`);
const gatewayProcess = spawn(process.execPath, [runner], { stdio: ['ignore', 'pipe', 'inherit'] });
const gw = { base: await new Promise((res) => gatewayProcess.stdout.once('data', (d) => res(String(d).trim()))) };

// A healthy machine: setup done against the stand-in, the key in the environment.
const home = join(work, 'home');
mkdirSync(home);
const systemPath = [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
// The pinned Codex, by its package (node_modules/.bin/codex may be the older one the tests also pin).
const codexDir = join(work, 'codex-bin');
mkdirSync(codexDir);
symlinkSync(join(root, 'node_modules/@openai/codex/bin/codex.js'), join(codexDir, 'codex'));
const baseEnv = { HOME: home, PATH: systemPath, SHELL: '/bin/bash', NO_COLOR: '1', LANG: 'C.UTF-8' };
const bin = join(root, 'bin/lightweight.cjs');
// With Codex on PATH, so that setup also writes Codex's model catalog, as on a real machine.
const setupRun = spawnSync(process.execPath, [bin, 'setup', '--yes', '--api-key-stdin', '--base-url', gw.base, '--no-verify'], { env: { ...baseEnv, PATH: `${codexDir}:${systemPath}` }, input: KEY });
if (setupRun.status !== 0) throw new Error(`setup failed: ${setupRun.stderr}`);
const withKey = { ...baseEnv, LIGHTWEIGHT_API_KEY: KEY };
// A second machine whose gateway port is closed: a connect failure must come back at once, not at --timeout.
const closedHome = join(work, 'closed');
mkdirSync(closedHome);
const closedEnv = { ...withKey, HOME: closedHome };
const closedRun = spawnSync(process.execPath, [bin, 'setup', '--yes', '--api-key-stdin', '--base-url', 'http://127.0.0.1:9/v1', '--no-verify'], { env: { ...baseEnv, HOME: closedHome }, input: KEY });
if (closedRun.status !== 0) throw new Error(`setup failed: ${closedRun.stderr}`);
const withCodex = { ...withKey, PATH: `${codexDir}:${systemPath}` };
// What the rc block costs every new shell (it checks the key file's owner and mode): an
// interactive bash in the home setup wrote, next to one whose ~/.bashrc is empty.
const plainHome = join(work, 'plain');
mkdirSync(plainHome);
writeFileSync(join(plainHome, '.bashrc'), '');
const plainEnv = { ...baseEnv, HOME: plainHome };

const commands = [
  { name: 'node -e 0', argv: [process.execPath, '-e', '0'], env: baseEnv },
  { name: 'lightweight --help', argv: [process.execPath, bin, '--help'], env: baseEnv },
  { name: 'lightweight --version', argv: [process.execPath, bin, '--version'], env: baseEnv },
  { name: 'lightweight setup --dry-run', argv: [process.execPath, bin, 'setup', '--dry-run', '--yes', '--base-url', gw.base], env: withKey },
  { name: 'lightweight doctor (no Codex)', argv: [process.execPath, bin, 'doctor'], env: withKey },
  { name: 'lightweight doctor (port closed)', argv: [process.execPath, bin, 'doctor', '--timeout', '10'], env: closedEnv },
  { name: 'codex doctor --json', argv: [join(codexDir, 'codex'), 'doctor', '--json'], env: withCodex },
  { name: 'lightweight doctor (with Codex)', argv: [process.execPath, bin, 'doctor'], env: withCodex },
  { name: 'bash -ic exit, empty ~/.bashrc', argv: ['bash', '-ic', 'exit'], env: plainEnv },
  { name: 'bash -ic exit, with the block', argv: ['bash', '-ic', 'exit'], env: baseEnv },
];

// One untimed round to warm the file cache and let Codex create its state files.
for (const c of commands) spawnSync(c.argv[0], c.argv.slice(1), { env: c.env, cwd: home });
const times = new Map(commands.map((c) => [c.name, []]));
console.log(`Timing ${commands.length} commands, ${RUNS} alternating runs each...`);
for (let i = 0; i < RUNS; i++) {
  for (const c of commands) {
    const start = process.hrtime.bigint();
    const r = spawnSync(c.argv[0], c.argv.slice(1), { env: c.env, cwd: home, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    // Doctors exit 1 when a check fails (no Codex is one); anything else means the bench itself is broken.
    if (r.status !== 0 && !(r.status === 1 && c.name.includes('doctor'))) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
    times.get(c.name).push(ms);
  }
}
gatewayProcess.kill();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const med = Object.fromEntries([...times].map(([k, v]) => [k, median(v)]));
const node = med['node -e 0'];
const codex = med['codex doctor --json'];

// What `npx lightweight-setup` downloads.
const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }))[0];
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const deps = Object.keys(pkg.dependencies ?? {}).length;
rmSync(work, { recursive: true, force: true });

// Targets are time above the physical floor, measured side by side in this run: ratios do not
// travel between machines (Node starts in 37 ms on one and 80 ms on another).
const above = (name, floor) => med[name] - floor;
const row = (name, floorName, floor, limit) => {
  const over = above(name, floor);
  return [name, med[name], `${over >= 0 ? '+' : ''}${over.toFixed(1)} ms over ${floorName}`, limit === undefined ? '-' : `<= +${limit} ms`, limit === undefined || over <= limit];
};
const rows = [
  ['node -e 0', node, '(floor)', '-', true],
  row('lightweight --help', 'node', node, 15),
  row('lightweight --version', 'node', node, 15),
  row('lightweight setup --dry-run', 'node', node),
  row('lightweight doctor (no Codex)', 'node', node, 60),
  ['lightweight doctor (port closed)', med['lightweight doctor (port closed)'], `+${above('lightweight doctor (port closed)', node).toFixed(1)} ms over node`, 'far below --timeout 10 s', med['lightweight doctor (port closed)'] < 2000],
  ['codex doctor --json', codex, `${(codex / node).toFixed(2)}x node`, '(reference)', true],
  row('lightweight doctor (with Codex)', 'node + codex doctor', node + codex, 25),
  ['bash -ic exit, empty ~/.bashrc', med['bash -ic exit, empty ~/.bashrc'], '(floor)', '-', true],
  row('bash -ic exit, with the block', 'empty ~/.bashrc', med['bash -ic exit, empty ~/.bashrc'], 5),
];
const line = (cells, widths) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
const widths = [34, 11, 34, 24, 5];
const out = [
  `Node ${process.version}, ${RUNS} alternating runs per command, medians:`,
  '',
  line(['command', 'median ms', 'above the floor', 'target', 'met'], widths),
  line(widths.map((w) => '-'.repeat(w)), widths),
  ...rows.map(([name, ms, ratio, target, ok]) => line([name, ms.toFixed(1), ratio, target, ok ? 'yes' : 'NO'], widths)),
  '',
  line(['package', 'value', 'target', '', 'met'], widths),
  line(widths.map((w) => '-'.repeat(w)), widths),
  line(['packed size (npm pack)', `${(pack.size / 1024).toFixed(1)} KB`, '<= 400 KB', '', pack.size <= 400 * 1024 ? 'yes' : 'NO'], widths),
  line(['unpacked size', `${(pack.unpackedSize / 1024).toFixed(1)} KB`, '-', '', ''], widths),
  line(['runtime dependencies', String(deps), '0', '', deps === 0 ? 'yes' : 'NO'], widths),
  line(['files in the package', String(pack.entryCount), '-', '', ''], widths),
];
console.log(out.join('\n'));
