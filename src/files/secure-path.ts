/**
 * Whether another user could swap a file out from under a path: every folder on the way to it
 * (symlinks resolved) must belong to this user or to root, and must not be writable by others
 * (or by a group that is not this user's own) unless its sticky bit keeps them from renaming
 * what they do not own. A folder that fails lets its writer exchange the key's directory in a
 * loop (renameat2) and have their own file read as the key, by every new shell and by Codex.
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { octalMode } from './io.js';

export interface UnsafeFolder {
  path: string;
  why: string;
}

/** Pure: the verdict on one folder, given its owner, group and mode. */
export function folderRisk(st: { uid: number; gid: number; mode: number }, me: { uid: number; gid: number }): string | undefined {
  if (st.uid !== me.uid && st.uid !== 0) return `it belongs to another user (uid ${st.uid})`;
  const sticky = (st.mode & 0o1000) !== 0;
  if (sticky) return undefined;
  if ((st.mode & 0o002) !== 0) return `others can write to it (mode ${octalMode(st.mode)}, no sticky bit)`;
  if ((st.mode & 0o020) !== 0 && st.gid !== me.gid) return `its group (gid ${st.gid}) can write to it (mode ${octalMode(st.mode)}, no sticky bit)`;
  return undefined;
}

/** The first folder above `path` (itself excluded) through which another user could replace it; undefined where all are safe or there are no user ids (Windows). */
export async function unsafeFolderAbove(path: string): Promise<UnsafeFolder | undefined> {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid === undefined || gid === undefined) return undefined;
  let dir = await fs.realpath(dirname(path)).catch(() => undefined);
  // A folder that does not exist yet is created private; its nearest existing ancestor decides.
  let probe = dirname(path);
  while (dir === undefined && probe !== dirname(probe)) {
    probe = dirname(probe);
    dir = await fs.realpath(probe).catch(() => undefined);
  }
  for (let d = dir; d !== undefined; d = d === dirname(d) ? undefined : dirname(d)) {
    const st = await fs.stat(d).catch(() => undefined);
    if (!st) continue;
    const why = folderRisk(st, { uid, gid });
    if (why) return { path: d, why };
  }
  return undefined;
}

/** `dir` itself or a folder above it through which another user could replace what it holds; undefined for a folder that does not exist yet. */
export async function unsafeFolderAt(dir: string): Promise<UnsafeFolder | undefined> {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid === undefined || gid === undefined) return undefined;
  const real = await fs.realpath(dir).catch(() => undefined);
  if (!real) return undefined;
  const st = await fs.stat(real);
  const why = folderRisk(st, { uid, gid });
  return why ? { path: real, why } : unsafeFolderAbove(real);
}
