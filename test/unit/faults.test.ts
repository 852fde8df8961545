/**
 * Faults during a write, injected into the file system calls (root cannot be refused a write,
 * so a read-only target or a full disk is simulated): a clear error, and nothing lost. A crash
 * is simulated by freezing the run at each file system call in turn and looking at the disk
 * as a SIGKILL at that moment would leave it.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyWrites, type PlannedWrite } from '../../src/files/transaction.js';
import { BackupStore } from '../../src/files/backup.js';
import { CliError } from '../../src/errors.js';
import { scratchDir } from '../support/scratch.js';

const KEY = 'sk-lw-faults-0123456789abcdef';
let dir: string;

interface Target {
  name: string;
  before: string | null;
  after: string;
  mode: number;
  secret?: boolean;
}

const TARGETS: Target[] = [
  { name: 'env', before: "export LIGHTWEIGHT_API_KEY='sk-old-key-000000000000'\n", after: `export LIGHTWEIGHT_API_KEY='${KEY}'\n`, mode: 0o600, secret: true },
  { name: 'bashrc', before: 'alias ll=ls\n', after: 'alias ll=ls\n\n# >>> lightweight-setup >>>\n. x\n# <<< lightweight-setup <<<\n', mode: 0o644 },
  { name: 'config.toml', before: null, after: 'model = "gpt-5.4"\n', mode: 0o600 },
];

function seed(): PlannedWrite[] {
  return TARGETS.map((t) => {
    const target = join(dir, 'home', t.name);
    if (t.before !== null) {
      writeFileSync(target, t.before);
      chmodSync(target, t.mode);
    }
    return { path: target, target, existed: t.before !== null, before: t.before ?? '', after: t.after, mode: t.mode, secret: Boolean(t.secret) };
  });
}

const read = (name: string): string | null => {
  try {
    return readFileSync(join(dir, 'home', name), 'utf8');
  } catch {
    return null;
  }
};

beforeEach(() => {
  dir = realpathSync(scratchDir('lw-faults-'));
  mkdirSync(join(dir, 'home'));
});
afterEach(() => {
  vi.restoreAllMocks();
});

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

describe('a failing write loses nothing', () => {
  it.each([
    // Each file takes two opens (the temp file, then its directory for fsync) and one rename.
    ['a full disk while writing the second file', 'open', 3, 'ENOSPC', /Could not write .*bashrc: the disk is full \(ENOSPC\)/],
    ['a read-only file system at the first rename', 'rename', 1, 'EROFS', /Could not write .*env: the file system is read-only \(EROFS\)/],
    ['permission denied at the third file', 'rename', 3, 'EACCES', /Could not write .*config\.toml: permission denied \(EACCES\)/],
  ] as const)('%s: a clear error, every file as it was', async (_name, fn, nth, code, message) => {
    const writes = seed();
    const tx = await new BackupStore(join(dir, 'backups')).begin('setup');
    const real = fsp[fn].bind(fsp) as (...a: unknown[]) => Promise<unknown>;
    let calls = 0;
    // Count only the calls that touch the user's files, not the backup store.
    vi.spyOn(fsp, fn).mockImplementation((async (...a: unknown[]) => {
      const touchesHome = String(a[0]).includes(`${dir}/home`) || String(a[1] ?? '').includes(`${dir}/home`);
      if (touchesHome && ++calls === nth) throw errno(code);
      return real(...a);
    }) as never);
    const err = await applyWrites(writes, tx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toMatch(message);
    expect((err as CliError).exitCode).toBe(2);
    vi.restoreAllMocks();
    for (const t of TARGETS) expect(read(t.name), t.name).toBe(t.before);
    expect(readdirSync(join(dir, 'home')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a backup that cannot be written stops the write before the file is touched', async () => {
    const writes = seed();
    const tx = await new BackupStore(join(dir, 'backups')).begin('setup');
    const real = fsp.open.bind(fsp);
    vi.spyOn(fsp, 'open').mockImplementation((async (path: string, ...rest: unknown[]) => {
      if (String(path).includes(join(dir, 'backups'))) throw errno('ENOSPC');
      return (real as (...a: unknown[]) => Promise<unknown>)(path, ...rest);
    }) as never);
    const err = await applyWrites(writes, tx).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^Could not write the backup of .*env \(so it was not changed\): the disk is full \(ENOSPC\)/);
    vi.restoreAllMocks();
    for (const t of TARGETS) expect(read(t.name), t.name).toBe(t.before);
  });
});

describe('a crash at any moment', () => {
  const FS_CALLS = ['open', 'rename', 'readFile', 'stat', 'chmod', 'mkdir', 'rm', 'readdir'] as const;

  it('leaves every file either as it was or as intended, never in between, and a key never readable by others', async () => {
    let frozenAt = 0;
    for (let k = 1; ; k++) {
      // A fresh machine for each crash point.
      dir = realpathSync(scratchDir('lw-crash-'));
      mkdirSync(join(dir, 'home'));
      const writes = seed();
      const tx = await new BackupStore(join(dir, 'backups')).begin('setup');
      let calls = 0;
      let frozen = false;
      for (const fn of FS_CALLS) {
        const real = (fsp[fn] as (...a: unknown[]) => Promise<unknown>).bind(fsp);
        vi.spyOn(fsp, fn).mockImplementation(((...a: unknown[]) => {
          if (++calls === k) {
            frozen = true;
            return new Promise(() => {}); // the process dies here
          }
          return real(...a);
        }) as never);
      }
      let finished = false;
      void applyWrites(writes, tx).then(() => (finished = true), () => (finished = true));
      while (!frozen && !finished) await new Promise((r) => setTimeout(r, 1));
      vi.restoreAllMocks();
      for (const t of TARGETS) expect([t.before, t.after], `${t.name} after a crash at call ${k}`).toContain(read(t.name));
      // Whatever holds the key, finished file or leftover temp file, is private.
      for (const name of readdirSync(join(dir, 'home'))) {
        const p = join(dir, 'home', name);
        if (readFileSync(p, 'utf8').includes(KEY)) expect(statSync(p).mode & 0o077, name).toBe(0);
      }
      if (finished) break;
      frozenAt = k;
    }
    // The run has many file system calls; every one of them was a crash point.
    expect(frozenAt).toBeGreaterThan(20);
  });
});
