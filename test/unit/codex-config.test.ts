import { describe, expect, it } from 'vitest';
import iarna from '@iarna/toml';
import { parse } from 'smol-toml';
import { activeLayout, planBaseUrlSwitch, planCodexConfig, planUninstallConfig, refusedSettings, type ConfigWant } from '../../src/codex/config.js';
import { CliError } from '../../src/errors.js';
import { parseToml } from '../../src/toml/parse.js';
import { scanToml } from '../../src/toml/scan.js';

const PROD = 'https://api.lightweight.one/v1';
const INSTR = 'Open a new terminal';
const AUTH = { command: '/bin/sh', args: ['-c', 'f="$HOME/.config/lightweight/env"; . "$f"; printf %s "$LIGHTWEIGHT_API_KEY"'] };
/** The gateway page's table (key source `env`): what these layout tests were written against. */
const providers: ConfigWant = { layout: 'model-providers', model: 'gpt-5.4', baseUrl: PROD, keySource: 'env', authCommand: AUTH, envKeyInstructions: INSTR };
const baseUrl: ConfigWant = { ...providers, layout: 'openai-base-url' };

const TABLE = [
  '[model_providers.lightweight]',
  'name = "Lightweight API"',
  `base_url = "${PROD}"`,
  'env_key = "LIGHTWEIGHT_API_KEY"',
  `env_key_instructions = "${INSTR}"`,
  'wire_api = "responses"',
].join('\n');

const plan = (text: string, want: ConfigWant = providers) => planCodexConfig(text, 'config.toml', want);
const after = (text: string, want: ConfigWant = providers) => plan(text, want).after;

describe('provider-table layout', () => {
  it.each([
    ['an empty file', '', `model = "gpt-5.4"\nmodel_provider = "lightweight"\n\n${TABLE}\n`],
    ['a file with only a comment', '# mine\n', `# mine\nmodel = "gpt-5.4"\nmodel_provider = "lightweight"\n\n${TABLE}\n`],
    [
      'top-level keys with trailing comments',
      'model = "o3" # fav\napproval_policy = "never"\n',
      `model = "gpt-5.4" # fav\napproval_policy = "never"\nmodel_provider = "lightweight"\n\n${TABLE}\n`,
    ],
    ["a literal-quoted model keeps its quotes", "model = 'o3'\n", `model = 'gpt-5.4'\nmodel_provider = "lightweight"\n\n${TABLE}\n`],
    [
      'no top-level keys: new keys go before the first table and its comments',
      '# header\n\n# about tui\n[tui]\nx = 1\n',
      `# header\n\nmodel = "gpt-5.4"\nmodel_provider = "lightweight"\n\n# about tui\n[tui]\nx = 1\n\n${TABLE}\n`,
    ],
    [
      'no final newline stays missing',
      'approval_policy = "never"',
      `approval_policy = "never"\nmodel = "gpt-5.4"\nmodel_provider = "lightweight"\n\n${TABLE}`,
    ],
    [
      'a file ending in an array of tables',
      '[[hooks]]\ncmd = "a"\n',
      `model = "gpt-5.4"\nmodel_provider = "lightweight"\n\n[[hooks]]\ncmd = "a"\n\n${TABLE}\n`,
    ],
    [
      'a file ending in a blank line gets one more, so that removing the table restores it exactly',
      'model = "gpt-5.4"\nmodel_provider = "lightweight"\n\n',
      `model = "gpt-5.4"\nmodel_provider = "lightweight"\n\n\n${TABLE}\n`,
    ],
  ])('%s', (_name, input, expected) => {
    expect(after(input)).toBe(expected);
  });

  it('keeps CRLF line endings on every line it writes', () => {
    const out = after('# c\r\napproval_policy = "never"\r\n\r\n[tui]\r\nx = 1\r\n');
    expect(out).toBe(`# c\r\napproval_policy = "never"\r\nmodel = "gpt-5.4"\r\nmodel_provider = "lightweight"\r\n\r\n[tui]\r\nx = 1\r\n\r\n${TABLE.replace(/\n/g, '\r\n')}\r\n`);
  });

  it('updates an existing provider table where it stands and keeps unknown fields and comments', () => {
    const input = [
      'model = "o3"',
      'model_provider = "lightweight"',
      '',
      '[model_providers.lightweight] # mine',
      '  name = "Lightweight API"',
      '  base_url = "https://old.example/v1"   # old',
      '  request_max_retries = 4',
      '',
      '# ollama next',
      '[model_providers.ollama2]',
      'name = "x"',
      '',
    ].join('\n');
    expect(after(input)).toBe(
      [
        'model = "gpt-5.4"',
        'model_provider = "lightweight"',
        '',
        '[model_providers.lightweight] # mine',
        '  name = "Lightweight API"',
        `  base_url = "${PROD}"   # old`,
        '  request_max_retries = 4',
        '  env_key = "LIGHTWEIGHT_API_KEY"',
        `  env_key_instructions = "${INSTR}"`,
        '  wire_api = "responses"',
        '',
        '# ollama next',
        '[model_providers.ollama2]',
        'name = "x"',
        '',
      ].join('\n'),
    );
  });

  it('updates an inline-table provider in place', () => {
    const input = '[model_providers]\nlightweight = { name = "Lightweight API", base_url = "http://x/v1", request_max_retries = 2 } # keep\n';
    expect(after(input)).toBe(
      `model = "gpt-5.4"\nmodel_provider = "lightweight"\n\n[model_providers]\nlightweight = { name = "Lightweight API", base_url = "${PROD}", request_max_retries = 2, env_key = "LIGHTWEIGHT_API_KEY", env_key_instructions = "${INSTR}", wire_api = "responses" } # keep\n`,
    );
  });

  it('updates a multi-line (TOML 1.1) inline provider with a trailing comma', () => {
    const input = 'model_providers.lightweight = {\n  name = "Lightweight API",\n  base_url = "http://x/v1",\n}\n';
    expect(after(input)).toBe(
      `model_providers.lightweight = {\n  name = "Lightweight API",\n  base_url = "${PROD}",\n  env_key = "LIGHTWEIGHT_API_KEY",\n  env_key_instructions = "${INSTR}",\n  wire_api = "responses",\n}\nmodel = "gpt-5.4"\nmodel_provider = "lightweight"\n`,
    );
  });

  it('updates a provider written as dotted keys under [model_providers]', () => {
    const input = '[model_providers]\nlightweight.name = "Lightweight API"\nlightweight.base_url = "http://x/v1"\nother.name = "o"\n';
    expect(after(input)).toBe(
      `model = "gpt-5.4"\nmodel_provider = "lightweight"\n\n[model_providers]\nlightweight.name = "Lightweight API"\nlightweight.base_url = "${PROD}"\nlightweight.env_key = "LIGHTWEIGHT_API_KEY"\nlightweight.env_key_instructions = "${INSTR}"\nlightweight.wire_api = "responses"\nother.name = "o"\n`,
    );
  });

  it('adds the provider inside a model_providers inline table instead of a header Codex would reject', () => {
    const input = 'model_providers = { ollama2 = { name = "o" } }\n';
    const out = after(input);
    expect(out).toBe(
      `model_providers = { ollama2 = { name = "o" }, lightweight = { name = "Lightweight API", base_url = "${PROD}", env_key = "LIGHTWEIGHT_API_KEY", env_key_instructions = "${INSTR}", wire_api = "responses" } }\nmodel = "gpt-5.4"\nmodel_provider = "lightweight"\n`,
    );
  });

  it('removes an auth command table next to env_key and says so', () => {
    const input = `model_provider = "lightweight"\n\n${TABLE}\n\n[model_providers.lightweight.auth]\ncommand = "sh"\nargs = ["-c", "x"]\n\n[tui]\nx = 1\n`;
    const p = plan(input);
    expect(p.after).toBe(`model_provider = "lightweight"\nmodel = "gpt-5.4"\n\n${TABLE}\n\n[tui]\nx = 1\n`);
    expect(p.notes.join('\n')).toMatch(/Removed model_providers\.lightweight\.auth \(config\.toml:\d+\)/);
  });

  it('removes an inline auth entry', () => {
    const input = `[model_providers.lightweight]\nauth = { command = "sh" }\nname = "Lightweight API"\n`;
    expect(after(input)).not.toMatch(/auth/);
  });

  it('leaves multi-line strings that look like TOML alone', () => {
    const input = 'notes = """\nmodel = "o3"\n[model_providers.lightweight]\nbase_url = "x"\n"""\nliteral = \'\'\'\nmodel_provider = "y"\n\'\'\'\n';
    const out = after(input);
    expect(out.startsWith(input.trimEnd())).toBe(true);
    expect(parse(out)).toMatchObject({ notes: 'model = "o3"\n[model_providers.lightweight]\nbase_url = "x"\n', model: 'gpt-5.4' });
  });

  it('removes openai_base_url when switching to the provider table', () => {
    const p = plan('model = "gpt-5.4"\nopenai_base_url = "https://api.lightweight.one/v1"\n');
    expect(p.after).toBe(`model = "gpt-5.4"\nmodel_provider = "lightweight"\n\n${TABLE}\n`);
    expect(p.notes.join()).toMatch(/Removed openai_base_url/);
  });

  it('records the top-level values it replaces', () => {
    expect(plan('model = "o3"\nmodel_provider = "ollama"\n').previous).toEqual({ model: 'o3', model_provider: 'ollama' });
  });
});

describe('base-URL layout', () => {
  it.each([
    ['an empty file', '', `model = "gpt-5.4"\nopenai_base_url = "${PROD}"\n`],
    [
      'switching from the provider table removes it and its blank line',
      `# top\nmodel = "gpt-5.4"\nmodel_provider = "lightweight"\n\n${TABLE}\n`,
      `# top\nmodel = "gpt-5.4"\nopenai_base_url = "${PROD}"\n`,
    ],
    [
      'a provider table in the middle goes, its neighbours stay',
      `model_provider = "lightweight"\n\n[a]\nx = 1\n\n${TABLE}\n\n# b\n[b]\ny = 2\n`,
      `model = "gpt-5.4"\nopenai_base_url = "${PROD}"\n\n[a]\nx = 1\n\n# b\n[b]\ny = 2\n`,
    ],
    [
      'an inline provider among others loses only its own entry',
      '[model_providers]\nx = { name = "x" }\nlightweight = { name = "L" }\ny = { name = "y" }\n',
      `model = "gpt-5.4"\nopenai_base_url = "${PROD}"\n\n[model_providers]\nx = { name = "x" }\ny = { name = "y" }\n`,
    ],
    [
      'a nested inline provider loses only its own entry',
      'model_providers = { a = { name = "a" }, lightweight = { name = "L" } }\n',
      `model_providers = { a = { name = "a" } }\nmodel = "gpt-5.4"\nopenai_base_url = "${PROD}"\n`,
    ],
    [
      'no final newline stays missing when the last table goes',
      `x = 1\n\n${TABLE}`,
      `x = 1\nmodel = "gpt-5.4"\nopenai_base_url = "${PROD}"`,
    ],
  ])('%s', (_name, input, expected) => {
    expect(after(input, baseUrl)).toBe(expected);
  });
});

describe('round trips and safety', () => {
  const samples = [
    '',
    '# only a comment',
    'model = "o3"\r\n[tui]\r\nnotifications = true\r\n',
    '[mcp_servers.docs]\ncommand = "npx"\nargs = ["-y", "docs-mcp"] # trailing\nenv = { TOKEN = "t" }\n\n[projects."/home/me/app"]\ntrust_level = "trusted"\n',
    '[[hooks]]\ncmd = "a"\n[[hooks]]\ncmd = "b"',
    'when = 1979-05-27 07:32:00Z\n"quoted key" = 1\n\'lit key\' = 2\nunicode = "é"\n',
  ];

  it.each(samples)('planning twice changes nothing the second time (%#)', (input) => {
    for (const want of [providers, baseUrl]) {
      const once = after(input, want);
      expect(after(once, want)).toBe(once);
    }
  });

  it.each(samples)('switching layouts back and forth settles on the same text (%#)', (input) => {
    const p1 = after(input, providers);
    const b1 = after(p1, baseUrl);
    expect(after(after(b1, providers), baseUrl)).toBe(b1);
    expect(after(b1, providers)).toBe(p1);
  });

  it.each(samples)('keeps every value it does not own, and the result is still TOML 1.0 for other tools (%#)', (input) => {
    const out = after(input);
    const before = parse(input) as Record<string, unknown>;
    const now = parse(out) as Record<string, unknown>;
    for (const k of Object.keys(before)) if (!['model', 'model_provider', 'model_providers'].includes(k)) expect(now[k]).toEqual(before[k]);
    expect(activeLayout(now)).toBe('model-providers');
    expect(() => iarna.parse(out)).not.toThrow();
  });

  it('refuses invalid TOML with file:line:column', () => {
    expect(() => plan('a = 1\nb = \n')).toThrowError(/^config\.toml:2:5: invalid TOML/);
    expect(() => plan('[a]\nx=1\n[a]\n')).toThrowError(CliError);
  });

  it('refuses rather than writes when the provider is not a table', () => {
    expect(() => plan('[model_providers]\nlightweight = "oops"\n')).toThrowError(/Could not edit config\.toml safely/);
  });
});

describe('settings Codex refuses to load', () => {
  it('setup refuses a config that would still hold one, naming file:line and the fix, rather than end with "Run: codex"', () => {
    const err = (() => {
      try {
        plan('profile = "fox"\n\n[profiles.fox]\nmodel = "o3"\n');
      } catch (e) {
        return e as CliError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(CliError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe('config.toml has a setting current Codex refuses to load (predicted: no installed Codex could be asked): Codex would not start after this setup, so nothing was written.');
    expect(err.details).toEqual([
      '  config.toml:1: a top-level profile = "fox" was removed from Codex and now stops it loading the file. Move the settings of [profiles.fox] into fox.config.toml and start Codex with --profile fox, then delete that line.',
    ]);
  });

  it('what setup itself mends is not refused: wire_api = "chat" and an auth command on its own provider', () => {
    expect(plan('[model_providers.lightweight]\nname = "L"\nwire_api = "chat"\n').after).toContain('wire_api = "responses"');
  });

  const refused = (text: string) => refusedSettings(scanToml(text), parse(text) as Record<string, unknown>, 'c.toml');
  it.each([
    ['profile = "work"\n', 'profile', 'c.toml:1'],
    ['[model_providers.x]\nname = "x"\nwire_api = "chat"\n', 'model_providers.x.wire_api', 'c.toml:3'],
    ['[model_providers.openai]\nname = "x"\n', 'model_providers.openai', 'c.toml:1'],
    ['[model_providers.x]\nname = ""\n', 'model_providers.x.name', 'c.toml:2'],
    ['[model_providers.x]\nname = "x"\nenv_key = "K"\n[model_providers.x.auth]\ncommand = "sh"\n', 'model_providers.x.auth', 'c.toml:4'],
  ])('%j', (text, key, where) => {
    expect(refused(text)).toEqual([expect.objectContaining({ key, where })]);
  });

  it('finds nothing wrong with what setup writes', () => {
    expect(refused(after('', providers))).toEqual([]);
    expect(refused(after('', baseUrl))).toEqual([]);
  });
});

describe('uninstall and URL switches', () => {
  const userConfigs = [
    '',
    '# only a comment',
    'approval_policy = "never"',
    '# head\n\n[tui]\nx = 1\n',
    "model = 'o3' # fav\nmodel_provider = \"ollama2\"\n\n[model_providers.ollama2]\nname = \"O\"\n",
    'model_provider = "ollama2"\r\n[model_providers.ollama2]\r\nname = "O"\r\n',
    'model = "o3"\n[[hooks]]\ncmd = "a"',
    'model_providers = { ollama2 = { name = "O" } }\n',
    '[model_providers]\nollama2 = { name = "O" }\n\n\n',
  ];
  const setupSequences: Array<Array<ConfigWant>> = [
    [providers],
    [baseUrl],
    [providers, baseUrl],
    [baseUrl, providers],
    [providers, { ...providers, model: 'o3' }, baseUrl, providers],
  ];

  it.each(userConfigs.flatMap((c, i) => setupSequences.map((seq, j) => [i, j, c, seq] as const)))('config %i, setup sequence %i, then uninstall: the same bytes', (_i, _j, original, seq) => {
    const first = plan(original, seq[0]);
    const previous = first.previous;
    let text = first.after;
    for (const want of seq.slice(1)) text = after(text, { ...want, userHadModelProvider: previous.model_provider !== undefined });
    expect(planUninstallConfig(text, 'config.toml', previous)).toBe(original);
  });

  it("puts back a user's own openai_base_url that the provider table replaced (where it fits now)", () => {
    const original = 'openai_base_url = "https://my-proxy.example/v1"\nmodel = "o3"\n[[hooks]]\ncmd = "a"';
    const first = plan(original, providers);
    expect(first.notes.join()).toMatch(/Removed openai_base_url/);
    expect(planUninstallConfig(first.after, 'c', first.previous)).toBe('model = "o3"\nopenai_base_url = "https://my-proxy.example/v1"\n[[hooks]]\ncmd = "a"');
  });

  it('without a record of what was there, removes only what points at Lightweight', () => {
    const text = after('model = "o3"\n', providers);
    expect(planUninstallConfig(text, 'c', undefined)).toBe('model = "gpt-5.4"\n');
    expect(planUninstallConfig('openai_base_url = "https://api.lightweight.one/v1"\nopenai_base_url2 = 1\n', 'c', undefined)).toBe('openai_base_url2 = 1\n');
    expect(planUninstallConfig('openai_base_url = "https://my-proxy.example/v1"\n', 'c', undefined)).toBe('openai_base_url = "https://my-proxy.example/v1"\n');
  });

  it('the base-URL layout points a user\'s own model_provider at "openai" in place, and says so', () => {
    const p = plan('model_provider = "ollama2" # mine\nmodel = "o3"\n', baseUrl);
    expect(p.after).toBe(`model_provider = "openai" # mine\nmodel = "gpt-5.4"\nopenai_base_url = "${PROD}"\n`);
    expect(p.notes.join()).toMatch(/was "ollama2".*puts "ollama2" back/);
  });

  it.each([providers, baseUrl])('a URL switch changes that one value; switching back gives the identical file (%#)', (want) => {
    const start = after(userConfigs[4]!, want);
    const preview = planBaseUrlSwitch(start, 'c', 'https://preview.api.lightweight.one/v1');
    expect(preview).toBe(start.replace(PROD, 'https://preview.api.lightweight.one/v1'));
    expect(planBaseUrlSwitch(preview, 'c', PROD)).toBe(start);
  });

  it('a URL switch keeps literal quoting', () => {
    expect(planBaseUrlSwitch(`model = "x"\nopenai_base_url = '${PROD}'\n`, 'c', 'https://preview.api.lightweight.one/v1')).toBe(
      "model = \"x\"\nopenai_base_url = 'https://preview.api.lightweight.one/v1'\n",
    );
  });

  it('a URL switch without a Lightweight setup is a usage error', () => {
    expect(() => planBaseUrlSwitch('model = "o3"\n', 'c', PROD)).toThrowError(/no Lightweight setup/);
  });
});

describe('the rules that stand in for an absent Codex follow what Codex 0.171 does', () => {
  const refused = (text: string) => refusedSettings(scanToml(text), parseToml(text, 'c'), 'c').map((r) => r.key);
  it.each([
    ['an amazon-bedrock table with only aws settings loads (a real config: profile and region)', '[model_providers.amazon-bedrock.aws]\nprofile = "dev"\nregion = "us-east-1"\n', []],
    ['base_url, auth and http_headers may be changed too', '[model_providers.amazon-bedrock]\nbase_url = "https://x"\nhttp_headers = { a = "b" }\n', []],
    ['a name is refused', '[model_providers.amazon-bedrock]\nname = "x"\n', ['model_providers.amazon-bedrock']],
    ['an unknown aws setting is refused', '[model_providers.amazon-bedrock.aws]\nprofile = "dev"\nrole = "x"\n', ['model_providers.amazon-bedrock']],
    ['openai is always refused', '[model_providers.openai]\nbase_url = "https://x"\n', ['model_providers.openai']],
  ])('%s', (_n, text, keys) => expect(refused(text)).toEqual(keys));

  it('with an installed Codex to ask, planning leaves the verdict to it', () => {
    expect(() => planCodexConfig('approval_policy = "untrusted"\nprofile = "x"\n', 'c', providers, { predictRefusals: false })).not.toThrow();
  });
});
