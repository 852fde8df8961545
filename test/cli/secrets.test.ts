/**
 * The key stays secret: never in any output, never in a child's arguments, only in private
 * files in private directories, never sent to another host, never over unverified TLS.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startGateway, type StandIn } from '../support/gateway.js';
import { ROOT, Sandbox } from '../support/sandbox.js';
import { useStandInAndSandbox } from '../support/standin.js';

const KEY = 'sk-lw-secret-0123456789abcdef';
let gw: StandIn;
let sb: Sandbox;

useStandInAndSandbox((g, s) => {
  gw = g;
  sb = s;
});

/** Every regular file under HOME that contains the key, with its mode and its directory's. */
function filesHoldingKey(key = KEY): Array<{ path: string; mode: number; dirMode: number }> {
  const out: Array<{ path: string; mode: number; dirMode: number }> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && readFileSync(p).includes(key)) out.push({ path: p.slice(sb.home.length + 1), mode: st.mode & 0o777, dirMode: statSync(dirname(p)).mode & 0o777 });
    }
  };
  walk(sb.home);
  return out;
}

describe('the key never appears in output', () => {
  it('across every command, both layouts, switches, restore and uninstall', async () => {
    sb.fakeCodex();
    const outputs: string[] = [];
    const run = async (args: string[], opts: Parameters<Sandbox['run']>[1] = {}) => {
      const r = await sb.run(args, { env: { LIGHTWEIGHT_API_KEY: KEY }, ...opts });
      outputs.push(`$ ${args.join(' ')} (exit ${r.code})\n${r.all}`);
      return r;
    };
    await run(['setup', '--yes', '--api-key-stdin', '--base-url', gw.base, '--dry-run'], { input: KEY });
    await run(['setup', '--yes', '--api-key-stdin', '--base-url', gw.base], { input: KEY });
    await run(['setup', '--yes', '--base-url', gw.base, '--layout', 'openai-base-url']);
    gw.behave({ kind: 'status', status: 401 });
    await run(['setup', '--yes', '--base-url', gw.base]);
    gw.behave({ kind: 'ok' });
    await run(['doctor']);
    await run(['doctor', '--json']);
    await run(['status']);
    await run(['status', '--json']);
    await run(['models', '--json']);
    await run(['use-preview', '--no-verify']);
    await run(['restore', '--list']);
    await run(['restore', '--yes']);
    await run(['uninstall', '--yes']);
    const all = outputs.join('\n');
    expect(all).toContain('****cdef');
    expect(all).not.toContain(KEY);
    expect(all).not.toContain(KEY.slice(0, -4));
  });

  it('not in the arguments of any Codex call: login gets it on stdin, doctor in the environment', async () => {
    const codex = sb.fakeCodex();
    await sb.setup(KEY, ['--no-verify', '--layout', 'openai-base-url']);
    await sb.run(['doctor'], { env: { LIGHTWEIGHT_API_KEY: KEY } });
    await sb.run(['status']);
    const argv = codex
      .calls()
      .split('\n')
      .filter((l) => l.startsWith('argv:'));
    expect(argv).toEqual(expect.arrayContaining(['argv:login --with-api-key', 'argv:doctor --json', 'argv:--version']));
    expect(argv.join('\n')).not.toContain(KEY);
  });
});

describe('files that hold the key', () => {
  it.each([['model-providers'], ['openai-base-url']])('%s: every one is 0600 in a 0700 directory, backups included', async (layout) => {
    await sb.setup('sk-lw-secret-first-key-1111', ['--no-verify', '--layout', layout]);
    await sb.setup(KEY, ['--no-verify', '--layout', layout]);
    await sb.run(['use-preview', '--no-verify']);
    const files = filesHoldingKey();
    expect(files.map((f) => f.path).sort()).toEqual(
      expect.arrayContaining(['.config/lightweight/env', '.config/lightweight/env.fish', ...(layout === 'openai-base-url' ? ['.codex/auth.json'] : [])]),
    );
    // The first key now lives on only in the backups taken before the second setup.
    const old = filesHoldingKey('sk-lw-secret-first-key-1111');
    expect(old.length).toBeGreaterThan(0);
    expect(old.every((f) => f.path.startsWith('.config/lightweight/backups/'))).toBe(true);
    for (const f of [...files, ...old]) {
      expect(f.mode, f.path).toBe(0o600);
      expect(f.dirMode, `the directory of ${f.path}`).toBe(0o700);
    }
  });

  it('a key file or directory left readable by others is made private again', async () => {
    mkdirSync(sb.path('.config/lightweight'), { recursive: true, mode: 0o755 });
    sb.write('.config/lightweight/env', "export LIGHTWEIGHT_API_KEY='sk-lw-old-000000000000'\n", 0o644);
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    expect(sb.mode('.config/lightweight/env')).toBe(0o600);
    expect(sb.mode('.config/lightweight')).toBe(0o700);
  });
});

describe('where the key is sent', () => {
  it('not to another host on a redirect', async () => {
    const elsewhere = await startGateway();
    try {
      gw.behave({ kind: 'redirect', location: `${elsewhere.base}/models` });
      const r = await sb.setup(KEY, ['--base-url', gw.base]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/\(bad-response\).*redirected .*the key is not sent on redirects/);
      expect(gw.requests).toHaveLength(1);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it("not over TLS Codex would not verify: NODE_EXTRA_CA_CERTS (Node's alone) trusts nothing here, and the fix is CODEX_CA_CERTIFICATE", async () => {
    const tls = {
      key: readFileSync(join(ROOT, 'test/fixtures/tls/key.pem'), 'utf8'),
      cert: readFileSync(join(ROOT, 'test/fixtures/tls/cert.pem'), 'utf8'),
    };
    const ca = join(ROOT, 'test/fixtures/tls/cert.pem');
    const secure = await startGateway({ tls });
    try {
      const untrusted = await sb.setup(KEY, ['--base-url', secure.base]);
      expect(untrusted.code).toBe(1);
      expect(untrusted.stdout).toMatch(/\(tls\)/);
      expect(untrusted.stdout).toContain('CODEX_CA_CERTIFICATE');
      expect(secure.requests).toEqual([]);
      // Node would trust it with NODE_EXTRA_CA_CERTS; Codex would not: neither does the check, and it names the file for Codex.
      const nodeOnly = await sb.setup(KEY, ['--base-url', secure.base], { env: { NODE_EXTRA_CA_CERTS: ca } });
      expect(nodeOnly.code, nodeOnly.all).toBe(1);
      expect(nodeOnly.stdout).toContain(`set CODEX_CA_CERTIFICATE=${ca} too`);
      expect(secure.requests).toEqual([]);
      // NODE_TLS_REJECT_UNAUTHORIZED=0 turns nothing off either.
      const off = await sb.setup(KEY, ['--base-url', secure.base], { env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' } });
      expect(off.code, off.all).toBe(1);
      expect(secure.requests).toEqual([]);
      const trusted = await sb.setup(KEY, ['--base-url', secure.base], { env: { CODEX_CA_CERTIFICATE: ca } });
      expect(trusted.code, trusted.all).toBe(0);
      expect(secure.requests.map((q) => q.authorization)).toEqual([`Bearer ${KEY}`]);
    } finally {
      await secure.close();
    }
  });

});
