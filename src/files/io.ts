/**
 * The only module that reads or writes the user's files. Writes are atomic (temp file in
 * the same directory, fsync, rename), go through symlinks to their targets, and keep the
 * target's mode; reads refuse what is not a regular UTF-8 text file instead of guessing.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { CliError } from '../errors.js';

/** Large enough for any real config or rc file; larger is almost certainly the wrong file. */
export const MAX_TEXT_BYTES = 4 * 1024 * 1024;

export interface TextFile {
  /** The path as the user knows it. */
  path: string;
  /** The file actually read and written: symlinks followed. */
  target: string;
  exists: boolean;
  /** The text, without a leading byte order mark. */
  text: string;
  /** The file starts with a UTF-8 byte order mark, which a write keeps. */
  bom?: boolean;
  /** Permission bits of the existing file. */
  mode?: number;
  /** The existing file's owner. */
  uid?: number;
}

export const BOM = '\uFEFF';

export function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/** Follows a chain of symlinks to the path that a write should replace, even when its target does not exist yet. */
export async function resolveTarget(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      link = await fs.readlink(current);
    } catch (err) {
      const code = errnoOf(err);
      if (code === 'EINVAL' || code === 'ENOENT' || code === 'ENOTDIR') return current;
      throw fileError(path, err, 'read');
    }
    // A relative link is relative to the directory it really is in, as the OS resolves it: when
    // that directory is reached through a symlink (ZDOTDIR pointing elsewhere), `..` in the link
    // climbs from the real directory, not from the symlink's parent.
    current = isAbsolute(link) ? link : resolve(await fs.realpath(dirname(current)).catch(() => dirname(current)), link);
  }
  throw new CliError(`${path} is a symlink loop.`, 2, 'Point the symlink at a real file, or remove it, and run again; nothing was written.');
}

export async function readTextFile(path: string, maxBytes = MAX_TEXT_BYTES): Promise<TextFile> {
  const target = await resolveTarget(path);
  let stat;
  try {
    stat = await fs.stat(target);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { path, target, exists: false, text: '' };
    throw fileError(path, err, 'read');
  }
  if (stat.isDirectory()) throw new CliError(`${path} is a directory, not a file.`, 2, 'Move it aside and run again; nothing was written.');
  // Opening a FIFO or device would block or read forever; only regular files are ours to edit.
  if (!stat.isFile()) throw new CliError(`${path} is not a regular file.`, 2, 'Move it aside and run again; nothing was written.');
  if (stat.size > maxBytes) {
    throw new CliError(`${path} is ${(stat.size / 1048576).toFixed(1)} MB; a file this large is not a config file this tool will edit.`, 2, 'Check the path; nothing was written.');
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(target);
  } catch (err) {
    throw fileError(path, err, 'read');
  }
  let text: string;
  try {
    // ignoreBOM keeps a byte order mark in the text, so that it can be written back.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new CliError(`${path} is not UTF-8 text.`, 2, 'Convert it to UTF-8 (or move it aside) and run again; nothing was written.');
  }
  const bom = text.startsWith(BOM);
  return { path, target, exists: true, text: bom ? text.slice(1) : text, ...(bom ? { bom } : {}), mode: stat.mode & 0o7777, uid: stat.uid };
}

/** A file mode as people write it for chmod: 0644, 0600. */
export function octalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

export function fileError(path: string, err: unknown, verb: 'read' | 'write' = 'write'): CliError {
  const code = errnoOf(err);
  const reason: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exhausted',
    ELOOP: 'too many levels of symbolic links',
    ENOTDIR: 'a part of the path is not a directory',
    EISDIR: 'it is a directory',
    ENOENT: 'the directory does not exist',
  };
  const why = (code && reason[code]) ?? (err instanceof Error ? err.message : String(err));
  return new CliError(`Could not ${verb} ${path}: ${why}${code ? ` (${code})` : ''}.`, 2, verb === 'read' ? 'Fix that (or move the file aside) and run again; nothing was changed.' : undefined);
}

export async function ensureDir(dir: string, mode = 0o700): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true, mode });
  } catch (err) {
    throw fileError(dir, err);
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await fs.open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces `target` with `data` atomically: readers see the old file or the new one, never
 * a part. The temp file is created with the final mode, so a secret is never readable by
 * others, not even for a moment.
 */
export async function writeAtomic(target: string, data: string | Buffer, mode: number, label = target): Promise<void> {
  const dir = dirname(target);
  const prefix = `.${target.slice(dir.length + 1)}.lightweight-`;
  await removeStaleTemps(dir, prefix);
  const tmp = join(dir, `${prefix}${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let handle;
  try {
    handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    await handle.writeFile(data);
    // The umask may have narrowed the mode the file was created with; set it exactly.
    await handle.chmod(mode);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, target);
  } catch (err) {
    await handle?.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw fileError(label, err);
  }
  await fsyncDir(dir);
}

/**
 * A run killed between creating its temp file and the rename leaves the temp file behind (the
 * target itself is intact). The next write to that file clears such leftovers: ours by name,
 * and only those whose process is gone.
 */
/** The process that wrote a temp file writeAtomic names (`.<name>.lightweight-<pid>-<hex>.tmp`), or undefined for any other name. */
export function tempFileWriter(name: string): number | undefined {
  const m = /^\..*\.lightweight-(\d+)-[0-9a-f]+\.tmp$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export async function removeStaleTemps(dir: string, prefix = '.'): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const writer = name.startsWith(prefix) ? tempFileWriter(name) : undefined;
    if (writer !== undefined && !processAlive(writer)) await fs.rm(join(dir, name), { force: true }).catch(() => {});
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoOf(err) === 'EPERM';
  }
}

/** The directories at or above each path, up to (not including) `stop`, that do not exist yet, deepest first. */
export async function missingDirs(dirs: readonly string[], stop: string): Promise<string[]> {
  const out = new Set<string>();
  for (const start of dirs) {
    for (let d = resolve(start); d !== stop && d !== dirname(d) && d.startsWith(`${stop}${sep}`); d = dirname(d)) {
      if (await pathExists(d)) break;
      out.add(d);
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** The regular files and directories under `dir`, `depth` levels down (a Codex home can hold thousands of session files below that). */
export async function listTree(dir: string, depth = 2): Promise<{ files: Set<string>; dirs: Set<string> }> {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const walk = async (d: string, left: number): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        dirs.add(p);
        if (left > 1) await walk(p, left - 1);
      } else if (e.isFile()) files.add(p);
    }
  };
  await walk(dir, depth);
  return { files, dirs };
}

/** Removes the directories (deepest first) that are empty; a directory with anything in it stays. */
export async function removeEmptyDirs(dirs: readonly string[]): Promise<void> {
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) await fs.rmdir(d).catch(() => {});
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch {
    return false;
  }
}
