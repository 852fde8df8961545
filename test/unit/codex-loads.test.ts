/**
 * Codex's own refusal, as `codex features list` (Codex 0.171) prints it, turned into its reason and
 * the setting it names (for a file:line). Each input is the real output for a real refused config.
 */
import { describe, expect, it } from 'vitest';
import { loadFailure, verdictOf } from '../../src/codex/loads.js';
import { ownedByTool, refusalWhere } from '../../src/setup/codex-verdict.js';

const WARN = 'WARNING: proceeding, even though we could not create PATH aliases: Refusing to create helper binaries under temporary dir "/tmp"\n';

describe("Codex's reason for refusing a config", () => {
  it.each<[string, string, string, string[] | undefined]>([
    ['approval_policy', `${WARN}Error: failed to load configuration\n\nCaused by:\n    approval_policy = "untrusted" is no longer supported; remove this setting\n`, 'approval_policy = "untrusted" is no longer supported; remove this setting', ['approval_policy']],
    ['tui.theme', `${WARN}Error: failed to load bootstrap configuration\n\nCaused by:\n    invalid type: map, expected a string\n    in \`tui.theme\`\n    \n`, 'invalid type: map, expected a string', ['tui', 'theme']],
    ['wire_api', 'Error: failed to load bootstrap configuration\n\nCaused by:\n    `wire_api = "chat"` is no longer supported.\n    How to fix: set `wire_api = "responses"` in your provider config.\n    More info: https://github.com/openai/codex/discussions/7782\n    in `model_providers.x.wire_api`\n', '`wire_api = "chat"` is no longer supported. How to fix: set `wire_api = "responses"` in your provider config. More info: https://github.com/openai/codex/discussions/7782', ['model_providers', 'x', 'wire_api']],
    ['legacy profile', 'Error: failed to load configuration\n\nCaused by:\n    legacy `profile = "x"` config is no longer supported; use `--profile x` with `x.config.toml` instead\n', 'legacy `profile = "x"` config is no longer supported; use `--profile x` with `x.config.toml` instead', ['profile']],
    ['env_key with auth', 'Error: failed to load bootstrap configuration\n\nCaused by:\n    model_providers.lw: provider auth cannot be combined with env_key\n', 'model_providers.lw: provider auth cannot be combined with env_key', ['model_providers', 'lw']],
    ['login status form', 'Error loading configuration: approval_policy = "untrusted" is no longer supported; remove this setting\n', 'approval_policy = "untrusted" is no longer supported; remove this setting', ['approval_policy']],
    ['a missing catalog names no setting', 'Error: failed to load configuration\n\nCaused by:\n    No such file or directory (os error 2)\n', 'No such file or directory (os error 2)', undefined],
  ])('%s', (_n, stderr, reason, keyPath) => {
    const f = loadFailure(stderr);
    expect(f.reason).toBe(reason);
    expect(f.keyPath).toEqual(keyPath);
  });

  it('is bounded: a reason is a sentence or two', () => {
    expect(loadFailure(`Error: x\n\nCaused by:\n    ${'y'.repeat(5000)}\n`).reason).toHaveLength(600);
  });
});

describe('where a refusal is, and whose setting it is', () => {
  const text = 'model = "o3"\n\n[tui]\ntheme = { name = "x" }\n\n[model_providers.lightweight]\nwire_api = "chat"\n';
  it.each<[string[] | undefined, string]>([
    [['tui', 'theme'], '~/.codex/config.toml:4'],
    [['model_providers', 'lightweight', 'wire_api'], '~/.codex/config.toml:7'],
    [undefined, '~/.codex/config.toml'],
  ])('%j is at %s', (keyPath, where) => expect(refusalWhere(text, '~/.codex/config.toml', keyPath)).toBe(where));

  it.each<[string[], boolean]>([
    [['model'], true],
    [['model_catalog_json'], true],
    [['model_providers', 'lightweight', 'wire_api'], true],
    [['model_providers', 'lightweight'], true],
    [['model_providers', 'acme', 'wire_api'], false],
    [['approval_policy'], false],
    [['tui', 'theme'], false],
  ])('%j is the tool\'s own: %s', (keyPath, owned) => expect(ownedByTool(keyPath)).toBe(owned));
});

describe("Codex's exit as a verdict", () => {
  it.each([
    ['loads', { code: 0, stderr: '' }, { asked: true, loads: true }],
    ['a refusal Codex printed', { code: 1, stderr: 'Error: failed to load configuration\n\nCaused by:\n    approval_policy = "untrusted" is no longer supported\n' }, { asked: true, loads: false }],
    ['killed by a signal', { code: null, stderr: '' }, { asked: false }],
    ['out of time', { code: null, timedOut: true, stderr: '' }, { asked: false }],
    ['an older Codex without the subcommand', { code: 2, stderr: "error: unrecognized subcommand 'features'\n\nUsage: codex [OPTIONS]" }, { asked: false }],
    ['a crash (a Wine fault), no word from Codex', { code: 3, stderr: 'wine: Unhandled page fault on read access to 0000000000000000 at address 0000000140001234\n' }, { asked: false }],
    ['a panic', { code: 101, stderr: "thread 'main' panicked at src/main.rs:1:1:\nboom\n" }, { asked: false }],
  ] as const)('%s', (_n, r, want) => {
    expect(verdictOf(r)).toMatchObject(want);
  });
});
