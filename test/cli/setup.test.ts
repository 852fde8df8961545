import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StandIn } from '../support/gateway.js';
import { Sandbox } from '../support/sandbox.js';
import { useStandInAndSandbox } from '../support/standin.js';

const KEY = 'sk-lw-test-0123456789abcdef';
const KEY2 = 'sk-lw-second-key-zyxwvu9876';

let gw: StandIn;
let sb: Sandbox;

useStandInAndSandbox((g, s) => {
  gw = g;
  sb = s;
});

const bearerSeen = () => gw.requests.filter((r) => r.path === '/v1/models').map((r) => r.authorization);

describe('inside WSL', () => {
  it('says it sets up the Linux Codex there and what to run on Windows for the extension and the app, and still sets up Linux', async () => {
    sb.env.WSL_DISTRO_NAME = 'Ubuntu-24.04';
    const r = await sb.setup(KEY, ['--base-url', gw.base]);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain('This is WSL (Ubuntu-24.04): this sets up the Codex CLI inside it (~/.codex here).');
    expect(r.stdout).toContain('run npx lightweight-setup in PowerShell or cmd on Windows too');
    expect(sb.config().model_provider).toBe('lightweight');
  });

  it('says nothing of WSL elsewhere', async () => {
    const r = await sb.setup(KEY, ['--base-url', gw.base]);
    expect(r.stdout).not.toContain('WSL');
  });
});

describe('unattended setup (provider table, the default)', () => {
  it('writes the config, the key file and the rc block, checks the gateway, and never prints the key', async () => {
    const r = await sb.setup(KEY, ['--base-url', gw.base]);
    expect(r.code, r.all).toBe(0);
    expect(sb.config()).toEqual({
      model: 'gpt-5.4',
      model_provider: 'lightweight',
      model_providers: {
        lightweight: {
          name: 'Lightweight API',
          base_url: gw.base,
          wire_api: 'responses',
          // The key from the key file, through an auth command (Codex 0.118+), not from the environment.
          auth: { command: '/bin/sh', args: ['-c', expect.stringContaining('f="$HOME/.config/lightweight/env"')] },
        },
      },
    });
    expect(sb.read('.codex/config.toml')).not.toContain(KEY);
    expect(sb.read('.config/lightweight/env')).toContain(`export LIGHTWEIGHT_API_KEY='${KEY}'`);
    expect(sb.read('.config/lightweight/env.fish')).toContain(`set -gx LIGHTWEIGHT_API_KEY '${KEY}'`);
    expect(sb.mode('.config/lightweight/env')).toBe(0o600);
    expect(sb.mode('.config/lightweight/env.fish')).toBe(0o600);
    expect(sb.mode('.config/lightweight')).toBe(0o700);
    expect(sb.read('.bashrc')).toContain('lw_env="$HOME/.config/lightweight/env"');
    expect(sb.read('.bashrc')).not.toContain(KEY);
    expect(bearerSeen()).toEqual([`Bearer ${KEY}`]);
    expect(r.stdout).toContain('****cdef');
    expect(r.stdout).toMatch(/answered in \d+ ms with 7 models/);
    expect(r.stdout.trimEnd().endsWith('install it with:\n    npm install -g @openai/codex')).toBe(true);
    expect(r.stdout).toContain('source ~/.bashrc');
    expect(r.all).not.toContain(KEY);
  });

  it('--key-source env writes the gateway page\'s provider table with env_key, and no auth command', async () => {
    const r = await sb.setup(KEY, ['--base-url', gw.base, '--key-source', 'env']);
    expect(r.code, r.all).toBe(0);
    expect(sb.config()).toEqual({
      model: 'gpt-5.4',
      model_provider: 'lightweight',
      model_providers: {
        lightweight: {
          name: 'Lightweight API',
          base_url: gw.base,
          env_key: 'LIGHTWEIGHT_API_KEY',
          env_key_instructions: expect.stringContaining('open a new terminal'),
          wire_api: 'responses',
        },
      },
    });
    expect(r.stdout).toContain('Open a new terminal, or run: source ~/.bashrc');
  });

  it('switching the key source back and forth is a clean edit: file -> env -> file gives back the same bytes', async () => {
    sb.write('.codex/config.toml', '# mine\napproval_policy = "never"\n\n[tui]\nx = 1\n');
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    const withFile = sb.read('.codex/config.toml');
    const env = await sb.setup(KEY, ['--no-verify', '--key-source', 'env']);
    expect(env.code, env.all).toBe(0);
    expect(env.stdout).toContain('The key now comes from LIGHTWEIGHT_API_KEY (env_key) instead of the key file');
    expect(sb.config().model_providers.lightweight.auth).toBeUndefined();
    expect(sb.config().model_providers.lightweight.env_key).toBe('LIGHTWEIGHT_API_KEY');
    const file = await sb.setup(KEY, ['--no-verify', '--key-source', 'file']);
    expect(file.code, file.all).toBe(0);
    expect(sb.read('.codex/config.toml')).toBe(withFile);
  });

  it('a rerun keeps a key source the user chose; without a choice it moves an env_key setup to the key file', async () => {
    expect((await sb.setup(KEY, ['--no-verify', '--key-source', 'env'])).code).toBe(0);
    expect((await sb.setup(KEY2, ['--no-verify'])).code).toBe(0);
    expect(sb.config().model_providers.lightweight.env_key).toBe('LIGHTWEIGHT_API_KEY');
    // A setup from before key sources existed: env_key, and no recorded choice.
    sb.write('.config/lightweight/state.json', sb.read('.config/lightweight/state.json').replace(/,\s*"keySourceChosen": true/, ''), 0o600);
    const r = await sb.setup(KEY2, ['--no-verify']);
    expect(r.code, r.all).toBe(0);
    expect(sb.config().model_providers.lightweight.auth.command).toBe('/bin/sh');
    expect(sb.config().model_providers.lightweight.env_key).toBeUndefined();
    expect(r.stdout).toContain('The key now comes from the key file through an auth command');
  });

  it('takes the key from LIGHTWEIGHT_API_KEY when nothing is piped in', async () => {
    const r = await sb.run(['setup', '--yes', '--base-url', gw.base], { env: { LIGHTWEIGHT_API_KEY: KEY } });
    expect(r.code, r.all).toBe(0);
    expect(sb.read('.config/lightweight/env')).toContain(KEY);
  });

  it('lightweight-setup is the same command', async () => {
    const r = await sb.run(['--yes', '--api-key-stdin', '--base-url', gw.base], { bin: 'setup', input: KEY });
    expect(r.code, r.all).toBe(0);
    expect(sb.config().model_provider).toBe('lightweight');
  });

  it('a rerun with a new key replaces the key, keeps one rc block and leaves the config as it was', async () => {
    await sb.setup(KEY, ['--base-url', gw.base]);
    const rc = sb.read('.bashrc');
    const cfg = sb.read('.codex/config.toml');
    const r = await sb.setup(KEY2, ['--base-url', gw.base]);
    expect(r.code, r.all).toBe(0);
    expect(sb.read('.config/lightweight/env')).toContain(KEY2);
    expect(sb.read('.config/lightweight/env')).not.toContain(KEY);
    expect(sb.read('.bashrc')).toBe(rc);
    expect(sb.read('.codex/config.toml')).toBe(cfg);
    expect(r.stdout).toMatch(/Unchanged ~\/\.bashrc/);
    expect(bearerSeen().at(-1)).toBe(`Bearer ${KEY2}`);
  });

  it('keeps a backup of every file before it changes it', async () => {
    sb.write('.codex/config.toml', '# mine\nmodel = "o3"\n', 0o640);
    sb.write('.bashrc', 'alias ll="ls -l"\n');
    await sb.setup(KEY, ['--no-verify']);
    const runs = readdirSync(sb.path('.config/lightweight/backups'));
    expect(runs).toHaveLength(1);
    const dir = sb.path('.config/lightweight/backups', runs[0]!);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.complete).toBe(true);
    const cfg = manifest.entries.find((e: { path: string }) => e.path.endsWith('config.toml'));
    expect(readFileSync(join(dir, cfg.backup), 'utf8')).toBe('# mine\nmodel = "o3"\n');
    expect(cfg.mode).toBe(0o640);
    expect(sb.mode('.codex/config.toml')).toBe(0o640);
    expect(lstatSync(join(dir, cfg.backup)).mode & 0o777).toBe(0o600);
  });
});

describe('what the user already has is kept', () => {
  const mine = [
    '# my Codex config',
    'model = "o3" # favourite',
    'approval_policy = "on-request"',
    '',
    '[mcp_servers.docs]',
    'command = "npx"',
    'args = ["-y", "docs-mcp"]',
    'env = { TOKEN = "t" }',
    '',
    '[projects."/home/me/app"]',
    'trust_level = "trusted"',
    '',
    '[[hooks]]',
    'cmd = "echo hi"',
  ].join('\r\n');

  it('edits only the keys it owns, byte for byte elsewhere (CRLF, no final newline, comments)', async () => {
    sb.write('.codex/config.toml', mine);
    const r = await sb.setup(KEY, ['--no-verify', '--model', 'codex']);
    expect(r.code, r.all).toBe(0);
    const out = sb.read('.codex/config.toml');
    expect(out.startsWith(mine.replace('model = "o3" # favourite', 'model = "gpt-5.3-codex" # favourite').replace('approval_policy = "on-request"', 'approval_policy = "on-request"\r\nmodel_provider = "lightweight"'))).toBe(true);
    expect(out).not.toMatch(/[^\r]\n/);
    expect(out.endsWith('\n')).toBe(false);
  });

  it('writes through a symlinked config and rc file, which stay symlinks', async () => {
    mkdirSync(sb.path('dotfiles'));
    sb.write('dotfiles/config.toml', 'model = "o3"\n');
    sb.write('dotfiles/bashrc', 'export EDITOR=vi\n');
    mkdirSync(sb.path('.codex'));
    symlinkSync(sb.path('dotfiles/config.toml'), sb.path('.codex/config.toml'));
    symlinkSync('dotfiles/bashrc', sb.path('.bashrc'));
    const r = await sb.setup(KEY, ['--no-verify']);
    expect(r.code, r.all).toBe(0);
    expect(lstatSync(sb.path('.codex/config.toml')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(sb.path('.bashrc'))).toBe('dotfiles/bashrc');
    expect(sb.read('dotfiles/config.toml')).toContain('model_provider = "lightweight"');
    expect(sb.read('dotfiles/bashrc')).toMatch(/^export EDITOR=vi\n\n# >>> lightweight-setup >>>/);
  });

  it('warns about a key already set in plain text in the rc file, naming the line', async () => {
    sb.write('.bashrc', 'alias x=y\nexport LIGHTWEIGHT_API_KEY=sk-old-plaintext-key\n');
    const r = await sb.setup(KEY, ['--no-verify']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/~\/\.bashrc:2 also sets LIGHTWEIGHT_API_KEY/);
  });

  it('with --key-source env, removes an auth command table Codex would refuse next to env_key, and says so', async () => {
    sb.write('.codex/config.toml', '[model_providers.lightweight]\nname = "Lightweight API"\n\n[model_providers.lightweight.auth]\ncommand = "sh"\n');
    const r = await sb.setup(KEY, ['--no-verify', '--key-source', 'env']);
    expect(r.code, r.all).toBe(0);
    expect(sb.config().model_providers.lightweight.auth).toBeUndefined();
    expect(r.stdout).toMatch(/Removed model_providers\.lightweight\.auth \(~\/\.codex\/config\.toml:4\)/);
  });

  it('replaces an auth command of the user\'s own with the one that reads the key file, keeping its other fields, and says so', async () => {
    sb.write('.codex/config.toml', '[model_providers.lightweight]\nname = "Lightweight API"\n\n[model_providers.lightweight.auth]\ncommand = "op"\nargs = ["read", "op://vault/lw"]\ntimeout_ms = 9000\n');
    const r = await sb.setup(KEY, ['--no-verify']);
    expect(r.code, r.all).toBe(0);
    expect(sb.config().model_providers.lightweight.auth).toEqual({ command: '/bin/sh', args: ['-c', expect.stringContaining('lightweight/env')], timeout_ms: 9000 });
    expect(r.stdout).toMatch(/Replaced the auth command of model_providers\.lightweight \(~\/\.codex\/config\.toml:4\)/);
  });
});

describe('the base-URL layout', () => {
  it('without Codex installed, writes auth.json itself (0600) in the format Codex uses', async () => {
    const r = await sb.setup(KEY, ['--layout', 'openai-base-url', '--base-url', gw.base]);
    expect(r.code, r.all).toBe(0);
    expect(sb.config()).toEqual({ model: 'gpt-5.4', openai_base_url: gw.base });
    expect(JSON.parse(sb.read('.codex/auth.json'))).toEqual({ auth_mode: 'apikey', OPENAI_API_KEY: KEY });
    expect(sb.mode('.codex/auth.json')).toBe(0o600);
    expect(r.all).not.toContain(KEY);
  });

  it('with Codex installed, hands the key to `codex login --with-api-key` on stdin, never in its arguments', async () => {
    const codex = sb.fakeCodex();
    const r = await sb.setup(KEY, ['--layout', 'openai-base-url', '--no-verify']);
    expect(r.code, r.all).toBe(0);
    const calls = codex.calls();
    expect(calls).toContain('argv:login --with-api-key\n');
    expect(calls).toContain(`stdin:${KEY}\n`);
    expect(calls.split('\n').filter((l) => l.startsWith('argv:')).join('\n')).not.toContain(KEY);
    expect(r.stdout).toMatch(/codex login --with-api-key/);
    expect(JSON.parse(sb.read('.codex/auth.json')).OPENAI_API_KEY).toBe(KEY);
    // Codex reads the key from its login store: no new terminal is needed for Codex itself.
    const next = r.stdout.slice(r.stdout.indexOf('Next steps'));
    expect(next).toContain('1. Run: codex (it reads the key from ~/.codex/auth.json, in any terminal or editor)');
    expect(next).not.toContain('Open a new terminal');
  });

  it('backs up a ChatGPT login it replaces and says so', async () => {
    sb.write('.codex/auth.json', JSON.stringify({ auth_mode: 'chatgpt', tokens: { id_token: 'x' } }), 0o600);
    const r = await sb.setup(KEY, ['--layout', 'openai-base-url', '--no-verify']);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toMatch(/held a ChatGPT login; it is replaced .* `lightweight restore`, `lightweight uninstall` or a switch to the provider table puts it back/);
    const runs = readdirSync(sb.path('.config/lightweight/backups'));
    const dir = sb.path('.config/lightweight/backups', runs[0]!);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const auth = manifest.entries.find((e: { path: string }) => e.path.endsWith('auth.json'));
    expect(readFileSync(join(dir, auth.backup), 'utf8')).toContain('chatgpt');
  });

  it('switching layouts back and forth leaves exactly one layout active', async () => {
    await sb.setup(KEY, ['--no-verify']);
    const first = sb.read('.codex/config.toml');
    await sb.setup(KEY, ['--no-verify', '--layout', 'openai-base-url']);
    expect(sb.config()).toEqual({ model: 'gpt-5.4', openai_base_url: 'https://api.lightweight.one/v1' });
    await sb.setup(KEY, ['--no-verify', '--layout', 'model-providers']);
    expect(sb.read('.codex/config.toml')).toBe(first);
  });
});

describe('flags', () => {
  it.each([
    [['--model', 'gpt-codex'], 'gpt-5.3-codex'],
    [['--model', 'gpt5.4'], 'gpt-5.4'],
    [['--model', 'claude-opus-4.6'], 'claude-opus-4.6'],
  ])('%j writes the canonical model %s', async (args, model) => {
    const r = await sb.setup(KEY, ['--no-verify', ...args]);
    expect(r.code, r.all).toBe(0);
    expect(sb.config().model).toBe(model);
  });

  it('--env preview points at the preview gateway', async () => {
    await sb.setup(KEY, ['--no-verify', '--env', 'preview']);
    expect(sb.config().model_providers.lightweight.base_url).toBe('https://preview.api.lightweight.one/v1');
  });

  it('--codex-home and $CODEX_HOME choose where config.toml goes', async () => {
    await sb.setup(KEY, ['--no-verify', '--codex-home', '~/elsewhere']);
    expect(sb.read('elsewhere/config.toml')).toContain('model_provider');
    await sb.setup(KEY, ['--no-verify'], { env: { CODEX_HOME: sb.path('viaenv') } });
    expect(sb.read('viaenv/config.toml')).toContain('model_provider');
    expect(sb.mode('viaenv')).toBe(0o700);
  });

  it.each([
    ['zsh', {}, '.zshrc', 'lw_env="$HOME/.config/lightweight/env"'],
    ['zsh', { ZDOTDIR: 'ZDOT' }, 'zdot/.zshrc', 'lw_env="$HOME/.config/lightweight/env"'],
    ['fish', {}, '.config/fish/conf.d/lightweight.fish', 'set -l lw_env "$HOME/.config/lightweight/env.fish"'],
    ['sh', {}, '.profile', 'lw_env="$HOME/.config/lightweight/env"'],
  ])('--shell %s %j edits %s', async (shell, env, file, line) => {
    const extra = 'ZDOTDIR' in env ? { ZDOTDIR: sb.path('zdot') } : {};
    if ('ZDOTDIR' in env) mkdirSync(sb.path('zdot'));
    const r = await sb.setup(KEY, ['--no-verify', '--shell', shell], { env: extra });
    expect(r.code, r.all).toBe(0);
    expect(sb.read(file)).toContain(line);
    expect(() => sb.read('.bashrc')).toThrow();
  });

  it('follows $SHELL when --shell is not given', async () => {
    const r = await sb.setup(KEY, ['--no-verify'], { env: { SHELL: '/usr/bin/zsh' } });
    expect(r.code, r.all).toBe(0);
    expect(sb.read('.zshrc')).toContain('lightweight-setup');
  });

  it('--rc-file puts the block in the file given', async () => {
    const r = await sb.setup(KEY, ['--no-verify', '--rc-file', '~/.bashrc.d/lightweight.sh'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the directory .*\.bashrc\.d does not exist/);
    mkdirSync(sb.path('.bashrc.d'));
    const ok = await sb.setup(KEY, ['--no-verify', '--rc-file', '~/.bashrc.d/lightweight.sh']);
    expect(ok.code, ok.all).toBe(0);
    expect(sb.read('.bashrc.d/lightweight.sh')).toContain('lightweight-setup');
  });

  it('--no-rc leaves every shell file alone and prints the line to add', async () => {
    const r = await sb.setup(KEY, ['--no-verify', '--no-rc']);
    expect(r.code, r.all).toBe(0);
    expect(Object.keys(sb.tree()).filter((p) => /^\.(bashrc|bash_profile|zshrc|profile)$|^\.config\/fish/.test(p))).toEqual([]);
    expect(sb.read('.config/lightweight/env')).toContain(KEY);
    expect(r.stdout).toContain('[ -f "$HOME/.config/lightweight/env" ] && . "$HOME/.config/lightweight/env"');
  });

  it('an unknown shell exits 2, names the supported ones and gives the line to add by hand', async () => {
    const r = await sb.setup(KEY, ['--no-verify'], { env: { SHELL: '/bin/tcsh' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unsupported shell "tcsh"');
    expect(r.stderr).toContain('bash, zsh, fish, sh');
    expect(r.stderr).toContain('. "$HOME/.config/lightweight/env"');
    expect(sb.tree()).toEqual({});
  });

  it('--no-verify sends nothing to the gateway', async () => {
    await sb.setup(KEY, ['--no-verify', '--base-url', gw.base]);
    expect(gw.requests).toEqual([]);
  });

  it('--dry-run prints a diff per file with the key masked and writes nothing', async () => {
    sb.write('.codex/config.toml', 'model = "o3"\n');
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--dry-run', '--base-url', gw.base]);
    expect(r.code, r.all).toBe(0);
    expect(sb.tree()).toEqual(before);
    expect(gw.requests).toEqual([]);
    expect(r.stdout).toContain('--- a/~/.codex/config.toml');
    expect(r.stdout).toContain('-model = "o3"');
    expect(r.stdout).toContain('+model = "gpt-5.4"');
    expect(r.stdout).toContain("+export LIGHTWEIGHT_API_KEY='****cdef'");
    expect(r.stdout).toContain('+++ b/~/.bashrc');
    expect(r.stdout).toContain('Dry run: nothing was written.');
    expect(r.all).not.toContain(KEY);
  });

  it('--dry-run of the base-URL layout masks auth.json too', async () => {
    const r = await sb.setup(KEY, ['--dry-run', '--layout', 'openai-base-url']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"OPENAI_API_KEY": "****cdef"');
    expect(r.all).not.toContain(KEY);
  });

  it('--help and --version exit 0', async () => {
    const help = await sb.run(['setup', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--yes', '--api-key-stdin', '--layout', '--model', '--env', '--base-url', '--shell', '--rc-file', '--no-rc', '--no-verify', '--dry-run', '--codex-home', '--timeout']) {
      expect(help.stdout).toContain(flag);
    }
    const v = await sb.run(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('bad input changes nothing', () => {
  it.each([
    [['--model', 'gpt-4o'], /Unknown model "gpt-4o"/],
    [['--model', 'gpt-5.4-min'], /Did you mean "gpt-5\.4-mini"/],
    [['--layout', 'chat'], /layout/],
    [['--env', 'staging'], /env/],
    [['--base-url', 'http://gateway.example.com/v1'], /only allowed for this machine/],
    [['--base-url', 'https://u:p@gateway.example.com/v1'], /user name or password/],
    [['--base-url', 'api.lightweight.one/v1'], /no scheme/],
    [['--timeout', 'soon'], /--timeout/],
    [['--shell', 'tcsh'], /shell/],
    [['--rc-file', 'x', '--no-rc'], /contradict/],
    [['--bogus'], /unknown option/],
  ])('%j exits 2', async (args, message) => {
    const r = await sb.setup(KEY, args);
    expect(r.code, r.all).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(sb.tree()).toEqual({});
  });

  it('invalid TOML exits 2 with file:line:column and writes nothing anywhere', async () => {
    sb.write('.codex/config.toml', 'model = "o3"\n[tui\nx = 1\n');
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--base-url', gw.base]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/~\/\.codex\/config\.toml:2:\d+: invalid TOML/);
    expect(sb.tree()).toEqual(before);
    expect(gw.requests).toEqual([]);
  });

  it.each([
    ['a key with a newline in the middle', 'sk-abc\u0007def', /outside printable ASCII/],
    ['an empty key', '   ', /empty/],
  ])('%s is refused', async (_name, key, message) => {
    const r = await sb.setup(key, ['--no-verify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(sb.tree()).toEqual({});
  });

  it('--yes without any key exits 2 and says how to give one', async () => {
    const r = await sb.run(['setup', '--yes', '--no-verify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--api-key-stdin/);
    expect(r.stderr).toMatch(/LIGHTWEIGHT_API_KEY/);
    expect(sb.tree()).toEqual({});
  });

  it('no terminal and no --yes exits 2 at once, even with stdin left open, naming --yes and --api-key-stdin', async () => {
    const r = await sb.run(['setup'], { stdinOpen: true, timeoutMs: 10_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes/);
    expect(r.stderr).toMatch(/--api-key-stdin/);
    expect(sb.tree()).toEqual({});
  });

  it('a config.toml that is a directory is refused', async () => {
    mkdirSync(sb.path('.codex/config.toml'), { recursive: true });
    const r = await sb.setup(KEY, ['--no-verify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config\.toml is a directory/);
  });
});

describe('the connectivity check', () => {
  it.each([
    [{ kind: 'status', status: 401 } as const, /\(auth\)/, /copy it again/],
    [{ kind: 'status', status: 404 } as const, /\(not-found\)/, /base URL/],
    [{ kind: 'status', status: 429, retryAfter: '42' } as const, /\(rate-limit\).*retry after 42 s/, /Wait 42 s/],
    [{ kind: 'status', status: 503 } as const, /\(server\)/, /retry in a few minutes/],
    [{ kind: 'garbage' } as const, /\(bad-response\)/, /Lightweight gateway/],
  ])('%j: files are written, exit 1, the cause and fix are named', async (behaviour, summary, fix) => {
    gw.behave(behaviour);
    const r = await sb.setup(KEY, ['--base-url', gw.base]);
    expect(r.code, r.all).toBe(1);
    expect(r.stdout).toMatch(summary);
    expect(r.stdout).toMatch(fix);
    expect(sb.config().model_provider).toBe('lightweight');
    expect(r.all).not.toContain(KEY);
  });

  it('a hanging gateway fails at --timeout, not later', async () => {
    gw.behave({ kind: 'hang' });
    const started = Date.now();
    const r = await sb.setup(KEY, ['--base-url', gw.base, '--timeout', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\(timeout\).*within 1 s/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a closed port is "refused"', async () => {
    const r = await sb.setup(KEY, ['--base-url', 'http://127.0.0.1:9/v1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\(refused\)/);
  });

  it('warns, without failing, when the chosen model is not served', async () => {
    gw.models = ['gpt-5.4', 'o3'];
    const r = await sb.setup(KEY, ['--base-url', gw.base, '--model', 'o4-mini']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/o4-mini is not in the gateway's model list/);
  });
});
