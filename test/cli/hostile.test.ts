/** Hostile input: each gets a clear error (exit 2, nothing changed) or is handled safely. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../support/sandbox.js';

const KEY = 'sk-lw-hostile-0123456789';
let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
  sb.write('.bashrc', 'export EDITOR=vi\n');
});

async function refused(key: string, args: string[], message: RegExp) {
  const before = sb.tree();
  const r = await sb.setup(key, args, { timeoutMs: 15_000 });
  expect(r.code, r.all).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(sb.tree()).toEqual(before);
  return r;
}

describe('keys', () => {
  it.each([
    ['non-ASCII', 'sk-lw-ключ-0123456789', /outside printable ASCII at position 7/],
    ['a control character', 'sk-lw-\u0001-0123456789', /outside printable ASCII/],
    ['an escape sequence', 'sk-lw-\u001b[31m-0123456789', /outside printable ASCII/],
    ['10 KB of text', 'x'.repeat(10 * 1024), /10240 characters long; at most 4096/],
  ])('a key with %s is refused', async (_n, key, message) => {
    const r = await refused(key, ['--no-verify'], message);
    if (key.length < 100) expect(r.all).not.toContain(key);
  });

  it('a key with quotes, $(), backticks, ; and backslashes is stored, quoted, and inert (see the real-shell tests)', async () => {
    const key = `sk-'"$(touch\tp1)\`touch\tp2\`;touch\tp3\\x`.replace(/\t/g, '');
    const r = await sb.setup(key, ['--no-verify']);
    expect(r.code, r.all).toBe(0);
    expect(sb.read('.config/lightweight/env')).toContain(`export LIGHTWEIGHT_API_KEY='sk-'\\''"$(touchp1)\`touchp2\`;touchp3\\x'`);
  });

  it('a key with a space inside is refused with what was wrong, exit 2, nothing written', async () => {
    const before = sb.tree();
    const r = await sb.setup('sk-lw-one two', ['--no-verify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('The API key from standard input has a space in it (at position 10), so it is not one key.');
    expect(sb.tree()).toEqual(before);
  });
});

describe('base URLs', () => {
  it.each([
    ['credentials', 'https://user:secret@api.lightweight.one/v1', /user name or password/],
    ['javascript:', 'javascript:alert(1)', /must use https/],
    ['file:', 'file:///etc/passwd', /must use https/],
    ['no scheme', 'api.lightweight.one/v1', /no scheme/],
    ['plain http to another machine', 'http://10.0.0.5/v1', /only allowed for this machine/],
    ['a space inside', 'https://api.light weight.one/v1', /spaces or control characters/],
  ])('%s: refused', async (_n, url, message) => {
    const r = await refused(KEY, ['--no-verify', '--base-url', url], message);
    expect(r.all).not.toContain('secret@');
  });

  it('trailing spaces and slashes are trimmed', async () => {
    const r = await sb.setup(KEY, ['--no-verify', '--base-url', '  https://gw.example.com/v1/  ']);
    expect(r.code, r.all).toBe(0);
    expect(sb.read('.codex/config.toml')).toContain('base_url = "https://gw.example.com/v1"');
  });
});

describe('config.toml that is not a config file', () => {
  it('a directory', async () => {
    mkdirSync(sb.path('.codex/config.toml'), { recursive: true });
    await refused(KEY, ['--no-verify'], /config\.toml is a directory/);
  });

  it('a FIFO (refused without opening it, so nothing blocks)', async () => {
    mkdirSync(sb.path('.codex'));
    execFileSync('mkfifo', [sb.path('.codex/config.toml')]);
    await refused(KEY, ['--no-verify'], /config\.toml is not a regular file/);
  });

  it('a symlink loop', async () => {
    mkdirSync(sb.path('.codex'));
    symlinkSync('b.toml', sb.path('.codex/config.toml'));
    symlinkSync('config.toml', sb.path('.codex/b.toml'));
    await refused(KEY, ['--no-verify'], /config\.toml is a symlink loop/);
  });

  it('50 MB', async () => {
    mkdirSync(sb.path('.codex'));
    writeFileSync(sb.path('.codex/config.toml'), Buffer.alloc(50 * 1024 * 1024, 0x23));
    await refused(KEY, ['--no-verify'], /config\.toml is 50\.0 MB/);
  });

  it('not UTF-8', async () => {
    mkdirSync(sb.path('.codex'));
    writeFileSync(sb.path('.codex/config.toml'), Buffer.from([0x6d, 0x3d, 0x22, 0xff, 0xfe, 0x22, 0x0a]));
    await refused(KEY, ['--no-verify'], /config\.toml is not UTF-8 text/);
  });
});

describe('rc files', () => {
  it('an rc path in a directory that does not exist', async () => {
    await refused(KEY, ['--no-verify', '--rc-file', '~/no/such/dir/rc'], /the directory .*no\/such\/dir does not exist/);
  });

  it('an rc file that is a directory', async () => {
    mkdirSync(sb.path('rcdir'));
    await refused(KEY, ['--no-verify', '--rc-file', '~/rcdir'], /rcdir is a directory/);
  });

  it('an rc file whose lightweight block lost its end marker', async () => {
    sb.write('.bashrc', 'a\n# >>> lightweight-setup >>>\nb\n');
    await refused(KEY, ['--no-verify'], /\.bashrc:2: the lightweight-setup block starts here but its end marker/);
  });
});

describe('a profile file that is not a file', () => {
  it('a FIFO where the record names a profile: status answers (no profile read blocks), setup and uninstall refuse it by name', async () => {
    expect((await sb.setup(KEY, ['--no-verify', '--no-rc'])).code).toBe(0);
    expect((await sb.setup(KEY, ['--no-verify', '--no-rc', '--profile', 'preview'])).code).toBe(0);
    rmSync(sb.path('.codex/preview.config.toml'));
    execFileSync('mkfifo', [sb.path('.codex/preview.config.toml')]);
    const st = await sb.run(['status', '--json'], { timeoutMs: 10_000 });
    expect(st.code, st.all).toBe(0);
    expect(JSON.parse(st.stdout).profiles).toEqual([expect.objectContaining({ name: 'preview', baseUrl: null })]);
    await refused(KEY, ['--no-verify', '--no-rc', '--key-source', 'env'], /preview\.config\.toml is not a regular file/);
    const un = await sb.run(['uninstall', '--yes'], { timeoutMs: 10_000 });
    expect(un.code).toBe(2);
    expect(un.stderr).toMatch(/preview\.config\.toml is not a regular file/);
  });
});
