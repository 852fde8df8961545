/**
 * Other Unix users on this machine, for the tests of many users (setup --system, the Ansible
 * playbook): made once with useradd (the tests run as root in CI; elsewhere they are skipped, with
 * the reason), with homes under a temporary folder; and what they run, copied where any user can
 * read it (the checkout may sit in a folder only its owner can enter).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './sandbox.js';
import { scratchDir } from './scratch.js';

/** Why tests of several users cannot run here, or undefined when they can. */
export function usersSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (useradd, runuser, a mount namespace): CI runs as root';
  for (const tool of ['useradd', 'runuser', 'unshare']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed`;
    }
  }
  return undefined;
}

export interface UnixUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** A user with a fresh home under `base` (made now, owned by them, mode 0700). The account is reused across runs. */
export function freshUser(name: string, base: string): UnixUser {
  const home = join(base, name);
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--no-create-home', '--shell', '/bin/bash', name], { stdio: 'ignore' });
  }
  execFileSync('usermod', ['--home', home, name], { stdio: 'ignore' });
  mkdirSync(home, { mode: 0o700 });
  const uid = Number(execFileSync('id', ['-u', name]).toString());
  const gid = Number(execFileSync('id', ['-g', name]).toString());
  execFileSync('chown', [`${uid}:${gid}`, home]);
  return { name, uid, gid, home };
}

/** A folder every user can enter, for the test's homes and shared files. */
export function sharedDir(prefix: string): string {
  const dir = scratchDir(prefix);
  chmodSync(dir, 0o755);
  return dir;
}

let codexCopy: string | undefined;
/** The pinned Codex's native files, copied where every user can run them; returns the folder holding `codex`. */
export function readableCodexBin(): string {
  if (codexCopy) return codexCopy;
  const src = join(ROOT, 'node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl');
  const dest = join(sharedDir('lw-codex-'), 'codex');
  cpSync(src, dest, { recursive: true });
  const open = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    chmodSync(p, st.isDirectory() || st.mode & 0o100 ? 0o755 : 0o644);
    if (st.isDirectory()) for (const n of readdirSync(p)) open(join(p, n));
  };
  open(dest);
  codexCopy = join(dest, 'bin');
  if (!existsSync(join(codexCopy, 'codex'))) throw new Error(`no codex in ${src}`);
  return codexCopy;
}

/**
 * The command line that runs `argv` as `user` (runuser, a login-less start with only the given
 * environment), optionally seeing `etcCodex` as /etc/codex through a private mount namespace, so
 * that Codex's system config is the test's and no other test (or the machine) sees it.
 */
export function asUser(user: UnixUser | 'root', argv: string[], env: Record<string, string>, etcCodex?: string): { file: string; args: string[] } {
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const run = user === 'root' ? ['env', '-i', ...envArgs, ...argv] : ['runuser', '-u', user.name, '--', 'env', '-i', ...envArgs, ...argv];
  if (!etcCodex) return { file: run[0]!, args: run.slice(1) };
  return { file: 'unshare', args: ['-m', 'sh', '-c', 'mount --bind "$0" /etc/codex && exec "$@"', etcCodex, ...run] };
}
