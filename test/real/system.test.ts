/**
 * One machine, many users: `setup --system` (as root) writes the provider table to Codex's system
 * config; two Unix users then each store only their key, and the real Codex of each sends that
 * user's key to the stand-in. Doctor says which layer each setting comes from. /etc/codex is the
 * test's own, through a private mount namespace: nothing else on the machine sees it.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync, chownSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responsesPosts, startGateway, type StandIn } from '../support/gateway.js';
import { runProcess } from '../support/process.js';
import { readableBins } from '../support/sandbox.js';
import { asUser, freshUser, readableCodexBin, sharedDir, usersSkipReason, type UnixUser } from '../support/users.js';

const skip = usersSkipReason();
const KEYS = { ann: 'sk-lw-system-ann-0123456789', bob: 'sk-lw-system-bob-9876543210' };
let gw: StandIn;
let etc: string;
let base: string;
let madeMountPoint = false;
let users: Record<'ann' | 'bob', UnixUser>;
let adminHome: string;
let pathVar: string;

beforeAll(async () => {
  if (skip) return;
  gw = await startGateway();
  base = sharedDir('lw-system-');
  etc = join(base, 'etc-codex');
  mkdirSync(etc, { mode: 0o755 });
  adminHome = join(base, 'admin');
  mkdirSync(adminHome, { mode: 0o700 });
  if (!existsSync('/etc/codex')) {
    mkdirSync('/etc/codex', { mode: 0o755 });
    madeMountPoint = true;
  }
  users = { ann: freshUser('lw-sys-ann', base), bob: freshUser('lw-sys-bob', base) };
  pathVar = [readableCodexBin(), dirname(process.execPath), '/usr/bin', '/bin'].join(':');
}, 120_000);
afterAll(async () => {
  if (skip) return;
  await gw.close();
  if (madeMountPoint && readdirSync('/etc/codex').length === 0) rmdirSync('/etc/codex');
});

function envFor(home: string): Record<string, string> {
  return { HOME: home, PATH: pathVar, SHELL: '/bin/bash', NO_COLOR: '1', LANG: 'C.UTF-8' };
}

function tool(user: UnixUser | 'root', args: string[], input?: string) {
  const home = user === 'root' ? adminHome : user.home;
  const c = asUser(user, [process.execPath, readableBins().lightweight, ...args], envFor(home), etc);
  return runProcess(c.file, c.args, { env: process.env, cwd: home, timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });
}

function codex(user: UnixUser) {
  const c = asUser(user, ['codex', 'exec', '--strict-config', '--skip-git-repo-check', 'ping'], envFor(user.home), etc);
  return runProcess(c.file, c.args, { env: process.env, cwd: user.home, timeoutMs: 60_000, input: '' });
}

describe.skipIf(skip)(`setup --system: one provider table, each user only a key${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('the administrator writes /etc/codex/config.toml (world-readable, no key); a rerun changes nothing', async () => {
    const r = await tool('root', ['setup', '--system', '--yes', '--json', '--base-url', gw.base]);
    expect(r.code, r.all).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, changed: true, config: '/etc/codex/config.toml', files: [{ path: '/etc/codex/config.toml', action: 'created' }] });
    expect(statSync(join(etc, 'config.toml')).mode & 0o777).toBe(0o644);
    const again = await tool('root', ['setup', '--system', '--yes', '--json', '--base-url', gw.base]);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false });
  });

  it("each user stores only their key, and each user's real Codex sends their own key", async () => {
    for (const name of ['ann', 'bob'] as const) {
      const r = await tool(users[name], ['setup', '--yes', '--api-key-stdin'], `${KEYS[name]}\n`);
      expect(r.code, r.all).toBe(0);
      expect(r.stdout).toContain('comes from /etc/codex/config.toml');
      expect(r.stdout).toContain('models --sync');
      expect(existsSync(join(users[name].home, '.codex/config.toml'))).toBe(false);
    }
    gw.requests.length = 0;
    for (const name of ['ann', 'bob'] as const) {
      const c = await codex(users[name]);
      expect(c.code, c.all).toBe(0);
      expect(c.stdout).toContain(gw.answer);
    }
    expect(responsesPosts(gw).map((p) => p.authorization)).toEqual([`Bearer ${KEYS.ann}`, `Bearer ${KEYS.bob}`]);
  }, 120_000);

  it('doctor says which layer each setting comes from, and what a user overrides', async () => {
    const d = await tool(users.ann, ['doctor', '--json']);
    const report = JSON.parse(d.stdout);
    expect(d.code, d.all).toBe(0);
    expect(JSON.parse((await tool(users.ann, ['status', '--json'])).stdout)).toMatchObject({ layout: 'model-providers', baseUrl: gw.base, configFrom: '/etc/codex/config.toml', key: { masked: '****6789' } });
    const layers = report.checks.find((c: { id: string }) => c.id === 'config-layers');
    expect(layers).toMatchObject({ status: 'pass', title: 'Settings: model_provider, model, base_url, auth command from /etc/codex/config.toml' });

    // bob picks another model in his own config: his layer wins for that one setting, and Codex agrees.
    const own = join(users.bob.home, '.codex/config.toml');
    mkdirSync(dirname(own), { recursive: true, mode: 0o700 });
    writeFileSync(own, 'model = "o3"\n');
    chownSync(dirname(own), users.bob.uid, users.bob.gid);
    chownSync(own, users.bob.uid, users.bob.gid);
    const db = JSON.parse((await tool(users.bob, ['doctor', '--json'])).stdout);
    expect(db.checks.find((c: { id: string }) => c.id === 'config-layers')).toMatchObject({ title: 'Settings: model_provider, base_url, auth command from /etc/codex/config.toml; model from ~/.codex/config.toml', detail: expect.stringContaining('model: ~/.codex/config.toml overrides /etc/codex/config.toml') });
    gw.requests.length = 0;
    expect((await codex(users.bob)).code).toBe(0);
    expect(responsesPosts(gw)).toEqual([expect.objectContaining({ model: 'o3', authorization: `Bearer ${KEYS.bob}` })]);
  }, 120_000);

  it("doctor's fix for the picker works under the system layer: models --sync builds the user's own catalog", async () => {
    const before = JSON.parse((await tool(users.ann, ['doctor', '--json'])).stdout);
    expect(before.checks.find((c: { id: string }) => c.id === 'model-catalog')).toMatchObject({ status: 'warn', fix: expect.stringContaining('models --sync') });
    const r = await tool(users.ann, ['models', '--sync']);
    expect(r.code, r.all).toBe(0);
    const after = JSON.parse((await tool(users.ann, ['doctor', '--json'])).stdout);
    expect(after.checks.find((c: { id: string }) => c.id === 'model-catalog')).toMatchObject({ status: 'pass' });
    expect(after.checks.find((c: { id: string }) => c.id === 'config-layers')!.title).toContain('from /etc/codex/config.toml');
    gw.requests.length = 0;
    const c = await codex(users.ann);
    expect(c.code, c.all).toBe(0);
    expect(c.all).not.toMatch(/ERROR/);
  }, 120_000);

  it("a user's use-preview says the gateway is the administrator's, and how to get preview anyway", async () => {
    const r = await tool(users.ann, ['use-preview']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('comes from /etc/codex/config.toml, which an administrator set up for every user');
    expect(r.stderr).toContain('--profile preview --env preview');
  });

  it('a system config others can write to: doctor fails config-file with the administrator\'s fix, a user\'s setup stores no key for it', async () => {
    const file = join(etc, 'config.toml');
    chmodSync(file, 0o666);
    try {
      const d = JSON.parse((await tool(users.ann, ['doctor', '--json'])).stdout);
      expect(d.checks.find((c: { id: string }) => c.id === 'config-file')).toMatchObject({ status: 'fail', title: '/etc/codex/config.toml is not safe: others can write to it (mode 0666)', fix: expect.stringContaining('chmod 644 /etc/codex/config.toml') });
      const keyFile = join(users.bob.home, '.config/lightweight/env');
      const before = readFileSync(keyFile, 'utf8');
      const r = await tool(users.bob, ['setup', '--yes', '--api-key-stdin'], 'sk-lw-system-new-key-000000\n');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('/etc/codex/config.toml, which gives Codex its Lightweight provider, is not safe: others can write to it');
      expect(readFileSync(keyFile, 'utf8')).toBe(before);
    } finally {
      chmodSync(file, 0o644);
    }
  });

  it('setup --system over a system config others can write to makes it 0644 and says so; doctor then passes config-file', async () => {
    const file = join(etc, 'config.toml');
    chmodSync(file, 0o666);
    try {
      const r = await tool('root', ['setup', '--system', '--yes', '--base-url', gw.base]);
      expect(r.code, r.all).toBe(0);
      expect(r.stdout).toContain('/etc/codex/config.toml was writable by others (mode 0666); it is now 0644');
      expect(statSync(file).mode & 0o777).toBe(0o644);
      const d = JSON.parse((await tool(users.ann, ['doctor', '--json'])).stdout);
      expect(d.checks.find((c: { id: string }) => c.id === 'config-file')).toBeUndefined();
    } finally {
      chmodSync(file, 0o644);
    }
  });

  it('forced_login_method = "chatgpt" in the system config rules out the base-URL layout for a user, named at its line', async () => {
    const file = join(etc, 'config.toml');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, `forced_login_method = "chatgpt"\n${before}`);
    try {
      const r = await tool(users.bob, ['setup', '--yes', '--api-key-stdin', '--layout', 'openai-base-url', '--base-url', gw.base], `${KEYS.bob}\n`);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('forced_login_method = "chatgpt" (/etc/codex/config.toml:1)');
    } finally {
      writeFileSync(file, before);
    }
  });

  it('without --yes and without a terminal, --system asks no one and writes nothing', async () => {
    const r = await tool('root', ['setup', '--system', '--model', 'o3', '--base-url', gw.base]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--yes was not given');
    expect(r.stdout).toContain('model = "o3"');
    expect(readFileSync(join(etc, 'config.toml'), 'utf8')).not.toContain('"o3"');
  });

  it('a user cannot write the system config; uninstall --system takes out exactly what setup --system put in', async () => {
    const denied = await tool(users.ann, ['setup', '--system', '--yes', '--base-url', gw.base]);
    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain('not writable by this user');
    const u = await tool('root', ['uninstall', '--system', '--yes']);
    expect(u.code, u.all).toBe(0);
    expect(existsSync(join(etc, 'config.toml'))).toBe(false);
  });
});
