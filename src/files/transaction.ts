/**
 * Carries out planned writes as one transaction: each file is backed up, then replaced
 * atomically; if any write fails, the ones already made are rolled back from the backups.
 */
import { unsafeFolderAbove } from './secure-path.js';
import { constants, promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import type { Transaction } from './backup.js';
import { CliError } from '../errors.js';
import { BOM, ensureDir, fileError, octalMode, pathExists, writeAtomic, type TextFile } from './io.js';
import { tildify } from './paths.js';

export interface PlannedWrite {
  /** The path as the user knows it. */
  path: string;
  /** The file to replace (symlinks followed). */
  target: string;
  existed: boolean;
  before: string;
  /** The new contents, or null to remove the file. */
  after: string | null;
  /** Mode to write: the existing file's, or the one for a new file. Key files are always 0600. */
  mode: number;
  /** Create missing parent directories with this mode; when absent the parent must exist. */
  dirMode?: number;
  /** Holds the key: shown masked, never world-readable. */
  secret: boolean;
  /** The tool's own bookkeeping: named in a review, not diffed. */
  internal?: boolean;
  /** Shown in a review instead of a diff (a generated file too long to read as one). */
  summary?: string;
  /** The file had a UTF-8 byte order mark: it is written back in front of `after`. */
  bom?: boolean;
  /**
   * The tool's own directory this secret lives in, which every run makes private (0700) again.
   * A secret anywhere else (a symlink out of it, Codex's auth.json) never has its directory's mode
   * changed: it is refused when that directory is not private to the user.
   */
  privateDir?: string;
}

/** A planned write of `file` (as read) with new contents, keeping its byte order mark. */
export function plannedWrite(
  file: TextFile,
  after: string | null,
  opts: { mode: number; secret?: boolean; dirMode?: number; internal?: boolean; summary?: string; privateDir?: string },
): PlannedWrite {
  return {
    path: file.path,
    target: file.target,
    existed: file.exists,
    before: file.text,
    after,
    mode: opts.mode,
    secret: opts.secret ?? false,
    ...(opts.dirMode !== undefined ? { dirMode: opts.dirMode } : {}),
    ...(opts.internal ? { internal: true } : {}),
    ...(opts.summary ? { summary: opts.summary } : {}),
    ...(opts.privateDir ? { privateDir: opts.privateDir } : {}),
    ...(file.bom ? { bom: true } : {}),
  };
}

/** The bytes a write puts on disk. */
export function contentsOf(w: PlannedWrite): string {
  return (w.bom ? BOM : '') + (w.after ?? '');
}

export type WriteAction = 'created' | 'updated' | 'removed' | 'unchanged';

export function actionOf(w: PlannedWrite): WriteAction {
  if (w.after === null) return w.existed ? 'removed' : 'unchanged';
  if (!w.existed) return 'created';
  return w.before === w.after ? 'unchanged' : 'updated';
}

/**
 * Files the user made read-only (no owner write bit) that a write would change. The atomic
 * rename would replace them regardless, so commands ask first or refuse: some users chmod 444
 * their config precisely so that nothing rewrites it behind their back.
 */
export function readOnlyWrites(writes: readonly PlannedWrite[]): PlannedWrite[] {
  return writes.filter((w) => isReadOnly(w) && actionOf(w) !== 'unchanged');
}

/** The file exists and its owner may not write it (chmod a-w): written, it is made read-only again. */
export function isReadOnly(w: PlannedWrite): boolean {
  return w.existed && (w.mode & 0o200) === 0;
}

export function readOnlyError(files: readonly PlannedWrite[], home: string): CliError {
  const shown = files.map((w) => tildify(w.path, home));
  const list = shown.join(' ');
  return new CliError(
    `${shown.join(', ')} ${files.length === 1 ? 'is' : 'are'} read-only (mode ${octalMode(files[0]!.mode)}), perhaps so that no tool rewrites ${files.length === 1 ? 'it' : 'them'}; nothing was written.`,
    2,
    `To let this change go through: chmod u+w ${list}, run it again, then chmod a-w ${list} to protect ${files.length === 1 ? 'it' : 'them'} again.`,
  );
}

/**
 * Fails early, before any write (and before any backup), on a parent directory that is missing
 * and not ours to create, or that the user cannot write: the message names the directory and
 * the fix, and nothing is left behind.
 */
export async function checkParents(writes: readonly PlannedWrite[], show: (p: string) => string = (p) => p): Promise<void> {
  for (const w of writes) {
    if (actionOf(w) === 'unchanged') continue;
    const dir = dirname(w.target);
    if (w.dirMode === undefined && !(await pathExists(dir))) {
      throw new CliError(`Cannot write ${show(w.path)}: the directory ${show(dir)} does not exist.`, 2, 'Create it, or choose another file with --rc-file; nothing was written.');
    }
    const problem = await unwritableDir(dir);
    if (problem) throw new CliError(`Cannot write ${show(w.path)}: ${show(problem.dir)} ${problem.why}; nothing was changed.`, 2, problem.fix(show(problem.dir)));
  }
}

/** Why the nearest existing directory at or above `dir` cannot take a new file, if it cannot. */
async function unwritableDir(dir: string): Promise<{ dir: string; why: string; fix: (shown: string) => string } | undefined> {
  let at = dir;
  while (!(await pathExists(at))) {
    const up = dirname(at);
    if (up === at) return undefined;
    at = up;
  }
  try {
    await fs.access(at, constants.W_OK | constants.X_OK);
    return undefined;
  } catch {
    // Fall through to say why.
  }
  const st = await fs.stat(at).catch(() => undefined);
  const uid = process.getuid?.();
  if (st && uid !== undefined && st.uid !== uid) {
    return { dir: at, why: `is not writable by you (it belongs to uid ${st.uid})`, fix: (d) => `Give it back to your user (sudo chown -R "$(id -un)" ${d}), then run again.` };
  }
  return { dir: at, why: `is not writable (mode ${st ? octalMode(st.mode) : 'unknown'})`, fix: (d) => `Make it writable (chmod u+w ${d}), then run again.` };
}

export async function applyWrites(writes: readonly PlannedWrite[], tx: Transaction): Promise<Map<PlannedWrite, WriteAction>> {
  const done = new Map<PlannedWrite, WriteAction>();
  try {
    for (const w of writes) {
      const action = actionOf(w);
      if (w.secret && w.after !== null) await keepPrivate(w);
      if (action === 'unchanged') {
        // A secret file someone widened is made private again, even when its text is the same, and
        // a file whose planned mode takes write access away from others (config.toml) loses it.
        const current = await modeOf(w.target);
        if (current !== undefined && current !== w.mode && (w.secret || (current & 0o022 & ~w.mode) !== 0)) await chmod(w.target, w.mode);
        done.set(w, action);
        continue;
      }
      const entry = await tx.backup(w.path, w.target, w.mode, w.secret);
      if (w.after === null) {
        await removeFile(w.target);
        await tx.recordRemoved(entry);
      } else {
        if (w.dirMode !== undefined) await ensureDir(dirname(w.target), w.dirMode);
        const data = contentsOf(w);
        await writeAtomic(w.target, data, w.mode);
        await tx.recordWritten(entry, data);
      }
      done.set(w, action);
    }
  } catch (err) {
    const failed = await tx.rollback();
    // A run that failed and was undone leaves no trace: its backups are not a run to restore.
    if (!failed.length) await tx.discard();
    const message = (err instanceof Error ? err.message : String(err)).replace(/([^.])$/, '$1.');
    const hint = err instanceof CliError ? err.hint : undefined;
    throw new CliError(
      failed.length
        ? `${message} Putting back what was already written failed for: ${failed.join(', ')}; the backups are in ${tx.dir}.`
        : `${message} ${done.size ? 'Every file already written was put back as it was.' : 'Nothing was changed.'}`,
      2,
      hint,
    );
  }
  return done;
}

/**
 * Before a secret is written: its own directory (the tool's, not a symlink) is made private
 * again, whatever a user or another program did to it; a secret that lands anywhere else must
 * already be in a directory that belongs to the user and that nobody else can write to, or it is
 * refused. Modes of directories the tool does not own are never changed.
 */
export async function keepPrivate(w: PlannedWrite): Promise<void> {
  const dir = dirname(w.target);
  const realDir = await fs.realpath(dir).catch(() => undefined);
  if (realDir === undefined) return; // created below, with its own mode
  const own = w.privateDir !== undefined && !(await isSymlink(w.privateDir)) && realDir === (await fs.realpath(w.privateDir).catch(() => undefined));
  const st = await fs.stat(realDir);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new CliError(`Will not write ${w.path}: it would land in ${realDir}, which belongs to another user (uid ${st.uid}), who could read or replace it.`, 2, `Point ${w.path} at a directory of your own (or remove the symlink); nothing was changed.`);
  }
  // Whoever can rename a folder above could swap this one for theirs between a check and a read.
  const above = await unsafeFolderAbove(realDir);
  if (above) {
    throw new CliError(
      `Will not write ${w.path}: ${above.path}, a folder above it, is not safe (${above.why}); another user could swap the directory it lands in for one of their own.`,
      2,
      `Make that folder safe (chmod o-w,g-w, or chmod +t for a shared folder), or keep the tool's directory elsewhere with XDG_CONFIG_HOME; nothing was changed.`,
    );
  }
  if (own) {
    if ((st.mode & 0o077) !== 0) await chmod(realDir, 0o700);
    return;
  }
  // Without user ids (Windows) a mode says nothing about who may write: every writable folder reads
  // as 0666 there, and the ACLs, which this tool does not read, decide.
  if (uid !== undefined && (st.mode & 0o022) !== 0) {
    throw new CliError(
      `Will not write ${w.path}: it would land in ${realDir}, which others can write to (mode ${octalMode(st.mode)}), so another user could replace it.`,
      2,
      `Keep it in a private directory: remove the symlink (setup then writes a regular file), or point it at a directory only you can write to; nothing was changed.`,
    );
  }
  const existing = await fs.stat(w.target).catch(() => undefined);
  if (existing && uid !== undefined && existing.uid !== uid) {
    throw new CliError(`Will not write ${w.path}: the file belongs to another user (uid ${existing.uid}).`, 2, 'Remove it (it is not yours) and run again; nothing was changed.');
  }
}

async function isSymlink(p: string): Promise<boolean> {
  return (await fs.lstat(p).catch(() => undefined))?.isSymbolicLink() ?? false;
}

async function chmod(path: string, mode: number): Promise<void> {
  try {
    await fs.chmod(path, mode);
  } catch (err) {
    throw fileError(path, err);
  }
}

async function removeFile(path: string): Promise<void> {
  try {
    await fs.rm(path, { force: true });
  } catch (err) {
    throw fileError(path, err);
  }
}

async function modeOf(path: string): Promise<number | undefined> {
  try {
    return (await fs.stat(path)).mode & 0o7777;
  } catch {
    return undefined;
  }
}
