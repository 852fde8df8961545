/**
 * `lightweight restore`: puts back the files the last setup or switch changed, exactly as
 * they were, from the backups taken before each write. Each restore steps one run further
 * back. A file changed since the tool wrote it is not overwritten without --force.
 */
import { cmd } from '../invocation.js';
import { promises as fs } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { applyWrites, type PlannedWrite } from '../files/transaction.js';
import { BACKUPS_KEPT, BackupStore, sha256, type Manifest, type ManifestEntry } from '../files/backup.js';
import { CliError, EXIT } from '../errors.js';
import { errnoOf, removeEmptyDirs, resolveTarget } from '../files/io.js';
import { withLock } from '../files/lock.js';
import { resolvePaths, tildify, type Paths } from '../files/paths.js';
import { readInstalled, type Installed } from '../setup/installed.js';
import { KEY_VAR } from '../gateway/constants.js';
import { maskKey } from '../gateway/key.js';
import { platformOf } from '../platform/platform.js';
import { readUserVariable, removeUserKeyVariable, setUserKeyVariable } from '../platform/windows-env.js';
import { startupFiles } from '../shell/detect.js';
import { confirmOrYes } from '../ui/confirm.js';
import { makeOutput, type Io } from '../ui/output.js';
import { printWrites } from '../ui/review.js';

export interface RestoreFlags {
  yes?: boolean;
  list?: boolean;
  force?: boolean;
  codexHome?: string;
}

/** The commands whose runs restore can undo (not restores or uninstalls themselves). */
const UNDOABLE = new Set(['setup', 'use-preview', 'use-production', 'models-sync']);

type Run = Manifest & { dir: string };

/** A run restore can undo: a setup or switch not restored yet, that wrote something (or was killed half-way). */
function undoable(r: Run): boolean {
  return !r.restoredAt && UNDOABLE.has(r.command) && (!r.complete || r.entries.some((e) => e.written !== undefined || e.removed === true));
}

function nothingToRestore(): CliError {
  return new CliError('Nothing to restore: no setup or switch with backups that has not been restored already.', EXIT.usage, `See what is kept: ${cmd('restore --list')}`);
}

async function readBytes(path: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** The first entry per file: it holds the file as it was before the run. */
function firstPerTarget(entries: readonly ManifestEntry[]): ManifestEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => !seen.has(e.target) && seen.add(e.target));
}

export interface RestorePlan {
  writes: PlannedWrite[];
  /** Files whose contents differ from what the run left there. */
  changedSince: string[];
}

/**
 * A manifest is only trusted as far as it says what this tool could have written: a backup copy
 * inside the run's own directory (a plain number, a regular file), a file in Codex's home, in the
 * tool's directory or among the shell startup files, reached the way its path leads today. Any
 * other entry stops the restore before anything is shown or written.
 */
export async function validateRun(run: Run, allowed: (path: string) => boolean): Promise<void> {
  const bad = (why: string) =>
    new CliError(`The backup record ${join(run.dir, 'manifest.json')} has an entry this tool would not have written (${why}).`, EXIT.usage, 'Nothing was restored. Look at that record, or pick another run; the files stay as they are.');
  for (const e of run.entries) {
    if (typeof e.path !== 'string' || typeof e.target !== 'string') throw bad('no path');
    for (const p of [e.path, e.target]) if (!isAbsolute(p) || normalize(p) !== p) throw bad(`path ${JSON.stringify(p)} is not a plain absolute path`);
    if (!allowed(e.path)) throw bad(`${e.path} is not a file lightweight-setup writes`);
    if ((await resolveTarget(e.path)) !== e.target) throw bad(`${e.path} no longer leads to ${e.target}`);
    if (!Number.isInteger(e.mode) || e.mode < 0 || e.mode > 0o7777) throw bad('mode');
    if (e.backup !== undefined) {
      if (typeof e.backup !== 'string' || !/^\d+$/.test(e.backup)) throw bad(`backup ${JSON.stringify(e.backup)} is not inside the run's directory`);
      const st = await fs.lstat(join(run.dir, e.backup)).catch(() => undefined);
      if (!st?.isFile()) throw bad(`backup ${e.backup} is missing or not a regular file`);
    }
  }
}

/** The files restore may write: Codex's home, the tool's directory (not its backups), and shell startup files. */
export function restorable(paths: Paths, rcFiles: readonly string[], codexHomes: readonly string[]): (path: string) => boolean {
  const under = (p: string, d: string) => p.startsWith(`${d}${sep}`);
  const rc = new Set(rcFiles);
  return (p) => rc.has(p) || codexHomes.some((d) => under(p, d)) || (under(p, paths.stateDir) && p !== paths.backups && !under(p, paths.backups));
}

/** A restored file never comes back writable by others, whatever the record says. */
function safeMode(e: ManifestEntry): number {
  return e.secret ? 0o600 : e.mode & 0o755;
}

export async function planRestore(run: Run): Promise<RestorePlan> {
  const writes: PlannedWrite[] = [];
  const changedSince: string[] = [];
  for (const e of firstPerTarget(run.entries)) {
    const recorded = e.written !== undefined || e.removed === true;
    // In a finished run an unrecorded entry was never written. In a run killed half-way it may
    // have been written just before the record, so it is compared with its backup instead.
    if (!recorded && run.complete) continue;
    const now = await readBytes(e.target);
    const backup = e.backup ? await fs.readFile(join(run.dir, e.backup)) : undefined;
    if (recorded) {
      const untouched = e.removed ? now === undefined : now !== undefined && sha256(now) === e.written;
      if (!untouched) changedSince.push(e.path);
    } else {
      const asBefore = backup ? now !== undefined && now.equals(backup) : now === undefined;
      if (asBefore) continue;
      // Our write or a later edit: there is no telling, so it needs --force like an edit would.
      changedSince.push(e.path);
    }
    writes.push({
      path: e.path,
      target: e.target,
      existed: now !== undefined,
      before: now?.toString('utf8') ?? '',
      after: backup ? backup.toString('utf8') : null,
      mode: safeMode(e),
      secret: Boolean(e.secret),
      // A key file's directory may be gone (uninstall removes it); it is the tool's own, 0700.
      ...(e.secret ? { dirMode: 0o700 } : {}),
    });
  }
  return { writes, changedSince };
}

/**
 * Windows: new terminals get the key from the user variable setup set (there is no shell block
 * reading the key file), so a restored key file alone would leave them the newer key. The variable
 * follows the key file back: set to the restored key, or removed with the key file when it holds
 * the key the tool set. Undefined when nothing changes.
 */
async function userVariableFollows(io: Io, paths: Paths, inst: Installed, writes: readonly PlannedWrite[]): Promise<{ said: string; apply(): Promise<void> } | undefined> {
  const platform = platformOf(io.platform);
  const keyWrite = writes.find((w) => w.path === paths.keys.main);
  if (platform.newTerminals !== 'user-variable' || !inst.state?.userVariable || !keyWrite) return undefined;
  const now = await readUserVariable(io.env);
  if (now.error) return undefined;
  const restored = keyWrite.after === null ? undefined : platform.readKeyFile(keyWrite.after);
  if (restored !== undefined) {
    if (now.value === restored) return undefined;
    return {
      said: `${KEY_VAR} (your user's environment variables): back to ${maskKey(restored)}`,
      apply: () => setUserKeyVariable(io.env, restored, paths.stateDir, paths.keys.main),
    };
  }
  if (now.value === undefined || now.value !== inst.keyFile.key) return undefined;
  return { said: `${KEY_VAR} (your user's environment variables): removed, as before setup`, apply: () => removeUserKeyVariable(io.env) };
}

function describeRun(r: Run, home: string): string {
  const when = r.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const files = firstPerTarget(r.entries)
    .filter((e) => e.written !== undefined || e.removed)
    .map((e) => `${tildify(e.path, home)} (${e.removed ? 'removed' : e.existed ? 'changed' : 'created'})`)
    .join(', ');
  return `${r.id}  ${when}  ${r.command}${r.restoredAt ? '  [restored]' : ''}${r.complete ? '' : '  [incomplete]'}\n    ${files || 'no files written'}`;
}

export async function restore(flags: RestoreFlags, io: Io): Promise<number> {
  const out = makeOutput(io);
  const paths = resolvePaths(io.env, io.cwd, flags.codexHome);
  const store = new BackupStore(paths.backups);
  const runs = await store.list();
  if (flags.list) {
    if (!runs.length) out.line('No backups yet.');
    else {
      out.line(`Backups in ${tildify(paths.backups, paths.home)}, newest first (the last ${BACKUPS_KEPT} runs are kept):`);
      for (const r of runs) out.line(describeRun(r, paths.home));
    }
    return EXIT.ok;
  }

  // Nothing to restore is said before the lock: it must not create the tool's directory.
  if (!runs.some((r) => undoable(r))) throw nothingToRestore();
  return withLock(paths.stateDir, async () => {
    // A run killed half-way is undone too: the files it did write are recorded as written.
    const run = (await store.list()).find(undoable);
    if (!run) throw nothingToRestore();
    const inst = await readInstalled(io.env, io.cwd, flags.codexHome);
    const shellFiles = startupFiles({ home: paths.home, platform: io.platform, env: io.env });
    await validateRun(run, restorable(paths, [...(inst.state?.rcFiles ?? []), ...shellFiles], [paths.codexHome, ...(inst.state?.codexHome ? [inst.state.codexHome] : [])]));
    const plan = await planRestore(run);
    if (plan.changedSince.length && !flags.force) {
      throw new CliError(
        `These files changed after ${run.command} wrote them: ${plan.changedSince.map((p) => tildify(p, paths.home)).join(', ')}. Restoring would discard those later edits.`,
        EXIT.usage,
        `Look at them first; to restore anyway, run: ${cmd('restore --force')}`,
      );
    }
    out.line(`Restoring the files ${run.command} changed on ${run.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}:`);
    printWrites(plan.writes, out, paths.home);
    const variable = await userVariableFollows(io, paths, inst, plan.writes);
    if (variable) out.line(`  ${variable.said}`);
    out.line();
    await confirmOrYes(flags.yes, io, 'Restore these files?');
    const tx = await store.begin('restore');
    await applyWrites(plan.writes, tx);
    await tx.complete();
    await store.markRestored(run);
    // The directories that run created go too, if nothing else is in them now.
    await removeEmptyDirs((run.createdDirs ?? []).filter((d) => d !== paths.stateDir && !d.startsWith(`${paths.stateDir}${sep}`) && !paths.stateDir.startsWith(`${d}${sep}`)));
    out.status('pass', `Put back ${plan.writes.length} file${plan.writes.length === 1 ? '' : 's'} as before ${run.command}.`);
    // After the files and their record: a registry that refuses leaves the restore done, and says so.
    if (variable) {
      try {
        await variable.apply();
      } catch (err) {
        out.status('warn', `${KEY_VAR} (your user's environment variables) was not changed (${(err as Error).message}): new terminals may get another key than the key file; run ${cmd()} to set it again.`);
      }
    }
    return EXIT.ok;
  });
}
