/**
 * The real Codex CLI (the pinned @openai/codex devDependency) against the stand-in gateway:
 * what setup writes must load under --strict-config and carry the key to the gateway.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { doctorJson } from '../support/doctor.js';
import { startGateway, type StandIn } from '../support/gateway.js';
import { runProcess } from '../support/process.js';
import { BIN, CODEX_BIN_DIR, Sandbox } from '../support/sandbox.js';

const KEY = 'sk-lw-real-codex-0123456789';
let gw: StandIn;
let sb: Sandbox;

beforeAll(async () => {
  // A missing Codex is a failure, not a skip: `npm install` must have installed the pinned one.
  expect(existsSync(join(CODEX_BIN_DIR, 'codex')), 'the pinned Codex (npm install)').toBe(true);
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.requests.length = 0;
  sb = new Sandbox().withCodex();
});

/** `codex exec` as a user would run it: from a new interactive bash, so the rc file is what provides the key. */
function codexInNewShell(prompt = 'ping') {
  return runProcess('bash', ['-ic', `codex exec --strict-config --skip-git-repo-check ${prompt} </dev/null`], {
    env: sb.env,
    cwd: sb.home,
    timeoutMs: 60_000,
  });
}

function responsesCalls() {
  return gw.requests.filter((r) => r.method === 'POST' && r.path === '/v1/responses');
}

describe('the real Codex CLI', () => {
  it('reports the pinned version', async () => {
    const r = await runProcess('codex', ['--version'], { env: sb.env });
    expect(r.stdout.trim()).toBe('codex-cli 0.171.0');
  });

  it('provider-table layout: loads under --strict-config and sends the key from the rc file', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--model', 'o3'])).code).toBe(0);
    const r = await codexInNewShell();
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain(gw.answer);
    expect(responsesCalls()).toEqual([expect.objectContaining({ authorization: `Bearer ${KEY}`, model: 'o3' })]);
  });

  it('base-URL layout: the key reaches Codex only through its login store', async () => {
    const r0 = await sb.setup(KEY, ['--base-url', gw.base, '--layout', 'openai-base-url', '--model', 'codex']);
    expect(r0.code, r0.all).toBe(0);
    expect(r0.stdout).toContain('codex login --with-api-key');
    // No LIGHTWEIGHT_API_KEY or OPENAI_API_KEY anywhere in Codex's environment: a plain, non-interactive run.
    const r = await runProcess('codex', ['exec', '--strict-config', '--skip-git-repo-check', 'ping'], { env: sb.env, cwd: sb.home, timeoutMs: 60_000 });
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain(gw.answer);
    expect(responsesCalls()).toEqual([expect.objectContaining({ authorization: `Bearer ${KEY}`, model: 'gpt-5.3-codex' })]);
  });

  it('a config with comments, MCP servers, project trust and an array of tables still loads after setup', async () => {
    sb.write(
      '.codex/config.toml',
      [
        '# My Codex config',
        'approval_policy = "never" # trailing comment',
        '',
        '[mcp_servers.docs]',
        'command = "/bin/true"',
        'args = ["--flag"]',
        'enabled = false',
        '',
        `[projects."${sb.home}/app"]`,
        'trust_level = "trusted"',
        '',
        '[[skills.config]]',
        `path = "${sb.home}/skills/one"`,
        'enabled = false',
        '',
      ].join('\n'),
    );
    expect((await sb.setup(KEY, ['--base-url', gw.base])).code).toBe(0);
    const r = await codexInNewShell();
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain(gw.answer);
  });

  it('with env_key, without the key Codex shows the hint setup wrote into env_key_instructions', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-rc', '--key-source', 'env'])).code).toBe(0);
    const r = await runProcess('codex', ['exec', '--strict-config', '--skip-git-repo-check', 'ping'], { env: sb.env, cwd: sb.home, timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    expect(r.all).toContain('Missing environment variable: `LIGHTWEIGHT_API_KEY`');
    expect(r.all).toContain('open a new terminal, or run npx lightweight-setup again');
    expect(responsesCalls()).toEqual([]);
  });

  it.each([
    ['file', []],
    ['env', ['--key-source', 'env']],
  ])('doctor with the real Codex (key source %s): a fresh setup passes in a new shell; a terminal opened before setup', async (source, flags) => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, ...(flags as string[])])).code).toBe(0);
    const inShell = await runProcess('bash', ['-ic', '"$NODE" "$BIN" doctor --json'], {
      env: { ...sb.env, NODE: process.execPath, BIN: BIN.lightweight },
      cwd: sb.home,
      timeoutMs: 60_000,
    });
    const fresh = JSON.parse(inShell.stdout) as { ok: boolean; checks: Array<{ id: string; status: string }> };
    const status = (r: typeof fresh, id: string) => r.checks.find((c) => c.id === id)?.status;
    expect(inShell.code, inShell.stdout).toBe(0);
    for (const id of ['codex', 'codex-config', 'codex-auth', 'model-catalog', 'config', 'api-key', 'connectivity', 'model']) expect(status(fresh, id), id).toBe('pass');
    if (source === 'file') expect(status(fresh, 'auth-command')).toBe('pass');

    const stale = await sb.run(['doctor', '--json']);
    const old = JSON.parse(stale.stdout) as typeof fresh;
    expect(stale.code, stale.stdout).toBe(0);
    if (source === 'file') {
      // Codex reads the key file: a terminal without the variable is no problem for it.
      expect(old.checks.filter((c) => c.status === 'warn' || c.status === 'fail')).toEqual([]);
    } else {
      expect(status(old, 'api-key')).toBe('warn');
      expect(status(old, 'codex-auth')).toBe('warn');
    }
  });

  it('doctor with the real Codex and a hanging gateway still ends within the timeout plus a little', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    gw.behave({ kind: 'hang' });
    try {
      const started = Date.now();
      const d = await doctorJson(sb, ['--timeout', '2'], { env: { LIGHTWEIGHT_API_KEY: KEY }, timeoutMs: 30_000 });
      const elapsed = Date.now() - started;
      expect(d.checks('connectivity')[0]).toMatchObject({ status: 'fail', cause: 'timeout' });
      expect(elapsed).toBeLessThan(2_000 + 4_000);
    } finally {
      gw.behave({ kind: 'ok' });
    }
  });

  it('a layout switch: Codex works after each, and only the active layout is in the file', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    expect((await codexInNewShell()).code).toBe(0);
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify', '--layout', 'openai-base-url'])).code).toBe(0);
    const base = await runProcess('codex', ['exec', '--strict-config', '--skip-git-repo-check', 'ping'], { env: sb.env, cwd: sb.home, timeoutMs: 60_000 });
    expect(base.code, base.all).toBe(0);
    expect(sb.read('.codex/config.toml')).not.toContain('model_providers');
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify', '--layout', 'model-providers'])).code).toBe(0);
    expect(sb.read('.codex/config.toml')).not.toContain('openai_base_url');
    expect((await codexInNewShell()).code).toBe(0);
    expect(responsesCalls().map((c) => c.authorization)).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`, `Bearer ${KEY}`]);
  });

  it.each([['model-providers'], ['openai-base-url']])('%s: a rerun with a new key is what Codex sends next', async (layout) => {
    const next = 'sk-lw-real-codex-rotated-42';
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify', '--layout', layout])).code).toBe(0);
    expect((await sb.setup(next, ['--base-url', gw.base, '--no-verify', '--layout', layout])).code).toBe(0);
    const r = await codexInNewShell();
    expect(r.code, r.all).toBe(0);
    expect(responsesCalls().map((c) => c.authorization)).toEqual([`Bearer ${next}`]);
  });

  it.each([['model-providers'], ['openai-base-url']])('%s: use-preview then use-production gives back the file, which Codex loads at each step', async (layout) => {
    // Start on production, as users do; Codex is pointed back at the stand-in with -c, so nothing leaves 127.0.0.1.
    expect((await sb.setup(KEY, ['--no-verify', '--layout', layout])).code).toBe(0);
    const production = sb.read('.codex/config.toml');
    const override = layout === 'model-providers' ? `model_providers.lightweight.base_url="${gw.base}"` : `openai_base_url="${gw.base}"`;
    const codexOnce = () =>
      runProcess('bash', ['-ic', `codex exec --strict-config --skip-git-repo-check -c '${override}' ping </dev/null`], { env: sb.env, cwd: sb.home, timeoutMs: 60_000 });
    expect((await sb.run(['use-preview', '--no-verify'])).code).toBe(0);
    expect(sb.read('.codex/config.toml')).toContain('https://preview.api.lightweight.one/v1');
    expect((await codexOnce()).code).toBe(0);
    expect((await sb.run(['use-production', '--no-verify'])).code).toBe(0);
    expect(sb.read('.codex/config.toml')).toBe(production);
    const r = await codexOnce();
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain(gw.answer);
    expect(responsesCalls()).toHaveLength(2);
  });
});

