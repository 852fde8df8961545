/**
 * Setup and uninstall as pure plans: for each situation, which files are written, with which
 * bytes, modes and protections, and what the user is told.
 */
import { posixPlatform } from '../../src/platform/posix.js';
import { describe, expect, it } from 'vitest';
import { CATALOG_FILE } from '../../src/codex/config.js';
import type { TextFile } from '../../src/files/io.js';
import { resolvePaths } from '../../src/files/paths.js';
import { catalogSummary, envKeyInstructions, planSetup, previousTopLevel, type SetupInputs } from '../../src/setup/plan.js';
import { planUninstall, type UninstallInputs } from '../../src/setup/uninstall.js';
import { parseState } from '../../src/setup/state.js';
import { BLOCK_START } from '../../src/shell/rc.js';

const HOME = '/home/ann';
const paths = resolvePaths({ HOME }, '/', undefined);
const KEY = 'sk-lw-plan-0123456789abcdef';
const missing = (path: string): TextFile => ({ path, target: path, exists: false, text: '' });
const present = (path: string, text: string, mode = 0o644): TextFile => ({ path, target: path, exists: true, text, mode });
const CATALOG = { text: '{"models":[]}\n', slugs: ['gpt-5.4', 'o3'] } as unknown as NonNullable<SetupInputs['catalog']>;

function inputs(over: Partial<SetupInputs> = {}): SetupInputs {
  return {
    choices: { layout: 'model-providers', model: 'gpt-5.4', baseUrl: 'https://api.lightweight.one/v1', keySource: 'file', keySourceChosen: false },
    key: KEY,
    paths,
    rc: { shell: 'bash', file: missing(`${HOME}/.bashrc`) },
    config: missing(paths.config),
    keyFiles: { main: missing(paths.keys.main), fish: missing(paths.keys.fish!) },
    platform: posixPlatform,
    authJson: missing(paths.authJson),
    authBefore: missing(paths.authBefore),
    state: missing(paths.stateFile),
    catalogFile: missing(paths.catalog),
    codexInstalled: true,
    ...over,
  };
}

/** Each write without its contents: where, how, and what protection. */
const shape = (writes: ReturnType<typeof planSetup>['writes']) =>
  writes.map((w) => ({
    path: w.path.replace(HOME, '~'),
    mode: w.mode.toString(8),
    secret: w.secret,
    ...(w.dirMode !== undefined ? { dirMode: w.dirMode.toString(8) } : {}),
    ...(w.privateDir ? { privateDir: w.privateDir.replace(HOME, '~') } : {}),
    ...(w.internal ? { internal: true } : {}),
    ...(w.summary ? { summary: w.summary } : {}),
    created: !w.existed,
  }));

describe('planning setup', () => {
  it('a fresh machine: the key files (private, in the private directory), the rc block, config.toml and the record', () => {
    const p = planSetup(inputs());
    expect(shape(p.writes)).toEqual([
      { path: '~/.config/lightweight/env', mode: '600', secret: true, dirMode: '700', privateDir: '~/.config/lightweight', created: true },
      { path: '~/.config/lightweight/env.fish', mode: '600', secret: true, dirMode: '700', privateDir: '~/.config/lightweight', created: true },
      { path: '~/.bashrc', mode: '644', secret: false, created: true },
      { path: '~/.codex/config.toml', mode: '600', secret: false, dirMode: '700', created: true },
      { path: '~/.config/lightweight/state.json', mode: '600', secret: false, dirMode: '700', internal: true, created: true },
    ]);
    expect(p.writes[0]!.after).toContain(`export LIGHTWEIGHT_API_KEY='${KEY}'`);
    expect(p.writes[1]!.after).toContain(`set -gx LIGHTWEIGHT_API_KEY '${KEY}'`);
    expect(p.writes[2]!.after).toContain('lw_env="$HOME/.config/lightweight/env"');
    expect(p.writes[3]!.after).toContain('[model_providers.lightweight.auth]');
    expect(p.writes[3]!.after).toContain('run: npx lightweight-setup');
    expect(p).toMatchObject({ rcAction: 'created', codexLogin: false, auth: { kind: 'none' }, notes: [] });
    expect(p.loginRc).toBeUndefined();
    expect(parseState(p.writes[4]!.after!)).toEqual({
      version: 1,
      layout: 'model-providers',
      codexHome: `${HOME}/.codex`,
      rcFiles: [`${HOME}/.bashrc`],
      previous: {},
      owned: ['model', 'model_provider', 'openai_base_url', 'model_catalog_json'],
      keySource: 'file',
    });
  });

  it('fish: its own key file in the block, and conf.d may need making', () => {
    const file = missing(`${HOME}/.config/fish/conf.d/lightweight.fish`);
    const p = planSetup(inputs({ rc: { shell: 'fish', file } }));
    const rc = p.writes.find((w) => w.path === file.path)!;
    expect(rc).toMatchObject({ mode: 0o644, dirMode: 0o755 });
    expect(rc.after).toContain('set -l lw_env "$HOME/.config/lightweight/env.fish"');
  });

  it('an existing rc file keeps its mode and line endings, and a key set in it by hand is named by line', () => {
    const file = present(`${HOME}/.zshrc`, 'alias ll=ls\r\nexport LIGHTWEIGHT_API_KEY=sk-old\r\nLIGHTWEIGHT_API_KEY=x\r\n', 0o640);
    const p = planSetup(inputs({ rc: { shell: 'zsh', file } }));
    const rc = p.writes.find((w) => w.path === file.path)!;
    expect(rc.mode).toBe(0o640);
    expect(rc.after).toContain(`\r\n${BLOCK_START}\r\n`);
    expect(p.rcAction).toBe('appended');
    expect(p.notes).toEqual(['~/.zshrc:2,3 also sets LIGHTWEIGHT_API_KEY, in plain text: delete those lines, so the key lives only in ~/.config/lightweight/env and a stale key cannot win.']);
    const one = planSetup(inputs({ rc: { shell: 'zsh', file: present(`${HOME}/.zshrc`, 'export LIGHTWEIGHT_API_KEY=sk-old\n') } }));
    expect(one.notes).toEqual(['~/.zshrc:1 also sets LIGHTWEIGHT_API_KEY, in plain text: delete that line, so the key lives only in ~/.config/lightweight/env and a stale key cannot win.']);
  });

  it('no rc file (--no-rc): no block, no rc action', () => {
    const { rc: _rc, ...rest } = inputs();
    const p = planSetup(rest);
    expect(p.writes.map((w) => w.path)).not.toContain(`${HOME}/.bashrc`);
    expect(p.rcAction).toBeUndefined();
    expect(parseState(p.writes.at(-1)!.after!)!.rcFiles).toEqual([]);
  });

  describe('the bash login file', () => {
    const login = (text: string) => present(`${HOME}/.bash_profile`, text);
    it('that sources ~/.bashrc: left alone, and not recorded', () => {
      const p = planSetup(inputs({ loginRc: login('[ -f ~/.bashrc ] && . ~/.bashrc\n') }));
      expect(p.loginRc).toEqual({ path: `${HOME}/.bash_profile`, action: 'sources-bashrc' });
      expect(p.writes.map((w) => w.path)).not.toContain(`${HOME}/.bash_profile`);
      expect(parseState(p.writes.at(-1)!.after!)!.rcFiles).toEqual([`${HOME}/.bashrc`]);
    });
    it('that does not: its own block, recorded', () => {
      const p = planSetup(inputs({ loginRc: login('export PATH=~/bin:$PATH\n') }));
      expect(p.loginRc).toEqual({ path: `${HOME}/.bash_profile`, action: 'appended' });
      expect(p.writes.find((w) => w.path === `${HOME}/.bash_profile`)!.after).toContain(BLOCK_START);
      expect(parseState(p.writes.at(-1)!.after!)!.rcFiles).toEqual([`${HOME}/.bashrc`, `${HOME}/.bash_profile`]);
    });
    it('that has the block already: kept current, even if it also sources ~/.bashrc', () => {
      const withBlock = planSetup(inputs({ loginRc: login('x=1\n') })).writes.find((w) => w.path === `${HOME}/.bash_profile`)!.after!;
      const p = planSetup(inputs({ loginRc: login(`. ~/.bashrc\n${withBlock}`) }));
      expect(p.loginRc).toEqual({ path: `${HOME}/.bash_profile`, action: 'unchanged' });
    });
    it('that is the rc file itself: once', () => {
      const p = planSetup(inputs({ loginRc: missing(`${HOME}/.bashrc`) }));
      expect(p.loginRc).toBeUndefined();
      expect(p.writes.filter((w) => w.path === `${HOME}/.bashrc`)).toHaveLength(1);
    });
  });

  describe('the base-URL layout and Codex\'s login store', () => {
    const base = (over: Partial<SetupInputs> = {}) => inputs({ choices: { ...inputs().choices, layout: 'openai-base-url' }, ...over });
    it('with Codex installed: `codex login` stores the key (no file written by setup)', () => {
      const p = planSetup(base());
      expect(p.codexLogin).toBe(true);
      expect(p.notes).toEqual([]);
      expect(p.writes.map((w) => w.path)).not.toContain(paths.authJson);
    });
    it('without Codex: auth.json written, private', () => {
      const p = planSetup(base({ codexInstalled: false }));
      expect(p.codexLogin).toBe(false);
      expect(shape(p.writes.filter((w) => w.path === paths.authJson))).toEqual([{ path: '~/.codex/auth.json', mode: '600', secret: true, dirMode: '700', created: true }]);
      expect(JSON.parse(p.writes.find((w) => w.path === paths.authJson)!.after!)).toEqual({ auth_mode: 'apikey', OPENAI_API_KEY: KEY });
    });
    it('the same key there already: nothing to do', () => {
      const p = planSetup(base({ authJson: present(paths.authJson, JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: KEY }), 0o600) }));
      expect(p.codexLogin).toBe(false);
      expect(p.auth).toEqual({ kind: 'apikey', apiKey: KEY });
    });
    it('a ChatGPT login there: replaced, kept in a backup, and said so', () => {
      const p = planSetup(base({ authJson: present(paths.authJson, JSON.stringify({ tokens: { id_token: 'x' } }), 0o600) }));
      expect(p.codexLogin).toBe(true);
      expect(p.notes).toContain('~/.codex/auth.json held a ChatGPT login; it is replaced by the API key (****cdef) and kept: `npx lightweight-setup restore`, `npx lightweight-setup uninstall` or a switch to the provider table puts it back.');
    });
    it('a record of the login store as it was is kept (once), and the key is remembered by its fingerprint only', () => {
      const chatgpt = JSON.stringify({ tokens: { id_token: 'x' } });
      const p = planSetup(base({ authJson: present(paths.authJson, chatgpt, 0o600) }));
      const record = p.writes.find((w) => w.path === paths.authBefore)!;
      expect(record).toMatchObject({ secret: true, internal: true, mode: 0o600 });
      expect(JSON.parse(record.after!)).toEqual({ text: chatgpt, mode: 0o600 });
      const state = p.writes.find((w) => w.path === paths.stateFile)!.after!;
      expect(state).not.toContain(KEY);
      expect(parseState(state)!.loginStoreKeys).toHaveLength(1);
      // Already recorded: not again.
      expect(planSetup(base({ authJson: present(paths.authJson, chatgpt, 0o600), authBefore: present(paths.authBefore, record.after!, 0o600) })).writes.some((w) => w.path === paths.authBefore)).toBe(false);
    });
    it('the provider table after the base-URL layout gives the login store back as it was', () => {
      const chatgpt = JSON.stringify({ tokens: { id_token: 'x' } });
      const base1 = planSetup(base({ authJson: present(paths.authJson, chatgpt, 0o600) }));
      const state = present(paths.stateFile, base1.writes.find((w) => w.path === paths.stateFile)!.after!, 0o600);
      const record = present(paths.authBefore, base1.writes.find((w) => w.path === paths.authBefore)!.after!, 0o600);
      const p = planSetup(inputs({ key: 'sk-lw-another-key-000000', state, authBefore: record, authJson: present(paths.authJson, JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: KEY }), 0o600) }));
      expect(p.writes.find((w) => w.path === paths.authJson)).toMatchObject({ after: chatgpt, secret: true, mode: 0o600 });
      expect(p.notes).toContain('~/.codex/auth.json held the Lightweight key of the base-URL layout; it is back as it was before (your ChatGPT login).');
    });
    it('the provider-table layout never touches the login store', () => {
      const p = planSetup(inputs({ authJson: present(paths.authJson, JSON.stringify({ tokens: { id_token: 'x' } }), 0o600) }));
      expect(p.codexLogin).toBe(false);
      expect(p.notes).toEqual([]);
    });
  });

  it('the catalog: written with a summary for the review, and named in config.toml', () => {
    const p = planSetup(inputs({ catalog: CATALOG }));
    expect(shape(p.writes.filter((w) => w.path === paths.catalog))).toEqual([
      { path: `~/.codex/${CATALOG_FILE}`, mode: '600', secret: false, dirMode: '700', summary: "Codex's model picker (/model) lists the gateway's 2 models: gpt-5.4, o3", created: true },
    ]);
    expect(p.config.after).toContain(`model_catalog_json = "${CATALOG_FILE}"`);
    expect(catalogSummary({ ...CATALOG, slugs: ['o3'] })).toBe("Codex's model picker (/model) lists the gateway's 1 model: o3");
    // Built from the gateway page's table (the gateway was not asked, or did not answer), it says so.
    expect(catalogSummary({ ...CATALOG, slugs: ['o3', 'gpt-5.4'], fromPage: true })).toBe("Codex's model picker (/model) lists the gateway page's 2 models: o3, gpt-5.4");
    expect(planSetup(inputs()).config.after).not.toContain('model_catalog_json');
  });

  it('a rerun: the record keeps every rc file, the first setup\'s previous values, a chosen key source and catalog support', () => {
    const prev = JSON.stringify({ version: 1, layout: 'model-providers', codexHome: `${HOME}/.codex`, rcFiles: [`${HOME}/.zshrc`], previous: { model: 'o3' }, owned: ['model', 'model_provider', 'openai_base_url'] });
    const p = planSetup(
      inputs({
        state: present(paths.stateFile, prev, 0o600),
        config: present(paths.config, 'model = "gpt-5.4"\nmodel_catalog_json = "mine.json"\n', 0o600),
        choices: { ...inputs().choices, keySourceChosen: true },
        catalogSupport: { codexVersion: '0.171.0', supported: true },
      }),
    );
    expect(parseState(p.writes.at(-1)!.after!)).toMatchObject({
      rcFiles: [`${HOME}/.zshrc`, `${HOME}/.bashrc`],
      previous: { model: 'o3', model_catalog_json: 'mine.json' },
      keySourceChosen: true,
      catalogSupport: { codexVersion: '0.171.0', supported: true },
    });
    // An existing config keeps its mode.
    expect(p.writes.find((w) => w.path === paths.config)!.mode).toBe(0o600);
  });

  it.each([
    [undefined, { model: 'x' }, { model: 'x' }],
    [{ previous: { model: 'o3' } }, { model: 'x', model_catalog_json: 'c.json' }, { model: 'o3', model_catalog_json: 'c.json' }],
    [{ previous: {}, owned: ['model', 'model_provider', 'openai_base_url', 'model_catalog_json'] }, { model_catalog_json: 'c.json' }, {}],
    [{ previous: { model: 'o3' } }, { model: 'x' }, { model: 'o3' }],
    // A record from before the tool owned model_catalog_json covers the other three, even where they were unset.
    [{ previous: {} }, { model: 'x', model_provider: 'acme', openai_base_url: 'u' }, {}],
  ])('previous values: record %j, config now %j -> %j', (prev, now, want) => {
    const state = prev && { version: 1 as const, layout: 'model-providers' as const, codexHome: '/c', rcFiles: [], ...prev };
    expect(previousTopLevel(state, now)).toStrictEqual(want);
  });

  it('the instructions Codex shows when the variable is missing', () => {
    expect(envKeyInstructions(paths.keys.main, HOME)).toBe(
      'LIGHTWEIGHT_API_KEY is loaded from ~/.config/lightweight/env when a shell starts: open a new terminal, or run npx lightweight-setup again. Editors started from the desktop do not read shell startup files: start them from a terminal.',
    );
  });
});

describe('planning uninstall', () => {
  const setupOnce = planSetup(inputs({ rc: { shell: 'bash', file: present(`${HOME}/.bashrc`, 'alias ll=ls\n') } }));
  const bashrcAfter = () => setupOnce.writes.find((w) => w.path === `${HOME}/.bashrc`)!.after!;
  const uninstall = (over: Partial<UninstallInputs> = {}) =>
    planUninstall({
      config: present(paths.config, setupOnce.config.after, 0o600),
      configLabel: '~/.codex/config.toml',
      rcFiles: [present(`${HOME}/.bashrc`, bashrcAfter())],
      ownFiles: [present(paths.keys.main, 'x', 0o600), missing(paths.keys.fish!)],
      authJson: missing(paths.authJson),
      storedKey: KEY,
      previous: {},
      createdByTool: new Set(),
      ...over,
    });
  const byPath = (ws: ReturnType<typeof planUninstall>) => Object.fromEntries(ws.map((w) => [w.path.replace(HOME, '~'), w.after]));

  it('takes the block out, gives config.toml back, removes the key files there are', () => {
    const ws = uninstall();
    expect(byPath(ws)).toEqual({ '~/.bashrc': 'alias ll=ls\n', '~/.codex/config.toml': '', '~/.config/lightweight/env': null });
    expect(ws.find((w) => w.path === paths.keys.main)).toMatchObject({ secret: true, mode: 0o600 });
    // The user's files keep their modes, and are not treated as secrets.
    expect(ws.find((w) => w.path === `${HOME}/.bashrc`)).toMatchObject({ secret: false, mode: 0o644 });
    expect(ws.find((w) => w.path === paths.config)).toMatchObject({ secret: false, mode: 0o600 });
  });

  it('a file the tool created but the user added to since stays, with their lines', () => {
    const ws = uninstall({
      rcFiles: [present(`${HOME}/.bashrc`, `${planSetup(inputs()).writes[2]!.after!}alias mine=ls\n`)],
      config: present(paths.config, `${setupOnce.config.after}\n[tui]\nx = 1\n`, 0o600),
      createdByTool: new Set([`${HOME}/.bashrc`, paths.config]),
    });
    expect(byPath(ws)).toMatchObject({ '~/.bashrc': 'alias mine=ls\n', '~/.codex/config.toml': '[tui]\nx = 1\n' });
  });

  it('a file the tool created, left with blank lines only: removed', () => {
    const ws = uninstall({ rcFiles: [present(`${HOME}/.bashrc`, `\n\n${planSetup(inputs()).writes[2]!.after!}\n`)], createdByTool: new Set([`${HOME}/.bashrc`]) });
    expect(byPath(ws)['~/.bashrc']).toBeNull();
  });

  it("the user's own rc file that held only the block is emptied, not removed", () => {
    const block = planSetup(inputs({ rc: { shell: 'zsh', file: missing(`${HOME}/.zshrc`) } })).writes[2]!.after!;
    expect(byPath(uninstall({ rcFiles: [present(`${HOME}/.zshrc`, block)] }))['~/.zshrc']).toBe('');
  });

  it('files the tool created go entirely when nothing else is left in them', () => {
    const ws = uninstall({ rcFiles: [present(`${HOME}/.bashrc`, planSetup(inputs()).writes[2]!.after!)], createdByTool: new Set([`${HOME}/.bashrc`, paths.config]) });
    expect(byPath(ws)).toMatchObject({ '~/.bashrc': null, '~/.codex/config.toml': null });
  });

  it("fish's conf.d file goes entirely, created by the tool or not", () => {
    const fish = planSetup(inputs({ rc: { shell: 'fish', file: missing(`${HOME}/.config/fish/conf.d/lightweight.fish`) } })).writes[2]!.after!;
    expect(byPath(uninstall({ rcFiles: [present(`${HOME}/.config/fish/conf.d/lightweight.fish`, fish)] }))['~/.config/fish/conf.d/lightweight.fish']).toBeNull();
  });

  it('rc files without a block, missing ones, and a second path to the same file are left alone', () => {
    const same = { ...present(`${HOME}/.bash_profile`, bashrcAfter()), target: `${HOME}/.bashrc` };
    const ws = uninstall({ rcFiles: [present(`${HOME}/.bashrc`, bashrcAfter()), same, present(`${HOME}/.zshrc`, 'x=1\n'), missing(`${HOME}/.profile`)] });
    expect(ws.filter((w) => w.target === `${HOME}/.bashrc`)).toHaveLength(1);
    expect(ws.map((w) => w.path)).not.toContain(`${HOME}/.zshrc`);
  });

  it('a config.toml that changes nothing is not written', () => {
    expect(byPath(uninstall({ config: present(paths.config, 'approval_policy = "never"\n') }))).not.toHaveProperty('~/.codex/config.toml');
    expect(byPath(uninstall({ config: missing(paths.config) }))).not.toHaveProperty('~/.codex/config.toml');
  });

  describe("Codex's login store", () => {
    const apikey = (key: string) => present(paths.authJson, JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: key }), 0o600);
    it('holding the tool\'s key: back to the login that was there, with its mode', () => {
      const w = uninstall({ authJson: apikey(KEY), authBefore: { text: '{"tokens":{}}', mode: 0o640 } }).find((x) => x.path === paths.authJson)!;
      expect(w).toMatchObject({ after: '{"tokens":{}}', mode: 0o640, secret: true });
    });
    it('holding the tool\'s key, with nothing there before: removed', () => {
      expect(uninstall({ authJson: apikey(KEY) }).find((x) => x.path === paths.authJson)!.after).toBeNull();
      expect(uninstall({ authJson: apikey(KEY), authBefore: { text: null, mode: 0o600 } }).find((x) => x.path === paths.authJson)!.after).toBeNull();
    });
    it('a ChatGPT login, or nothing, with no stored key known: left alone', () => {
      const chatgpt = present(paths.authJson, JSON.stringify({ tokens: { id_token: 'x' } }), 0o600);
      for (const authJson of [chatgpt, missing(paths.authJson)]) {
        expect(planUninstall({ config: missing(paths.config), configLabel: 'c', rcFiles: [], ownFiles: [], authJson, createdByTool: new Set() })).toEqual([]);
      }
    });

    it('holding another key, or no stored key known: left alone', () => {
      expect(uninstall({ authJson: apikey('sk-someone-else-0000') }).map((w) => w.path)).not.toContain(paths.authJson);
      expect(planUninstall({ config: missing(paths.config), configLabel: 'c', rcFiles: [], ownFiles: [], authJson: apikey(KEY), createdByTool: new Set() }).map((w) => w.path)).toEqual([]);
    });
  });
});

describe("a change of the default's key source reaches the profiles setup wrote", () => {
  const PREVIEW = `${HOME}/.codex/preview.config.toml`;
  const envChoices = { layout: 'model-providers', model: 'gpt-5.4', baseUrl: 'https://api.lightweight.one/v1', keySource: 'env', keySourceChosen: true } as const;
  /** The profile file as `setup --profile preview` wrote it under an env_key default, with a line of the user's. */
  const profileText = (() => {
    const p = planSetup(inputs({ choices: { ...envChoices, model: 'o3', baseUrl: 'https://preview.lightweight.one/v1' }, profile: { name: 'preview', file: missing(PREVIEW) } }));
    return `# mine\nmodel_reasoning_effort = "high"\n${p.writes.find((w) => w.path === PREVIEW)!.after}`;
  })();
  const profileWrite = (p: ReturnType<typeof planSetup>) => p.writes.find((w) => w.path === PREVIEW);

  it('env_key to the key file: the profile gets the auth command, keeps its URL, model and the user\'s lines, and Codex is to be asked about it', () => {
    expect(profileText).toContain('env_key = "LIGHTWEIGHT_API_KEY"');
    const p = planSetup(inputs({ profiles: [{ name: 'preview', file: present(PREVIEW, profileText, 0o600) }] }));
    const after = profileWrite(p)!.after!;
    expect(after).not.toContain('env_key');
    expect(after).toContain('[model_providers.lightweight.auth]');
    expect(after).toContain('base_url = "https://preview.lightweight.one/v1"');
    expect(after).toContain('model = "o3"');
    expect(after.startsWith('# mine\nmodel_reasoning_effort = "high"\n')).toBe(true);
    expect(profileWrite(p)!.mode).toBe(0o600);
    expect(p.followingProfiles).toEqual([{ name: 'preview', path: PREVIEW }]);
    expect(p.notes).toContainEqual(expect.stringContaining('~/.codex/preview.config.toml (`codex -p preview`) now reads the key from the key file too'));
  });

  it('the key file back to env_key: the auth table goes', () => {
    const fileProfile = profileWrite(planSetup(inputs({ profiles: [{ name: 'preview', file: present(PREVIEW, profileText) }] })))!.after!;
    const p = planSetup(inputs({ choices: envChoices, profiles: [{ name: 'preview', file: present(PREVIEW, fileProfile) }] }));
    expect(profileWrite(p)!.after).toContain('env_key = "LIGHTWEIGHT_API_KEY"');
    expect(profileWrite(p)!.after).not.toContain('.auth]');
  });

  it.each([
    ['the same key source', envChoices, present(PREVIEW, profileText)],
    ['a profile file that is gone', undefined, missing(PREVIEW)],
    ['a profile file that does not parse', undefined, present(PREVIEW, 'model = \n')],
    ['a profile file without the provider table any more', undefined, present(PREVIEW, 'model = "o3"\n')],
  ] as const)('left alone: %s', (_what, choices, file) => {
    const p = planSetup(inputs({ ...(choices ? { choices } : {}), profiles: [{ name: 'preview', file }] }));
    expect(profileWrite(p)).toBeUndefined();
    expect(p.followingProfiles).toBeUndefined();
  });

  it('the base-URL layout for the default leaves the profile (its own provider table works by itself)', () => {
    const p = planSetup(inputs({ choices: { ...envChoices, layout: 'openai-base-url', keySource: 'file' }, profiles: [{ name: 'preview', file: present(PREVIEW, profileText) }] }));
    expect(profileWrite(p)).toBeUndefined();
  });

  it('a profile others can write to is made private like config.toml', () => {
    const p = planSetup(inputs({ profiles: [{ name: 'preview', file: present(PREVIEW, profileText, 0o666) }] }));
    expect(profileWrite(p)!.mode).toBe(0o644);
  });
});

describe("the record's profile names", () => {
  it.each([['preview', true], ['deep_2', true], ['../../.bashrc', false], ['a/b', false], ['x.y', false], ['config', false], ['', false], ['-p', false]] as const)(
    '%j is %s',
    (name, kept) => {
      const s = parseState(JSON.stringify({ version: 1, rcFiles: [], layout: 'model-providers', previous: {}, profiles: { [name]: { previous: {} } } }));
      expect(Object.keys(s!.profiles!)).toEqual(kept ? [name] : []);
    },
  );
});
