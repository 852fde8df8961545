/**
 * The published package as users get it: `npm pack`, then `npx <tarball>` in a fresh home with
 * no global install (every command reachable, every printed command in the npx form), and a
 * global install of the same tarball (no install-time scripts, the `lightweight` command).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StandIn } from '../support/gateway.js';
import { runProcess } from '../support/process.js';
import { ROOT, Sandbox } from '../support/sandbox.js';
import { scratchDir } from '../support/scratch.js';

const KEY = 'sk-lw-npx-tarball-0123456789';
let tarball: string;
let work: string;
let gw: StandIn;

beforeAll(async () => {
  work = scratchDir('lw-npx-');
  // The test run built dist/ already (test/support/build.ts); a publish builds it in prepack.
  // --ignore-scripts keeps `npm pack` from rebuilding dist/ under the other test files' feet.
  const name = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, npm_config_cache: join(work, 'npm-cache') } })
    .trim()
    .split('\n')
    .at(-1)!;
  tarball = join(work, name);
  gw = await startGateway();
}, 120_000);
afterAll(() => gw.close());

/** A fresh machine: its own HOME and npm cache, node and npm on PATH, nothing installed. */
function machine(): { sb: Sandbox; env: NodeJS.ProcessEnv } {
  const sb = new Sandbox();
  const env = { ...sb.env, PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, npm_config_cache: join(sb.root, 'npm-cache'), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  return { sb, env };
}

/** `npx lightweight-setup …` as from the registry, with the package taken from the tarball instead. */
const npx = (m: { sb: Sandbox; env: NodeJS.ProcessEnv }, args: string[], input?: string) =>
  runProcess('npx', ['--yes', '--package', tarball, 'lightweight-setup', ...args], { env: m.env, cwd: m.sb.home, timeoutMs: 120_000, ...(input !== undefined ? { input } : {}) });

describe('the packed tarball', () => {
  it('ships dist/ and runs nothing at install time', () => {
    const list = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(list).toContain('package/dist/cli.cjs');
    expect(list).toContain('package/dist/commands/setup.cjs');
    const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as { scripts?: Record<string, string>; dependencies?: object };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts?.[hook], hook).toBeUndefined();
    // dist/ is built before packing instead.
    expect(pkg.scripts?.prepack).toBe('node scripts/build.mjs');
    expect(pkg.dependencies ?? {}).toEqual({});
  });
});

describe('npx <tarball>, with no global install', () => {
  it('reaches every command, with setup the default, and help for each', async () => {
    const m = machine();
    const help = await npx(m, ['--help']);
    expect(help.code, help.all).toBe(0);
    for (const c of ['setup', 'doctor', 'models', 'use-preview', 'use-production', 'restore', 'uninstall', 'status']) expect(help.stdout).toContain(c);
    const doctorHelp = await npx(m, ['help', 'doctor']);
    expect(doctorHelp.stdout).toContain('Usage: lightweight-setup doctor [options]');
    const setup = await npx(m, ['--yes', '--api-key-stdin', '--base-url', gw.base], `${KEY}\n`);
    expect(setup.code, setup.all).toBe(0);
    const status = await npx(m, ['status']);
    expect(status.code, status.all).toBe(0);
    expect(status.stdout).toContain('Layout:   provider table');
    const doctor = await npx(m, ['doctor', '--json']);
    expect([0, 1]).toContain(doctor.code);
    expect(JSON.parse(doctor.stdout).checks.find((c: { id: string }) => c.id === 'connectivity').status).toBe('pass');
  }, 300_000);

  it('every command it prints is in the npx form, never `lightweight …` and never `npx lightweight …`', async () => {
    const m = machine();
    const outputs = [
      await npx(m, ['--yes', '--api-key-stdin', '--base-url', gw.base], `${KEY}\n`),
      await npx(m, ['doctor']),
      await npx(m, ['restore', '--list']),
      await npx(m, ['use-preview', '--no-verify']),
      await npx(m, ['restore', '--yes']),
      await npx(m, ['restore', '--yes']),
      await npx(m, ['restore', '--yes']),
      await npx(m, ['uninstall', '--yes']),
      await npx(m, ['status']),
      await npx(m, ['bogus']),
    ].map((r) => r.all);
    const all = outputs.join('\n');
    expect(all).toContain('npx lightweight-setup models --sync');
    expect(all).toContain('See what is kept: npx lightweight-setup restore --list');
    expect(all).not.toMatch(/npx lightweight(?!-setup)/);
    expect(all).not.toMatch(/(^|[\s`(])lightweight (setup|doctor|restore|uninstall|status|models|use-)/m);
  }, 300_000);
});

describe('npm install -g <tarball>', () => {
  it('installs without install-script warnings, and `lightweight` prints its own form', async () => {
    const m = machine();
    const prefix = join(m.sb.root, 'global');
    mkdirSync(prefix);
    const env: NodeJS.ProcessEnv = { ...m.env, npm_config_prefix: prefix };
    const install = await runProcess('npm', ['install', '-g', tarball], { env, cwd: m.sb.home, timeoutMs: 120_000 });
    expect(install.code, install.all).toBe(0);
    expect(install.all).not.toMatch(/prepare|install script|allowScripts/i);
    const bin = join(prefix, 'bin');
    expect(existsSync(join(bin, 'lightweight'))).toBe(true);
    expect(existsSync(join(bin, 'lightweight-setup'))).toBe(true);
    const path = { ...env, PATH: `${bin}:${env.PATH}` };
    const help = await runProcess('lightweight', ['help', 'restore'], { env: path, cwd: m.sb.home });
    expect(help.stdout).toContain('Usage: lightweight restore [options]');
    const doctor = await runProcess('lightweight', ['doctor'], { env: path, cwd: m.sb.home });
    expect(doctor.stdout).toContain('Run lightweight setup.');
    expect(JSON.parse(readFileSync(join(prefix, 'lib/node_modules/lightweight-setup/package.json'), 'utf8')).name).toBe('lightweight-setup');
  }, 300_000);
});
