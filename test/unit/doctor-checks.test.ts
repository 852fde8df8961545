import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import {
  baseUrlCheck,
  codexChecks,
  configChecks,
  connectivityCheck,
  keyChecks,
  modelCheck,
  reconcile,
  type Check,
  type KeyFacts,
} from '../../src/doctor/checks.js';
import { renderJson, renderText } from '../../src/doctor/render.js';
import { scanToml } from '../../src/toml/scan.js';
import type { CheckVerdict } from '../../src/gateway/classify.js';

const P = '~/.codex/config.toml';
const cfg = (text: string) => configChecks({ path: P, exists: true, parsed: parse(text) as Record<string, unknown>, doc: scanToml(text) });
const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id);

const PROVIDER = `model = "gpt-5.4"
model_provider = "lightweight"

[model_providers.lightweight]
name = "Lightweight API"
base_url = "https://api.lightweight.one/v1"
env_key = "LIGHTWEIGHT_API_KEY"
wire_api = "responses"
`;

describe('config checks', () => {
  it.each([
    ['the provider-table layout', PROVIDER, 'pass', /provider-table layout/],
    ['the base-URL layout', 'model = "o3"\nopenai_base_url = "https://api.lightweight.one/v1"\n', 'pass', /base-URL layout/],
    ['base URL with model_provider = "openai"', 'model_provider = "openai"\nopenai_base_url = "https://api.lightweight.one/v1"\n', 'pass', /base-URL layout/],
    ['both layouts', `openai_base_url = "https://x/v1"\n${PROVIDER}`, 'warn', /provider-table/],
    ['base URL plus an unused provider table', 'openai_base_url = "https://api.lightweight.one/v1"\n[model_providers.lightweight]\nname = "L"\n', 'warn', /base-URL layout/],
    ['model_provider without its table', 'model_provider = "lightweight"\n', 'fail', /not defined/],
    ['model_provider pointing at nothing', 'model_provider = "acme"\n', 'fail', /"acme" points at a provider that is not defined/],
    ['another provider in use', 'model_provider = "acme"\n[model_providers.acme]\nname = "A"\n', 'fail', /No Lightweight setup: Codex uses the "acme" provider/],
    ['a table that is not selected', '[model_providers.lightweight]\nname = "L"\nbase_url = "https://api.lightweight.one/v1"\n', 'fail', /defined but not selected/],
    ['nothing at all', 'approval_policy = "never"\n', 'fail', /No Lightweight setup/],
  ])('%s', (_name, text, status, title) => {
    const c = byId(cfg(text), 'config')!;
    expect(c.status).toBe(status);
    expect(c.title).toMatch(title);
    if (status !== 'pass') expect(c.fix).not.toBe('');
  });

  it('names the line of a half-present layout', () => {
    const c = byId(cfg(`${PROVIDER}\n`.replace('model = "gpt-5.4"\n', 'model = "gpt-5.4"\nopenai_base_url = "https://x/v1"\n')), 'config')!;
    expect(c.fix).toBe(`Delete openai_base_url at ${P}:2, so only one layout is present.`);
  });

  it('fails a missing file and an unparsable one', () => {
    expect(configChecks({ path: P, exists: false })).toEqual([expect.objectContaining({ id: 'config', status: 'fail', fix: 'Run npx lightweight-setup.' })]);
    const bad = configChecks({ path: P, exists: true, error: `${P}:3:5: invalid TOML: invalid value` });
    expect(bad[0]).toMatchObject({ id: 'config', status: 'fail', detail: `${P}:3:5: invalid TOML: invalid value` });
  });

  it('wire_api = "chat" is one finding, the setting Codex refuses, not two', () => {
    const checks = cfg(PROVIDER.replace('wire_api = "responses"\n', 'wire_api = "chat"\n'));
    expect(byId(checks, 'wire-api')).toBeUndefined();
    expect(checks.filter((c) => /wire_api/.test(`${c.id} ${c.title}`))).toEqual([
      expect.objectContaining({ id: 'codex-refuses:model_providers.lightweight.wire_api', status: 'fail' }),
    ]);
  });

  it.each([
    ['', 'fail', /not set/],
    ['wire_api = "responses"', 'pass', /responses/],
  ])('wire_api: %j', (line, status, title) => {
    const text = PROVIDER.replace('wire_api = "responses"\n', line ? `${line}\n` : '');
    expect(byId(cfg(text), 'wire-api')).toMatchObject({ status, title: expect.stringMatching(title) });
  });

  it.each([
    ['profile = "work"\n', 'codex-refuses:profile', `${P}:1`],
    ['[model_providers.openai]\nname = "x"\n', 'codex-refuses:model_providers.openai', `${P}:10`],
    ['[model_providers.x]\nname = "x"\nwire_api = "chat"\n', 'codex-refuses:model_providers.x.wire_api', `${P}:12`],
  ])('a setting Codex refuses fails with its key and line: %j', (extra, id, where) => {
    const text = extra.startsWith('profile') ? extra + PROVIDER : `${PROVIDER}\n${extra}`;
    const c = byId(cfg(text), id)!;
    expect(c.status).toBe('fail');
    expect(`${c.detail} ${c.fix}`).toContain(where);
  });

  it('warns when no top-level model is set', () => {
    expect(byId(cfg(PROVIDER.replace('model = "gpt-5.4"\n', '')), 'model-set')).toMatchObject({ status: 'warn' });
  });
});

describe('base URL check', () => {
  it.each([
    ['https://api.lightweight.one/v1', 'pass', /production/],
    ['https://preview.api.lightweight.one/v1/', 'pass', /preview/],
    ['https://gw.corp.example/openai/v1', 'pass', /custom/],
    ['https://api.lightweight.one', 'fail', /does not end in \/v1/],
    ['https://gw.corp.example/api', 'warn', /does not end in \/v1/],
    ['http://api.lightweight.one/v1', 'fail', /not usable/],
    ['https://eu.lightweight.one/v1', 'warn', /custom/],
    [undefined, 'fail', /No base URL/],
  ])('%s -> %s', (url, status, title) => {
    const c = baseUrlCheck(url, `${P}:6`);
    expect(c.status).toBe(status);
    expect(c.title).toMatch(title);
  });

  it('gives the corrected URL for a missing /v1', () => {
    expect(baseUrlCheck('https://api.lightweight.one/', `${P}:6`).fix).toContain('https://api.lightweight.one/v1');
  });
});

const K1 = 'sk-lw-aaaaaaaaaaaa1111';
const K2 = 'sk-lw-bbbbbbbbbbbb2222';
const facts = (over: Partial<KeyFacts>): KeyFacts => ({
  layout: 'model-providers',
  keyFile: { path: '~/.config/lightweight/env', exists: true, key: K1, mode: 0o600 },
  rc: { path: '~/.bashrc', shell: 'bash', sourcesKeyFile: true, sourceCmd: 'source ~/.bashrc' },
  auth: { path: '~/.codex/auth.json', state: { kind: 'none' } },
  platform: 'linux',
  guiHasKey: false,
  ...over,
});

describe('key checks', () => {
  it.each([
    ['set and stored, the same', { envKey: K1 }, 'pass', /set \(\*\*\*\*1111\) and stored/],
    ['a stale terminal after a key change', { envKey: K2 }, 'warn', /old key \(\*\*\*\*2222\); new shells get \*\*\*\*1111/],
    ['stored, loaded by the rc file, not in this shell', {}, 'warn', /not set in this shell/],
    ['stored but no rc file loads it', { rc: { path: '~/.bashrc', shell: 'bash', sourcesKeyFile: false, sourceCmd: 'source ~/.bashrc' } }, 'fail', /no startup file/],
    ['in this shell only', { envKey: K2, keyFile: { path: '~/.config/lightweight/env', exists: false } }, 'warn', /this shell only/],
    ['nowhere', { keyFile: { path: '~/.config/lightweight/env', exists: false } }, 'fail', /not set and no key is stored/],
    ['base URL, key in the login store', { layout: 'openai-base-url', auth: { path: 'a', state: { kind: 'apikey', apiKey: K1 } } }, 'pass', /login store/],
    ['base URL, a ChatGPT login', { layout: 'openai-base-url', auth: { path: 'a', state: { kind: 'chatgpt' } } }, 'fail', /ChatGPT login/],
    ['base URL, an empty login store', { layout: 'openai-base-url' }, 'fail', /No key in Codex's login store/],
    ['base URL, login store and key file differ', { layout: 'openai-base-url', auth: { path: 'a', state: { kind: 'apikey', apiKey: K2 } } }, 'warn', /different key/],
  ] as Array<[string, Partial<KeyFacts>, string, RegExp]>)('%s', (_name, over, status, title) => {
    const c = byId(keyChecks(facts(over)), 'api-key')!;
    expect(c.status).toBe(status);
    expect(c.title).toMatch(title);
    expect(JSON.stringify(c)).not.toContain(K1);
    expect(JSON.stringify(c)).not.toContain(K2);
  });

  it('the missing-in-this-shell fix is a new terminal or sourcing the rc file', () => {
    expect(byId(keyChecks(facts({})), 'api-key')!.fix).toBe('Open a new terminal, or run: source ~/.bashrc.');
  });

  it.each([
    [0o600, 'pass'],
    [0o644, 'fail'],
    [0o640, 'fail'],
  ])('key file mode %o -> %s', (mode, status) => {
    const c = byId(keyChecks(facts({ keyFile: { path: 'f', exists: true, key: K1, mode } })), 'key-file')!;
    expect(c.status).toBe(status);
    if (status === 'fail') expect(c.fix).toBe('chmod 600 f');
  });

  it.each([
    ['linux', false, 'warn', /^Have Codex read the key file \(Codex 0\.118 or newer\): npx lightweight-setup --key-source file\. Otherwise: start the editor .*environment\.d/],
    ['darwin', false, 'warn', /^Have Codex read the key file \(Codex 0\.118 or newer\): npx lightweight-setup --key-source file\. Otherwise: start the editor from a terminal \(code \.\).*--layout openai-base-url/],
    ['linux', true, 'pass', /^$/],
  ] as const)('GUI editors on %s (desktop has key: %s) -> %s', (platform, guiHasKey, status, fix) => {
    const c = byId(keyChecks(facts({ platform, guiHasKey })), 'gui-editors')!;
    expect(c.status).toBe(status);
    expect(c.fix).toMatch(fix);
  });

  it('GUI editors are fine with the base-URL layout', () => {
    expect(byId(keyChecks(facts({ layout: 'openai-base-url' })), 'gui-editors')!.status).toBe('pass');
  });
});

describe('gateway checks', () => {
  const ok: CheckVerdict = { ok: true, latencyMs: 5, models: ['gpt-5.4', 'o3'], summary: 'The gateway at h answered in 5 ms with 2 models.' };
  const bad: CheckVerdict = { ok: false, cause: 'rate-limit', summary: 'limited.', fix: 'Wait 3 s.', latencyMs: 1, retryAfterSeconds: 3 };

  it('carries the cause when connectivity fails', () => {
    expect(connectivityCheck(bad, 'https://x/v1', 'k')).toMatchObject({ id: 'connectivity', status: 'fail', cause: 'rate-limit', fix: 'Wait 3 s.' });
    expect(connectivityCheck(ok, 'https://x/v1', 'k')).toMatchObject({ status: 'pass' });
    expect(connectivityCheck(ok, 'https://x/v1', 'k').cause).toBeUndefined();
    expect(connectivityCheck({ skipped: 'no key' }, undefined, undefined)).toMatchObject({ status: 'skip' });
  });

  it('reports the proxy it went through, as Codex picks it, or the NO_PROXY entry that sends it directly', () => {
    expect(connectivityCheck({ ...ok, route: { proxy: { shown: 'http://p:3128', variable: 'https_proxy' } } }, 'https://x/v1', 'k').detail).toBe(
      'GET https://x/v1/models (key from k; through the proxy http://p:3128 (https_proxy, as Codex picks it)).',
    );
    expect(connectivityCheck({ ...ok, route: { exemptedBy: { variable: 'NO_PROXY', entry: 'x', proxy: 'http://p:3128' } } }, 'https://x/v1', 'k').detail).toBe(
      'GET https://x/v1/models (key from k; directly: NO_PROXY exempts it from the proxy, for Codex too).',
    );
  });

  it('warns when the gateway answered directly but Codex would go through a proxy', () => {
    const v: CheckVerdict = { ...ok, routeWarning: { summary: 'Codex sends it through the proxy.', fix: 'Add 127.0.0.1 to NO_PROXY.' } };
    expect(connectivityCheck(v, 'http://127.0.0.1:9/v1', 'k')).toMatchObject({ status: 'warn', title: 'The gateway at h answered in 5 ms with 2 models, but not the way Codex goes', fix: 'Add 127.0.0.1 to NO_PROXY.' });
  });

  it.each([
    ['gpt-5.4', ok, 'pass'],
    ['gpt5.4', ok, 'pass'],
    ['o4-mini', ok, 'fail'],
    ['o3', bad, 'skip'],
    [undefined, ok, 'skip'],
  ] as const)('model %s -> %s', (model, v, status) => {
    expect(modelCheck(model, v).status).toBe(status);
  });

  it('names the closest served models when the configured one is missing', () => {
    const c = modelCheck('gpt-5.4-mini', ok);
    expect(c.detail).toContain('closest: gpt-5.4');
    expect(c.fix).toContain('model = "gpt-5.4"');
  });
});

describe('Codex checks', () => {
  it('fails when Codex is missing, with the install command', () => {
    expect(codexChecks({}, P)[0]).toMatchObject({ id: 'codex', status: 'fail', fix: 'npm install -g @openai/codex' });
  });

  it('surfaces codex doctor findings', () => {
    const checks = codexChecks(
      {
        path: '/bin/codex',
        version: '0.171.0',
        doctor: {
          'config.load': { status: 'fail', summary: 'config could not be loaded', remediation: 'Fix it.', details: { file: '/h/.codex/config.toml', line: '24', column: '7', error: 'invalid configuration' } },
          'auth.credentials': { status: 'fail', summary: 'active model provider auth env var is missing', remediation: 'Open a new terminal.', details: { 'provider auth env var': 'LIGHTWEIGHT_API_KEY (missing)' } },
        },
      },
      P,
    );
    expect(byId(checks, 'codex')).toMatchObject({ status: 'pass', title: 'Codex 0.171.0 is installed' });
    expect(byId(checks, 'codex-config')).toMatchObject({ status: 'fail', title: expect.stringContaining('/h/.codex/config.toml:24:7') });
    expect(byId(checks, 'codex-auth')).toMatchObject({ status: 'fail', fix: 'Open a new terminal.', detail: expect.stringContaining('LIGHTWEIGHT_API_KEY (missing)') });
  });

  it('a missing variable that a new terminal would provide is a warning, as api-key says', () => {
    const auth: Check = { id: 'codex-auth', group: 'codex', status: 'fail', title: 'x', detail: 'codex doctor: missing (provider auth env var: LIGHTWEIGHT_API_KEY (missing)).', fix: 'f' };
    const stored: Check = { id: 'api-key', group: 'key', status: 'warn', title: 'LIGHTWEIGHT_API_KEY is not set in this shell', detail: '', fix: 'Open a new terminal.' };
    expect(reconcile([auth, stored])[0]).toMatchObject({ status: 'warn', fix: 'Open a new terminal.' });
    const nowhere: Check = { ...stored, status: 'fail', title: 'LIGHTWEIGHT_API_KEY is not set and no key is stored' };
    expect(reconcile([auth, nowhere])[0]!.status).toBe('fail');
  });

  const withLoad = (load: object, exists = true) => byId(codexChecks({ path: '/bin/codex', version: '0.171.0', doctor: { 'config.load': load as never } }, P, exists), 'codex-config')!;

  it('a warning from Codex is a warning in Codex\'s own words, not "cannot load"', () => {
    const c = withLoad({
      status: 'warning',
      summary: 'config loaded',
      remediation: null,
      details: { 'startup warning': 'Codex is ignoring 3 unrecognized configuration settings. Check for typos or deprecated settings.\n  user (/h/.codex/config.toml): `history.web_search` is ignored.' },
    });
    expect(c).toMatchObject({
      status: 'warn',
      title: 'Codex loads config.toml, with a warning',
      detail: 'codex doctor: Codex is ignoring 3 unrecognized configuration settings. Check for typos or deprecated settings. user (/h/.codex/config.toml): `history.web_search` is ignored.',
      fix: `Codex still runs; to silence the warning, edit ${P} as it says.`,
    });
    expect(c.title).not.toMatch(/cannot load/);
  });

  it('a missing config.toml is not a second finding', () => {
    expect(withLoad({ status: 'ok', summary: 'config loaded', details: { 'config.toml': ['/h/.codex/config.toml', 'missing'] } }, false)).toMatchObject({ status: 'skip' });
    expect(withLoad({ status: 'fail', summary: 'x', details: { error: 'entity not found' } }, false)).toMatchObject({ status: 'skip' });
  });

  it('never passes on Codex\'s <redacted> remediation', () => {
    const checks = codexChecks(
      { path: '/bin/codex', doctor: { 'auth.credentials': { status: 'fail', summary: 'active model provider auth env var is missing', remediation: '<redacted>', details: {} } } },
      P,
    );
    expect(byId(checks, 'codex-auth')!.fix).toBe('Run npx lightweight-setup.');
    expect(withLoad({ status: 'fail', summary: 'config could not be loaded', remediation: '<redacted>', details: { error: 'invalid data' } }).fix).toBe(
      `Fix ${P} (see the findings below), then run npx lightweight-setup doctor again.`,
    );
  });

  it('skips what an old Codex cannot report', () => {
    const checks = codexChecks({ path: '/bin/codex', version: '0.100.0', doctorError: 'not available' }, P);
    expect(byId(checks, 'codex-config')!.status).toBe('skip');
  });
});

describe('rendering', () => {
  const checks: Check[] = [
    { id: 'codex', group: 'codex', status: 'pass', title: 'Codex 0.171.0 is installed', detail: '/bin/codex', fix: '' },
    { id: 'api-key', group: 'key', status: 'warn', title: 'Not in this shell', detail: 'Stored.', fix: 'Open a new terminal.' },
    { id: 'connectivity', group: 'gateway', status: 'fail', title: 'Gateway check failed (auth)', detail: 'HTTP 401.', fix: 'Copy the key again.', cause: 'auth' },
  ];

  it('groups checks, lists fixes and ends with a total', () => {
    expect(renderText(checks)).toBe(
      [
        'Codex',
        '  [ok] Codex 0.171.0 is installed',
        '',
        'Key',
        '  [warn] Not in this shell: Stored',
        '',
        'Gateway',
        '  [fail] Gateway check failed (auth): HTTP 401',
        '',
        'To fix',
        '  [fail] Gateway check failed (auth) — Copy the key again.',
        '  [warn] Not in this shell — Open a new terminal.',
        '',
        'Problems found: 1 passed, 1 warning, 1 failed.',
        '',
      ].join('\n'),
    );
  });

  it('problems with the same fix share one line in "To fix", under the first one\'s symbol', () => {
    const same: Check[] = [
      { id: 'config', group: 'configuration', status: 'fail', title: 'No Lightweight setup', detail: '', fix: 'Run lightweight setup.' },
      { id: 'api-key', group: 'key', status: 'fail', title: 'No key stored', detail: '', fix: 'Run lightweight setup.' },
      { id: 'gui-editors', group: 'key', status: 'warn', title: 'Editors will not see the key', detail: '', fix: 'Run lightweight setup.' },
      { id: 'codex', group: 'codex', status: 'warn', title: 'Codex is old', detail: '', fix: '' },
      { id: 'codex-daemon', group: 'codex', status: 'warn', title: 'Something else', detail: '', fix: '' },
    ];
    const toFix = renderText(same).split('To fix\n')[1]!.split('\n\n')[0]!.split('\n');
    expect(toFix).toEqual([
      '  [fail] No Lightweight setup; No key stored; Editors will not see the key — Run lightweight setup.',
      '  [warn] Codex is old — see above',
      '  [warn] Something else — see above',
    ]);
  });

  it('in a terminal, wraps a long line between words and continues it under its own text', () => {
    const long: Check[] = [
      { id: 'key-file', group: 'key', status: 'pass', title: 'Key file ~/.config/lightweight/env is private (0600, in a directory only you can write to)', detail: '', fix: '' },
      { id: 'live', group: 'gateway', status: 'fail', title: 'A real request failed', detail: 'the gateway does not serve the Responses API at this URL', fix: 'Check the base URL: npx lightweight-setup --base-url https://gateway.internal.example.com/openai/v1' },
    ];
    const text = renderText(long, { pass: '✓', warn: '⚠', fail: '✗', skip: '-' }, (s) => s, 40);
    expect(text.split('\n').slice(0, 5)).toEqual(['Key', '  ✓ Key file ~/.config/lightweight/env', '    is private (0600, in a directory', '    only you can write to)', '']);
    // A word longer than the line (a URL) stays whole, so it can still be copied.
    expect(text.split('\n').filter((l) => l.startsWith('  ') && l.length > 40)).toEqual(['    https://gateway.internal.example.com/openai/v1']);
    // Unwrapped (not a terminal), every check stays on one line, for grep.
    expect(renderText(long).split('\n')[1]).toBe('  [ok] Key file ~/.config/lightweight/env is private (0600, in a directory only you can write to)');
  });

  it('prints the documented JSON shape', () => {
    expect(JSON.parse(renderJson(checks))).toEqual({
      ok: false,
      checks: [
        { id: 'codex', status: 'pass', title: 'Codex 0.171.0 is installed', detail: '/bin/codex', fix: '' },
        { id: 'api-key', status: 'warn', title: 'Not in this shell', detail: 'Stored.', fix: 'Open a new terminal.' },
        { id: 'connectivity', status: 'fail', title: 'Gateway check failed (auth)', detail: 'HTTP 401.', fix: 'Copy the key again.', cause: 'auth' },
      ],
    });
    expect(JSON.parse(renderJson(checks.slice(0, 2))).ok).toBe(true);
  });
});
