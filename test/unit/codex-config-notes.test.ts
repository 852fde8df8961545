/**
 * What config planning tells the user and what it reads back: every note setup prints about
 * something it replaced, the summary doctor and status work from, the settings Codex refuses
 * (with their exact words), and uninstall without a record.
 */
import { describe, expect, it } from 'vitest';
import {
  activeLayout,
  firstLineOf,
  isOwnAuth,
  planBaseUrlSwitch,
  planCatalogKey,
  planCodexConfig,
  planUninstallConfig,
  refusedSettings,
  summarize,
  type ConfigWant,
} from '../../src/codex/config.js';
import { parseToml } from '../../src/toml/parse.js';
import { scanToml } from '../../src/toml/scan.js';

const PROD = 'https://api.lightweight.one/v1';
const AUTH = { command: '/bin/sh', args: ['-c', 'printf %s "$K"'] };
const OWN_AUTH = '[model_providers.lightweight.auth]\ncommand = "/bin/sh"\nargs = ["-c", "printf %s \\"$K\\""]\n';
const file: ConfigWant = { layout: 'model-providers', model: 'gpt-5.4', baseUrl: PROD, keySource: 'file', authCommand: AUTH, envKeyInstructions: 'x' };
const env: ConfigWant = { ...file, keySource: 'env' };
const base: ConfigWant = { ...file, layout: 'openai-base-url' };
const notes = (text: string, want: ConfigWant) => planCodexConfig(text, '~/.codex/config.toml', want).notes;

describe('what setup says about what it replaced', () => {
  it.each<[string, string, ConfigWant, string[]]>([
    ['nothing to say on an empty file', '', file, []],
    ['the user\'s own model, before any setup', 'model = "o3"\n', file, ['Replaced your model = "o3" with "gpt-5.4"; `npx lightweight-setup uninstall` puts "o3" back.']],
    ['the user\'s own model, the same as chosen: nothing', 'model = "gpt-5.4"\n', file, []],
    ['the user\'s own model, in the base-URL layout too', 'model = "gpt-5-codex"\n', base, ['Replaced your model = "gpt-5-codex" with "gpt-5.4"; `npx lightweight-setup uninstall` puts "gpt-5-codex" back.']],
    ['a model a Lightweight setup wrote (a rerun says so in its changes): nothing', `model = "o3"\nmodel_provider = "lightweight"\n[model_providers.lightweight]\nname = "L"\n${OWN_AUTH}`, file, []],
    ['a model under the base-URL layout (a rerun): nothing', 'model = "o3"\nopenai_base_url = "https://api.lightweight.one/v1"\n', base, []],
    ['a catalog of the user\'s own', 'model_catalog_json = "mine.json"\n', { ...file, catalog: 'lightweight-models.json' }, ['Replaced model_catalog_json = "mine.json" with this tool\'s catalog of the gateway\'s models; `npx lightweight-setup uninstall` puts yours back.']],
    ['its own catalog again: nothing', 'model_catalog_json = "lightweight-models.json"\n', { ...file, catalog: 'lightweight-models.json' }, []],
    ['a catalog, when setup writes none: nothing', 'model_catalog_json = "mine.json"\n', file, []],
    ['its own auth command, now env_key', `model_provider = "lightweight"\n[model_providers.lightweight]\nname = "L"\n${OWN_AUTH}`, env, ['The key now comes from LIGHTWEIGHT_API_KEY (env_key) instead of the key file\'s auth command.']],
    [
      'a foreign auth command, now env_key',
      'model_provider = "lightweight"\n[model_providers.lightweight]\nname = "L"\n\n[model_providers.lightweight.auth]\ncommand = "pass"\nargs = ["show", "lw"]\n',
      env,
      ['Removed model_providers.lightweight.auth (~/.codex/config.toml:5): Codex refuses an auth command next to env_key, and this setup uses env_key = "LIGHTWEIGHT_API_KEY".'],
    ],
    ['env_key, now the key file', 'model_provider = "lightweight"\n[model_providers.lightweight]\nname = "L"\nenv_key = "LIGHTWEIGHT_API_KEY"\n', file, ["The key now comes from the key file through an auth command instead of LIGHTWEIGHT_API_KEY (env_key): editors started from the desktop and Codex's background server get the current key too."]],
    [
      'a foreign auth command, now its own',
      'model_provider = "lightweight"\n[model_providers.lightweight]\nname = "L"\nauth = { command = "pass", args = [] }\n',
      file,
      ['Replaced the auth command of model_providers.lightweight (~/.codex/config.toml:4) with one that reads the key file.'],
    ],
    ['its own auth command again: nothing', `model_provider = "lightweight"\n[model_providers.lightweight]\nname = "L"\n${OWN_AUTH}`, file, []],
    ['openai_base_url, now the provider table', 'openai_base_url = "https://x.example/v1"\n', file, ['Removed openai_base_url: the provider table layout replaces it.']],
    ['a model_provider of the user\'s own', 'model_provider = "acme"\n[model_providers.acme]\nname = "A"\n', file, ['Replaced your model_provider = "acme" with "lightweight": Codex then uses the gateway instead. `npx lightweight-setup uninstall` puts "acme" back.']],
    ['model_provider = "lightweight" already: nothing', 'model_provider = "lightweight"\n', file, []],
    ['base-URL layout over the user\'s provider', 'model_provider = "acme"\n[model_providers.acme]\nname = "A"\n', base, ['Set model_provider = "openai" (was "acme"): openai_base_url only applies to Codex\'s built-in provider. `npx lightweight-setup uninstall` puts "acme" back.']],
    ['base-URL layout over model_provider = "openai": nothing', 'model_provider = "openai"\n', base, []],
    ['base-URL layout over the Lightweight provider table', 'model_provider = "lightweight"\n[model_providers.lightweight]\nname = "L"\n', base, ['Removed [model_providers.lightweight]: the base-URL layout replaces it.']],
  ])('%s', (_n, text, want, said) => expect(notes(text, want)).toEqual(said));

  it('records only string values of the keys it owns', () => {
    expect(planCodexConfig('model = "o3"\nmodel_provider = "acme"\n[model_providers.acme]\nname = "A"\n', 'c', file).previous).toEqual({ model: 'o3', model_provider: 'acme' });
    expect(planCodexConfig('', 'c', file).previous).toEqual({});
  });

  it('a config that would still hold a setting Codex refuses: the exact refusal, one line per setting', () => {
    const text = 'profile = "work"\n[model_providers.openai]\nname = "x"\n';
    expect(() => planCodexConfig(text, '~/.codex/config.toml', file)).toThrowError(
      expect.objectContaining({
        message: '~/.codex/config.toml has 2 settings current Codex refuses to load (predicted: no installed Codex could be asked): Codex would not start after this setup, so nothing was written.',
        hint: 'Fix this, then run setup again:',
        details: [
          '  ~/.codex/config.toml:1: a top-level profile = "work" was removed from Codex and now stops it loading the file. Move the settings of [profiles.work] into ~/.codex/work.config.toml and start Codex with --profile work, then delete that line.',
          '  ~/.codex/config.toml:2: "openai" is a built-in provider id; Codex refuses a [model_providers.openai] table. Rename that provider (and model_provider, if it points at it).',
        ],
      }),
    );
    expect(() => planCodexConfig('profile = "w"\n', 'c', file)).toThrowError(/^c has a setting current Codex refuses to load \(predicted/);
  });
});

describe('settings Codex refuses, in its words', () => {
  const refused = (text: string, f = '/h/.codex/config.toml') => refusedSettings(scanToml(text), parseToml(text, f), f);

  it.each([
    ['[model_providers.gw]\nname = "G"\nwire_api = "chat"\n', { where: '/h/.codex/config.toml:3', key: 'model_providers.gw.wire_api', problem: 'wire_api = "chat" was removed from Codex; only "responses" loads.', fix: 'Set wire_api = "responses".' }],
    ['[model_providers.gw]\nname = ""\n', { where: '/h/.codex/config.toml:2', key: 'model_providers.gw.name', problem: 'an empty provider name stops Codex loading the file.', fix: 'Give the provider a name.' }],
    ['[model_providers.gw]\nname = "G"\nenv_key = "K"\nauth = { command = "x" }\n', { where: '/h/.codex/config.toml:4', key: 'model_providers.gw.auth', problem: 'env_key and an auth command cannot be combined; Codex refuses the file.', fix: 'Keep one of them.' }],
    ['model_providers = { ollama = "x" }\n', { where: '/h/.codex/config.toml:1', key: 'model_providers.ollama', problem: '"ollama" is a built-in provider id; Codex refuses a [model_providers.ollama] table.', fix: 'Rename that provider (and model_provider, if it points at it).' }],
  ])('%j', (text, want) => expect(refused(text)).toEqual([want]));

  it('a profile file is named next to config.toml, wherever that is', () => {
    expect(refused('profile = "w"\n', 'config.toml')[0]!.fix).toContain(' w.config.toml ');
    expect(refused('profile = "w"\n', '/x/y/config.toml')[0]!.fix).toContain(' /x/y/w.config.toml ');
  });

  it.each(['[model_providers.gw]\nname = "G"\nwire_api = "responses"\n', 'model_providers = { gw = "not a table" }\n', '[model_providers.gw]\nenv_key = "K"\n'])('%j is fine', (text) => expect(refused(text)).toEqual([]));
});

describe('where a setting is', () => {
  const doc = scanToml('a = 1\n[t]\nx = 1\nin = { y = 2 }\n\n[t.sub]\nz = 3\n');
  it.each([
    [['t'], 2],
    [['t', 'x'], 3],
    [['t', 'in', 'y'], 4],
    [['t', 'sub'], 6],
    [['t', 'sub', 'z'], 7],
    [['a'], 1],
    [['nowhere'], 1],
  ])('%j is at line %i', (path, line) => expect(firstLineOf(doc, path)).toBe(line));
});

describe('reading a config back', () => {
  it('isOwnAuth: the command and every argument, exactly', () => {
    expect(isOwnAuth({ command: '/bin/sh', args: ['-c', 'printf %s "$K"'] }, AUTH)).toBe(true);
    expect(isOwnAuth({ command: 'sh', args: ['-c', 'printf %s "$K"'] }, AUTH)).toBe(false);
    expect(isOwnAuth({ command: '/bin/sh', args: ['-c', 'other'] }, AUTH)).toBe(false);
    expect(isOwnAuth({ command: '/bin/sh', args: ['-x', 'printf %s "$K"'] }, AUTH)).toBe(false);
    expect(isOwnAuth({ command: '/bin/sh', args: ['-c'] }, AUTH)).toBe(false);
    expect(isOwnAuth({ command: '/bin/sh', args: ['-c', 'printf %s "$K"', 'extra'] }, AUTH)).toBe(false);
    expect(isOwnAuth({ command: '/bin/sh', args: '-c' }, AUTH)).toBe(false);
    expect(isOwnAuth({ command: '/bin/sh' }, AUTH)).toBe(false);
    expect(isOwnAuth('/bin/sh', AUTH)).toBe(false);
    expect(isOwnAuth(undefined, AUTH)).toBe(false);
  });

  it.each([
    ['', {}],
    ['model = "o3"\n', { model: 'o3' }],
    ['model = 3\n', {}],
    ['openai_base_url = "https://x/v1"\nmodel_catalog_json = "c.json"\n', { layout: 'openai-base-url', baseUrl: 'https://x/v1', catalog: 'c.json' }],
    ['openai_base_url = "https://x/v1"\nmodel_provider = "openai"\n', { layout: 'openai-base-url', baseUrl: 'https://x/v1' }],
    ['openai_base_url = "https://x/v1"\nmodel_provider = "acme"\n', {}],
    ['openai_base_url = 1\n', {}],
    ['model_provider = "lightweight"\n', {}],
    ['model_provider = "lightweight"\nmodel_providers = { lightweight = "x" }\n', {}],
    ['model_provider = "lightweight"\n[model_providers.lightweight]\nbase_url = "https://g/v1"\nenv_key = "K"\n', { layout: 'model-providers', baseUrl: 'https://g/v1', keySource: 'env' }],
    ['model_provider = "lightweight"\n[model_providers.lightweight]\nbase_url = 3\n', { layout: 'model-providers' }],
    [`model_provider = "lightweight"\n[model_providers.lightweight]\nname = "L"\n${OWN_AUTH}`, { layout: 'model-providers', keySource: 'file', authCommand: AUTH }],
    ['model_provider = "lightweight"\n[model_providers.lightweight]\nauth = { command = "c" }\n', { layout: 'model-providers', keySource: 'file', authCommand: { command: 'c', args: [] } }],
    ['model_provider = "lightweight"\n[model_providers.lightweight]\nauth = { command = "c", args = [1] }\n', { layout: 'model-providers', keySource: 'file', authCommand: { command: 'c', args: [] } }],
    ['model_provider = "lightweight"\n[model_providers.lightweight]\nauth = { args = ["a"] }\n', { layout: 'model-providers', keySource: 'file' }],
    ['model_provider = "lightweight"\n[model_providers.lightweight]\nauth = "x"\nenv_key = "K"\n', { layout: 'model-providers', keySource: 'env' }],
  ])('summarize(%j)', (text, want) => expect(summarize(parseToml(text, 'c'))).toEqual(want));

  it('summarize(undefined)', () => expect(summarize(undefined)).toEqual({}));
  it('activeLayout of nothing', () => expect(activeLayout({})).toBeUndefined());
});

describe('uninstall without a record of what was there', () => {
  it.each([
    ['removes what points at Lightweight', 'model = "o3"\nmodel_provider = "lightweight"\nmodel_catalog_json = "lightweight-models.json"\nopenai_base_url = "https://preview.api.lightweight.one/v1"\n\n[model_providers.lightweight]\nname = "L"\n', 'model = "o3"\n'],
    ["keeps the user's own provider, catalog and URL", 'model_provider = "acme"\nmodel_catalog_json = "mine.json"\nopenai_base_url = "https://lightweight.one.example.com/v1"\n', 'model_provider = "acme"\nmodel_catalog_json = "mine.json"\nopenai_base_url = "https://lightweight.one.example.com/v1"\n'],
    ['a Lightweight host itself counts', 'openai_base_url = "https://lightweight.one/v1"\n', ''],
    ['a URL that does not parse is not ours', 'openai_base_url = "not a url"\n', 'openai_base_url = "not a url"\n'],
  ])('%s', (_n, text, want) => expect(planUninstallConfig(text, 'c', undefined)).toBe(want));

  it('with a record: every owned key back to what it was, or gone', () => {
    const text = 'model = "gpt-5.4"\nmodel_provider = "lightweight"\n\n[model_providers.lightweight]\nname = "L"\n';
    expect(planUninstallConfig(text, 'c', { model: 'o3' })).toBe('model = "o3"\n');
  });
});

describe('switches and the catalog key', () => {
  it('a URL switch without a Lightweight setup names the file and what to run', () => {
    expect(() => planBaseUrlSwitch('model = "o3"\n', '~/.codex/config.toml', PROD)).toThrowError(
      expect.objectContaining({ message: '~/.codex/config.toml has no Lightweight setup.', hint: 'Run npx lightweight-setup first.', exitCode: 2 }),
    );
  });

  it('a provider table without base_url gets one', () => {
    expect(planBaseUrlSwitch('model_provider = "lightweight"\n[model_providers.lightweight]\nname = "L"\n', 'c', PROD)).toBe(`model_provider = "lightweight"\n[model_providers.lightweight]\nname = "L"\nbase_url = "${PROD}"\n`);
  });

  it('the catalog key: added, kept, or a catalog of the user\'s own refused', () => {
    expect(planCatalogKey('model = "o3"\n', 'c')).toBe('model = "o3"\nmodel_catalog_json = "lightweight-models.json"\n');
    expect(planCatalogKey('model_catalog_json = "lightweight-models.json"\n', 'c')).toBe('model_catalog_json = "lightweight-models.json"\n');
    expect(() => planCatalogKey('model_catalog_json = "mine.json"\n', '~/.codex/config.toml')).toThrowError(
      expect.objectContaining({
        message: '~/.codex/config.toml sets model_catalog_json = "mine.json", a catalog of your own.',
        hint: "Run npx lightweight-setup to replace it with the gateway's models (npx lightweight-setup uninstall puts yours back); nothing was changed.",
      }),
    );
  });
});
