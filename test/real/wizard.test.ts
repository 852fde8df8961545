/** The wizard in a real terminal (tmux): what a person sees and types, and what lands on disk. */
import { execFileSync } from 'node:child_process';
import { GATEWAY_URLS } from '../../src/gateway/constants.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type StandIn } from '../support/gateway.js';
import { runProcess } from '../support/process.js';
import { BIN, Sandbox } from '../support/sandbox.js';
import { Terminal } from '../support/tmux.js';

const KEY = 'sk-lw-wizard-typed-0123456789';
let gw: StandIn;
let sb: Sandbox;
let term: Terminal | undefined;

beforeAll(async () => {
  // tmux missing is a failure, not a skip: .ci/run installs it.
  expect(() => execFileSync('tmux', ['-V'])).not.toThrow();
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => term?.close());

function start(args: string[] = []) {
  term = new Terminal(sb.root, [process.execPath, BIN.setup, '--base-url', gw.base, ...args], { ...sb.env, TERM: 'xterm-256color' });
  return term;
}

describe('the setup wizard in a terminal', () => {
  it('defaults with Enter, the key typed hidden, confirmed: files written, key never on screen, a new shell has it', async () => {
    const t = start();
    await t.waitFor(/Step 1 of 4/);
    await t.takeDefaultsThenKey(KEY);
    await t.waitFor(/Write these changes\?/);
    t.keys('Enter');
    expect(await t.exitCode()).toBe(0);
    const screen = t.screen();
    expect(screen).not.toContain(KEY);
    expect(screen).toContain('****6789');
    expect(screen).toMatch(/Step 4 of 4/);
    expect(screen).toMatch(/answered in \d+ ms with 7 models/);
    expect(screen).toMatch(/in this one, run: source ~\/\.bashrc/);

    expect(sb.read('.codex/config.toml')).toContain('model_provider = "lightweight"');
    expect(sb.read('.codex/config.toml')).toContain('[model_providers.lightweight.auth]');
    expect(sb.read('.codex/config.toml')).toContain('model = "gpt-5.4"');
    expect(sb.mode('.config/lightweight/env')).toBe(0o600);
    const shell = await runProcess('bash', ['-ic', 'printf "[%s]" "$LIGHTWEIGHT_API_KEY"'], { env: sb.env, cwd: sb.home });
    expect(shell.stdout).toBe(`[${KEY}]`);
  });

  it('Ctrl-C at the key prompt exits without writing anything', async () => {
    const t = start();
    await t.waitFor(/Config layout/);
    t.keys('Enter');
    await t.waitFor(/Where Codex gets the key/);
    t.keys('Enter');
    await t.waitFor(/Default model/);
    t.keys('Down', 'Enter');
    await t.waitFor(/Lightweight API key/);
    t.type('sk-half-typed');
    t.keys('C-c');
    expect(await t.exitCode()).toBe(130);
    expect(t.screen()).toContain('Cancelled; nothing was written.');
    expect(t.screen()).not.toContain('sk-half-typed');
    expect(sb.tree()).toEqual({});
  });

  it('choosing LIGHTWEIGHT_API_KEY as the key source writes env_key', async () => {
    const t = start(['--model', 'o3']);
    await t.waitFor(/Config layout/);
    t.keys('Enter');
    await t.waitFor(/Where Codex gets the key/);
    t.keys('Down', 'Enter');
    await t.answer(/Lightweight API key/, KEY);
    await t.waitFor(/Write these changes\?/);
    expect(t.screen()).toMatch(/Planned: provider table, key from LIGHTWEIGHT_API_KEY, model o3/);
    t.keys('Enter');
    expect(await t.exitCode()).toBe(0);
    expect(sb.read('.codex/config.toml')).toContain('env_key = "LIGHTWEIGHT_API_KEY"');
    expect(sb.read('.codex/config.toml')).not.toContain('.auth]');
  });

  it.each([
    ['the first question', [], /Config layout/],
    ['the key prompt', ['--layout', 'model-providers', '--key-source', 'file', '--model', 'o3'], /Lightweight API key/],
  ])('Ctrl-D at %s is a cancel: exit 130, so `&& codex` does not go on, and nothing is written', async (_name, args, at) => {
    const t = start(args);
    await t.waitFor(at);
    t.keys('C-d');
    expect(await t.exitCode()).toBe(130);
    expect(t.screen()).toContain('Cancelled; nothing was written.');
    expect(sb.tree()).toEqual({});
  });

  it('a rerun pre-selects what is configured: Enter through it keeps o3, preview and the key', async () => {
    const first = await runProcess(process.execPath, [BIN.lightweight, 'setup', '--yes', '--api-key-stdin', '--model', 'o3', '--env', 'preview', '--no-verify'], {
      env: sb.env,
      cwd: sb.home,
      input: `${KEY}\n`,
    });
    expect(first.code, first.all).toBe(0);
    const before = sb.read('.codex/config.toml');
    term = new Terminal(sb.root, [process.execPath, BIN.setup, '--no-verify'], { ...sb.env, TERM: 'xterm-256color' });
    const t = term;
    await t.waitFor(/Configured now: provider table, model o3, preview, key \*\*\*\*6789\. Press Enter to keep each\./);
    for (const q of [/What should this setup change\?/, /Config layout/, /Where Codex gets the key/, /Default model/, /Gateway/]) {
      await t.waitFor(q);
      t.keys('Enter');
    }
    await t.waitFor(/Keep the key already stored \(\*\*\*\*6789\)\?/);
    t.keys('Enter');
    await t.waitFor(/Write these changes\?/);
    expect(t.screen()).toContain('Changes: none to the choices');
    t.keys('Enter');
    expect(await t.exitCode()).toBe(0);
    expect(sb.read('.codex/config.toml')).toBe(before);
    expect(sb.read('.config/lightweight/env')).toContain(KEY);
  });

  it('once the default is set up, the wizard offers a profile beside it, named after the other gateway', async () => {
    const first = await runProcess(process.execPath, [BIN.lightweight, 'setup', '--yes', '--api-key-stdin', '--env', 'preview', '--no-verify'], { env: sb.env, cwd: sb.home, input: `${KEY}\n` });
    expect(first.code, first.all).toBe(0);
    const before = sb.read('.codex/config.toml');
    term = new Terminal(sb.root, [process.execPath, BIN.setup, '--no-verify'], { ...sb.env, TERM: 'xterm-256color' });
    const t = term;
    await t.waitFor(/What should this setup change\?/);
    expect(t.screen()).toContain('A profile beside it: `codex -p production`');
    t.keys('Down', 'Enter');
    await t.waitFor(/Default model/);
    t.keys('Enter');
    // The profile's gateway defaults to the one it is named after.
    await t.waitFor(/Gateway/);
    t.keys('Enter');
    await t.waitFor(/Keep the key already stored/);
    t.keys('Enter');
    await t.waitFor(/Write these changes\?/);
    expect(t.screen()).toContain('production.config.toml');
    t.keys('Enter');
    expect(await t.exitCode()).toBe(0);
    expect(t.screen()).toContain('Run: codex -p production');
    expect(sb.read('.codex/config.toml')).toBe(before);
    expect(sb.config('.codex/production.config.toml').model_providers.lightweight.base_url).toBe(GATEWAY_URLS.production);
  });

  it('without $SHELL (a container), the wizard asks for the shell', async () => {
    const env: NodeJS.ProcessEnv = { ...sb.env, TERM: 'xterm-256color' };
    delete env.SHELL;
    term = new Terminal(sb.root, [process.execPath, BIN.setup, '--base-url', gw.base, '--layout', 'model-providers', '--key-source', 'file', '--model', 'o3'], env);
    const t = term;
    await t.waitFor(/Which shell do you use\? \(\$SHELL does not say\)/);
    t.keys('Down', 'Enter'); // zsh
    await t.answer(/Lightweight API key/, KEY);
    await t.waitFor(/Write these changes\?/);
    t.keys('Enter');
    expect(await t.exitCode()).toBe(0);
    expect(sb.read('.zshrc')).toContain('# >>> lightweight-setup >>>');
  });

  it('Ctrl-C during the gateway check: exit 130, it says nothing was written, and nothing is', async () => {
    gw.behave({ kind: 'hang' });
    try {
      const t = start(['--layout', 'model-providers', '--key-source', 'file', '--model', 'o3', '--timeout', '60']);
      await t.answer(/Lightweight API key/, KEY);
      await t.waitFor(/Checking http:\/\/127\.0\.0\.1:\d+\/v1\/models/);
      t.keys('C-c');
      expect(await t.exitCode()).toBe(130);
      expect(t.screen()).toContain('Cancelled during the gateway check; nothing was written.');
      expect(sb.tree()).toEqual({});
    } finally {
      gw.behave({ kind: 'ok' });
    }
  });

  it('in an 80x24 terminal the review fits on one screen, and nothing is broken mid-word', async () => {
    term = new Terminal(sb.root, [process.execPath, BIN.setup, '--base-url', gw.base], { ...sb.env, TERM: 'xterm-256color' }, undefined, { columns: 80, rows: 24 });
    const t = term;
    for (const q of [/Config layout/, /Where Codex gets the key/, /Default model/]) {
      await t.waitFor(q);
      t.keys('Enter');
    }
    await t.answer(/Lightweight API key/, KEY);
    await t.waitFor(/Write these changes\?/);
    const rows = t.visible();
    // The whole review is on the screen at once: from its heading to the question.
    expect(rows.some((r) => r === 'Review')).toBe(true);
    const review = rows.slice(rows.indexOf('Review'));
    expect(review.length).toBeLessThanOrEqual(24);
    expect(review.join('\n')).toContain('~/.codex/config.toml: new file');
    // The command that shows every line repeats only what setup would not choose by itself.
    expect(review.join('\n')).toMatch(/\n {4}lightweight-setup --dry-run --base-url http:\/\/127\.0\.0\.1:\d+\/v1\n/);
    // No row is a word cut by the terminal's wrap: each fits in 80 columns by itself.
    for (const r of review) expect(r.length, r).toBeLessThanOrEqual(80);
    t.keys('Enter');
    expect(await t.exitCode()).toBe(0);
  });

  it('doctor in an 80-column terminal wraps long lines between words, under their own text', async () => {
    sb = new Sandbox().withCodex();
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    term = new Terminal(sb.root, [process.execPath, BIN.lightweight, 'doctor'], { ...sb.env, TERM: 'xterm-256color' }, undefined, { columns: 80, rows: 24 });
    expect(await term.exitCode()).toBe(0);
    const rows = term.screen().replace(/\n+$/, '').split('\n');
    // The key file's check is longer than 80 columns: its second row starts under the text, not at column 0.
    const at = rows.findIndex((r) => r.includes('Key file ~/.config/lightweight/env is private'));
    expect(at, rows.join('\n')).toBeGreaterThan(-1);
    const textColumn = rows[at]!.indexOf('Key file');
    expect(rows[at + 1]!.slice(0, textColumn).trim()).toBe('');
    expect(rows[at + 1]![textColumn]).toMatch(/\S/);
    for (const r of rows) expect(r.length, r).toBeLessThanOrEqual(80);
  });

  it('a read-only config.toml: the wizard asks, and yes writes it and makes it read-only again', async () => {
    sb.write('.codex/config.toml', '# mine, kept read-only on purpose\nmodel = "o3"\n', 0o444);
    const t = start(['--model', 'gpt-5.4', '--key-source', 'file']);
    await t.waitFor(/Config layout/);
    t.keys('Enter');
    await t.answer(/Lightweight API key/, KEY);
    await t.waitFor(/Write these changes\?/);
    expect(t.screen()).toContain('~/.codex/config.toml: changed (+');
    expect(t.screen()).toContain('read-only: made read-only again');
    t.keys('Enter');
    await t.waitFor(/~\/\.codex\/config\.toml is read-only \(mode 0444\)\. Write it anyway, and make it read-only again afterwards\?/);
    t.type('y');
    t.keys('Enter');
    expect(await t.exitCode()).toBe(0);
    expect(sb.read('.codex/config.toml')).toMatch(/^# mine, kept read-only on purpose\nmodel = "gpt-5\.4"\n/);
    expect(sb.mode('.codex/config.toml')).toBe(0o444);
  });

  it('a read-only config.toml: Enter at the question (no, the default) is a cancel that writes nothing', async () => {
    sb.write('.codex/config.toml', 'model = "o3"\n', 0o444);
    const before = sb.tree();
    const t = start(['--model', 'gpt-5.4', '--key-source', 'file', '--layout', 'model-providers']);
    await t.answer(/Lightweight API key/, KEY);
    await t.waitFor(/Write these changes\?/);
    t.keys('Enter');
    await t.waitFor(/Write it anyway/);
    t.keys('Enter');
    expect(await t.exitCode()).toBe(130);
    expect(t.screen()).toContain('Nothing was written: ~/.codex/config.toml stays read-only, as you answered.');
    expect(sb.tree()).toEqual(before);
    expect(sb.mode('.codex/config.toml')).toBe(0o444);
  });

  it('an error in an 80-column terminal wraps between words, so its commands can be copied whole', async () => {
    sb.write('.codex/config.toml', 'model = "o3"\n', 0o444);
    term = new Terminal(sb.root, ['/bin/sh', '-c', `printf '%s\\n' '${KEY}' | "$0" "$1" --yes --api-key-stdin --no-verify`, process.execPath, BIN.setup], { ...sb.env, TERM: 'xterm-256color' }, undefined, { columns: 80, rows: 24 });
    expect(await term.exitCode()).toBe(2);
    const rows = term.screen().replace(/\n+$/, '').split('\n');
    expect(rows.join('\n')).toContain('error: ~/.codex/config.toml is read-only (mode 0444)');
    for (const r of rows) expect(r.length, r).toBeLessThanOrEqual(80);
    // Each word of the fix is whole on one row.
    expect(rows.join(' ').replace(/ +/g, ' ')).toContain('To let this change go through: chmod u+w ~/.codex/config.toml, run it again, then chmod a-w ~/.codex/config.toml to protect it again.');
  });

  it('uninstall and restore in a terminal ask first: No changes nothing (130), Yes goes ahead', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    expect((await sb.setup('sk-lw-wizard-second-key-4321', ['--no-verify'])).code).toBe(0);
    const setUp = sb.tree();
    const ask = async (args: string[], question: RegExp, answer: string) => {
      term?.close();
      term = new Terminal(sb.root, [process.execPath, BIN.lightweight, ...args], { ...sb.env, TERM: 'xterm-256color' });
      await term.waitFor(question);
      term.type(answer);
      term.keys('Enter');
      return term.exitCode();
    };
    expect(await ask(['restore'], /Restore these files\?/, 'n')).toBe(130);
    expect(term!.screen()).toContain('Nothing was changed.');
    expect(sb.tree()).toEqual(setUp);
    expect(await ask(['uninstall'], /Remove all of this\?/, 'n')).toBe(130);
    expect(sb.tree()).toEqual(setUp);

    expect(await ask(['restore'], /Restore these files\?/, 'y')).toBe(0);
    expect(sb.read('.config/lightweight/env')).toContain(KEY);
    expect(await ask(['uninstall'], /Remove all of this\?/, 'y')).toBe(0);
    expect(sb.tree()).toEqual({});
  });

  it('answering No at the review writes nothing', async () => {
    const t = start(['--model', 'o3', '--layout', 'openai-base-url']);
    await t.answer(/Lightweight API key/, KEY);
    await t.waitFor(/Write these changes\?/);
    t.type('n');
    t.keys('Enter');
    expect(await t.exitCode()).toBe(130);
    expect(sb.tree()).toEqual({});
  });
});
