/**
 * Backups taken before every write, grouped per command run ("transaction") with a manifest
 * that `restore` reads: which files were there, what they held, and what this tool wrote,
 * so a later restore can tell whether the user changed a file since.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { ensureDir, errnoOf, fileError, processAlive, removeStaleTemps, tempFileWriter, writeAtomic } from './io.js';

/** How many runs' backups are kept; older ones are pruned after a successful run. */
export const BACKUPS_KEPT = 20;

export interface ManifestEntry {
  /** The path as the user knows it (may be a symlink). */
  path: string;
  /** The file actually written. */
  target: string;
  existed: boolean;
  /** Mode of the file before the change (or the mode it was created with). */
  mode: number;
  /** Name of the copy inside the run's directory, when the file existed. */
  backup?: string;
  /** SHA-256 of what this tool left in the file, once written. */
  written?: string;
  /** True when this run removed the file. */
  removed?: boolean;
  /** The file holds the key. */
  secret?: boolean;
}

export interface Manifest {
  version: 1;
  id: string;
  command: string;
  createdAt: string;
  entries: ManifestEntry[];
  /** False while the run is under way (or if it was interrupted). */
  complete: boolean;
  /** Set when `lightweight restore` has put this run's files back. */
  restoredAt?: string;
  /** Directories this run created (they did not exist before it): undo removes them again when empty. */
  createdDirs?: string[];
  /** The process that ran it: a run not complete whose process still runs is under way, and is never pruned. */
  pid?: number;
}

/** A run directory's name: its start time (to the millisecond) and a random suffix. */
const RUN_ID = /^\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{6}$/;

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export class BackupStore {
  constructor(readonly root: string) {}

  async begin(command: string): Promise<Transaction> {
    const now = new Date();
    // Milliseconds in the name: runs within one second must still sort in the order they ran.
    const id = `${now.toISOString().replace(/[-:]/g, '')}-${randomBytes(3).toString('hex')}`;
    const dir = join(this.root, id);
    await ensureDir(this.root, 0o700);
    try {
      await fs.mkdir(dir, { mode: 0o700 });
    } catch (err) {
      throw fileError(dir, err);
    }
    const tx = new Transaction(dir, { version: 1, id, command, createdAt: now.toISOString(), entries: [], complete: false, pid: process.pid });
    await tx.save();
    return tx;
  }

  /** Every run's manifest, newest first. */
  async list(): Promise<Array<Manifest & { dir: string }>> {
    let names: string[];
    try {
      names = await fs.readdir(this.root);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return [];
      throw err;
    }
    const out: Array<Manifest & { dir: string }> = [];
    for (const name of names) {
      const dir = join(this.root, name);
      try {
        const m = JSON.parse(await fs.readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
        if (m.version === 1) out.push({ ...m, dir });
      } catch {
        // Not one of ours, or a run interrupted before its manifest existed.
      }
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }

  /** Records that `restore` put a run's files back, so the next restore goes one run further. */
  async markRestored(run: Manifest & { dir: string }): Promise<void> {
    const { dir, ...manifest } = run;
    manifest.restoredAt = new Date().toISOString();
    await writeAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, 0o600);
  }

  /**
   * Keeps the newest runs, and clears what killed runs left half-written: temp files, and run
   * directories killed before their manifest existed (they hold no backup yet). Called under the
   * lock, but a run that is still under way (its process alive, its manifest not complete, or its
   * first file being written by a live process) is never touched, whatever the lock says.
   */
  async prune(keep = BACKUPS_KEPT): Promise<void> {
    const runs = await this.list();
    const running = (r: Manifest) => !r.complete && r.pid !== undefined && r.pid !== process.pid && processAlive(r.pid);
    for (const run of runs.slice(keep)) if (!running(run)) await fs.rm(run.dir, { recursive: true, force: true });
    for (const run of runs.slice(0, keep)) if (!running(run)) await removeStaleTemps(run.dir);
    const known = new Set(runs.map((r) => r.dir));
    for (const name of await fs.readdir(this.root).catch(() => [] as string[])) {
      const dir = join(this.root, name);
      if (!RUN_ID.test(name) || known.has(dir)) continue;
      // No manifest yet: a run killed at its start, unless a live process is writing its first file there.
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      const writers = names.map(tempFileWriter).filter((pid): pid is number => pid !== undefined);
      if (writers.some((pid) => pid !== process.pid && processAlive(pid))) continue;
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
}

export class Transaction {
  constructor(
    readonly dir: string,
    readonly manifest: Manifest,
  ) {}

  async save(): Promise<void> {
    await writeAtomic(join(this.dir, 'manifest.json'), `${JSON.stringify(this.manifest, null, 2)}\n`, 0o600);
  }

  /** Copies the file's current bytes aside (mode 0600: it may hold a key) before anything touches it. */
  async backup(path: string, target: string, newMode: number, secret = false): Promise<ManifestEntry> {
    let current: { bytes: Buffer; mode: number } | undefined;
    try {
      const [bytes, stat] = await Promise.all([fs.readFile(target), fs.stat(target)]);
      current = { bytes, mode: stat.mode & 0o7777 };
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw fileError(path, err);
    }
    const name = `${this.manifest.entries.length}`;
    // No backup, no write: the caller stops here and the file stays untouched.
    if (current) await writeAtomic(join(this.dir, name), current.bytes, 0o600, `the backup of ${path} (so it was not changed)`);
    const entry: ManifestEntry = current
      ? { path, target, existed: true, mode: current.mode, backup: name, ...(secret ? { secret } : {}) }
      : { path, target, existed: false, mode: newMode, ...(secret ? { secret } : {}) };
    this.manifest.entries.push(entry);
    await this.save();
    return entry;
  }

  async recordWritten(entry: ManifestEntry, data: string | Buffer): Promise<void> {
    entry.written = sha256(data);
    await this.save();
  }

  async recordRemoved(entry: ManifestEntry): Promise<void> {
    entry.removed = true;
    await this.save();
  }

  /** Records directories this run created, so that undo can remove them when they are empty again. */
  async recordCreatedDirs(dirs: readonly string[]): Promise<void> {
    if (!dirs.length) return;
    this.manifest.createdDirs = [...new Set([...(this.manifest.createdDirs ?? []), ...dirs])];
    await this.save();
  }

  /**
   * Records files that came into being during this run without the tool writing them (the log
   * and lock files of `codex login`): like the tool's own new files, undo removes them while they
   * are as they were left.
   */
  async recordCreatedFiles(files: ReadonlyArray<{ path: string; bytes: Buffer; mode: number }>): Promise<void> {
    for (const f of files) this.manifest.entries.push({ path: f.path, target: f.path, existed: false, mode: f.mode, written: sha256(f.bytes) });
    if (files.length) await this.save();
  }

  async complete(): Promise<void> {
    // A run that changed nothing (an identical rerun) leaves no record: `restore` then still undoes the last run that did.
    if (!this.manifest.entries.length && !this.manifest.createdDirs?.length) return this.discard();
    this.manifest.complete = true;
    await this.save();
  }

  /** Drops this run's backups and record: for a run that failed and was undone completely. */
  async discard(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  /**
   * Puts back every file this run wrote, newest first: used when a later write fails. An entry
   * backed up but never written (the write that failed) has nothing to put back.
   */
  async rollback(): Promise<string[]> {
    const failed: string[] = [];
    for (const entry of [...this.manifest.entries].reverse()) {
      if (entry.written === undefined && !entry.removed) continue;
      try {
        if (entry.backup) await writeAtomic(entry.target, await fs.readFile(join(this.dir, entry.backup)), entry.mode);
        else await fs.rm(entry.target, { force: true });
      } catch {
        failed.push(entry.path);
      }
    }
    return failed;
  }
}
