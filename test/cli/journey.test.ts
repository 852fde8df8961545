/** From npx to a working Codex without a stumble: reruns, problems first, paste and URL mistakes, next steps. */
import { describe, expect, it } from 'vitest';
import type { StandIn } from '../support/gateway.js';
import { dirname } from 'node:path';
import { runProcess } from '../support/process.js';
import { ROOT, Sandbox } from '../support/sandbox.js';
import { useStandInAndSandbox } from '../support/standin.js';

const KEY = 'sk-lw-journey-0123456789ab';
const KEY2 = 'sk-lw-journey-second-98765';
let gw: StandIn;
let sb: Sandbox;
useStandInAndSandbox((g, s) => {
  gw = g;
  sb = s;
});

describe('a rerun knows what is there', () => {
  it('an unattended rerun to change the key changes only the key: the model and the gateway stay', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--model', 'o3', '--no-verify'])).code).toBe(0);
    const before = sb.read('.codex/config.toml');
    const r = await sb.setup(KEY2, ['--no-verify']);
    expect(r.code, r.all).toBe(0);
    expect(sb.read('.codex/config.toml')).toBe(before);
    expect(sb.config().model).toBe('o3');
    expect(sb.config().model_providers.lightweight.base_url).toBe(gw.base);
    expect(sb.read('.config/lightweight/env')).toContain(KEY2);
  });

  it('an unattended rerun without a key keeps the stored one, and a flag changes just its own setting', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--model', 'o3', '--no-verify'])).code).toBe(0);
    const r = await sb.run(['setup', '--yes', '--no-verify', '--model', 'claude-opus-4.6']);
    expect(r.code, r.all).toBe(0);
    expect(sb.config().model).toBe('claude-opus-4.6');
    expect(sb.config().model_providers.lightweight.base_url).toBe(gw.base);
    expect(sb.read('.config/lightweight/env')).toContain(KEY);
  });

  it('a key in LIGHTWEIGHT_API_KEY that differs from the stored one is said to replace it', async () => {
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    const r = await sb.run(['setup', '--yes', '--no-verify'], { env: { LIGHTWEIGHT_API_KEY: KEY2 } });
    expect(r.stdout).toContain('Took the key from LIGHTWEIGHT_API_KEY (****8765); it replaces the stored ****89ab.');
  });

  it('the review says what changes, including replacing the user\'s own model_provider', async () => {
    sb.write('.codex/config.toml', 'model_provider = "acme"\nmodel = "acme-large"\n\n[model_providers.acme]\nname = "Acme"\nbase_url = "https://acme.example/v1"\n');
    const first = await sb.setup(KEY, ['--dry-run']);
    expect(first.stdout).toContain('Replaced your model_provider = "acme" with "lightweight": Codex then uses the gateway instead. `lightweight uninstall` puts "acme" back.');
    expect((await sb.setup(KEY, ['--no-verify', '--model', 'o3'])).code).toBe(0);
    const again = await sb.setup(KEY2, ['--dry-run', '--env', 'preview']);
    expect(again.stdout).toContain('Changes: gateway: https://api.lightweight.one/v1 -> https://preview.api.lightweight.one/v1; key: ****89ab -> ****8765.');
  });
});

describe('a first setup over the user\'s own settings', () => {
  it('says that it replaced the user\'s own model, and uninstall puts it back', async () => {
    sb.write('.codex/config.toml', '# mine\nmodel = "o3"\n');
    const r = await sb.setup(KEY, ['--base-url', gw.base, '--no-verify']);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain('[warn] Replaced your model = "o3" with "gpt-5.4"; `lightweight uninstall` puts "o3" back.');
    expect((await sb.run(['uninstall', '--yes'])).code).toBe(0);
    expect(sb.read('.codex/config.toml')).toBe('# mine\nmodel = "o3"\n');
  });
});

describe('problems before questions', () => {
  it('an invalid config.toml is named before the key is asked for or read', async () => {
    sb.write('.codex/config.toml', 'model = "o3"\n[tui\n');
    const r = await sb.run(['setup', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/~\/\.codex\/config\.toml:2:\d+: invalid TOML/);
    expect(r.stderr).not.toContain('No API key');
  });

  it('an unset $SHELL, unattended, names --shell before anything else', async () => {
    const r = await sb.run(['setup', '--yes'], { env: { SHELL: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Could not tell which shell you use ($SHELL is not set).');
    expect(r.stderr).toContain('Pass --shell <bash|zsh|fish|sh>');
    expect(r.stderr).not.toContain('No API key');
  });

  it('a home directory that does not exist is named', async () => {
    const r = await sb.setup(KEY, ['--no-verify'], { env: { HOME: sb.path('gone') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Your home directory ${sb.path('gone')} does not exist`);
  });
});

describe('paste mistakes', () => {
  it.each([
    ['Bearer sk-lw-journey-0123456789ab', 'the "Bearer " in front'],
    ['"sk-lw-journey-0123456789ab"', 'the quotes around it'],
    ["'sk-lw-journey-0123456789ab'", 'the quotes around it'],
    ['LIGHTWEIGHT_API_KEY=sk-lw-journey-0123456789ab', 'the `LIGHTWEIGHT_API_KEY=` in front'],
    ['export LIGHTWEIGHT_API_KEY=sk-lw-journey-0123456789ab', 'the `export` in front and the `LIGHTWEIGHT_API_KEY=` in front'],
  ])('%j is stored as the key alone, and the gateway gets "Bearer <key>" once', async (pasted, removed) => {
    const r = await sb.setup(pasted, ['--base-url', gw.base]);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain(`Took the key as ****89ab: removed ${removed}.`);
    expect(sb.read('.config/lightweight/env')).toContain(`export LIGHTWEIGHT_API_KEY='${KEY}'`);
    expect(gw.requests.map((q) => q.authorization)).toEqual([`Bearer ${KEY}`]);
  });

  it('the same cleaning applies to LIGHTWEIGHT_API_KEY', async () => {
    const r = await sb.run(['setup', '--yes', '--no-verify'], { env: { LIGHTWEIGHT_API_KEY: `  Bearer ${KEY}  ` } });
    expect(r.code, r.all).toBe(0);
    expect(sb.read('.config/lightweight/env')).toContain(`export LIGHTWEIGHT_API_KEY='${KEY}'`);
  });
});

describe('URL mistakes', () => {
  it.each([
    ['/v1/models', '/models'],
    ['/v1/responses', '/responses'],
    ['/v1/chat/completions', '/chat/completions'],
  ])('a pasted …%s becomes …/v1, with a note', async (suffix, endpoint) => {
    const r = await sb.setup(KEY, ['--base-url', `${gw.url}${suffix}`]);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain(`Took the base URL ${gw.base}: ${endpoint} is an endpoint under it, which Codex adds itself.`);
    expect(sb.config().model_providers.lightweight.base_url).toBe(gw.base);
  });

  it('the Lightweight host without /v1 gets it added; another gateway gets a "did you mean"', async () => {
    const lw = await sb.setup(KEY, ['--base-url', 'https://api.lightweight.one', '--no-verify']);
    expect(lw.stdout).toContain("Took the base URL https://api.lightweight.one/v1: the gateway's API is under /v1.");
    expect(sb.config().model_providers.lightweight.base_url).toBe('https://api.lightweight.one/v1');
    const other = await sb.setup(KEY, ['--base-url', gw.url, '--no-verify']);
    expect(other.stdout).toContain(`did you mean ${gw.url}/v1?`);
  });
});

describe('after a failure, the right next step', () => {
  it('a rejected key: the gateway\'s words, a fix that names where the key came from, and no "Run: codex" before it', async () => {
    gw.behave({ kind: 'status', status: 401, body: JSON.stringify({ error: { message: 'Invalid API key' } }) });
    const r = await sb.setup(KEY, ['--base-url', gw.base]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Connectivity check failed (auth): The gateway rejected the key (HTTP 401: Invalid API key).');
    const next = r.stdout.slice(r.stdout.indexOf('Next steps'));
    expect(next).toContain('1. The key given on standard input is mistyped or revoked: copy it again from the Lightweight dashboard and run lightweight setup again.');
    expect(next).toContain('2. Check again: lightweight doctor');
    expect(next).not.toMatch(/^\s+\d\. Run: codex/m);
    expect(next).not.toContain(`LIGHTWEIGHT_API_KEY is`);
  });

  it('a failed check without Codex installed: installing Codex (and filling its picker) comes before running it', async () => {
    gw.behave({ kind: 'status', status: 401, body: JSON.stringify({ error: { message: 'Invalid API key' } }) });
    const r = await sb.setup(KEY, ['--base-url', gw.base]);
    expect(r.code).toBe(1);
    const next = r.stdout.slice(r.stdout.indexOf('Next steps')).split('\n').filter((l) => /^\s+\d\./.test(l)).map((l) => l.trim().replace(/:.*/, ''));
    expect(next).toEqual(['1. The key given on standard input is mistyped or revoked', '2. Check again', '3. Install Codex', "4. Fill Codex's model picker (/model) with the gateway's models", '5. Then run']);
  });

  it('a timeout names the command to run again with a longer --timeout', async () => {
    gw.behave({ kind: 'hang' });
    const r = await sb.setup(KEY, ['--base-url', gw.base, '--timeout', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('give it longer: lightweight doctor --timeout 30.');
  });
});

describe('commands printed in the form that started the tool', () => {
  it('from a clone (node bin/…, the name not on PATH), it prints node and the same path, and that runs as printed', async () => {
    const env = { ...sb.env, PATH: `${dirname(process.execPath)}:/usr/bin:/bin` };
    const r = await runProcess(process.execPath, ['bin/lightweight-setup.cjs', '--yes', '--api-key-stdin', '--base-url', gw.base, '--no-verify'], { env, cwd: ROOT, input: `${KEY}\n` });
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain(': node bin/lightweight-setup.cjs models --sync');
    // No bare `lightweight-setup doctor` (command not found from a clone).
    expect(r.all).not.toMatch(/(^|[\s`(])lightweight(-setup)? [a-z]/m);
    const u = await runProcess('/bin/sh', ['-c', 'node bin/lightweight-setup.cjs uninstall --yes'], { env, cwd: ROOT });
    expect(u.code, u.all).toBe(0);
    const printed = /`(node bin\/lightweight-setup\.cjs doctor)` now finds no Lightweight setup/.exec(u.stdout);
    expect(printed, u.stdout).not.toBeNull();
    const d = await runProcess('/bin/sh', ['-c', printed![1]!], { env, cwd: ROOT });
    expect(d.stdout).toContain('Lightweight');
    expect(d.code).not.toBe(127);
  });
});
