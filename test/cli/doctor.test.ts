import { describe, expect, it } from 'vitest';
import { startProxy, type Behaviour, type StandIn } from '../support/gateway.js';
import type { DoctorReport } from '../support/doctor.js';
import { Sandbox } from '../support/sandbox.js';
import { useStandInAndSandbox } from '../support/standin.js';

const KEY = 'sk-lw-doctor-0123456789abcd';
let gw: StandIn;
let sb: Sandbox;

useStandInAndSandbox((g, s) => {
  gw = g;
  sb = s;
});

/** Sets up a healthy machine (fake Codex on PATH, key stored), then runs doctor --json and checks it wrote nothing. */
async function doctorJson(args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const before = sb.tree();
  const r = await sb.run(['doctor', '--json', ...args], { env });
  expect(sb.tree(), 'doctor must not change any file').toEqual(before);
  expect(r.all).not.toContain(KEY);
  const report = JSON.parse(r.stdout) as DoctorReport;
  const by = (id: string) => report.checks.find((c) => c.id === id)!;
  return { r, report, by };
}

async function healthy(args: string[] = []) {
  sb.fakeCodex();
  const s = await sb.setup(KEY, ['--base-url', gw.base, ...args]);
  expect(s.code, s.all).toBe(0);
  gw.requests.length = 0;
}

describe('lightweight doctor', () => {
  it('a healthy setup passes: exit 0, the required ids, and the key from the stored file reaches the gateway', async () => {
    await healthy();
    const { r, report, by } = await doctorJson([], { LIGHTWEIGHT_API_KEY: KEY });
    expect(r.code, r.stdout).toBe(0);
    expect(report.ok).toBe(true);
    for (const id of ['config', 'api-key', 'connectivity', 'model']) expect(by(id).status, id).toBe('pass');
    expect(by('codex').title).toBe('Codex 0.171.0 is installed');
    expect(by('codex-config').status).toBe('pass');
    expect(gw.requests.map((q) => q.authorization)).toEqual([`Bearer ${KEY}`]);
    for (const c of report.checks) expect(Object.keys(c).sort()).toEqual(expect.arrayContaining(['detail', 'fix', 'id', 'status', 'title']));
  });

  it('prints grouped text with [ok]/[warn]/[fail] when not a terminal, then the fixes and a total', async () => {
    await healthy(['--key-source', 'env']);
    const r = await sb.run(['doctor']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Codex\n {2}\[ok\] Codex 0\.171\.0 is installed\n/);
    for (const g of ['Configuration', 'Key', 'Gateway']) expect(r.stdout).toMatch(new RegExp(`^${g}$`, 'm'));
    expect(r.stdout).toMatch(/\[warn\] LIGHTWEIGHT_API_KEY is not set in this shell: .*\n/);
    expect(r.stdout).toContain('— Open a new terminal, or run: source ~/.bashrc.');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^Everything needed works: \d+ passed, 2 warnings, 0 failed/);
    expect(r.all).not.toContain(KEY);
  });

  it('with env_key, the key missing from this shell but stored is a warning, not a failure', async () => {
    await healthy(['--key-source', 'env']);
    const { r, by } = await doctorJson();
    expect(r.code).toBe(0);
    expect(by('api-key')).toMatchObject({ status: 'warn', fix: 'Open a new terminal, or run: source ~/.bashrc.' });
    expect(by('gui-editors').status).toBe('warn');
    expect(by('connectivity').status).toBe('pass');
  });

  it('with the key file as key source (the default), a healthy setup has no standing warning: the auth command yields the key, editors get it', async () => {
    await healthy();
    const { r, report, by } = await doctorJson();
    expect(r.code, r.stdout).toBe(0);
    expect(by('auth-command')).toMatchObject({ status: 'pass', title: "Codex's auth command yields the key (****abcd)" });
    expect(by('gui-editors').status).toBe('pass');
    expect(by('api-key').status).toBe('pass');
    expect(report.checks.filter((c) => c.status === 'warn' || c.status === 'fail')).toEqual([]);
    // The key Codex sends is the key file's: that is what the gateway check uses too.
    expect(gw.requests.map((q) => q.authorization)).toEqual([`Bearer ${KEY}`]);
  });

  it('the auth command failing (key file gone) is a failure with its message, even with the key in this shell', async () => {
    await healthy();
    sb.write('.config/lightweight/env', '# emptied by hand\n', 0o600);
    const { r, by } = await doctorJson([], { LIGHTWEIGHT_API_KEY: KEY });
    expect(r.code).toBe(1);
    expect(by('auth-command')).toMatchObject({ status: 'fail', title: "Codex's auth command fails: Codex sends no key", detail: expect.stringContaining('holds no key; run: npx lightweight-setup') });
  });

  it('an auth command of the user\'s own is not run', async () => {
    await healthy();
    const marker = sb.path('ran');
    const cfg = sb.read('.codex/config.toml').replace(/command = "\/bin\/sh"\nargs = .*\n/, `command = "/bin/sh"\nargs = ["-c", "touch ${marker}; printf x"]\n`);
    sb.write('.codex/config.toml', cfg);
    const { by } = await doctorJson();
    expect(by('auth-command')).toMatchObject({ status: 'skip', title: "Codex's auth command is one of your own" });
    expect(() => sb.read('ran')).toThrow();
  });

  it('a stale terminal after a key change is named', async () => {
    await healthy();
    const { by } = await doctorJson([], { LIGHTWEIGHT_API_KEY: 'sk-lw-old-key-99999999' });
    expect(by('api-key')).toMatchObject({ status: 'warn', title: expect.stringContaining('old key (****9999)') });
  });

  it('with no setup at all it fails config and says to run setup', async () => {
    sb.fakeCodex();
    const { r, by } = await doctorJson();
    expect(r.code).toBe(1);
    // Started as `lightweight`, it names `lightweight setup`; started by npx, the npx form.
    expect(by('config')).toMatchObject({ status: 'fail', fix: 'Run lightweight setup.' });
    expect(by('connectivity').status).toBe('skip');
    const viaNpx = await doctorJson([], { npm_command: 'exec' });
    expect(viaNpx.by('config')).toMatchObject({ status: 'fail', fix: 'Run npx lightweight-setup.' });
  });

  it('names file:line:column of a config that does not parse', async () => {
    sb.fakeCodex();
    sb.write('.codex/config.toml', 'model = "o3"\nmodel_provider = \n');
    const { r, by } = await doctorJson();
    expect(r.code).toBe(1);
    expect(by('config').detail).toMatch(/^~\/\.codex\/config\.toml:2:\d+: invalid TOML/);
  });

  it('a missing Codex fails with the install command', async () => {
    await sb.setup(KEY, ['--base-url', gw.base, '--no-verify']);
    const { r, by } = await doctorJson([], { LIGHTWEIGHT_API_KEY: KEY });
    expect(r.code).toBe(1);
    expect(by('codex')).toMatchObject({ status: 'fail', fix: 'npm install -g @openai/codex' });
  });

  it('a world-readable key file fails with the chmod that fixes it', async () => {
    await healthy();
    (await import('node:fs')).chmodSync(sb.path('.config/lightweight/env'), 0o644);
    const { r, by } = await doctorJson([], { LIGHTWEIGHT_API_KEY: KEY });
    expect(r.code).toBe(1);
    expect(by('key-file')).toMatchObject({ status: 'fail', fix: 'chmod 600 ~/.config/lightweight/env' });
  });

  it('a base-URL setup whose login store holds a ChatGPT login fails api-key', async () => {
    await healthy(['--layout', 'openai-base-url']);
    sb.write('.codex/auth.json', JSON.stringify({ auth_mode: 'chatgpt', tokens: { id_token: 'x' } }), 0o600);
    const { r, by } = await doctorJson();
    expect(r.code).toBe(1);
    expect(by('api-key')).toMatchObject({ status: 'fail', title: expect.stringContaining('ChatGPT') });
  });

  it('fails the model check with the closest served names', async () => {
    await healthy(['--model', 'o4-mini']);
    gw.models = ['gpt-5.4', 'o3', 'o4-mini-high'];
    const { r, by } = await doctorJson([], { LIGHTWEIGHT_API_KEY: KEY });
    expect(r.code).toBe(1);
    expect(by('model')).toMatchObject({ status: 'fail', detail: expect.stringContaining('closest: o4-mini-high') });
  });

  it.each([
    [{ kind: 'status', status: 401 }, 'auth'],
    [{ kind: 'status', status: 403 }, 'auth'],
    [{ kind: 'status', status: 404 }, 'not-found'],
    [{ kind: 'status', status: 429, retryAfter: '30' }, 'rate-limit'],
    [{ kind: 'status', status: 500 }, 'server'],
    [{ kind: 'status', status: 502 }, 'server'],
    [{ kind: 'garbage' }, 'bad-response'],
    [{ kind: 'html' }, 'bad-response'],
  ] as Array<[Behaviour, string]>)('gateway %j -> connectivity fails with cause %s, exit 1', async (behaviour, cause) => {
    await healthy();
    gw.behave(behaviour);
    const { r, by } = await doctorJson([], { LIGHTWEIGHT_API_KEY: KEY });
    expect(r.code).toBe(1);
    expect(by('connectivity')).toMatchObject({ status: 'fail', cause });
    expect(by('connectivity').fix).not.toBe('');
    expect(by('model').status).toBe('skip');
    if (cause === 'rate-limit') expect(by('connectivity').detail).toContain('retry after 30 s');
  });

  it('a hanging gateway: doctor stays within the timeout plus a little, cause timeout', async () => {
    await healthy();
    gw.behave({ kind: 'hang' });
    const started = Date.now();
    const { r, by } = await doctorJson(['--timeout', '2'], { LIGHTWEIGHT_API_KEY: KEY });
    const elapsed = Date.now() - started;
    expect(r.code).toBe(1);
    expect(by('connectivity')).toMatchObject({ status: 'fail', cause: 'timeout' });
    // Generous bound (spawn and load included): what matters is that it did not wait for the gateway.
    expect(elapsed).toBeLessThan(2_000 + 4_000);
  });

  it.each([
    ['a closed port', 'http://127.0.0.1:9/v1', 'refused'],
    ['an unresolvable host', 'https://gateway.lightweight-test.invalid/v1', 'dns'],
  ])('%s -> cause %s', async (_name, url, cause) => {
    sb.fakeCodex();
    await sb.setup(KEY, ['--base-url', url, '--no-verify']);
    const { r, by } = await doctorJson([], { LIGHTWEIGHT_API_KEY: KEY });
    expect(r.code).toBe(1);
    expect(by('connectivity')).toMatchObject({ status: 'fail', cause });
  });

  it('goes through HTTPS_PROXY to another host and says so; NO_PROXY bypasses it', async () => {
    await healthy();
    const proxy = await startProxy(Number(new URL(gw.url).port));
    try {
      // Only the proxy knows this host: it tunnels to the stand-in, which speaks no TLS, so the
      // check fails at TLS, but it went through the proxy, and says so.
      const cfg = sb.read('.codex/config.toml').replace(gw.base, 'https://gateway.lightweight-test.invalid/v1');
      sb.write('.codex/config.toml', cfg, 0o600);
      const via = await doctorJson([], { LIGHTWEIGHT_API_KEY: KEY, HTTPS_PROXY: proxy.url });
      expect(via.by('connectivity')).toMatchObject({ status: 'fail', cause: 'tls' });
      expect(via.by('connectivity').detail).toContain(`through the proxy ${proxy.url}`);
      expect(proxy.connects).toEqual(['gateway.lightweight-test.invalid:443']);
      const bypass = await doctorJson([], { LIGHTWEIGHT_API_KEY: KEY, HTTPS_PROXY: proxy.url, NO_PROXY: '.lightweight-test.invalid' });
      expect(bypass.by('connectivity')).toMatchObject({ status: 'fail', cause: 'dns' });
      expect(proxy.connects).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('never sends plain-http traffic for this machine through a proxy, and warns that Codex would (it exempts nothing by itself)', async () => {
    await healthy();
    const proxy = await startProxy(Number(new URL(gw.url).port));
    try {
      for (const base of [gw.base, gw.base.replace('127.0.0.1', 'localhost')]) {
        const host = new URL(base).hostname;
        sb.write('.codex/config.toml', sb.read('.codex/config.toml').replace(/base_url = "[^"]*"/, `base_url = "${base}"`), 0o600);
        const r = await doctorJson([], { LIGHTWEIGHT_API_KEY: KEY, HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, http_proxy: proxy.url });
        expect(r.by('connectivity'), base).toMatchObject({
          status: 'warn',
          detail: expect.stringContaining(`Codex sends requests for ${base} through the proxy ${proxy.url} (HTTP_PROXY)`),
          fix: `Add ${host} to NO_PROXY where Codex starts (for example: export NO_PROXY=${host}).`,
        });
        // With the NO_PROXY entry Codex honours for that host, Codex goes directly too.
        const exempt = await doctorJson([], { LIGHTWEIGHT_API_KEY: KEY, HTTP_PROXY: proxy.url, NO_PROXY: host });
        expect(exempt.by('connectivity').status, base).toBe('pass');
      }
      expect(proxy.connects).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('surfaces what codex doctor reports', async () => {
    await sb.setup(KEY, ['--base-url', gw.base, '--no-verify']);
    sb.fakeCodex({
      doctor: {
        schemaVersion: 1,
        codexVersion: '0.171.0',
        checks: {
          'config.load': { status: 'fail', summary: 'config could not be loaded', remediation: 'Fix the reported config error.', details: { file: '/x/config.toml', line: '3', column: '1', error: 'invalid configuration' } },
          'auth.credentials': { status: 'ok', summary: 'auth is configured' },
        },
      },
    });
    const { r, by } = await doctorJson([], { LIGHTWEIGHT_API_KEY: KEY });
    expect(r.code).toBe(1);
    expect(by('codex-config')).toMatchObject({ status: 'fail', title: 'Codex cannot load config.toml (/x/config.toml:3:1)' });
  });

  it.each([
    [['doctor', '--timeout', 'x']],
    [['doctor', '--bogus']],
  ])('bad usage %j exits 2', async (args) => {
    const r = await sb.run(args);
    expect(r.code).toBe(2);
  });
});

describe('lightweight models', () => {
  it('lists what the gateway serves, joined with the page, marking the configured model', async () => {
    await healthy(['--model', 'codex']);
    gw.models = ['gpt-5.4', 'gpt-5.3-codex', 'brand-new-model'];
    const r = await sb.run(['models']);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain(`Models served by ${gw.base} (3):`);
    expect(r.stdout).toMatch(/^\* gpt-5\.3-codex\s+400K {2}large refactors, code generation$/m);
    expect(r.stdout).toMatch(/^ {2}brand-new-model\s+- {2}-$/m);
    const j = JSON.parse((await sb.run(['models', '--json'])).stdout);
    expect(j).toMatchObject({ source: 'gateway', configured: 'gpt-5.3-codex' });
    expect(j.models.map((m: { id: string }) => m.id)).toEqual(['gpt-5.4', 'gpt-5.3-codex', 'brand-new-model']);
  });

  it('falls back to the built-in table with a clear note, and exit 1, when the gateway gives no list', async () => {
    await healthy();
    gw.behave({ kind: 'status', status: 503 });
    const r = await sb.run(['models']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/built-in table; the gateway answered but gave no model list: server/);
    expect(r.stdout).toMatch(/^\* gpt-5\.4 /m);
    const j = JSON.parse((await sb.run(['models', '--json'])).stdout);
    expect(j.source).toBe('built-in');
    expect(j.models).toHaveLength(7);
  });

  it('a rejected key is said as such (the gateway was reached), with the fix, and exit 1', async () => {
    await healthy();
    gw.behave({ kind: 'status', status: 401 });
    const r = await sb.run(['models']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the gateway answered but gave no model list: auth, The gateway rejected the key (HTTP 401: stand-in status 401).');
    expect(r.stdout).not.toContain('could not be reached');
  });

  it('a closed port is "could not be reached", exit 1', async () => {
    sb.fakeCodex();
    expect((await sb.setup(KEY, ['--base-url', 'http://127.0.0.1:9/v1', '--no-verify'])).code).toBe(0);
    const r = await sb.run(['models']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the gateway could not be reached: refused');
  });
});
