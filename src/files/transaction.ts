/**
 * Carries out planned writes as one transaction: each file is backed up, then replaced
 * atomically; if any write fails, the ones already made are rolled back from the backups.
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import type { Transaction } from './backup.js';
import { CliError } from '../errors.js';
import { BOM, ensureDir, fileError, pathExists, writeAtomic, type TextFile } from './io.js';

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
}

/** A planned write of `file` (as read) with new contents, keeping its byte order mark. */
export function plannedWrite(
  file: TextFile,
  after: string | null,
  opts: { mode: number; secret?: boolean; dirMode?: number; internal?: boolean; summary?: string },
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

/** Fails early, before any write, on a parent directory that is missing and not ours to create. */
export async function checkParents(writes: readonly PlannedWrite[]): Promise<void> {
  for (const w of writes) {
    if (w.dirMode === undefined && actionOf(w) !== 'unchanged' && !(await pathExists(dirname(w.target)))) {
      throw new CliError(`Cannot write ${w.path}: the directory ${dirname(w.target)} does not exist.`, 2, 'Create it, or choose another file with --rc-file; nothing was written.');
    }
  }
}

export async function applyWrites(writes: readonly PlannedWrite[], tx: Transaction): Promise<Map<PlannedWrite, WriteAction>> {
  const done = new Map<PlannedWrite, WriteAction>();
  try {
    for (const w of writes) {
      const action = actionOf(w);
      // A secret file left with a wider mode by someone else is tightened even if unchanged.
      if (action === 'unchanged' && !(w.secret && (await modeOf(w.target)) !== w.mode)) {
        done.set(w, action);
        continue;
      }
      const entry = await tx.backup(w.path, w.target, w.mode, w.secret);
      if (w.after === null) {
        await removeFile(w.target);
        await tx.recordRemoved(entry);
      } else {
        if (w.dirMode !== undefined) await ensureDir(dirname(w.target), w.dirMode);
        // A directory that holds the key is private too, even if it existed with a wider mode.
        if (w.secret) await tightenDir(dirname(w.target), 0o700);
        const data = contentsOf(w);
        await writeAtomic(w.target, data, w.mode);
        await tx.recordWritten(entry, data);
      }
      done.set(w, action);
    }
  } catch (err) {
    const failed = await tx.rollback();
    const message = err instanceof Error ? err.message : String(err);
    throw new CliError(
      failed.length
        ? `${message} Rolling back also failed for: ${failed.join(', ')}; the backups are in ${tx.dir}.`
        : `${message} Every file already written was put back as it was.`,
      2,
    );
  }
  return done;
}

async function tightenDir(dir: string, mode: number): Promise<void> {
  try {
    const current = (await fs.stat(dir)).mode & 0o777;
    if ((current & ~mode) !== 0) await fs.chmod(dir, current & mode);
  } catch (err) {
    throw fileError(dir, err);
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
