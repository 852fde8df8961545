/**
 * What real homes, configs and terminals do to the tool (issue "Right on real machines"): a closed
 * pipe, a byte order mark, bash login shells, read-only files, an unwritable Codex directory,
 * and the words the tool uses.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN, Sandbox } from '../support/sandbox.js';
import { useStandInAndSandbox } from '../support/standin.js';

const KEY = 'sk-lw-machines-0123456789ab';
let sb: Sandbox;
useStandInAndSandbox((_gw, s) => {
  sb = s;
});

/** Runs the CLI with stdout read once and then closed, as `| head -1` does. */
function withClosedPipe(args: string[], input?: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN.lightweight, ...args], { cwd: sb.home, env: sb.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe('a closed pipe', () => {
  it.each([
    [['setup', '--help']],
    [['setup', '--yes', '--api-key-stdin', '--no-verify', '--dry-run']],
    [['setup', '--yes', '--api-key-stdin', '--no-verify']],
  ])('%j exits quietly with its own code, and a real run still finishes its writes', async (args) => {
    sb.write('.codex/config.toml', Array.from({ length: 400 }, (_, i) => `# line ${i} of a long config`).join('\n') + '\n');
    const r = await withClosedPipe(args, `${KEY}\n`);
    expect(r.stderr).not.toMatch(/EPIPE|at .*\(node:|internal error/);
    expect(r.code).toBe(0);
    if (!args.includes('--dry-run') && !args.includes('--help')) expect(sb.config().model_provider).toBe('lightweight');
  });
});

describe('a byte order mark', () => {
  it('is kept: new top-level keys go after it, a switch keeps it, and uninstall gives back the bytes', async () => {
    const original = '\uFEFF# mine\napproval_policy = "never"\n\n[tui]\nx = 1\n';
    sb.write('.codex/config.toml', original);
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    const after = readFileSync(sb.path('.codex/config.toml'));
    expect([...after.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(after.toString('utf8')).toMatch(/^\uFEFF# mine\napproval_policy = "never"\nmodel = "gpt-5.4"\n/);
    expect((await sb.run(['use-preview', '--no-verify'])).code).toBe(0);
    expect(readFileSync(sb.path('.codex/config.toml')).subarray(0, 3).toString('hex')).toBe('efbbbf');
    expect((await sb.run(['use-production', '--no-verify'])).code).toBe(0);
    expect(readFileSync(sb.path('.codex/config.toml'))).toEqual(after);
    expect((await sb.run(['uninstall', '--yes'])).code).toBe(0);
    expect(readFileSync(sb.path('.codex/config.toml'), 'utf8')).toBe(original);
  });
});

describe('a config Codex will refuse', () => {
  it('a legacy top-level profile: setup does not claim success; it exits 2 with file:line and Codex\'s own fix, writing nothing', async () => {
    sb.write('.codex/config.toml', 'model = "o3"\nprofile = "fox"\n\n[profiles.fox]\nmodel = "o4-mini"\n');
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--no-verify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('~/.codex/config.toml has a setting current Codex refuses to load (predicted: no installed Codex could be asked): Codex would not start after this setup, so nothing was written.');
    expect(r.stderr).toContain(
      '~/.codex/config.toml:2: a top-level profile = "fox" was removed from Codex and now stops it loading the file. Move the settings of [profiles.fox] into ~/.codex/fox.config.toml and start Codex with --profile fox, then delete that line.',
    );
    expect(r.stdout).not.toContain('Run: codex');
    expect(sb.tree()).toEqual(before);
  });
});

describe('a read-only config.toml', () => {
  it('unattended, it is refused by name with how to proceed, and stays as it was', async () => {
    sb.write('.codex/config.toml', 'model = "o3"\n', 0o444);
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--no-verify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: ~/.codex/config.toml is read-only (mode 0444), perhaps so that no tool rewrites it; nothing was written.');
    expect(r.stderr).toContain('To let this change go through: chmod u+w ~/.codex/config.toml, run it again, then chmod a-w ~/.codex/config.toml to protect it again.');
    expect(sb.tree()).toEqual(before);
  });

  it('a switch is refused the same way', async () => {
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    chmodSync(sb.path('.codex/config.toml'), 0o400);
    const before = sb.read('.codex/config.toml');
    const r = await sb.run(['use-preview', '--no-verify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is read-only (mode 0400)');
    expect(sb.read('.codex/config.toml')).toBe(before);
  });
});

describe('a Codex directory the user cannot write', () => {
  it('fails before any write: no false alarm, the directory and the fix named, no backups, nothing to restore', async () => {
    // As an ordinary user, with ~/.codex belonging to someone else (root, in CI) or not writable.
    mkdirSync(sb.path('.codex'));
    const asUser: { uid?: number; gid?: number } = {};
    if (process.getuid?.() === 0) {
      execFileSync('chown', ['-R', '65534:65534', sb.home]);
      chownSync(sb.path('.codex'), 0, 0);
      asUser.uid = 65534;
      asUser.gid = 65534;
      // The sandbox root above HOME must be passable for that user.
      chmodSync(sb.root, 0o755);
    } else {
      chmodSync(sb.path('.codex'), 0o555);
    }
    const before = sb.tree();
    const r = await sb.setup(KEY, ['--no-verify'], asUser);
    expect(r.code, r.all).toBe(2);
    expect(r.stderr).not.toMatch(/Rolling back|Putting back/);
    expect(r.stderr).toMatch(/^error: Cannot write ~\/\.codex\/config\.toml: ~\/\.codex is not writable (by you \(it belongs to uid 0\)|\(mode 0555\)); nothing was changed\.$/m);
    expect(r.stderr).toMatch(/sudo chown -R "\$\(id -un\)" ~\/\.codex|chmod u\+w ~\/\.codex/);
    expect(sb.tree()).toEqual(before);
    expect(existsSync(sb.path('.config/lightweight'))).toBe(false);
    expect((await sb.run(['restore', '--list'], asUser)).stdout).toBe('No backups yet.\n');
    const restore = await sb.run(['restore', '--yes'], asUser);
    expect(restore.code).toBe(2);
    expect(restore.stderr).toContain('Nothing to restore');
    expect(sb.tree()).toEqual(before);
  });
});

describe('words that say the right thing', () => {
  it('status on a config that does not parse names file:line:column and exits 2', async () => {
    sb.write('.codex/config.toml', 'model = "o3"\nmodel_provider = \n');
    const r = await sb.run(['status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/~\/\.codex\/config\.toml:2:\d+: invalid TOML/);
    expect(r.stdout).not.toContain('Layout:');
  });

  it('restore --yes with nothing to restore creates nothing, so a later uninstall has nothing to remove', async () => {
    const r = await sb.run(['restore', '--yes']);
    expect(r.code).toBe(2);
    expect(sb.tree()).toEqual({});
    const u = await sb.run(['uninstall', '--yes']);
    expect(u.stdout).toContain('Nothing to remove');
  });

  it('restore --list names the limit of runs kept, not how many there are', async () => {
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    expect((await sb.run(['restore', '--list'])).stdout).toContain('newest first (the last 20 runs are kept):');
  });

  it('--timeout 0 is refused with words that match the rule', async () => {
    const r = await sb.setup(KEY, ['--timeout', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--timeout must be a number of seconds, more than 0 and at most 600 (got "0").');
  });
});

describe('setup then uninstall on a fresh home', () => {
  it('leaves the home as it found it: files and the directories setup created', async () => {
    const r = await sb.setup(KEY, ['--no-verify']);
    expect(r.code, r.all).toBe(0);
    expect(readdirSync(sb.home).sort()).toEqual(['.bashrc', '.codex', '.config', '.profile']);
    expect((await sb.run(['uninstall', '--yes'])).code).toBe(0);
    expect(sb.tree()).toEqual({});
  });

  it('keeps what the user put there since', async () => {
    expect((await sb.setup(KEY, ['--no-verify'])).code).toBe(0);
    sb.write('.config/other-tool/settings.json', '{}\n');
    sb.write('.codex/AGENTS.md', '# mine\n');
    expect((await sb.run(['uninstall', '--yes'])).code).toBe(0);
    expect(Object.keys(sb.tree()).sort()).toEqual(['.codex', '.codex/AGENTS.md', '.config', '.config/other-tool', '.config/other-tool/settings.json']);
  });
});
