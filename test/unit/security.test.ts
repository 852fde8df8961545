/**
 * The pure and in-process parts of "Secure against a hostile machine": masking, terminal-safe
 * text, the loopback rule, and the stale-lock takeover race, made deterministic with a hook.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLock } from '../../src/files/lock.js';
import { carriesToken } from '../../src/codex/introspect.js';
import { classify } from '../../src/gateway/classify.js';
import { pinLocalhost } from '../../src/gateway/probe.js';
import { maskAllJsonValues, maskFile, maskSecretValues } from '../../src/ui/secrets.js';
import { terminalSafe } from '../../src/ui/safe-text.js';
import { scratchDir } from '../support/scratch.js';

describe('secret values are masked in anything shown', () => {
  it.each([
    ['export LIGHTWEIGHT_API_KEY=sk-lw-abcdef123456', 'export LIGHTWEIGHT_API_KEY=****3456'],
    ["export LIGHTWEIGHT_API_KEY='sk-lw-abcdef123456'", "export LIGHTWEIGHT_API_KEY='****3456'"],
    ['export OPENAI_API_KEY="sk-proj-999988887777"', 'export OPENAI_API_KEY="****7777"'],
    ["set -gx LIGHTWEIGHT_API_KEY 'sk-lw-abcdef123456'", "set -gx LIGHTWEIGHT_API_KEY '****3456'"],
    ['experimental_bearer_token = "tok-0123456789"', 'experimental_bearer_token = "****6789"'],
    ['  "refresh_token": "rt-0123456789",', '  "refresh_token": "****6789",'],
    ['client_secret = "s3cr3t-value-xyz"', 'client_secret = "****-xyz"'],
    ['password: hunter2-hunter2', 'password: ****ter2'],
    ['http_headers = { "Authorization" = "Bearer sk-abc-0123456789" }', 'http_headers = { "Authorization" = "****6789" }'],
    ['curl -H "Authorization: Bearer sk-abc-0123456789"', 'curl -H "Authorization: Bearer ****6789"'],
    ['GITHUB_TOKEN=ghp_0123456789abcdef', 'GITHUB_TOKEN=****cdef'],
    ["export LIGHTWEIGHT_API_KEY='****cdef'", "export LIGHTWEIGHT_API_KEY='****cdef'"],
  ])('%s', (line, shown) => expect(maskSecretValues(line)).toBe(shown));

  it.each([
    // Names that are not secrets stay readable: they are what the user reviews.
    'env_key = "LIGHTWEIGHT_API_KEY"',
    'model_catalog_json = "lightweight-models.json"',
    'model = "gpt-5.4"',
    'base_url = "https://api.lightweight.one/v1"',
    'alias ll="ls -l"',
    'export EDITOR=vi',
    '[ -f "$HOME/.config/lightweight/env" ] && . "$HOME/.config/lightweight/env"',
  ])('%s stays as it is', (line) => expect(maskSecretValues(line)).toBe(line));

  it('every value of auth.json, whatever its name', () => {
    const auth = JSON.stringify({ auth_mode: 'chatgpt', OPENAI_API_KEY: null, tokens: { id_token: 'eyJ.payload.sig-ABCD', account_id: 'acct-12345678' } }, null, 2);
    const shown = maskAllJsonValues(auth);
    expect(shown).toContain('"id_token": "****ABCD"');
    expect(shown).toContain('"account_id": "****5678"');
    expect(shown).not.toContain('payload');
    expect(maskFile('/h/.codex/auth.json', auth)).toBe(shown);
  });
});

describe('text from the network or from files cannot drive the terminal', () => {
  it.each([
    ['\u001b]0;pwned\u0007title', '\\x1b]0;pwned\\x07title'],
    ['\u001b[2Jclear', '\\x1b[2Jclear'],
    ['hidden\u001b[8mtext', 'hidden\\x1b[8mtext'],
    ['\u001b]52;c;ZXZpbA==\u0007', '\\x1b]52;c;ZXZpbA==\\x07'],
    ['\u009b31m', '\\x9b31m'],
    ['over\rwrite', 'over\\x0dwrite'],
    ['abc\u202edef', 'abc\\u202edef'],
    ['crlf line\r\nnext\r', 'crlf line\nnext'],
    ['tab\tand\nnewline stay', 'tab\tand\nnewline stay'],
    ['gpt-5.4 — ünïcode stays', 'gpt-5.4 — ünïcode stays'],
  ])('%j -> %j', (text, shown) => expect(terminalSafe(text)).toBe(shown));
});

describe('localhost is this machine only when it resolves to loopback addresses only', () => {
  const resolver = (addrs: Array<{ address: string; family: number }>) => async () => addrs;

  it('pins the connection to the loopback addresses it checked', async () => {
    const pinned = await pinLocalhost('localhost', resolver([{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }]));
    expect(pinned.refused).toBeUndefined();
    const got = await new Promise<unknown>((r) => (pinned.lookup as unknown as (h: string, o: object, cb: (...a: unknown[]) => void) => void)('localhost', { all: true }, (_e, a) => r(a)));
    expect(got).toEqual([{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }]);
    const one = await new Promise<unknown>((r) => (pinned.lookup as unknown as (h: string, o: object, cb: (...a: unknown[]) => void) => void)('localhost', { family: 6 }, (_e, a) => r(a)));
    expect(one).toBe('::1');
  });

  it.each([
    [[{ address: '10.0.0.5', family: 4 }], '10.0.0.5'],
    [[{ address: '127.0.0.1', family: 4 }, { address: '192.168.1.9', family: 4 }], '192.168.1.9'],
  ])('refuses localhost resolving to %j', async (addrs, shown) => {
    const pinned = await pinLocalhost('localhost', resolver(addrs));
    expect(pinned.refused).toBe(shown);
  });

  it('leaves literals and other names to the connection', async () => {
    let asked = false;
    const spy = async () => {
      asked = true;
      return [];
    };
    expect(await pinLocalhost('127.0.0.1', spy)).toEqual({});
    expect(await pinLocalhost('api.lightweight.one', spy)).toEqual({});
    expect(asked).toBe(false);
  });

  it('says why the key was not sent', () => {
    const v = classify({ kind: 'error', code: 'LW_NOT_LOOPBACK', message: 'localhost resolves to 10.0.0.5 on this machine', elapsedMs: 0 }, { baseUrl: 'http://localhost:8080/v1', timeoutSeconds: 10 });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.summary).toBe('localhost resolves to 10.0.0.5 on this machine, not only to this machine, so the key was not sent over plain http.');
    expect(v.fix).toContain('http://127.0.0.1:<port>/v1');
  });
});

describe('taking over a stale lock', () => {
  const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
  const tmp = () => scratchDir('lw-lock-');

  it('two waiters that both judged the same lock stale: one takes it over, the other waits for it', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'lock'), `${deadPid()} left-by-a-killed-run\n`);
    let inside = 0;
    let most = 0;
    const order: string[] = [];
    const enter = async (name: string, hold: Promise<void>) => {
      inside++;
      most = Math.max(most, inside);
      order.push(`${name} in`);
      await hold;
      order.push(`${name} out`);
      inside--;
    };
    let aJudged!: () => void;
    const aHasJudged = new Promise<void>((r) => (aJudged = r));
    let bIn!: () => void;
    const bIsIn = new Promise<void>((r) => (bIn = r));
    let releaseB!: () => void;
    const bHold = new Promise<void>((r) => (releaseB = r));

    // A judges the lock stale, then is held still until B has taken it over and is inside.
    const a = withLock(dir, () => enter('A', Promise.resolve()), {
      judgedStale: async () => {
        aJudged();
        await bIsIn;
      },
    });
    await aHasJudged;
    const b = withLock(dir, async () => {
      bIn();
      await enter('B', bHold);
    });
    await bIsIn;
    // A now acts on its stale judgement; give it every chance to break B's live lock.
    await new Promise((r) => setTimeout(r, 400));
    expect(order).toEqual(['B in']);
    releaseB();
    await Promise.all([a, b]);
    expect(most).toBe(1);
    expect(order).toEqual(['B in', 'B out', 'A in', 'A out']);
  });

  it('a lock left by a killed run is taken over, and the taker leaves no lock behind', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'lock'), `${deadPid()}\n`);
    expect(await withLock(dir, async () => readFileSync(join(dir, 'lock'), 'utf8'))).toMatch(new RegExp(`^${process.pid} [0-9a-f]{16}\\n$`));
    expect(() => readFileSync(join(dir, 'lock'))).toThrow(/ENOENT/);
  });

  it.each([
    ['a symlink to /dev/zero', (f: string) => symlinkSync('/dev/zero', f)],
    ['a FIFO', (f: string) => spawnSync('mkfifo', [f])],
    ['a directory', (f: string) => mkdirSync(f)],
  ])('a lock that is %s is refused at once, without reading it', async (_n, make) => {
    const dir = tmp();
    make(join(dir, 'lock'));
    const started = Date.now();
    await expect(withLock(dir, async () => 'ran')).rejects.toThrow(/is not a regular file/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("the catalog probe's bearer check", () => {
  const token = 'probe-secret-0123456789';
  it.each([
    [`Bearer ${token}`, true],
    [undefined, false],
    ['', false],
    [`Bearer ${token}x`, false],
    [`Bearer ${token.slice(0, -1)}`, false],
    [`bearer ${token}`, false],
    [token, false],
    [`Bearer  ${token}`, false],
  ])('%s → %s', (header, ok) => expect(carriesToken(header, token)).toBe(ok));
});

describe('a key file is shown masked whatever its form', () => {
  it.each([
    ['Windows: the key alone', 'C:\\Users\\ann\\AppData\\Local\\lightweight\\api-key.txt', 'sk-lw-windows-fedcba9876543210', '****3210'],
    ['POSIX: an export line', '/h/.config/lightweight/env', "export LIGHTWEIGHT_API_KEY='sk-lw-posix-0123456789abcd'\n", "export LIGHTWEIGHT_API_KEY='****abcd'\n"],
    ['fish: set -gx', '/h/.config/lightweight/env.fish', "set -gx LIGHTWEIGHT_API_KEY 'sk-lw-fish-0123456789wxyz'\n", "set -gx LIGHTWEIGHT_API_KEY '****wxyz'\n"],
  ])('%s', (_what, path, text, shown) => {
    expect(maskFile(path, text, true)).toBe(shown);
  });

  it("a Windows auth.json (backslashes) is masked whole like a POSIX one", () => {
    expect(maskFile('C:\\Users\\ann\\.codex\\auth.json', '{"OPENAI_API_KEY": "sk-lw-x-0123456789abcd", "account": "ann-4567"}')).toBe('{"OPENAI_API_KEY": "****abcd", "account": "****"}');
  });

  it('a file that is not secret keeps its plain words', () => {
    expect(maskFile('/h/.bashrc', 'alias_without_spaces_here\n')).toBe('alias_without_spaces_here\n');
  });
});
