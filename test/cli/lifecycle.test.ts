/** use-preview / use-production, restore, uninstall and status: round trips byte for byte. */
import { existsSync, lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StandIn } from '../support/gateway.js';
import { Sandbox } from '../support/sandbox.js';
import { useStandInAndSandbox } from '../support/standin.js';

const KEY = 'sk-lw-lifecycle-0123456789';
const KEY2 = 'sk-lw-lifecycle-second-999';
let gw: StandIn;
let sb: Sandbox;

useStandInAndSandbox((g, s) => {
  gw = g;
  sb = s;
});

const USER_CONFIG = [
  '# my config',
  "model = 'o3' # favourite",
  'model_provider = "ollama2"',
  'approval_policy = "never"',
  '',
  '[model_providers.ollama2]',
  'name = "Ollama"',
  'base_url = "http://localhost:11434/v1"',
  '',
  '[mcp_servers.docs]',
  'command = "npx"',
  'args = ["-y", "docs-mcp"]',
  '',
  '[[skills.config]]',
  'path = "/x"',
  'enabled = false',
].join('\n'); // no final newline, on purpose
const USER_RC = '# my bashrc\nexport EDITOR=vi\n';

function seed() {
  sb.write('.codex/config.toml', USER_CONFIG, 0o640);
  sb.write('.bashrc', USER_RC);
}

describe('use-preview and use-production', () => {
  it.each([['model-providers'], ['openai-base-url']])('%s: change only the URL, and the round trip gives back the identical file', async (layout) => {
    seed();
    expect((await sb.setup(KEY, ['--no-verify', '--layout', layout])).code).toBe(0);
    const production = sb.read('.codex/config.toml');
    const p = await sb.run(['use-preview', '--no-verify']);
    expect(p.code, p.all).toBe(0);
    // What a user with Codex open needs to know (verified against the real TUI in test/real/codex-wired).
    expect(p.stdout).toContain('New Codex sessions use it (a new `codex`, or /new in an open one); sessions already open keep the old URL. No restart is needed.');
    const preview = sb.read('.codex/config.toml');
    expect(preview).toBe(production.replace('https://api.lightweight.one/v1', 'https://preview.api.lightweight.one/v1'));
    const back = await sb.run(['use-production', '--no-verify']);
    expect(back.code, back.all).toBe(0);
    expect(sb.read('.codex/config.toml')).toBe(production);
    expect(sb.mode('.codex/config.toml')).toBe(0o640);
  });

  it('already there: says so, exit 0, writes nothing', async () => {
    seed();
    await sb.setup(KEY, ['--no-verify']);
    const before = sb.tree();
    const r = await sb.run(['use-production']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Already on production/);
    expect(sb.tree()).toEqual(before);
    expect(gw.requests).toEqual([]);
  });

  it('without a Lightweight setup exits 2 and points to setup, in the form the tool was started with', async () => {
    seed();
    const before = sb.tree();
    const r = await sb.run(['use-preview'], { env: { npm_command: 'exec' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no Lightweight setup/i);
    expect(r.stderr).toContain('Set one up first: npx lightweight-setup');
    expect((await sb.run(['use-preview'])).stderr).toContain('Set one up first: lightweight setup');
    expect((await sb.run(['use-preview'], { bin: 'setup' })).stderr).toContain('Set one up first: lightweight-setup\n');
    expect(sb.tree()).toEqual(before);
  });

  it('runs the check against the new URL; a failure exits 1, keeps the switch and says how to go back', async () => {
    // The preview URL is unreachable from the test machine by design (no network), so the check fails.
    await sb.setup(KEY, ['--no-verify', '--base-url', gw.base]);
    sb.write('.codex/config.toml', sb.read('.codex/config.toml').replace(gw.base, 'https://api.lightweight.one/v1'), 0o600);
    const r = await sb.run(['use-preview', '--timeout', '1'], { env: { HTTPS_PROXY: 'http://127.0.0.1:9' } });
    expect(r.code, r.all).toBe(1);
    expect(r.stdout).toMatch(/Connectivity check failed/);
    expect(r.stdout).toContain('To go back: lightweight use-production');
    expect(sb.read('.codex/config.toml')).toContain('https://preview.api.lightweight.one/v1');
    expect(r.all).not.toContain(KEY);
  });
});

describe('restore', () => {
  it('setup then restore gives back every file exactly, and removes the files setup created', async () => {
    seed();
    const before = sb.tree();
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    const r = await sb.run(['restore', '--yes']);
    expect(r.code, r.all).toBe(0);
    expect(sb.read('.codex/config.toml')).toBe(USER_CONFIG);
    expect(sb.read('.bashrc')).toBe(USER_RC);
    expect(existsSync(sb.path('.config/lightweight/env'))).toBe(false);
    const after = sb.tree();
    for (const [p, v] of Object.entries(before)) expect(after[p], p).toBe(v);
    expect(r.all).not.toContain(KEY);
  });

  it('each restore goes one run further back', async () => {
    seed();
    await sb.setup(KEY, ['--no-verify']);
    const afterSetup = sb.read('.codex/config.toml');
    await sb.run(['use-preview', '--no-verify']);
    expect((await sb.run(['restore', '--yes'])).code).toBe(0);
    expect(sb.read('.codex/config.toml')).toBe(afterSetup);
    expect((await sb.run(['restore', '--yes'])).code).toBe(0);
    expect(sb.read('.codex/config.toml')).toBe(USER_CONFIG);
    const none = await sb.run(['restore', '--yes']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Nothing to restore/);
  });

  it('a rerun with a new key: restore puts the first key back', async () => {
    await sb.setup(KEY, ['--no-verify']);
    await sb.setup(KEY2, ['--no-verify']);
    expect((await sb.run(['restore', '--yes'])).code).toBe(0);
    expect(sb.read('.config/lightweight/env')).toContain(KEY);
    expect(sb.mode('.config/lightweight/env')).toBe(0o600);
  });

  it('puts back a ChatGPT login the base-URL layout replaced', async () => {
    const chatgpt = JSON.stringify({ auth_mode: 'chatgpt', tokens: { id_token: 'x' } });
    sb.write('.codex/auth.json', chatgpt, 0o600);
    await sb.setup(KEY, ['--no-verify', '--layout', 'openai-base-url']);
    expect((await sb.run(['restore', '--yes'])).code).toBe(0);
    expect(sb.read('.codex/auth.json')).toBe(chatgpt);
  });

  it('refuses, without --force, to overwrite a file changed since the tool wrote it', async () => {
    seed();
    await sb.setup(KEY, ['--no-verify']);
    const edited = `${sb.read('.codex/config.toml')}\n# my later edit\n`;
    sb.write('.codex/config.toml', edited, 0o640);
    const before = sb.tree();
    const r = await sb.run(['restore', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/changed after setup wrote them: ~\/\.codex\/config\.toml/);
    expect(r.stderr).toContain('--force');
    expect(sb.tree()).toEqual(before);
    const forced = await sb.run(['restore', '--yes', '--force']);
    expect(forced.code, forced.all).toBe(0);
    expect(sb.read('.codex/config.toml')).toBe(USER_CONFIG);
  });

  it('asks first: without a terminal and without --yes it exits 2 and changes nothing', async () => {
    seed();
    await sb.setup(KEY, ['--no-verify']);
    const before = sb.tree();
    const r = await sb.run(['restore']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes/);
    expect(sb.tree()).toEqual(before);
  });

  it('--list shows the runs kept, newest first', async () => {
    await sb.setup(KEY, ['--no-verify']);
    await sb.run(['use-preview', '--no-verify']);
    const r = await sb.run(['restore', '--list']);
    expect(r.code).toBe(0);
    const order = [...r.stdout.matchAll(/^\S+ {2}\S+ \S+ UTC {2}(\S+)/gm)].map((m) => m[1]);
    expect(order).toEqual(['use-preview', 'setup']);
    expect(r.stdout).toContain('~/.config/lightweight/env (created)');
  });

  it('keeps a bounded number of runs', async () => {
    await sb.setup(KEY, ['--no-verify']);
    for (let i = 0; i < 11; i++) {
      await sb.run(['use-preview', '--no-verify']);
      await sb.run(['use-production', '--no-verify']);
    }
    const r = await sb.run(['restore', '--list']);
    expect(r.stdout).toMatch(/the last 20 runs are kept/);
    expect([...r.stdout.matchAll(/^\S+ {2}\S+ \S+ UTC/gm)]).toHaveLength(20);
  }, 60_000);
});

describe('uninstall', () => {
  it.each([['model-providers'], ['openai-base-url']])('%s: setup then uninstall leaves config and rc byte for byte as before', async (layout) => {
    seed();
    const before = sb.tree();
    expect((await sb.setup(KEY, ['--no-verify', '--layout', layout])).code).toBe(0);
    const r = await sb.run(['uninstall', '--yes']);
    expect(r.code, r.all).toBe(0);
    expect(sb.read('.codex/config.toml')).toBe(USER_CONFIG);
    expect(sb.read('.bashrc')).toBe(USER_RC);
    const after = sb.tree();
    // Only directories setup created (~/.config, and ~/.codex's) may remain; no file of the tool does.
    for (const p of Object.keys(after)) expect(before[p] ?? (after[p]!.startsWith('dir') ? 'dir' : undefined), p).toBeDefined();
    expect(existsSync(sb.path('.config/lightweight'))).toBe(false);
  });

  it('after setup, a layout switch and a key change, uninstall still restores what the user had', async () => {
    seed();
    await sb.setup(KEY, ['--no-verify']);
    await sb.setup(KEY2, ['--no-verify', '--layout', 'openai-base-url', '--model', 'o4-mini']);
    await sb.run(['use-preview', '--no-verify']);
    expect((await sb.run(['uninstall', '--yes'])).code).toBe(0);
    expect(sb.read('.codex/config.toml')).toBe(USER_CONFIG);
    expect(existsSync(sb.path('.codex/auth.json'))).toBe(false);
  });

  it('removes files setup created and blocks from every shell it touched', async () => {
    await sb.setup(KEY, ['--no-verify']);
    await sb.setup(KEY, ['--no-verify', '--shell', 'fish']);
    await sb.setup(KEY, ['--no-verify', '--shell', 'zsh']);
    const r = await sb.run(['uninstall', '--yes']);
    expect(r.code, r.all).toBe(0);
    expect(sb.tree()).toEqual(Object.fromEntries(Object.entries(sb.tree()).filter(([, v]) => v.startsWith('dir'))));
  });

  it('keeps a symlinked rc file a symlink', async () => {
    mkdirSync(sb.path('dotfiles'));
    sb.write('dotfiles/bashrc', USER_RC);
    symlinkSync('dotfiles/bashrc', sb.path('.bashrc'));
    await sb.setup(KEY, ['--no-verify']);
    expect((await sb.run(['uninstall', '--yes'])).code).toBe(0);
    expect(lstatSync(sb.path('.bashrc')).isSymbolicLink()).toBe(true);
    expect(sb.read('dotfiles/bashrc')).toBe(USER_RC);
  });

  it('then doctor reports no Lightweight setup', async () => {
    seed();
    await sb.setup(KEY, ['--no-verify']);
    await sb.run(['uninstall', '--yes']);
    const d = await sb.run(['doctor', '--json']);
    const config = JSON.parse(d.stdout).checks.find((c: { id: string }) => c.id === 'config');
    expect(config).toMatchObject({ status: 'fail', title: 'No Lightweight setup: Codex uses the "ollama2" provider' });
  });

  it('asks first and, without a terminal or --yes, changes nothing', async () => {
    await sb.setup(KEY, ['--no-verify']);
    const before = sb.tree();
    const r = await sb.run(['uninstall']);
    expect(r.code).toBe(2);
    expect(sb.tree()).toEqual(before);
  });

  it('with nothing installed says so and exits 0', async () => {
    seed();
    const before = sb.tree();
    const r = await sb.run(['uninstall', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Nothing to remove/);
    expect(sb.tree()).toEqual(before);
  });
});

describe('status', () => {
  it('prints the layout, environment, model, where the key is kept (masked) and the Codex version', async () => {
    sb.fakeCodex();
    await sb.setup(KEY, ['--no-verify', '--env', 'preview', '--model', 'o3']);
    const r = await sb.run(['status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Layout:   provider table');
    expect(r.stdout).toContain('Gateway:  preview (https://preview.api.lightweight.one/v1)');
    expect(r.stdout).toContain('Model:    o3');
    expect(r.stdout).toContain('Key:      ****6789 in ~/.config/lightweight/env, loaded by ~/.bashrc');
    expect(r.stdout).toMatch(/Codex: {4}0\.171\.0/);
    expect(r.stdout).toContain('Key path: from the key file, through an auth command');
    expect(r.all).not.toContain(KEY);
    const j = JSON.parse((await sb.run(['status', '--json'])).stdout);
    expect(j).toMatchObject({ layout: 'model-providers', environment: 'preview', model: 'o3', key: { masked: '****6789' }, keySource: 'file', codex: { installed: true, version: '0.171.0' } });
  });

  it('in the base-URL layout, the key is in Codex\'s login store, which no rc file loads', async () => {
    await sb.setup(KEY, ['--no-verify', '--layout', 'openai-base-url']);
    const r = await sb.run(['status']);
    expect(r.stdout).toContain('Key:      ****6789 in ~/.codex/auth.json\n');
    expect(r.stdout).toContain("Key path: from Codex's login store (auth.json)");
  });

  it('says when nothing is set up', async () => {
    const r = await sb.run(['status'], { env: { npm_command: 'exec' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('none — run npx lightweight-setup');
  });
});

describe('models --sync', () => {
  it('without a setup, without Codex, or with a Codex that takes no catalog: exit 2, a reason, nothing changed', async () => {
    const none = await sb.run(['models', '--sync']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('There is no Lightweight setup in ~/.codex/config.toml');
    await sb.setup(KEY, ['--no-verify']);
    const before = sb.tree();
    const noCodex = await sb.run(['models', '--sync']);
    expect(noCodex.code).toBe(2);
    expect(noCodex.stderr).toContain('Codex is not installed, so there is no picker to fill.');
    expect(noCodex.stderr).toContain('Install it (npm install -g @openai/codex), then run this again; nothing was changed.');
    sb.fakeCodex();
    const old = await sb.run(['models', '--sync']);
    expect(old.code).toBe(2);
    expect(old.stderr).toContain('No catalog was written: this Codex has no model catalog support (`codex debug models`)');
    expect(sb.tree()).toEqual(before);
  });
});
