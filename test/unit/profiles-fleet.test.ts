/** Pure parts of issue 23: profile names, the JSON outcome, the profile check, Nix strings and settings. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderFailure, renderOutcome } from '../../src/commands/setup/json.js';
import { toolProfileChecks, type ToolProfile } from '../../src/doctor/profiles.js';
import { CliError } from '../../src/errors.js';
import { parseProfileName, resolveFlags } from '../../src/setup/flags.js';
import { homeManagerSettings, managedConfig, nixString } from '../../src/setup/managed.js';
import { scratchDir } from '../support/scratch.js';

describe('profile names', () => {
  it.each(['preview', 'production', 'work-2', 'a_b', 'X'])('takes %s', (n) => expect(parseProfileName(n)).toBe(n));
  it.each(['', '../x', 'a/b', 'a.b', '-x', 'config', 'a b', 'x'.repeat(65), 'préview'])('refuses %j with exit 2', (n) => {
    expect(() => parseProfileName(n)).toThrow(CliError);
  });
});

describe('--profile given as the file', () => {
  it.each([
    ['preview.config.toml', 'preview'],
    ['~/.codex/work.config.toml', 'work'],
    ['C:\\Users\\ann\\.codex\\preview.config.toml', 'preview'],
  ])('%s is the profile %s, and said', (given, name) => {
    const r = resolveFlags({ profile: given });
    expect(r.profile).toBe(name);
    expect(r.notes.join(' ')).toContain(`as the profile "${name}"`);
  });
  it('a plain name is taken without a note', () => expect(resolveFlags({ profile: 'preview' }).notes).toEqual([]));
});

describe('the JSON outcome', () => {
  const base = { exit: 0, dryRun: false, codexLogin: false, key: 'sk-lw-secret-abcd', config: '/h/.codex/config.toml' };
  it.each([
    [[{ path: '/a', action: 'unchanged' }], {}, false],
    [[{ path: '/a', action: 'created' }], {}, true],
    [[{ path: '/a', action: 'updated' }], {}, true],
    [[{ path: '/a', action: 'unchanged' }], { userVariable: 'set' }, true],
    [[{ path: '/a', action: 'unchanged' }], { userVariable: 'unchanged' }, false],
    [[{ path: '/a', action: 'unchanged' }], { codexLogin: true }, true],
    [[{ path: '/a', action: 'created' }], { dryRun: true }, false],
  ] as const)('files %j with %j: changed is %s', (files, extra, changed) => {
    const o = JSON.parse(renderOutcome({ ...base, files: [...files], ...extra } as never));
    expect(o.changed).toBe(changed);
    expect(o.files.map((f: { action: string }) => f.action)).not.toContain('updated');
  });
  it('masks the key and carries a failed check with its fix', () => {
    const text = renderOutcome({ ...base, exit: 1, files: [], verdict: { ok: false, cause: 'auth', summary: 'rejected', fix: 'new key', status: 401, latencyMs: 3 } });
    expect(text).not.toContain('secret');
    expect(JSON.parse(text)).toMatchObject({ ok: false, exitCode: 1, key: '****abcd', check: { ok: false, cause: 'auth', fix: 'new key', status: 401 } });
  });
  it('a stop is a JSON failure; anything else (a bug) is not dressed up as one', () => {
    expect(JSON.parse(renderFailure(new CliError('bad', 2, 'fix it'))!)).toEqual({ ok: false, exitCode: 2, changed: false, error: 'bad', fix: 'fix it', files: [], check: null });
    expect(renderFailure(new Error('boom'))).toBeUndefined();
  });
});

describe('the profile check', () => {
  const p = (extra: Partial<ToolProfile>): ToolProfile => ({ name: 'preview', shown: '~/.codex/preview.config.toml', exists: true, summary: { layout: 'model-providers', baseUrl: 'http://127.0.0.1:1/v1', model: 'o3' }, ...extra });
  const ok = { ok: true as const, latencyMs: 1, models: ['o3'], summary: 'answered.' };
  it.each([
    [p({ exists: false }), 'fail', 'is gone'],
    [p({ error: 'bad toml at 3' }), 'fail', 'cannot be read'],
    [p({ load: { asked: true, loads: false, reason: 'nope' }, gateway: ok }), 'fail', 'Codex refuses'],
    [p({ summary: {}, gateway: ok }), 'fail', 'no longer selects'],
    [p({ gateway: { ok: false, cause: 'auth', summary: 'rejected', fix: 'f', latencyMs: 1 } }), 'fail', 'gateway check failed (auth)'],
    [p({ gateway: { ...ok, models: ['gpt-5.4'] } }), 'fail', 'does not serve'],
    [p({ gateway: { skipped: 'no key' } }), 'skip', 'codex -p preview'],
    [p({ load: { asked: true, loads: true }, gateway: ok }), 'pass', 'works'],
  ] as const)('%#: %s', (profile, status, title) => {
    const [c] = toolProfileChecks([profile]);
    expect(c).toMatchObject({ id: 'profile', status, title: expect.stringContaining(title) });
  });
});

describe('Nix', () => {
  it.each([
    ['plain', '"plain"'],
    ['a "q" \\ b', '"a \\"q\\" \\\\ b"'],
    ['${HOME} and $HOME and ${X:-}', '"\\${HOME} and $HOME and \\${X:-}"'],
    ['line\nnext\ttab', '"line\\nnext\\ttab"'],
  ])('%j as a Nix string', (s, nix) => expect(nixString(s)).toBe(nix));

  it('settings as one assignment, names quoted only when Nix needs it', () => {
    expect(homeManagerSettings({ model: 'o3', model_providers: { lightweight: { args: ['-c', 'x'] }, 'odd.name': { n: 1, b: true } } })).toBe(
      ['programs.codex.settings = {', '  model = "o3";', '  model_providers = {', '    lightweight = {', '      args = [ "-c" "x" ];', '    };', '    "odd.name" = {', '      n = 1;', '      b = true;', '    };', '  };', '};'].join('\n'),
    );
  });

  it('managed: a link into the Nix store is; a plain file or a link to a writable file is not', async () => {
    const dir = scratchDir('lw-nix-');
    const store = join(dir, 'store');
    mkdirSync(join(store, 'abc'), { recursive: true });
    writeFileSync(join(store, 'abc', 'config.toml'), '');
    writeFileSync(join(dir, 'own.toml'), '');
    symlinkSync(join(store, 'abc', 'config.toml'), join(dir, 'linked.toml'));
    symlinkSync(join(dir, 'own.toml'), join(dir, 'mine.toml'));
    const env = { NIX_STORE_DIR: store };
    expect(await managedConfig(join(dir, 'linked.toml'), env)).toEqual({ link: join(dir, 'linked.toml'), target: join(store, 'abc', 'config.toml'), nix: true });
    expect(await managedConfig(join(dir, 'own.toml'), env)).toBeUndefined();
    expect(await managedConfig(join(dir, 'mine.toml'), env)).toBeUndefined();
    expect(await managedConfig(join(dir, 'missing.toml'), env)).toBeUndefined();
  });
});
