/**
 * The example playbook (examples/ansible), run by Debian's real ansible-core against localhost,
 * provisioning three Unix users from the packed tarball with a vaulted key: the first run reports
 * each user changed, the second unchanged; the key is in no output and no log; every user's real
 * Codex then answers the stand-in with the key.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responsesPosts, startGateway, type StandIn } from '../support/gateway.js';
import { runProcess } from '../support/process.js';
import { ROOT } from '../support/sandbox.js';
import { asUser, freshUser, readableCodexBin, sharedDir, usersSkipReason, type UnixUser } from '../support/users.js';

function skipReason(): string | undefined {
  const users = usersSkipReason();
  if (users) return users;
  try {
    execFileSync('sh', ['-c', 'command -v ansible-playbook'], { stdio: 'ignore' });
  } catch {
    return 'ansible-playbook is not installed (.ci/run installs ansible-core)';
  }
  return undefined;
}
const skip = skipReason();
const KEY = 'sk-lw-ansible-0123456789abcdef';
const PLAYBOOK = join(ROOT, 'examples/ansible/codex-lightweight.yml');
let gw: StandIn;
let base: string;
let tarball: string;
let users: UnixUser[];
let admin: string;

beforeAll(async () => {
  if (skip) return;
  gw = await startGateway();
  base = sharedDir('lw-ansible-');
  admin = join(base, 'admin');
  execFileSync('mkdir', ['-m', '700', admin]);
  // --ignore-scripts: dist/ is built by the test run already; rebuilding it would pull it from under other tests.
  const name = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', base], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, npm_config_cache: join(admin, 'npm-cache') } }).trim().split('\n').pop()!;
  tarball = join(base, name);
  chmodSync(tarball, 0o644);
  users = ['lw-ans-ann', 'lw-ans-bob', 'lw-ans-cy'].map((n) => freshUser(n, base));
  // The vaulted variable, as `ansible-vault encrypt` leaves it.
  writeFileSync(join(admin, 'vault-pass'), 'test-vault-password\n', { mode: 0o600 });
  writeFileSync(join(admin, 'vault.yml'), `lightweight_api_key: ${KEY}\n`, { mode: 0o600 });
  execFileSync('ansible-vault', ['encrypt', '--vault-password-file', join(admin, 'vault-pass'), join(admin, 'vault.yml')], { env: { ...process.env, HOME: admin } });
}, 120_000);
afterAll(async () => {
  if (!skip) await gw.close();
});

function playbook() {
  const extra = {
    lightweight_users: users.map((u) => u.name),
    lightweight_setup_package: tarball,
    lightweight_setup_args: ['--base-url', gw.base],
    lightweight_environment: { PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(':'), NO_COLOR: '1', SHELL: '/bin/bash', npm_config_update_notifier: 'false' },
    ansible_become_method: 'su',
    ansible_python_interpreter: '/usr/bin/python3',
  };
  return runProcess('ansible-playbook', ['-i', 'localhost,', '-c', 'local', '-vv', PLAYBOOK, '-e', `@${join(admin, 'vault.yml')}`, '--vault-password-file', join(admin, 'vault-pass'), '-e', JSON.stringify(extra)], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: admin, LANG: 'C.UTF-8', ANSIBLE_NOCOLOR: '1', ANSIBLE_LOG_PATH: join(admin, 'ansible.log'), ANSIBLE_LOCAL_TEMP: join(admin, 'tmp'), ANSIBLE_HOST_KEY_CHECKING: 'False' },
    cwd: admin,
    timeoutMs: 150_000,
  });
}

describe.skipIf(skip)(`the example Ansible playbook${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('first run: every user changed; second run: every user unchanged; the key in no output or log; every Codex answers', async () => {
    const first = await playbook();
    expect(first.code, first.all).toBe(0);
    for (const u of users) expect(first.stdout).toContain(`${u.name}: changed, exit 0; The gateway at 127.0.0.1`);
    expect(first.stdout).toMatch(/localhost\s+: ok=\d+\s+changed=1\s+unreachable=0\s+failed=0/);

    const second = await playbook();
    expect(second.code, second.all).toBe(0);
    for (const u of users) expect(second.stdout).toContain(`${u.name}: unchanged, exit 0`);
    expect(second.stdout).toMatch(/localhost\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0/);

    const log = readFileSync(join(admin, 'ansible.log'), 'utf8');
    for (const text of [first.all, second.all, log]) expect(text).not.toContain(KEY);
    expect(log).toContain('censored');

    gw.requests.length = 0;
    const codexBin = readableCodexBin();
    for (const u of users) {
      const c = asUser(u, ['codex', 'exec', '--strict-config', '--skip-git-repo-check', 'ping'], { HOME: u.home, PATH: [codexBin, '/usr/bin', '/bin'].join(':'), LANG: 'C.UTF-8' });
      const r = await runProcess(c.file, c.args, { env: process.env, cwd: u.home, timeoutMs: 60_000, input: '' });
      expect(r.code, r.all).toBe(0);
      expect(r.stdout).toContain(gw.answer);
    }
    expect(responsesPosts(gw).map((p) => p.authorization)).toEqual(users.map(() => `Bearer ${KEY}`));
  }, 170_000);

  it('a user whose setup fails (a revoked key) fails the play with the fix, and still no key anywhere', async () => {
    gw.revoked.add(KEY);
    try {
      const r = await playbook();
      expect(r.code).not.toBe(0);
      expect(r.stdout).toContain(`${users[0]!.name}: exit 1.`);
      expect(r.all).not.toContain(KEY);
    } finally {
      gw.revoked.clear();
    }
  }, 170_000);
});
