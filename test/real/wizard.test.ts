/** The wizard in a real terminal (tmux): what a person sees and types, and what lands on disk. */
import { execFileSync } from 'node:child_process';
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
    await t.waitFor(/Config layout/);
    t.keys('Enter');
    await t.waitFor(/Where Codex gets the key/);
    t.keys('Enter');
    await t.waitFor(/Default model/);
    t.keys('Enter');
    await t.waitFor(/Lightweight API key/);
    t.type(KEY);
    t.keys('Enter');
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
    await t.waitFor(/Lightweight API key/);
    t.type(KEY);
    t.keys('Enter');
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
    for (const q of [/Config layout/, /Where Codex gets the key/, /Default model/, /Gateway/]) {
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

  it('without $SHELL (a container), the wizard asks for the shell', async () => {
    const env: NodeJS.ProcessEnv = { ...sb.env, TERM: 'xterm-256color' };
    delete env.SHELL;
    term = new Terminal(sb.root, [process.execPath, BIN.setup, '--base-url', gw.base, '--layout', 'model-providers', '--key-source', 'file', '--model', 'o3'], env);
    const t = term;
    await t.waitFor(/Which shell do you use\? \(\$SHELL does not say\)/);
    t.keys('Down', 'Enter'); // zsh
    await t.waitFor(/Lightweight API key/);
    t.type(KEY);
    t.keys('Enter');
    await t.waitFor(/Write these changes\?/);
    t.keys('Enter');
    expect(await t.exitCode()).toBe(0);
    expect(sb.read('.zshrc')).toContain('# >>> lightweight-setup >>>');
  });

  it('Ctrl-C during the gateway check: exit 130, it says nothing was written, and nothing is', async () => {
    gw.behave({ kind: 'hang' });
    try {
      const t = start(['--layout', 'model-providers', '--key-source', 'file', '--model', 'o3', '--timeout', '60']);
      await t.waitFor(/Lightweight API key/);
      t.type(KEY);
      t.keys('Enter');
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
    await t.waitFor(/Lightweight API key/);
    t.type(KEY);
    t.keys('Enter');
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

  it('answering No at the review writes nothing', async () => {
    const t = start(['--model', 'o3', '--layout', 'openai-base-url']);
    await t.waitFor(/Lightweight API key/);
    t.type(KEY);
    t.keys('Enter');
    await t.waitFor(/Write these changes\?/);
    t.type('n');
    t.keys('Enter');
    expect(await t.exitCode()).toBe(130);
    expect(sb.tree()).toEqual({});
  });
});
