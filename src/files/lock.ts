/**
 * One setup (or switch, restore, uninstall) at a time per user: a lock file holding the
 * owner's pid. A lock whose owner is gone (killed, crashed) is stale and is taken over.
 */
import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { ensureDir, errnoOf, pathExists, processAlive } from './io.js';

const WAIT_MS = 30_000;
const POLL_MS = 50;

async function tryAcquire(file: string): Promise<boolean> {
  try {
    const h = await fs.open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    await h.writeFile(`${process.pid}\n`);
    await h.close();
    return true;
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw err;
    return false;
  }
}

/** Removes the lock if its owner no longer runs; a rename makes the takeover race-free between waiters. */
async function breakIfStale(file: string): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt(await fs.readFile(file, 'utf8'), 10);
  } catch {
    return;
  }
  // A lock file still being written has no pid yet; give its owner a moment.
  if (Number.isNaN(pid)) {
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat || Date.now() - stat.mtimeMs < 5_000) return;
  } else if (processAlive(pid)) return;
  const grave = `${file}.stale-${process.pid}`;
  try {
    await fs.rename(file, grave);
    await fs.rm(grave, { force: true });
  } catch {
    // Another waiter took it first.
  }
}

export async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const existed = await pathExists(dir);
  await ensureDir(dir, 0o700);
  const file = join(dir, 'lock');
  const deadline = Date.now() + WAIT_MS;
  while (!(await tryAcquire(file))) {
    await breakIfStale(file);
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
    await fs.rm(file, { force: true });
    // A failed run that created the tool's directory leaves no empty directory behind.
    if (failed && !existed) await removeEmptyTree(dir);
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
