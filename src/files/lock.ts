/**
 * One setup (or switch, restore, uninstall) at a time per user: a lock file holding the
 * owner's pid and a random token. A lock whose owner is gone (killed, crashed) is stale and is
 * taken over, by one waiter only: see `breakIfStale`.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { ensureDir, errnoOf, pathExists, processAlive } from './io.js';

const WAIT_MS = 30_000;
const POLL_MS = 50;
/** A lock's text is a pid and a token; anything longer is not one of ours (and is not read on). */
const MAX_LOCK_BYTES = 256;
/** Taking over a stale lock takes milliseconds: a takeover marker this old was left by a killed run. */
const TAKEOVER_STALE_MS = 10_000;

/** Points where a test can hold one run still while another runs, to make the takeover race deterministic. */
export interface LockHooks {
  /** After a waiter judged the lock stale, before it takes it over. */
  judgedStale?: () => Promise<void>;
}

async function tryCreate(file: string, text: string): Promise<boolean> {
  try {
    const h = await fs.open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await h.writeFile(text);
    } finally {
      await h.close();
    }
    return true;
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw err;
    return false;
  }
}

/**
 * The lock's text, read only from a regular file and only its first bytes: a lock replaced by a
 * symlink to /dev/zero or a FIFO must neither fill memory nor hang. Undefined when it is gone.
 */
export async function readLock(file: string): Promise<{ text: string; mtimeMs: number } | undefined> {
  const st = await fs.lstat(file).catch(() => undefined);
  if (!st) return undefined;
  if (!st.isFile()) {
    throw new CliError(
      `The lock file ${file} is not a regular file (a symlink, pipe or device), so it is not one this tool wrote.`,
      2,
      `Remove it (rm ${JSON.stringify(file)}) and run again.`,
    );
  }
  let h: fs.FileHandle;
  try {
    h = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const buf = Buffer.alloc(MAX_LOCK_BYTES);
    const { bytesRead } = await h.read(buf, 0, MAX_LOCK_BYTES, 0);
    return { text: buf.subarray(0, bytesRead).toString('utf8'), mtimeMs: st.mtimeMs };
  } finally {
    await h.close();
  }
}

function ownerOf(text: string): number {
  return Number.parseInt(text, 10);
}

/**
 * Takes over the lock if its owner no longer runs. Only one waiter may: each first creates the
 * takeover marker (O_EXCL, so one at a time), then reads the lock again and removes it only if it
 * is still the very lock judged stale (same pid and token). A waiter that judged the same stale
 * lock a moment later finds the winner's live lock there and leaves it alone.
 */
async function breakIfStale(file: string, hooks: LockHooks): Promise<void> {
  const seen = await readLock(file);
  if (!seen) return;
  const pid = ownerOf(seen.text);
  // A lock file still being written has no pid yet; give its owner a moment.
  if (Number.isNaN(pid)) {
    if (Date.now() - seen.mtimeMs < 5_000) return;
  } else if (processAlive(pid)) return;
  await hooks.judgedStale?.();
  const marker = `${file}.takeover`;
  if (!(await tryCreate(marker, `${process.pid}\n`))) {
    // Another waiter is taking over; a marker left by a run killed mid-takeover is cleared once old.
    const m = await fs.lstat(marker).catch(() => undefined);
    if (m && Date.now() - m.mtimeMs > TAKEOVER_STALE_MS) await fs.rm(marker, { force: true });
    return;
  }
  try {
    const now = await readLock(file);
    if (now && now.text === seen.text) await fs.rm(file, { force: true });
  } finally {
    await fs.rm(marker, { force: true });
  }
}

export async function withLock<T>(dir: string, fn: () => Promise<T>, hooks: LockHooks = {}): Promise<T> {
  const existed = await pathExists(dir);
  await ensureDir(dir, 0o700);
  const entriesBefore = existed ? new Set(await fs.readdir(dir).catch(() => [] as string[])) : undefined;
  const file = join(dir, 'lock');
  const token = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  const deadline = Date.now() + WAIT_MS;
  while (!(await tryCreate(file, token))) {
    await breakIfStale(file, hooks);
    if (Date.now() > deadline) {
      throw new CliError(`Another lightweight command is still running (lock ${file}).`, 2, 'Wait for it to finish; if none is running, delete the lock file.');
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  let failed = false;
  try {
    return await fn();
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // Only our own lock is removed: never one another run holds.
    const now = await readLock(file).catch(() => undefined);
    if (now?.text === token) await fs.rm(file, { force: true });
    // A failed run leaves no empty directory behind: not the tool's directory if it made it,
    // nor one it made inside (the backups directory of a first run refused before writing).
    if (failed && !entriesBefore) await removeEmptyTree(dir);
    else if (failed) for (const name of await fs.readdir(dir).catch(() => [] as string[])) if (!entriesBefore!.has(name)) await removeEmptyTree(join(dir, name));
  }
}

/** Removes `dir` and its subdirectories if they hold no file at all; anything else stays. */
async function removeEmptyTree(dir: string): Promise<boolean> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return false;
  }
  let empty = true;
  for (const name of names) {
    const p = join(dir, name);
    const st = await fs.lstat(p).catch(() => undefined);
    if (!st?.isDirectory() || !(await removeEmptyTree(p))) empty = false;
  }
  if (empty) await fs.rmdir(dir).catch(() => {});
  return empty;
}
