/**
 * Real shells: after setup, a new interactive shell has exactly the key, and the rc file
 * stays free of it. Every key, however hostile, is inert when the key file is sourced.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { runProcess } from '../support/process.js';
import { Sandbox } from '../support/sandbox.js';

const KEY = 'sk-lw-shell-0123456789abcdef';
let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});

/** What a new interactive bash prints for the key (plus a marker, to see the rc file ran to the end). */
async function bashKey(): Promise<string> {
  const r = await runProcess('bash', ['-ic', 'printf "[%s]" "$LIGHTWEIGHT_API_KEY"'], { env: sb.env, cwd: sb.home });
  expect(r.code, r.all).toBe(0);
  return r.stdout;
}

describe('bash', () => {
  it('a new interactive shell has exactly the key', async () => {
    sb.write('.bashrc', 'export EDITOR=vi\n');
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    expect(await bashKey()).toBe(`[${KEY}]`);
    expect(sb.read('.bashrc')).not.toContain(KEY);
  });

  it.each([
    ["quotes ' and \"", `sk-'q"uote'`],
    ['command substitution', 'sk-$(touch pwned)`touch pwned2`'],
    ['separators and globs', 'sk-;touch pwned;&|<>*?~#!'],
    ['backslashes and spaces', 'sk-\\n \\ \\\\ x'],
    ['variables', 'sk-$HOME${PATH}'],
  ])('a key with %s is inert when sourced', async (_name, key) => {
    expect((await sb.setup(key, ['--no-verify'])).code).toBe(0);
    expect(await bashKey()).toBe(`[${key.trim()}]`);
    expect(Object.keys(sb.tree()).filter((p) => p.includes('pwned'))).toEqual([]);
  });
});
