/**
 * Real shells: after setup, a new shell of each kind has exactly the key; after a second
 * setup with another key it has the new one, and the rc files did not grow. Every key,
 * however hostile, is inert when the key file is sourced.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { doctorJson } from '../support/doctor.js';
import { runProcess } from '../support/process.js';
import { Sandbox } from '../support/sandbox.js';

const KEY = 'sk-lw-shell-0123456789abcdef';
const KEY2 = 'sk-lw-shell-second-key-4242';
let sb: Sandbox;

beforeAll(() => {
  // A missing shell is a failure, not a skip: .ci/run installs zsh and fish.
  for (const shell of ['bash', 'zsh', 'fish', 'sh']) expect(() => execFileSync('sh', ['-c', `command -v ${shell}`]), shell).not.toThrow();
});
beforeEach(() => {
  sb = new Sandbox();
});

interface ShellCase {
  name: string;
  shell: string;
  /** How a new shell of this kind is started so that it reads its startup files. */
  argv: string[];
  rcFile: string;
  env?: () => NodeJS.ProcessEnv;
}

const PRINT = 'printf "[%s]" "$LIGHTWEIGHT_API_KEY"';
const cases: ShellCase[] = [
  { name: 'interactive bash', shell: 'bash', argv: ['bash', '-ic', PRINT], rcFile: '.bashrc' },
  { name: 'interactive zsh', shell: 'zsh', argv: ['zsh', '-ic', PRINT], rcFile: '.zshrc' },
  {
    name: 'interactive zsh with ZDOTDIR',
    shell: 'zsh',
    argv: ['zsh', '-ic', PRINT],
    rcFile: 'zdot/.zshrc',
    env: () => {
      mkdirSync(sb.path('zdot'), { recursive: true });
      return { ZDOTDIR: sb.path('zdot') };
    },
  },
  { name: 'interactive fish', shell: 'fish', argv: ['fish', '-i', '-c', 'printf "[%s]" "$LIGHTWEIGHT_API_KEY"'], rcFile: '.config/fish/conf.d/lightweight.fish' },
  { name: 'login sh', shell: 'sh', argv: ['sh', '-lc', PRINT], rcFile: '.profile' },
];

async function keyInNewShell(c: ShellCase, env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runProcess(c.argv[0]!, c.argv.slice(1), { env: { ...sb.env, ...env }, cwd: sb.home });
  expect(r.code, r.all).toBe(0);
  return r.stdout;
}

describe.each(cases)('$name', (c) => {
  it('has exactly the key after setup, the new key after a second setup, and the rc file does not grow', async () => {
    const env = c.env?.() ?? {};
    const first = await sb.setup(KEY, ['--no-verify', '--shell', c.shell], { env });
    expect(first.code, first.all).toBe(0);
    expect(await keyInNewShell(c, env)).toBe(`[${KEY}]`);
    const size = statSync(sb.path(c.rcFile)).size;
    expect(sb.read(c.rcFile)).not.toContain(KEY);

    const second = await sb.setup(KEY2, ['--no-verify', '--shell', c.shell], { env });
    expect(second.code, second.all).toBe(0);
    expect(await keyInNewShell(c, env)).toBe(`[${KEY2}]`);
    expect(statSync(sb.path(c.rcFile)).size).toBe(size);
  });
});

describe('bash login shells (ssh sessions, macOS Terminal, tmux panes on macOS)', () => {
  const loginBash = () => runProcess('bash', ['-lic', PRINT], { env: sb.env, cwd: sb.home });

  it('with a ~/.bash_profile that does not source ~/.bashrc: the block goes there too, and doctor sees it', async () => {
    sb.write('.bash_profile', 'export PATH="$HOME/bin:$PATH"\n');
    sb.write('.bashrc', 'alias ll="ls -l"\n');
    const s = await sb.setup(KEY, ['--no-verify']);
    expect(s.code, s.all).toBe(0);
    expect(s.stdout).toContain('~/.bash_profile: bash login shells (ssh sessions, macOS Terminal) load the key file too.');
    expect((await loginBash()).stdout).toBe(`[${KEY}]`);
    expect((await runProcess('bash', ['-ic', PRINT], { env: sb.env, cwd: sb.home })).stdout).toBe(`[${KEY}]`);
    expect((await doctorJson(sb)).checks('login-shell')[0]?.status).toBe('pass');
    // Uninstall takes it out of both files again.
    expect((await sb.run(['uninstall', '--yes'])).code).toBe(0);
    expect(sb.read('.bash_profile')).toBe('export PATH="$HOME/bin:$PATH"\n');
    expect(sb.read('.bashrc')).toBe('alias ll="ls -l"\n');
  });

  it('with a ~/.profile that sources ~/.bashrc (Debian\'s): it is left alone, and login shells still get the key', async () => {
    const profile = 'if [ -n "$BASH_VERSION" ]; then\n    if [ -f "$HOME/.bashrc" ]; then\n\t. "$HOME/.bashrc"\n    fi\nfi\n';
    sb.write('.profile', profile);
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    expect(sb.read('.profile')).toBe(profile);
    expect((await loginBash()).stdout).toBe(`[${KEY}]`);
  });

  it('doctor names a login file that does not load the key, as a login shell would find it', async () => {
    expect((await sb.setup(KEY, ['--no-verify', '--key-source', 'env'])).code).toBe(0);
    // Created later, without the block: bash now reads it instead of ~/.profile.
    sb.write('.bash_profile', 'export EDITOR=vi\n');
    expect((await loginBash()).stdout).toBe('[]');
    expect((await doctorJson(sb)).checks('login-shell')[0]).toMatchObject({
      status: 'fail',
      title: 'bash login shells do not load the key: ~/.bash_profile neither has the block nor sources ~/.bashrc',
      fix: 'Run lightweight setup --shell bash (it adds the block to ~/.bash_profile).',
    });
  });
});

describe('bash specifics', () => {
  it('a symlinked ~/.bashrc is still a symlink, and the shell still gets the key', async () => {
    mkdirSync(sb.path('dotfiles'));
    sb.write('dotfiles/bashrc', 'export EDITOR=vi\n');
    symlinkSync('dotfiles/bashrc', sb.path('.bashrc'));
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    expect((await sb.setup(KEY2, ['--no-verify'])).code).toBe(0);
    expect(lstatSync(sb.path('.bashrc')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(sb.path('.bashrc'))).toBe('dotfiles/bashrc');
    expect(await keyInNewShell(cases[0]!, {})).toBe(`[${KEY2}]`);
  });

  it.each([
    ["quotes ' and \"", `sk-'q"uote'`],
    // Keys are one word (a space is refused), so the commands are spelled with ${IFS}.
    ['command substitution', 'sk-$(touch${IFS}pwned)`touch${IFS}pwned2`'],
    ['separators and globs', 'sk-;touch${IFS}pwned;&|<>*?~#!'],
    ['backslashes', 'sk-\\n\\\\\\x'],
    ['variables', 'sk-$HOME${PATH}'],
  ])('a key with %s is inert when sourced, in bash and fish', async (_name, key) => {
    expect((await sb.setup(key, ['--no-verify'])).code).toBe(0);
    expect(await keyInNewShell(cases[0]!, {})).toBe(`[${key}]`);
    expect((await sb.setup(key, ['--no-verify', '--shell', 'fish'])).code).toBe(0);
    expect(await keyInNewShell(cases[3]!, {})).toBe(`[${key}]`);
    expect(Object.keys(sb.tree()).filter((p) => p.includes('pwned'))).toEqual([]);
  });
});

/**
 * The provider auth command setup writes, run the way Codex runs it (argv, no shell around it)
 * by the POSIX shells Codex may find as /bin/sh: dash (Debian), bash in POSIX mode (macOS) and
 * zsh emulating sh.
 */
describe('the auth command Codex runs for the key', () => {
  const SHELLS: Array<[string, (script: string) => string[]]> = [
    ['/bin/sh', (s) => ['/bin/sh', '-c', s]],
    ['bash --posix', (s) => ['bash', '--posix', '-c', s]],
    ['zsh (emulate sh)', (s) => ['zsh', '-c', `emulate sh; ${s}`]],
  ];

  async function authCommand(): Promise<string[]> {
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    const auth = sb.config().model_providers.lightweight.auth as { command: string; args: string[] };
    expect(auth.command).toBe('/bin/sh');
    return auth.args;
  }

  const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => runProcess(argv[0]!, argv.slice(1), { env: { HOME: sb.home, PATH: '/usr/bin:/bin', ...env } });

  it.each(SHELLS)('%s: prints the key from the key file, and nothing else', async (_name, argv) => {
    const [, script] = await authCommand();
    const r = await run(argv(script!));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(KEY);
    expect(r.stderr).toBe('');
  });

  it.each(SHELLS)('%s: the file wins over a stale LIGHTWEIGHT_API_KEY', async (_name, argv) => {
    const [, script] = await authCommand();
    expect((await run(argv(script!), { LIGHTWEIGHT_API_KEY: 'sk-lw-stale-000000000000' })).stdout).toBe(KEY);
  });

  it.each(SHELLS)('%s: without the file, the variable (CI); without both, a message naming the file and the fix', async (_name, argv) => {
    const [, script] = await authCommand();
    execFileSync('rm', [sb.path('.config/lightweight/env')]);
    expect((await run(argv(script!), { LIGHTWEIGHT_API_KEY: KEY2 })).stdout).toBe(KEY2);
    const none = await run(argv(script!));
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe(`lightweight-setup: no Lightweight key: ${sb.home}/.config/lightweight/env is missing and LIGHTWEIGHT_API_KEY is not set; run: npx lightweight-setup\n`);
  });

  it.each(SHELLS)('%s: a key file without the key is named, not sent empty', async (_name, argv) => {
    const [, script] = await authCommand();
    sb.write('.config/lightweight/env', '# emptied\n', 0o600);
    const r = await run(argv(script!), { LIGHTWEIGHT_API_KEY: KEY2 });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('.config/lightweight/env holds no key; run: npx lightweight-setup');
  });
});
